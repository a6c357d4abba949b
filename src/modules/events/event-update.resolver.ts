import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { checkEditInput, jobOfBatch } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import {
  GrowthSampleDeleteInput,
  GrowthSampleDeletePayload,
  GrowthSampleUpdateInput,
  GrowthSampleUpdatePayload,
  MortalityEventDeleteInput,
  MortalityEventDeletePayload,
  MortalityEventUpdateInput,
  MortalityEventUpdatePayload,
} from './event-update.inputs.js';
import {
  checkGrowthSampleUpdateInput,
  checkMortalityUpdateInput,
  deleteGrowthSample,
  deleteMortalityEvent,
  updateGrowthSample,
  updateMortalityEvent,
} from './event-update.service.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent, MortalityReport } from './mortality.entity.js';

@Resolver()
export class EventUpdateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => GrowthSampleUpdatePayload, {
    description:
      'Changes a growth sample (optimistic locking on version). New individual fish recompute n, mean, SD, min, max, mean length and the condition factor server-side. Queues a recompute from the earlier of the old and new days (of the old and new assignment when it moves) when the anchor changed.',
  })
  async growthSampleUpdate(
    @Arg('input', () => GrowthSampleUpdateInput, { description: 'The sample, its version and the changes.' }) input: GrowthSampleUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GrowthSampleUpdatePayload> {
    const empty = { growthSample: null, fish: [], assignment: null, recomputeJob: null };
    const errors = checkGrowthSampleUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'growthSampleUpdate', write: (tx) => updateGrowthSample(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [growthSample, fish, assignment, recomputeJob] = await Promise.all([
      loadById(ctx, GrowthSample, outcome.resourceId),
      ctx.em.find(GrowthSampleFish, { growthSample: outcome.resourceId! }, { orderBy: { fishNo: 'asc' } }),
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { growthSample, fish, assignment, recomputeJob, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => GrowthSampleDeletePayload, {
    description: 'Deletes a growth sample and its fish (optimistic locking on version). Queues a recompute from the sample day.',
  })
  async growthSampleDelete(
    @Arg('input', () => GrowthSampleDeleteInput, { description: 'The sample and its version.' }) input: GrowthSampleDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GrowthSampleDeletePayload> {
    const empty = { deletedId: null, assignment: null, recomputeJob: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'growthSampleDelete', write: (tx) => deleteGrowthSample(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [assignment, recomputeJob] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { deletedId: toGlobalId('GrowthSample', outcome.resourceId!), assignment, recomputeJob, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => MortalityEventUpdatePayload, {
    description:
      "Changes a mortality event (optimistic locking on version), with the create rules. The event's (new) day gets its mortality report; the old day keeps its own. Queues a recompute from the earlier of the old and new days (of the old and new assignment when it moves) when the count, day or assignment changed.",
  })
  async mortalityEventUpdate(
    @Arg('input', () => MortalityEventUpdateInput, { description: 'The event, its version and the changes.' }) input: MortalityEventUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MortalityEventUpdatePayload> {
    const empty = { mortalityEvent: null, mortalityReport: null, assignment: null, recomputeJob: null };
    const errors = checkMortalityUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'mortalityEventUpdate', write: (tx) => updateMortalityEvent(tx, input, ctx.viewer.name) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const mortalityEvent = await loadById(ctx, MortalityEvent, outcome.resourceId);
    const [mortalityReport, assignment, recomputeJob] = await Promise.all([
      mortalityEvent ? ctx.em.findOne(MortalityReport, { assignment: assignmentId!, reportDate: mortalityEvent.eventDate }) : null,
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { mortalityEvent, mortalityReport, assignment, recomputeJob, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => MortalityEventDeletePayload, {
    description:
      "Deletes a mortality event (optimistic locking on version). The day's mortality report stays, so a day left without events counts zero deaths. Queues a recompute from the event day.",
  })
  async mortalityEventDelete(
    @Arg('input', () => MortalityEventDeleteInput, { description: 'The event and its version.' }) input: MortalityEventDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MortalityEventDeletePayload> {
    const empty = { deletedId: null, assignment: null, recomputeJob: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'mortalityEventDelete', write: (tx) => deleteMortalityEvent(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, batchId } = outcome.write!;
    const [assignment, recomputeJob] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, assignmentId),
      jobOfBatch(ctx, outcome.recomputeJobIds, batchId),
    ]);
    return { deletedId: toGlobalId('MortalityEvent', outcome.resourceId!), assignment, recomputeJob, userErrors: [] };
  }
}
