/**
 * The seed-run coordinator (synthetic-farm.md §1, §6, §9): `runSeed(options, progressSink)` is the entry point of
 * the CLI; the API creates a QUEUED run (`createQueuedSeedRun`) that a queue worker executes with `resumeSeed`. A
 * run plans in memory, loads infrastructure, defers the time-series indexes, runs N worker threads that claim and
 * write batches, rebuilds what was deferred, and publishes progress.
 *
 * Locks: a coordinator holds two session advisory locks on a dedicated connection for its whole life: the load
 * lock (one loading run per database) and its run's lock (so a live run cannot be resumed twice; a dead one's
 * lock is free). The run row's status is the cancellation flag; NOTIFY on `seed_run_control` wakes coordinators.
 */
import { Worker } from 'node:worker_threads';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { transactionClient } from '../../../db/raw-sql.js';
import { ENGINE_VERSION } from '../../growth/engine/index.js';
import { encodeInfrastructure, loadInfrastructure } from '../load/infrastructure.js';
import { loadNamedProfile, BUILT_IN_PROFILES } from '../profile-file.js';
import {
  formatIsoDate,
  loadProfile,
  parseIsoDate,
  prepareRun,
  profileHash,
  type PreparedRun,
  type Profile,
} from '../sim/index.js';
import {
  NON_TERMINAL_SEED_RUN_STATUSES,
  SeedRun,
  SeedRunBatch,
  SeedRunBatchStatus,
  SeedRunPhase,
  SeedRunStatus,
} from '../seed-run.entity.js';
import { verifySeedRun } from '../verify/verify.js';
import type { VerificationReport } from '../verify/report.js';
import {
  advanceSequences,
  ensureRunPartitions,
  fillUtilisation,
  firstNonEmptyTable,
  analyzeStatements,
  wipeOperationalData,
} from './database-state.js';
import { autovacuumEntries, captureStructures, dropStructures, mergeStructures, restoreStructures, type DeferredStructure } from './deferred-structures.js';
import { RateEstimator, type SeedRunProgress } from './progress.js';
import { computeRunHash, GENERATOR_VERSION } from './run-hash.js';
import { pgSessionConfig } from '../../../db/pg-session.js';
import { metrics } from '../../../graphql/metrics.js';
import type { WorkerThreadData, WorkerThreadMessage } from './worker-thread.js';

/** Advisory-lock namespace of seed runs: (SEED_LOCK_CLASS, 0) = load lock, (SEED_LOCK_CLASS, runId) = run lock. */
export const SEED_LOCK_CLASS = 0x5eed;
/** NOTIFY channel of progress snapshots (payload: the snapshot JSON, with `runId`). */
export const SEED_PROGRESS_CHANNEL = 'seed_run_progress';
/** NOTIFY channel of control requests (payload: `{"runId":…,"action":"cancel"}`). */
export const SEED_CONTROL_CHANNEL = 'seed_run_control';

export const MIN_WORKERS = 1;
export const MAX_WORKERS = 16;

/** Receives every published snapshot; awaited on phase changes (so a caller may act between phases). */
export type ProgressSink = (snapshot: SeedRunProgress) => void | Promise<void>;

/** A refused or impossible request (bad options, busy or non-empty database). Nothing was written. */
export class SeedRunError extends Error {
  override name = 'SeedRunError';
}

/** Refused because another coordinator holds a lock the request needs: worth retrying later. */
export class SeedRunBusyError extends SeedRunError {
  override name = 'SeedRunBusyError';
}

export interface VerifyOptions {
  deep?: boolean;
  sampleBatches?: number;
}

interface CommonOptions {
  orm: MikroORM;
  /** URL the worker threads and the rebuild connections use; defaults to the ORM's clientUrl. */
  databaseUrl?: string;
  /** 1–16. */
  workers?: number;
  /** Run the verification (phase VERIFYING) after the load. */
  verify?: false | VerifyOptions;
  log?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Aborting requests a cancel (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  /** `maintenance_work_mem` of the index rebuild connections. */
  maintenanceWorkMem?: string;
}

export interface RunSeedOptions extends CommonOptions {
  /** `demo`, `standard`, `full`, a profile file path, or an already resolved profile. */
  profile: string | Profile;
  /** uint32; default 1. */
  seed?: number;
  /** Last simulated day `YYYY-MM-DD`; default the profile's, else the UTC date the run starts. */
  today?: string;
  wipe?: boolean;
  /** The database is flagged production (config env); refused unless `allowProduction`. */
  production?: boolean;
  allowProduction?: boolean;
  requestedBy?: string;
}

export interface ResumeSeedOptions extends CommonOptions {
  runId: number;
}

export interface SeedRunResult {
  runId: number;
  status: SeedRunStatus;
  phase: SeedRunPhase;
  contentHash: string | null;
  error: string | null;
  progress: SeedRunProgress | null;
  verification: VerificationReport | null;
}

export interface SeedRunHandle {
  runId: number;
  /** Resolves when the run is terminal (never rejects: failures are in the result). */
  finished: Promise<SeedRunResult>;
  /**
   * Stop like a cancel (`cancelSeedRun`), but leave the run QUEUED for a later `resumeSeed`: a queue worker shutting
   * down. `finished` resolves once the run has stopped.
   */
  suspend(): void;
}

/**
 * Start a seed run and wait until it is terminal.
 * @throws SeedRunError when the run is refused before it starts (nothing written)
 */
export async function runSeed(options: RunSeedOptions, progressSink?: ProgressSink): Promise<SeedRunResult> {
  return (await startSeed(options, progressSink)).finished;
}

/** Validated request of a new run: the resolved profile and its seed, today and worker count. */
interface ResolvedRequest {
  name: string;
  profile: Profile;
  seed: number;
  today: string;
  workers: number;
}

/** Validate the options of a new run (nothing is read or written). */
function resolveRequest(options: Omit<RunSeedOptions, 'orm'>): ResolvedRequest {
  const resolved = resolveProfile(options.profile);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SeedRunError(`--seed must be a uint32, got ${options.seed}`);
  const today = options.today ?? resolved.profile.today ?? new Date().toISOString().slice(0, 10);
  try {
    parseIsoDate(today);
  } catch (error) {
    throw new SeedRunError((error as Error).message);
  }
  const workers = validateWorkers(options.workers);
  if (options.production && !options.allowProduction) {
    throw new SeedRunError('Refusing to seed a production database: pass --allow-production (allowProduction) to insist');
  }
  return { name: resolved.name, profile: resolved.profile, seed, today, workers };
}

function newRunRow(em: EntityManager, request: ResolvedRequest, options: Omit<RunSeedOptions, 'orm'>, status: SeedRunStatus): SeedRun {
  return em.create(SeedRun, {
    profileName: request.name,
    profile: request.profile,
    profileHash: profileHash(request.profile),
    prngSeed: request.seed,
    today: request.today,
    wipe: options.wipe ?? false,
    workers: request.workers,
    status,
    phase: SeedRunPhase.PLANNING,
    generatorVersion: GENERATOR_VERSION,
    engineVersion: ENGINE_VERSION,
    requestedBy: options.requestedBy ?? null,
    startedAt: status === SeedRunStatus.QUEUED ? null : new Date(),
  });
}

/**
 * Create a QUEUED run row on the caller's transaction, for a queue worker to execute with `resumeSeed` (the API's
 * `seedRunStart`). Refused while another run is not terminal, and on a non-empty database without `wipe`; the
 * partial unique index `seed_run_one_active_unique` refuses a racing second start at commit.
 * @throws SeedRunError when the run is refused (nothing written)
 */
export async function createQueuedSeedRun(tx: EntityManager, options: Omit<RunSeedOptions, 'orm'>): Promise<SeedRun> {
  const request = resolveRequest(options);
  const [other] = await tx.find(SeedRun, { status: { $in: [...NON_TERMINAL_SEED_RUN_STATUSES] } }, { orderBy: { id: 'asc' }, limit: 1 });
  if (other) throw new SeedRunError(`Seed run ${other.id} is in progress (${other.status}): cancel or finish it first`);
  if (!options.wipe) {
    const table = await firstNonEmptyTable(await transactionClient(tx));
    if (table) {
      throw new SeedRunError(`The database is not empty (table ${table} has rows): seed runs write into empty tables; use --wipe to empty them first`);
    }
  }
  const run = newRunRow(tx, request, options, SeedRunStatus.QUEUED);
  await tx.flush();
  return run;
}

/**
 * Start a seed run in this process: validate, take the locks, create the run row, then continue in the background
 * (the CLI; the API enqueues with `createQueuedSeedRun` instead).
 * @throws SeedRunError when the run is refused (bad options, busy or non-empty database, production)
 */
export async function startSeed(options: RunSeedOptions, progressSink?: ProgressSink): Promise<SeedRunHandle> {
  const request = resolveRequest(options);
  const { workers } = request;
  const databaseUrl = options.databaseUrl ?? clientUrlOf(options.orm);
  const lock = await openLockClient(databaseUrl);
  try {
    await takeLoadLock(lock);
    const em = options.orm.em.fork();
    await settleOtherRuns(em, lock, null, options.wipe ?? false);
    if (!options.wipe) {
      const table = await firstNonEmptyTable(lock);
      if (table) {
        throw new SeedRunError(`The database is not empty (table ${table} has rows): seed runs write into empty tables; use --wipe to empty them first`);
      }
    }
    const run = newRunRow(em, request, options, SeedRunStatus.RUNNING);
    await em.flush();
    await lock.query('select pg_advisory_lock($1, $2)', [SEED_LOCK_CLASS, run.id]);
    const coordinator = new Coordinator({ ...options, workers, databaseUrl }, run.id, lock, progressSink);
    const finished = coordinator.execute({ profile: request.profile, seed: request.seed, today: request.today, wipe: options.wipe ?? false });
    return handleOf(run.id, coordinator, finished);
  } catch (error) {
    await lock.end().catch(() => undefined);
    throw error;
  }
}

function handleOf(runId: number, coordinator: Coordinator, finished: Promise<SeedRunResult>): SeedRunHandle {
  return { runId, finished, suspend: () => coordinator.suspend() };
}

/**
 * Execute a QUEUED run (created by `createQueuedSeedRun`, or queued again by a resume or a worker shutdown), or
 * resume a run that is not live (killed, cancelled or failed): reset CLAIMED and FAILED work items to PLANNED and
 * continue. The final hash equals that of an uninterrupted run.
 * @throws SeedRunError when the run is live, finished, unknown, or changed status meanwhile (nothing written)
 */
export async function resumeSeed(options: ResumeSeedOptions, progressSink?: ProgressSink): Promise<SeedRunHandle> {
  const databaseUrl = options.databaseUrl ?? clientUrlOf(options.orm);
  const lock = await openLockClient(databaseUrl);
  try {
    // A killed coordinator's backend may take a moment to notice its closed socket and release the run lock.
    const deadline = Date.now() + 3000;
    for (;;) {
      const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [SEED_LOCK_CLASS, options.runId]);
      if (rows[0]!.locked) break;
      if (Date.now() > deadline) throw new SeedRunBusyError(`Seed run ${options.runId} is being run by a live coordinator`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await takeLoadLock(lock);
    const em = options.orm.em.fork();
    const run = await em.findOne(SeedRun, options.runId);
    if (!run) throw new SeedRunError(`Seed run ${options.runId} does not exist`);
    if (run.status === SeedRunStatus.SUCCEEDED) throw new SeedRunError(`Seed run ${options.runId} already succeeded`);
    await settleOtherRuns(em, lock, run.id, false);
    const profile = loadProfile(run.profile);
    if (profileHash(profile) !== run.profileHash) throw new SeedRunError(`Seed run ${run.id}: stored profile does not match its hash`);
    const workers = validateWorkers(options.workers ?? run.workers);
    // A queued run that never planned starts from the beginning: its own wipe, or an empty database.
    const fresh = run.status === SeedRunStatus.QUEUED && (await em.count(SeedRunBatch, { seedRun: run.id })) === 0;
    if (fresh && !run.wipe) {
      const table = await firstNonEmptyTable(lock);
      if (table) throw new SeedRunError(`The database is not empty (table ${table} has rows): seed runs write into empty tables; use --wipe to empty them first`);
    }
    // Conditional on the status read: a cancel that arrived meanwhile is not overwritten.
    const updated = await em.nativeUpdate(
      SeedRun,
      { id: run.id, status: run.status },
      { status: SeedRunStatus.RUNNING, workers, error: null, finishedAt: null, startedAt: run.startedAt ?? new Date() },
    );
    if (updated === 0) throw new SeedRunBusyError(`Seed run ${run.id} changed status while resuming`);
    await em.nativeUpdate(
      SeedRunBatch,
      { seedRun: run.id, status: { $in: [SeedRunBatchStatus.CLAIMED, SeedRunBatchStatus.FAILED] } },
      { status: SeedRunBatchStatus.PLANNED, claimedBy: null },
    );
    const coordinator = new Coordinator({ ...options, workers, databaseUrl }, run.id, lock, progressSink);
    const finished = coordinator.execute({ profile, seed: run.prngSeed, today: run.today, wipe: fresh && run.wipe });
    return handleOf(run.id, coordinator, finished);
  } catch (error) {
    await lock.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Request the cancel of a run: set CANCELLING and NOTIFY its coordinator, which stops the workers and marks the
 * run CANCELLED within 5 s. A run without a live coordinator is marked CANCELLED at once.
 * @returns the run's status after the request
 */
export async function cancelSeedRun(em: EntityManager, runId: number): Promise<SeedRunStatus> {
  const updated = await em.nativeUpdate(
    SeedRun,
    { id: runId, status: { $in: [SeedRunStatus.QUEUED, SeedRunStatus.RUNNING] } },
    { status: SeedRunStatus.CANCELLING },
  );
  await em.execute('select pg_notify(?, ?)', [SEED_CONTROL_CHANNEL, JSON.stringify({ runId, action: 'cancel' })], 'all');
  const run = await em.fork().findOne(SeedRun, runId);
  if (!run) throw new SeedRunError(`Seed run ${runId} does not exist`);
  if (updated === 0 && run.status !== SeedRunStatus.CANCELLING) return run.status;
  // A dead coordinator cannot answer: if its run lock is free, finish the cancel here. A transaction-level probe:
  // a session lock taken on a pooled connection could outlive this call on that connection.
  const finishedHere = await em.fork().transactional(async (tx) => {
    const [probe] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?, ?) as locked', [SEED_LOCK_CLASS, runId], 'all');
    if (!probe?.locked) return false;
    await tx.nativeUpdate(SeedRunBatch, { seedRun: runId, status: SeedRunBatchStatus.CLAIMED }, { status: SeedRunBatchStatus.PLANNED, claimedBy: null });
    await tx.nativeUpdate(SeedRun, { id: runId, status: SeedRunStatus.CANCELLING }, { status: SeedRunStatus.CANCELLED, finishedAt: new Date() });
    return true;
  });
  if (finishedHere) return SeedRunStatus.CANCELLED;
  return SeedRunStatus.CANCELLING;
}

/** The dry run of `seed plan`: the plan phase only, nothing written. */
export function planSeed(profileArg: string | Profile, seed = 1, today?: string): { profileName: string; profile: Profile; today: string; prepared: PreparedRun } {
  const resolved = resolveProfile(profileArg);
  const day = today ?? resolved.profile.today ?? new Date().toISOString().slice(0, 10);
  return { profileName: resolved.name, profile: resolved.profile, today: day, prepared: prepareRun(resolved.profile, seed, parseIsoDate(day)) };
}

function resolveProfile(profile: string | Profile): { name: string; profile: Profile } {
  if (typeof profile !== 'string') return { name: (BUILT_IN_PROFILES as readonly string[]).includes(profile.name) ? profile.name : 'custom', profile };
  try {
    const loaded = loadNamedProfile(profile);
    return { name: (BUILT_IN_PROFILES as readonly string[]).includes(profile) ? profile : 'custom', profile: loaded };
  } catch (error) {
    throw new SeedRunError((error as Error).message);
  }
}

function validateWorkers(workers: number | undefined): number {
  const n = workers ?? 4;
  if (!Number.isInteger(n) || n < MIN_WORKERS || n > MAX_WORKERS) throw new SeedRunError(`--workers must be an integer in ${MIN_WORKERS}–${MAX_WORKERS}, got ${workers}`);
  return n;
}

function clientUrlOf(orm: MikroORM): string {
  const url = orm.config.get('clientUrl');
  if (!url) throw new SeedRunError('databaseUrl is required (the ORM has no clientUrl)');
  return url;
}

async function openLockClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ ...pgSessionConfig(url), application_name: 'aquagraph-seed-coordinator' });
  await client.connect();
  return client;
}

async function takeLoadLock(lock: pg.Client): Promise<void> {
  const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1, 0) as locked', [SEED_LOCK_CLASS]);
  if (!rows[0]!.locked) throw new SeedRunBusyError('Another seed run is loading this database');
}

/**
 * Non-terminal runs other than `self`: a live one (its run lock is held) refuses the start; a dead one is
 * abandoned when wiping, otherwise the caller is told to resume it.
 */
async function settleOtherRuns(em: EntityManager, lock: pg.Client, self: number | null, wipe: boolean): Promise<void> {
  const others = await em.find(SeedRun, { status: { $in: [...NON_TERMINAL_SEED_RUN_STATUSES] }, ...(self === null ? {} : { id: { $ne: self } }) });
  for (const other of others) {
    const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [SEED_LOCK_CLASS, other.id]);
    if (!rows[0]!.locked) throw new SeedRunBusyError(`Seed run ${other.id} is in progress (${other.status})`);
    await lock.query('select pg_advisory_unlock($1, $2)', [SEED_LOCK_CLASS, other.id]);
    if (!wipe || self !== null) {
      throw new SeedRunError(`Seed run ${other.id} is ${other.status} but has no live coordinator: resume it with \`seed resume ${other.id}\` or start anew with --wipe`);
    }
    other.status = SeedRunStatus.FAILED;
    other.finishedAt = new Date();
    other.error = 'abandoned: no live coordinator; superseded by a new run with --wipe';
  }
  await em.flush();
}

interface ExecuteInput {
  profile: Profile;
  seed: number;
  today: string;
  wipe: boolean;
}

interface LiveWorker {
  id: string;
  thread: Worker;
  exited: Promise<void>;
  claimed: number | null;
  /** When the current attempt at the claimed batch began (for the job duration metric). */
  attemptStartedAt: number;
  pid: number | null;
  lastSeen: number;
}

type CoordinatorOptions = CommonOptions & { workers: number; databaseUrl: string };

/** Drives one run from PLANNING to a terminal status. */
class Coordinator {
  private readonly em: EntityManager;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private cancelRequested = false;
  private phase = SeedRunPhase.PLANNING;
  private status = SeedRunStatus.RUNNING;
  private message: string | null = null;
  private readonly startedAt = Date.now();
  private readonly rate = new RateEstimator();
  private readonly rowsByTable = new Map<string, number>();
  private rowsEstimated = 0;
  private lastPublish = 0;
  private latest: SeedRunProgress | null = null;
  private workers: LiveWorker[] = [];
  /** Errors of worker threads that stopped abnormally (reported in the run's error). */
  private workerFailures: string[] = [];
  private readonly log: CommonOptions['log'];

  constructor(
    private readonly options: CoordinatorOptions,
    private readonly runId: number,
    private readonly lock: pg.Client,
    private readonly sink?: ProgressSink,
  ) {
    this.em = options.orm.em.fork();
    this.log = options.log;
  }

  async execute(input: ExecuteInput): Promise<SeedRunResult> {
    const onAbort = () => void this.requestCancel();
    this.options.signal?.addEventListener('abort', onAbort);
    this.lock.on('notification', (notification) => {
      if (notification.channel !== SEED_CONTROL_CHANNEL) return;
      try {
        const payload = JSON.parse(notification.payload ?? '{}') as { runId?: number; action?: string };
        if (payload.runId === this.runId && payload.action === 'cancel') void this.requestCancel();
      } catch {
        // Not ours.
      }
    });
    await this.lock.query(`listen ${SEED_CONTROL_CHANNEL}`);
    let verification: VerificationReport | null = null;
    let contentHash: string | null = null;
    try {
      if (input.wipe) await this.wipe();
      const prepared = await this.planning(input);
      if (await this.cancelledBetweenPhases()) return await this.finishCancelled();

      await this.enterPhase(SeedRunPhase.INFRASTRUCTURE);
      const infrastructureHash = await this.infrastructure(prepared, input);
      if (await this.cancelledBetweenPhases()) return await this.finishCancelled();

      await this.enterPhase(SeedRunPhase.GENERATING);
      await this.generate(input);
      if (this.cancelRequested) return await this.finishCancelled();
      const failed = await this.em.fork().find(SeedRunBatch, { seedRun: this.runId, status: { $ne: SeedRunBatchStatus.DONE } }, { orderBy: { batchKey: 'asc' } });

      await this.enterPhase(SeedRunPhase.POST_LOAD);
      await this.postLoad(input);
      if (failed.length > 0) {
        const first = failed.find((item) => item.error) ?? failed[0]!;
        const workerError = this.workerFailures[0] ? `; worker error: ${this.workerFailures[0].split('\n')[0]}` : '';
        throw new Error(
          `${failed.length} of ${this.totalBatches} batches did not complete; first: ${first.batchNumber} (${first.status}): ${first.error ?? 'no error recorded'}${workerError}`,
        );
      }
      contentHash = await this.runHash(input, infrastructureHash);

      if (this.options.verify) {
        await this.enterPhase(SeedRunPhase.VERIFYING);
        verification = await verifySeedRun(this.options.orm.em.fork(), this.runId, {
          deep: this.options.verify.deep ?? false,
          sampleBatches: this.options.verify.sampleBatches,
        });
      }
      this.status = SeedRunStatus.SUCCEEDED;
      this.phase = SeedRunPhase.DONE;
      this.message = verification ? `verification ${verification.ok ? 'passed' : 'FAILED'}` : null;
      await this.em.fork().nativeUpdate(SeedRun, { id: this.runId }, { status: this.status, phase: this.phase, finishedAt: new Date(), error: null });
      await this.publish(true);
      return this.result(contentHash, null, verification);
    } catch (error) {
      const message = (error as Error).message;
      this.log?.error({ err: error, runId: this.runId }, 'seed run failed');
      await this.stopWorkers().catch(() => undefined);
      // Leave the database usable: rebuild whatever this run dropped (a wipe or the load), even though it failed.
      await this.restoreDeferred().catch((restoreError: unknown) => this.log?.error({ err: restoreError }, 'restoring deferred structures failed'));
      this.status = SeedRunStatus.FAILED;
      this.message = message;
      await this.em.fork().nativeUpdate(SeedRun, { id: this.runId }, { status: this.status, finishedAt: new Date(), error: message }).catch(() => undefined);
      await this.publish(true).catch(() => undefined);
      return this.result(contentHash, message, verification);
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      await this.lock.end().catch(() => undefined);
    }
  }

  private totalBatches = 0;

  private result(contentHash: string | null, error: string | null, verification: VerificationReport | null): SeedRunResult {
    return { runId: this.runId, status: this.status, phase: this.phase, contentHash, error, progress: this.latest, verification };
  }

  private async wipe(): Promise<void> {
    this.message = 'wiping operational tables';
    await this.publish(true);
    await this.em.fork().transactional(async (tx) => {
      const client = await transactionClient(tx);
      // Structures a cancelled or failed run left dropped move to this run before the tables are emptied.
      await this.adoptDeferredStructures(client);
      await wipeOperationalData(client);
    });
  }

  private async planning(input: ExecuteInput): Promise<PreparedRun> {
    await this.publish(true);
    let prepared: PreparedRun;
    try {
      prepared = prepareRun(input.profile, input.seed, parseIsoDate(input.today));
    } catch (error) {
      throw new Error(`Planning failed, nothing was written: ${(error as Error).message}`);
    }
    const em = this.em.fork();
    const existing = await em.count(SeedRunBatch, { seedRun: this.runId });
    if (existing === 0) {
      for (const plan of prepared.plan.batches) {
        em.create(SeedRunBatch, {
          seedRun: this.runId,
          batchKey: plan.batchKey,
          batchNumber: plan.batchNumber,
          plan,
          estRows: plan.estRows.total,
          status: SeedRunBatchStatus.PLANNED,
        });
      }
      await em.flush();
    } else if (existing !== prepared.plan.batches.length) {
      throw new Error(`Seed run ${this.runId} has ${existing} work items but its plan has ${prepared.plan.batches.length} batches`);
    }
    this.totalBatches = prepared.plan.batches.length;
    this.rowsEstimated = prepared.plan.estimatedRows;
    return prepared;
  }

  private async infrastructure(prepared: PreparedRun, input: ExecuteInput): Promise<string> {
    const from = formatIsoDate(prepared.plan.firstSimulatedDay);
    await ensureRunPartitions(this.lock, from, input.today);
    const encodings = encodeInfrastructure(prepared.topology, prepared.climate.firstDay);
    const em = this.em.fork();
    let written: Iterable<[string, number]> = [];
    const hash = await em.transactional(async (tx) => {
      const client = await transactionClient(tx);
      const loaded = await loadInfrastructure(client, encodings);
      const run = await tx.findOneOrFail(SeedRun, this.runId);
      if (run.infrastructureHash && run.infrastructureHash !== loaded.hash) {
        throw new Error(`Infrastructure hash ${loaded.hash} differs from the run's stored ${run.infrastructureHash}`);
      }
      // A resumed run loads the same rows again, conflict-free: they were written (and counted) the first time.
      if (!run.infrastructureHash) written = loaded.rows;
      run.infrastructureHash = loaded.hash;
      for (const [table, rows] of loaded.rows) this.rowsByTable.set(table, rows);
      await this.adoptDeferredStructures(client);
      return loaded.hash;
    });
    for (const [table, rows] of written) metrics.seedRunRowsWritten(table, rows);
    return hash;
  }

  /**
   * Capture the structures of the deferred tables still present, merge them with those this or earlier runs
   * deferred, store the list on this run and drop them; on the caller's transaction.
   */
  private async adoptDeferredStructures(client: pg.ClientBase): Promise<void> {
    const { rows } = await client.query<{ id: number; deferred_structures: DeferredStructure[] | null }>(
      'select id, deferred_structures from seed_run where deferred_structures is not null or id = $1 for update',
      [this.runId],
    );
    let merged: DeferredStructure[] = [];
    for (const row of rows) merged = mergeStructures(merged, row.deferred_structures ?? []);
    merged = mergeStructures(merged, [...(await captureStructures(client)), ...(await autovacuumEntries(client))]);
    await client.query('update seed_run set deferred_structures = null where deferred_structures is not null and id <> $1', [this.runId]);
    await client.query('update seed_run set deferred_structures = $2::jsonb where id = $1', [this.runId, JSON.stringify(merged)]);
    await dropStructures(client, merged);
  }

  private async generate(input: ExecuteInput): Promise<void> {
    const n = this.options.workers;
    const threadData = (index: number): WorkerThreadData => ({
      databaseUrl: this.options.databaseUrl,
      runId: this.runId,
      workerId: `run${this.runId}-w${index + 1}-${process.pid}`,
      profile: input.profile,
      seed: input.seed,
      today: parseIsoDate(input.today),
      cancelFlag: this.cancelFlag.buffer as SharedArrayBuffer,
    });
    const entry = import.meta.url.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', import.meta.url) : new URL('./worker-thread.js', import.meta.url);
    const failures = this.workerFailures;
    this.workers = Array.from({ length: n }, (_, index) => {
      const data = threadData(index);
      const thread = new Worker(entry, { workerData: data });
      const live: LiveWorker = { id: data.workerId, thread, exited: Promise.resolve(), claimed: null, attemptStartedAt: 0, pid: null, lastSeen: Date.now() };
      live.exited = new Promise<void>((resolve) => {
        thread.on('message', (message: WorkerThreadMessage) => this.onWorkerMessage(live, message, failures));
        thread.on('error', (error) => failures.push(`${live.id}: ${error.stack ?? error.message}`));
        thread.on('exit', () => resolve());
      });
      return live;
    });
    const ticker = setInterval(() => void this.tick(), 250);
    try {
      await Promise.all(this.workers.map((worker) => worker.exited));
    } finally {
      clearInterval(ticker);
    }
    if (this.cancelRequested) return;
    // A worker that died holding a claim leaves it CLAIMED: that batch fails with the worker's error.
    const stranded = this.workers.filter((worker) => worker.claimed !== null);
    for (const worker of stranded) {
      await this.em.fork().nativeUpdate(
        SeedRunBatch,
        { seedRun: this.runId, batchKey: worker.claimed!, status: SeedRunBatchStatus.CLAIMED },
        { status: SeedRunBatchStatus.FAILED, error: `worker ${worker.id} stopped: ${failures.join('; ') || 'no error reported'}` },
      );
    }
    if (failures.length > 0) this.log?.error({ failures }, 'seed workers reported errors');
    await this.publish(true);
  }

  private onWorkerMessage(worker: LiveWorker, message: WorkerThreadMessage, failures: string[]): void {
    worker.lastSeen = Date.now();
    // Each batch attempt is one `seed_batch` job in the metrics, like a graphile-worker task (success, error = will be
    // retried, failed), and its rows count once committed.
    const attemptMs = () => performance.now() - worker.attemptStartedAt;
    switch (message.type) {
      case 'claimed':
        worker.claimed = message.batchKey;
        worker.attemptStartedAt = performance.now();
        break;
      case 'backend':
        worker.pid = message.pid;
        break;
      case 'done':
        worker.claimed = null;
        metrics.jobCompleted('seed_batch', 'success', attemptMs());
        for (const [table, rows] of message.rowsByTable) {
          this.rowsByTable.set(table, (this.rowsByTable.get(table) ?? 0) + rows);
          metrics.seedRunRowsWritten(table, rows);
        }
        if (message.diagnostics.length > 0) this.log?.debug({ batchKey: message.batchKey, diagnostics: message.diagnostics }, 'engine diagnostics');
        void this.publish(false);
        break;
      case 'failed':
        worker.claimed = null;
        metrics.jobCompleted('seed_batch', 'failed', attemptMs());
        this.log?.warn({ batchKey: message.batchKey, error: message.error }, 'seed batch failed');
        break;
      case 'released':
        worker.claimed = null;
        break;
      case 'retry':
        metrics.jobCompleted('seed_batch', 'error', attemptMs());
        worker.attemptStartedAt = performance.now();
        this.log?.warn({ batchKey: message.batchKey, error: message.error, attempt: message.attempt }, 'seed batch retried');
        break;
      case 'exit':
        if (message.reason === 'error') failures.push(`${worker.id}: ${message.error ?? 'unknown error'}`);
        break;
      case 'alive':
        break;
    }
  }

  private lastHeartbeat = 0;
  private ticking = false;

  /** Every 250 ms while workers run: cancel check, heartbeats every 2 s, progress at most every 500 ms. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      if (!this.cancelRequested) {
        const [row] = await this.em.fork().execute<{ status: string }[]>('select status from seed_run where id = ?', [this.runId], 'all');
        if (row?.status === SeedRunStatus.CANCELLING) await this.requestCancel();
      }
      const now = Date.now();
      if (now - this.lastHeartbeat >= 2000) {
        this.lastHeartbeat = now;
        const claimed = this.workers.filter((worker) => worker.claimed !== null && now - worker.lastSeen < 5000).map((worker) => worker.claimed!);
        if (claimed.length > 0) {
          await this.em.fork().nativeUpdate(SeedRunBatch, { seedRun: this.runId, batchKey: { $in: claimed }, status: SeedRunBatchStatus.CLAIMED }, { heartbeatAt: new Date() });
        }
      }
      await this.publish(false);
    } catch (error) {
      this.log?.warn({ err: error }, 'seed coordinator tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private cancelling: Promise<void> | null = null;
  /** The stop is a suspension (worker shutdown): the run ends QUEUED, to be resumed, instead of CANCELLED. */
  private suspending = false;

  /** Stop as a cancel does, but leave the run QUEUED for a later resume (see `SeedRunHandle.suspend`). */
  suspend(): void {
    if (!this.cancelling) this.suspending = true;
    void this.requestCancel();
  }

  /**
   * Cancel: raise the workers' flag; after 4 s cancel their statements; after 4.5 s terminate the threads (their
   * connections close and the server rolls back). Claims go back to PLANNED, so nothing partial remains.
   */
  private requestCancel(): Promise<void> {
    if (this.cancelling) return this.cancelling;
    this.cancelRequested = true;
    Atomics.store(this.cancelFlag, 0, 1);
    this.cancelling = (async () => {
      if (!this.suspending) {
        await this.em.fork().nativeUpdate(SeedRun, { id: this.runId, status: SeedRunStatus.RUNNING }, { status: SeedRunStatus.CANCELLING });
        this.status = SeedRunStatus.CANCELLING;
      }
      this.message = this.suspending ? 'suspending: the worker is shutting down' : 'cancelling';
      await this.publish(true).catch(() => undefined);
      await this.stopWorkers();
    })();
    return this.cancelling;
  }

  private async stopWorkers(): Promise<void> {
    Atomics.store(this.cancelFlag, 0, 1);
    const live = this.workers;
    if (live.length === 0) return;
    const allExited = Promise.all(live.map((worker) => worker.exited));
    const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
    if ((await Promise.race([allExited, timeout(4000)])) === 'timeout') {
      const pids = live.map((worker) => worker.pid).filter((pid): pid is number => pid !== null);
      if (pids.length > 0) await this.lock.query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids]).catch(() => undefined);
      if ((await Promise.race([allExited, timeout(500)])) === 'timeout') {
        await Promise.all(live.map((worker) => worker.thread.terminate()));
      }
    }
  }

  private async cancelledBetweenPhases(): Promise<boolean> {
    if (this.cancelRequested) return true;
    const run = await this.em.fork().findOne(SeedRun, this.runId);
    if (run?.status === SeedRunStatus.CANCELLING) await this.requestCancel();
    return this.cancelRequested;
  }

  private async finishCancelled(): Promise<SeedRunResult> {
    await this.requestCancel();
    const em = this.em.fork();
    await em.nativeUpdate(SeedRunBatch, { seedRun: this.runId, status: SeedRunBatchStatus.CLAIMED }, { status: SeedRunBatchStatus.PLANNED, claimedBy: null });
    // A suspension yields to a cancel requested meanwhile (the row says CANCELLING).
    const suspended =
      this.suspending &&
      (await em.nativeUpdate(SeedRun, { id: this.runId, status: SeedRunStatus.RUNNING }, { status: SeedRunStatus.QUEUED })) > 0;
    if (suspended) {
      this.status = SeedRunStatus.QUEUED;
      this.message = 'suspended by a worker shutdown; queued to resume';
    } else {
      await em.nativeUpdate(SeedRun, { id: this.runId }, { status: SeedRunStatus.CANCELLED, finishedAt: new Date() });
      this.status = SeedRunStatus.CANCELLED;
      this.message = 'cancelled; resume with `seed resume ' + this.runId + '`';
    }
    await this.publish(true);
    return this.result(null, null, null);
  }

  private async postLoad(input: ExecuteInput): Promise<void> {
    const pool = new pg.Pool({
      ...pgSessionConfig(this.options.databaseUrl),
      max: Math.max(2, this.options.workers),
      application_name: 'aquagraph-seed-post-load',
    });
    try {
      this.message = 'rebuilding indexes and keys';
      await this.publish(true);
      await this.restoreDeferred(pool, async () => {
        this.message = 'analyzing';
        await this.publish(true);
        await this.analyze(pool);
        this.message = 'validating foreign keys';
        await this.publish(true);
      });
      await advanceSequences(this.lock);
      this.message = 'utilisation report';
      await this.publish(true);
      const run = await this.em.fork().findOneOrFail(SeedRun, this.runId);
      const first = await this.em.fork().execute<{ first: string | null }[]>(
        `select min((plan->>'startDate'))::text as first from seed_run_batch where seed_run_id = ?`,
        [this.runId],
        'all',
      );
      await fillUtilisation(this.lock, this.runId, first[0]?.first ?? input.today, run.today);
      this.message = null;
    } finally {
      await pool.end();
    }
  }

  /** ANALYZE every loaded table, a few at a time. */
  private async analyze(pool: pg.Pool): Promise<void> {
    const statements = await analyzeStatements(this.lock);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(this.options.workers, 4)) }, async () => {
        const client = await pool.connect();
        try {
          await client.query(`set maintenance_work_mem = '${this.maintenanceWorkMem}'`);
          for (let statement = statements[next++]; statement !== undefined; statement = statements[next++]) await client.query(statement);
        } finally {
          client.release();
        }
      }),
    );
  }

  private get maintenanceWorkMem(): string {
    const value = this.options.maintenanceWorkMem ?? '512MB';
    if (!/^\d+(kB|MB|GB)$/.test(value)) throw new Error(`Invalid maintenance_work_mem ${value}`);
    return value;
  }

  private async restoreDeferred(existingPool?: pg.Pool, beforeForeignKeys?: () => Promise<void>): Promise<void> {
    const run = await this.em.fork().findOneOrFail(SeedRun, this.runId);
    const structures = run.deferredStructures ?? [];
    const pool = existingPool ?? new pg.Pool({ ...pgSessionConfig(this.options.databaseUrl), max: Math.max(2, this.options.workers) });
    try {
      await restoreStructures(pool, structures, {
        parallelism: Math.max(2, this.options.workers),
        // enable_hashjoin off: seed ids (k+1)·2^32 + local collide under PostgreSQL's int8 hash (it XORs the two
        // halves), so a hash anti-join validating growth_sample_fish → growth_sample runs ~7× slower than a merge
        // join over the freshly built indexes.
        sessionSettings: { maintenance_work_mem: this.maintenanceWorkMem, max_parallel_maintenance_workers: '4', enable_hashjoin: 'off' },
        beforeForeignKeys,
      });
      if (structures.length === 0) await beforeForeignKeys?.();
      await this.em.fork().nativeUpdate(SeedRun, { id: this.runId }, { deferredStructures: null });
    } finally {
      if (!existingPool) await pool.end();
    }
  }

  private async runHash(input: ExecuteInput, infrastructureHash: string): Promise<string> {
    const items = await this.em.fork().find(SeedRunBatch, { seedRun: this.runId }, { fields: ['batchKey', 'batchHash'] });
    const hash = computeRunHash({
      generatorVersion: GENERATOR_VERSION,
      engineVersion: ENGINE_VERSION,
      profileHash: profileHash(input.profile),
      seed: input.seed,
      today: input.today,
      infrastructureHash,
      batches: items.map((item) => ({ batchKey: item.batchKey, hash: item.batchHash ?? '' })),
    });
    await this.em.fork().nativeUpdate(SeedRun, { id: this.runId }, { contentHash: hash });
    return hash;
  }

  private async enterPhase(phase: SeedRunPhase): Promise<void> {
    this.phase = phase;
    this.message = null;
    await this.em.fork().nativeUpdate(SeedRun, { id: this.runId }, { phase });
    await this.publish(true);
  }

  /** Build, store, NOTIFY and hand over a snapshot: always when forced (phase changes), else at most every 500 ms. */
  private async publish(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastPublish < 500) return;
    this.lastPublish = now;
    const em = this.em.fork();
    const counts = await em.execute<{ status: SeedRunBatchStatus; n: number; rows: number }[]>(
      `select status, count(*)::int as n, coalesce(sum(rows_written), 0)::bigint as rows from seed_run_batch where seed_run_id = ? group by status`,
      [this.runId],
      'all',
    );
    const countOf = (status: SeedRunBatchStatus) => counts.find((row) => row.status === status)?.n ?? 0;
    const rowsWritten = Number(counts.find((row) => row.status === SeedRunBatchStatus.DONE)?.rows ?? 0);
    const rowsPerSec = this.rate.sample(rowsWritten, now);
    const remaining = Math.max(0, this.rowsEstimated - rowsWritten);
    const total = counts.reduce((sum, row) => sum + row.n, 0);
    const snapshot: SeedRunProgress = {
      runId: this.runId,
      status: this.status,
      phase: this.phase,
      batchesTotal: total,
      batchesPlanned: countOf(SeedRunBatchStatus.PLANNED),
      batchesClaimed: countOf(SeedRunBatchStatus.CLAIMED),
      batchesDone: countOf(SeedRunBatchStatus.DONE),
      batchesFailed: countOf(SeedRunBatchStatus.FAILED),
      rowsWritten,
      rowsEstimated: this.rowsEstimated,
      rowsByTable: [...this.rowsByTable].map(([table, rows]) => ({ table, rows })).sort((a, b) => b.rows - a.rows),
      rowsPerSec: Math.round(rowsPerSec),
      etaSeconds: rowsPerSec > 1 && this.phase === SeedRunPhase.GENERATING ? Math.round(remaining / rowsPerSec) : null,
      elapsedSeconds: Math.round((now - this.startedAt) / 100) / 10,
      workers: this.options.workers,
      message: this.message,
      timestamp: new Date(now).toISOString(),
    };
    this.latest = snapshot;
    await em.nativeUpdate(SeedRun, { id: this.runId }, { progress: snapshot, heartbeatAt: new Date(now) });
    await em.execute('select pg_notify(?, ?)', [SEED_PROGRESS_CHANNEL, JSON.stringify(snapshot)], 'all');
    if (this.sink) {
      const delivered = this.sink(snapshot);
      if (force) await delivered;
    }
  }
}

