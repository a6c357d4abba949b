import { GraphQLError } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  Extensions,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
  registerEnumType,
} from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import { seriesListSize } from '../../graphql/limits.js';
import { assertSeriesRange, DateRange, SERIES_SPAN_RULE } from '../../graphql/common/date-range.js';
import { decodeIdOf, toGlobalId } from '../../graphql/common/global-id.js';
import { refreshForEvent, subscriptionId } from '../../graphql/common/subscriptions.js';
import { DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { publishEvents } from '../../events/publisher.js';
import type { BatchUpdatedEvent, RecomputeProgressEvent } from '../../events/events.js';
import { addDays, todayUtc } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { AnchorType, RecomputeReason, TimeBucket } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { LifecycleStage } from '../species/species.entity.js';
import { Scenario } from '../scenario/scenario.entity.js';
import { growthLoaders } from './growth.loaders.js';
import { BatchDailyPoint, BatchKpis, DailyAssignmentState } from './growth.types.js';
import { RecomputeJob } from './recompute-job.entity.js';
import { enqueueRecompute } from './recompute.service.js';

/** Resolves the requested range against the owner's own dates and enforces the span limits of series. */
function seriesRange(range: DateRange | undefined, defaultFrom: string, defaultTo: string, bucket: TimeBucket) {
  const resolved = { from: range?.from ?? defaultFrom, to: range?.to ?? defaultTo };
  assertSeriesRange(resolved, 'range', bucket);
  return { ...resolved, bucket };
}

@Resolver(() => BatchContainerAssignment)
export class AssignmentGrowthResolver {
  @FieldResolver(() => [DailyAssignmentState], {
    description:
      `The daily growth series of this assignment, optionally bucketed (WEEK = ISO week, MONTH = calendar month). Default range: the whole stay; the ${SERIES_SPAN_RULE}.`,
  })
  // Query cost: a sea stay is about 400 days.
  @Extensions({ listSize: seriesListSize(400) })
  dailySeries(
    @Root() assignment: BatchContainerAssignment,
    @Arg('range', () => DateRange, { nullable: true, description: 'Inclusive days; default: arrival to departure (or today).' })
    range: DateRange | undefined,
    @Arg('bucket', () => TimeBucket, { defaultValue: TimeBucket.DAY, description: 'Bucket size.' }) bucket: TimeBucket,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DailyAssignmentState[]> {
    const end = assignment.departureDate ? addDays(assignment.departureDate, -1) : todayUtc();
    const key = seriesRange(range, assignment.assignmentDate, end, bucket);
    return growthLoaders.dailySeriesByAssignment(ctx.loaders).load({ id: assignment.id, ...key });
  }

  @FieldResolver(() => DailyAssignmentState, {
    nullable: true,
    description: 'The state on asOf, or on the latest day with data before it (null before the first computed day).',
  })
  latestState(
    @Root() assignment: BatchContainerAssignment,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Day to look at; default today (UTC).' }) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DailyAssignmentState | null> {
    return growthLoaders.latestStateByAssignment(ctx.loaders).load({ id: assignment.id, asOf: asOf ?? todayUtc() });
  }
}

@Resolver(() => Batch)
export class BatchGrowthResolver {
  @FieldResolver(() => [BatchDailyPoint], {
    description:
      `The batch's aggregate daily series (all containers), optionally bucketed. Default range: batch start to its end (or today); the ${SERIES_SPAN_RULE}.`,
  })
  // Query cost: a batch lives about 900 days, egg to harvest.
  @Extensions({ listSize: seriesListSize(900) })
  dailySeries(
    @Root() batch: Batch,
    @Arg('range', () => DateRange, { nullable: true, description: 'Inclusive days; default: the whole batch.' }) range: DateRange | undefined,
    @Arg('bucket', () => TimeBucket, { defaultValue: TimeBucket.DAY, description: 'Bucket size.' }) bucket: TimeBucket,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchDailyPoint[]> {
    const key = seriesRange(range, batch.startDate, batch.actualEndDate ?? todayUtc(), bucket);
    return growthLoaders.dailySeriesByBatch(ctx.loaders).load({ id: batch.id, ...key });
  }

  @FieldResolver(() => BatchDailyPoint, {
    nullable: true,
    description:
      "The batch aggregate on asOf, or on the latest day with data before it, as a one-day point (bucketStart = bucketEnd = lastDate; flows are that day's); null before the first computed day.",
  })
  latestState(
    @Root() batch: Batch,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Day to look at; default today (UTC).' }) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchDailyPoint | null> {
    return growthLoaders.latestStateByBatch(ctx.loaders).load({ id: batch.id, asOf: asOf ?? todayUtc() });
  }

  @FieldResolver(() => BatchKpis, { nullable: true, description: 'Key figures on asOf (default today); null before the first computed day.' })
  kpis(
    @Root() batch: Batch,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Day to look at; default today (UTC).' }) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchKpis | null> {
    return growthLoaders.kpisByBatch(ctx.loaders).load({ id: batch.id, asOf: asOf ?? todayUtc() });
  }

  @FieldResolver(() => [RecomputeJob], { description: 'Recompute jobs of the batch, newest first (at most 20).' })
  recomputeJobs(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<RecomputeJob[]> {
    return growthLoaders.recentJobsByBatch(ctx.loaders).load(batch.id);
  }
}

@Resolver(() => DailyAssignmentState)
export class DailyAssignmentStateResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'The assignment this state belongs to.' })
  assignment(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment> {
    return ctx.loaders.required(BatchContainerAssignment, state.assignmentId);
  }

  @FieldResolver(() => Container, { description: 'The container.' })
  container(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<Container> {
    return ctx.loaders.required(Container, state.containerId);
  }

  @FieldResolver(() => LifecycleStage, { description: 'Lifecycle stage at the end of lastDate (after the transition check).' })
  lifecycleStage(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage> {
    return ctx.loaders.required(LifecycleStage, state.lifecycleStageId);
  }

  @FieldResolver(() => DateScalar, { description: 'The day the row describes: lastDate (with bucket DAY, the day itself).' })
  date(@Root() state: DailyAssignmentState): string {
    return state.lastDate;
  }

  @FieldResolver(() => Batch, { description: 'The batch of the assignment.' })
  batch(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, state.batchId);
  }

  @FieldResolver(() => AnchorType, {
    nullable: true,
    description:
      'Kind of measured weight lastDate is anchored to; null when lastDate is not an anchor day (anchorCount counts the anchor days of the whole bucket).',
  })
  anchorType(@Root() state: DailyAssignmentState): AnchorType | null {
    return state.anchorType === null ? null : (state.anchorType.toUpperCase() as AnchorType);
  }

  @FieldResolver(() => Scenario, {
    nullable: true,
    description: 'Scenario whose parameters produced the row of lastDate (null if that scenario has since been deleted).',
  })
  scenario(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<Scenario | null> {
    return ctx.loaders.byId(Scenario).load(state.scenarioId);
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description:
      "Last time a value of the bucket changed: the latest computedAt of the bucket's daily rows (with bucket DAY, the row's own); null if a recompute removed the rows meanwhile.",
  })
  computedAt(@Root() state: DailyAssignmentState, @Ctx() ctx: GraphQLContext): Promise<Date | null> {
    return growthLoaders.computedAtByBucket(ctx.loaders).load({ id: state.assignmentId, from: state.bucketStart, to: state.bucketEnd });
  }
}

@Resolver(() => BatchDailyPoint)
export class BatchDailyPointResolver {
  @FieldResolver(() => LifecycleStage, { nullable: true, description: 'Stage holding the most fish at lastDate (ties: the later stage).' })
  dominantStage(@Root() point: BatchDailyPoint, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage | null> | null {
    return point.dominantStageId == null ? null : ctx.loaders.byId(LifecycleStage).load(point.dominantStageId);
  }
}

@Resolver(() => BatchKpis)
export class BatchKpisResolver {
  @FieldResolver(() => LifecycleStage, { nullable: true, description: 'Current stage: the stage holding the most fish.' })
  currentStage(@Root() kpis: BatchKpis, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage | null> | null {
    return kpis.currentStageId == null ? null : ctx.loaders.byId(LifecycleStage).load(kpis.currentStageId);
  }
}

@ObjectType({ description: 'Counters of a finished recompute run.' })
class RecomputeStatsType {
  @Field(() => Int, { description: 'Daily rows inserted or changed.' })
  rowsWritten!: number;

  @Field(() => Int, { description: 'Daily rows deleted (outside the new coverage).' })
  rowsDeleted!: number;

  @Field(() => Int, { description: 'Daily rows in scope whose values did not change (not rewritten).' })
  rowsUnchanged!: number;

  @Field(() => Int, { description: 'Batch aggregate rows changed.' })
  batchRowsWritten!: number;

  @Field(() => Float, { description: 'Run time, ms.' })
  durationMs!: number;
}

@ObjectType({ description: 'A diagnostic of the growth engine (never fatal), e.g. COUNT_MISMATCH.' })
class RecomputeDiagnosticType {
  @Field(() => String, { description: 'Diagnostic code (growth-engine.md §3.3).' })
  code!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the assignment concerned.' })
  assignmentId!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Day concerned.' })
  date!: string | null;

  @Field(() => String, { description: 'Explanation.' })
  detail!: string;
}

@Resolver(() => RecomputeJob)
export class RecomputeJobResolver {
  @Query(() => RecomputeJob, { nullable: true, description: 'A recompute job by global id; null when not found.' })
  recomputeJob(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: GraphQLContext) {
    const jobId = decodeIdOf('RecomputeJob', id);
    return jobId == null ? null : ctx.loaders.byId(RecomputeJob).load(jobId);
  }

  @FieldResolver(() => Batch, { description: 'The batch recomputed.' })
  batch(@Root() job: RecomputeJob, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, job.batch.id);
  }

  @FieldResolver(() => RecomputeStatsType, { nullable: true, description: 'Counters of a SUCCEEDED run.' })
  stats(@Root() job: RecomputeJob): RecomputeStatsType | null {
    return job.stats ?? null;
  }

  @FieldResolver(() => [RecomputeDiagnosticType], { description: 'Engine diagnostics of the run.' })
  diagnostics(@Root() job: RecomputeJob): RecomputeDiagnosticType[] {
    return (job.diagnostics ?? []).map((d) => ({
      ...d,
      assignmentId: d.assignmentId == null ? null : toGlobalId(BatchContainerAssignment.name, d.assignmentId),
    }));
  }
}

@InputType({ description: 'Input of growthRecompute.' })
class GrowthRecomputeInput {
  @Field(() => ID, { description: 'Global id of the batch.' })
  batchId!: string;

  @Field(() => DateScalar, { nullable: true, description: 'Recompute from this day on; default: from the batch start.' })
  fromDate?: string;
}

@ObjectType({ description: 'Result of growthRecompute.' })
class GrowthRecomputePayload {
  @Field(() => RecomputeJob, { nullable: true, description: 'The queued job (an existing queued job is reused and widened).' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was queued, if so.' })
  userErrors!: UserError[];
}

@Resolver()
export class GrowthMutationResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => GrowthRecomputePayload, {
    description:
      'Queues a recompute of a batch\'s growth series (coalesced with a queued one; runs after a 2 s debounce, one run per batch at a time). Follow it with `recomputeProgress`.',
  })
  async growthRecompute(
    @Arg('input', () => GrowthRecomputeInput, { description: 'What to recompute.' }) input: GrowthRecomputeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GrowthRecomputePayload> {
    const batchId = decodeIdOf('Batch', input.batchId);
    const batch = batchId == null ? null : await ctx.em.findOne(Batch, batchId);
    if (!batch) {
      return { recomputeJob: null, userErrors: [UserError.of(UserErrorCode.NOT_FOUND, `No batch with id ${input.batchId}`, ['input', 'batchId'])] };
    }
    if (input.fromDate && (input.fromDate < batch.startDate || input.fromDate > todayUtc())) {
      return {
        recomputeJob: null,
        userErrors: [
          UserError.of(UserErrorCode.VALIDATION, `fromDate must lie between the batch start (${batch.startDate}) and today`, ['input', 'fromDate']),
        ],
      };
    }
    const jobId = await ctx.em.transactional((tx) => enqueueRecompute(tx, batch.id, input.fromDate ?? null, RecomputeReason.MANUAL));
    await publishEvents(ctx.em, [{ type: 'RECOMPUTE_PROGRESS', jobId, batchId: batch.id, status: 'QUEUED' }]);
    return { recomputeJob: await ctx.em.findOne(RecomputeJob, jobId, { refresh: true }), userErrors: [] };
  }
}

@InputType({ description: 'Which recompute progress to follow: a job, or every job of a batch.' })
class RecomputeProgressFilter {
  @Field(() => ID, { nullable: true, description: 'Global id of a recompute job.' })
  jobId?: string;

  @Field(() => ID, { nullable: true, description: 'Global id of a batch.' })
  batchId?: string;
}


export enum BatchUpdateKind {
  INPUT = 'INPUT',
  DAILY_STATE = 'DAILY_STATE',
}
registerEnumType(BatchUpdateKind, {
  name: 'BatchUpdateKind',
  description: 'INPUT: an operational write changed the inputs; DAILY_STATE: a recompute changed the series.',
});

@ObjectType({ description: 'A change to a batch: its inputs (an operational write) or its daily states (a recompute).' })
class BatchUpdate {
  @Field(() => Batch, { description: 'The batch, as it is now.' })
  batch!: Batch;

  @Field(() => DateScalar, { nullable: true, description: 'Earliest day whose data changed.' })
  fromDate!: string | null;

  @Field(() => BatchUpdateKind, { description: 'What changed.' })
  kind!: BatchUpdateKind;
}

/** Refuses a recompute-progress filter without a job or batch id, or with an id of another type. */
function assertRecomputeProgressFilter(filter: RecomputeProgressFilter): void {
  if (filter.jobId == null && filter.batchId == null) {
    throw new GraphQLError('recomputeProgress needs `filter.jobId` or `filter.batchId`.', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'filter' } });
  }
  if (filter.jobId != null) subscriptionId('RecomputeJob', filter.jobId, 'filter.jobId');
  if (filter.batchId != null) subscriptionId('Batch', filter.batchId, 'filter.batchId');
}

@Resolver()
export class GrowthSubscriptionResolver {
  @Subscription(() => RecomputeJob, {
    // Checks the filter when the client subscribes: a filter that matches no event would otherwise be accepted
    // and then stay silent forever.
    topics: ({ args }) => {
      assertRecomputeProgressFilter(args.filter as RecomputeProgressFilter);
      return 'RECOMPUTE_PROGRESS';
    },
    filter: ({ payload, args }: { payload: RecomputeProgressEvent; args: { filter: RecomputeProgressFilter } }) =>
      (args.filter.jobId != null && decodeIdOf('RecomputeJob', args.filter.jobId) === payload.jobId) ||
      (args.filter.batchId != null && decodeIdOf('Batch', args.filter.batchId) === payload.batchId),
    description: 'Status changes of recompute jobs (QUEUED, RUNNING, SUCCEEDED, FAILED), published after commit.',
  })
  recomputeProgress(
    @Root() event: RecomputeProgressEvent,
    @Arg('filter', () => RecomputeProgressFilter, { description: 'A job id or a batch id (at least one; refused at subscribe time otherwise).' })
    _filter: RecomputeProgressFilter,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RecomputeJob> {
    refreshForEvent(ctx);
    return ctx.loaders.required(RecomputeJob, event.jobId);
  }

  @Subscription(() => BatchUpdate, {
    topics: ({ args }) => (subscriptionId('Batch', args.batchId as string, 'batchId'), 'BATCH_UPDATED'),
    filter: ({ payload, args }: { payload: BatchUpdatedEvent; args: { batchId: string } }) =>
      decodeIdOf('Batch', args.batchId) === payload.batchId,
    description: 'Changes to a batch after commit: operational writes (INPUT) and recomputed daily states (DAILY_STATE).',
  })
  async batchUpdated(
    @Root() event: BatchUpdatedEvent,
    @Arg('batchId', () => ID, { description: 'Global id of the batch.' }) _batchId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchUpdate> {
    refreshForEvent(ctx);
    const batch = await ctx.loaders.byId(Batch).load(event.batchId);
    return { batch: batch!, fromDate: event.fromDate, kind: event.kind as BatchUpdateKind };
  }
}
