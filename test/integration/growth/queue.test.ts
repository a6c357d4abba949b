import type { ChildProcess } from 'node:child_process';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Runner } from 'graphile-worker';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { EVENTS_CHANNEL, parseEvent, type DomainEvent } from '../../../src/events/events.js';
import { startQueue } from '../../../src/jobs/queue.js';
import { RecomputeReason } from '../../../src/modules/enums.js';
import { enqueueRecompute, markDirtyAndEnqueue, recomputeBatch, type RecomputeDeps } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';
import { spawnWorker, until } from '../../helpers/processes.js';

/**
 * The recompute queue end to end (growth-engine.md §6, CONVENTIONS.md patterns 6 and 7): graphile-worker runners
 * in this process and in a separate worker process pick up recompute jobs enqueued in the transaction that made
 * them necessary, coalesce bursts, and publish progress over LISTEN/NOTIFY only after commit.
 */

const AS_OF = '2024-01-20';
const silent = pino({ level: 'silent' });

let db: TestDatabase;
let orm: MikroORM;
let fx: GrowthFixture;
let deps: RecomputeDeps;
let scenarioId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  fx = await GrowthFixture.create(db.url);
  scenarioId = await fx.scenario('queue', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0 }]);
  deps = { orm, log: silent, today: () => AS_OF };
});

afterAll(async () => {
  await fx?.close();
  await orm?.close(true);
  await db?.drop();
});

let counter = 0;
/** One assignment opening with 10,000 fish at 100 g on `start`, 10 °C measured daily. */
async function smallBatch(start = '2024-01-01', temperatures = true) {
  counter++;
  const tank = await fx.container(`Q-${counter}`);
  const batchId = await fx.batch(`Q-${counter}`, start, scenarioId);
  const assignmentId = await fx.assignment(batchId, tank, 'SMOLT', start, null, 10_000);
  await fx.placement(batchId, assignmentId, start, 10_000, 100);
  if (temperatures) await fx.temperatures(tank, addDays(start, -7), addDays(start, 40), 10);
  return { batchId, assignmentId };
}

interface Seen {
  /** The job's status and the batch's stored row count, read on another connection as the event arrived. */
  jobStatus: string | null;
  rows: number;
}

/**
 * A LISTEN connection on the events channel. Every event of a watched batch is recorded in arrival order, with
 * what another connection sees of the job and rows at that moment (published after commit ⇒ already visible).
 */
class EventLog {
  readonly events: Array<{ event: DomainEvent; seen: Promise<Seen> }> = [];
  private constructor(
    private readonly listener: pg.Client,
    private readonly probe: pg.Client,
  ) {}

  static async open(url: string): Promise<EventLog> {
    const listener = new pg.Client({ connectionString: url });
    const probe = new pg.Client({ connectionString: url });
    await Promise.all([listener.connect(), probe.connect()]);
    const log = new EventLog(listener, probe);
    listener.on('notification', (message) => {
      if (message.channel !== EVENTS_CHANNEL) return;
      const event = parseEvent(message.payload);
      if (!event) return;
      const seen = log.look(event);
      seen.catch(() => undefined); // awaited by the tests that care; never an unhandled rejection
      log.events.push({ event, seen });
    });
    await listener.query(`listen ${EVENTS_CHANNEL}`);
    return log;
  }

  private async look(event: DomainEvent): Promise<Seen> {
    const job =
      event.type === 'RECOMPUTE_PROGRESS'
        ? (await this.probe.query<{ status: string }>(`select status from recompute_job where id = $1`, [event.jobId])).rows[0]
        : undefined;
    const { rows } = await this.probe.query<{ n: number }>(`select count(*)::int as n from daily_assignment_state where batch_id = $1`, [
      event.batchId,
    ]);
    return { jobStatus: job?.status ?? null, rows: rows[0]!.n };
  }

  of(batchId: number) {
    return this.events.filter((e) => e.event.batchId === batchId);
  }

  /** Waits until the batch has received `count` events. */
  waitFor(batchId: number, count: number, timeoutMs: number) {
    return until(`${count} events of batch ${batchId}`, timeoutMs, async () => this.of(batchId).length >= count && this.of(batchId));
  }

  async close() {
    await this.listener.end();
    await Promise.allSettled(this.events.map((e) => e.seen));
    await this.probe.end();
  }
}

async function jobsOf(batchId: number) {
  return fx.rows<{
    id: number;
    status: string;
    from_date: string | null;
    attempts: number;
    not_before: Date;
    started_at: Date | null;
    stats: { rowsWritten: number } | null;
  }>(`select id, status, from_date, attempts, not_before, started_at, stats from recompute_job where batch_id = $1 order by id`, [batchId]);
}

async function rowCount(batchId: number): Promise<number> {
  return (await fx.one<{ n: number }>(`select count(*)::int as n from daily_assignment_state where batch_id = $1`, [batchId])).n;
}

describe('recompute jobs on an in-process runner', () => {
  let runner: Runner | undefined;
  let events: EventLog;

  beforeAll(async () => {
    events = await EventLog.open(db.url);
    runner = await startQueue({ connectionString: db.url, orm, log: silent, concurrency: 2, today: () => AS_OF });
  });

  afterAll(async () => {
    await runner?.stop();
    await events?.close();
  });

  it('runs a marked batch after the debounce and publishes RUNNING, SUCCEEDED and BATCH_UPDATED after commit', async () => {
    const { batchId, assignmentId } = await smallBatch();
    const em = orm.em.fork() as EntityManager;
    const [enqueued] = await em.transactional((tx) => markDirtyAndEnqueue(tx, [{ assignmentId, date: '2024-01-01' }]));
    expect(enqueued).toMatchObject({ batchId, fromDate: '2024-01-01' });

    const job = await until('the recompute job to succeed', 15_000, async () => {
      const [row] = await jobsOf(batchId);
      expect(row?.status).not.toBe('FAILED');
      return row?.status === 'SUCCEEDED' && row;
    });
    expect(job).toMatchObject({ id: enqueued!.jobId, from_date: '2024-01-01', attempts: 1 });
    // The 2 s debounce of markDirtyAndEnqueue was respected.
    expect(job.started_at!.getTime()).toBeGreaterThanOrEqual(job.not_before.getTime());
    // The pinned `today` is the engine's asOf: 01-01..01-20.
    expect(await rowCount(batchId)).toBe(20);
    expect(job.stats?.rowsWritten).toBe(20);

    const received = await events.waitFor(batchId, 3, 5_000);
    expect(received.map((e) => e.event)).toEqual([
      { type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'RUNNING' },
      { type: 'RECOMPUTE_PROGRESS', jobId: job.id, batchId, status: 'SUCCEEDED' },
      { type: 'BATCH_UPDATED', batchId, fromDate: '2024-01-01', kind: 'DAILY_STATE' },
    ]);
    const [running, succeeded, updated] = await Promise.all(received.map((e) => e.seen));
    // Each event describes committed state: the claim before RUNNING, rows and status before SUCCEEDED.
    expect(['RUNNING', 'SUCCEEDED']).toContain(running!.jobStatus);
    expect(succeeded).toEqual({ jobStatus: 'SUCCEEDED', rows: 20 });
    expect(updated!.rows).toBe(20);
    expect(
      (await fx.one<{ dirty_from: string | null }>(`select dirty_from from batch_container_assignment where id = $1`, [assignmentId])).dirty_from,
    ).toBeNull();
  });

  it('coalesces 20 requests for one batch, in separate transactions, into one run from the earliest date', async () => {
    const { batchId, assignmentId } = await smallBatch();
    await recomputeBatch(deps, batchId);
    const before = await fx.dailyRows(assignmentId);
    expect(before).toHaveLength(20);
    // The direct recompute's own BATCH_UPDATED, so that the job's events follow it.
    await events.waitFor(batchId, 1, 5_000);

    // 20 mutations, each recording deaths and marking the batch in its own transaction, as 20 resolvers would.
    const days = Array.from({ length: 20 }, (_, i) => addDays('2024-01-08', (i * 7) % 11)); // 01-08 … 01-18
    days[13] = '2024-01-06';
    const em = orm.em.fork() as EntityManager;
    const started = Date.now();
    for (const day of days) {
      await em.transactional(async (tx) => {
        await tx.execute(
          `insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values (?, ?, ?, 3, 'UNKNOWN', 'test')`,
          [batchId, assignmentId, day],
        );
        await markDirtyAndEnqueue(tx, [{ assignmentId, date: day }]);
      });
    }
    // Well inside the 10 s cap on postponing a job, so the debounce alone decides when it runs.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await jobsOf(batchId)).toEqual([expect.objectContaining({ status: 'QUEUED', from_date: '2024-01-06' })]);

    const [job] = await until('the coalesced job to succeed', 15_000, async () => {
      const jobs = await jobsOf(batchId);
      return jobs.every((j) => j.status === 'SUCCEEDED') && jobs;
    });
    expect(job).toMatchObject({ from_date: '2024-01-06', attempts: 1 });
    // Nothing else runs afterwards: no second job, no wake-up left behind with work.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await jobsOf(batchId)).toHaveLength(1);

    const after = await fx.dailyRows(assignmentId);
    expect(after.slice(0, 5)).toEqual(before.slice(0, 5));
    expect(after[5]!.population).toBe(10_000 - 3);
    expect(after[19]!.population).toBe(10_000 - 60);

    const received = (await events.waitFor(batchId, 4, 5_000)).map((e) => e.event);
    expect(received.slice(1, 3)).toEqual([
      { type: 'RECOMPUTE_PROGRESS', jobId: job!.id, batchId, status: 'RUNNING' },
      { type: 'RECOMPUTE_PROGRESS', jobId: job!.id, batchId, status: 'SUCCEEDED' },
    ]);
    // The run rewrote from the start of the weight segment holding 01-06 (one projected segment from 01-01).
    expect(received[3]).toEqual({ type: 'BATCH_UPDATED', batchId, fromDate: '2024-01-01', kind: 'DAILY_STATE' });

    // The one run covered every change: a from-scratch recompute finds nothing to write.
    expect((await recomputeBatch(deps, batchId)).stats).toMatchObject({ rowsWritten: 0, rowsDeleted: 0 });
  });
});

describe('recompute jobs on a separate worker process', () => {
  let child: ChildProcess | undefined;
  let events: EventLog;
  let output = () => '';

  beforeAll(async () => {
    events = await EventLog.open(db.url);
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    await events?.close();
  });

  it('picks up a job enqueued here; its NOTIFY events reach this process; SIGTERM stops it with exit code 0', async () => {
    // The worker process computes up to the real UTC today.
    const today = utcDate(new Date());
    const { batchId } = await smallBatch(addDays(today, -9), false);

    const worker = spawnWorker(db.url, { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1' });
    child = worker.child;
    const { exited } = worker;
    output = worker.output;

    const em = orm.em.fork() as EntityManager;
    const jobId = await em.transactional((tx) => enqueueRecompute(tx, batchId, null, RecomputeReason.MANUAL, 0));

    const job = await until(`the worker process to run job ${jobId}`, 30_000, async () => {
      if (child!.exitCode !== null) throw new Error(`worker exited with ${child!.exitCode}: ${output()}`);
      const [row] = await jobsOf(batchId);
      expect(row?.status, output()).not.toBe('FAILED');
      return row?.status === 'SUCCEEDED' && row;
    });
    expect(job.id).toBe(jobId);
    const rows = await fx.rows<{ date: string }>(`select date from daily_assignment_state where batch_id = $1 order by date`, [batchId]);
    expect(rows[0]!.date).toBe(addDays(today, -9));
    expect([today, addDays(today, 1)]).toContain(rows.at(-1)!.date);

    const received = await events.waitFor(batchId, 3, 5_000);
    expect(received.map((e) => e.event)).toEqual([
      { type: 'RECOMPUTE_PROGRESS', jobId, batchId, status: 'RUNNING' },
      { type: 'RECOMPUTE_PROGRESS', jobId, batchId, status: 'SUCCEEDED' },
      { type: 'BATCH_UPDATED', batchId, fromDate: addDays(today, -9), kind: 'DAILY_STATE' },
    ]);
    expect((await received[1]!.seen).rows).toBe(rows.length);

    child.kill('SIGTERM');
    expect(await exited, output()).toEqual({ code: 0, signal: null });
  });
});
