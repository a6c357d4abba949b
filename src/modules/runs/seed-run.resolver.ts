import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
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
import { GraphQLError } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Role } from '../../graphql/auth.js';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { decodeIdOf, toGlobalId } from '../../graphql/common/global-id.js';
import { Node } from '../../graphql/common/node.js';
import { registerNodeLoader } from '../../graphql/node.resolver.js';
import { refreshForEvent, subscriptionId } from '../../graphql/common/subscriptions.js';
import { paginate, sqlIn, sqlPaginate, type SqlFragment } from '../../graphql/common/keyset.js';
import { BigIntScalar, DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { SeedRunError } from '../synthetic/run/coordinator.js';
import type { SeedRunProgress } from '../synthetic/run/progress.js';
import { SeedRun as SeedRunRow, SeedRunBatchStatus, SeedRunPhase, SeedRunStatus } from '../synthetic/seed-run.entity.js';
import { batchRowId } from '../synthetic/sim/batch-sim.js';
import type { ClassUtilisation, RatioStats } from '../synthetic/verify/utilisation.js';
import { Batch } from '../batch/batch.entity.js';
import { Geography } from '../infrastructure/geography.entity.js';
import { decodeBatchCursor, seedRunBatchPages, seedRunUtilisation } from './seed-run.loaders.js';
import type { VerificationReport } from '../synthetic/verify/report.js';

registerEnumType(SeedRunStatus, { name: 'SeedRunStatus', description: 'Lifecycle status of a seed run.' });
registerEnumType(SeedRunPhase, { name: 'SeedRunPhase', description: 'Phase of a seed run (PLANNING → … → DONE).' });
registerEnumType(SeedRunBatchStatus, { name: 'SeedRunBatchStatus', description: 'Work-item status of a planned batch of a seed run.' });

export enum SeedProfileName {
  DEMO = 'demo',
  STANDARD = 'standard',
  FULL = 'full',
}
registerEnumType(SeedProfileName, {
  name: 'SeedProfileName',
  description: 'Built-in seed profiles: DEMO (one site, 4 batches, seconds), STANDARD (144 batches, ≈29 M rows), FULL (170 batches).',
});

@ObjectType({ description: 'Rows written to one table.' })
class TableRowCount {
  @Field(() => String, { description: 'Table name.' })
  table!: string;

  @Field(() => BigIntScalar, { description: 'Rows written so far.' })
  rows!: number;
}

@ObjectType({ description: 'A progress snapshot of a seed run (published at most every 500 ms).' })
class SeedRunProgressType {
  @Field(() => Int, { description: 'Batches planned in all.' })
  batchesTotal!: number;

  @Field(() => Int, { description: 'Batches waiting to be claimed.' })
  batchesPlanned!: number;

  @Field(() => Int, { description: 'Batches being generated.' })
  batchesClaimed!: number;

  @Field(() => Int, { description: 'Batches written.' })
  batchesDone!: number;

  @Field(() => Int, { description: 'Batches that failed.' })
  batchesFailed!: number;

  @Field(() => BigIntScalar, { description: 'Rows written so far (the spec’s “all rows” categories).' })
  rowsWritten!: number;

  @Field(() => BigIntScalar, { description: 'Rows the plan expects.' })
  rowsEstimated!: number;

  @Field(() => [TableRowCount], { description: 'Rows per table, derived tables included.' })
  rowsByTable!: TableRowCount[];

  @Field(() => Float, { description: 'Rows per second (moving average over 5 s).' })
  rowsPerSec!: number;

  @Field(() => Float, { nullable: true, description: 'Estimated seconds to go; null while unknown.' })
  etaSeconds!: number | null;

  @Field(() => Float, { description: 'Seconds since the run started.' })
  elapsedSeconds!: number;

  @Field(() => Int, { description: 'Worker threads.' })
  workers!: number;

  @Field(() => String, { nullable: true, description: 'What the run is doing.' })
  message!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the snapshot was taken.' })
  timestamp!: Date;
}

@ObjectType({ description: 'One check of a verification report (V1–V12 of synthetic-farm.md §10).' })
class VerificationCheckType {
  @Field(() => String, { description: 'Check id, V1…V12.' })
  name!: string;

  @Field(() => String, { description: 'What the check verifies.' })
  title!: string;

  @Field(() => Boolean, { description: 'False only when the status is FAIL.' })
  ok!: boolean;

  @Field(() => String, { description: 'PASS, WARN or FAIL.' })
  status!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Measured figures.' })
  measured!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Expected figures or bands.' })
  expected!: unknown;

  @Field(() => String, { description: 'Explanation naming the offending batch, container, date or table.' })
  message!: string;
}

@ObjectType('SeedRunVerification', { description: 'The verification report of a seed run.' })
class SeedRunVerificationType {
  @Field(() => Boolean, { description: 'True when no check failed.' })
  ok!: boolean;

  @Field(() => String, { nullable: true, description: 'The run hash the verification computed.' })
  contentHash!: string | null;

  @Field(() => Boolean, { description: 'Whether the deep checks ran (all batches, hash from the rows).' })
  deep!: boolean;

  @Field(() => DateTimeScalar, { description: 'When the report was made.' })
  verifiedAt!: Date;

  @Field(() => [VerificationCheckType], { description: 'The checks.' })
  checks!: VerificationCheckType[];
}

@ObjectType('SeedRunBatch', { description: 'One planned batch of a seed run: the work item a worker claims (synthetic-farm.md §6.1).' })
class SeedRunBatchType {
  @Field(() => Int, { description: 'Chronological global index of the batch in the run (synthetic-farm.md §5.1).' })
  batchKey!: number;

  @Field(() => String, { description: 'Batch number the generated batch gets.' })
  batchNumber!: string;

  @Field(() => SeedRunBatchStatus, { description: 'PLANNED, CLAIMED, DONE or FAILED.' })
  status!: SeedRunBatchStatus;

  @Field(() => Int, { description: 'Attempts so far (claims, including retries after a failure or interruption).' })
  attempt!: number;

  @Field(() => BigIntScalar, { description: 'Estimated rows (synthetic-farm.md §4.3), the claim order’s balancing key.' })
  estRows!: number;

  @Field(() => BigIntScalar, { nullable: true, description: 'Rows written when the batch was done; null before.' })
  rowsWritten!: number | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 over the batch’s COPY streams (hex); null until done.' })
  batchHash!: string | null;

  @Field(() => String, { nullable: true, description: 'Worker that claimed the batch last.' })
  claimedBy!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last heartbeat of the claiming worker.' })
  heartbeatAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Error of the last failed attempt.' })
  error!: string | null;

  @Field(() => GraphQLJSON, { description: 'The batch plan (geography, dates, containers, targets, estimates).' })
  plan!: unknown;

  /** The owning run, for the `batch` relation. */
  runId!: number;
}

const SeedRunBatchConnection = connectionOf('SeedRunBatch', SeedRunBatchType, 'A page of the planned batches of a seed run, by batch key.');

@ObjectType('SeedRunUtilisationStats', { description: 'Mean, p95 and max of a daily ratio over the window, in % (1 dp).' })
class RatioStatsType {
  @Field(() => Float, { description: 'Mean of the daily values, %.' })
  meanPct!: number;

  @Field(() => Float, { description: '95th percentile (nearest rank below) of the daily values, %.' })
  p95Pct!: number;

  @Field(() => Float, { description: 'Largest daily value, %.' })
  maxPct!: number;
}

@ObjectType('SeedRunClassUtilisation', { description: 'Utilisation of one geography’s holding containers of one class over the window.' })
class ClassUtilisationType {
  /** For the `geography` relation. */
  geographyId!: number;

  @Field(() => String, { description: 'Geography code (as `geography.code`).' })
  geographyCode!: string;

  @Field(() => String, { description: 'Container class: the container type code (tray, fry, parr, smolt, post-smolt tank, ring).' })
  containerClass!: string;

  @Field(() => DateScalar, { description: 'First day of the window with figures.' })
  firstDate!: string;

  @Field(() => DateScalar, { description: 'Last day of the window with figures.' })
  lastDate!: string;

  @Field(() => Int, { description: 'Days the statistics are over.' })
  days!: number;

  @Field(() => RatioStatsType, { description: 'Occupancy: occupied ÷ holding containers.' })
  occupancy!: RatioStats;

  @Field(() => RatioStatsType, { description: 'Biomass ratio: Σ biomass ÷ Σ max biomass of the class’s containers.' })
  biomassRatio!: RatioStats;
}

@ObjectType('SeedRunUtilisation', {
  description: 'Instantaneous utilisation of a seed run over a window of its last days (synthetic-farm.md §5.4); the figures of verification check V8 (`measured.classes`).',
})
class SeedRunUtilisationType {
  @Field(() => Int, { description: 'Window length, days (ending on the run’s today).' })
  windowDays!: number;

  @Field(() => DateScalar, { nullable: true, description: 'First day of the window with figures; null when there are none.' })
  firstDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day of the window with figures; null when there are none.' })
  lastDate!: string | null;

  @Field(() => [ClassUtilisationType], { description: 'Per geography and container class, by geography code and class.' })
  classes!: ClassUtilisation[];
}

@Resolver(() => Batch)
export class BatchSeedRunResolver {
  @FieldResolver(() => SeedRun, {
    nullable: true,
    description: 'The seed run that generated the batch (cleanup goes by it); null for batches entered through the API.',
  })
  async seedRun(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<SeedRun | null> {
    const runId = batch.seedRunId;
    const run = runId == null ? null : await ctx.loaders.byId(SeedRunRow).load(runId);
    return run ? toSeedRunType(run) : null;
  }
}

@Resolver(() => SeedRunBatchType)
export class SeedRunBatchResolver {
  @FieldResolver(() => Batch, { nullable: true, description: 'The generated batch; null until the batch has been written (or after a wipe).' })
  async batch(@Root() item: SeedRunBatchType, @Ctx() ctx: GraphQLContext): Promise<Batch | null> {
    const batch = await ctx.loaders.byId(Batch).load(batchRowId(item.batchKey, 0));
    // Ids derive from the batch key: a later run's batch may hold the same id.
    return batch && batch.seedRunId === item.runId ? batch : null;
  }
}

@Resolver(() => ClassUtilisationType)
export class SeedRunClassUtilisationResolver {
  @FieldResolver(() => Geography, { description: 'The geography.' })
  geography(@Root() item: ClassUtilisation, @Ctx() ctx: GraphQLContext): Promise<Geography> {
    return ctx.loaders.required(Geography, item.geographyId);
  }
}

@ArgsType()
class SeedRunBatchesArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`).' })
  after?: string;

  @Field(() => [SeedRunBatchStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: SeedRunBatchStatus[];
}

/**
 * The GraphQL view of a seed run row. The class is named like the GraphQL type: `Node` resolves the concrete type
 * of `node(id)` from the constructor name (the row class is imported as SeedRunRow).
 */
@ObjectType('SeedRun', {
  implements: Node,
  description: 'A reproducible generation of synthetic farm data (profile, PRNG seed, pinned today).',
})
export class SeedRun {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;

  /** The row id behind `id`, for the relation resolvers. */
  runId!: number;

  @Field(() => String, { description: 'Profile name (demo, standard, full or custom).' })
  profileName!: string;

  @Field(() => GraphQLJSON, { description: 'The resolved, validated profile the generator used (every number of it), as stored.' })
  profile!: unknown;

  @Field(() => String, { description: 'SHA-256 (hex) of the canonical JSON of `profile`.' })
  profileHash!: string;

  @Field(() => Boolean, { description: 'Whether the run emptied the operational tables first.' })
  wipe!: boolean;

  @Field(() => String, { description: 'Version of the synthetic-data generator that ran.' })
  generatorVersion!: string;

  @Field(() => String, { description: 'Version of the growth engine the run computed the daily states with.' })
  engineVersion!: string;

  @Field(() => String, { nullable: true, description: 'SHA-256 over the infrastructure and master data written (synthetic-farm.md §7); null before.' })
  infrastructureHash!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last liveness heartbeat of the coordinator.' })
  heartbeatAt!: Date | null;

  @Field(() => BigIntScalar, { description: 'PRNG seed (uint32).' })
  prngSeed!: number;

  @Field(() => DateScalar, { description: 'Last simulated day.' })
  today!: string;

  @Field(() => Int, { description: 'Worker threads.' })
  workers!: number;

  @Field(() => SeedRunStatus, { description: 'Status.' })
  status!: SeedRunStatus;

  @Field(() => SeedRunPhase, { description: 'Phase.' })
  phase!: SeedRunPhase;

  @Field(() => String, { nullable: true, description: 'Run hash (SHA-256) once loaded; equal for equal profile, seed, today and versions.' })
  contentHash!: string | null;

  @Field(() => SeedRunProgressType, { nullable: true, description: 'Latest progress snapshot.' })
  progress!: SeedRunProgress | null;

  @Field(() => SeedRunVerificationType, { nullable: true, description: 'Latest verification report.' })
  verification!: VerificationReport | null;

  @Field(() => String, { nullable: true, description: 'Who started the run.' })
  requestedBy!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the run was queued.' })
  requestedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run started.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run ended.' })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Failure message.' })
  error!: string | null;
}

/** Former name of the view class, kept for importers. */
export { SeedRun as SeedRunType };

/** The GraphQL view of a run row. An instance, not a literal: `node(id)` resolves its type from the constructor name. */
export function toSeedRunType(run: SeedRunRow): SeedRun {
  return Object.assign(new SeedRun(), {
    id: toGlobalId('SeedRun', run.id),
    runId: run.id,
    profileName: run.profileName,
    profile: run.profile,
    profileHash: run.profileHash,
    wipe: run.wipe,
    generatorVersion: run.generatorVersion,
    engineVersion: run.engineVersion,
    infrastructureHash: run.infrastructureHash ?? null,
    heartbeatAt: run.heartbeatAt ?? null,
    prngSeed: run.prngSeed,
    today: run.today,
    workers: run.workers,
    status: run.status,
    phase: run.phase,
    contentHash: run.contentHash ?? null,
    progress: run.progress ?? null,
    verification: run.verification ?? null,
    requestedBy: run.requestedBy ?? null,
    requestedAt: run.requestedAt,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
    error: run.error ?? null,
  });
}

registerNodeLoader('SeedRun', async (ctx, id) => {
  const run = await ctx.loaders.byId(SeedRunRow).load(id);
  return run ? toSeedRunType(run) : null;
});

const SeedRunConnection = connectionOf('SeedRun', SeedRun, 'A page of seed runs.');

@InputType({ description: 'Which seed runs to list; all given conditions must hold.' })
class SeedRunFilter {
  @Field(() => [SeedRunStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: SeedRunStatus[];
}

export enum SeedRunOrderField {
  REQUESTED_AT = 'REQUESTED_AT',
}
registerEnumType(SeedRunOrderField, {
  name: 'SeedRunOrderField',
  description: 'Sortable fields of seed runs.',
  valuesConfig: { REQUESTED_AT: { description: 'When the run was queued (microsecond precision).' } },
});

@InputType({ description: 'One sort key for `seedRuns`; the id is always appended as a tie-breaker.' })
class SeedRunOrder {
  @Field(() => SeedRunOrderField, { description: 'Field to sort by.' })
  field!: SeedRunOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class SeedRunsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`; only valid with the same orderBy).' })
  after?: string;

  @Field(() => SeedRunFilter, { nullable: true, description: 'Conditions.' })
  filter?: SeedRunFilter;

  @Field(() => [SeedRunOrder], { nullable: true, description: 'Sort keys (default: newest first, by id).' })
  orderBy?: SeedRunOrder[];
}

@InputType({ description: 'Input of seedRunStart.' })
class SeedRunStartInput {
  @Field(() => SeedProfileName, { defaultValue: SeedProfileName.DEMO, description: 'Profile to generate.' })
  profile: SeedProfileName = SeedProfileName.DEMO;

  @Field(() => BigIntScalar, { defaultValue: 1, description: 'PRNG seed, 0 to 4,294,967,295.' })
  prngSeed: number = 1;

  @Field(() => DateScalar, { nullable: true, description: 'Last simulated day; default the profile’s, else today (UTC).' })
  today?: string;

  @Field(() => Int, { nullable: true, description: 'Worker threads, 1–16 (default SEED_WORKERS).' })
  workers?: number;

  @Field(() => Boolean, { defaultValue: false, description: 'Empty the operational tables first (required on a non-empty database).' })
  wipe: boolean = false;
}

@InputType({ description: 'Input of seedRunCancel.' })
class SeedRunCancelInput {
  @Field(() => ID, { description: 'Global id of the run.' })
  seedRunId!: string;
}

@InputType({ description: 'Input of seedRunResume.' })
class SeedRunResumeInput {
  @Field(() => ID, { description: 'Global id of the run.' })
  seedRunId!: string;

  @Field(() => Int, { nullable: true, description: 'Worker threads, 1–16 (default: as before).' })
  workers?: number;
}

@InputType({ description: 'Input of seedRunVerify.' })
class SeedRunVerifyInput {
  @Field(() => ID, { description: 'Global id of the run.' })
  seedRunId!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'All batches and the hash recomputed from the rows (slow).' })
  deep: boolean = false;

  @Field(() => Int, { defaultValue: 12, description: 'Batches sampled for the engine parity check V9.' })
  sampleBatches: number = 12;
}

@ObjectType({ description: 'Result of a seed-run mutation.' })
class SeedRunPayload {
  @Field(() => SeedRun, { nullable: true, description: 'The run.' })
  seedRun!: SeedRun | null;

  @Field(() => [UserError], { description: 'Why nothing happened, if so.' })
  userErrors!: UserError[];
}

const notFound = (id: string): SeedRunPayload => ({
  seedRun: null,
  userErrors: [UserError.of(UserErrorCode.NOT_FOUND, `No seed run with id ${id}`, ['input', 'seedRunId'])],
});

async function loadRun(ctx: GraphQLContext, runId: number): Promise<SeedRun | null> {
  const run = await ctx.em.fork().findOne(SeedRunRow, runId);
  return run ? toSeedRunType(run) : null;
}

@Resolver(() => SeedRun)
export class SeedRunResolver {
  @Query(() => SeedRun, { nullable: true, description: 'A seed run by global id; null when not found.' })
  seedRun(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: GraphQLContext) {
    const runId = decodeIdOf('SeedRun', id);
    return runId == null ? null : loadRun(ctx, runId);
  }

  @Query(() => SeedRunConnection, { description: 'Seed runs, filtered and sorted (default: newest first).' })
  async seedRuns(@Args(() => SeedRunsArgs) args: SeedRunsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const statuses = args.filter?.statuses;
    // requested_at has microseconds, which a JavaScript Date would round: that order pages over SQL with text cursors.
    const page = args.orderBy?.length
      ? await sqlPaginate(
          ctx.em,
          {
            entity: SeedRunRow,
            columns: 'e.*',
            from: { sql: 'seed_run e', params: [] },
            where: statuses ? [sqlIn('e.status', statuses)] : ([] as SqlFragment[]),
            order: args.orderBy.map((key) => ({ sql: 'e.requested_at', type: 'timestamptz' as const, direction: key.direction })),
            idColumn: 'e.id',
          },
          first,
          args.after,
        )
      : await paginate(ctx.em, SeedRunRow, statuses ? { status: { $in: statuses } } : {}, [{ property: 'id', direction: SortDirection.DESC, read: (run) => run.id }], first, args.after);
    return new SeedRunConnection({ ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toSeedRunType(edge.node) })) });
  }

  @FieldResolver(() => SeedRunBatchConnection, { description: 'The planned batches of the run (its work items), by batch key.' })
  async batches(@Root() run: SeedRun, @Args(() => SeedRunBatchesArgs) args: SeedRunBatchesArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const { runId } = run;
    const statuses = args.statuses ? [...new Set(args.statuses)].sort() : null;
    // A bad cursor fails this field alone, not every run's page batched with it.
    if (args.after) decodeBatchCursor(args.after);
    const page = await seedRunBatchPages(ctx.loaders).load({ runId, first, after: args.after ?? null, statuses });
    return new SeedRunBatchConnection(page as unknown as ConstructorParameters<typeof SeedRunBatchConnection>[0]);
  }

  @FieldResolver(() => SeedRunUtilisationType, {
    description:
      'Mean, p95 and max occupancy and biomass ratio per geography and container class over the run’s last `windowDays` days (synthetic-farm.md §5.4; the same computation as verification check V8).',
  })
  async utilisation(
    @Root() run: SeedRun,
    @Arg('windowDays', () => Int, { defaultValue: 365, description: 'Window length in days, ending on the run’s today (1–3660).' }) windowDays: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRunUtilisationType> {
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3660) {
      throw new GraphQLError(`\`windowDays\` must be between 1 and 3660, got ${windowDays}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'windowDays' } });
    }
    const { runId } = run;
    const classes = await seedRunUtilisation(ctx.loaders).load({ runId, windowDays });
    const firstDates = classes.map((c) => c.firstDate).sort();
    const lastDates = classes.map((c) => c.lastDate).sort();
    return { windowDays, firstDate: firstDates[0] ?? null, lastDate: lastDates.at(-1) ?? null, classes };
  }

  @Query(() => SeedRunVerificationType, { nullable: true, description: 'The last stored verification report of a run.' })
  async seedRunVerification(@Arg('seedRunId', () => ID, { description: 'Global id of the run.' }) seedRunId: string, @Ctx() ctx: GraphQLContext) {
    const runId = decodeIdOf('SeedRun', seedRunId);
    return runId == null ? null : ((await loadRun(ctx, runId))?.verification ?? null);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SeedRunPayload, {
    description:
      'Queues a seed run (ADMIN; server flag SEED_RUNS_ENABLED) and returns it QUEUED; a queue worker (`npm start` in-process or `npm run worker`) executes it. Follow it with `seedRunProgress`.',
  })
  async seedRunStart(
    @Arg('input', () => SeedRunStartInput, { description: 'Profile, seed, today, workers, wipe.' }) input: SeedRunStartInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRunPayload> {
    const disabled = this.disabled(ctx);
    if (disabled) return disabled;
    try {
      const runId = await ctx.services.seedRuns.start({
        profile: input.profile,
        prngSeed: input.prngSeed,
        today: input.today,
        workers: input.workers ?? ctx.services.seedWorkers,
        wipe: input.wipe,
        requestedBy: ctx.viewer.name,
      });
      return { seedRun: await loadRun(ctx, runId), userErrors: [] };
    } catch (error) {
      if (error instanceof SeedRunError) return { seedRun: null, userErrors: [UserError.of(UserErrorCode.CONFLICT, error.message, ['input'])] };
      throw error;
    }
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SeedRunPayload, {
    description: 'Cancels a run: a running one stops within 5 s, leaving no partial batch; a QUEUED one is cancelled at once. It can be resumed.',
  })
  async seedRunCancel(
    @Arg('input', () => SeedRunCancelInput, { description: 'The run.' }) input: SeedRunCancelInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRunPayload> {
    const runId = decodeIdOf('SeedRun', input.seedRunId);
    if (runId == null || !(await loadRun(ctx, runId))) return notFound(input.seedRunId);
    await ctx.services.seedRuns.cancel(runId);
    return { seedRun: await loadRun(ctx, runId), userErrors: [] };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SeedRunPayload, {
    description: 'Queues a cancelled, failed or interrupted run again for a queue worker to resume; it ends with the hash of an uninterrupted run.',
  })
  async seedRunResume(
    @Arg('input', () => SeedRunResumeInput, { description: 'The run.' }) input: SeedRunResumeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRunPayload> {
    const disabled = this.disabled(ctx);
    if (disabled) return disabled;
    const runId = decodeIdOf('SeedRun', input.seedRunId);
    if (runId == null || !(await loadRun(ctx, runId))) return notFound(input.seedRunId);
    try {
      await ctx.services.seedRuns.resume(runId, input.workers);
      return { seedRun: await loadRun(ctx, runId), userErrors: [] };
    } catch (error) {
      if (error instanceof SeedRunError) return { seedRun: null, userErrors: [UserError.of(UserErrorCode.CONFLICT, error.message, ['input', 'seedRunId'])] };
      throw error;
    }
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SeedRunPayload, {
    description: 'Queues a verification of a run; a queue worker stores the report (then in `seedRunVerification` and `seedRun.verification`).',
  })
  async seedRunVerify(
    @Arg('input', () => SeedRunVerifyInput, { description: 'The run and the depth.' }) input: SeedRunVerifyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRunPayload> {
    const runId = decodeIdOf('SeedRun', input.seedRunId);
    if (runId == null || !(await loadRun(ctx, runId))) return notFound(input.seedRunId);
    await ctx.services.seedRuns.verify(runId, input.deep, input.sampleBatches);
    return { seedRun: await loadRun(ctx, runId), userErrors: [] };
  }

  @Subscription(() => SeedRun, {
    topics: ({ args }) => (subscriptionId('SeedRun', args.seedRunId as string, 'seedRunId'), 'SEED_RUN_PROGRESS'),
    filter: ({ payload, args }: { payload: SeedRunProgress; args: { seedRunId: string } }) => decodeIdOf('SeedRun', args.seedRunId) === payload.runId,
    description: 'Progress of a run: every phase change and at most every 500 ms, from any process (API or CLI).',
  })
  seedRunProgress(
    @Root() snapshot: SeedRunProgress,
    @Arg('seedRunId', () => ID, { description: 'Global id of the run.' }) _seedRunId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SeedRun | null> {
    refreshForEvent(ctx);
    // The snapshot in the event is the newest; the row may be a few hundred milliseconds behind.
    return loadRun(ctx, snapshot.runId).then((run) => run && { ...run, status: snapshot.status, phase: snapshot.phase, progress: snapshot });
  }

  private disabled(ctx: GraphQLContext): SeedRunPayload | null {
    if (ctx.services.seedRunsEnabled) return null;
    return {
      seedRun: null,
      userErrors: [UserError.of(UserErrorCode.FORBIDDEN, 'Seed runs are disabled on this server (SEED_RUNS_ENABLED=false)', ['input'])],
    };
  }
}

