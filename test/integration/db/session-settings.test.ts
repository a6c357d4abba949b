import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { pgSessionConfig } from '../../../src/db/pg-session.js';
import { recomputeBatch, type RecomputeDeps } from '../../../src/modules/growth/recompute.service.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

// A server whose defaults are not UTC and ISO (an external DATABASE_URL can be configured so): the app's
// connections must still speak UTC and ISO dates, or the recompute's text comparison sees every row as changed.
let db: TestDatabase;
let orm: MikroORM;
let fx: GrowthFixture;
let deps: RecomputeDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`alter database ${db.name} set timezone = 'America/New_York'`);
  await admin.query(`alter database ${db.name} set datestyle = 'SQL, DMY'`);
  await admin.end();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  fx = await GrowthFixture.create(db.url);
  deps = { orm, log: pino({ level: 'silent' }), today: () => '2024-01-20' };
});

afterAll(async () => {
  await fx.close();
  await orm.close(true);
  await db.drop();
});

describe('session settings on a server with other defaults', () => {
  it('the database really defaults to New York time and SQL dates', async () => {
    const [row] = await fx.rows<{ tz: string; ds: string; day: string }>(
      `select current_setting('TimeZone') as tz, current_setting('DateStyle') as ds, date '2024-01-20'::text as day`,
    );
    expect(row).toEqual({ tz: 'America/New_York', ds: 'SQL, DMY', day: '20/01/2024' });
  });

  it('app connections use UTC and ISO dates', async () => {
    const [row] = await orm.em.fork().execute<Array<{ tz: string; ds: string; day: string; midnight: string }>>(
      `select current_setting('TimeZone') as tz, current_setting('DateStyle') as ds, date '2024-01-20'::text as day,
              timestamptz '2024-01-20 00:00:00+00'::text as midnight`,
    );
    expect(row).toEqual({ tz: 'UTC', ds: 'ISO, MDY', day: '2024-01-20', midnight: '2024-01-20 00:00:00+00' });
  });

  it('a second recompute compares every stored row equal and writes nothing', async () => {
    const scenarioId = await fx.scenario('SESSION', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0 }]);
    const tank = await fx.container('SESSION-1');
    const batchId = await fx.batch('SESSION-1', '2024-01-01', scenarioId);
    const assignmentId = await fx.assignment(batchId, tank, 'SMOLT', '2024-01-01', null, 10_000);
    await fx.placement(batchId, assignmentId, '2024-01-01', 10_000, 100);
    await fx.temperatures(tank, '2023-12-25', '2024-01-31', 10);
    await fx.sample(assignmentId, '2024-01-05', 111, 30);
    expect((await recomputeBatch(deps, batchId)).stats.rowsWritten).toBe(20);
    expect((await recomputeBatch(deps, batchId)).stats).toMatchObject({ rowsWritten: 0, rowsDeleted: 0, rowsUnchanged: 20, batchRowsWritten: 0 });
  });

  it('keeps options given in the URL, for ORM and plain node-pg connections alike', async () => {
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c statement_timeout=4321')}`;
    const settings = `select current_setting('TimeZone') as tz, current_setting('statement_timeout') as timeout`;
    const withOptions = await MikroORM.init(ormConfig({ clientUrl: url }));
    try {
      expect((await withOptions.em.fork().execute(settings))[0]).toEqual({ tz: 'UTC', timeout: '4321ms' });
    } finally {
      await withOptions.close(true);
    }
    const client = new pg.Client(pgSessionConfig(url));
    await client.connect();
    try {
      expect((await client.query(settings)).rows[0]).toEqual({ tz: 'UTC', timeout: '4321ms' });
    } finally {
      await client.end();
    }
  });
});
