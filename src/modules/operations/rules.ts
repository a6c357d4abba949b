import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { UserError, UserErrorCode, UserErrorException } from '../../graphql/common/user-error.js';
import { addDays, todayUtc } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { EngineError, type DailyAssignmentStateRow } from '../growth/engine/index.js';
import { ensureDailyStatePartitions, recomputeBatchInTransaction } from '../growth/recompute.service.js';

/** Today as a UTC calendar day: operational facts are dated on or before it. */

/** A user error on a field of the mutation's `input` (`path` below `input`). */
export function inputError(code: UserErrorCode, message: string, ...path: Array<string | number>): UserError {
  return UserError.of(code, message, ['input', ...path.map(String)]);
}

/** Throws a user error: inside a write it rolls the transaction back, so nothing is written. */
export function reject(code: UserErrorCode, message: string, ...path: Array<string | number>): never {
  throw new UserErrorException(inputError(code, message, ...path));
}

/** Decodes a global id of one type; a malformed id or one of another type is NOT_FOUND on that field. */
export function decodeOrReject(typeName: string, globalId: string, label: string, ...path: Array<string | number>): number {
  const id = decodeIdOf(typeName, globalId);
  if (id == null) reject(UserErrorCode.NOT_FOUND, `No ${label} with id ${globalId}`, ...path);
  return id;
}

/** Collects checks on plain input values (no database), so one answer lists every problem. */
export class InputChecks {
  readonly errors: UserError[] = [];

  check(ok: boolean, message: string, ...path: Array<string | number>): this {
    if (!ok) this.errors.push(inputError(UserErrorCode.VALIDATION, message, ...path));
    return this;
  }

  /** A whole count > 0 (GraphQL Int is already whole). */
  positive(value: number, ...path: Array<string | number>): this {
    return this.check(value > 0, `${path.at(-1)} must be greater than 0 (got ${value})`, ...path);
  }

  /** A decimal > 0 and below the column's limit. */
  positiveBelow(value: number | null | undefined, limit: number, ...path: Array<string | number>): this {
    if (value == null) return this;
    return this.check(Number.isFinite(value) && value > 0 && value < limit, `${path.at(-1)} must be greater than 0 and below ${limit} (got ${value})`, ...path);
  }

  nonNegativeBelow(value: number | null | undefined, limit: number, ...path: Array<string | number>): this {
    if (value == null) return this;
    return this.check(Number.isFinite(value) && value >= 0 && value < limit, `${path.at(-1)} must be between 0 and ${limit} (got ${value})`, ...path);
  }

  maxLength(value: string | null | undefined, max: number, ...path: Array<string | number>): this {
    if (value == null) return this;
    return this.check(value.length <= max, `${path.at(-1)} may hold at most ${max} characters`, ...path);
  }

  /** An operational date: it happened, so it is not after today (UTC). */
  notFuture(date: string | null | undefined, ...path: Array<string | number>): this {
    if (date == null) return this;
    return this.check(date <= todayUtc(), `${path.at(-1)} ${date} is in the future (today is ${todayUtc()} UTC)`, ...path);
  }
}

/** The batch of an assignment, read without a lock (to know which batch to lock); null when none. */
export async function batchIdOfAssignment(em: EntityManager, assignmentId: number): Promise<number | null> {
  const [row] = await em.execute<Array<{ batch_id: number }>>(
    'select batch_id from batch_container_assignment where id = ?',
    [assignmentId],
    'all',
    em.getLoggerContext(),
  );
  return row?.batch_id ?? null;
}

/**
 * Locks the batch row (FOR UPDATE). Every write that changes a batch's inputs takes it first, so writes of one
 * batch, its inline recomputes and its queued recompute jobs serialise, and a count check cannot go stale
 * between reading the series and committing.
 */
export async function lockBatch(tx: EntityManager, batchId: number): Promise<Batch> {
  return tx.findOneOrFail(Batch, batchId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** Locks several batch rows in ascending id order (concurrent writers cannot deadlock on them). */
export async function lockBatches(tx: EntityManager, batchIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(batchIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await txQuery(tx, 'select id from batch where id = any($1::bigint[]) order by id for update', [ids]);
}

/**
 * Loads an assignment for a write: reads its batch, locks the batch, then loads the assignment fresh (after the
 * lock, nothing of this batch can change under us). NOT_FOUND on `path` when there is no such assignment.
 */
export async function lockAssignment(
  tx: EntityManager,
  globalId: string,
  ...path: Array<string | number>
): Promise<{ assignment: BatchContainerAssignment; batch: Batch }> {
  const id = decodeOrReject('BatchContainerAssignment', globalId, 'assignment', ...path);
  const batchId = await batchIdOfAssignment(tx, id);
  if (batchId == null) reject(UserErrorCode.NOT_FOUND, `No assignment with id ${globalId}`, ...path);
  const batch = await lockBatch(tx, batchId);
  const assignment = await tx.findOneOrFail(BatchContainerAssignment, id, { refresh: true });
  return { assignment, batch };
}

/** Rejects a date outside the assignment interval [assignmentDate, departureDate) (VALIDATION). */
export function assertInsideInterval(assignment: BatchContainerAssignment, date: string, ...path: Array<string | number>): void {
  if (date < assignment.assignmentDate) {
    reject(UserErrorCode.VALIDATION, `${date} is before the assignment began (${assignment.assignmentDate})`, ...path);
  }
  if (assignment.departureDate && date >= assignment.departureDate) {
    reject(UserErrorCode.VALIDATION, `${date} is not before the assignment's departure (${assignment.departureDate})`, ...path);
  }
}

/**
 * The first recorded activity of an assignment that ending it on `date` would leave outside its interval:
 * events dated on or after `date`, arrivals on or after it, and outflows (transfers out, harvests) after it
 * (an outflow may fall on the departure day). Null when there is none.
 */
export async function activityFrom(tx: EntityManager, assignmentId: number, date: string): Promise<{ kind: string; date: string } | null> {
  const { rows } = await txQuery<{ kind: string; date: string }>(
    tx,
    `select kind, d as date from (
       select 'mortality event' as kind, event_date as d from mortality_event where assignment_id = $1 and event_date >= $2
       union all select 'growth sample', sample_date from growth_sample where assignment_id = $1 and sample_date >= $2
       union all select 'treatment', treatment_date from treatment where assignment_id = $1 and treatment_date >= $2
       union all select 'lice count', count_date from lice_count where assignment_id = $1 and count_date >= $2
       union all select 'feeding event', feeding_date from feeding_event where assignment_id = $1 and feeding_date >= $2
       union all select 'placement', placement_date from batch_placement where assignment_id = $1 and placement_date >= $2
       union all select 'incoming transfer', execution_date from transfer_action
                  where dest_assignment_id = $1 and status = 'COMPLETED' and execution_date >= $2
       union all select 'outgoing transfer', execution_date from transfer_action
                  where source_assignment_id = $1 and status = 'COMPLETED' and execution_date > $2
       union all select 'harvest', harvest_date from harvest_event where assignment_id = $1 and harvest_date > $2
     ) activity order by d limit 1`,
    [assignmentId, date],
  );
  return rows[0] ?? null;
}

/** Rejects ending the assignment on `date` while it has activity from then on (VALIDATION on `path`). */
export async function assertNoActivityFrom(tx: EntityManager, assignment: BatchContainerAssignment, date: string, ...path: Array<string | number>): Promise<void> {
  const activity = await activityFrom(tx, assignment.id, date);
  if (activity) {
    reject(
      UserErrorCode.VALIDATION,
      `The assignment cannot end on ${date}: it has a ${activity.kind} dated ${activity.date}`,
      ...path,
    );
  }
}

/** SQL of the actual end of batch `b`: its last departure (null while nothing has departed). */
const LAST_DEPARTURE_OF_B = '(select max(a.departure_date) from batch_container_assignment a where a.batch_id = b.id)';

/** A batch's last departure, the actual end it gets when it is closed (null while nothing has departed). */
export async function lastDepartureDate(tx: EntityManager, batchId: number): Promise<string | null> {
  const { rows } = await txQuery<{ last: string | null }>(
    tx,
    'select max(departure_date)::text as last from batch_container_assignment where batch_id = $1',
    [batchId],
  );
  return rows[0]?.last ?? null;
}

/**
 * Keeps the actual end of a closed (COMPLETED or TERMINATED) batch at its last departure after a departure
 * changed; the version is bumped only when the date moves. Open batches are left alone. Call after the flush.
 */
export async function syncBatchEndDate(tx: EntityManager, batchId: number): Promise<void> {
  await txQuery(
    tx,
    `update batch b set actual_end_date = ${LAST_DEPARTURE_OF_B}, updated_at = now(), version = b.version + 1
      where b.id = $1 and b.status in ('COMPLETED', 'TERMINATED') and b.actual_end_date is distinct from ${LAST_DEPARTURE_OF_B}`,
    [batchId],
  );
}

/**
 * Marks the batch COMPLETED (actual end = its last departure) when none of its assignments is open any more.
 * Call after the departure is flushed. Returns whether the batch was completed.
 */
export async function completeBatchIfClosed(tx: EntityManager, batchId: number): Promise<boolean> {
  const { rowCount } = await txQuery(
    tx,
    `update batch b set status = 'COMPLETED', updated_at = now(), version = b.version + 1,
            actual_end_date = ${LAST_DEPARTURE_OF_B}
      where b.id = $1 and b.status in ('PLANNED', 'ACTIVE')
        and exists (select 1 from batch_container_assignment a where a.batch_id = b.id)
        and not exists (select 1 from batch_container_assignment a where a.batch_id = b.id and a.departure_date is null)`,
    [batchId],
  );
  return rowCount === 1;
}

/** A source's fish on the eve of an outflow, from a series brought up to date in this transaction. */
export interface FreshPopulation {
  /** Population at the end of the day before. */
  populationBefore: number;
  /** Mean weight at the end of the day before, g (null without a row). */
  avgWeightG: number | null;
  /** Transfers out (alive + transfer deaths) and harvests already booked on the day. */
  bookedOutflows: number;
  /** What may still leave on the day. */
  available: number;
  /** The recomputed row of any assignment of the batch on a day. */
  rowOf(assignmentId: number, date: string): DailyAssignmentStateRow | undefined;
}

/**
 * Brings the batch's series up to date inline (growth-engine.md §6: the dirty ranges, under the batch lock the
 * caller holds, in its transaction) and reads what the assignment can give on `date`: its population at the end
 * of `date − 1` minus outflows already booked on `date` (an outflow reads the source at the end of the day
 * before, growth-engine.md §5.1). Daily-state partitions up to the later of today and `date − 1` must exist.
 */
export async function freshPopulation(tx: EntityManager, batchId: number, assignmentId: number, date: string, ...path: Array<string | number>): Promise<FreshPopulation> {
  const eve = addDays(date, -1);
  const asOf = eve > todayUtc() ? eve : todayUtc();
  let rows: DailyAssignmentStateRow[];
  try {
    rows = (await recomputeBatchInTransaction(tx, batchId, { asOf, scope: { full: false }, computedAt: new Date() })).result.rows;
  } catch (error) {
    if (error instanceof EngineError) {
      reject(UserErrorCode.VALIDATION, `The batch's growth series cannot be computed to check the count (${error.code}: ${error.message})`, ...path);
    }
    throw error;
  }
  const index = new Map(rows.map((row) => [`${row.assignmentId}|${row.date}`, row]));
  const row = index.get(`${assignmentId}|${eve}`);
  const { rows: booked } = await txQuery<{ n: number }>(
    tx,
    `select (select coalesce(sum(transferred_count + mortality_during_transfer), 0) from transfer_action
              where source_assignment_id = $1 and status = 'COMPLETED' and execution_date = $2)
          + (select coalesce(sum(count), 0) from harvest_event where assignment_id = $1 and harvest_date = $2) as n`,
    [assignmentId, date],
  );
  const populationBefore = row?.population ?? 0;
  const bookedOutflows = Number(booked[0]!.n);
  return {
    populationBefore,
    avgWeightG: row && row.avgWeightG > 0 ? row.avgWeightG : null,
    bookedOutflows,
    available: Math.max(0, populationBefore - bookedOutflows),
    rowOf: (id, day) => index.get(`${id}|${day}`),
  };
}

/** Rounds to `digits` decimals (numeric column scale), half away from zero. */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.sign(value) * Math.round(Math.abs(value) * factor) / factor;
}

/**
 * Daily-state partitions the inline recompute of an outflow's batch may write (own short transaction, before the
 * write): from the batch start to the later of today and the day before the outflow.
 */
export async function prepareInlineRecompute(em: EntityManager, assignmentGlobalId: string, day: string | null | undefined): Promise<void> {
  const assignmentId = decodeIdOf('BatchContainerAssignment', assignmentGlobalId);
  const batchId = assignmentId == null ? null : await batchIdOfAssignment(em, assignmentId);
  if (batchId == null || !day) return;
  const today = todayUtc();
  await ensureDailyStatePartitions(em, batchId, day > today ? day : today);
}
