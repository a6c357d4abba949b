import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { migrateQueue } from '../jobs/queue.js';
import { initOrm } from './orm.js';

export interface Database {
  url: string;
  orm: MikroORM;
  /** Closes the ORM and stops the embedded server when we started one. */
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/**
 * Connects to `DATABASE_URL`, or starts the embedded PostgreSQL, then applies pending migrations and installs the
 * job queue's schema (CONVENTIONS.md pattern 10: migrations only, never a schema diff at boot).
 */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.database.url;
  if (!url) {
    embedded = await startEmbeddedPostgres({ ...config.database.embedded, log });
    url = embedded.url;
  }
  try {
    await assertReachable(url);
    const orm = await initOrm({ clientUrl: url, poolMax: config.database.poolMax, migrate: true });
    await migrateQueue(url, log);
    return {
      url,
      orm,
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** One quick connection attempt, so a bad URL fails with one clear line instead of a pool retry storm. */
async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const where = redact(url);
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${where}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
