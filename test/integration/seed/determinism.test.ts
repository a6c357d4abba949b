import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySeedRun } from '../../../src/modules/synthetic/verify/verify.js';
import { openSeedDatabase, seed, type SeedTestDatabase } from './helpers.js';

let database: SeedTestDatabase;

beforeAll(async () => {
  database = await openSeedDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('seed run determinism (synthetic-farm.md §7)', () => {
  const hashes = new Map<number, string>();
  let lastRunId = 0;

  it.each([1, 4, 16])('demo with %i workers completes every batch', async (workers) => {
    const result = await seed(database.orm, { profile: 'demo', workers, wipe: true });
    expect(result.error).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.phase).toBe('DONE');
    expect(result.progress?.batchesDone).toBe(4);
    expect(result.progress?.batchesFailed).toBe(0);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    hashes.set(workers, result.contentHash!);
    lastRunId = result.runId;
  });

  it('gives identical run hashes for 1, 4 and 16 workers', () => {
    expect(hashes.size).toBe(3);
    expect(new Set(hashes.values()).size).toBe(1);
  });

  it('passes verification: conservation, no overlaps, volume formulas, engine parity, hash from the rows', async () => {
    const report = await verifySeedRun(database.orm.em.fork(), lastRunId, { deep: true });
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(report.checks.map((check) => check.name)).toEqual(['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'V10', 'V11', 'V12']);
    expect(report.checks.filter((check) => check.status === 'FAIL').map((check) => `${check.name}: ${check.message}`)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const name of ['V1', 'V3', 'V4', 'V5', 'V6', 'V7', 'V9', 'V10', 'V11', 'V12']) expect(byName[name]!.status, `${name}: ${byName[name]!.message}`).toBe('PASS');
    expect(report.contentHash).toBe(hashes.get(1));
    // The stored report is what the API's seedRunVerification returns.
    const stored = await database.orm.em.fork().getConnection().execute<{ ok: boolean }[]>(`select (verification->>'ok')::boolean as ok from seed_run where id = ?`, [lastRunId]);
    expect(stored[0]!.ok).toBe(true);
  });

  it('leaves the database clean: indexes rebuilt, foreign keys validated, sequences past the seed ids, no recompute jobs or dirty marks', async () => {
    const conn = database.orm.em.fork().getConnection();
    const [row] = await conn.execute<{ invalid: number; unvalidated: number; dirty: number; jobs: number; next_batch: number; max_batch: number }[]>(`
      select (select count(*)::int from pg_index x join pg_class t on t.oid = x.indrelid where t.relnamespace = 'public'::regnamespace and not x.indisvalid) as invalid,
             (select count(*)::int from pg_constraint where contype = 'f' and not convalidated) as unvalidated,
             (select count(*)::int from batch_container_assignment where dirty_from is not null) as dirty,
             (select count(*)::int from recompute_job) as jobs,
             (select last_value from batch_id_seq) as next_batch,
             (select max(id) from batch) as max_batch`);
    expect(row).toMatchObject({ invalid: 0, unvalidated: 0, dirty: 0, jobs: 0 });
    expect(row!.next_batch).toBeGreaterThan(row!.max_batch);
  });
});
