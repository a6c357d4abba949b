import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * The pg client of the current MikroORM transaction, for what the ORM does not do: `$n` parameters with native
 * array binding (knex expands JS arrays into lists), `unnest` bulk writes and COPY (STACK.md pitfall 5).
 * Only inside `em.transactional(tx => …)`: the transaction owns the connection, so nothing is released here.
 */
export async function transactionClient(tx: EntityManager): Promise<pg.PoolClient> {
  const trx = tx.getTransactionContext<Knex.Transaction>();
  if (!trx) throw new Error('transactionClient needs an open transaction (em.transactional)');
  return (await trx.client.acquireConnection()) as pg.PoolClient;
}

/**
 * Runs one statement on the transaction's pg client with `$n` parameters and native arrays. The statement is
 * reported to MikroORM's logger, so per-request SQL counts include it.
 */
export async function txQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  tx: EntityManager,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = await transactionClient(tx);
  const started = Date.now();
  try {
    return await client.query<R>(text, values);
  } finally {
    // logQuery is protected in MikroORM's typings but is the one hook its logger (and our SQL counter) sees.
    (tx.getConnection() as unknown as { logQuery(query: string, context: object): void }).logQuery(text, {
      ...tx.getLoggerContext(),
      took: Date.now() - started,
    });
  }
}

/**
 * `COPY table (columns) FROM STDIN` on the transaction's connection, fed with text-format lines (each ending in
 * "\n"). Reported to the ORM logger as one statement. Returns the number of rows copied.
 */
export async function copyIn(tx: EntityManager, table: string, columns: readonly string[], lines: Iterable<string>): Promise<number> {
  const client = await transactionClient(tx);
  const sql = `copy ${table} (${columns.join(', ')}) from stdin`;
  const started = Date.now();
  const stream = client.query(copyFrom(sql));
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    // 128 kB writes keep memory flat and let PostgreSQL start on the first rows while later ones are spelled.
    if (chunk.length > 1 << 17) {
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
    stream.end(chunk);
  });
  (tx.getConnection() as unknown as { logQuery(query: string, context: object): void }).logQuery(sql, {
    ...tx.getLoggerContext(),
    took: Date.now() - started,
  });
  return stream.rowCount;
}

/**
 * `COPY (select) TO STDOUT` on the transaction's connection: the rows in COPY text format, one string per row
 * (without its "\n"). Reported to the ORM logger as one statement. COPY takes no parameters: spell the values in
 * with `inlineParameters`.
 */
export async function copyOutLines(tx: EntityManager, select: string): Promise<string[]> {
  const client = await transactionClient(tx);
  const sql = `copy (${select}) to stdout`;
  const started = Date.now();
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
  (tx.getConnection() as unknown as { logQuery(query: string, context: object): void }).logQuery(sql, {
    ...tx.getLoggerContext(),
    took: Date.now() - started,
  });
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? [] : text.slice(0, -1).split('\n');
}

/**
 * `sql` with its `$n` parameters spelled in, for statements that cannot take parameters (COPY). Numbers are
 * written as they are (finite ones only); strings are quoted with their quotes doubled.
 */
export function inlineParameters(sql: string, values: ReadonlyArray<number | string>): string {
  return sql.replace(/\$(\d+)/g, (_, index: string) => {
    const value = values[Number(index) - 1];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
    throw new Error(`inlineParameters: no usable value for $${index}`);
  });
}

/**
 * A PostgreSQL array literal for `$n::<type>[]` parameters, built in one pass (node-pg's generic array
 * serialisation is several times slower on 10,000-element columns). Strings are quoted and escaped.
 */
export function pgArray(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    parts[i] =
      value === null || value === undefined
        ? 'NULL'
        : typeof value === 'string'
          ? `"${/[\\"]/.test(value) ? value.replace(/[\\"]/g, '\\$&') : value}"`
          : String(value);
  }
  return `{${parts.join(',')}}`;
}
