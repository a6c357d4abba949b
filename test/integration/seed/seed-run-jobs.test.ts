import type { ChildProcess } from 'node:child_process';
import type { Runner } from 'graphile-worker';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startQueue } from '../../../src/jobs/queue.js';
import { SeedRunService } from '../../../src/modules/runs/seed-run.service.js';
import { SEED_PROGRESS_CHANNEL } from '../../../src/modules/synthetic/run/coordinator.js';
import type { SeedRunProgress } from '../../../src/modules/synthetic/run/progress.js';
import { SeedRun, SeedRunStatus } from '../../../src/modules/synthetic/seed-run.entity.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { spawnWorker as spawnProcess, until } from '../../helpers/processes.js';
import { openSeedDatabase, SEED, seed, TODAY, type SeedTestDatabase } from './helpers.js';

/**
 * Seed runs as graphile-worker jobs: `seedRunStart` writes a QUEUED run and its `seed_run` job in one transaction;
 * whichever worker picks the job up executes it; a killed worker's run is resumed by the next worker, and a worker
 * shutting down suspends its run back to QUEUED for any worker to resume.
 */

const silent = pino({ level: 'silent' });

/** The hash of an uninterrupted CLI-style run of the demo with the pinned seed and today. */
let baselineHash: string;

beforeAll(async () => {
  const database = await openSeedDatabase();
  try {
    const baseline = await seed(database.orm, { profile: 'demo', workers: 2 });
    expect(baseline.status).toBe(SeedRunStatus.SUCCEEDED);
    baselineHash = baseline.contentHash!;
  } finally {
    await database.close();
  }
});

/** Resolves with the first progress snapshot of a run (by NOTIFY, from any process) that satisfies `test`. */
async function progressWhen(url: string, test: (snapshot: SeedRunProgress) => boolean): Promise<{ reached: Promise<SeedRunProgress>; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const reached = new Promise<SeedRunProgress>((resolve) => {
    client.on('notification', (message) => {
      if (message.channel !== SEED_PROGRESS_CHANNEL) return;
      const snapshot = JSON.parse(message.payload ?? '{}') as SeedRunProgress;
      if (test(snapshot)) resolve(snapshot);
    });
  });
  await client.query(`listen ${SEED_PROGRESS_CHANNEL}`);
  return { reached, close: () => client.end() };
}

interface SeedJobRow {
  id: string;
  key: string | null;
  attempts: number;
  locked_by: string | null;
  last_error: string | null;
  old_lock: boolean;
}

/** The queue's `seed_run` jobs (of one run when given). */
async function seedJobs(client: pg.Client, runId?: number): Promise<SeedJobRow[]> {
  const { rows } = await client.query<SeedJobRow>(
    `select id, key, attempts, locked_by, last_error, locked_at < now() - interval '6 seconds' as old_lock
       from graphile_worker.jobs where task_identifier = 'seed_run' and ($1::text is null or key = $1) order by id`,
    [runId === undefined ? null : `seed_run:${runId}`],
  );
  return rows;
}

const spawnWorker = (url: string) => spawnProcess(url, { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '2' });

const START = `mutation($input: SeedRunStartInput!) { seedRunStart(input: $input) { seedRun { id status workers } userErrors { code message } } }`;
type StartResult = { seedRunStart: { seedRun: { id: string; status: string; workers: number } | null; userErrors: Array<{ code: string; message: string }> } };
const RUN = `query($id: ID!) { seedRun(id: $id) { status phase contentHash error progress { batchesDone batchesTotal } } }`;
type RunResult = { seedRun: { status: string; phase: string; contentHash: string | null; error: string | null; progress: { batchesDone: number; batchesTotal: number } | null } };

describe('seed runs on separate worker processes (API with RUN_WORKER=false)', () => {
  let app: TestApp;
  let probe: pg.Client;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    app = await startTestApp({ RUN_WORKER: 'false', SEED_RUNS_ENABLED: 'true' });
    probe = new pg.Client({ connectionString: app.database.url });
    await probe.connect();
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    await probe?.end();
    await app?.stop();
  });

  it('queues runs without a worker; a second start gets CONFLICT and enqueues nothing; a QUEUED run cancels at once', async () => {
    const input = { profile: 'DEMO', prngSeed: SEED, today: TODAY, workers: 1 };
    const first = await app.graphql<StartResult>(START, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.seedRunStart.userErrors).toEqual([]);
    expect(first.data!.seedRunStart.seedRun).toMatchObject({ status: 'QUEUED', workers: 1 });
    expect(await seedJobs(probe)).toEqual([expect.objectContaining({ attempts: 0, locked_by: null })]);

    const second = await app.graphql<StartResult>(START, { input: { ...input, wipe: true } });
    expect(second.data!.seedRunStart.seedRun).toBeNull();
    expect(second.data!.seedRunStart.userErrors[0]).toMatchObject({ code: 'CONFLICT' });
    expect(second.data!.seedRunStart.userErrors[0]!.message).toMatch(/in progress \(QUEUED\)/);
    expect(await seedJobs(probe)).toHaveLength(1);
    expect(await app.orm.em.fork().count(SeedRun, {})).toBe(1);

    const cancelled = await app.graphql<{ seedRunCancel: { seedRun: { status: string } } }>(
      `mutation($id: ID!) { seedRunCancel(input: { seedRunId: $id }) { seedRun { status } userErrors { code } } }`,
      { id: first.data!.seedRunStart.seedRun!.id },
    );
    expect(cancelled.data!.seedRunCancel.seedRun.status).toBe('CANCELLED');
  });

  it('a worker process executes a QUEUED run; killed mid-run, the next worker resumes it to the uninterrupted hash; verification is a job too', async () => {
    const started = await app.graphql<StartResult>(START, { input: { profile: 'DEMO', prngSeed: SEED, today: TODAY, workers: 1 } });
    expect(started.data!.seedRunStart.userErrors).toEqual([]);
    const run = started.data!.seedRunStart.seedRun!;
    expect(run.status).toBe('QUEUED');

    // The first worker process: killed with SIGKILL at about 30 % of the rows, while it holds the job.
    // The first snapshot with rows written and batches left: a fraction of the rows (≥ 30 %) could arrive only after
    // the last batch on a fast run (snapshots come at most every 500 ms), and the kill must land mid-run.
    const watch = await progressWhen(app.database.url, (s) => s.phase === 'GENERATING' && s.rowsWritten > 0 && s.batchesDone < s.batchesTotal);
    const first = spawnWorker(app.database.url);
    children.push(first.child);
    const killedAt = await Promise.race([
      watch.reached,
      first.exited.then(() => {
        throw new Error(`worker exited early: ${first.output()}`);
      }),
    ]);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await watch.close();
    expect(killedAt.batchesDone).toBeLessThan(killedAt.batchesTotal);

    const killed = await app.orm.em.fork().findOneOrFail(SeedRun, killedAt.runId);
    expect(killed.status).toBe(SeedRunStatus.RUNNING);
    // graphile-worker still sees the job locked by the dead worker (its lock would expire after 4 h).
    const [locked] = await seedJobs(probe, killed.id);
    expect(locked).toMatchObject({ key: `seed_run:${killed.id}`, attempts: 1 });
    expect(locked!.locked_by).not.toBeNull();

    // A second worker started once the lock is older than the grace period frees and resumes the orphaned job.
    await until('the dead worker’s lock to age', 15_000, async () => (await seedJobs(probe, killed.id))[0]?.old_lock);
    // This API process runs no worker: its subscribers get the other process's progress through NOTIFY.
    const subscriber = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const streamed: Array<{ status: string; phase: string }> = [];
    const streamEnded = new Promise<void>((resolve, reject) => {
      subscriber.subscribe<{ seedRunProgress: { status: string; phase: string } }>(
        { query: `subscription($id: ID!) { seedRunProgress(seedRunId: $id) { status phase } }`, variables: { id: run.id } },
        {
          next: ({ data }) => {
            streamed.push(data!.seedRunProgress);
            if (data!.seedRunProgress.status === 'SUCCEEDED') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = spawnWorker(app.database.url);
    children.push(second.child);
    const done = await until('the resumed run to succeed', 90_000, async () => {
      if (second.child.exitCode !== null) throw new Error(`worker exited: ${second.output()}`);
      const result = await app.graphql<RunResult>(RUN, { id: run.id });
      const status = result.data!.seedRun.status;
      if (status === 'FAILED' || status === 'CANCELLED') throw new Error(`run ${status}: ${result.data!.seedRun.error} ${second.output()}`);
      return status === 'SUCCEEDED' && result.data!.seedRun;
    });
    expect(done).toMatchObject({ phase: 'DONE', contentHash: baselineHash, progress: { batchesDone: 4, batchesTotal: 4 } });
    await until('the job to be completed', 5_000, async () => (await seedJobs(probe, killed.id)).length === 0);
    await streamEnded;
    await subscriber.dispose();
    expect(streamed.map((snapshot) => snapshot.phase)).toEqual(expect.arrayContaining(['GENERATING', 'POST_LOAD', 'DONE']));

    const before = (await app.orm.em.fork().findOneOrFail(SeedRun, killed.id)).verification;
    const verify = await app.graphql<{ seedRunVerify: { seedRun: { id: string } | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { seedRunVerify(input: { seedRunId: $id, deep: true }) { seedRun { id } userErrors { code } } }`,
      { id: run.id },
    );
    expect(verify.data!.seedRunVerify).toEqual({ seedRun: { id: run.id }, userErrors: [] });
    const report = await until('the verification report', 60_000, async () => {
      const result = await app.graphql<{ seedRunVerification: { ok: boolean; deep: boolean; contentHash: string; verifiedAt: string } | null }>(
        `query($id: ID!) { seedRunVerification(seedRunId: $id) { ok deep contentHash verifiedAt } }`,
        { id: run.id },
      );
      const latest = result.data!.seedRunVerification;
      return latest?.deep && latest.verifiedAt !== before?.verifiedAt && latest;
    });
    expect(report).toMatchObject({ ok: true, deep: true, contentHash: baselineHash });

    second.child.kill('SIGTERM');
    expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
  }, 150_000);
});

describe('SEED_ON_EMPTY=demo', () => {
  it('queues the demo run through the same path as seedRunStart (a QUEUED row and its seed_run job)', async () => {
    const app = await startTestApp({ RUN_WORKER: 'false', SEED_ON_EMPTY: 'demo' });
    const probe = new pg.Client({ connectionString: app.database.url });
    await probe.connect();
    try {
      const runs = await app.orm.em.fork().find(SeedRun, {});
      expect(runs).toEqual([expect.objectContaining({ profileName: 'demo', status: SeedRunStatus.QUEUED, requestedBy: 'seed-on-empty' })]);
      expect(await seedJobs(probe)).toEqual([expect.objectContaining({ key: `seed_run:${runs[0]!.id}`, attempts: 0 })]);
    } finally {
      await probe.end();
      await app.stop();
    }
  });
});

describe('worker shutdown during a seed run', () => {
  let database: SeedTestDatabase;
  const runners: Runner[] = [];

  beforeAll(async () => {
    database = await openSeedDatabase();
  });

  afterAll(async () => {
    for (const runner of runners) await runner.stop().catch(() => undefined);
    await database?.close();
  });

  it('suspends the run back to QUEUED within 5 s, re-adds its job unspent, and the next runner resumes it to the uninterrupted hash', async () => {
    const service = new SeedRunService({ orm: database.orm, log: silent, production: false });
    const runId = await service.start({ profile: 'demo', prngSeed: SEED, today: TODAY, workers: 1, wipe: false, requestedBy: 'test' });
    const probe = new pg.Client({ connectionString: database.db.url });
    await probe.connect();
    try {
      const watch = await progressWhen(database.db.url, (s) => s.runId === runId && s.phase === 'GENERATING' && s.batchesDone >= 1);
      const options = { connectionString: database.db.url, orm: database.orm, log: silent, concurrency: 1 };
      const first = await startQueue(options);
      runners.push(first);
      await watch.reached;
      await watch.close();
      const stopping = Date.now();
      await first.stop();
      expect(Date.now() - stopping).toBeLessThanOrEqual(5_000);

      const suspended = await database.orm.em.fork().findOneOrFail(SeedRun, runId);
      expect(suspended.status).toBe(SeedRunStatus.QUEUED);
      expect(suspended.finishedAt ?? null).toBeNull();
      // The job is back, unlocked, with no attempt spent and no error: not failed, let alone permanently.
      expect(await seedJobs(probe)).toEqual([expect.objectContaining({ key: `seed_run:${runId}`, attempts: 0, locked_by: null, last_error: null })]);

      const second = await startQueue(options);
      runners.push(second);
      const resumed = await until('the resumed run to succeed', 90_000, async () => {
        const run = await database.orm.em.fork().findOneOrFail(SeedRun, runId);
        if (run.status === SeedRunStatus.FAILED || run.status === SeedRunStatus.CANCELLED) throw new Error(`run ${run.status}: ${run.error}`);
        return run.status === SeedRunStatus.SUCCEEDED && run;
      });
      expect(resumed.contentHash).toBe(baselineHash);
    } finally {
      await probe.end();
    }
  }, 150_000);
});
