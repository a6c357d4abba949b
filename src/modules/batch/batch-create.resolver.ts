import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { BatchCreateInput, BatchCreatePayload } from './batch-create.inputs.js';
import { BATCH_CREATE_CONSTRAINTS, checkBatchCreateInput, createBatch } from './batch-create.service.js';
import { Batch } from './batch.entity.js';

@Resolver()
export class BatchCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => BatchCreatePayload, {
    description:
      'Creates a batch from an egg delivery: the batch, its creation record, and one assignment and placement per container, all from startDate. Containers must be active HOLDING containers, free from startDate on (CONFLICT) and able to hold the placed biomass (CAPACITY_EXCEEDED). Queues the first recompute.',
  })
  async batchCreate(
    @Arg('input', () => BatchCreateInput, { description: 'The batch, its delivery and placements.' }) input: BatchCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchCreatePayload> {
    const empty = { batch: null, assignments: [], recomputeJob: null };
    const errors = checkBatchCreateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'batchCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createBatch(tx, input),
      constraintErrors: BATCH_CREATE_CONSTRAINTS,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const batch = await loadById(ctx, Batch, outcome.resourceId);
    const assignments = batch
      ? await ctx.em.find(BatchContainerAssignment, { batch: batch.id }, { orderBy: { id: 'asc' } })
      : [];
    const [recomputeJob] = await loadJobs(ctx, outcome.recomputeJobIds);
    return { batch, assignments, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
