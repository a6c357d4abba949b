import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { checkEditInput, jobOfBatch } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import { prepareFeeding } from './feeding-event-create.service.js';
import { FeedingEventDeleteInput, FeedingEventDeletePayload, FeedingEventUpdateInput, FeedingEventUpdatePayload } from './feeding-event-update.inputs.js';
import { checkFeedingUpdateInput, deleteFeedingEvent, updateFeedingEvent } from './feeding-event-update.service.js';
import { FeedingEvent } from './feeding-event.entity.js';

@Resolver()
export class FeedingEventUpdateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedingEventUpdatePayload, {
    description:
      'Changes a feeding (optimistic locking on version) with the rules of feedingEventCreate: a batch must occupy the container on the UTC day of fedAt, and a linked assignment must be that one. When the container, day, link or amount changed, queues a recompute of the assignments fed before and after, from the earlier day.',
  })
  async feedingEventUpdate(
    @Arg('input', () => FeedingEventUpdateInput, { description: 'The feeding, its version and the changes.' }) input: FeedingEventUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedingEventUpdatePayload> {
    const empty = { feedingEvent: null, assignment: null, recomputeJob: null };
    const errors = checkFeedingUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const fedAt = input.fedAt;
    const outcome = await runOperation(ctx, {
      mutation: 'feedingEventUpdate',
      before: fedAt ? async (em) => void (await prepareFeeding(em, { fedAt })) : undefined,
      write: (tx) => updateFeedingEvent(tx, input),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [feedingEvent, assignment, recomputeJob] = await Promise.all([
      loadById(ctx, FeedingEvent, outcome.resourceId),
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { feedingEvent, assignment, recomputeJob, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedingEventDeletePayload, {
    description: 'Deletes a feeding (optimistic locking on version). Queues a recompute of the assignment it was attributed to from the feeding day.',
  })
  async feedingEventDelete(
    @Arg('input', () => FeedingEventDeleteInput, { description: 'The feeding and its version.' }) input: FeedingEventDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedingEventDeletePayload> {
    const empty = { deletedId: null, assignment: null, recomputeJob: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'feedingEventDelete', write: (tx) => deleteFeedingEvent(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [assignment, recomputeJob] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { deletedId: toGlobalId('FeedingEvent', outcome.resourceId!), assignment, recomputeJob, userErrors: [] };
  }
}
