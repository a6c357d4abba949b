import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobHelpers } from 'graphile-worker';
import type { Logger } from '../logger.js';
import { SEED_RUN_MAX_ATTEMPTS, seedRunJobKey } from '../modules/runs/seed-run.service.js';
import { cancelSeedRun, resumeSeed, SeedRunBusyError, SeedRunError, type SeedRunHandle } from '../modules/synthetic/run/coordinator.js';
import { SeedRun, SeedRunStatus } from '../modules/synthetic/seed-run.entity.js';
import { verifySeedRun } from '../modules/synthetic/verify/verify.js';
import type { JobMap } from './job-map.js';

export interface SeedRunJobDeps {
  orm: MikroORM;
  /** URL of the coordinator's lock connection, its worker threads and rebuild connections. */
  databaseUrl: string;
  log: Logger;
  maintenanceWorkMem: string;
}

/**
 * The seed runs this worker process is executing, so a graceful shutdown can suspend them (the run goes back to
 * QUEUED, no partial batch left) and wait for them before the process exits.
 */
export class SeedRunExecutions {
  private readonly running = new Set<SeedRunHandle>();
  private stopping = false;

  get shuttingDown(): boolean {
    return this.stopping;
  }

  track(handle: SeedRunHandle): void {
    this.running.add(handle);
    if (this.stopping) handle.suspend();
    void handle.finished.then(() => this.running.delete(handle));
  }

  /** Suspends every run executing here and waits until they have stopped. */
  async suspendAll(): Promise<void> {
    this.stopping = true;
    const handles = [...this.running];
    for (const handle of handles) handle.suspend();
    await Promise.all(handles.map((handle) => handle.finished));
  }
}

/**
 * Handler of `seed_run`: executes the run (a fresh QUEUED run, a resumed one, or one a dead worker left RUNNING)
 * to a terminal status with `resumeSeed`, which is idempotent per seed_run_batch. The run's own outcome (SUCCEEDED,
 * FAILED, CANCELLED) completes the job; a busy lock or an unexpected error fails it, so graphile-worker retries.
 * A worker shutdown suspends the run and re-adds the job under its key, so no attempt is spent and any worker
 * resumes it.
 */
export function seedRunTask(deps: SeedRunJobDeps, executions: SeedRunExecutions) {
  return async (payload: JobMap['seed_run'], helpers: JobHelpers): Promise<void> => {
    const { seedRunId } = payload;
    const log = deps.log.child({ seedRunId, job: helpers.job.id, attempt: helpers.job.attempts });
    const run = await deps.orm.em.fork().findOne(SeedRun, seedRunId);
    if (!run) {
      log.warn('seed_run job for a run that does not exist');
      return;
    }
    if (run.status === SeedRunStatus.SUCCEEDED || run.status === SeedRunStatus.FAILED || run.status === SeedRunStatus.CANCELLED) return;
    // A cancel requested while no coordinator was alive: finish it, do not resume.
    if (run.status === SeedRunStatus.CANCELLING) {
      await cancelSeedRun(deps.orm.em.fork(), seedRunId);
      return;
    }
    const requeue = () => helpers.addJob('seed_run', payload, { jobKey: seedRunJobKey(seedRunId), maxAttempts: SEED_RUN_MAX_ATTEMPTS });
    if (executions.shuttingDown || helpers.abortSignal.aborted) {
      await requeue();
      return;
    }
    let handle: SeedRunHandle;
    try {
      handle = await resumeSeed({
        orm: deps.orm,
        databaseUrl: deps.databaseUrl,
        runId: seedRunId,
        workers: payload.workers,
        verify: {},
        log: deps.log,
        maintenanceWorkMem: deps.maintenanceWorkMem,
      });
    } catch (error) {
      if (error instanceof SeedRunBusyError || !(error instanceof SeedRunError)) throw error;
      // Refused for good (non-empty database without wipe, stored profile altered): nothing was written.
      await deps.orm.em.fork().nativeUpdate(
        SeedRun,
        { id: seedRunId, status: { $in: [SeedRunStatus.QUEUED, SeedRunStatus.RUNNING] } },
        { status: SeedRunStatus.FAILED, error: error.message, finishedAt: new Date() },
      );
      log.warn({ reason: error.message }, 'seed run refused');
      return;
    }
    const onAbort = () => handle.suspend();
    helpers.abortSignal.addEventListener('abort', onAbort);
    executions.track(handle);
    try {
      const result = await handle.finished;
      if (result.status === SeedRunStatus.QUEUED) {
        await requeue();
        log.info('seed run suspended by the worker shutdown; re-queued');
        return;
      }
      log.info({ status: result.status, contentHash: result.contentHash, error: result.error }, 'seed run finished');
    } finally {
      helpers.abortSignal.removeEventListener('abort', onAbort);
    }
  };
}

/** Handler of `seed_run_verify`: verifies the run and stores the report on it (synthetic-farm.md §10). */
export function seedRunVerifyTask(deps: Pick<SeedRunJobDeps, 'orm' | 'log'>) {
  return async (payload: JobMap['seed_run_verify']): Promise<void> => {
    const report = await verifySeedRun(deps.orm.em.fork(), payload.seedRunId, { deep: payload.deep, sampleBatches: payload.sampleBatches });
    deps.log.info({ seedRunId: payload.seedRunId, ok: report.ok, deep: report.deep }, 'seed run verified');
  };
}
