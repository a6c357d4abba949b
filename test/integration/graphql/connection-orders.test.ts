import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { ascending, expectRejected, numericId, sortedIds, walkConnection, type Connection, type Key } from '../../helpers/connections.js';
import { withCursorValues } from '../../helpers/cursors.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * Sort keys and filters of `assignments`, `containers` (UTILISATION_PCT), `seedRuns`, `recomputeJobs` and the filter
 * of `Batch.assignments` (data-model.md §6.3). A small farm written with SQL: geography FO (station with hall A:
 * tanks T1, T2, T4, structural frame S1; sea area North: pen P1) and geography SC (station with hall B: tank T3; sea
 * area West: pen P2); batches A, B, C moving through them. Dates and names repeat so the id tie-breaker decides.
 */

let app: TestApp;
let fx: GrowthFixture;
const ids = { fo: 0, sc: 0, foStation: 0, scStation: 0, hallA: 0, hallB: 0, north: 0, west: 0, penType: 0, scenario: 0 };
const containers: Record<string, number> = {};
const batches: Record<string, number> = {};
const batchNumber: Record<string, string> = { A: 'ORD-A', B: 'ORD-B', C: 'ORD-C' };
interface AssignmentRow {
  id: number;
  batch: string;
  container: string;
  stage: string;
  from: string;
  to: string | null;
}
const assignments: AssignmentRow[] = [];
/** Utilisation on DAY per container name (null: none), from the daily states written below. */
const utilisation: Record<string, number | null> = {};
const DAY = '2024-06-15';


beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  const one = async (sql: string, values: unknown[] = []) => (await fx.one<{ id: number }>(sql, values)).id;
  ids.fo = await one(`select id from geography where code = 'FO'`);
  ids.foStation = await one(`select station_id as id from hall where id = $1`, [fx.ids.hall]);
  ids.hallA = fx.ids.hall;
  ids.sc = await one(`insert into geography (code, name) values ('SC', 'Scotland') returning id`);
  ids.scStation = await one(`insert into freshwater_station (geography_id, name, latitude, longitude) values ($1, 'SC-FW-01', 57, -5) returning id`, [ids.sc]);
  ids.hallB = await one(`insert into hall (station_id, name) values ($1, 'B') returning id`, [ids.scStation]);
  ids.north = await one(`insert into area (geography_id, name, latitude, longitude) values ($1, 'North', 62, -7) returning id`, [ids.fo]);
  ids.west = await one(`insert into area (geography_id, name, latitude, longitude) values ($1, 'West', 57, -6) returning id`, [ids.sc]);
  ids.penType = await one(`insert into container_type (code, name, category, max_volume_m3) values ('PEN', 'Pen', 'PEN', 50000) returning id`);
  ids.scenario = await fx.scenario('ORD', 2.5, 0.01);

  const tank = (name: string, hall: number) =>
    one(`insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 1000, 75000) returning id`, [name, fx.ids.type, hall]);
  const pen = (name: string, area: number) =>
    one(`insert into container (name, container_type_id, area_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 20000, 500000) returning id`, [name, ids.penType, area]);
  containers.T2 = await tank('T2', ids.hallA);
  containers.T1 = await tank('T1', ids.hallA);
  containers.P1 = await pen('P1', ids.north);
  containers.T3 = await tank('T3', ids.hallB);
  containers.P2 = await pen('P2', ids.west);
  containers.T4 = await tank('T4', ids.hallA);
  containers.T5 = await tank('T5', ids.hallA);
  containers.S1 = await one(
    `insert into container (name, container_type_id, hall_id, hierarchy_role, volume_m3, max_biomass_kg) values ('S1', $1, $2, 'STRUCTURAL', 1000, 0) returning id`,
    [fx.ids.type, ids.hallA],
  );
  // Inserted out of name order, so batch number and id orders differ.
  for (const key of ['B', 'C', 'A']) batches[key] = await fx.batch(batchNumber[key]!, '2024-01-01', ids.scenario);

  const moves: Array<[string, string, string, string, string | null]> = [
    ['A', 'T1', 'PARR', '2024-01-01', '2024-03-01'],
    ['A', 'T2', 'PARR', '2024-01-01', '2024-03-01'],
    ['B', 'T3', 'PARR', '2024-01-01', '2024-05-01'],
    ['C', 'P2', 'ADULT', '2024-01-01', '2024-03-01'],
    ['B', 'T1', 'SMOLT', '2024-03-01', '2024-05-01'],
    ['C', 'T2', 'SMOLT', '2024-03-01', null],
    ['A', 'P1', 'ADULT', '2024-03-01', '2024-05-01'],
    ['B', 'P2', 'ADULT', '2024-03-01', '2024-06-01'],
    ['C', 'T1', 'SMOLT', '2024-05-01', null],
    ['A', 'T3', 'SMOLT', '2024-05-01', null],
    ['B', 'P1', 'ADULT', '2024-05-01', null],
    ['A', 'T5', 'SMOLT', '2024-06-01', null],
  ];
  for (const [batch, container, stage, from, to] of moves) {
    const id = await fx.assignment(batches[batch]!, containers[container]!, stage, from, to, 1_000);
    assignments.push({ id, batch, container, stage, from, to });
  }

  // Daily states on DAY: T1 20 %, T2 33.3… %, P1 20 % (a tie with T1), T5 0.0013… %; T3 is occupied but not computed yet.
  const states: Array<[string, number]> = [['T1', 15_000], ['T2', 25_000], ['P1', 100_000], ['T5', 1]];
  for (const [container, biomassKg] of states) {
    const a = assignments.find((row) => row.container === container && row.to === null)!;
    await fx.sql.query(
      `insert into daily_assignment_state (assignment_id, date, batch_id, container_id, day_number, lifecycle_stage_id, population, inflow_count,
         outflow_count, mortality_count, avg_weight_g, biomass_kg, temp_c, feed_kg, growth_kg, tgc_used, sources, confidence, scenario_id,
         engine_version, computed_at)
       values ($1, $2, $3, $4, 10, $5, 1000, 0, 0, 0, 100, $6, 10, 0, 0, 2.5, '{}', '{}', $7, 'test', now())`,
      [a.id, DAY, batches[a.batch], containers[container], fx.ids.stage[a.stage], biomassKg, ids.scenario],
    );
    utilisation[container] = (100 * biomassKg) / (container.startsWith('P') ? 500_000 : 75_000);
  }
  Object.assign(utilisation, { T3: null, S1: null, T4: 0, P2: 0 });
});

const walk = <N extends { id: string }>(query: string, field: string, variables: Record<string, unknown>, first: number) =>
  walkConnection<N>(app, query, field, variables, first);

afterAll(async () => {
  await fx?.close();
  await app?.stop();
});

const ASSIGNMENTS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: AssignmentFilter, $orderBy: [AssignmentOrder!], $direction: SortDirection) {
    assignments(first: $first, after: $after, filter: $filter, orderBy: $orderBy, direction: $direction) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id assignmentDate departureDate container { name } batch { batchNumber } } }
    }
  }
`;
type AssignmentNode = { id: string; assignmentDate: string; departureDate: string | null; container: { name: string }; batch: { batchNumber: string } };

describe('assignments', () => {
  const keyOf: Record<string, Key<AssignmentRow>> = {
    ASSIGNMENT_DATE: (a) => a.from,
    DEPARTURE_DATE: (a) => a.to,
    CONTAINER_NAME: (a) => a.container,
    BATCH_NUMBER: (a) => batchNumber[a.batch]!,
  };

  it('pages by each order field in both directions, every assignment exactly once in order', async () => {
    for (const field of Object.keys(keyOf)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const got = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', { orderBy: [{ field, direction }] }, 5);
        expect(got.ids, `${field} ${direction}`).toEqual(sortedIds(assignments, [[keyOf[field]!, direction]]));
        expect(got.pages).toBe(Math.ceil(assignments.length / 5));
        expect(got.totalCount).toBe(assignments.length);
      }
    }
    const open = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', { orderBy: [{ field: 'DEPARTURE_DATE', direction: 'DESC' }] }, 4);
    const openCount = assignments.filter((a) => a.to === null).length;
    expect(open.nodes.slice(-openCount).every((node) => node.departureDate === null)).toBe(true);
    expect(open.nodes[0]!.departureDate).toBe('2024-06-01');
    const twoKeys = await walk<AssignmentNode>(
      ASSIGNMENTS,
      'assignments',
      { orderBy: [{ field: 'BATCH_NUMBER', direction: 'DESC' }, { field: 'CONTAINER_NAME' }, { field: 'DEPARTURE_DATE', direction: 'DESC' }] },
      3,
    );
    expect(twoKeys.ids).toEqual(sortedIds(assignments, [[keyOf.BATCH_NUMBER!, 'DESC'], [keyOf.CONTAINER_NAME!, 'ASC'], [keyOf.DEPARTURE_DATE!, 'DESC']]));
    expect(twoKeys.nodes.map((node) => node.batch.batchNumber).slice(0, 2)).toEqual(['ORD-C', 'ORD-C']);
  });

  it('keeps the deprecated `direction` (arrival date, then id), with its cursors', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const got = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', { direction }, 5);
      expect(got.ids).toEqual(sortedIds(assignments, [[keyOf.ASSIGNMENT_DATE!, direction]]));
    }
    const byDefault = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', {}, 4);
    expect(byDefault.ids).toEqual(sortedIds(assignments, [[keyOf.ASSIGNMENT_DATE!, 'ASC']]));
    const introspection = await app.graphql<{ __type: { fields: Array<{ name: string; args: Array<{ name: string; isDeprecated: boolean; deprecationReason: string | null }> }> } }>(
      `{ __type(name: "Query") { fields { name args(includeDeprecated: true) { name isDeprecated deprecationReason } } } }`,
    );
    const args = introspection.data!.__type.fields.find((f) => f.name === 'assignments')!.args;
    expect(args.find((a) => a.name === 'direction')).toMatchObject({ isDeprecated: true, deprecationReason: expect.stringMatching(/orderBy/) });
  });

  it('filters by location ids (geography through hall→station or sea area), stage and category', async () => {
    const only = async (filter: Record<string, unknown>) => {
      const { ids: got, totalCount } = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', { filter, orderBy: [{ field: 'CONTAINER_NAME' }] }, 200);
      expect(totalCount).toBe(got.length);
      return ascending(got);
    };
    const idsOf = (predicate: (a: AssignmentRow) => boolean) => ascending(assignments.filter(predicate).map((a) => a.id));
    const inFo = ['T1', 'T2', 'T4', 'T5', 'S1', 'P1'];
    expect(await only({ geographyIds: [toGlobalId('Geography', ids.fo)] })).toEqual(idsOf((a) => inFo.includes(a.container)));
    expect(await only({ geographyIds: [toGlobalId('Geography', ids.sc)] })).toEqual(idsOf((a) => a.container === 'T3' || a.container === 'P2'));
    expect(await only({ stationIds: [toGlobalId('FreshwaterStation', ids.scStation)] })).toEqual(idsOf((a) => a.container === 'T3'));
    expect(await only({ stationIds: [toGlobalId('FreshwaterStation', ids.foStation)] })).toEqual(idsOf((a) => ['T1', 'T2', 'T5'].includes(a.container)));
    expect(await only({ geographyIds: [toGlobalId('Geography', ids.fo)], areaIds: [toGlobalId('Area', ids.north)] })).toEqual(idsOf((a) => a.container === 'P1'));
    expect(await only({ geographyIds: [toGlobalId('Geography', ids.sc)], containerCategories: ['TANK'], activeOn: DAY })).toEqual(
      idsOf((a) => a.container === 'T3' && a.to === null),
    );
    expect(await only({ geographyIds: [] })).toEqual([]);
    // The deprecated default order filters the same way.
    const direct = await walk<AssignmentNode>(ASSIGNMENTS, 'assignments', { filter: { stationIds: [toGlobalId('FreshwaterStation', ids.foStation)] } }, 200);
    expect(ascending(direct.ids)).toEqual(idsOf((a) => ['T1', 'T2', 'T5'].includes(a.container)));
  });

  it('refuses wrong id types, DESC `direction` with orderBy and cursors of another order, before any SQL', async () => {
    expectRejected(await app.graphql(ASSIGNMENTS, { filter: { geographyIds: [toGlobalId('Hall', ids.hallA)] } }), /`filter.geographyIds` contains .*, which is not a Geography id/);
    expectRejected(await app.graphql(ASSIGNMENTS, { filter: { stationIds: [toGlobalId('Geography', ids.fo)] } }), /`filter.stationIds` contains .*, which is not a FreshwaterStation id/);
    expectRejected(
      await app.graphql(ASSIGNMENTS, { orderBy: [{ field: 'DEPARTURE_DATE' }], filter: { stationIds: ['nope'] } }),
      /not a FreshwaterStation id/,
    );
    expectRejected(await app.graphql(ASSIGNMENTS, { direction: 'DESC', orderBy: [{ field: 'CONTAINER_NAME' }] }), /`direction` is deprecated/);
    const legacy = await app.graphql<{ assignments: Connection<AssignmentNode> }>(ASSIGNMENTS, { first: 2 });
    const legacyCursor = legacy.data!.assignments.pageInfo.endCursor;
    expectRejected(await app.graphql(ASSIGNMENTS, { after: legacyCursor, orderBy: [{ field: 'ASSIGNMENT_DATE' }] }), /Invalid cursor/);
    const byName = await app.graphql<{ assignments: Connection<AssignmentNode> }>(ASSIGNMENTS, { first: 2, orderBy: [{ field: 'CONTAINER_NAME' }] });
    const nameCursor = byName.data!.assignments.pageInfo.endCursor!;
    expectRejected(await app.graphql(ASSIGNMENTS, { after: nameCursor, orderBy: [{ field: 'BATCH_NUMBER' }] }), /Invalid cursor/);
    expectRejected(await app.graphql(ASSIGNMENTS, { after: nameCursor }), /Invalid cursor/);
    const departure = await app.graphql<{ assignments: Connection<AssignmentNode> }>(ASSIGNMENTS, { first: 2, orderBy: [{ field: 'DEPARTURE_DATE' }] });
    const forged = withCursorValues(departure.data!.assignments.pageInfo.endCursor!, ["2024-01-01'; drop table batch"]);
    expectRejected(await app.graphql(ASSIGNMENTS, { after: forged, orderBy: [{ field: 'DEPARTURE_DATE' }] }), /Invalid cursor/);
  });
});

const CONTAINERS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: ContainerFilter, $orderBy: [ContainerOrder!], $day: Date) {
    containers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id name maxBiomassKg occupancy(date: $day) { utilisationPct } } }
    }
  }
`;
type ContainerNode = { id: string; name: string; maxBiomassKg: number; occupancy: { utilisationPct: number } | null };

describe('containers by UTILISATION_PCT', () => {
  const rows = () => Object.entries(containers).map(([name, id]) => ({ id, name, pct: utilisation[name] ?? null }));

  it('pages in both directions on `filter.on`: free containers 0, none for structural and uncomputed ones, which sort last', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const got = await walk<ContainerNode>(CONTAINERS, 'containers', { filter: { on: DAY }, orderBy: [{ field: 'UTILISATION_PCT', direction }], day: DAY }, 3);
      expect(got.ids, direction).toEqual(sortedIds(rows(), [[(c) => c.pct, direction]]));
      expect(got.totalCount).toBe(rows().length);
      expect(got.nodes.slice(-2).map((node) => node.name).sort()).toEqual(['S1', 'T3']);
      // The same definition as Container.occupancy: its (rounded) utilisation follows the order.
      const shown = got.nodes.filter((node) => node.occupancy).map((node) => node.occupancy!.utilisationPct);
      expect(shown).toEqual([...shown].sort((a, b) => (direction === 'ASC' ? a - b : b - a)));
      expect(got.nodes.find((node) => node.name === 'T2')!.occupancy!.utilisationPct).toBe(33.33);
    }
    const twoKeys = await walk<ContainerNode>(
      CONTAINERS,
      'containers',
      { filter: { on: DAY }, orderBy: [{ field: 'UTILISATION_PCT', direction: 'DESC' }, { field: 'NAME', direction: 'DESC' }] },
      2,
    );
    expect(twoKeys.nodes.map((node) => node.name)).toEqual(['T2', 'T1', 'P1', 'T5', 'T4', 'P2', 'T3', 'S1']);
  });

  it('defaults to today, combines with filters and keeps NAME and MAX_BIOMASS_KG', async () => {
    // No daily state today: occupied holding containers have none, free ones 0.
    const today = await walk<ContainerNode>(CONTAINERS, 'containers', { orderBy: [{ field: 'UTILISATION_PCT' }] }, 3);
    const free = ['P2', 'T4'].map((name) => containers[name]!);
    expect(today.ids.slice(0, 2)).toEqual(ascending(free));
    const tanks = await walk<ContainerNode>(CONTAINERS, 'containers', { filter: { on: DAY, categories: ['TANK'], occupied: true }, orderBy: [{ field: 'UTILISATION_PCT', direction: 'DESC' }] }, 2);
    expect(tanks.nodes.map((node) => node.name)).toEqual(['T2', 'T1', 'T5', 'T3']);
    expect(tanks.totalCount).toBe(4);
    for (const direction of ['ASC', 'DESC'] as const) {
      const byName = await walk<ContainerNode>(CONTAINERS, 'containers', { orderBy: [{ field: 'NAME', direction }] }, 3);
      expect(byName.ids).toEqual(sortedIds(rows(), [[(c) => c.name, direction]]));
      const byCapacity = await walk<ContainerNode>(CONTAINERS, 'containers', { orderBy: [{ field: 'MAX_BIOMASS_KG', direction }] }, 3);
      expect(byCapacity.ids).toEqual(sortedIds(rows(), [[(c) => (c.name === 'S1' ? 0 : c.name.startsWith('P') ? 500_000 : 75_000), direction]]));
    }
    const byGeography = await walk<ContainerNode>(CONTAINERS, 'containers', { filter: { geographyIds: [toGlobalId('Geography', ids.sc)] }, orderBy: [{ field: 'UTILISATION_PCT' }] }, 1);
    expect(ascending(byGeography.ids)).toEqual(ascending([containers.T3!, containers.P2!]));
  });

  it('refuses forged cursor values and wrong id types', async () => {
    const page = await app.graphql<{ containers: Connection<ContainerNode> }>(CONTAINERS, { first: 1, filter: { on: DAY }, orderBy: [{ field: 'UTILISATION_PCT' }] });
    const cursor = page.data!.containers.pageInfo.endCursor!;
    expectRejected(await app.graphql(CONTAINERS, { after: withCursorValues(cursor, ['1e5']), orderBy: [{ field: 'UTILISATION_PCT' }] }), /Invalid cursor/);
    expectRejected(await app.graphql(CONTAINERS, { after: cursor, orderBy: [{ field: 'MAX_BIOMASS_KG' }] }), /Invalid cursor/);
    expectRejected(await app.graphql(CONTAINERS, { filter: { stationIds: [toGlobalId('Hall', ids.hallA)] }, orderBy: [{ field: 'UTILISATION_PCT' }] }), /not a FreshwaterStation id/);
  });
});

const SEED_RUNS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: SeedRunFilter, $orderBy: [SeedRunOrder!]) {
    seedRuns(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id status requestedAt } }
    }
  }
`;
const RECOMPUTE_JOBS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: RecomputeJobFilter, $orderBy: [RecomputeJobOrder!]) {
    recomputeJobs(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id status requestedAt batch { batchNumber } } }
    }
  }
`;
type RunNode = { id: string; status: string; requestedAt: string };

describe('seedRuns and recomputeJobs by REQUESTED_AT', () => {
  // Microseconds apart (a JavaScript Date would merge them), with a tie, and not in id order.
  const times = [
    '2026-01-01 10:00:00.000003+00',
    '2026-01-01 10:00:00.000001+00',
    '2026-01-01 10:00:00.000002+00',
    '2026-01-01 10:00:00.000002+00',
    '2025-12-31 23:59:59+00',
    '2026-01-01 10:00:00.0000015+00',
  ];
  const statuses = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED'];
  const runs: Array<{ id: number; at: string; status: string }> = [];
  const jobs: Array<{ id: number; at: string; status: string; batch: string }> = [];

  beforeAll(async () => {
    for (const [i, at] of times.entries()) {
      const { id, t } = await fx.one<{ id: number; t: string }>(
        `insert into seed_run (profile_name, profile, profile_hash, prng_seed, today, workers, status, phase, generator_version, engine_version, requested_at)
         values ('demo', '{}', 'h', 1, '2026-01-01', 1, $1, 'DONE', 't', 't', $2) returning id, to_char(requested_at at time zone 'UTC', 'YYYYMMDDHH24MISSUS') as t`,
        [statuses[i], at],
      );
      runs.push({ id, at: t, status: statuses[i]! });
      const batch = i % 2 === 0 ? 'A' : 'B';
      const job = await fx.one<{ id: number; t: string }>(
        `insert into recompute_job (batch_id, reason, status, not_before, requested_at) values ($1, 'MANUAL', $2, now(), $3)
         returning id, to_char(requested_at at time zone 'UTC', 'YYYYMMDDHH24MISSUS') as t`,
        [batches[batch], statuses[i], at],
      );
      jobs.push({ id: job.id, at: job.t, status: statuses[i]!, batch });
    }
  });

  it('pages seed runs by REQUESTED_AT in both directions and filters by status; the default stays newest id first', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const got = await walk<RunNode>(SEED_RUNS, 'seedRuns', { orderBy: [{ field: 'REQUESTED_AT', direction }] }, 1);
      expect(got.ids, direction).toEqual(sortedIds(runs, [[(r) => r.at, direction]]));
      expect(got.pages).toBe(runs.length);
    }
    const byDefault = await walk<RunNode>(SEED_RUNS, 'seedRuns', {}, 4);
    expect(byDefault.ids).toEqual(runs.map((r) => r.id).reverse());
    const failed = await walk<RunNode>(SEED_RUNS, 'seedRuns', { filter: { statuses: ['FAILED', 'CANCELLED'] }, orderBy: [{ field: 'REQUESTED_AT', direction: 'DESC' }] }, 2);
    expect(failed.ids).toEqual(sortedIds(runs.filter((r) => r.status !== 'SUCCEEDED'), [[(r) => r.at, 'DESC']]));
    expect(failed.totalCount).toBe(3);
    const succeeded = await walk<RunNode>(SEED_RUNS, 'seedRuns', { filter: { statuses: ['SUCCEEDED'] } }, 2);
    expect(succeeded.ids).toEqual(runs.filter((r) => r.status === 'SUCCEEDED').map((r) => r.id).reverse());
    expect(await walk<RunNode>(SEED_RUNS, 'seedRuns', { filter: { statuses: [] } }, 2)).toMatchObject({ ids: [], totalCount: 0 });
  });

  it('pages recompute jobs by REQUESTED_AT in both directions, with their filters', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const got = await walk<RunNode>(RECOMPUTE_JOBS, 'recomputeJobs', { orderBy: [{ field: 'REQUESTED_AT', direction }] }, 2);
      expect(got.ids, direction).toEqual(sortedIds(jobs, [[(j) => j.at, direction]]));
    }
    const ofA = await walk<RunNode>(
      RECOMPUTE_JOBS,
      'recomputeJobs',
      { filter: { batchIds: [toGlobalId('Batch', batches.A!)], statuses: ['SUCCEEDED', 'CANCELLED'] }, orderBy: [{ field: 'REQUESTED_AT' }] },
      1,
    );
    expect(ofA.ids).toEqual(sortedIds(jobs.filter((j) => j.batch === 'A' && j.status !== 'FAILED'), [[(j) => j.at, 'ASC']]));
    expect(ofA.totalCount).toBe(ofA.ids.length);
    const byDefault = await walk<RunNode>(RECOMPUTE_JOBS, 'recomputeJobs', {}, 4);
    expect(byDefault.ids).toEqual(ascending(jobs.map((j) => j.id)).reverse());
  });

  it('refuses forged timestamps, cursors of another order and wrong id types', async () => {
    const page = await app.graphql<{ seedRuns: Connection<RunNode> }>(SEED_RUNS, { first: 1, orderBy: [{ field: 'REQUESTED_AT' }] });
    const cursor = page.data!.seedRuns.pageInfo.endCursor!;
    expectRejected(await app.graphql(SEED_RUNS, { after: withCursorValues(cursor, ['yesterday']), orderBy: [{ field: 'REQUESTED_AT' }] }), /Invalid cursor/);
    expectRejected(await app.graphql(SEED_RUNS, { after: cursor }), /Invalid cursor/);
    const jobPage = await app.graphql<{ recomputeJobs: Connection<RunNode> }>(RECOMPUTE_JOBS, { first: 1 });
    expectRejected(await app.graphql(RECOMPUTE_JOBS, { after: jobPage.data!.recomputeJobs.pageInfo.endCursor, orderBy: [{ field: 'REQUESTED_AT' }] }), /Invalid cursor/);
    expectRejected(
      await app.graphql(RECOMPUTE_JOBS, { filter: { batchIds: [toGlobalId('SeedRun', runs[0]!.id)] }, orderBy: [{ field: 'REQUESTED_AT' }] }),
      /`filter.batchIds` contains .*, which is not a Batch id/,
    );
    const status = await app.graphql(SEED_RUNS, { filter: { statuses: ['DONE'] } });
    expect(status.errors?.[0]?.message).toMatch(/SeedRunStatus/);
  });
});

describe('Batch.assignments(filter)', () => {
  const BATCHES = /* GraphQL */ `
    query($first: Int, $filter: BatchAssignmentFilter) {
      batches(first: $first) {
        edges { node { batchNumber filtered: assignments(filter: $filter) { id } all: assignments { id } active: assignments(activeOn: "${DAY}", filter: $filter) { id } } }
      }
    }
  `;
  type BatchesData = { batches: { edges: Array<{ node: { batchNumber: string; filtered: Array<{ id: string }>; all: Array<{ id: string }>; active: Array<{ id: string }> } }> } };

  it('filters by stage and container category through the loader, in a constant number of statements', async () => {
    const stage = (code: string) => toGlobalId('LifecycleStage', fx.ids.stage[code]!);
    const filter = { stageIds: [stage('SMOLT'), stage('ADULT')], containerCategories: ['TANK'] };
    const res = await app.graphql<BatchesData>(BATCHES, { first: 3, filter });
    expect(res.errors).toBeUndefined();
    for (const { node } of res.data!.batches.edges) {
      const key = Object.keys(batchNumber).find((k) => batchNumber[k] === node.batchNumber)!;
      const mine = assignments.filter((a) => a.batch === key);
      // By arrival date, then id.
      expect(node.all.map((a) => numericId(a.id))).toEqual(sortedIds(mine, [[(a) => a.from, 'ASC']]));
      const expected = mine.filter((a) => a.stage === 'SMOLT' && !a.container.startsWith('P'));
      expect(node.filtered.map((a) => numericId(a.id))).toEqual(sortedIds(expected, [[(a) => a.from, 'ASC']]));
      expect(node.active.map((a) => numericId(a.id))).toEqual(sortedIds(expected.filter((a) => a.to === null), [[(a) => a.from, 'ASC']]));
    }
    const one = await app.graphql<BatchesData>(BATCHES, { first: 1, filter });
    expect(one.extensions?.sqlStatements).toBe(res.extensions?.sqlStatements);
    const empty = await app.graphql<BatchesData>(BATCHES, { first: 3, filter: { stageIds: [] } });
    expect(empty.data!.batches.edges.every(({ node }) => node.filtered.length === 0 && node.all.length > 0)).toBe(true);
    const pens = await app.graphql<BatchesData>(BATCHES, { first: 3, filter: { containerCategories: ['PEN'] } });
    const penIds = pens.data!.batches.edges.flatMap(({ node }) => node.filtered.map((a) => numericId(a.id)));
    expect(ascending(penIds)).toEqual(ascending(assignments.filter((a) => a.container.startsWith('P')).map((a) => a.id)));
  });

  it('refuses a stage id of another type without querying the assignments', async () => {
    const query = `query($id: ID!, $filter: BatchAssignmentFilter) { batch(id: $id) { batchNumber assignments(filter: $filter) { id } } }`;
    const plain = await app.graphql(`query($id: ID!) { batch(id: $id) { batchNumber } }`, { id: toGlobalId('Batch', batches.A!) });
    const res = await app.graphql<{ batch: unknown }>(query, { id: toGlobalId('Batch', batches.A!), filter: { stageIds: [toGlobalId('Batch', batches.A!)] } });
    expect(res.errors?.[0]?.message).toMatch(/`filter.stageIds` contains .*, which is not a LifecycleStage id/);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.extensions?.sqlStatements).toBe(plain.extensions?.sqlStatements);
  });
});
