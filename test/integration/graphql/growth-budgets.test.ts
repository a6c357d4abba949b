import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';
import { numericId } from '../../helpers/connections.js';

/**
 * A 900-day batch (three tanks, two transfers, samples every 45 days, recorded deaths) and a 200-day batch beside
 * it: the growth-chart statement budget of data-model.md §6.6, and the arguments of KPIs, summaries and series,
 * checked against values computed here from the stored daily rows.
 */
let app: TestApp;
let fx: GrowthFixture;
const today = utcDate(new Date());
const LONG_DAYS = 900;
const start = addDays(today, -(LONG_DAYS - 1));
const startB = addDays(today, -199);
let batchA = 0;
let batchB = 0;
let assignmentsA: number[] = [];
let geographyId = 0;

/** Expected weight on batch day `d` (TGC 2.75 at 8 °C from 60 g), for the samples. */
const weightOn = (d: number) => Math.round((60 ** (1 / 3) + (2.75 / 1000) * 8 * d) ** 3 * 10) / 10;

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  await fx.dailyPartitions(addDays(start, -10), today);
  geographyId = (await fx.one<{ id: number }>(`select id from geography`)).id;
  const scenario = await fx.scenario('LONG', 2.75, 0);
  const [c1, c2, c3, c4] = [await fx.container('L1'), await fx.container('L2'), await fx.container('L3'), await fx.container('L4')];
  batchA = await fx.batch('LONG-A', start, scenario);
  const a1 = await fx.assignment(batchA, c1!, 'SMOLT', start, addDays(start, 300), 20_000);
  const a2 = await fx.assignment(batchA, c2!, 'SMOLT', addDays(start, 300), addDays(start, 600), 19_900);
  const a3 = await fx.assignment(batchA, c3!, 'SMOLT', addDays(start, 600), null, 19_700);
  assignmentsA = [a1, a2, a3];
  await fx.placement(batchA, a1, start, 20_000, 60);
  await fx.mortality(batchA, a1, addDays(start, 50), 100);
  await fx.transfer(batchA, a1, a2, addDays(start, 300), 19_900);
  await fx.mortality(batchA, a2, addDays(start, 400), 200);
  await fx.transfer(batchA, a2, a3, addDays(start, 600), 19_700);
  await fx.mortality(batchA, a3, addDays(start, 700), 50);
  for (let d = 45; d < LONG_DAYS; d += 45) {
    await fx.sample(d < 300 ? a1 : d < 600 ? a2 : a3, addDays(start, d), weightOn(d), 30);
  }
  batchB = await fx.batch('LONG-B', startB, scenario);
  const b1 = await fx.assignment(batchB, c4!, 'SMOLT', startB, null, 5_000);
  await fx.placement(batchB, b1, startB, 5_000, 60);
  await fx.sample(b1, addDays(startB, 100), weightOn(100), 30);
  await fx.sql.query(
    `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
     select c.id, $1, d::date, 8, 8, 8, 6 from container c cross join generate_series($2::date, $3::date, interval '1 day') d`,
    [fx.ids.temperature, addDays(start, -7), today],
  );
  const deps = { orm: app.orm, log: pino({ level: 'silent' }), today: () => today };
  await recomputeBatch(deps, batchA);
  await recomputeBatch(deps, batchB);
}, 120_000);

afterAll(async () => {
  await fx.close();
  await app.stop();
});

const gid = (type: string, id: number) => toGlobalId(type, id);

/** Rows of the stored aggregate, grouped into calendar months cut to [from, to] (growth-engine.md §7). */
async function batchMonths(batchId: number, from: string, to: string) {
  return fx.rows<{ bucket_start: string; bucket_end: string; last_date: string; population: number; mortality_count: number; min_weight: number; min_temp: number; last_weight: number }>(
    `select greatest(date_trunc('month', s.date)::date, $2::date)::text as bucket_start,
            least((date_trunc('month', s.date) + interval '1 month - 1 day')::date, $3::date)::text as bucket_end,
            max(s.date)::text as last_date,
            (array_agg(s.population order by s.date desc))[1] as population,
            sum(s.mortality_count)::int as mortality_count,
            min((s.min_confidence->>'weight')::float8) as min_weight,
            min((s.min_confidence->>'temp')::float8) as min_temp,
            (array_agg((s.min_confidence->>'weight')::float8 order by s.date desc))[1] as last_weight
       from batch_daily_state s where s.batch_id = $1 and s.date between $2 and $3
      group by date_trunc('month', s.date) order by 1`,
    [batchId, from, to],
  );
}

describe('statement budgets of data-model.md §6.6', () => {
  it('serves the growth chart of a 900-day batch (daily series, samples, assignments, transfers) in at most 6 SQL statements', async () => {
    const res = await app.graphql<{
      batch: {
        dailySeries: Array<{ lastDate: string; population: number }>;
        growthSamples: { edges: Array<{ node: { sampleDate: string } }> };
        assignments: Array<{ assignmentDate: string }>;
        transfers: { nodes: Array<{ executionDate: string; transferredCount: number }> };
      };
    }>(
      `query($id: ID!) { batch(id: $id) {
         dailySeries { lastDate population avgWeightG biomassKg mortalityCount }
         growthSamples(first: 500) { edges { node { sampleDate avgWeightG } } }
         assignments { assignmentDate departureDate }
         transfers { nodes { executionDate transferredCount } }
       } }`,
      { id: gid('Batch', batchA) },
    );
    expect(res.errors).toBeUndefined();
    const { count } = await fx.one<{ count: number }>(`select count(*)::int as count from batch_daily_state where batch_id = $1`, [batchA]);
    expect(count).toBe(LONG_DAYS);
    expect(res.data!.batch.dailySeries).toHaveLength(LONG_DAYS);
    expect(res.data!.batch.dailySeries.at(-1)!.lastDate).toBe(today);
    expect(res.data!.batch.growthSamples.edges).toHaveLength(19);
    expect(res.data!.batch.assignments).toHaveLength(3);
    expect(res.data!.batch.transfers.nodes.map((t) => t.transferredCount)).toEqual([19_900, 19_700]);
    // batch, daily series, samples, assignments, transfers
    expect(res.extensions?.sqlStatements).toBeLessThanOrEqual(6);
    expect(res.extensions?.sqlStatements).toBe(5);
  });
});

describe('arguments of KPIs, summaries and series', () => {
  it('Batch.kpis(asOf:) gives the figures of that day', async () => {
    const past = addDays(start, 450);
    const res = await app.graphql<{ batch: Record<'now' | 'then', { asOf: string; population: number; biomassKg: number; avgWeightG: number; daysInProduction: number; cumulativeMortalityPct: number }> }>(
      `query($id: ID!, $d: Date) { batch(id: $id) {
         now: kpis { asOf population biomassKg avgWeightG daysInProduction cumulativeMortalityPct }
         then: kpis(asOf: $d) { asOf population biomassKg avgWeightG daysInProduction cumulativeMortalityPct }
       } }`,
      { id: gid('Batch', batchA), d: past },
    );
    expect(res.errors).toBeUndefined();
    const row = await fx.one<{ population: number; biomass_kg: number; avg_weight_g: number; deaths: number; placed: number }>(
      `select s.population, s.biomass_kg, s.avg_weight_g,
              (select sum(mortality_count + transfer_mortality_count) from batch_daily_state where batch_id = $1 and date <= $2)::float8 as deaths,
              (select sum(placement_count) from batch_daily_state where batch_id = $1 and date <= $2)::float8 as placed
         from batch_daily_state s where s.batch_id = $1 and s.date = $2`,
      [batchA, past],
    );
    const then = res.data!.batch.then;
    expect(then.asOf).toBe(past);
    expect(then.daysInProduction).toBe(451);
    expect(Number(then.population)).toBe(Number(row.population));
    expect(then.biomassKg).toBeCloseTo(Number(row.biomass_kg), 2);
    expect(then.avgWeightG).toBeCloseTo(Number(row.avg_weight_g), 2);
    expect(then.cumulativeMortalityPct).toBeCloseTo((100 * row.deaths) / row.placed, 3);
    expect(res.data!.batch.now.asOf).toBe(today);
    expect(Number(res.data!.batch.now.population)).toBeLessThan(Number(then.population));
  });

  it('Geography.summary(asOf:) sums the containers of that day', async () => {
    const days = [addDays(start, 450), addDays(start, -5), today];
    const res = await app.graphql<{ node: Record<string, { asOf: string; containers: number; occupiedContainers: number; population: number; biomassKg: number }> }>(
      `query($g: ID!, $d0: Date, $d1: Date, $d2: Date) { node(id: $g) { ... on Geography {
         d0: summary(asOf: $d0) { asOf containers occupiedContainers population biomassKg }
         d1: summary(asOf: $d1) { asOf containers occupiedContainers population biomassKg }
         d2: summary(asOf: $d2) { asOf containers occupiedContainers population biomassKg }
       } } }`,
      { g: gid('Geography', geographyId), d0: days[0], d1: days[1], d2: days[2] },
    );
    expect(res.errors).toBeUndefined();
    for (const [i, day] of days.entries()) {
      const want = await fx.one<{ containers: number; occupied: number; population: string; biomass_kg: number }>(
        `select count(*)::int as containers, count(d.container_id)::int as occupied, coalesce(sum(d.population), 0)::text as population,
                coalesce(sum(d.biomass_kg), 0)::float8 as biomass_kg
           from container c left join daily_assignment_state d on d.container_id = c.id and d.date = $1 and d.population > 0`,
        [day],
      );
      const got = res.data!.node[`d${i}`]!;
      expect(got.asOf).toBe(day);
      expect(got.containers).toBe(want.containers);
      expect(got.occupiedContainers).toBe(want.occupied);
      expect(String(got.population)).toBe(want.population);
      expect(got.biomassKg).toBeCloseTo(want.biomass_kg, 1);
    }
    expect(res.data!.node.d0!.occupiedContainers).toBe(1);
    expect(res.data!.node.d1!.occupiedContainers).toBe(0);
    expect(res.data!.node.d2!.occupiedContainers).toBe(2);
  });

  it('batchKpis(filter:, asOf:) narrows to the matching batches on that day', async () => {
    const day = addDays(today, -10);
    const past = addDays(start, 450);
    const res = await app.graphql<{ all: { batches: number; population: number; asOf: string }; onlyA: { batches: number; population: number }; onlyB: { batches: number; population: number }; aThen: { batches: number; population: number; asOf: string } }>(
      `query($d: Date, $p: Date, $b: ID!) {
         all: batchKpis(asOf: $d) { asOf batches population }
         onlyA: batchKpis(filter: { search: "LONG-A" }, asOf: $d) { batches population }
         onlyB: batchKpis(filter: { ids: [$b] }, asOf: $d) { batches population }
         aThen: batchKpis(filter: { search: "LONG-A" }, asOf: $p) { asOf batches population }
       }`,
      { d: day, p: past, b: gid('Batch', batchB) },
    );
    expect(res.errors).toBeUndefined();
    const pop = async (batchId: number, date: string) =>
      Number((await fx.one<{ population: number }>(`select population from batch_daily_state where batch_id = $1 and date = $2`, [batchId, date])).population);
    const [a, b, aPast] = [await pop(batchA, day), await pop(batchB, day), await pop(batchA, past)];
    expect(res.data!.all).toMatchObject({ asOf: day, batches: 2 });
    expect(Number(res.data!.all.population)).toBe(a + b);
    expect(res.data!.onlyA.batches).toBe(1);
    expect(Number(res.data!.onlyA.population)).toBe(a);
    expect(res.data!.onlyB.batches).toBe(1);
    expect(Number(res.data!.onlyB.population)).toBe(b);
    expect(res.data!.aThen).toMatchObject({ asOf: past, batches: 1 });
    expect(Number(res.data!.aThen.population)).toBe(aPast);
    expect(aPast).not.toBe(a);
  });

  it('Batch.dailySeries(range:, bucket: MONTH) cuts calendar months to the range and reports each bucket\'s minimum confidence', async () => {
    const from = addDays(start, 100);
    const to = addDays(start, 250);
    const res = await app.graphql<{
      batch: { dailySeries: Array<{ bucketStart: string; bucketEnd: string; lastDate: string; population: number; mortalityCount: number; minConfidence: { weight: number; temp: number } }> };
    }>(
      `query($id: ID!, $r: DateRange) { batch(id: $id) {
         dailySeries(range: $r, bucket: MONTH) { bucketStart bucketEnd lastDate population mortalityCount minConfidence { weight temp } }
       } }`,
      { id: gid('Batch', batchA), r: { from, to } },
    );
    expect(res.errors).toBeUndefined();
    const want = await batchMonths(batchA, from, to);
    expect(want.length).toBeGreaterThanOrEqual(5);
    const got = res.data!.batch.dailySeries;
    expect(got.map((p) => [p.bucketStart, p.bucketEnd, p.lastDate, Number(p.population), p.mortalityCount])).toEqual(
      want.map((w) => [w.bucket_start, w.bucket_end, w.last_date, Number(w.population), w.mortality_count]),
    );
    expect(got[0]!.bucketStart).toBe(from);
    expect(got.at(-1)!.bucketEnd).toBe(to);
    for (const [i, w] of want.entries()) {
      expect(got[i]!.minConfidence.weight).toBeCloseTo(w.min_weight, 6);
      expect(got[i]!.minConfidence.temp).toBeCloseTo(w.min_temp, 6);
    }
    // The fixture makes the minimum differ from the bucket's last day somewhere (samples every 45 days).
    expect(want.some((w) => w.min_weight < w.last_weight)).toBe(true);
  });

  it('BatchContainerAssignment.dailySeries(bucket: MONTH) buckets the stay by calendar month', async () => {
    const a2 = assignmentsA[1]!;
    const res = await app.graphql<{ assignment: { dailySeries: Array<{ bucketStart: string; bucketEnd: string; lastDate: string; population: number; mortalityCount: number; avgWeightG: number }> } }>(
      `query($id: ID!) { assignment(id: $id) { dailySeries(bucket: MONTH) { bucketStart bucketEnd lastDate population mortalityCount avgWeightG } } }`,
      { id: gid('BatchContainerAssignment', a2) },
    );
    expect(res.errors).toBeUndefined();
    const from = addDays(start, 300);
    const to = addDays(start, 599);
    const want = await fx.rows<{ bucket_start: string; bucket_end: string; last_date: string; population: number; mortality_count: number; avg_weight_g: number }>(
      `select greatest(date_trunc('month', d.date)::date, $2::date)::text as bucket_start,
              least((date_trunc('month', d.date) + interval '1 month - 1 day')::date, $3::date)::text as bucket_end,
              max(d.date)::text as last_date,
              (array_agg(d.population order by d.date desc))[1] as population,
              sum(d.mortality_count)::int as mortality_count,
              (array_agg(d.avg_weight_g order by d.date desc))[1]::float8 as avg_weight_g
         from daily_assignment_state d where d.assignment_id = $1
        group by date_trunc('month', d.date) order by 1`,
      [a2, from, to],
    );
    expect(want.length).toBeGreaterThanOrEqual(10);
    const got = res.data!.assignment.dailySeries;
    expect(got.map((p) => [p.bucketStart, p.bucketEnd, p.lastDate, p.population, p.mortalityCount])).toEqual(
      want.map((w) => [w.bucket_start, w.bucket_end, w.last_date, Number(w.population), w.mortality_count]),
    );
    for (const [i, w] of want.entries()) expect(got[i]!.avgWeightG).toBeCloseTo(w.avg_weight_g, 2);
    expect(got.reduce((n, p) => n + p.mortalityCount, 0)).toBeGreaterThanOrEqual(200);
  });

  it('lists the 20 newest recompute jobs of a batch, newest first', async () => {
    for (let i = 0; i < 23; i++) {
      await fx.sql.query(
        `insert into recompute_job (batch_id, reason, status, not_before, requested_at) values ($1, 'MANUAL', 'SUCCEEDED', now(), now() - make_interval(mins => $2))`,
        [batchB, (i * 7) % 23],
      );
    }
    const want = await fx.rows<{ id: string }>(`select id::text from recompute_job where batch_id = $1 order by requested_at desc, id desc limit 20`, [batchB]);
    const res = await app.graphql<{ batch: { recomputeJobs: Array<{ id: string }> } }>(`query($id: ID!) { batch(id: $id) { recomputeJobs { id } } }`, {
      id: gid('Batch', batchB),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.batch.recomputeJobs.map((job) => String(numericId(job.id)))).toEqual(want.map((row) => row.id));
    expect(want).toHaveLength(20);
  });
});
