import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelSeedRun, resumeSeed, startSeed } from '../../../src/modules/synthetic/run/coordinator.js';
import type { SeedRunProgress } from '../../../src/modules/synthetic/run/progress.js';
import { SeedRun, SeedRunBatch, SeedRunBatchStatus, SeedRunStatus } from '../../../src/modules/synthetic/seed-run.entity.js';
import { batchRowId } from '../../../src/modules/synthetic/sim/index.js';
import { verifySeedRun } from '../../../src/modules/synthetic/verify/verify.js';
import { demoWith, openSeedDatabase, SEED, seed, TODAY, type SeedTestDatabase } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let database: SeedTestDatabase;

beforeAll(async () => {
  database = await openSeedDatabase();
});

afterAll(async () => {
  await database?.close();
});

/** Rows of a batch that is not DONE: there must be none (a batch is entirely present or entirely absent). */
async function partialRows(runId: number): Promise<number> {
  const items = await database.orm.em.fork().find(SeedRunBatch, { seedRun: runId, status: { $ne: SeedRunBatchStatus.DONE } });
  let rows = 0;
  for (const item of items) {
    const [row] = await database.orm.em.fork().getConnection().execute<{ n: number }[]>(
      `select (select count(*) from batch where id = ?) + (select count(*) from environmental_reading where id >= ? and id < ?)
            + (select count(*) from daily_assignment_state where batch_id = ?) as n`,
      [batchRowId(item.batchKey, 0), batchRowId(item.batchKey, 0), batchRowId(item.batchKey + 1, 0), batchRowId(item.batchKey, 0)],
    );
    rows += Number(row!.n);
  }
  return rows;
}

describe('SIGKILL and resume (synthetic-farm.md §6.3)', () => {
  it('a CLI run killed at about 30 % resumes to the uninterrupted hash', async () => {
    const baseline = await seed(database.orm, { profile: 'demo', workers: 2, wipe: true });
    expect(baseline.status).toBe(SeedRunStatus.SUCCEEDED);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/seed.ts', '--profile', 'demo', '--workers', '1', '--seed', String(SEED), '--today', TODAY, '--wipe', '--json'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.db.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let killedAt: SeedRunProgress | null = null;
    for await (const line of createInterface({ input: child.stdout })) {
      const snapshot = JSON.parse(line) as Partial<SeedRunProgress>;
      if (snapshot.phase === 'GENERATING' && (snapshot.rowsWritten ?? 0) >= 0.3 * (snapshot.rowsEstimated ?? Infinity)) {
        killedAt = snapshot as SeedRunProgress;
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited, stderr).toBe('SIGKILL');
    expect(killedAt).not.toBeNull();
    const runId = killedAt!.runId;

    const killed = await database.orm.em.fork().findOneOrFail(SeedRun, runId);
    expect(killed.status).toBe(SeedRunStatus.RUNNING);
    const done = await database.orm.em.fork().count(SeedRunBatch, { seedRun: runId, status: SeedRunBatchStatus.DONE });
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(4);
    expect(await partialRows(runId)).toBe(0);

    const handle = await resumeSeed({ orm: database.orm, runId, workers: 2 });
    const resumed = await handle.finished;
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe(SeedRunStatus.SUCCEEDED);
    expect(resumed.contentHash).toBe(baseline.contentHash);
    const report = await verifySeedRun(database.orm.em.fork(), runId);
    expect(report.checks.filter((check) => check.status === 'FAIL').map((check) => `${check.name} ${check.message}`)).toEqual([]);
  });

  it('refuses to resume a finished run and to start on a non-empty database without --wipe', async () => {
    const [latest] = await database.orm.em.fork().find(SeedRun, { status: SeedRunStatus.SUCCEEDED }, { orderBy: { id: 'desc' }, limit: 1 });
    await expect(resumeSeed({ orm: database.orm, runId: latest!.id })).rejects.toThrow(/already succeeded/);
    await expect(startSeed({ orm: database.orm, profile: 'demo', seed: SEED, today: TODAY })).rejects.toThrow(/not empty \(table \w+ has rows\).*--wipe/);
  });
});

describe('cancel (synthetic-farm.md §6.3)', () => {
  it('reaches CANCELLED within 5 s, returns the claims, leaves no partial batch, and resumes', async () => {
    const profile = demoWith({ schedule: { batchesPerGeography: 10, staggerDays: 120 } });
    let cancelRequestedAt = 0;
    let requestCancel: (runId: number) => void = () => undefined;
    const requested = new Promise<number>((resolve) => (requestCancel = resolve));
    const handle = await startSeed({ orm: database.orm, profile, seed: SEED, today: TODAY, workers: 2, wipe: true }, (snapshot) => {
      if (snapshot.phase === 'GENERATING' && snapshot.batchesDone >= 1) requestCancel(snapshot.runId);
    });
    const runId = await requested;
    cancelRequestedAt = Date.now();
    await cancelSeedRun(database.orm.em.fork(), runId);
    const result = await handle.finished;
    const elapsed = Date.now() - cancelRequestedAt;
    expect(result.status).toBe(SeedRunStatus.CANCELLED);
    expect(elapsed).toBeLessThanOrEqual(5000);
    const items = await database.orm.em.fork().find(SeedRunBatch, { seedRun: runId });
    expect(items.filter((item) => item.status === SeedRunBatchStatus.CLAIMED)).toEqual([]);
    expect(items.filter((item) => item.status === SeedRunBatchStatus.PLANNED).length).toBeGreaterThan(0);
    expect(await partialRows(runId)).toBe(0);

    const resumed = await (await resumeSeed({ orm: database.orm, runId, workers: 2 })).finished;
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe(SeedRunStatus.SUCCEEDED);
    expect(resumed.progress).toMatchObject({ batchesDone: 10, batchesFailed: 0 });
  });
});
