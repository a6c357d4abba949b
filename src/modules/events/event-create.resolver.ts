import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import {
  GrowthSampleCreateInput,
  GrowthSampleCreatePayload,
  MortalityEventCreateInput,
  MortalityEventCreatePayload,
  MortalityReportSetInput,
  MortalityReportSetPayload,
} from './event-create.inputs.js';
import {
  checkGrowthSampleInput,
  checkMortalityInput,
  checkMortalityReportInput,
  createGrowthSample,
  createMortalityEvent,
  setMortalityReport,
} from './event-create.service.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent, MortalityReport } from './mortality.entity.js';

@Resolver()
export class EventCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => GrowthSampleCreatePayload, {
    description:
      'Records a growth sample (a weight anchor): individual fish, from which n, mean, SD (n − 1), min, max, mean length and the mean condition factor are computed, or the aggregates. Queues a recompute from the sample day.',
  })
  async growthSampleCreate(
    @Arg('input', () => GrowthSampleCreateInput, { description: 'The sample.' }) input: GrowthSampleCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GrowthSampleCreatePayload> {
    const empty = { growthSample: null, fish: [], assignment: null, recomputeJob: null };
    const errors = checkGrowthSampleInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'growthSampleCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createGrowthSample(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const growthSample = await loadById(ctx, GrowthSample, outcome.resourceId);
    const [fish, assignment, [recomputeJob]] = await Promise.all([
      growthSample ? ctx.em.find(GrowthSampleFish, { growthSample: growthSample.id }, { orderBy: { fishNo: 'asc' } }) : [],
      loadById(ctx, BatchContainerAssignment, growthSample?.assignment.id),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { growthSample, fish, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => MortalityEventCreatePayload, {
    description:
      "Records fish found dead in an assignment on a day, and the day's mortality report with it. Transfer deaths belong on the transfer. Queues a recompute from the day.",
  })
  async mortalityEventCreate(
    @Arg('input', () => MortalityEventCreateInput, { description: 'The deaths.' }) input: MortalityEventCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MortalityEventCreatePayload> {
    const empty = { mortalityEvent: null, mortalityReport: null, assignment: null, recomputeJob: null };
    const errors = checkMortalityInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'mortalityEventCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createMortalityEvent(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const mortalityEvent = await loadById(ctx, MortalityEvent, outcome.resourceId);
    const assignmentId = mortalityEvent?.assignment.id;
    const [mortalityReport, assignment, [recomputeJob]] = await Promise.all([
      mortalityEvent ? ctx.em.findOne(MortalityReport, { assignment: assignmentId!, reportDate: mortalityEvent.eventDate }) : null,
      loadById(ctx, BatchContainerAssignment, assignmentId),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { mortalityEvent, mortalityReport, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => MortalityReportSetPayload, {
    description:
      "States that an assignment's deaths on a day are complete, possibly zero (an explicit zero-death day), so the engine uses the recorded count instead of modelling deaths. Idempotent: setting a reported day again changes nothing.",
  })
  async mortalityReportSet(
    @Arg('input', () => MortalityReportSetInput, { description: 'The assignment and day.' }) input: MortalityReportSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MortalityReportSetPayload> {
    const empty = { mortalityReport: null, created: false, assignment: null, recomputeJob: null };
    const errors = checkMortalityReportInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'mortalityReportSet',
      write: (tx) => setMortalityReport(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { assignmentId, created } = outcome.write!;
    const [mortalityReport, assignment, [recomputeJob]] = await Promise.all([
      ctx.em.findOne(MortalityReport, { assignment: assignmentId, reportDate: input.reportDate }),
      loadById(ctx, BatchContainerAssignment, assignmentId),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { mortalityReport, created, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
