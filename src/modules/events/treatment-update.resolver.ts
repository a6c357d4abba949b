import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { checkEditInput, jobOfBatch } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import { TreatmentDeleteInput, TreatmentDeletePayload, TreatmentUpdateInput, TreatmentUpdatePayload } from './treatment-update.inputs.js';
import { checkTreatmentUpdateInput, deleteTreatment, updateTreatment } from './treatment-update.service.js';
import { Treatment, TreatmentFish } from './treatment.entity.js';

@Resolver()
export class TreatmentUpdateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => TreatmentUpdatePayload, {
    description:
      'Changes a treatment (optimistic locking on version), with the create rules. New individual fish recompute the weighed count and mean weight server-side; weighedCount and avgWeightG both null remove the weighing. When a weighing (a weight anchor) was or is there and its day, assignment or figures changed, queues a recompute from the earlier of the old and new days (of the old and new assignment when it moves); other edits queue nothing.',
  })
  async treatmentUpdate(
    @Arg('input', () => TreatmentUpdateInput, { description: 'The treatment, its version and the changes.' }) input: TreatmentUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TreatmentUpdatePayload> {
    const empty = { treatment: null, fish: [], assignment: null, recomputeJob: null };
    const errors = checkTreatmentUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'treatmentUpdate', write: (tx) => updateTreatment(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [treatment, fish, assignment, recomputeJob] = await Promise.all([
      loadById(ctx, Treatment, outcome.resourceId),
      ctx.em.find(TreatmentFish, { treatment: outcome.resourceId! }, { orderBy: { fishNo: 'asc' } }),
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { treatment, fish, assignment, recomputeJob, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TreatmentDeletePayload, {
    description:
      'Deletes a treatment and its weighed fish (optimistic locking on version). A treatment with a weighing (a weight anchor) queues a recompute from its day; others queue nothing.',
  })
  async treatmentDelete(
    @Arg('input', () => TreatmentDeleteInput, { description: 'The treatment and its version.' }) input: TreatmentDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TreatmentDeletePayload> {
    const empty = { deletedId: null, assignment: null, recomputeJob: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'treatmentDelete', write: (tx) => deleteTreatment(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [assignment, recomputeJob] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { deletedId: toGlobalId('Treatment', outcome.resourceId!), assignment, recomputeJob, userErrors: [] };
  }
}
