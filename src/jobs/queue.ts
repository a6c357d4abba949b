import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { maintainPartitions } from '../db/partitions.js';
import type { Logger } from '../logger.js';
import { todayUtc } from '../shared/dates.js';
import type { JobMap } from './job-map.js';
import { nightlyAppend } from './nightly-append.job.js';
import { recomputeTask } from './recompute.job.js';
import { expireIdempotencyKeys } from '../modules/operations/operation.js';
import { rescueSeedRunJobs } from '../modules/runs/seed-run.service.js';
import { SeedRunExecutions, seedRunTask, seedRunVerifyTask } from './seed-run.job.js';

export interface QueueOptions {
  connectionString: string;
  orm: MikroORM;
  log: Logger;
  concurrency: number;
  /** The engine's asOf for recomputes (the UTC date by default). */
  today?: () => string;
  /** `maintenance_work_mem` of seed runs' index rebuilds (SEED_MAINTENANCE_WORK_MEM). */
  seedMaintenanceWorkMem?: string;
  /** Days idempotency keys are kept (IDEMPOTENCY_KEY_TTL_DAYS); default 30. */
  idempotencyKeyTtlDays?: number;
}

/** The queue options a process (`npm start`'s in-process worker, `npm run worker`) takes from configuration. */
export function queueOptionsFrom(config: Config, database: Database, log: Logger): QueueOptions {
  return {
    connectionString: database.url,
    orm: database.orm,
    log,
    concurrency: config.worker.concurrency,
    seedMaintenanceWorkMem: config.seed.maintenanceWorkMem,
    idempotencyKeyTtlDays: config.worker.idempotencyKeyTtlDays,
  };
}

/** Adapts graphile-worker's logger to pino. */
function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log[method]({ queue: scope, ...meta }, message);
  });
}

/** Installs graphile-worker's schema (idempotent); run with the ORM migrations so test templates carry it. */
export async function migrateQueue(connectionString: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger(log) });
}

/**
 * Starts the job runner: recompute wake-ups, seed runs and their verifications, the nightly append and partition
 * maintenance (cron). Several runners (API processes, `npm run worker` on other machines) can share one database.
 * `stop()` first suspends the seed runs executing here (they go back to QUEUED and their jobs are re-added, for any
 * runner to resume), then lets the other jobs finish.
 */
export async function startQueue(options: QueueOptions): Promise<Runner> {
  const { orm, log } = options;
  const today = options.today ?? todayUtc;
  const seedRuns = new SeedRunExecutions();
  const seedDeps = { orm, log, databaseUrl: options.connectionString, maintenanceWorkMem: options.seedMaintenanceWorkMem ?? '512MB' };
  const taskList: TaskList = {
    recompute: recomputeTask({ orm, log, today }) as TaskList[string],
    nightly_append: (async () => {
      await nightlyAppend(orm, log);
    }) as TaskList[string],
    partition_maintenance: (async () => {
      const report = await maintainPartitions(orm.em.fork() as EntityManager, today());
      if (Object.keys(report.defaultPartitionRows).length > 0) {
        log.error({ defaultPartitionRows: report.defaultPartitionRows }, 'DEFAULT partitions hold rows');
      }
    }) as TaskList[string],
    seed_run: seedRunTask(seedDeps, seedRuns) as TaskList[string],
    seed_run_verify: seedRunVerifyTask(seedDeps) as TaskList[string],
    idempotency_key_expiry: (async () => {
      const expired = await expireIdempotencyKeys(orm.em.fork() as EntityManager, options.idempotencyKeyTtlDays ?? 30);
      if (expired > 0) log.info({ expired }, 'idempotency keys expired');
    }) as TaskList[string],
    seed_run_rescue: (async () => {
      await rescueSeedRunJobs(orm, log);
    }) as TaskList[string],
  } satisfies Record<keyof JobMap, unknown>;
  // Runs a dead worker left locked are resumed as soon as any runner starts, not only at the next minute.
  await rescueSeedRunJobs(orm, log).catch((error: Error) => log.warn({ reason: error.message }, 'seed-run rescue failed'));
  const runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: workerLogger(log),
    // Batched (delay 0) completions are flushed before stop() ends the pool; unbatched ones are fire-and-forget, so
    // a job finishing during a shutdown (a suspended seed run) could stay locked for graphile-worker's 4 hours.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    taskList,
    // UTC times: nightly append after midnight, partition maintenance before it.
    crontab: ['15 0 * * * nightly_append ?max=1', '30 23 * * * partition_maintenance ?max=1', '45 0 * * * idempotency_key_expiry ?max=1', '* * * * * seed_run_rescue ?max=1'].join('\n'),
  });
  // graphile-worker waits for running jobs on stop; seed runs would take minutes, so they are suspended at once.
  runner.events.on('pool:gracefulShutdown', () => void seedRuns.suspendAll());
  return runner;
}
