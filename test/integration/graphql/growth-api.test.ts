import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

let app: TestApp;
let fx: GrowthFixture;
const today = utcDate(new Date());
const start = addDays(today, -20);
const batches: Array<{ id: number; assignments: number[] }> = [];
// At least 100: the constant-statement test pages `batches(first: 100)` (issue #5).
const BATCHES = 100;

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  await fx.dailyPartitions(addDays(start, -10), today);
  const scenario = await fx.scenario('API', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0.05 }]);
  for (let i = 0; i < BATCHES; i++) {
    const t1 = await fx.container(`T${i}a`);
    const t2 = await fx.container(`T${i}b`);
    const batchId = await fx.batch(`API-${String(i).padStart(3, '0')}`, start, scenario);
    const a1 = await fx.assignment(batchId, t1, 'SMOLT', start, addDays(start, 10), 10_000);
    const a2 = await fx.assignment(batchId, t2, 'SMOLT', addDays(start, 10));
    await fx.placement(batchId, a1, start, 10_000, 100);
    await fx.transfer(batchId, a1, a2, addDays(start, 10), 9_990, 105, 10);
    await fx.sample(a2, addDays(start, 15), 120, 30);
    batches.push({ id: batchId, assignments: [a1, a2] });
  }
  // One bulk insert of the daily temperatures of every tank (was two statements per batch).
  await fx.sql.query(
    `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
     select c.id, $1, d::date, 10, 10, 10, 6 from container c cross join generate_series($2::date, $3::date, interval '1 day') d`,
    [fx.ids.temperature, addDays(start, -7), today],
  );
  const deps = { orm: app.orm, log: pino({ level: 'silent' }), today: () => today };
  for (const batch of batches) await recomputeBatch(deps, batch.id);
});

afterAll(async () => {
  await fx.close();
  await app.stop();
});

const batchGid = (id: number) => toGlobalId('Batch', id);

describe('growth series over GraphQL', () => {
  it('finds each assignment\'s latest state: the day before departure, asOf, or the last computed day before asOf', async () => {
    const [closed, open] = batches[1]!.assignments;
    const res = await app.graphql<Record<string, { latestState: { lastDate: string; population: number } | null }>>(
      `query($closed: ID!, $open: ID!, $past: Date!, $future: Date!, $before: Date!) {
         closedNow: assignment(id: $closed) { latestState { lastDate population } }
         closedPast: assignment(id: $closed) { latestState(asOf: $past) { lastDate population } }
         openNow: assignment(id: $open) { latestState { lastDate population } }
         openFuture: assignment(id: $open) { latestState(asOf: $future) { lastDate population } }
         openBefore: assignment(id: $open) { latestState(asOf: $before) { lastDate population } }
       }`,
      {
        closed: toGlobalId('BatchContainerAssignment', closed!),
        open: toGlobalId('BatchContainerAssignment', open!),
        past: addDays(start, 4),
        // Past the computed series: the exact-day probe misses and the backward scan finds today's row.
        future: addDays(today, 30),
        before: addDays(start, 9),
      },
    );
    expect(res.errors).toBeUndefined();
    const d = res.data!;
    // The series of a closed assignment ends the day before departure (its fish leave on the departure day).
    expect(d.closedNow!.latestState!.lastDate).toBe(addDays(start, 9));
    expect(d.closedPast!.latestState!.lastDate).toBe(addDays(start, 4));
    expect(d.closedPast!.latestState!.population).toBeGreaterThan(d.closedNow!.latestState!.population);
    expect(d.openNow!.latestState!.lastDate).toBe(today);
    expect(d.openFuture!.latestState).toEqual(d.openNow!.latestState);
    expect(d.openBefore!.latestState).toBeNull();
  });

  it('serves an assignment daily series with provenance and confidence, and WEEK buckets', async () => {
    const { assignments } = batches[0]!;
    const res = await app.graphql<{
      assignment: {
        dailySeries: Array<{ lastDate: string; population: number; mortalityCount: number; avgWeightG: number; sources: { weight: string; temp: string }; confidence: { weight: number; overall: number } }>;
        weekly: Array<{ bucketStart: string; bucketEnd: string; partial: boolean; population: number; mortalityCount: number }>;
        latestState: { lastDate: string; population: number; lifecycleStage: { code: string } };
      };
    }>(
      `query($id: ID!) { assignment(id: $id) {
         dailySeries { lastDate population mortalityCount avgWeightG sources { weight temp } confidence { weight overall } }
         weekly: dailySeries(bucket: WEEK) { bucketStart bucketEnd partial population mortalityCount }
         latestState { lastDate population lifecycleStage { code } }
       } }`,
      { id: toGlobalId('BatchContainerAssignment', assignments[1]!) },
    );
    expect(res.errors).toBeUndefined();
    const daily = res.data!.assignment.dailySeries;
    expect(daily[0]!.lastDate).toBe(addDays(start, 10));
    expect(daily[0]!.population).toBe(9_990);
    expect(daily[5]!.sources.weight).toBe('MEASURED');
    expect(daily[5]!.avgWeightG).toBe(120);
    expect(daily[5]!.confidence.weight).toBe(1);
    expect(daily[0]!.sources.temp).toBe('MEASURED');
    const weekly = res.data!.assignment.weekly;
    // Flows are sums over the bucket; stocks are the last day's values.
    expect(weekly.reduce((n, w) => n + w.mortalityCount, 0)).toBe(daily.reduce((n, d) => n + d.mortalityCount, 0));
    expect(daily.reduce((n, d) => n + d.mortalityCount, 0)).toBe(9_990 - daily.at(-1)!.population);
    expect(weekly.at(-1)!.population).toBe(daily.at(-1)!.population);
    expect(res.data!.assignment.latestState.lastDate).toBe(today);
  });

  it('serves the batch aggregate series, KPIs and the current stage', async () => {
    const res = await app.graphql<{
      batch: {
        dailySeries: Array<{ lastDate: string; population: number; transferMortalityCount: number; dominantStage: { code: string } }>;
        kpis: { population: number; daysInProduction: number; cumulativeMortalityPct: number; survivalPct: number; currentStage: { code: string }; lastSampleDate: string };
      };
    }>(
      `query($id: ID!) { batch(id: $id) {
         dailySeries { lastDate population transferMortalityCount dominantStage { code } }
         kpis { population daysInProduction cumulativeMortalityPct survivalPct currentStage { code } lastSampleDate }
       } }`,
      { id: batchGid(batches[0]!.id) },
    );
    expect(res.errors).toBeUndefined();
    const series = res.data!.batch.dailySeries;
    expect(series).toHaveLength(21);
    expect(series[10]!.transferMortalityCount).toBe(10);
    const kpis = res.data!.batch.kpis;
    expect(kpis.population).toBe(series.at(-1)!.population);
    expect(kpis.daysInProduction).toBe(21);
    expect(kpis.cumulativeMortalityPct + kpis.survivalPct).toBeCloseTo(100, 6);
    expect(kpis.currentStage.code).toBe('SMOLT');
    expect(kpis.lastSampleDate).toBe(addDays(start, 15));
  });

  it('rejects DAY series longer than 1,100 days and inverted ranges', async () => {
    const query = `query($id: ID!, $range: DateRange) { batch(id: $id) { dailySeries(range: $range) { lastDate } } }`;
    const long = await app.graphql(query, { id: batchGid(batches[0]!.id), range: { from: '2020-01-01', to: '2023-12-31' } });
    expect(long.errors?.[0]?.message).toMatch(/at most 1,?100 days/);
    const inverted = await app.graphql(query, { id: batchGid(batches[0]!.id), range: { from: today, to: start } });
    expect(inverted.errors?.[0]?.message).toMatch(/is after/);
  });

  it('costs a constant number of SQL statements for a page of batches with KPIs, assignments, states and weekly series', async () => {
    const query = `query($first: Int) { batches(first: $first) { edges { node {
      kpis { population fcr30d currentStage { code } }
      assignments { container { hall { station { name } } } latestState { population avgWeightG } }
      dailySeries(bucket: WEEK) { bucketStart population biomassKg }
    } } } }`;
    const small = await app.graphql<{ batches: { edges: unknown[] } }>(query, { first: 3 });
    const large = await app.graphql<{ batches: { edges: unknown[] } }>(query, { first: 100 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(small.data!.batches.edges).toHaveLength(3);
    expect(large.data!.batches.edges).toHaveLength(100);
    // batches, kpis, stages, assignments, latest states, containers, halls, stations, weekly series
    expect(small.extensions?.sqlStatements).toBe(9);
    expect(large.extensions?.sqlStatements).toBe(9);
  });

  it('lists 50 batches with KPIs, species and current stage in at most 6 SQL statements (data-model.md §6.6)', async () => {
    const res = await app.graphql<{ batches: { edges: Array<{ node: { batchNumber: string; species: { name: string }; kpis: { population: number; currentStage: { code: string } } } }> } }>(
      `{ batches(first: 50) { edges { node {
         batchNumber species { name }
         kpis { population biomassKg avgWeightG cumulativeMortalityPct currentStage { code name } }
       } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.batches.edges.map((e) => e.node);
    expect(nodes).toHaveLength(50);
    expect(nodes.every((n) => n.species.name === 'Atlantic Salmon' && n.kpis.currentStage.code === 'SMOLT' && n.kpis.population > 0)).toBe(true);
    // batches, species, kpis, stages
    expect(res.extensions?.sqlStatements).toBe(4);
  });
});

describe('batches filtered by derived values', () => {
  it('filters by location of open assignments, current stage and current population', async () => {
    const ids = await app.graphql<{ geographies: Array<{ id: string }>; lifecycleStages: Array<{ id: string; code: string }>; species: Array<{ id: string }> }>(
      `{ geographies { id } species { id } }`,
    );
    const stages = await app.graphql<{ lifecycleStages: Array<{ id: string; code: string }> }>(
      `query($s: ID!) { lifecycleStages(speciesId: $s) { id code } }`,
      { s: ids.data!.species[0]!.id },
    );
    const smolt = stages.data!.lifecycleStages.find((s) => s.code === 'SMOLT')!.id;
    const parr = stages.data!.lifecycleStages.find((s) => s.code === 'PARR')!.id;
    const count = async (filter: Record<string, unknown>) =>
      (await app.graphql<{ batches: { totalCount: number } }>(`query($f: BatchFilter) { batches(filter: $f) { totalCount } }`, { f: filter })).data!
        .batches.totalCount;
    expect(await count({ geographyIds: [ids.data!.geographies[0]!.id] })).toBe(BATCHES);
    expect(await count({ currentStageIds: [smolt] })).toBe(BATCHES);
    expect(await count({ currentStageIds: [parr] })).toBe(0);
    expect(await count({ population: { min: 9_000, max: 10_000 } })).toBe(BATCHES);
    expect(await count({ population: { min: 20_000 } })).toBe(0);
    expect(await count({ currentStageIds: [smolt], search: 'API-00' })).toBe(10);
  });
});

describe('events of batches and assignments', () => {
  it('pages growth samples per batch with one statement for the whole list, and lists transfers per assignment', async () => {
    const query = `query($first: Int) { batches(first: $first) { edges { node {
      batchNumber
      growthSamples(first: 1) { totalCount pageInfo { hasNextPage } edges { node { sampleDate avgWeightG assignment { assignmentDate } } } }
      transfers { nodes { transferredCount mortalityDuringTransfer sourceAssignment { assignmentDate } destAssignment { assignmentDate } } }
      assignments { incomingTransfers { totalCount nodes { transferredCount } } outgoingTransfers { totalCount nodes { transferredCount } } }
    } } } }`;
    const res = await app.graphql<{
      batches: { edges: Array<{ node: {
        growthSamples: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: Array<{ node: { sampleDate: string; avgWeightG: number; assignment: { assignmentDate: string } } }> };
        transfers: { nodes: Array<{ transferredCount: number; mortalityDuringTransfer: number; sourceAssignment: { assignmentDate: string }; destAssignment: { assignmentDate: string } }> };
        assignments: Array<{
          incomingTransfers: { totalCount: number; nodes: Array<{ transferredCount: number }> };
          outgoingTransfers: { totalCount: number; nodes: Array<{ transferredCount: number }> };
        }>;
      } }> };
    }>(query, { first: 3 });
    expect(res.errors).toBeUndefined();
    const node = res.data!.batches.edges[2]!.node;
    expect(node.growthSamples.edges).toEqual([{ node: { sampleDate: addDays(start, 15), avgWeightG: 120, assignment: { assignmentDate: addDays(start, 10) } } }]);
    expect(node.growthSamples.totalCount).toBe(1);
    expect(node.transfers.nodes).toEqual([
      { transferredCount: 9_990, mortalityDuringTransfer: 10, sourceAssignment: { assignmentDate: start }, destAssignment: { assignmentDate: addDays(start, 10) } },
    ]);
    expect(node.assignments.map((a) => [a.incomingTransfers.nodes.length, a.outgoingTransfers.nodes.length])).toEqual([[0, 1], [1, 0]]);
    expect(node.assignments.map((a) => [a.incomingTransfers.totalCount, a.outgoingTransfers.totalCount])).toEqual([[0, 1], [1, 0]]);
  });
});

describe('top-level event connections', () => {
  it('lists transfers, samples, harvests and mortality across batches, filtered by batch and date', async () => {
    const res = await app.graphql<{
      transfers: { totalCount: number; edges: Array<{ node: { transferredCount: number; batch: { batchNumber: string } } }> };
      growthSamples: { totalCount: number; edges: Array<{ node: { avgWeightG: number } }> };
      all: { totalCount: number };
      harvests: { totalCount: number };
      mortalityEvents: { totalCount: number };
    }>(
      `query($b: [ID!], $r: DateRange) {
        transfers(filter: { batchIds: $b, statuses: [COMPLETED] }) { totalCount edges { node { transferredCount batch { batchNumber } } } }
        growthSamples(filter: { batchIds: $b, dateRange: $r }) { totalCount edges { node { avgWeightG } } }
        all: growthSamples(first: 5) { totalCount }
        harvests { totalCount }
        mortalityEvents(filter: { dateRange: $r }) { totalCount }
      }`,
      { b: [batchGid(batches[3]!.id)], r: { from: start, to: today } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.transfers.edges).toEqual([{ node: { transferredCount: 9_990, batch: { batchNumber: 'API-003' } } }]);
    expect(res.data!.growthSamples.edges).toEqual([{ node: { avgWeightG: 120 } }]);
    expect(res.data!.all.totalCount).toBeGreaterThanOrEqual(BATCHES);
    expect(res.data!.harvests.totalCount).toBe(0);
    expect(res.data!.mortalityEvents.totalCount).toBe(0);
  });
});

describe('sensor readings', () => {
  it('serves bucketed reading series and the latest reading per parameter', async () => {
    const [tank] = await fx.rows<{ id: number }>(`select container_id as id from batch_container_assignment where id = $1`, [batches[0]!.assignments[1]!]);
    const containerId = toGlobalId('Container', tank!.id);
    await fx.sql.query(
      `insert into environmental_reading (container_id, parameter_id, reading_time, value, is_manual)
       values ($1, $2, now() - interval '2 hours', 11.25, false), ($1, $2, now() - interval '1 hour', 11.5, false)`,
      [tank!.id, fx.ids.temperature],
    );
    const res = await app.graphql<{
      readingSeries: Array<{ bucketStart: string; avgValue: number; readingCount: number }>;
      container: { latestReadings: Array<{ parameterCode: string; value: number }> };
    }>(
      `query($c: ID!, $r: DateRange!) {
        readingSeries(containerId: $c, parameterCode: "TEMPERATURE", range: $r, bucket: MONTH) { bucketStart avgValue readingCount }
        container(id: $c) { latestReadings(parameterCodes: ["TEMPERATURE"]) { parameterCode value } }
      }`,
      { c: containerId, r: { from: addDays(today, -9), to: today } },
    );
    expect(res.errors).toBeUndefined();
    const series = res.data!.readingSeries;
    expect(series.reduce((n, b) => n + b.readingCount, 0)).toBe(60);
    expect(series.every((b) => b.avgValue === 10)).toBe(true);
    expect(series[0]!.bucketStart).toBe(addDays(today, -9));
    expect(res.data!.container.latestReadings).toEqual([{ parameterCode: 'TEMPERATURE', value: 11.5 }]);
  });
});

describe('farm analytics', () => {
  it('reports container occupancy, a hall summary and portfolio KPIs from the daily series', async () => {
    const res = await app.graphql<{
      geographies: Array<{ summary: { containers: number; occupiedContainers: number; population: number; biomassKg: number; utilisationPct: number } ; freshwaterStations: Array<{ halls: Array<{ id: string }> }> }>;
      batchKpis: { batches: number; population: number; biomassKg: number; avgWeightG: number; cumulativeMortalityPct: number };
    }>(`{ geographies { summary { containers occupiedContainers population biomassKg utilisationPct } freshwaterStations { halls { id } } }
          batchKpis { batches population biomassKg avgWeightG cumulativeMortalityPct } }`);
    expect(res.errors).toBeUndefined();
    const summary = res.data!.geographies[0]!.summary;
    expect(summary.containers).toBe(BATCHES * 2);
    expect(summary.occupiedContainers).toBe(BATCHES);
    const portfolio = res.data!.batchKpis;
    expect(portfolio.batches).toBe(BATCHES);
    expect(portfolio.population).toBe(summary.population);
    expect(portfolio.biomassKg).toBeCloseTo(summary.biomassKg, 1);
    const hallId = res.data!.geographies[0]!.freshwaterStations[0]!.halls[0]!.id;
    const occupancy = await app.graphql<{ containerOccupancy: Array<{ population: number; utilisationPct: number; batch: { batchNumber: string }; container: { name: string } }> }>(
      `query($h: ID!) { containerOccupancy(filter: { hallIds: [$h] }) { population utilisationPct batch { batchNumber } container { name } } }`,
      { h: hallId },
    );
    expect(occupancy.errors).toBeUndefined();
    expect(occupancy.data!.containerOccupancy).toHaveLength(BATCHES);
    // data-model.md §6.6: container occupancy for a hall ≤ 3 (containers, daily states, batches).
    expect(occupancy.extensions?.sqlStatements).toBeLessThanOrEqual(3);
    const first = occupancy.data!.containerOccupancy[0]!;
    expect(first.container.name).toMatch(/^T\d+b$/);
    expect(first.utilisationPct).toBeGreaterThan(0);
  });

  it('serves a hall\'s container occupancy in at most 3 SQL statements, through the hall too (data-model.md §6.6)', async () => {
    const [hall] = await fx.rows<{ id: number }>(`select id from hall`);
    const expected = await fx.rows<{ name: string; population: number; batch_number: string }>(
      `select c.name, d.population, b.batch_number from daily_assignment_state d join container c on c.id = d.container_id
         join batch b on b.id = d.batch_id where c.hall_id = $1 and d.date = $2 order by c.name, c.id`,
      [hall!.id, today],
    );
    expect(expected).toHaveLength(BATCHES);
    const byHall = await app.graphql<{ node: { containers: Array<{ name: string; occupancy: { population: number; utilisationPct: number; batch: { batchNumber: string } } | null }> } }>(
      `query($h: ID!, $d: Date) { node(id: $h) { ... on Hall { containers { name occupancy(date: $d) { population utilisationPct batch { batchNumber } } } } } }`,
      { h: toGlobalId('Hall', hall!.id), d: today },
    );
    expect(byHall.errors).toBeUndefined();
    const occupied = byHall.data!.node.containers.filter((c) => c.occupancy !== null);
    expect(byHall.data!.node.containers).toHaveLength(BATCHES * 2);
    expect(occupied.map((c) => [c.name, c.occupancy!.population, c.occupancy!.batch.batchNumber]).sort()).toEqual(
      expected.map((r) => [r.name, r.population, r.batch_number]).sort(),
    );
    // hall, containers, daily states, batches
    expect(byHall.extensions?.sqlStatements).toBeLessThanOrEqual(4);
    const direct = await app.graphql<{ containerOccupancy: Array<{ population: number; batch: { batchNumber: string }; container: { name: string } }> }>(
      `query($h: ID!, $d: Date) { containerOccupancy(filter: { hallIds: [$h] }, date: $d) { population utilisationPct densityKgM3 batch { batchNumber } container { name } } }`,
      { h: toGlobalId('Hall', hall!.id), d: today },
    );
    expect(direct.errors).toBeUndefined();
    expect(direct.data!.containerOccupancy.map((o) => [o.container.name, o.population, o.batch.batchNumber])).toEqual(
      expected.map((r) => [r.name, r.population, r.batch_number]),
    );
    expect(direct.extensions?.sqlStatements).toBeLessThanOrEqual(3);
  });
});

describe('growthRecompute and subscriptions', () => {
  it('queues a recompute, streams its progress over WebSocket in order, and refreshes the series', async () => {
    const { id, assignments } = batches[1]!;
    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const statuses: string[] = [];
    const updates: string[] = [];
    let unsubscribeProgress = () => {};
    let unsubscribeUpdates = () => {};
    const done = new Promise<void>((resolve, reject) => {
      unsubscribeProgress = client.subscribe<{ recomputeProgress: { status: string } }>(
        { query: `subscription($b: ID!) { recomputeProgress(filter: { batchId: $b }) { status batch { batchNumber } } }`, variables: { b: batchGid(id) } },
        {
          next: ({ data }) => {
            statuses.push(data!.recomputeProgress.status);
            if (statuses.includes('SUCCEEDED') && updates.includes('DAILY_STATE')) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
      unsubscribeUpdates = client.subscribe<{ batchUpdated: { kind: string } }>(
        { query: `subscription($b: ID!) { batchUpdated(batchId: $b) { kind fromDate batch { batchNumber } } }`, variables: { b: batchGid(id) } },
        {
          next: ({ data }) => {
            updates.push(data!.batchUpdated.kind);
            if (statuses.includes('SUCCEEDED') && updates.includes('DAILY_STATE')) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    // Give the subscriptions a moment to register before the first event.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fx.sample(assignments[1]!, addDays(start, 18), 140, 30);
    const res = await app.graphql<{ growthRecompute: { recomputeJob: { id: string; status: string; reason: string }; userErrors: unknown[] } }>(
      `mutation($input: GrowthRecomputeInput!) { growthRecompute(input: $input) { recomputeJob { id status reason } userErrors { code message } } }`,
      { input: { batchId: batchGid(id), fromDate: addDays(start, 12) } },
    );
    expect(res.data!.growthRecompute.userErrors).toEqual([]);
    expect(res.data!.growthRecompute.recomputeJob).toMatchObject({ status: 'QUEUED', reason: 'MANUAL' });
    await done;
    unsubscribeProgress();
    unsubscribeUpdates();
    await client.dispose();
    expect(statuses).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    expect(updates).toContain('DAILY_STATE');
    const after = await app.graphql<{ assignment: { dailySeries: Array<{ avgWeightG: number; sources: { weight: string } }> } }>(
      `query($id: ID!, $d: Date!) { assignment(id: $id) { dailySeries(range: { from: $d, to: $d }) { avgWeightG sources { weight } } } }`,
      { id: toGlobalId('BatchContainerAssignment', assignments[1]!), d: addDays(start, 18) },
    );
    expect(after.data!.assignment.dailySeries[0]).toEqual({ avgWeightG: 140, sources: { weight: 'MEASURED' } });
  });

  it('returns user errors for an unknown batch or a date outside the batch, and queues nothing', async () => {
    const mutation = `mutation($input: GrowthRecomputeInput!) { growthRecompute(input: $input) { recomputeJob { id } userErrors { code field } } }`;
    const unknown = await app.graphql<{ growthRecompute: { recomputeJob: null; userErrors: Array<{ code: string; field: string[] }> } }>(mutation, {
      input: { batchId: batchGid(999_999) },
    });
    expect(unknown.data!.growthRecompute).toEqual({ recomputeJob: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'batchId'] }] });
    const early = await app.graphql<{ growthRecompute: { userErrors: Array<{ code: string }> } }>(mutation, {
      input: { batchId: batchGid(batches[2]!.id), fromDate: '2001-01-01' },
    });
    expect(early.data!.growthRecompute.userErrors[0]!.code).toBe('VALIDATION');
    const jobs = await fx.rows(`select id from recompute_job where batch_id = $1`, [batches[2]!.id]);
    expect(jobs).toEqual([]);
  });
});
