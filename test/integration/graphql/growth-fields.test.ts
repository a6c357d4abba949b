import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * Fields added from data-model.md §2/§6.2 and growth-engine.md §3.1/§7: Batch.latestState, the stored columns of
 * DailyAssignmentState (date, batch, tgcUsed, anchorType, scenario, engineVersion, computedAt), SeedRun's stored
 * fields and `node(id)` for a run, and the 1,100-day cap of DAY reading series. Values are checked against the
 * stored rows.
 */
let app: TestApp;
let fx: GrowthFixture;
const today = utcDate(new Date());
const DAYS = 120;
const start = addDays(today, -(DAYS - 1));
const startLate = addDays(today, 10); // a batch that starts after today: no row on or before today
let batchA = 0;
let batchLate = 0;
let scenarioId = 0;
let a1 = 0;
let a2 = 0;
let containerId = 0;
const sampleDay = addDays(start, 40);
const transferDay = addDays(start, 60);

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  await fx.dailyPartitions(addDays(start, -10), addDays(today, 40));
  scenarioId = await fx.scenario('FIELDS', 2.75, 0);
  const [c1, c2, c3] = [await fx.container('F1'), await fx.container('F2'), await fx.container('F3')];
  containerId = c1!;
  batchA = await fx.batch('FIELDS-A', start, scenarioId);
  a1 = await fx.assignment(batchA, c1!, 'SMOLT', start, transferDay, 10_000);
  a2 = await fx.assignment(batchA, c2!, 'SMOLT', transferDay, null, 9_950);
  await fx.placement(batchA, a1, start, 10_000, 60);
  await fx.mortality(batchA, a1, addDays(start, 20), 50);
  await fx.sample(a1, sampleDay, 95, 30);
  await fx.transfer(batchA, a1, a2, transferDay, 9_950);
  await fx.sample(a2, addDays(start, 100), 140, 30);
  batchLate = await fx.batch('FIELDS-LATE', startLate, scenarioId);
  const l1 = await fx.assignment(batchLate, c3!, 'SMOLT', startLate, null, 1_000);
  await fx.placement(batchLate, l1, startLate, 1_000, 60);
  for (const c of [c1!, c2!, c3!]) await fx.temperatures(c, addDays(start, -7), addDays(today, 30), 8);
  const deps = { orm: app.orm, log: pino({ level: 'silent' }), today: () => today };
  await recomputeBatch(deps, batchA);
  await recomputeBatch(deps, batchLate);
}, 120_000);

afterAll(async () => {
  await fx?.close();
  await app?.stop();
});

const gid = (type: string, id: number) => toGlobalId(type, id);

interface StoredDaily {
  date: string;
  batch_id: number;
  population: number;
  tgc_used: number;
  anchor_type: string | null;
  scenario_id: number;
  engine_version: string;
  computed_at: string;
}

const storedDaily = (assignmentId: number, from: string, to: string) =>
  fx.rows<StoredDaily>(
    `select date::text as date, batch_id::int as batch_id, population, tgc_used::float8 as tgc_used, anchor_type, scenario_id::int as scenario_id,
            engine_version, to_char(computed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as computed_at
       from daily_assignment_state where assignment_id = $1 and date between $2 and $3 order by date`,
    [assignmentId, from, to],
  );

describe('Batch.latestState', () => {
  it('is the aggregate row of the latest day on or before asOf (default today), as a one-day point', async () => {
    const asOf = addDays(start, 30);
    const res = await app.graphql<{
      batch: Record<'now' | 'then' | 'before', null | { bucketStart: string; bucketEnd: string; lastDate: string; partial: boolean; dayNumber: number; population: number; biomassKg: number; avgWeightG: number; mortalityCount: number; containerCount: number; dominantStage: { code: string } | null }>;
    }>(
      `query($id: ID!, $asOf: Date!, $before: Date!) { batch(id: $id) {
         now: latestState { bucketStart bucketEnd lastDate partial dayNumber population biomassKg avgWeightG mortalityCount containerCount dominantStage { code } }
         then: latestState(asOf: $asOf) { bucketStart bucketEnd lastDate partial dayNumber population biomassKg avgWeightG mortalityCount containerCount dominantStage { code } }
         before: latestState(asOf: $before) { lastDate }
       } }`,
      { id: gid('Batch', batchA), asOf, before: addDays(start, -1) },
    );
    expect(res.errors).toBeUndefined();
    const stored = async (date: string) =>
      fx.one<{ population: number; biomass_kg: number; avg_weight_g: number; mortality_count: number; container_count: number }>(
        `select population::int as population, biomass_kg::float8 as biomass_kg, avg_weight_g::float8 as avg_weight_g, mortality_count::int as mortality_count,
                container_count::int as container_count
           from batch_daily_state where batch_id = $1 and date = $2`,
        [batchA, date],
      );
    const last = await fx.one<{ date: string }>(`select max(date)::text as date from batch_daily_state where batch_id = $1 and date <= $2`, [batchA, today]);
    expect(last.date).toBe(today);
    for (const [point, date] of [
      [res.data!.batch.now!, today],
      [res.data!.batch.then!, asOf],
    ] as const) {
      const row = await stored(date);
      expect(point).toMatchObject({
        bucketStart: date,
        bucketEnd: date,
        lastDate: date,
        partial: false,
        population: row.population,
        biomassKg: row.biomass_kg,
        avgWeightG: row.avg_weight_g,
        mortalityCount: row.mortality_count,
        containerCount: row.container_count,
      });
      expect(point.dominantStage?.code).toBe('SMOLT');
    }
    expect(res.data!.batch.then!.dayNumber).toBe(31);
    expect(res.data!.batch.before).toBeNull();
  });

  it('loads the latest states of several batches with one statement', async () => {
    const res = await app.graphql<{ nodes: Array<{ latestState: { lastDate: string } | null } | null> }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Batch { latestState { lastDate population } } } }`,
      { ids: [gid('Batch', batchA), gid('Batch', batchLate)] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.nodes.map((n) => n?.latestState?.lastDate ?? null)).toEqual([today, null]);
    // batches by id, latest states
    expect(res.extensions?.sqlStatements).toBe(2);
  });
});

describe('DailyAssignmentState stored columns', () => {
  const FIELDS = `bucketStart bucketEnd lastDate date tgcUsed anchorType anchorCount engineVersion computedAt
    batch { id } scenario { id } assignment { id }`;
  type Point = {
    bucketStart: string;
    bucketEnd: string;
    lastDate: string;
    date: string;
    tgcUsed: number;
    anchorType: string | null;
    anchorCount: number;
    engineVersion: string;
    computedAt: string;
    batch: { id: string };
    scenario: { id: string } | null;
    assignment: { id: string };
  };

  it('exposes the stored values of a DAY bucket', async () => {
    const from = addDays(sampleDay, -2);
    const to = addDays(sampleDay, 2);
    const res = await app.graphql<{ assignment: { dailySeries: Point[] } }>(
      `query($id: ID!, $range: DateRange!) { assignment(id: $id) { dailySeries(range: $range) { ${FIELDS} } } }`,
      { id: gid('BatchContainerAssignment', a1), range: { from, to } },
    );
    expect(res.errors).toBeUndefined();
    const rows = await storedDaily(a1, from, to);
    expect(rows).toHaveLength(5);
    expect(res.data!.assignment.dailySeries).toEqual(
      rows.map((r) => ({
        bucketStart: r.date,
        bucketEnd: r.date,
        lastDate: r.date,
        date: r.date,
        tgcUsed: r.tgc_used,
        anchorType: r.anchor_type === null ? null : r.anchor_type.toUpperCase(),
        anchorCount: r.anchor_type === null ? 0 : 1,
        engineVersion: r.engine_version,
        computedAt: r.computed_at,
        batch: { id: gid('Batch', r.batch_id) },
        scenario: { id: gid('Scenario', r.scenario_id) },
        assignment: { id: gid('BatchContainerAssignment', a1) },
      })),
    );
    const anchor = res.data!.assignment.dailySeries.find((p) => p.date === sampleDay)!;
    expect(anchor.anchorType).toBe('GROWTH_SAMPLE');
    expect(anchor.scenario!.id).toBe(gid('Scenario', scenarioId));
    expect(anchor.engineVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('takes tgcUsed, anchorType, scenario and engineVersion of lastDate and the latest computedAt for a WEEK bucket', async () => {
    // Make the rows of the bucket differ in computed_at, so "latest" is observable.
    const from = start;
    const to = addDays(start, 59);
    await fx.sql.query(
      `update daily_assignment_state set computed_at = timestamptz '2025-01-01T00:00:00Z' + (date - $2::date) * interval '1 minute'
        where assignment_id = $1 and date between $2 and $3`,
      [a1, from, to],
    );
    const res = await app.graphql<{ assignment: { dailySeries: Point[] } }>(
      `query($id: ID!, $range: DateRange!) { assignment(id: $id) { dailySeries(range: $range, bucket: WEEK) { ${FIELDS} } } }`,
      { id: gid('BatchContainerAssignment', a1), range: { from, to } },
    );
    expect(res.errors).toBeUndefined();
    const rows = await storedDaily(a1, from, to);
    const series = res.data!.assignment.dailySeries;
    expect(series.length).toBeGreaterThan(8);
    for (const point of series) {
      const inBucket = rows.filter((r) => r.date >= point.bucketStart && r.date <= point.bucketEnd);
      const last = inBucket.at(-1)!;
      expect(point.date).toBe(point.lastDate);
      expect(point.lastDate).toBe(last.date);
      expect(point.tgcUsed).toBe(last.tgc_used);
      expect(point.anchorType).toBe(last.anchor_type === null ? null : last.anchor_type.toUpperCase());
      expect(point.engineVersion).toBe(last.engine_version);
      expect(point.scenario!.id).toBe(gid('Scenario', last.scenario_id));
      expect(point.computedAt).toBe(inBucket.map((r) => r.computed_at).sort().at(-1));
      expect(point.anchorCount).toBe(inBucket.filter((r) => r.anchor_type !== null).length);
    }
    // The week holding the sample counts it; its anchorType is that of its last day (the sample's only if they coincide).
    const sampleWeek = series.find((p) => p.bucketStart <= sampleDay && p.bucketEnd >= sampleDay)!;
    expect(sampleWeek.anchorCount).toBe(1);
    expect(sampleWeek.anchorType).toBe(sampleWeek.lastDate === sampleDay ? 'GROWTH_SAMPLE' : null);
  });

  it('serves latestState with the new fields, and costs no statement for series that do not ask for computedAt', async () => {
    const asOf = addDays(start, 100);
    const res = await app.graphql<{ assignment: { latestState: Point } }>(
      `query($id: ID!, $asOf: Date!) { assignment(id: $id) { latestState(asOf: $asOf) { ${FIELDS} } } }`,
      { id: gid('BatchContainerAssignment', a2), asOf },
    );
    expect(res.errors).toBeUndefined();
    const [row] = await storedDaily(a2, asOf, asOf);
    expect(res.data!.assignment.latestState).toMatchObject({
      date: asOf,
      tgcUsed: row!.tgc_used,
      anchorType: 'GROWTH_SAMPLE',
      engineVersion: row!.engine_version,
      computedAt: row!.computed_at,
      batch: { id: gid('Batch', batchA) },
    });

    const plain = await app.graphql(
      `query($id: ID!) { assignment(id: $id) { dailySeries { date tgcUsed anchorType engineVersion population } } }`,
      { id: gid('BatchContainerAssignment', a2) },
    );
    expect(plain.errors).toBeUndefined();
    // assignment, daily series
    expect(plain.extensions?.sqlStatements).toBe(2);
  });
});

describe('SeedRun', () => {
  it('exposes the stored profile, hash, wipe and versions, and is reachable through node(id)', async () => {
    const profile = { name: 'demo', geographies: 1, batches: 4 };
    const { id } = await fx.one<{ id: number }>(
      `insert into seed_run (profile_name, profile, profile_hash, prng_seed, today, wipe, workers, status, phase, generator_version, engine_version)
       values ('demo', $1, $2, 42, '2026-01-01', true, 2, 'SUCCEEDED', 'DONE', '1.2.3', '1.0.0') returning id`,
      [JSON.stringify(profile), 'a'.repeat(64)],
    );
    const runId = gid('SeedRun', id);
    const fields = `id profileName profile profileHash wipe generatorVersion engineVersion prngSeed status`;
    const res = await app.graphql<{
      node: Record<string, unknown> | null;
      nodes: Array<Record<string, unknown> | null>;
      seedRun: Record<string, unknown>;
    }>(
      `query($id: ID!, $other: ID!) {
         node(id: $id) { __typename id ... on SeedRun { ${fields} } }
         nodes(ids: [$id, $other]) { __typename id }
         seedRun(id: $id) { ${fields} }
       }`,
      { id: runId, other: gid('Batch', batchA) },
    );
    expect(res.errors).toBeUndefined();
    const expected = {
      id: runId,
      profileName: 'demo',
      profile,
      profileHash: 'a'.repeat(64),
      wipe: true,
      generatorVersion: '1.2.3',
      engineVersion: '1.0.0',
      prngSeed: 42,
      status: 'SUCCEEDED',
    };
    expect(res.data!.node).toEqual({ __typename: 'SeedRun', ...expected });
    expect(res.data!.seedRun).toEqual(expected);
    expect(res.data!.nodes).toEqual([
      { __typename: 'SeedRun', id: runId },
      { __typename: 'Batch', id: gid('Batch', batchA) },
    ]);

    const missing = await app.graphql<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: gid('SeedRun', id + 1000) });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.node).toBeNull();
  });
});

describe('readingSeries span', () => {
  const query = `query($c: ID!, $range: DateRange!, $bucket: TimeBucket!) {
    readingSeries(containerId: $c, parameterCode: "TEMPERATURE", range: $range, bucket: $bucket) { bucketStart readingCount } }`;
  const span = (days: number) => ({ from: addDays(today, -(days - 1)), to: today });

  it('allows at most 1,100 days with bucket DAY', async () => {
    const ok = await app.graphql<{ readingSeries: unknown[] }>(query, { c: gid('Container', containerId), range: span(1_100), bucket: 'DAY' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.readingSeries.length).toBeGreaterThan(DAYS);
    const tooLong = await app.graphql(query, { c: gid('Container', containerId), range: span(1_101), bucket: 'DAY' });
    expect(tooLong.data ?? null).toBeNull();
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0]?.message).toMatch(/1100 days/);
  });

  it('keeps 3,660 days for WEEK and MONTH', async () => {
    for (const bucket of ['WEEK', 'MONTH']) {
      const ok = await app.graphql(query, { c: gid('Container', containerId), range: span(3_660), bucket });
      expect(ok.errors).toBeUndefined();
      const tooLong = await app.graphql(query, { c: gid('Container', containerId), range: span(3_661), bucket });
      expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
