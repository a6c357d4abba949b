import type { DestinationStream } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type LogLevel } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp extends App {
  database: TestDatabase;
  /** POSTs a GraphQL operation; returns the parsed body (data, errors, extensions). */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { sqlStatements?: number };
}

export interface TestAppOptions {
  /** Where the app's log lines go (the production logger, request ids mixed in); default: nowhere. */
  logDestination?: DestinationStream;
  /** Level for `logDestination` (default debug); without a destination, TEST_LOG_LEVEL or silent. */
  logLevel?: LogLevel;
}

/** The real app on a fresh cloned database and port 0 (CONVENTIONS.md: tests drive the composition root). */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', SEED_ON_EMPTY: 'none', ...env });
  const log = options.logDestination
    ? createLogger(options.logLevel ?? 'debug', options.logDestination)
    : createLogger(options.logLevel ?? ((process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent'));
  const app = await createApp(config, log);
  return {
    ...app,
    database,
    async graphql(query, variables, headers) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    async stop() {
      await app.close();
      await database.drop();
    },
  };
}
