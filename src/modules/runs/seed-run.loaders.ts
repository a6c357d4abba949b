import DataLoader from 'dataloader';
import { decodeCursor, encodeCursor, pageOf, type Page } from '../../graphql/common/connection.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import type { Loaders } from '../../graphql/loaders.js';
import type { SeedRunBatchStatus } from '../synthetic/seed-run.entity.js';
import { classUtilisation, loadUtilisationDays, type ClassUtilisation, type UtilisationQuery } from '../synthetic/verify/utilisation.js';

/** One `seed_run_batch` row as the API shows it. */
export interface SeedRunBatchRow {
  runId: number;
  batchKey: number;
  batchNumber: string;
  status: SeedRunBatchStatus;
  attempt: number;
  estRows: number;
  rowsWritten: number | null;
  batchHash: string | null;
  claimedBy: string | null;
  heartbeatAt: Date | null;
  error: string | null;
  plan: unknown;
}

export interface SeedRunBatchPageKey {
  runId: number;
  first: number;
  after: string | null;
  /** Sorted, or null for all statuses. */
  statuses: SeedRunBatchStatus[] | null;
}

const pageKeyOf = (key: SeedRunBatchPageKey) => `${key.runId}|${key.first}|${key.after ?? ''}|${key.statuses?.join(',') ?? '*'}`;

/** A batch cursor: no sort values, the batch key as its id (the order is fixed: batch key ascending). */
export const decodeBatchCursor = (after: string) => decodeCursor(after, 0).id;

/**
 * `SeedRun.batches` pages for many runs in one statement per distinct (first, after, statuses): a window function
 * numbers each run's batches after the cursor by batch key, and the first `first + 1` of each are kept.
 */
export function seedRunBatchPages(l: Loaders): DataLoader<SeedRunBatchPageKey, Page<SeedRunBatchRow>, string> {
  return l.memoize(
    'seedRunBatchPages',
    () =>
      new DataLoader<SeedRunBatchPageKey, Page<SeedRunBatchRow>, string>(
        async (keys) => {
          const results = new Map<string, Page<SeedRunBatchRow>>();
          for (const group of groupBy(keys, (key) => `${key.first}|${key.after ?? ''}|${key.statuses?.join(',') ?? '*'}`).values()) {
            const { first, after, statuses } = group[0]!;
            const runIds = [...new Set(group.map((key) => key.runId))];
            const conditions = [`b.seed_run_id in (${runIds.map(() => '?').join(', ')})`];
            const params: unknown[] = [...runIds];
            if (statuses) {
              conditions.push(statuses.length ? `b.status in (${statuses.map(() => '?').join(', ')})` : 'false');
              params.push(...statuses);
            }
            if (after) {
              conditions.push('b.batch_key > ?');
              params.push(decodeBatchCursor(after));
            }
            const rows =
              first === 0
                ? []
                : await l.em.execute<Array<Record<string, unknown>>>(
                    `select * from (
                       select b.seed_run_id, b.batch_key, b.batch_number, b.status, b.attempt, b.est_rows, b.rows_written, b.batch_hash,
                              b.claimed_by, b.heartbeat_at, b.error, b.plan,
                              row_number() over (partition by b.seed_run_id order by b.batch_key) as page_rank
                         from seed_run_batch b
                        where ${conditions.join(' and ')}
                     ) x where page_rank <= ? order by seed_run_id, page_rank`,
                    [...params, first + 1],
                    'all',
                    l.em.getLoggerContext(),
                  );
            const owned = groupBy(rows.map(toRow), (row) => row.runId);
            for (const key of group) {
              const items = owned.get(key.runId) ?? [];
              const edges = items.slice(0, first).map((node) => ({ node, cursor: encodeCursor({ values: [], id: node.batchKey }) }));
              results.set(
                pageKeyOf(key),
                pageOf(edges, items.length > first, after, () => seedRunBatchCounts(l).load({ runId: key.runId, statuses })),
              );
            }
          }
          return keys.map((key) => results.get(pageKeyOf(key))!);
        },
        { cacheKeyFn: pageKeyOf },
      ),
  );
}

/** `totalCount` of `SeedRun.batches` for many runs: one grouped count per distinct status filter. */
function seedRunBatchCounts(l: Loaders): DataLoader<{ runId: number; statuses: SeedRunBatchStatus[] | null }, number, string> {
  const keyOf = (key: { runId: number; statuses: SeedRunBatchStatus[] | null }) => `${key.runId}|${key.statuses?.join(',') ?? '*'}`;
  return l.memoize(
    'seedRunBatchCounts',
    () =>
      new DataLoader<{ runId: number; statuses: SeedRunBatchStatus[] | null }, number, string>(
        async (keys) => {
          const counts = new Map<string, number>();
          for (const group of groupBy(keys, (key) => key.statuses?.join(',') ?? '*').values()) {
            const { statuses } = group[0]!;
            const runIds = [...new Set(group.map((key) => key.runId))];
            const statusSql = statuses ? (statuses.length ? ` and status in (${statuses.map(() => '?').join(', ')})` : ' and false') : '';
            const rows = await l.em.execute<Array<{ seed_run_id: number; n: number }>>(
              `select seed_run_id, count(*)::int as n from seed_run_batch
                where seed_run_id in (${runIds.map(() => '?').join(', ')})${statusSql} group by seed_run_id`,
              [...runIds, ...(statuses ?? [])],
              'all',
              l.em.getLoggerContext(),
            );
            const byRun = new Map(rows.map((row) => [Number(row.seed_run_id), row.n]));
            for (const key of group) counts.set(keyOf(key), byRun.get(key.runId) ?? 0);
          }
          return keys.map((key) => counts.get(keyOf(key))!);
        },
        { cacheKeyFn: keyOf },
      ),
  );
}

function toRow(row: Record<string, unknown>): SeedRunBatchRow {
  const date = row.heartbeat_at;
  return {
    runId: Number(row.seed_run_id),
    batchKey: Number(row.batch_key),
    batchNumber: String(row.batch_number),
    status: row.status as SeedRunBatchStatus,
    attempt: Number(row.attempt),
    estRows: Number(row.est_rows),
    rowsWritten: row.rows_written == null ? null : Number(row.rows_written),
    batchHash: (row.batch_hash as string | null) ?? null,
    claimedBy: (row.claimed_by as string | null) ?? null,
    heartbeatAt: date == null ? null : date instanceof Date ? date : new Date(String(date)),
    error: (row.error as string | null) ?? null,
    plan: typeof row.plan === 'string' ? (JSON.parse(row.plan) as unknown) : row.plan,
  };
}

/** `$n` statements on the request's EntityManager (knex takes `?`): each `$n` becomes `?` with its parameter. */
function emQuery(l: Loaders): UtilisationQuery {
  return async <R extends object>(sql: string, params: unknown[]) => {
    const ordered: unknown[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      ordered.push(params[Number(n) - 1]);
      return '?';
    });
    return l.em.execute<R[]>(text, ordered, 'all', l.em.getLoggerContext());
  };
}

export interface SeedRunUtilisationKey {
  runId: number;
  windowDays: number;
}

/** `SeedRun.utilisation` per (geography, class) for many runs: one statement per distinct window (V8's computation). */
export function seedRunUtilisation(l: Loaders): DataLoader<SeedRunUtilisationKey, ClassUtilisation[], string> {
  return l.memoize(
    'seedRunUtilisation',
    () =>
      new DataLoader<SeedRunUtilisationKey, ClassUtilisation[], string>(
        async (keys) => {
          const results = new Map<string, ClassUtilisation[]>();
          for (const [windowDays, group] of groupBy(keys, (key) => key.windowDays)) {
            const days = await loadUtilisationDays(emQuery(l), [...new Set(group.map((key) => key.runId))], windowDays);
            const byRun = groupBy(days, (day) => day.runId);
            for (const key of group) results.set(`${key.runId}|${windowDays}`, classUtilisation(byRun.get(key.runId) ?? []));
          }
          return keys.map((key) => results.get(`${key.runId}|${key.windowDays}`)!);
        },
        { cacheKeyFn: (key) => `${key.runId}|${key.windowDays}` },
      ),
  );
}
