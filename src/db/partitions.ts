import type { EntityManager } from '@mikro-orm/postgresql';
import { endOfMonthAfter } from '../shared/dates.js';

/** The range-partitioned time-series tables (data-model.md §4). */
export const TIME_PARTITIONED_TABLES = [
  'environmental_reading',
  'environmental_daily',
  'feeding_event',
  'daily_assignment_state',
] as const;
export type TimePartitionedTable = (typeof TIME_PARTITIONED_TABLES)[number];

/** How many months ahead of today the maintenance keeps partitions ready. */
export const PARTITION_MONTHS_AHEAD = 12;

/**
 * Creates the missing partitions of `table` covering [from, to] (dates, inclusive; past ranges included).
 * Writers call this in a short transaction of their own before writing, so the DDL lock is released at once.
 * Returns the number of partitions created.
 */
export async function ensurePartitions(em: EntityManager, table: TimePartitionedTable, from: string, to: string): Promise<number> {
  const [row] = await em.execute<Array<{ created: number }>>(
    'select ensure_time_partitions(?, ?::date, ?::date) as created',
    [table, from, to],
    'all',
    em.getLoggerContext(),
  );
  return row?.created ?? 0;
}

export interface PartitionMaintenanceReport {
  created: number;
  /** Rows found in DEFAULT partitions, by table; must stay empty. */
  defaultPartitionRows: Partial<Record<TimePartitionedTable, number>>;
}

/** Keeps every time-series table partitioned from this month to 12 months ahead and checks DEFAULT partitions. */
export async function maintainPartitions(em: EntityManager, today: string): Promise<PartitionMaintenanceReport> {
  const until = endOfMonthAfter(today, PARTITION_MONTHS_AHEAD);
  let created = 0;
  for (const table of TIME_PARTITIONED_TABLES) created += await ensurePartitions(em, table, today, until);
  return { created, defaultPartitionRows: await defaultPartitionRows(em) };
}

/** Row counts of non-empty DEFAULT partitions (an empty object when all are empty, as they must be). */
export async function defaultPartitionRows(em: EntityManager): Promise<Partial<Record<TimePartitionedTable, number>>> {
  const union = TIME_PARTITIONED_TABLES.map(
    (table) => `select '${table}' as table_name, (select count(*) from (select 1 from "${table}_default" limit 1000) d) as n`,
  ).join(' union all ');
  const rows = await em.execute<Array<{ table_name: TimePartitionedTable; n: number }>>(union, [], 'all', em.getLoggerContext());
  return Object.fromEntries(rows.filter((row) => row.n > 0).map((row) => [row.table_name, row.n]));
}
