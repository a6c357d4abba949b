import DataLoader from 'dataloader';
import { mapReadOnly } from '../../db/read-only-entities.js';
import { pgArray } from '../../db/raw-sql.js';
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

/** Key of a per-parent connection: the parent, the page arguments and any filter on the page. */
export interface PageKey {
  id: number;
  first: number;
  after: string | null;
  /** Conditions of a filter on the page (`e` is the event table); keys with equal conditions share a statement. */
  where?: readonly SqlFragment[];
}

/** What a per-parent connection pages over. */
export interface ParentPagesSpec<T> {
  entity: EntityClass<T>;
  /** FROM clause naming the event table `e` (and whatever relation holds the parent column). */
  from: string;
  /** Expression of the parent's id, e.g. `e.assignment_id` or `b.batch_id`. */
  parent: string;
  /** Sort expression, e.g. `e.event_date`; the id tie-breaker (ascending) is appended. */
  sort: string;
  type: 'date' | 'timestamptz';
  /** Whether the sort value may be null; those rows then come last (then by id), and a cursor may hold null. */
  nullable?: boolean;
}

const filterText = (where: readonly SqlFragment[] | undefined) => (where?.length ? JSON.stringify(where) : '');
const pageKeyText = (key: PageKey) => `${key.id}|${key.first}|${key.after ?? ''}|${filterText(key.where)}`;

/**
 * Per-parent connections of an event table in one statement per distinct page request (first, after, filter): a
 * window function numbers each parent's events in (sort, id) order after its cursor, and the first `first + 1` of
 * each are kept. The cursor holds the sort value's text form, so a timestamp keeps its microseconds; with a
 * nullable sort the rows without a value come last and the seek predicate handles a null cursor value.
 */
export function parentEventPages<T extends { id: number }>(l: Loaders, name: string, spec: ParentPagesSpec<T>): DataLoader<PageKey, Page<T>, string> {
  const { from, parent, sort, type, nullable = false } = spec;
  // totalCount, when selected: one grouped count per distinct filter for all parents of the request.
  const counts = l.memoize(
    `${name}:count`,
    () =>
      new DataLoader<{ id: number; where?: readonly SqlFragment[] }, number, string>(
        async (keys) => {
          const results = new Map<string, number>();
          for (const group of groupBy(keys, (key) => filterText(key.where)).values()) {
            const where = group[0]!.where ?? [];
            const rows = await l.em.execute<Array<{ owner: string | number; n: number }>>(
              `select ${parent} as owner, count(*)::int as n from ${from}
                where ${parent} = any(?::bigint[])${where.map((w) => ` and ${w.sql}`).join('')}
                group by ${parent}`,
              [pgArray(group.map((key) => key.id)), ...where.flatMap((w) => w.params)],
              'all',
              l.em.getLoggerContext(),
            );
            const byOwner = new Map(rows.map((row) => [Number(row.owner), row.n]));
            for (const key of group) results.set(`${key.id}|${filterText(key.where)}`, byOwner.get(key.id) ?? 0);
          }
          return keys.map((key) => results.get(`${key.id}|${filterText(key.where)}`) ?? 0);
        },
        { cacheKeyFn: (key) => `${key.id}|${filterText(key.where)}` },
      ),
  );
  return l.memoize(
    name,
    () =>
      new DataLoader<PageKey, Page<T>, string>(
        async (keys) => {
          const results = new Map<string, Page<T>>();
          for (const group of groupBy(keys, (key) => `${key.first}|${key.after ?? ''}|${filterText(key.where)}`).values()) {
            const { first, after } = group[0]!;
            const where = group[0]!.where ?? [];
            const cursor = after ? decodeSqlCursor(after, [{ type, nullable }]) : null;
            const params: unknown[] = [pgArray(group.map((key) => key.id)), ...where.flatMap((w) => w.params)];
            let seek = '';
            if (cursor) {
              const [value] = cursor.values;
              if (value == null) {
                seek = `and ${sort} is null and e.id > ?`;
                params.push(cursor.id);
              } else {
                seek = `and ((${sort}, e.id) > (?::${type}, ?)${nullable ? ` or ${sort} is null` : ''})`;
                params.push(value, cursor.id);
              }
            }
            params.push(first + 1);
            const rows = await selectMapped(
              l.em,
              spec.entity,
              `select * from (
                 select e.*, ${parent} as page_owner, ${sort}::text as page_key,
                        row_number() over (partition by ${parent} order by ${sort} nulls last, e.id) as page_rank
                   from ${from}
                  where ${parent} = any(?::bigint[])${where.map((w) => ` and ${w.sql}`).join('')} ${seek}
               ) x where page_rank <= ? order by page_owner, page_rank`,
              params,
            );
            const owned = groupBy(rows, ({ row }) => Number(row.page_owner));
            for (const key of group) {
              const items = owned.get(key.id) ?? [];
              const edges = items.slice(0, first).map(({ entity: node, row }) => ({
                node,
                cursor: encodeCursor({ values: [row.page_key == null ? null : String(row.page_key)], id: node.id }),
              }));
              results.set(
                pageKeyText(key),
                pageOf(edges, items.length > first, after, () => counts.load({ id: key.id, where: key.where })),
              );
            }
          }
          return keys.map((key) => results.get(pageKeyText(key))!);
        },
        { cacheKeyFn: pageKeyText },
      ),
  );
}

/**
 * Per-batch connections of an event table (`parentEventPages` by `b.batch_id`): `from` is a FROM clause naming the
 * event table `e` and a relation `b` with the batch_id column.
 */
export function batchEventPages<T extends { id: number }>(
  l: Loaders,
  name: string,
  entity: EntityClass<T>,
  from: string,
  dateColumn: string,
  columnType: 'date' | 'timestamptz' = 'date',
): DataLoader<PageKey, Page<T>, string> {
  return parentEventPages(l, name, { entity, from, parent: 'b.batch_id', sort: `e.${dateColumn}`, type: columnType });
}

/** Per-assignment connections of an event table with a plain assignment column, by (date, id). */
const assignmentPages = <T extends { id: number }>(entity: EntityClass<T>, table: string, column: string, dateColumn: string, nullable = false) =>
  (l: Loaders, name: string) =>
    parentEventPages(l, name, { entity, from: `${table} e`, parent: `e.${column}`, sort: `e.${dateColumn}`, type: 'date', nullable });

/**
 * Connections of events per assignment and per batch. Transfer actions sort by execution date with planned ones
 * that have none last, then id; `Batch.transfers` carries its filter as the key's SQL conditions.
 */
export const eventPages = {
  growthSamplesByAssignment: (l: Loaders) =>
    assignmentPages(GrowthSample, 'growth_sample', 'assignment_id', 'sample_date')(l, 'growthSamplePagesByAssignment'),
  mortalityEventsByAssignment: (l: Loaders) =>
    assignmentPages(MortalityEvent, 'mortality_event', 'assignment_id', 'event_date')(l, 'mortalityPagesByAssignment'),
  treatmentsByAssignment: (l: Loaders) =>
    assignmentPages(Treatment, 'treatment', 'assignment_id', 'treatment_date')(l, 'treatmentPagesByAssignment'),
  liceCountsByAssignment: (l: Loaders) =>
    assignmentPages(LiceCount, 'lice_count', 'assignment_id', 'count_date')(l, 'liceCountPagesByAssignment'),
  harvestsByAssignment: (l: Loaders) =>
    assignmentPages(HarvestEvent, 'harvest_event', 'assignment_id', 'harvest_date')(l, 'harvestPagesByAssignment'),
  incomingTransfers: (l: Loaders) =>
    assignmentPages(TransferAction, 'transfer_action', 'dest_assignment_id', 'execution_date', true)(l, 'incomingTransferPages'),
  outgoingTransfers: (l: Loaders) =>
    assignmentPages(TransferAction, 'transfer_action', 'source_assignment_id', 'execution_date', true)(l, 'outgoingTransferPages'),
  transfersByBatch: (l: Loaders) =>
    parentEventPages(l, 'transferPagesByBatch', {
      entity: TransferAction,
      from: 'transfer_action e',
      parent: 'e.batch_id',
      sort: 'e.execution_date',
      type: 'date',
      nullable: true,
    }),
};
