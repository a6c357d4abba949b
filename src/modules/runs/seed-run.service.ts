import { LockMode, UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type { JobMap } from '../../jobs/job-map.js';
import type { Logger } from '../../logger.js';
import {
  cancelSeedRun,
  createQueuedSeedRun,
  MAX_WORKERS,
  MIN_WORKERS,
  SEED_LOCK_CLASS,
  SeedRunBusyError,
  SeedRunError,
} from '../synthetic/run/coordinator.js';
import { SeedRun, SeedRunStatus } from '../synthetic/seed-run.entity.js';

/** Attempts of a `seed_run` job: crashed workers and transient refusals; a run's own failure is not retried. */
export const SEED_RUN_MAX_ATTEMPTS = 5;
/** Attempts of a `seed_run_verify` job. */
export const SEED_RUN_VERIFY_MAX_ATTEMPTS = 3;
/** A `seed_run` job locked this long while its run has no live coordinator belongs to a dead worker. */
const ORPHAN_GRACE_SECONDS = 5;

/** The job key of a run's `seed_run` job: one pending execution per run. */
export const seedRunJobKey = (runId: number) => `seed_run:${runId}`;

/** Enqueues the execution of a run on the caller's transaction (graphile-worker's `add_job`, keyed by the run). */
export async function enqueueSeedRun(tx: EntityManager, payload: JobMap['seed_run']): Promise<void> {
  await tx.execute(
    `select graphile_worker.add_job('seed_run', ?::json, job_key := ?, job_key_mode := 'replace', max_attempts := ?)`,
    [JSON.stringify(payload), seedRunJobKey(payload.seedRunId), SEED_RUN_MAX_ATTEMPTS],
    'all',
  );
}

/** Enqueues a verification of a run on the caller's transaction; repeated requests for a run coalesce. */
export async function enqueueSeedRunVerify(tx: EntityManager, payload: JobMap['seed_run_verify']): Promise<void> {
  await tx.execute(
    `select graphile_worker.add_job('seed_run_verify', ?::json, job_key := ?, job_key_mode := 'replace', max_attempts := ?)`,
    [JSON.stringify(payload), `seed_run_verify:${payload.seedRunId}`, SEED_RUN_VERIFY_MAX_ATTEMPTS],
    'all',
  );
}

/**
 * Unlocks `seed_run` jobs whose worker died mid-run, so another worker retries (resumes) them now rather than when
 * graphile-worker's 4-hour lock expires. A job counts as orphaned when it has been locked for a while and its run
 * is not terminal but nobody holds the run's advisory lock (a live coordinator always does; a dead backend's lock
 * is released). `force_unlock_workers` is graphile-worker's own remedy for a crashed worker.
 * @returns the ids of the runs whose jobs were unlocked
 */
export async function rescueSeedRunJobs(orm: MikroORM, log: Pick<Logger, 'warn'>): Promise<number[]> {
  return orm.em.fork().transactional(async (tx) => {
    const orphans = await tx.execute<Array<{ run_id: number; locked_by: string }>>(
      `select r.id as run_id, j.locked_by
         from graphile_worker.jobs j
         join seed_run r on j.key = 'seed_run:' || r.id
        where j.task_identifier = 'seed_run' and j.locked_at < now() - make_interval(secs => ?)
          and r.status in ('QUEUED', 'RUNNING', 'CANCELLING')
          and pg_try_advisory_xact_lock(?, r.id::int)`,
      [ORPHAN_GRACE_SECONDS, SEED_LOCK_CLASS],
      'all',
    );
    if (orphans.length === 0) return [];
    // knex expands an array binding into a list: array[?] is the text[] of the dead workers' ids.
    await tx.execute('select graphile_worker.force_unlock_workers(array[?]::text[])', [[...new Set(orphans.map((orphan) => orphan.locked_by))]], 'all');
    log.warn({ runs: orphans.map((orphan) => orphan.run_id), workers: orphans.map((orphan) => orphan.locked_by) }, 'unlocked seed-run jobs of dead workers');
    return orphans.map((orphan) => orphan.run_id);
  });
}

export interface SeedRunServiceDeps {
  orm: MikroORM;
  log: Logger;
  /** Flagged production (NODE_ENV=production): runs are refused. */
  production: boolean;
}

export interface StartSeedRequest {
  profile: string;
  prngSeed: number;
  today?: string;
  workers: number;
  wipe: boolean;
  requestedBy: string;
}

/**
 * Seed runs on behalf of the API (and of SEED_ON_EMPTY): each request writes the run row and enqueues its job in
 * one transaction; whichever queue worker picks the job up (`npm start` in-process, `npm run worker` anywhere)
 * executes it (src/jobs/seed-run.job.ts). Needs no worker in this process.
 */
export class SeedRunService {
  constructor(private readonly deps: SeedRunServiceDeps) {}

  /**
   * Creates a QUEUED run and enqueues its execution.
   * @throws SeedRunError when refused (bad input, another run not terminal, non-empty database without wipe)
   */
  async start(request: StartSeedRequest): Promise<number> {
    try {
      return await this.deps.orm.em.fork().transactional(async (tx) => {
        const run = await createQueuedSeedRun(tx, {
          profile: request.profile,
          seed: request.prngSeed,
          today: request.today,
          workers: request.workers,
          wipe: request.wipe,
          requestedBy: request.requestedBy,
          production: this.deps.production,
        });
        await enqueueSeedRun(tx, { seedRunId: run.id });
        return run.id;
      });
    } catch (error) {
      throw this.conflict(error);
    }
  }

  /**
   * Queues a cancelled, failed or interrupted run again (with a new worker count, if given) and enqueues its
   * execution; the worker resumes it to the hash of an uninterrupted run.
   * @throws SeedRunError when the run succeeded, is live, or another run is not terminal
   */
  async resume(runId: number, workers?: number): Promise<number> {
    if (workers !== undefined && (!Number.isInteger(workers) || workers < MIN_WORKERS || workers > MAX_WORKERS)) {
      throw new SeedRunError(`--workers must be an integer in ${MIN_WORKERS}–${MAX_WORKERS}, got ${workers}`);
    }
    // A run whose worker died is still locked in the queue: free its job first so the resume is not stuck behind it.
    await rescueSeedRunJobs(this.deps.orm, this.deps.log);
    try {
      return await this.deps.orm.em.fork().transactional(async (tx) => {
        const run = await tx.findOne(SeedRun, runId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!run) throw new SeedRunError(`Seed run ${runId} does not exist`);
        if (run.status === SeedRunStatus.SUCCEEDED) throw new SeedRunError(`Seed run ${runId} already succeeded`);
        if (run.status === SeedRunStatus.RUNNING || run.status === SeedRunStatus.CANCELLING) {
          const [probe] = await tx.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(?, ?) as locked', [SEED_LOCK_CLASS, runId], 'all');
          if (!probe?.locked) throw new SeedRunBusyError(`Seed run ${runId} is being run by a live coordinator`);
        }
        run.status = SeedRunStatus.QUEUED;
        run.error = null;
        run.finishedAt = null;
        await tx.flush();
        await enqueueSeedRun(tx, { seedRunId: runId, ...(workers === undefined ? {} : { workers }) });
        return runId;
      });
    } catch (error) {
      throw this.conflict(error);
    }
  }

  /** Requests the cancel of a run; a QUEUED run no worker has picked up is CANCELLED at once. */
  cancel(runId: number): Promise<SeedRunStatus> {
    return cancelSeedRun(this.deps.orm.em.fork(), runId);
  }

  /** Enqueues a verification; the worker stores the report on the run (synthetic-farm.md §10). */
  async verify(runId: number, deep: boolean, sampleBatches: number): Promise<void> {
    await this.deps.orm.em.fork().transactional((tx) => enqueueSeedRunVerify(tx, { seedRunId: runId, deep, sampleBatches }));
  }

  /** The partial unique index refusing a second non-terminal run, as the user error of the application check. */
  private conflict(error: unknown): unknown {
    if (error instanceof UniqueConstraintViolationException && error.message.includes('seed_run_one_active_unique')) {
      return new SeedRunBusyError('Another seed run is in progress: cancel or finish it first');
    }
    return error;
  }
}
