/**
 * The seed worker loop (synthetic-farm.md §6.2): claim a planned batch (SKIP LOCKED: any unclaimed batch will
 * do), reserve its containers (waiting row locks in ascending id order: a worker that needs exactly these tanks
 * must wait, never skip), generate it in memory and write it atomically with its DONE flag. The loop is plain
 * async code over a worker ORM (`worker-orm.ts`), so tests can drive it in-process; `worker-thread.ts` runs it
 * in a thread.
 */
import { LockMode, QueryOrder, type MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { transactionClient, txQuery } from '../../../db/raw-sql.js';
import { encodeBatch, generateBatch, type RowCounts } from '../load/batch-data.js';
import { writeTables } from '../load/batch-writer.js';
import { SeedCancelledError } from '../load/copy.js';
import { BATCH_TABLES } from '../load/tables.js';
import { batchRowId, formatIsoDate, type BatchPlan, type SimContext } from '../sim/index.js';
import { SeedRunBatch, SeedRunBatchStatus } from '../seed-run.entity.js';
import { ContainerLock, ReservationRow } from './worker-orm.js';

/** A claimed work item. */
export interface ClaimedBatch {
  batchKey: number;
  batchNumber: string;
  plan: BatchPlan;
  attempt: number;
}

/** Messages a worker reports to its coordinator. */
export type WorkerEvent =
  | { type: 'claimed'; workerId: string; batchKey: number; attempt: number }
  | { type: 'backend'; workerId: string; pid: number }
  | { type: 'alive'; workerId: string }
  | { type: 'done'; workerId: string; batchKey: number; rowsByTable: [string, number][]; countedRows: number; hash: string; diagnostics: [string, number][] }
  | { type: 'failed'; workerId: string; batchKey: number; error: string }
  | { type: 'released'; workerId: string; batchKey: number }
  | { type: 'retry'; workerId: string; batchKey: number; error: string; attempt: number };

/** A conflict with data the run does not own; fails exactly this batch. */
export class ReservationConflictError extends Error {
  override name = 'ReservationConflictError';
}

/** The claim was reset by someone else (a resume, a cancel) while this worker held it. */
export class ClaimLostError extends Error {
  override name = 'ClaimLostError';
}

export interface WorkerOptions {
  orm: MikroORM;
  runId: number;
  workerId: string;
  ctx: SimContext;
  /** True once the run is being cancelled (checked between steps and between COPY chunks). */
  isCancelled: () => boolean;
  report: (event: WorkerEvent) => void;
  /** Transient-error retries per batch (synthetic-farm.md §6.2: 3). */
  maxRetries?: number;
  /** Test hook: runs after the reservation of each batch commits. */
  afterReserve?: (batch: ClaimedBatch) => Promise<void>;
}

/** Outcome of the loop. */
export type WorkerExit = 'no-more-work' | 'cancelled';

/**
 * Claim and process batches until none is left or the run is cancelled.
 */
export async function runWorkerLoop(options: WorkerOptions): Promise<WorkerExit> {
  const { orm, runId, workerId, report } = options;
  for (;;) {
    if (options.isCancelled()) return 'cancelled';
    const claimed = await claimBatch(orm.em.fork(), runId, workerId);
    if (!claimed) return 'no-more-work';
    report({ type: 'claimed', workerId, batchKey: claimed.batchKey, attempt: claimed.attempt });
    const outcome = await processClaimed(options, claimed);
    if (outcome === 'cancelled') return 'cancelled';
  }
}

/**
 * Claim the largest planned batch (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1) and mark it CLAIMED.
 * @returns null when no planned batch is left
 */
export async function claimBatch(em: EntityManager, runId: number, workerId: string): Promise<ClaimedBatch | null> {
  return em.transactional(async (tx) => {
    const item = await tx.findOne(
      SeedRunBatch,
      { seedRun: runId, status: SeedRunBatchStatus.PLANNED },
      { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, orderBy: { estRows: QueryOrder.DESC, batchKey: QueryOrder.ASC } },
    );
    if (!item) return null;
    item.status = SeedRunBatchStatus.CLAIMED;
    item.claimedBy = workerId;
    item.heartbeatAt = new Date();
    item.attempt += 1;
    item.error = null;
    return { batchKey: item.batchKey, batchNumber: item.batchNumber, plan: item.plan as BatchPlan, attempt: item.attempt };
  });
}

async function processClaimed(options: WorkerOptions, claimed: ClaimedBatch): Promise<'done' | 'failed' | 'cancelled'> {
  const { orm, runId, workerId, report } = options;
  const maxRetries = options.maxRetries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      if (options.isCancelled()) throw new SeedCancelledError();
      await reserveContainers(orm.em.fork(), runId, claimed.plan);
      report({ type: 'alive', workerId });
      await options.afterReserve?.(claimed);
      if (options.isCancelled()) throw new SeedCancelledError();
      const generated = generateBatch(options.ctx, claimed.plan, runId);
      report({ type: 'alive', workerId });
      if (options.isCancelled()) throw new SeedCancelledError();
      const written = await writeBatch(options, claimed, generated);
      const diagnostics = new Map<string, number>();
      for (const diagnostic of generated.engine.diagnostics) diagnostics.set(diagnostic.code, (diagnostics.get(diagnostic.code) ?? 0) + 1);
      report({ type: 'done', workerId, batchKey: claimed.batchKey, ...written, diagnostics: [...diagnostics] });
      return 'done';
    } catch (error) {
      if (error instanceof SeedCancelledError || (options.isCancelled() && isQueryCancel(error))) {
        await releaseClaim(orm.em.fork(), runId, claimed.batchKey, workerId).catch(() => undefined);
        report({ type: 'released', workerId, batchKey: claimed.batchKey });
        return 'cancelled';
      }
      if (error instanceof ClaimLostError) {
        report({ type: 'released', workerId, batchKey: claimed.batchKey });
        return 'failed';
      }
      if (isTransient(error) && attempt < maxRetries) {
        report({ type: 'retry', workerId, batchKey: claimed.batchKey, error: (error as Error).message, attempt: attempt + 1 });
        await sleep(100 * 2 ** attempt);
        continue;
      }
      const message = error instanceof ReservationConflictError ? error.message : `batch ${claimed.batchNumber}: ${(error as Error).message}`;
      await failClaim(orm.em.fork(), runId, claimed.batchKey, workerId, message).catch(() => undefined);
      report({ type: 'failed', workerId, batchKey: claimed.batchKey, error: message });
      return 'failed';
    }
  }
}

/** One planned reservation row. */
interface PlannedReservation {
  containerId: number;
  stageOrder: number;
  fromDay: number;
  toDay: number;
}

function plannedReservations(plan: BatchPlan): PlannedReservation[] {
  return plan.stages.flatMap((stage) =>
    stage.containerIds.map((containerId) => ({ containerId, stageOrder: stage.stageOrder, fromDay: stage.fromDay, toDay: stage.reservedToDay })),
  );
}

/**
 * Reserve the batch's planned containers in one short unit of work: lock the container rows FOR UPDATE in
 * ascending id order (waiting, so concurrent workers serialise instead of deadlocking or skipping), check the
 * planned intervals against assignments and reservations of others, then insert the missing reservations.
 * @throws ReservationConflictError naming container and dates when foreign data occupies a planned interval
 */
export async function reserveContainers(em: EntityManager, runId: number, plan: BatchPlan): Promise<void> {
  const planned = plannedReservations(plan);
  if (planned.length === 0) return;
  const containerIds = [...new Set(planned.map((row) => row.containerId))].sort((a, b) => a - b);
  await em.transactional(async (tx) => {
    const locked = await tx.find(ContainerLock, { id: { $in: containerIds } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: QueryOrder.ASC } });
    if (locked.length !== containerIds.length) {
      const found = new Set(locked.map((container) => container.id));
      throw new ReservationConflictError(
        `Batch ${plan.batchNumber}: planned container id ${containerIds.find((id) => !found.has(id))} does not exist`,
      );
    }
    const names = new Map(locked.map((container) => [container.id, container.name]));
    // A separate statement after the locks: under READ COMMITTED it sees everything the previous lock holder
    // committed (a NOT EXISTS inside the locking statement would not be re-checked, STACK.md locking facts).
    const { rows } = await txQuery<{ kind: string; container_id: number; stage_order: number; from_day: string; to_day: string; other_from: string; other_to: string | null; other: string }>(
      tx,
      `with planned as (
         select * from unnest($1::bigint[], $2::int[], $3::date[], $4::date[]) as p(container_id, stage_order, from_day, to_day)
       )
       select 'assignment' as kind, p.container_id, p.stage_order, p.from_day, p.to_day,
              a.assignment_date as other_from, a.departure_date as other_to, 'batch ' || b.batch_number as other
         from planned p
         join batch_container_assignment a on a.container_id = p.container_id
         join batch b on b.id = a.batch_id
        where daterange(a.assignment_date, a.departure_date, '[)') && daterange(p.from_day, p.to_day, '[)')
          and a.batch_id <> $5
       union all
       select 'reservation', p.container_id, p.stage_order, p.from_day, p.to_day,
              lower(r.during), upper(r.during), 'seed run ' || r.seed_run_id || ' batch key ' || r.batch_key
         from planned p
         join container_reservation r on r.container_id = p.container_id
        where r.during && daterange(p.from_day, p.to_day, '[)')
          and not (r.seed_run_id = $6 and r.batch_key = $7)
        order by 2, 4
        limit 1`,
      [
        planned.map((row) => row.containerId),
        planned.map((row) => row.stageOrder),
        planned.map((row) => formatIsoDate(row.fromDay)),
        planned.map((row) => formatIsoDate(row.toDay)),
        batchRowId(plan.batchKey, 0),
        runId,
        plan.batchKey,
      ],
    );
    const conflict = rows[0];
    if (conflict) {
      throw new ReservationConflictError(
        `Batch ${plan.batchNumber} (batch key ${plan.batchKey}) cannot reserve container ${names.get(conflict.container_id) ?? conflict.container_id} ` +
          `for stage ${conflict.stage_order} over [${conflict.from_day}, ${conflict.to_day}): it is held by ${conflict.kind} of ${conflict.other} ` +
          `over [${conflict.other_from}, ${conflict.other_to ?? '∞'})`,
      );
    }
    const existing = await tx.find(ReservationRow, { seedRunId: runId, batchKey: plan.batchKey });
    const owned = new Set(existing.map((row) => `${row.containerId}:${row.stageOrder}`));
    for (const row of planned) {
      if (owned.has(`${row.containerId}:${row.stageOrder}`)) continue;
      tx.create(ReservationRow, {
        containerId: row.containerId,
        seedRunId: runId,
        batchKey: plan.batchKey,
        stageOrder: row.stageOrder,
        during: `[${formatIsoDate(row.fromDay)},${formatIsoDate(row.toDay)})`,
      });
    }
  });
}

async function writeBatch(
  options: WorkerOptions,
  claimed: ClaimedBatch,
  generated: ReturnType<typeof generateBatch>,
): Promise<{ rowsByTable: [string, number][]; countedRows: number; hash: string }> {
  const { orm, runId, workerId, report, ctx } = options;
  return orm.em.fork().transactional(async (tx) => {
    const client = await transactionClient(tx);
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    report({ type: 'backend', workerId, pid: rows[0]!.pid });
    // The DONE flag commits with the rows; a batch lost to an unflushed asynchronous commit loses its flag too,
    // and a resume regenerates it.
    await client.query('set local synchronous_commit = off');
    const counts: RowCounts = new Map();
    let lastAlive = Date.now();
    const written = await writeTables(client, encodeBatch(ctx, generated, counts), {
      shouldCancel: options.isCancelled,
      onChunk: () => {
        if (Date.now() - lastAlive > 200) {
          lastAlive = Date.now();
          report({ type: 'alive', workerId });
        }
      },
    });
    await client.query('update batch set seed_run_id = $1 where id = $2', [runId, generated.batchId]);
    const countedTables = new Set(BATCH_TABLES.filter((spec) => spec.counted).map((spec) => spec.table));
    const countedRows =
      [...written.rowsByTable].reduce((sum, [table, rowCount]) => sum + (countedTables.has(table) ? rowCount : 0), 0) + generated.reservationCount;
    const updated = await tx.nativeUpdate(
      SeedRunBatch,
      { seedRun: runId, batchKey: claimed.batchKey, status: SeedRunBatchStatus.CLAIMED, claimedBy: workerId },
      { status: SeedRunBatchStatus.DONE, rowsWritten: countedRows, batchHash: written.hash, heartbeatAt: new Date(), error: null },
    );
    if (updated !== 1) throw new ClaimLostError(`claim of batch key ${claimed.batchKey} was reset while ${workerId} wrote it`);
    const rowsByTable: [string, number][] = [...written.rowsByTable, ['container_reservation', generated.reservationCount]];
    return { rowsByTable, countedRows, hash: written.hash };
  });
}

/** Return a claim to PLANNED (cancel): nothing of the batch was committed. */
export async function releaseClaim(em: EntityManager, runId: number, batchKey: number, workerId: string): Promise<void> {
  await em.nativeUpdate(
    SeedRunBatch,
    { seedRun: runId, batchKey, status: SeedRunBatchStatus.CLAIMED, claimedBy: workerId },
    { status: SeedRunBatchStatus.PLANNED, claimedBy: null },
  );
}

async function failClaim(em: EntityManager, runId: number, batchKey: number, workerId: string, error: string): Promise<void> {
  await em.nativeUpdate(
    SeedRunBatch,
    { seedRun: runId, batchKey, status: SeedRunBatchStatus.CLAIMED, claimedBy: workerId },
    { status: SeedRunBatchStatus.FAILED, error },
  );
}

const TRANSIENT_CODES = new Set(['40P01', '40001', '55P03', '57P01', '08000', '08003', '08006', '08001', '08004']);

/** Deadlock, serialization failure, lock timeout or a lost connection: worth retrying. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  const message = (error as Error | null)?.message ?? '';
  return /ECONNRESET|Connection terminated|connection.*closed/i.test(message);
}

/** The statement was cancelled (pg_cancel_backend): 57014. */
function isQueryCancel(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '57014';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
