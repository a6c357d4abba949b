import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Batch } from '../batch/batch.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { AssignmentCloseInput, AssignmentClosePayload } from './assignment-close.inputs.js';
import { checkAssignmentCloseInput, closeAssignment } from './assignment-close.service.js';
import { BatchContainerAssignment } from './assignment.entity.js';

@Resolver()
export class AssignmentCloseResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => AssignmentClosePayload, {
    description:
      'Ends an open assignment on a day (its departure day, after the arrival and after every event of the assignment). Completes the batch when it was the last open assignment. Queues a recompute from the day before.',
  })
  async assignmentClose(
    @Arg('input', () => AssignmentCloseInput, { description: 'The assignment, day and reason.' }) input: AssignmentCloseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AssignmentClosePayload> {
    const empty = { assignment: null, batch: null, batchCompleted: false, recomputeJob: null };
    const errors = checkAssignmentCloseInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'assignmentClose', write: (tx) => closeAssignment(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [assignment, batch, [recomputeJob]] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, outcome.resourceId),
      loadById(ctx, Batch, outcome.write!.batchId),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { assignment, batch, batchCompleted: outcome.write!.batchCompleted, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
