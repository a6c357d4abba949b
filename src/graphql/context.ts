import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import type { Viewer } from './auth.js';
import { Loaders } from './loaders.js';

/** Per-request GraphQL context: a fresh EntityManager fork and fresh loaders (never shared across requests). */
export interface GraphQLContext {
  requestId: string;
  em: EntityManager;
  loaders: Loaders;
  log: Logger;
  /** The authenticated caller (DEV_VIEWER in development mode). */
  viewer: Viewer;
}

export function createContext(rootEm: EntityManager, requestId: string, log: Logger, viewer: Viewer): GraphQLContext {
  const em = rootEm.fork({ clear: true, loggerContext: { requestId } }) as EntityManager;
  return { requestId, em, loaders: new Loaders(em), log, viewer };
}
