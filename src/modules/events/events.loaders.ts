import DataLoader from 'dataloader';
import { mapReadOnly } from '../../db/read-only-entities.js';
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { encodeCursor, pageOf, type Page } from '../../graphql/common/connection.js';
import { decodeSqlCursor, type SqlFragment } from '../../graphql/common/keyset.js';
import type { Loaders } from '../../graphql/loaders.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import { TransferAction } from '../transfer/transfer.entity.js';
import { GrowthSample } from './growth-sample.entity.js';
import { HarvestEvent } from './harvest.entity.js';
import { LiceCount } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';

/**
 * Loaders for operational events. Several of these tables reference their assignment through a composite key
 * (batch_id, assignment_id), which MikroORM cannot filter with `$in`; the loaders select by the plain column in
 * SQL and map rows to read-only entity objects (src/db/read-only-entities.ts), one statement per batch of keys.
 */

async function selectMapped<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  sql: string,
  params: unknown[],
): Promise<Array<{ entity: T; row: Record<string, unknown> }>> {
  const rows = await em.execute<Array<Record<string, unknown>>>(sql, params, 'all', em.getLoggerContext());
  const entities = mapReadOnly(em, entity, rows);
  return rows.map((row, i) => ({ entity: entities[i]!, row }));
}

/** Children of many parents by a plain foreign-key column, ordered by (date column, id). */
function byColumnLoader<T extends object>(
  l: Loaders,
  name: string,
  entity: EntityClass<T>,
  table: string,
  column: string,
  dateColumn: string,
): DataLoader<number, T[]> {
  return l.memoize(
    name,
    () =>
      new DataLoader<number, T[]>(async (ids) => {
        const rows = await selectMapped(
          l.em,
          entity,
          `select * from ${table} where ${column} in (${ids.map(() => '?').join(',')}) order by ${dateColumn}, id`,
          [...ids],
        );
        const groups = new Map<number, T[]>(ids.map((id) => [id, []]));
        for (const { entity: item, row } of rows) groups.get(Number(row[column]))?.push(item);
        return ids.map((id) => groups.get(id) ?? []);
      }),
  );
}

export const eventLoaders = {
  growthSamplesByAssignment: (l: Loaders) =>
    byColumnLoader(l, 'growthSamplesByAssignment', GrowthSample, 'growth_sample', 'assignment_id', 'sample_date'),
  mortalityEventsByAssignment: (l: Loaders) =>
    byColumnLoader(l, 'mortalityEventsByAssignment', MortalityEvent, 'mortality_event', 'assignment_id', 'event_date'),
  treatmentsByAssignment: (l: Loaders) =>
    byColumnLoader(l, 'treatmentsByAssignment', Treatment, 'treatment', 'assignment_id', 'treatment_date'),
  liceCountsByAssignment: (l: Loaders) =>
    byColumnLoader(l, 'liceCountsByAssignment', LiceCount, 'lice_count', 'assignment_id', 'count_date'),
  harvestsByAssignment: (l: Loaders) =>
    byColumnLoader(l, 'harvestsByAssignment', HarvestEvent, 'harvest_event', 'assignment_id', 'harvest_date'),
  incomingTransfers: (l: Loaders) =>
    byColumnLoader(l, 'incomingTransfers', TransferAction, 'transfer_action', 'dest_assignment_id', 'execution_date'),
  outgoingTransfers: (l: Loaders) =>
    byColumnLoader(l, 'outgoingTransfers', TransferAction, 'transfer_action', 'source_assignment_id', 'execution_date'),
  /**
   * A batch's transfer actions under a filter (`transferFilterWhere`), by execution date (none last), then id: one
   * statement per distinct filter for all batches loaded together. The key carries the filter as its SQL conditions.
   */
  transfersByBatch: (l: Loaders) =>
    l.memoize(
      'transfersByBatch',
      () =>
        new DataLoader<TransfersByBatchKey, TransferAction[], string>(
          async (keys) => {
            const results = new Map<string, TransferAction[]>();
            for (const [filter, group] of groupBy(keys, filterKey)) {
              const ids = group.map((key) => key.batchId);
              const where = group[0]!.where;
              const rows = await selectMapped(
                l.em,
                TransferAction,
                `select e.* from transfer_action e
                  where e.batch_id in (${ids.map(() => '?').join(',')})${where.map((w) => ` and ${w.sql}`).join('')}
                  order by e.execution_date, e.id`,
                [...ids, ...where.flatMap((w) => w.params)],
              );
              for (const id of ids) results.set(`${id}#${filter}`, []);
              for (const { entity, row } of rows) results.get(`${Number(row.batch_id)}#${filter}`)?.push(entity);
            }
            return keys.map((key) => results.get(transferKey(key)) ?? []);
          },
          { cacheKeyFn: transferKey },
        ),
    ),
};

/** Key of `transfersByBatch`: the batch and the SQL conditions of its filter (none: every action of the batch). */
export interface TransfersByBatchKey {
  batchId: number;
  where: readonly SqlFragment[];
}

/** Equal conditions give equal results, so the SQL text and parameters identify the filter. */
const filterKey = (key: TransfersByBatchKey) => JSON.stringify(key.where);
const transferKey = (key: TransfersByBatchKey) => `${key.batchId}#${filterKey(key)}`;

/** Key of a per-parent connection: the parent and the page arguments. */
export interface PageKey {
  id: number;
  first: number;
  after: string | null;
}

/**
 * Per-batch connections of an event table in one statement per distinct page request: a window function numbers
 * each batch's events in (sort column, id) order after its cursor, and the first `first + 1` of each are kept.
 * `from` is a FROM clause naming the event table `e` and a relation `b` with the batch_id column. The cursor holds
 * the sort value's text form, so a timestamp keeps its microseconds.
 */
export function batchEventPages<T extends { id: number }>(
  l: Loaders,
  name: string,
  entity: EntityClass<T>,
  from: string,
  dateColumn: string,
  columnType: 'date' | 'timestamptz' = 'date',
): DataLoader<PageKey, Page<T>, string> {
  return l.memoize(
    name,
    () =>
      new DataLoader<PageKey, Page<T>, string>(
        async (keys) => {
          const results = new Map<string, Page<T>>();
          for (const group of groupBy(keys, (key) => `${key.first}|${key.after ?? ''}`).values()) {
            const { first, after } = group[0]!;
            const cursor = after ? decodeSqlCursor(after, [{ type: columnType }]) : null;
            const params: unknown[] = [...group.map((key) => key.id)];
            let seek = '';
            if (cursor) {
              seek = `and (e.${dateColumn}, e.id) > (?::${columnType}, ?)`;
              params.push(cursor.values[0], cursor.id);
            }
            params.push(first + 1);
            const rows = await selectMapped(
              l.em,
              entity,
              `select * from (
                 select e.*, b.batch_id as page_owner, e.${dateColumn}::text as page_key,
                        row_number() over (partition by b.batch_id order by e.${dateColumn}, e.id) as page_rank
                   from ${from}
                  where b.batch_id in (${group.map(() => '?').join(',')}) ${seek}
               ) x where page_rank <= ? order by page_owner, page_rank`,
              params,
            );
            const owned = groupBy(rows, ({ row }) => Number(row.page_owner));
            for (const key of group) {
              const items = owned.get(key.id) ?? [];
              const edges = items.slice(0, first).map(({ entity: node, row }) => ({
                node,
                cursor: encodeCursor({ values: [String(row.page_key)], id: node.id }),
              }));
              results.set(
                `${key.id}|${first}|${after ?? ''}`,
                pageOf(edges, items.length > first, after, async () => {
                  const [row] = await l.em.execute<Array<{ n: number }>>(
                    `select count(*)::int as n from ${from} where b.batch_id = ?`,
                    [key.id],
                    'all',
                    l.em.getLoggerContext(),
                  );
                  return row?.n ?? 0;
                }),
              );
            }
          }
          return keys.map((key) => results.get(`${key.id}|${key.first}|${key.after ?? ''}`)!);
        },
        { cacheKeyFn: (key) => `${key.id}|${key.first}|${key.after ?? ''}` },
      ),
  );
}
