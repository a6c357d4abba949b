import './pg-types.js';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ALL_ENTITIES } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { pgSessionConfig } from './pg-session.js';
import { CountingLogger } from './sql-statement-counter.js';

export interface OrmOptions {
  clientUrl: string;
  poolMax?: number;
  /** Print SQL (MikroORM's own logger), for debugging. */
  debug?: boolean;
}

/** The single MikroORM configuration used by the app, the worker, the CLIs and the tests. */
export function ormConfig(options: OrmOptions): Options {
  return {
    clientUrl: options.clientUrl,
    entities: ALL_ENTITIES,
    // Metadata comes from explicit decorator types; never from emitted design:type (tsx does not emit it).
    discovery: { requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    schemaGenerator: {
      // graphile-worker owns its schema; a whole-database diff must never touch it (STACK.md pitfall 4).
      ignoreSchema: ['graphile_worker'],
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // Session settings (pg-session.ts); MikroORM reads host, user and database from the URL, not its `options`.
    driverOptions: { connection: { options: pgSessionConfig(options.clientUrl).options } },
    forceUtcTimezone: true,
    // A missed fork must throw, in tests too (CONVENTIONS.md pattern 1).
    allowGlobalContext: false,
    debug: options.debug ?? false,
    loggerFactory: (loggerOptions) => new CountingLogger(loggerOptions),
  };
}

/** Connects and (optionally) applies pending migrations. */
export async function initOrm(options: OrmOptions & { migrate?: boolean }): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  if (options.migrate) await orm.getMigrator().up();
  return orm;
}
