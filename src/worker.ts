import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { metrics } from './graphql/metrics.js';
import { startMetricsServer, type MetricsServer } from './jobs/metrics-server.js';
import { queueOptionsFrom, startQueue } from './jobs/queue.js';
import { createLogger } from './logger.js';

/**
 * Worker-only process (`npm run worker`): runs queue jobs (recomputes, seed runs and their verifications, nightly
 * append, partition maintenance) without the API, so workers can run on other machines against the same DATABASE_URL.
 * SIGTERM suspends a seed run executing here (it goes back to QUEUED for any worker to resume) before exiting.
 * With WORKER_METRICS_PORT set it also serves `GET /metrics` (this process's job metrics) and `GET /healthz`.
 */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`aquagraph worker: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log).catch((error: Error) => {
    log.fatal({ reason: error.message }, 'aquagraph worker failed to start');
    process.exit(1);
  });
  let metricsServer: MetricsServer | null = null;
  let runner: Awaited<ReturnType<typeof startQueue>> | null = null;
  let unobserve: (() => void) | null = null;
  let starting: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down');
    // A signal during start-up (an orchestrator stopping a worker that just came up) lets the start finish, then
    // undoes all of it: handlers are installed first, so the process never dies half-started.
    await starting.catch(() => undefined);
    await metricsServer?.close();
    await runner?.stop();
    unobserve?.();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  starting = (async () => {
    // Listen before taking jobs, so a port conflict fails the start without having locked any.
    if (config.worker.metricsHttp) {
      try {
        metricsServer = await startMetricsServer({ orm: database.orm, log, listen: config.worker.metricsHttp, config });
      } catch (error) {
        log.fatal({ reason: (error as Error).message }, 'aquagraph worker failed to start');
        await database.close();
        process.exit(1);
      }
      log.info({ metricsUrl: `${metricsServer.url}/metrics`, healthUrl: `${metricsServer.url}/healthz` }, 'worker metrics listening');
    }
    if (stopping) return;
    runner = await startQueue(queueOptionsFrom(config, database, log));
    unobserve = metrics.observeQueue(runner.events);
    log.info({ concurrency: config.worker.concurrency }, 'aquagraph worker running');
  })();
  await starting;
}

await main();
