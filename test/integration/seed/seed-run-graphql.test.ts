import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { seed } from './helpers.js';

/** SeedRun.batches and SeedRun.utilisation over one demo run (data-model.md §6.2, synthetic-farm.md §5.4). */
let app: TestApp;
let runId: number;
let runGid: string;

const sql = <R>(text: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<R[]>(text, params);

beforeAll(async () => {
  app = await startTestApp({ RUN_WORKER: 'false' });
  const result = await seed(app.orm, { profile: 'demo', workers: 2 });
  expect(result.status).toBe('SUCCEEDED');
  runId = result.runId;
  runGid = toGlobalId('SeedRun', runId);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

interface BatchNode {
  batchKey: number;
  batchNumber: string;
  status: string;
  attempt: number;
  estRows: number;
  rowsWritten: number | null;
  batchHash: string | null;
  error: string | null;
  batch: { id: string; batchNumber: string } | null;
}
interface BatchPage {
  totalCount: number;
  edges: Array<{ cursor: string; node: BatchNode }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

const BATCHES = `query($id: ID!, $first: Int, $after: String, $statuses: [SeedRunBatchStatus!]) {
  seedRun(id: $id) { batches(first: $first, after: $after, statuses: $statuses) {
    totalCount edges { cursor node { batchKey batchNumber status attempt estRows rowsWritten batchHash error batch { id batchNumber } } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;

async function batches(variables: Record<string, unknown>): Promise<BatchPage> {
  const response = await app.graphql<{ seedRun: { batches: BatchPage } }>(BATCHES, { id: runGid, ...variables });
  expect(response.errors).toBeUndefined();
  return response.data!.seedRun.batches;
}

describe('SeedRun.batches', () => {
  it('pages the run’s seed_run_batch rows by batch key, with the generated batch', async () => {
    const rows = await sql<{ batch_key: number; batch_number: string; status: string; attempt: number; est_rows: number; rows_written: number; batch_hash: string; batch_id: string }>(
      `select s.batch_key, s.batch_number, s.status, s.attempt, s.est_rows, s.rows_written, s.batch_hash, b.id::text as batch_id
         from seed_run_batch s join batch b on b.batch_number = s.batch_number and b.seed_run_id = s.seed_run_id
        where s.seed_run_id = ? order by s.batch_key`,
      [runId],
    );
    expect(rows.length).toBe(4);
    const expected = rows.map((row) => ({
      batchKey: row.batch_key,
      batchNumber: row.batch_number,
      status: row.status,
      attempt: row.attempt,
      estRows: row.est_rows,
      rowsWritten: Number(row.rows_written),
      batchHash: row.batch_hash,
      error: null,
      batch: { id: toGlobalId('Batch', Number(row.batch_id)), batchNumber: row.batch_number },
    }));

    const page1 = await batches({ first: 3 });
    expect(page1.totalCount).toBe(4);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await batches({ first: 3, after: page1.pageInfo.endCursor });
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...page1.edges, ...page2.edges].map((edge) => edge.node)).toEqual(expected);
    expect((await batches({ first: 0 })).edges).toEqual([]);
    expect((await batches({})).edges.length).toBe(4);

    const tooMany = await app.graphql(BATCHES, { id: runGid, first: 201 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await app.graphql(BATCHES, { id: runGid, after: 'nope' });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters by status, paging within the filter', async () => {
    const failedKey = (await batches({})).edges[1]!.node.batchKey;
    await sql(`update seed_run_batch set status = 'FAILED', error = 'boom' where seed_run_id = ? and batch_key = ?`, [runId, failedKey]);
    try {
      const failed = await batches({ statuses: ['FAILED'] });
      expect(failed.totalCount).toBe(1);
      expect(failed.edges.map((edge) => [edge.node.batchKey, edge.node.error])).toEqual([[failedKey, 'boom']]);
      const done1 = await batches({ statuses: ['DONE'], first: 2 });
      const done2 = await batches({ statuses: ['DONE'], first: 2, after: done1.pageInfo.endCursor });
      expect(done1.totalCount).toBe(3);
      expect(done1.pageInfo.hasNextPage).toBe(true);
      expect(done2.pageInfo.hasNextPage).toBe(false);
      const doneKeys = [...done1.edges, ...done2.edges].map((edge) => edge.node.batchKey);
      expect(doneKeys).toEqual([0, 1, 2, 3].filter((key) => key !== failedKey));
      expect((await batches({ statuses: ['PLANNED', 'CLAIMED'] })).edges).toEqual([]);
    } finally {
      await sql(`update seed_run_batch set status = 'DONE', error = null where seed_run_id = ? and batch_key = ?`, [runId, failedKey]);
    }
  });

  it('costs a constant number of statements for a page of runs', async () => {
    const query = `{ seedRuns(first: 10) { nodes { id batches(first: 2) { totalCount nodes { batchKey batch { batchNumber } } }
      utilisation { firstDate classes { containerClass geography { code } occupancy { meanPct } } } } } }`;
    const one = await app.graphql<{ seedRuns: { nodes: Array<{ id: string }> } }>(query);
    expect(one.errors).toBeUndefined();
    // A second run: copies of the run's rows under a new id (its batches are not generated: `batch` is null).
    const copy = runId + 1000;
    await sql(`insert into seed_run select (jsonb_populate_record(r, jsonb_build_object('id', ?::bigint))).* from seed_run r where id = ?`, [copy, runId]);
    await sql(`insert into seed_run_batch (seed_run_id, batch_key, batch_number, plan, est_rows, status, attempt, rows_written, batch_hash)
               select ?, batch_key, batch_number, plan, est_rows, status, attempt, rows_written, batch_hash from seed_run_batch where seed_run_id = ?`, [copy, runId]);
    await sql(`insert into seed_utilisation_daily select ?, date, geography_id, container_class, containers, occupied, biomass_kg, max_biomass_kg
                 from seed_utilisation_daily where seed_run_id = ?`, [copy, runId]);
    try {
      const two = await app.graphql<{ seedRuns: { nodes: Array<{ id: string; batches: { nodes: Array<{ batch: unknown }> } }> } }>(query);
      expect(two.errors).toBeUndefined();
      expect(two.data!.seedRuns.nodes.length).toBe(2);
      const copied = two.data!.seedRuns.nodes.find((node) => node.id === toGlobalId('SeedRun', copy))!;
      expect(copied.batches.nodes.map((node) => node.batch)).toEqual([null, null]);
      expect(two.extensions?.sqlStatements).toBeDefined();
      expect(two.extensions!.sqlStatements).toBe(one.extensions!.sqlStatements);
    } finally {
      await sql('delete from seed_run where id = ?', [copy]);
    }
  });
});

interface Stats {
  meanPct: number;
  p95Pct: number;
  maxPct: number;
}
interface ClassFigures {
  geographyCode: string;
  geography: { id: string; code: string };
  containerClass: string;
  firstDate: string;
  lastDate: string;
  days: number;
  occupancy: Stats;
  biomassRatio: Stats;
}

async function utilisation(windowDays?: number) {
  const response = await app.graphql<{ seedRun: { today: string; utilisation: { windowDays: number; firstDate: string | null; lastDate: string | null; classes: ClassFigures[] } } }>(
    `query($id: ID!${windowDays === undefined ? '' : ', $w: Int'}) { seedRun(id: $id) { today utilisation${windowDays === undefined ? '' : '(windowDays: $w)'} { windowDays firstDate lastDate classes {
       geographyCode geography { id code } containerClass firstDate lastDate days
       occupancy { meanPct p95Pct maxPct } biomassRatio { meanPct p95Pct maxPct } } } } }`,
    { id: runGid, w: windowDays },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.seedRun;
}

describe('SeedRun.utilisation', () => {
  it('equals an independent SQL computation, for any window', async () => {
    for (const windowDays of [365, 30]) {
      const { utilisation: got, today } = await utilisation(windowDays);
      expect(got.windowDays).toBe(windowDays);
      expect(got.classes.length).toBeGreaterThan(1);
      const rows = await sql<{ code: string; container_class: string; first: string; last: string; days: number; occ_mean: number; occ_p95: number; occ_max: number; bio_mean: number; bio_p95: number; bio_max: number }>(
        `with d as (
           select g.code, u.container_class, u.date, u.occupied::float8 / nullif(u.containers, 0) as occ, u.biomass_kg::float8 / nullif(u.max_biomass_kg, 0) as bio
             from seed_utilisation_daily u join seed_run r on r.id = u.seed_run_id join geography g on g.id = u.geography_id
            where u.seed_run_id = ? and u.date between r.today - (? - 1) and r.today)
         select code, container_class, min(date)::text as first, max(date)::text as last, count(*)::int as days,
                avg(coalesce(occ, 0)) as occ_mean, percentile_disc(0.95) within group (order by coalesce(occ, 0)) as occ_p95, max(coalesce(occ, 0)) as occ_max,
                avg(coalesce(bio, 0)) as bio_mean, percentile_disc(0.95) within group (order by coalesce(bio, 0)) as bio_p95, max(coalesce(bio, 0)) as bio_max
           from d group by code, container_class`,
        [runId, windowDays],
      );
      const pct = (value: number) => Math.round(value * 1000) / 10;
      // Every geography/class pair of the window, and no other.
      const key = (code: string, containerClass: string) => `${code}/${containerClass}`;
      expect(got.classes.map((c) => key(c.geographyCode, c.containerClass)).sort()).toEqual(rows.map((r) => key(r.code, r.container_class)).sort());
      // Over the year at least one pair varies, so mean, p95 and max are told apart.
      if (windowDays === 365) expect(rows.some((r) => r.occ_max !== r.occ_mean)).toBe(true);
      for (const row of rows) {
        const c = got.classes.find((x) => x.geographyCode === row.code && x.containerClass === row.container_class)!;
        expect(c.geography.code).toBe(row.code);
        expect(c).toMatchObject({ firstDate: row.first, lastDate: row.last, days: row.days });
        expect(c.occupancy.meanPct).toBe(pct(row.occ_mean));
        expect(c.occupancy.maxPct).toBe(pct(row.occ_max));
        expect(c.biomassRatio.meanPct).toBe(pct(row.bio_mean));
        expect(c.biomassRatio.maxPct).toBe(pct(row.bio_max));
        // percentile_disc takes the first value whose cumulative share reaches 0.95: rank ⌈0.95·n⌉, which is the
        // spec's ⌊0.95·(n−1)⌋ + 1 (1-based) except when 0.95·(n−1) is an integer; both agree for the ranks below.
        const n = row.days;
        if (Math.ceil(0.95 * n) === Math.floor(0.95 * (n - 1)) + 1) {
          expect(c.occupancy.p95Pct).toBe(pct(row.occ_p95));
          expect(c.biomassRatio.p95Pct).toBe(pct(row.bio_p95));
        }
        if (windowDays === 30) expect(c.days).toBeLessThanOrEqual(30);
      }
      expect(got.lastDate).toBe(today);
      expect(got.firstDate).toBe(rows.map((r) => r.first).sort()[0]);
    }
    const tooLong = await app.graphql(`query($id: ID!) { seedRun(id: $id) { utilisation(windowDays: 0) { windowDays } } }`, { id: runGid });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
