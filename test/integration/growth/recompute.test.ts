import { randomUUID } from 'node:crypto';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { sqlStatementCounter } from '../../../src/db/sql-statement-counter.js';
import { RecomputeReason } from '../../../src/modules/enums.js';
import {
  enqueueRecompute,
  ensureDailyStatePartitions,
  markDirtyAndEnqueue,
  recomputeBatch,
  recomputeBatchInTransaction,
  runQueuedRecompute,
  type RecomputeDeps,
} from '../../../src/modules/growth/recompute.service.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

let db: TestDatabase;
let orm: MikroORM;
let fx: GrowthFixture;
let deps: RecomputeDeps;
let scenarioId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  fx = await GrowthFixture.create(db.url);
  // TGC 2.75 (SMOLT's default), no mortality: the setting of growth-engine.md A8.
  scenarioId = await fx.scenario('A8', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0 }]);
  deps = { orm, log: pino({ level: 'silent' }), today: () => '2024-01-20' };
});

afterAll(async () => {
  await fx.close();
  await orm.close(true);
  await db.drop();
});

let counter = 0;
/** The A8 batch: 10,000 fish at 100 g on 01-01, 10 °C daily, samples on 01-05 (111 g ×30, 113 g ×10) and 01-15. */
async function a8Batch() {
  counter++;
  const tank = await fx.container(`A8-${counter}`);
  const batchId = await fx.batch(`A8-${counter}`, '2024-01-01', scenarioId);
  const assignmentId = await fx.assignment(batchId, tank, 'SMOLT', '2024-01-01', null, 10_000);
  await fx.placement(batchId, assignmentId, '2024-01-01', 10_000, 100);
  await fx.temperatures(tank, '2023-12-25', '2024-01-31', 10);
  await fx.sample(assignmentId, '2024-01-05', 111, 30);
  await fx.sample(assignmentId, '2024-01-05', 113, 10);
  await fx.sample(assignmentId, '2024-01-15', 130, 40);
  return { batchId, assignmentId, tank };
}

const weights = (rows: Array<{ date: string; avg_weight_g: number }>) => Object.fromEntries(rows.map((r) => [r.date.slice(5), r.avg_weight_g]));

describe('recompute persistence', () => {
  it('A8 — stores the calibrated series and the batch aggregate', async () => {
    const { batchId, assignmentId } = await a8Batch();
    const { stats } = await recomputeBatch(deps, batchId);
    expect(stats.rowsWritten).toBe(20);
    const rows = await fx.dailyRows(assignmentId);
    expect(rows).toHaveLength(20);
    expect(weights(rows)).toMatchObject({ '01-01': 102.23, '01-05': 111.5, '01-06': 113.27, '01-15': 130, '01-16': 132.13, '01-20': 140.88 });
    expect(rows[0]!.tgc_used).toBe(3.4302);
    expect(rows[4]!.sources.weight).toBe('measured');
    const batchRows = await fx.rows<{ date: string; population: number; biomass_kg: number }>(
      `select date, population, biomass_kg from batch_daily_state where batch_id = $1 order by date`,
      [batchId],
    );
    expect(batchRows).toHaveLength(20);
    // Biomass from the full-precision weight (140.876… g), not from the rounded 140.88.
    expect(batchRows[19]).toEqual({ date: '2024-01-20', population: 10_000, biomass_kg: 1408.76 });
  });

  it('A21 — a second recompute without input changes writes nothing and leaves every value identical', async () => {
    const { batchId, assignmentId } = await a8Batch();
    await recomputeBatch(deps, batchId);
    const before = await fx.dailyRows(assignmentId);
    const again = await recomputeBatch(deps, batchId);
    expect(again.stats).toMatchObject({ rowsWritten: 0, rowsDeleted: 0, rowsUnchanged: 20, batchRowsWritten: 0 });
    expect(await fx.dailyRows(assignmentId)).toEqual(before);
  });

  it('A21 — a sample added on day 12 rewrites from the segment start (day 6) and equals a from-scratch recompute', async () => {
    const { batchId, assignmentId } = await a8Batch();
    await recomputeBatch(deps, batchId);
    const before = await fx.dailyRows(assignmentId);
    await fx.sample(assignmentId, '2024-01-12', 124, 30);
    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => markDirtyAndEnqueue(tx, [{ assignmentId, date: '2024-01-12' }]));
    await ensureDailyStatePartitions(em, batchId, '2024-01-20');
    const outcome = await em.transactional((tx) =>
      recomputeBatchInTransaction(tx, batchId, { asOf: '2024-01-20', scope: { full: false }, computedAt: new Date() }),
    );
    expect(outcome.fromDate).toBe('2024-01-06');
    const after = await fx.dailyRows(assignmentId);
    // Days 1–5 untouched (same computed_at), days from 6 on rewritten.
    expect(after.slice(0, 5)).toEqual(before.slice(0, 5));
    expect(after[11]!.avg_weight_g).toBe(124);
    expect(after[6]!.computed_at.getTime()).toBeGreaterThan(before[6]!.computed_at.getTime());
    // Incremental result = from-scratch result: a full recompute now finds nothing to change.
    const full = await recomputeBatch(deps, batchId);
    expect(full.stats.rowsWritten).toBe(0);
    // The watermark was cleared by the run that saw it.
    expect((await fx.one<{ dirty_from: string | null }>(`select dirty_from from batch_container_assignment where id = $1`, [assignmentId])).dirty_from).toBeNull();
  });

  it('A21 — a top-up on day 12 splits the segment; days 6–11 turn into a projection (tgcUsed 2.75)', async () => {
    const { batchId, assignmentId } = await a8Batch();
    await recomputeBatch(deps, batchId);
    await fx.placement(batchId, assignmentId, '2024-01-12', 2_000, 125);
    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => markDirtyAndEnqueue(tx, [{ assignmentId, date: '2024-01-12' }]));
    const outcome = await em.transactional((tx) =>
      recomputeBatchInTransaction(tx, batchId, { asOf: '2024-01-20', scope: { full: false }, computedAt: new Date() }),
    );
    expect(outcome.fromDate).toBe('2024-01-06');
    const rows = await fx.dailyRows(assignmentId);
    expect(rows.slice(5, 11).map((r) => r.tgc_used)).toEqual([2.75, 2.75, 2.75, 2.75, 2.75, 2.75]);
    expect((await recomputeBatch(deps, batchId)).stats.rowsWritten).toBe(0);
  });

  it('A20 — moving the departure earlier deletes the rows outside the new coverage', async () => {
    const { batchId, assignmentId } = await a8Batch();
    await fx.sql.query(`update batch_container_assignment set departure_date = '2024-01-11' where id = $1`, [assignmentId]);
    await recomputeBatch(deps, batchId);
    expect(await fx.dailyRows(assignmentId)).toHaveLength(10);
    await fx.sql.query(`update batch_container_assignment set departure_date = '2024-01-08' where id = $1`, [assignmentId]);
    const { stats } = await recomputeBatch(deps, batchId);
    expect(stats.rowsDeleted).toBe(3);
    const rows = await fx.dailyRows(assignmentId);
    expect(rows.map((r) => r.date).at(-1)).toBe('2024-01-07');
  });

  it('A24 — loads with ≤ 15 statements and writes with ≤ 6, whatever the size of the batch', async () => {
    const { batchId, assignmentId } = await a8Batch();
    await fx.sql.query(`update batch_container_assignment set dirty_from = '2024-01-10' where id = $1`, [assignmentId]);
    const requestId = randomUUID();
    const em = orm.em.fork({ loggerContext: { requestId } }) as EntityManager;
    await ensureDailyStatePartitions(em, batchId, '2024-01-20');
    sqlStatementCounter.start(requestId, { record: true });
    await em.transactional((tx) =>
      recomputeBatchInTransaction(tx, batchId, { asOf: '2024-01-20', scope: { full: true }, computedAt: new Date() }),
    );
    const statements = sqlStatementCounter.statements(requestId);
    sqlStatementCounter.finish(requestId);
    // COPY … FROM STDIN writes; COPY (select …) TO STDOUT reads the stored rows.
    const writes = statements.filter((sql) => /^\s*(insert|update|delete|copy (?!\()|with incoming)/i.test(sql));
    const reads = statements.filter((sql) => !writes.includes(sql));
    // Reads: the batch row lock, the batch with scenario/stages/profile, assignments with stored-row state, one
    // per input type, and the stored rows in scope (COPY TO). Writes: COPY of new rows, out-of-range deletes, batch
    // aggregate, adjustments, watermarks (plus a delete of changed keys when stored rows change).
    expect(reads.length).toBe(13);
    expect(writes.length).toBe(5);
    expect(reads.length).toBeLessThanOrEqual(15);
  });
});

describe('dirty marks and the recompute queue', () => {
  it('A22 — marks downstream assignments from their transfer dates and coalesces 100 requests into one job', async () => {
    const tray = await fx.container('tray');
    const fry = await fx.container('fry');
    const parr = await fx.container('parr');
    const batchId = await fx.batch('A22', '2024-01-01', scenarioId);
    const a1 = await fx.assignment(batchId, tray, 'EGG_ALEVIN', '2024-01-01', '2024-03-31');
    const a2 = await fx.assignment(batchId, fry, 'FRY', '2024-03-31', '2024-06-29');
    const a3 = await fx.assignment(batchId, parr, 'PARR', '2024-06-29');
    await fx.placement(batchId, a1, '2024-01-01', 350_000, 0.1);
    await fx.transfer(batchId, a1, a2, '2024-03-31', 300_000);
    await fx.transfer(batchId, a2, a3, '2024-06-29', 290_000);
    const eventId = await fx.mortality(batchId, a1, '2024-02-19', 10);

    const em = orm.em.fork() as EntityManager;
    for (let i = 0; i < 100; i++) {
      // Each edit in its own transaction, as 100 separate mutations would.
      const day = i === 57 ? '2024-02-19' : '2024-03-01';
      await em.transactional((tx) => markDirtyAndEnqueue(tx, [{ assignmentId: a1, date: day }]));
    }
    expect(eventId).toBeGreaterThan(0);
    const marks = await fx.rows<{ id: number; dirty_from: string }>(
      `select id, dirty_from from batch_container_assignment where batch_id = $1 order by id`,
      [batchId],
    );
    expect(marks).toEqual([
      { id: a1, dirty_from: '2024-02-19' },
      { id: a2, dirty_from: '2024-03-31' },
      { id: a3, dirty_from: '2024-06-29' },
    ]);
    const jobs = await fx.rows<{ status: string; from_date: string; reason: string }>(
      `select status, from_date, reason from recompute_job where batch_id = $1`,
      [batchId],
    );
    expect(jobs).toEqual([{ status: 'QUEUED', from_date: '2024-02-19', reason: 'INPUT_CHANGED' }]);
    const wakeUps = await fx.rows(`select id from graphile_worker.jobs where key = $1`, [`recompute:${batchId}`]);
    expect(wakeUps).toHaveLength(1);

    // The run recomputes all three to the end and clears every watermark.
    await fx.sql.query(`update recompute_job set not_before = now() where batch_id = $1`, [batchId]);
    const runDeps = { ...deps, today: () => '2024-08-01' };
    expect((await runQueuedRecompute(runDeps, batchId)).outcome).toBe('done');
    const done = await fx.one<{ status: string; stats: { rowsWritten: number } }>(
      `select status, stats from recompute_job where batch_id = $1`,
      [batchId],
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stats.rowsWritten).toBe(90 + 90 + 34);
    expect(await fx.rows(`select id from batch_container_assignment where batch_id = $1 and dirty_from is not null`, [batchId])).toEqual([]);
  });

  it('waits for the debounce, and one runner per batch at a time', async () => {
    const { batchId } = await a8Batch();
    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => enqueueRecompute(tx, batchId, null, RecomputeReason.MANUAL));
    const early = await runQueuedRecompute(deps, batchId);
    expect(early.outcome).toBe('waiting');
    expect(early.retryAt!.getTime()).toBeGreaterThan(Date.now());

    await fx.sql.query(`update recompute_job set not_before = now() where batch_id = $1`, [batchId]);
    // A second runner while the first holds the batch lock is told the batch is busy.
    const [first, second] = await Promise.all([runQueuedRecompute(deps, batchId), runQueuedRecompute(deps, batchId)]);
    expect([first.outcome, second.outcome].sort()).toEqual(['busy', 'done']);
  });

  it('fails a RUNNING job left by a dead worker and re-queues its scope', async () => {
    const { batchId } = await a8Batch();
    await fx.sql.query(
      `insert into recompute_job (batch_id, from_date, reason, status, not_before, started_at) values ($1, '2024-01-03', 'MANUAL', 'RUNNING', now(), now())`,
      [batchId],
    );
    expect((await runQueuedRecompute(deps, batchId)).outcome).toBe('done');
    const jobs = await fx.rows<{ status: string; error: string | null; from_date: string }>(
      `select status, error, from_date from recompute_job where batch_id = $1 order by id`,
      [batchId],
    );
    expect(jobs[0]).toMatchObject({ status: 'FAILED', from_date: '2024-01-03' });
    expect(jobs[0]!.error).toMatch(/interrupted/);
    expect(jobs[1]).toMatchObject({ status: 'SUCCEEDED', from_date: '2024-01-03' });
  });

  it('runs queued jobs of batches with seed-sized ids (≥ 2^32)', async () => {
    const tank = await fx.container('big-id');
    const batchId = 2 ** 32 + 17;
    await fx.sql.query(
      `insert into batch (id, batch_number, species_id, status, start_date, scenario_id) values ($1, 'BIG-ID', $2, 'ACTIVE', '2024-01-01', $3)`,
      [batchId, fx.ids.species, scenarioId],
    );
    const a = await fx.assignment(batchId, tank, 'SMOLT', '2024-01-01');
    await fx.placement(batchId, a, '2024-01-01', 100, 100);
    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => enqueueRecompute(tx, batchId, null, RecomputeReason.MANUAL, 0));
    expect((await runQueuedRecompute(deps, batchId)).outcome).toBe('done');
    const job = await fx.one<{ status: string }>(`select status from recompute_job where batch_id = $1`, [batchId]);
    expect(job.status).toBe('SUCCEEDED');
  });

  it('records NO_SCENARIO as a failed job and writes nothing', async () => {
    const tank = await fx.container('no-scenario');
    const batchId = await fx.batch('NOSCEN', '2024-01-01', null);
    const a = await fx.assignment(batchId, tank, 'SMOLT', '2024-01-01');
    await fx.placement(batchId, a, '2024-01-01', 100, 100);
    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => enqueueRecompute(tx, batchId, null, RecomputeReason.MANUAL, 0));
    await runQueuedRecompute(deps, batchId);
    const job = await fx.one<{ status: string; error: string }>(`select status, error from recompute_job where batch_id = $1`, [batchId]);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatch(/^NO_SCENARIO/);
    expect(await fx.dailyRows(a)).toEqual([]);
  });
});

