import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import type { Viewer } from './auth.js';
import type { SeedRunService } from '../modules/runs/seed-run.service.js';
import { Loaders } from './loaders.js';

/** Long-lived application services resolvers may use (one set per app). */
export interface AppServices {
  /** Seed runs: enqueued here, executed by whichever queue worker picks them up. */
  seedRuns: SeedRunService;
  /** SEED_RUNS_ENABLED: whether seedRunStart/seedRunResume may run. */
  seedRunsEnabled: boolean;
  /** Default worker threads of a seed run. */
  seedWorkers: number;
}

/** Per-request GraphQL context: a fresh EntityManager fork and fresh loaders (never shared across requests). */
export interface GraphQLContext {
  requestId: string;
  em: EntityManager;
  loaders: Loaders;
  log: Logger;
  /** The authenticated caller (DEV_VIEWER in development mode). */
  viewer: Viewer;
  services: AppServices;
}

export function createContext(
  rootEm: EntityManager,
  requestId: string,
  log: Logger,
  viewer: Viewer,
  services: AppServices,
): GraphQLContext {
  const em = rootEm.fork({ clear: true, loggerContext: { requestId } }) as EntityManager;
  return { requestId, em, loaders: new Loaders(em), log, viewer, services };
}
