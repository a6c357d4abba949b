import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ensurePartitions } from '../../db/partitions.js';
import { txQuery } from '../../db/raw-sql.js';
import type { DomainEvent } from '../../events/events.js';
import { publishEvents } from '../../events/publisher.js';
import type { Logger } from '../../logger.js';
import { addDays } from '../../shared/dates.js';
import { Batch } from '../batch/batch.entity.js';
import { RecomputeJobStatus, RecomputeReason } from '../enums.js';
import {
  computeBatch,
  ENGINE_VERSION,
  EngineError,
  rewriteFromDates,
  type DirtyMark,
  type EngineInputs,
  type EngineResult,
} from './engine/index.js';
import {
  clearWatermarks,
  loadEngineInputs,
  saveEngineResult,
  type StoredRowsState,
  type WriteCounts,
} from './growth.repository.js';
import type { RecomputeDiagnostic, RecomputeStats } from './recompute-job.entity.js';

/** Debounce of growth-engine.md §6: bursts of edits within this window coalesce into one run. */
export const RECOMPUTE_DEBOUNCE_MS = 2_000;
/** A burst never postpones a job by more than this, so constant edits cannot starve it. */
export const RECOMPUTE_MAX_DELAY_MS = 10_000;
/**
 * Key of the per-batch advisory lock held while a job runs: a 64-bit hash of a namespaced text, because batch ids
 * of seed data exceed the 32-bit halves of the two-key form (synthetic-farm.md §7 ids start at 2^32).
 */
const RECOMPUTE_LOCK_KEY = `hashtextextended('aquagraph:recompute:' || $1::text, 0)`;

export interface DirtyMarkInput {
  assignmentId: number;
  /** First day whose inputs changed. */
  date: string;
}

/**
 * Marks assignments dirty from a date, and every assignment downstream of them through COMPLETED transfers from
 * the transfer date (transitively; back-transfer cycles terminate because marks are a set), keeping the earlier
 * date when already dirty and bumping `dirty_seq` for compare-and-set. Then enqueues (or coalesces) one recompute
 * per affected batch. Runs in the caller's transaction, the one that changed the inputs.
 * Returns the batches enqueued with their earliest dirty date.
 */
export async function markDirtyAndEnqueue(
  tx: EntityManager,
  marks: DirtyMarkInput[],
  reason: RecomputeReason = RecomputeReason.INPUT_CHANGED,
): Promise<Array<{ batchId: number; fromDate: string; jobId: number }>> {
  if (marks.length === 0) return [];
  const { rows } = await txQuery<{ batch_id: number; from_date: string }>(
    tx,
    `with recursive marks(assignment_id, from_date) as (
       select * from unnest($1::bigint[], $2::date[])
       union
       select t.dest_assignment_id, t.execution_date
         from marks m join transfer_action t on t.source_assignment_id = m.assignment_id
        where t.status = 'COMPLETED' and t.execution_date >= m.from_date
     ), earliest as (
       select assignment_id, min(from_date) as from_date from marks group by assignment_id
     ), marked as (
       update batch_container_assignment a
          set dirty_from = least(coalesce(a.dirty_from, e.from_date), e.from_date), dirty_seq = a.dirty_seq + 1
         from earliest e
        where a.id = e.assignment_id
       returning a.batch_id, e.from_date
     )
     select batch_id, min(from_date) as from_date from marked group by batch_id order by batch_id`,
    [marks.map((m) => m.assignmentId), marks.map((m) => m.date)],
  );
  const enqueued = [];
  for (const row of rows) {
    const jobId = await enqueueRecompute(tx, row.batch_id, row.from_date, reason);
    enqueued.push({ batchId: row.batch_id, fromDate: row.from_date, jobId });
  }
  return enqueued;
}

/**
 * Creates the batch's QUEUED recompute job or merges into it (`fromDate = least(…)`, null = from the start),
 * and wakes a worker at `not_before` through graphile-worker in the same transaction. The job row is the source
 * of truth; the queue job keyed by batch only wakes a worker (several wake-ups for one batch are harmless).
 */
export async function enqueueRecompute(
  tx: EntityManager,
  batchId: number,
  fromDate: string | null,
  reason: RecomputeReason,
  debounceMs = RECOMPUTE_DEBOUNCE_MS,
): Promise<number> {
  const { rows } = await txQuery<{ id: number; not_before: string }>(
    tx,
    `insert into recompute_job as j (batch_id, from_date, reason, status, not_before)
     values ($1, $2::date, $3, 'QUEUED', now() + make_interval(secs => $4::double precision / 1000))
     on conflict (batch_id) where status = 'QUEUED' do update
        set from_date = case when j.from_date is null or excluded.from_date is null then null
                             else least(j.from_date, excluded.from_date) end,
            not_before = least(excluded.not_before, j.requested_at + make_interval(secs => $5::double precision / 1000))
     returning j.id, j.not_before`,
    [batchId, fromDate, reason, debounceMs, RECOMPUTE_MAX_DELAY_MS],
  );
  const job = rows[0]!;
  await wakeRecomputeWorker(tx, batchId, job.not_before);
  return job.id;
}

/** Adds (or moves) the graphile-worker job that wakes a worker for this batch. */
async function wakeRecomputeWorker(em: EntityManager, batchId: number, runAt: string): Promise<void> {
  await em.execute(
    `select graphile_worker.add_job('recompute', json_build_object('batchId', ?::bigint), run_at := ?::timestamptz,
            job_key := ?, job_key_mode := 'replace', max_attempts := 10)`,
    [batchId, runAt, `recompute:${batchId}`],
    'all',
    em.getLoggerContext(),
  );
}

export interface RecomputeOptions {
  /** Last day computed (inclusive). */
  asOf: string;
  /**
   * What to rewrite: `full` rewrites every row (writes still skip unchanged ones); otherwise rows from the
   * dirty watermarks' segments on, plus every assignment from `from` when given.
   */
  scope: { full: true } | { full: false; from?: string | null };
  computedAt: Date;
}

export interface RecomputeOutcome {
  result: EngineResult;
  counts: WriteCounts;
  /** Earliest day rewritten, null when nothing was in scope. */
  fromDate: string | null;
}

/**
 * Recomputes one batch in the caller's transaction: locks the batch row (serialising with mutations that
 * recompute inline under the same lock), loads the inputs set-based, runs the pure engine over the whole batch,
 * saves rows from the earliest affected weight segment on (growth-engine.md §6) and clears the watermarks it saw.
 * Partitions for [start, asOf] must exist (see `ensureDailyStatePartitions`).
 */
export async function recomputeBatchInTransaction(
  tx: EntityManager,
  batchId: number,
  options: RecomputeOptions,
): Promise<RecomputeOutcome> {
  await tx.findOneOrFail(Batch, batchId, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'] });
  const { inputs, stored } = await loadEngineInputs(tx, batchId, options.asOf);
  const result = computeBatch(inputs, { asOf: options.asOf, engineVersion: ENGINE_VERSION });

  let rewriteFrom: Map<number, string> | null = null;
  if (!options.scope.full) {
    const dirty: DirtyMark[] = stored.watermarks.map((w) => ({ assignmentId: w.assignmentId, date: w.dirtyFrom }));
    const from = options.scope.from;
    for (const assignment of inputs.assignments) {
      // Every assignment from `from` on, and assignments with no stored row yet (a mark at their start).
      if (from && (!assignment.departureDate || assignment.departureDate > from)) {
        dirty.push({ assignmentId: assignment.id, date: from > assignment.assignmentDate ? from : assignment.assignmentDate });
      }
      if (!stored.lastStoredRowDate.has(assignment.id)) dirty.push({ assignmentId: assignment.id, date: assignment.assignmentDate });
    }
    rewriteFrom = widenDownstream(inputs, options.asOf, dirty, stored);
  }
  const counts = await saveEngineResult(tx, batchId, result, rewriteFrom, options.computedAt);
  await clearWatermarks(tx, stored.watermarks);
  const fromDate = rewriteFrom
    ? [...rewriteFrom.values()].reduce<string | null>((min, d) => (min === null || d < min ? d : min), null)
    : (result.rows[0]?.date ?? null);
  return { result, counts, fromDate };
}

/**
 * Rewrite dates per assignment (growth-engine.md §6): the start of the weight segment containing each dirty
 * date, in the new segmentation or in the stored rows' one, whichever is earlier. Rewriting a segment can change a
 * source's weight on the eve of a transfer dated after its dirty date (calibration reaches back to the segment
 * start), and a destination without a measured arrival weight takes that weight: so destinations of transfers
 * executed after a source's rewrite date are rewritten from the transfer date too, to a fixpoint (back-transfer
 * cycles end because dates only move earlier).
 */
function widenDownstream(
  inputs: EngineInputs,
  asOf: string,
  dirty: DirtyMark[],
  stored: StoredRowsState,
): Map<number, string> {
  const rewriteFrom = new Map<number, string>();
  let pending = dirty;
  while (pending.length > 0) {
    for (const { assignmentId, fromDate } of rewriteFromDates({
      before: null,
      after: { inputs, asOf },
      dirty: pending,
      lastStoredRowDate: stored.lastStoredRowDate,
    })) {
      // The stored rows' own segmentation stands in for the inputs before the change.
      const storedStart = stored.storedSegmentStart.get(assignmentId);
      const from = storedStart && storedStart < fromDate ? storedStart : fromDate;
      const current = rewriteFrom.get(assignmentId);
      if (current === undefined || from < current) rewriteFrom.set(assignmentId, from);
    }
    pending = [];
    for (const transfer of inputs.transfers) {
      const sourceFrom = rewriteFrom.get(transfer.sourceAssignmentId);
      const destFrom = rewriteFrom.get(transfer.destAssignmentId);
      if (sourceFrom !== undefined && transfer.executionDate > sourceFrom && (destFrom === undefined || transfer.executionDate < destFrom)) {
        pending.push({ assignmentId: transfer.destAssignmentId, date: transfer.executionDate });
      }
    }
  }
  return rewriteFrom;
}

/** Creates the daily-state partitions a recompute of the batch up to `asOf` may write (own short transaction). */
export async function ensureDailyStatePartitions(em: EntityManager, batchId: number, asOf: string): Promise<void> {
  const [batch] = await em.execute<Array<{ start_date: string }>>('select start_date from batch where id = ?', [batchId]);
  if (batch) await ensurePartitions(em, 'daily_assignment_state', addDays(batch.start_date, -1), asOf);
}

export interface RecomputeDeps {
  orm: MikroORM;
  log: Logger;
  /** The engine's asOf for a run; injected so tests and seed runs can pin "today". */
  today: () => string;
}

/**
 * Recomputes a batch now, outside the queue (service entry point, CLI): a full rewrite that skips unchanged
 * rows. Serialised with queued jobs and mutations by the batch row lock.
 */
export async function recomputeBatch(
  deps: RecomputeDeps,
  batchId: number,
  options: { from?: string | null; asOf?: string } = {},
): Promise<{ stats: RecomputeStats; diagnostics: RecomputeDiagnostic[] }> {
  const asOf = options.asOf ?? deps.today();
  const em = deps.orm.em.fork();
  await ensureDailyStatePartitions(em, batchId, asOf);
  const started = performance.now();
  const outcome = await em.transactional((tx) =>
    recomputeBatchInTransaction(tx, batchId, {
      asOf,
      scope: options.from ? { full: false, from: options.from } : { full: true },
      computedAt: new Date(),
    }),
  );
  await publishEvents(em, [{ type: 'BATCH_UPDATED', batchId, fromDate: outcome.fromDate, kind: 'DAILY_STATE' }]);
  return {
    stats: { ...outcome.counts, durationMs: Math.round(performance.now() - started) },
    diagnostics: outcome.result.diagnostics,
  };
}

/** PostgreSQL errors worth retrying: serialization failures, deadlocks, lost or refused connections. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === '40001' || code === '40P01' || code.startsWith('08') || code === '57P01';
}

export type RunJobsResult = 'done' | 'busy' | 'waiting' | 'idle';

/**
 * Worker side of a `recompute` wake-up: runs the batch's QUEUED job if its debounce has passed.
 * - A session advisory lock per batch (on its own connection) serialises runners across processes; a RUNNING
 *   job found while holding the lock belongs to a runner that died, so it is failed and its scope re-queued.
 * - The job goes QUEUED → RUNNING (committed, visible to subscribers), then one transaction writes rows,
 *   aggregates, adjustments, clears watermarks and marks it SUCCEEDED; events are published after commit.
 * Returns what happened so the caller can reschedule (`busy`: another runner holds the batch; `waiting`: the
 * debounce has not passed).
 */
export async function runQueuedRecompute(deps: RecomputeDeps, batchId: number): Promise<{ outcome: RunJobsResult; retryAt?: Date }> {
  const em = deps.orm.em.fork();
  const knex = em.getConnection().getKnex();
  const lockConnection = await knex.client.acquireConnection();
  try {
    const { rows: lock } = await lockConnection.query(`select pg_try_advisory_lock(${RECOMPUTE_LOCK_KEY}) as locked`, [batchId]);
    if (!lock[0].locked) return { outcome: 'busy', retryAt: new Date(Date.now() + 1_000) };
    try {
      return await runLocked(deps, em, batchId);
    } finally {
      await lockConnection.query(`select pg_advisory_unlock(${RECOMPUTE_LOCK_KEY})`, [batchId]);
    }
  } finally {
    await knex.client.releaseConnection(lockConnection);
  }
}

async function runLocked(deps: RecomputeDeps, em: EntityManager, batchId: number): Promise<{ outcome: RunJobsResult; retryAt?: Date }> {
  const events: DomainEvent[] = [];
  const claimed = await em.transactional(async (tx) => {
    // We hold the batch's runner lock, so a RUNNING job here was left by a runner that died.
    const { rows: stale } = await txQuery<{ id: number; from_date: string | null; reason: RecomputeReason }>(
      tx,
      `update recompute_job set status = 'FAILED', finished_at = now(),
              error = 'interrupted: the worker running this job stopped before it finished'
        where batch_id = $1 and status = 'RUNNING' returning id, from_date, reason`,
      [batchId],
    );
    for (const job of stale) {
      events.push({ type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'FAILED' });
      await enqueueRecompute(tx, batchId, job.from_date, job.reason, 0);
    }
    const { rows } = await txQuery<{ id: number; from_date: string | null; reason: RecomputeReason }>(
      tx,
      `update recompute_job set status = 'RUNNING', started_at = now(), attempts = attempts + 1
        where id = (select id from recompute_job
                     where batch_id = $1 and status = 'QUEUED' and not_before <= now()
                     for update skip locked)
        returning id, from_date, reason`,
      [batchId],
    );
    if (rows[0]) return rows[0];
    // timestamptz arrives as text through the ORM's connection (MikroORM's type parsers).
    const { rows: waiting } = await txQuery<{ not_before: string }>(
      tx,
      `select not_before from recompute_job where batch_id = $1 and status = 'QUEUED'`,
      [batchId],
    );
    return waiting[0] ? { waitUntil: new Date(waiting[0].not_before) } : null;
  });
  await publishEvents(em, events);
  if (!claimed) return { outcome: 'idle' };
  if ('waitUntil' in claimed) return { outcome: 'waiting', retryAt: claimed.waitUntil };

  const job = claimed;
  await publishEvents(em, [{ type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'RUNNING' }]);
  const asOf = deps.today();
  const started = performance.now();
  try {
    await ensureDailyStatePartitions(em, batchId, asOf);
    const full = job.reason !== RecomputeReason.INPUT_CHANGED && job.reason !== RecomputeReason.NIGHTLY_APPEND && !job.from_date;
    const outcome = await em.transactional(async (tx) => {
      const computed = await recomputeBatchInTransaction(tx, batchId, {
        asOf,
        scope: full ? { full: true } : { full: false, from: job.reason === RecomputeReason.MANUAL ? job.from_date : null },
        computedAt: new Date(),
      });
      const stats: RecomputeStats = { ...computed.counts, durationMs: Math.round(performance.now() - started) };
      await txQuery(
        tx,
        `update recompute_job set status = 'SUCCEEDED', finished_at = now(), engine_version = $2,
                stats = $3::jsonb, diagnostics = $4::jsonb, error = null
          where id = $1`,
        [job.id, ENGINE_VERSION, JSON.stringify(stats), JSON.stringify(computed.result.diagnostics)],
      );
      return computed;
    });
    deps.log.info(
      { batchId, jobId: job.id, ...outcome.counts, durationMs: Math.round(performance.now() - started) },
      'recompute succeeded',
    );
    await publishEvents(em, [
      { type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'SUCCEEDED' },
      { type: 'BATCH_UPDATED', batchId, fromDate: outcome.fromDate, kind: 'DAILY_STATE' },
    ]);
    return { outcome: 'done' };
  } catch (error) {
    const transient = isTransient(error);
    const message = error instanceof EngineError ? `${error.code}: ${error.message}` : (error as Error).message;
    await em.transactional(async (tx) => {
      await txQuery(
        tx,
        `update recompute_job set status = $2, finished_at = now(), error = $3 where id = $1`,
        [job.id, RecomputeJobStatus.FAILED, transient ? `transient, re-queued: ${message}` : message],
      );
      if (transient) await enqueueRecompute(tx, batchId, job.from_date, job.reason, 1_000);
    });
    await publishEvents(em, [{ type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'FAILED' }]);
    deps.log[transient ? 'warn' : 'error']({ batchId, jobId: job.id, err: error }, 'recompute failed');
    return { outcome: 'done' };
  }
}
