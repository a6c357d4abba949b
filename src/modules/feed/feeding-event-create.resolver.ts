import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { FeedingEventCreateInput, FeedingEventCreatePayload } from './feeding-event-create.inputs.js';
import { checkFeedingInput, createFeedingEvent, prepareFeeding } from './feeding-event-create.service.js';
import { FeedingEvent } from './feeding-event.entity.js';

@Resolver()
export class FeedingEventCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedingEventCreatePayload, {
    description:
      'Records feed given to a container. The feeding date is the UTC day of fedAt; a batch must occupy the container that day, and a linked assignment must be that one. Queues a recompute of the occupying assignment from that day.',
  })
  async feedingEventCreate(
    @Arg('input', () => FeedingEventCreateInput, { description: 'The feeding.' }) input: FeedingEventCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedingEventCreatePayload> {
    const empty = { feedingEvent: null, assignment: null, recomputeJob: null };
    const errors = checkFeedingInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'feedingEventCreate',
      idempotency: { key: input.idempotencyKey, input },
      before: async (em) => void (await prepareFeeding(em, input)),
      write: (tx) => createFeedingEvent(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const feedingEvent = await loadById(ctx, FeedingEvent, outcome.resourceId);
    // On a replay the attribution is re-derived: the assignment occupying the container that day.
    const assignment = feedingEvent
      ? await ctx.em.findOne(BatchContainerAssignment, {
          container: feedingEvent.container.id,
          assignmentDate: { $lte: feedingEvent.feedingDate },
          $or: [{ departureDate: null }, { departureDate: { $gt: feedingEvent.feedingDate } }],
        })
      : null;
    const [recomputeJob] = await loadJobs(ctx, outcome.recomputeJobIds);
    return { feedingEvent, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
