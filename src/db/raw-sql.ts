import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';

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
