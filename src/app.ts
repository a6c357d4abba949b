import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Runner } from 'graphile-worker';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { maintainPartitions } from './db/partitions.js';
import { createAppPubSub, startEventRelay } from './graphql/pubsub.js';
import { metrics } from './graphql/metrics.js';
import type { AppServices } from './graphql/context.js';
import { buildAppSchema } from './graphql/schema.js';
import { SeedRunService } from './modules/runs/seed-run.service.js';
import { queueOptionsFrom, startQueue } from './jobs/queue.js';
import { createGraphQLServer } from './graphql/server.js';
import type { Logger } from './logger.js';
import { todayUtc } from './shared/dates.js';

export interface App {
  httpServer: http.Server;
  orm: MikroORM;
  /** The in-process job runner, or null when RUN_WORKER=false. */
  queue: Runner | null;
  /** Services shared by every request (seed runs). */
  services: AppServices;
  /** Base URL once listening, e.g. http://127.0.0.1:4000. */
  url: string;
  /** Drains HTTP/WebSocket clients, closes the ORM, stops embedded PostgreSQL. Idempotent. */
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/**
 * Composition root: database (embedded or external) with migrations applied, GraphQL over HTTP and WebSocket,
 * listening on config.http. Tests drive this same function with port 0.
 */
export async function createApp(config: Config, log: Logger): Promise<App> {
  const startedAt = Date.now();
  // Everything started so far, stopped in reverse order on close or on a failed start.
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const database = await openDatabase(config, log);
    stops.push(() => database.close());
    const partitions = await maintainPartitions(database.orm.em.fork() as EntityManager, todayUtc());
    if (Object.keys(partitions.defaultPartitionRows).length > 0) {
      log.error({ defaultPartitionRows: partitions.defaultPartitionRows }, 'DEFAULT partitions hold rows');
    }
    const queue = config.worker.inProcess
      ? await startQueue(queueOptionsFrom(config, database, log))
      : null;
    if (queue) {
      const unobserve = metrics.observeQueue(queue.events);
      // Stopping the runner suspends a seed run executing here (back to QUEUED, job re-added) and waits for it.
      stops.push(async () => {
        unobserve();
        await queue.stop();
      });
    }
    const pubSub = createAppPubSub();
    const relay = await startEventRelay(database.url, pubSub, log);
    stops.push(() => relay.stop());
    const seedRuns = new SeedRunService({ orm: database.orm, log, production: config.env === 'production' });
    const services: AppServices = { seedRuns, seedRunsEnabled: config.seedRuns.enabled, seedWorkers: config.seed.workers };
    const server = await createGraphQLServer({
      schema: await buildAppSchema(pubSub),
      orm: database.orm,
      log,
      config,
      services,
    });
    stops.push(() => server.stop());
    await listen(server.httpServer, config.http.host, config.http.port);
    const { port } = server.httpServer.address() as AddressInfo;
    const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    log.info({ url: `${url}/graphql`, startupMs: Date.now() - startedAt }, 'aquagraph is listening');
    if (config.seed.onEmpty !== 'none') await seedIfEmpty(database.orm.em.fork() as EntityManager, seedRuns, config, log);

    let closing: Promise<void> | undefined;
    return {
      httpServer: server.httpServer,
      orm: database.orm,
      queue,
      services,
      url,
      close: () => (closing ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * A newcomer's first `npm start` should show data: on a database without any batch or seed run, queue the demo
 * profile like `seedRunStart` does (a queue worker runs it; the API answers meanwhile). SEED_ON_EMPTY=none turns it
 * off.
 */
async function seedIfEmpty(em: EntityManager, seedRuns: SeedRunService, config: Config, log: Logger): Promise<void> {
  const [state] = await em.execute<Array<{ empty: boolean }>>(
    'select not exists (select 1 from batch) and not exists (select 1 from seed_run) as empty',
  );
  if (!state?.empty) return;
  try {
    const runId = await seedRuns.start({
      profile: config.seed.onEmpty,
      prngSeed: 1,
      workers: Math.min(config.seed.workers, 2),
      wipe: false,
      requestedBy: 'seed-on-empty',
    });
    log.info({ runId, profile: config.seed.onEmpty }, 'empty database: queued a demo seed run (SEED_ON_EMPTY=none turns this off)');
  } catch (error) {
    log.warn({ reason: (error as Error).message }, 'could not start the demo seed run');
  }
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} on ${host} is already in use (set PORT)`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
