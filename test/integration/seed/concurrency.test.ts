import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInfrastructure, loadInfrastructure } from '../../../src/modules/synthetic/load/infrastructure.js';
import { claimBatch, reserveContainers } from '../../../src/modules/synthetic/run/worker.js';
import { initWorkerOrm } from '../../../src/modules/synthetic/run/worker-orm.js';
import { SeedRun, SeedRunBatch, SeedRunBatchStatus, SeedRunPhase, SeedRunStatus } from '../../../src/modules/synthetic/seed-run.entity.js';
import { loadNamedProfile } from '../../../src/modules/synthetic/profile-file.js';
import { parseIsoDate, prepareRun, profileHash, type BatchPlan } from '../../../src/modules/synthetic/sim/index.js';
import type { SeedRunProgress } from '../../../src/modules/synthetic/run/progress.js';
import { verifySeedRun } from '../../../src/modules/synthetic/verify/verify.js';
import { demoWith, openSeedDatabase, SEED, seed, TODAY, type SeedTestDatabase } from './helpers.js';

describe('16 workers competing for scarce containers', () => {
  let database: SeedTestDatabase;

  beforeAll(async () => {
    database = await openSeedDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('completes every batch with zero failures and zero overlaps', async () => {
    // One station with halls of exactly F = 4 containers, batches every 98 days (90 days + 7 fallow + 1): every
    // batch needs exactly the containers the previous batch just left, and all 16 workers lock the same rows.
    const profile = demoWith({
      schedule: { batchesPerGeography: 16, staggerDays: 98, newestAgeDays: 5, eggsPerBatch: 40_000 },
      sea: { ringSizing: { mode: 'fixed', rings: 1 } },
    });
    const result = await seed(database.orm, { profile, workers: 16 });
    expect(result.error).toBeNull();
    expect(result.status).toBe(SeedRunStatus.SUCCEEDED);
    expect(result.progress).toMatchObject({ batchesTotal: 16, batchesDone: 16, batchesFailed: 0 });
    const report = await verifySeedRun(database.orm.em.fork(), result.runId);
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(byName.V1!.status, byName.V1!.message).toBe('PASS');
    expect(byName.V5!.status, byName.V5!.message).toBe('PASS');
    expect(byName.V5!.measured).toMatchObject({ overlaps: 0 });
    expect(byName.V4!.status, byName.V4!.message).toBe('PASS');
    const [reuse] = await database.orm.em.fork().getConnection().execute<{ max_batches: number }[]>(
      'select max(n)::int as max_batches from (select count(distinct batch_key) as n from container_reservation group by container_id) x',
    );
    expect(reuse!.max_batches).toBeGreaterThanOrEqual(10);
  });
});

describe('reservation locking', () => {
  let database: SeedTestDatabase;
  let workerA: MikroORM;
  let workerB: MikroORM;
  let runId: number;
  let plans: BatchPlan[];

  beforeAll(async () => {
    database = await openSeedDatabase();
    const profile = loadNamedProfile('demo');
    const prepared = prepareRun(profile, SEED, parseIsoDate(TODAY));
    plans = prepared.plan.batches;
    const client = new pg.Client({ connectionString: database.db.url });
    await client.connect();
    try {
      await client.query('begin');
      await loadInfrastructure(client, encodeInfrastructure(prepared.topology, prepared.climate.firstDay));
      await client.query('commit');
    } finally {
      await client.end();
    }
    const em = database.orm.em.fork();
    const run = em.create(SeedRun, {
      profileName: 'demo',
      profile,
      profileHash: profileHash(profile),
      prngSeed: SEED,
      today: TODAY,
      workers: 2,
      status: SeedRunStatus.FAILED,
      phase: SeedRunPhase.GENERATING,
      generatorVersion: 'test',
      engineVersion: 'test',
    });
    await em.flush();
    runId = run.id;
    workerA = await initWorkerOrm(database.db.url);
    workerB = await initWorkerOrm(database.db.url);
  });

  afterAll(async () => {
    await workerA?.close(true);
    await workerB?.close(true);
    await database?.close();
  });

  it('two workers reserving overlapping container sets at the same time do not deadlock; both wait and both succeed', async () => {
    // Batches 0 and 1 of the demo use the same hall containers over different dates. A third session holds one
    // of those rows, so both reservations queue behind it with the earlier rows already locked.
    const [first, second] = [plans[0]!, plans[1]!];
    const shared = first.stages[0]!.containerIds.filter((id) => second.stages[0]!.containerIds.includes(id));
    expect(shared.length).toBeGreaterThan(1);
    const blocker = new pg.Client({ connectionString: database.db.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select id from container where id = $1 for update', [shared[1]]);
      const started = Date.now();
      const both = Promise.all([reserveContainers(workerA.em.fork(), runId, first), reserveContainers(workerB.em.fork(), runId, second)]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const { rows: waiting } = await blocker.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      expect(waiting[0]!.n).toBe(2);
      await blocker.query('commit');
      await both;
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await blocker.end();
    }
    const rows = await database.orm.em.fork().getConnection().execute<{ batch_key: number; n: number }[]>(
      'select batch_key, count(*)::int as n from container_reservation where seed_run_id = ? group by 1 order by 1',
      [runId],
    );
    const planned = (plan: BatchPlan) => plan.stages.reduce((sum, stage) => sum + stage.containerIds.length, 0);
    expect(rows).toEqual([
      { batch_key: 0, n: planned(first) },
      { batch_key: 1, n: planned(second) },
    ]);
  });

  it('is idempotent: rows a batch already owns are accepted', async () => {
    await reserveContainers(workerA.em.fork(), runId, plans[0]!);
    const [row] = await database.orm.em.fork().getConnection().execute<{ n: number }[]>('select count(*)::int as n from container_reservation where seed_run_id = ? and batch_key = 0', [runId]);
    expect(row!.n).toBe(plans[0]!.stages.reduce((sum, stage) => sum + stage.containerIds.length, 0));
  });

  it('claims with SKIP LOCKED: two workers never get the same batch, largest first', async () => {
    const em = database.orm.em.fork();
    for (const plan of plans) {
      em.create(SeedRunBatch, { seedRun: runId, batchKey: plan.batchKey, batchNumber: plan.batchNumber, plan, estRows: plan.estRows.total, status: SeedRunBatchStatus.PLANNED });
    }
    await em.flush();
    const claims = await Promise.all([claimBatch(workerA.em.fork(), runId, 'a'), claimBatch(workerB.em.fork(), runId, 'b')]);
    const keys = claims.map((claim) => claim!.batchKey);
    expect(new Set(keys).size).toBe(2);
    const largest = [...plans].sort((x, y) => y.estRows.total - x.estRows.total || x.batchKey - y.batchKey).slice(0, 2).map((plan) => plan.batchKey);
    expect(keys.sort()).toEqual(largest.sort());
  });
});

describe('foreign data', () => {
  let database: SeedTestDatabase;

  beforeAll(async () => {
    database = await openSeedDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('an injected foreign assignment fails exactly the affected batch, naming container and dates', async () => {
    let injected: { container: string; batchKey: number } | null = null;
    const sink = async (snapshot: SeedRunProgress) => {
      if (snapshot.phase !== SeedRunPhase.GENERATING || injected) return;
      // Before the workers start: an API-created batch occupies one tray inside batch key 1's planned egg stage.
      const conn = database.orm.em.fork().getConnection();
      const [item] = await conn.execute<{ plan: BatchPlan }[]>('select plan from seed_run_batch where seed_run_id = ? and batch_key = 1', [snapshot.runId]);
      const stage = item!.plan.stages[0]!;
      const containerId = stage.containerIds[2]!;
      const [batch] = await conn.execute<{ id: number }[]>(
        `insert into batch (batch_number, species_id, status, start_date) values ('API-2024-001', 1, 'ACTIVE', '2024-01-01') returning id`,
      );
      await conn.execute(
        `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, departure_date, opening_population)
         values (?, ?, 1, (date '1970-01-01' + ?::int + 10), (date '1970-01-01' + ?::int + 20), 1000)`,
        [batch!.id, containerId, stage.fromDay, stage.fromDay],
      );
      const [container] = await conn.execute<{ name: string }[]>('select name from container where id = ?', [containerId]);
      injected = { container: container!.name, batchKey: 1 };
    };
    const result = await seed(database.orm, { profile: 'demo', workers: 2 }, sink);
    expect(injected).not.toBeNull();
    expect(result.status).toBe(SeedRunStatus.FAILED);
    const items = await database.orm.em.fork().find(SeedRunBatch, { seedRun: result.runId }, { orderBy: { batchKey: 'asc' } });
    expect(items.map((item) => item.status)).toEqual(['DONE', 'FAILED', 'DONE', 'DONE']);
    const failed = items[1]!;
    expect(failed.error).toMatch(new RegExp(`cannot reserve container ${injected!.container} for stage 1 over \\[\\d{4}-\\d\\d-\\d\\d, \\d{4}-\\d\\d-\\d\\d\\): it is held by assignment of batch API-2024-001 over \\[\\d{4}-\\d\\d-\\d\\d, \\d{4}-\\d\\d-\\d\\d\\)`));
    expect(result.error).toContain(failed.error!);
    // Nothing of the failed batch was written, and the load's deferred indexes were rebuilt anyway.
    const [state] = await database.orm.em.fork().getConnection().execute<{ rows: number; deferred: number }[]>(
      `select (select count(*)::int from batch where batch_number = ?) as rows,
              (select count(*)::int from seed_run where deferred_structures is not null) as deferred`,
      [failed.batchNumber],
    );
    expect(state).toEqual({ rows: 0, deferred: 0 });
  });
});
