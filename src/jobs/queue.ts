import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import { maintainPartitions } from '../db/partitions.js';
import type { Logger } from '../logger.js';
import { utcDate } from '../shared/dates.js';
import type { JobMap } from './job-map.js';
import { nightlyAppend } from './nightly-append.job.js';
import { recomputeTask } from './recompute.job.js';

export interface QueueOptions {
  connectionString: string;
  orm: MikroORM;
  log: Logger;
  concurrency: number;
  /** The engine's asOf for recomputes (the UTC date by default). */
  today?: () => string;
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
 * Starts the job runner: recompute wake-ups, the nightly append and partition maintenance (cron). Several
 * runners (API processes, `npm run worker` on other machines) can share one database.
 */
export async function startQueue(options: QueueOptions): Promise<Runner> {
  const { orm, log } = options;
  const today = options.today ?? (() => utcDate(new Date()));
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
  } satisfies Record<keyof JobMap, unknown>;
  return run({
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: workerLogger(log),
    taskList,
    // UTC times: nightly append after midnight, partition maintenance before it.
    crontab: ['15 0 * * * nightly_append ?max=1', '30 23 * * * partition_maintenance ?max=1'].join('\n'),
  });
}
