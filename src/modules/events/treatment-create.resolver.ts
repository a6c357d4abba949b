import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { TreatmentCreateInput, TreatmentCreatePayload } from './treatment-create.inputs.js';
import { checkTreatmentInput, createTreatment } from './treatment-create.service.js';
import { Treatment, TreatmentFish } from './treatment.entity.js';

@Resolver()
export class TreatmentCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => TreatmentCreatePayload, {
    description:
      'Records a treatment of an assignment. A treatment with a weighing (individual fish, from which the count and mean weight are computed, or the two figures) is a weight anchor: it queues a recompute from the treatment day; other treatments queue nothing.',
  })
  async treatmentCreate(
    @Arg('input', () => TreatmentCreateInput, { description: 'The treatment.' }) input: TreatmentCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TreatmentCreatePayload> {
    const empty = { treatment: null, fish: [], assignment: null, recomputeJob: null };
    const errors = checkTreatmentInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'treatmentCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createTreatment(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const treatment = await loadById(ctx, Treatment, outcome.resourceId);
    const [fish, assignment, [recomputeJob]] = await Promise.all([
      treatment ? ctx.em.find(TreatmentFish, { treatment: treatment.id }, { orderBy: { fishNo: 'asc' } }) : [],
      loadById(ctx, BatchContainerAssignment, treatment?.assignment.id),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { treatment, fish, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
