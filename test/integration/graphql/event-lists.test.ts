import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ascending, expectRejected, numericId, sortedIds, walkConnection, type Connection } from '../../helpers/connections.js';
import { withCursorValues } from '../../helpers/cursors.js';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * Filters and sort keys of the top-level event connections mortalityEvents, growthSamples, harvests and transfers
 * (data-model.md §6.3). A small farm written with SQL: tanks T1, T2 in a hall and pens P1 (area North), P2 (area
 * South); batch A in T1 until 2024-04-01, in T2 from 2024-01-01 and in P1 from 2024-04-01; batch B in T1 from
 * 2024-04-01 and in P2 from 2024-05-01. Dates, counts and weights repeat so the id tie-breaker decides.
 */

let app: TestApp;
let fx: GrowthFixture;
const ids = { batchA: 0, batchB: 0, T1: 0, T2: 0, P1: 0, P2: 0, north: 0, south: 0, aT1: 0, aT2: 0, aP1: 0, bT1: 0, bP2: 0, wf1: 0, wf2: 0 };
/** Batch and container of each assignment. */
const assignmentOf = new Map<number, { batch: number; container: number }>();

interface Row {
  id: number;
  assignment: number;
}
const mortality: Array<Row & { date: string; count: number; cause: string }> = [];
const samples: Array<Row & { date: string; avgWeightG: number }> = [];
const harvests: Array<Row & { date: string; count: number }> = [];
const transfers: Array<{ id: number; batch: number; workflow: number | null; source: number; dest: number; status: string; planned: string | null; executed: string | null }> = [];

const gid = {
  batch: (id: number) => toGlobalId('Batch', id),
  assignment: (id: number) => toGlobalId('BatchContainerAssignment', id),
  container: (id: number) => toGlobalId('Container', id),
  area: (id: number) => toGlobalId('Area', id),
  workflow: (id: number) => toGlobalId('TransferWorkflow', id),
};

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  const geography = (await fx.one<{ id: number }>(`select id from geography where code = 'FO'`)).id;
  for (const [key, name] of [['north', 'North'], ['south', 'South']] as const) {
    ids[key] = (await fx.one<{ id: number }>(`insert into area (geography_id, name, latitude, longitude) values ($1, $2, 62, -7) returning id`, [geography, name])).id;
  }
  ids.T1 = await fx.container('T1');
  ids.T2 = await fx.container('T2');
  for (const [key, area] of [['P1', ids.north], ['P2', ids.south]] as const) {
    ids[key] = (await fx.one<{ id: number }>(
      `insert into container (name, container_type_id, area_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 20000, 500000) returning id`,
      [key, fx.ids.type, area],
    )).id;
  }
  ids.batchA = await fx.batch('EVL-A', '2024-01-01', null);
  ids.batchB = await fx.batch('EVL-B', '2024-04-01', null);
  const assign = async (key: 'aT1' | 'aT2' | 'aP1' | 'bT1' | 'bP2', batch: number, container: number, from: string, to: string | null) => {
    ids[key] = await fx.assignment(batch, container, 'SMOLT', from, to, 1_000);
    assignmentOf.set(ids[key], { batch, container });
  };
  await assign('aT1', ids.batchA, ids.T1, '2024-01-01', '2024-04-01');
  await assign('aT2', ids.batchA, ids.T2, '2024-01-01', null);
  await assign('aP1', ids.batchA, ids.P1, '2024-04-01', null);
  await assign('bT1', ids.batchB, ids.T1, '2024-04-01', null);
  await assign('bP2', ids.batchB, ids.P2, '2024-05-01', null);
  const batchOf = (assignment: number) => assignmentOf.get(assignment)!.batch;

  const deaths: Array<[number, string, number, string]> = [
    [ids.aT1, '2024-01-10', 5, 'DISEASE'],
    [ids.aT1, '2024-02-01', 3, 'HANDLING'],
    [ids.aT2, '2024-02-01', 5, 'UNKNOWN'],
    [ids.aT2, '2024-02-01', 3, 'PREDATION'],
    [ids.aT1, '2024-03-15', 12, 'ENVIRONMENTAL'],
    [ids.aT2, '2024-03-15', 1, 'DISEASE'],
    [ids.bT1, '2024-04-05', 5, 'OTHER'],
    [ids.aP1, '2024-04-05', 7, 'DISEASE'],
    [ids.bT1, '2024-05-01', 3, 'UNKNOWN'],
    [ids.bP2, '2024-05-20', 9, 'PREDATION'],
    [ids.aP1, '2024-06-01', 5, 'HANDLING'],
    [ids.bP2, '2024-06-01', 2, 'DISEASE'],
    [ids.aT2, '2024-06-30', 7, 'UNKNOWN'],
  ];
  for (const [assignment, date, count, cause] of deaths) {
    const { id } = await fx.one<{ id: number }>(
      `insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values ($1, $2, $3, $4, $5, 'test') returning id`,
      [batchOf(assignment), assignment, date, count, cause],
    );
    mortality.push({ id, assignment, date, count, cause });
  }

  const weighings: Array<[number, string, number]> = [
    [ids.aT1, '2024-01-15', 25.5],
    [ids.aT2, '2024-01-15', 25.5],
    [ids.aT1, '2024-02-15', 40],
    [ids.aT2, '2024-03-01', 52.25],
    [ids.aT1, '2024-03-20', 60],
    [ids.bT1, '2024-04-10', 60],
    [ids.aP1, '2024-04-10', 80.75],
    [ids.bP2, '2024-05-15', 95],
    [ids.aT2, '2024-05-15', 52.25],
    [ids.aP1, '2024-06-10', 120],
  ];
  for (const [assignment, date, avgWeightG] of weighings) samples.push({ id: await fx.sample(assignment, date, avgWeightG, 30), assignment, date, avgWeightG });

  const harvested: Array<[number, string, number]> = [
    [ids.aP1, '2024-06-01', 100],
    [ids.bP2, '2024-06-01', 250],
    [ids.aP1, '2024-06-15', 100],
    [ids.aT2, '2024-06-15', 40],
    [ids.bP2, '2024-07-01', 300],
    [ids.aP1, '2024-07-01', 100],
    [ids.bT1, '2024-07-10', 10],
  ];
  for (const [assignment, date, count] of harvested) {
    const { id } = await fx.one<{ id: number }>(
      `insert into harvest_event (batch_id, assignment_id, harvest_date, count, live_biomass_kg, recorded_by) values ($1, $2, $3, $4, $5, 'test') returning id`,
      [batchOf(assignment), assignment, date, count, count * 4.5],
    );
    harvests.push({ id, assignment, date, count });
  }

  for (const [key, n] of [['wf1', 1], ['wf2', 2]] as const) {
    ids[key] = (await fx.one<{ id: number }>(
      `insert into transfer_workflow (batch_id, workflow_number, workflow_type, status, source_stage_id, dest_stage_id, planned_start_date)
       values ($1, $2, 'CONTAINER_REDISTRIBUTION', 'IN_PROGRESS', $3, $3, '2024-03-01') returning id`,
      [ids.batchA, `TRF-EVL-${n}`, fx.ids.stage.SMOLT],
    )).id;
  }
  // Planned actions have no execution date; some completed ones have no planned date (both sort last).
  const moves: Array<[number | null, number, number, string, string | null, string | null]> = [
    [ids.wf1, ids.aT1, ids.aT2, 'COMPLETED', '2024-03-01', '2024-03-01'],
    [ids.wf1, ids.aT1, ids.aT2, 'COMPLETED', null, '2024-03-01'],
    [ids.wf1, ids.aT1, ids.aT2, 'COMPLETED', '2024-03-20', '2024-04-01'],
    [ids.wf2, ids.aT2, ids.aP1, 'COMPLETED', '2024-04-01', '2024-04-02'],
    [ids.wf2, ids.aT2, ids.aP1, 'PLANNED', '2024-07-01', null],
    [null, ids.aT2, ids.aP1, 'PLANNED', '2024-07-01', null],
    [null, ids.aP1, ids.aT2, 'CANCELLED', '2024-05-01', null],
    [null, ids.bT1, ids.bP2, 'COMPLETED', '2024-05-01', '2024-05-01'],
    [null, ids.bT1, ids.bP2, 'PLANNED', '2024-08-01', null],
    [null, ids.bT1, ids.bP2, 'COMPLETED', null, '2024-06-01'],
  ];
  for (const [workflow, source, dest, status, planned, executed] of moves) {
    const batch = batchOf(source);
    const { id } = await fx.one<{ id: number }>(
      `insert into transfer_action (batch_id, workflow_id, source_assignment_id, dest_assignment_id, status, planned_date, execution_date, transferred_count)
       values ($1, $2, $3, $4, $5, $6, $7, 10) returning id`,
      [batch, workflow, source, dest, status, planned, executed],
    );
    transfers.push({ id, batch, workflow, source, dest, status, planned, executed });
  }
});

const walk = <N extends { id: string }>(query: string, field: string, variables: Record<string, unknown>, first: number) =>
  walkConnection<N>(app, query, field, variables, first);

afterAll(async () => {
  await fx?.close();
  await app?.stop();
});

const MORTALITY = /* GraphQL */ `
  query($first: Int, $after: String, $filter: MortalityEventFilter, $orderBy: [MortalityEventOrder!]) {
    mortalityEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id eventDate count cause assignment { id container { name } batch { batchNumber } } } }
    }
  }
`;
type MortalityNode = { id: string; eventDate: string; count: number; cause: string; assignment: { id: string; container: { name: string }; batch: { batchNumber: string } } };

describe('mortalityEvents', () => {
  it('keeps the default order: date newest first, then id', async () => {
    const expected = await fx.rows<{ id: number }>('select id from mortality_event order by event_date desc, id');
    const { ids: got, totalCount, pages } = await walk<MortalityNode>(MORTALITY, 'mortalityEvents', {}, 4);
    expect(got).toEqual(expected.map((row) => row.id));
    expect(totalCount).toBe(mortality.length);
    expect(pages).toBe(Math.ceil(mortality.length / 4));
  });

  it('pages by DATE and COUNT in both directions, every event exactly once in order', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const byDate = await walk<MortalityNode>(MORTALITY, 'mortalityEvents', { orderBy: [{ field: 'DATE', direction }] }, 3);
      expect(byDate.ids).toEqual(sortedIds(mortality, [[(m) => m.date, direction]]));
      const byCount = await walk<MortalityNode>(MORTALITY, 'mortalityEvents', { orderBy: [{ field: 'COUNT', direction }] }, 3);
      expect(byCount.ids).toEqual(sortedIds(mortality, [[(m) => m.count, direction]]));
      expect(new Set(byCount.ids).size).toBe(mortality.length);
      expect(byCount.nodes.map((node) => node.count)).toEqual(sortedIds(mortality, [[(m) => m.count, direction]]).map((id) => mortality.find((m) => m.id === id)!.count));
    }
    const twoKeys = await walk<MortalityNode>(MORTALITY, 'mortalityEvents', { orderBy: [{ field: 'COUNT', direction: 'DESC' }, { field: 'DATE' }] }, 2);
    expect(twoKeys.ids).toEqual(sortedIds(mortality, [[(m) => m.count, 'DESC'], [(m) => m.date, 'ASC']]));
  });

  it('filters by batch, assignment, container (through the assignment), date range and cause', async () => {
    const only = async (filter: Record<string, unknown>) => {
      const { ids: got, totalCount } = await walk<MortalityNode>(MORTALITY, 'mortalityEvents', { filter }, 500);
      expect(totalCount).toBe(got.length);
      return ascending(got);
    };
    const idsOf = (predicate: (m: (typeof mortality)[number]) => boolean) => ascending(mortality.filter(predicate).map((m) => m.id));
    expect(await only({ batchIds: [gid.batch(ids.batchB)] })).toEqual(idsOf((m) => assignmentOf.get(m.assignment)!.batch === ids.batchB));
    expect(await only({ assignmentIds: [gid.assignment(ids.aT2), gid.assignment(ids.bP2)] })).toEqual(idsOf((m) => m.assignment === ids.aT2 || m.assignment === ids.bP2));
    // T1 held batch A until April and batch B after it: both assignments' deaths count.
    const inT1 = await only({ containerIds: [gid.container(ids.T1)] });
    expect(inT1).toEqual(idsOf((m) => m.assignment === ids.aT1 || m.assignment === ids.bT1));
    expect(inT1.length).toBeGreaterThan(0);
    expect(await only({ dateRange: { from: '2024-02-01', to: '2024-04-05' } })).toEqual(idsOf((m) => m.date >= '2024-02-01' && m.date <= '2024-04-05'));
    expect(await only({ causes: ['DISEASE', 'PREDATION'] })).toEqual(idsOf((m) => m.cause === 'DISEASE' || m.cause === 'PREDATION'));
    expect(await only({ batchIds: [gid.batch(ids.batchA)], containerIds: [gid.container(ids.T2), gid.container(ids.P1)], causes: ['UNKNOWN'], dateRange: { from: '2024-01-01', to: '2024-06-01' } })).toEqual(
      idsOf((m) => (m.assignment === ids.aT2 || m.assignment === ids.aP1) && m.cause === 'UNKNOWN' && m.date <= '2024-06-01'),
    );
    expect(await only({ containerIds: [] })).toEqual([]);
    const one = await app.graphql<{ mortalityEvents: Connection<MortalityNode> }>(MORTALITY, { first: 1, filter: { containerIds: [gid.container(ids.P2)] }, orderBy: [{ field: 'COUNT', direction: 'DESC' }] });
    expect(one.data!.mortalityEvents.edges[0]!.node).toMatchObject({ count: 9, cause: 'PREDATION', assignment: { container: { name: 'P2' }, batch: { batchNumber: 'EVL-B' } } });
  });
});

const SAMPLES = /* GraphQL */ `
  query($first: Int, $after: String, $filter: GrowthSampleFilter, $orderBy: [GrowthSampleOrder!]) {
    growthSamples(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id sampleDate avgWeightG assignment { id container { name } } } }
    }
  }
`;
type SampleNode = { id: string; sampleDate: string; avgWeightG: number; assignment: { id: string; container: { name: string } } };

describe('growthSamples', () => {
  it('keeps the default order and pages by DATE and AVG_WEIGHT_G in both directions', async () => {
    const expected = await fx.rows<{ id: number }>('select id from growth_sample order by sample_date desc, id');
    const byDefault = await walk<SampleNode>(SAMPLES, 'growthSamples', {}, 3);
    expect(byDefault.ids).toEqual(expected.map((row) => row.id));
    expect(byDefault.totalCount).toBe(samples.length);
    for (const direction of ['ASC', 'DESC'] as const) {
      const byDate = await walk<SampleNode>(SAMPLES, 'growthSamples', { orderBy: [{ field: 'DATE', direction }] }, 3);
      expect(byDate.ids).toEqual(sortedIds(samples, [[(s) => s.date, direction]]));
      const byWeight = await walk<SampleNode>(SAMPLES, 'growthSamples', { orderBy: [{ field: 'AVG_WEIGHT_G', direction }] }, 3);
      expect(byWeight.ids).toEqual(sortedIds(samples, [[(s) => s.avgWeightG, direction]]));
      expect(byWeight.pages).toBe(Math.ceil(samples.length / 3));
    }
  });

  it('filters by batch, assignment, container and date range', async () => {
    const only = async (filter: Record<string, unknown>) => ascending((await walk<SampleNode>(SAMPLES, 'growthSamples', { filter }, 500)).ids);
    const idsOf = (predicate: (s: (typeof samples)[number]) => boolean) => ascending(samples.filter(predicate).map((s) => s.id));
    expect(await only({ batchIds: [gid.batch(ids.batchA)] })).toEqual(idsOf((s) => assignmentOf.get(s.assignment)!.batch === ids.batchA));
    expect(await only({ assignmentIds: [gid.assignment(ids.aT1)] })).toEqual(idsOf((s) => s.assignment === ids.aT1));
    expect(await only({ containerIds: [gid.container(ids.T1)] })).toEqual(idsOf((s) => assignmentOf.get(s.assignment)!.container === ids.T1));
    expect(await only({ containerIds: [gid.container(ids.T2)], dateRange: { from: '2024-03-01', to: '2024-12-31' } })).toEqual(
      idsOf((s) => s.assignment === ids.aT2 && s.date >= '2024-03-01'),
    );
  });
});

const HARVESTS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: HarvestFilter, $orderBy: [HarvestOrder!]) {
    harvests(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id harvestDate count batch { batchNumber } assignment { id container { name area { name } } } } }
    }
  }
`;
type HarvestNode = { id: string; harvestDate: string; count: number; batch: { batchNumber: string }; assignment: { id: string; container: { name: string; area: { name: string } | null } } };

describe('harvests', () => {
  it('keeps the default order and pages by HARVEST_DATE and COUNT in both directions', async () => {
    const expected = await fx.rows<{ id: number }>('select id from harvest_event order by harvest_date desc, id');
    const byDefault = await walk<HarvestNode>(HARVESTS, 'harvests', {}, 2);
    expect(byDefault.ids).toEqual(expected.map((row) => row.id));
    expect(byDefault.totalCount).toBe(harvests.length);
    for (const direction of ['ASC', 'DESC'] as const) {
      const byDate = await walk<HarvestNode>(HARVESTS, 'harvests', { orderBy: [{ field: 'HARVEST_DATE', direction }] }, 2);
      expect(byDate.ids).toEqual(sortedIds(harvests, [[(h) => h.date, direction]]));
      const byCount = await walk<HarvestNode>(HARVESTS, 'harvests', { orderBy: [{ field: 'COUNT', direction }] }, 2);
      expect(byCount.ids).toEqual(sortedIds(harvests, [[(h) => h.count, direction]]));
      expect(byCount.pages).toBe(Math.ceil(harvests.length / 2));
    }
  });

  it('filters by batch, sea area (through the assignment) and date range', async () => {
    const only = async (filter: Record<string, unknown>) => ascending((await walk<HarvestNode>(HARVESTS, 'harvests', { filter }, 500)).ids);
    const idsOf = (predicate: (h: (typeof harvests)[number]) => boolean) => ascending(harvests.filter(predicate).map((h) => h.id));
    expect(await only({ batchIds: [gid.batch(ids.batchB)] })).toEqual(idsOf((h) => assignmentOf.get(h.assignment)!.batch === ids.batchB));
    expect(await only({ areaIds: [gid.area(ids.north)] })).toEqual(idsOf((h) => h.assignment === ids.aP1));
    expect(await only({ areaIds: [gid.area(ids.north), gid.area(ids.south)], dateRange: { from: '2024-06-02', to: '2024-07-01' } })).toEqual(
      idsOf((h) => (h.assignment === ids.aP1 || h.assignment === ids.bP2) && h.date >= '2024-06-02' && h.date <= '2024-07-01'),
    );
    expect(await only({ areaIds: [] })).toEqual([]);
    const south = await walk<HarvestNode>(HARVESTS, 'harvests', { filter: { areaIds: [gid.area(ids.south)] } }, 500);
    expect(south.nodes.every((node) => node.assignment.container.area?.name === 'South' && node.batch.batchNumber === 'EVL-B')).toBe(true);
  });
});

const TRANSFERS = /* GraphQL */ `
  query($first: Int, $after: String, $filter: TransferFilter, $orderBy: [TransferOrder!]) {
    transfers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id status plannedDate executionDate workflow { id } sourceAssignment { id } destAssignment { id } batch { batchNumber } } }
    }
  }
`;
type TransferNode = { id: string; status: string; plannedDate: string | null; executionDate: string | null; workflow: { id: string } | null; sourceAssignment: { id: string }; destAssignment: { id: string } };

describe('transfers', () => {
  it('keeps the default order: newest execution first, then id, planned ones without a date last', async () => {
    const dated = await fx.rows<{ id: number }>('select id from transfer_action where execution_date is not null order by execution_date desc, id');
    const undated = await fx.rows<{ id: number }>('select id from transfer_action where execution_date is null order by id');
    const { ids: got, totalCount } = await walk<TransferNode>(TRANSFERS, 'transfers', {}, 3);
    expect(got).toEqual([...dated, ...undated].map((row) => row.id));
    expect(totalCount).toBe(transfers.length);
  });

  it('pages by EXECUTION_DATE and PLANNED_DATE in both directions, nulls last, every action exactly once', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const byExecution = await walk<TransferNode>(TRANSFERS, 'transfers', { orderBy: [{ field: 'EXECUTION_DATE', direction }] }, 3);
      expect(byExecution.ids).toEqual(sortedIds(transfers, [[(t) => t.executed, direction]]));
      const byPlan = await walk<TransferNode>(TRANSFERS, 'transfers', { orderBy: [{ field: 'PLANNED_DATE', direction }] }, 3);
      expect(byPlan.ids).toEqual(sortedIds(transfers, [[(t) => t.planned, direction]]));
      expect(byPlan.nodes.slice(-2).map((node) => node.plannedDate)).toEqual([null, null]);
      expect(new Set(byPlan.ids).size).toBe(transfers.length);
    }
    const twoKeys = await walk<TransferNode>(TRANSFERS, 'transfers', { orderBy: [{ field: 'PLANNED_DATE', direction: 'DESC' }, { field: 'EXECUTION_DATE', direction: 'ASC' }] }, 4);
    expect(twoKeys.ids).toEqual(sortedIds(transfers, [[(t) => t.planned, 'DESC'], [(t) => t.executed, 'ASC']]));
  });

  it('filters by batch, assignment (either end), workflow, status and execution date range', async () => {
    const only = async (filter: Record<string, unknown>) => ascending((await walk<TransferNode>(TRANSFERS, 'transfers', { filter }, 500)).ids);
    const idsOf = (predicate: (t: (typeof transfers)[number]) => boolean) => ascending(transfers.filter(predicate).map((t) => t.id));
    expect(await only({ batchIds: [gid.batch(ids.batchB)] })).toEqual(idsOf((t) => t.batch === ids.batchB));
    expect(await only({ assignmentIds: [gid.assignment(ids.aP1)] })).toEqual(idsOf((t) => t.source === ids.aP1 || t.dest === ids.aP1));
    expect(await only({ workflowIds: [gid.workflow(ids.wf2)] })).toEqual(idsOf((t) => t.workflow === ids.wf2));
    expect(await only({ statuses: ['PLANNED'] })).toEqual(idsOf((t) => t.status === 'PLANNED'));
    expect(await only({ dateRange: { from: '2024-03-01', to: '2024-04-01' } })).toEqual(idsOf((t) => t.executed !== null && t.executed >= '2024-03-01' && t.executed <= '2024-04-01'));
    expect(await only({ workflowIds: [gid.workflow(ids.wf1), gid.workflow(ids.wf2)], statuses: ['COMPLETED'], assignmentIds: [gid.assignment(ids.aP1)] })).toEqual(
      idsOf((t) => t.workflow === ids.wf2 && t.status === 'COMPLETED'),
    );
    expect(await only({ workflowIds: [] })).toEqual([]);
  });
});

describe('statement budget', () => {
  it('resolves each list with its relations in a constant number of statements', async () => {
    // Oldest first, so the small page already reaches every relation (workflows, sea areas) the large one does.
    const lists = [
      [MORTALITY, 'mortalityEvents', 'DATE'],
      [SAMPLES, 'growthSamples', 'DATE'],
      [HARVESTS, 'harvests', 'HARVEST_DATE'],
      [TRANSFERS, 'transfers', 'EXECUTION_DATE'],
    ] as const;
    for (const [query, field, orderField] of lists) {
      const orderBy = [{ field: orderField, direction: 'ASC' }];
      const small = await app.graphql<Record<string, Connection<{ id: string }>>>(query, { first: 2, orderBy });
      const large = await app.graphql<Record<string, Connection<{ id: string }>>>(query, { first: 500, orderBy });
      expect(large.errors).toBeUndefined();
      expect(large.data![field]!.edges.length).toBeGreaterThan(5);
      expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    }
  });
});

describe('bad input', () => {
  it('rejects ids of the wrong type before running any SQL', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [MORTALITY, { filter: { containerIds: [toGlobalId('Hall', 1)] } }, /`filter.containerIds` contains .*, which is not a Container id/],
      [MORTALITY, { filter: { assignmentIds: [gid.batch(ids.batchA)] } }, /not a BatchContainerAssignment id/],
      [MORTALITY, { filter: { batchIds: ['not-an-id'] } }, /not a Batch id/],
      [SAMPLES, { filter: { containerIds: [gid.area(ids.north)] } }, /not a Container id/],
      [SAMPLES, { filter: { assignmentIds: [gid.container(ids.T1)] } }, /not a BatchContainerAssignment id/],
      [HARVESTS, { filter: { areaIds: [gid.container(ids.P1)] } }, /`filter.areaIds` contains .*, which is not a Area id/],
      [TRANSFERS, { filter: { workflowIds: [toGlobalId('TransferAction', transfers[0]!.id)] } }, /not a TransferWorkflow id/],
      [TRANSFERS, { filter: { assignmentIds: [gid.workflow(ids.wf1)] } }, /not a BatchContainerAssignment id/],
    ];
    for (const [query, variables, message] of cases) expectRejected(await app.graphql(query, variables), message);
  });

  it('rejects inverted date ranges and pages over 500', async () => {
    const inverted = { filter: { dateRange: { from: '2024-06-01', to: '2024-01-01' } } };
    for (const query of [MORTALITY, SAMPLES, HARVESTS, TRANSFERS]) {
      expectRejected(await app.graphql(query, inverted), /`filter.dateRange.from` \(2024-06-01\) is after `filter.dateRange.to` \(2024-01-01\)/);
      expectRejected(await app.graphql(query, { first: 501 }), /`first` must be between 0 and 500/);
      const max = await app.graphql<Record<string, Connection<{ id: string }>>>(query, { first: 500 });
      expect(max.errors).toBeUndefined();
    }
  });

  it('rejects unknown causes and order fields, and cursors of another order', async () => {
    const cause = await app.graphql(MORTALITY, { filter: { causes: ['DROWNED'] } });
    expect(cause.errors?.[0]?.message).toMatch(/DROWNED/);
    const field = await app.graphql(HARVESTS, { orderBy: [{ field: 'DATE' }] });
    expect(field.errors?.[0]?.message).toMatch(/HarvestOrderField/);
    const page = await app.graphql<{ mortalityEvents: Connection<MortalityNode> }>(MORTALITY, { first: 2 });
    const dateCursor = page.data!.mortalityEvents.pageInfo.endCursor;
    expectRejected(await app.graphql(MORTALITY, { after: dateCursor, orderBy: [{ field: 'COUNT' }] }), /Invalid cursor/);
    const byCount = await app.graphql<{ harvests: Connection<HarvestNode> }>(HARVESTS, { first: 1, orderBy: [{ field: 'COUNT' }] });
    const harvestCursor = withCursorValues(byCount.data!.harvests.pageInfo.endCursor!, ['1; drop table harvest_event']);
    expectRejected(await app.graphql(HARVESTS, { after: harvestCursor, orderBy: [{ field: 'COUNT' }] }), /Invalid cursor/);
    const transferPage = await app.graphql<{ transfers: Connection<TransferNode> }>(TRANSFERS, { first: 1 });
    const transferCursor = withCursorValues(transferPage.data!.transfers.pageInfo.endCursor!, ['2024-13-45x']);
    expectRejected(await app.graphql(TRANSFERS, { after: transferCursor }), /Invalid cursor/);
    // Every keyset list refuses a cursor of another order with a user error (containers used to fail internally).
    const containers = await app.graphql<{ containers: Connection<{ id: string }> }>(
      `query($after: String, $orderBy: [ContainerOrder!]) { containers(first: 1, after: $after, orderBy: $orderBy) { pageInfo { endCursor } edges { node { id } } } }`,
      { orderBy: [{ field: 'NAME' }] },
    );
    expectRejected(
      await app.graphql(`query($after: String) { containers(first: 1, after: $after, orderBy: [{ field: MAX_BIOMASS_KG }]) { edges { node { id } } } }`, {
        after: containers.data!.containers.pageInfo.endCursor,
      }),
      /Invalid cursor/,
    );
    // growthSamples pages over entity columns: its keys check cursor values too.
    const samplePage = await app.graphql<{ growthSamples: Connection<SampleNode> }>(SAMPLES, { first: 2 });
    expectRejected(await app.graphql(SAMPLES, { after: samplePage.data!.growthSamples.pageInfo.endCursor, orderBy: [{ field: 'AVG_WEIGHT_G' }] }), /Invalid cursor/);
    const weightPage = await app.graphql<{ growthSamples: Connection<SampleNode> }>(SAMPLES, { first: 2, orderBy: [{ field: 'AVG_WEIGHT_G' }] });
    expectRejected(await app.graphql(SAMPLES, { after: weightPage.data!.growthSamples.pageInfo.endCursor }), /Invalid cursor/);
  });
});

const BATCH_TRANSFERS = /* GraphQL */ `
  query($ids: [ID!], $filter: BatchTransferFilter) {
    batches(first: 50, filter: { ids: $ids }) { edges { node { id transfers(filter: $filter) { nodes { id status executionDate workflow { id } } } } } }
  }
`;
type BatchTransfersResult = { batches: { edges: Array<{ node: { id: string; transfers: { nodes: TransferNode[] } } }> } };

describe('Batch.transfers(filter)', () => {
  const both = () => [gid.batch(ids.batchA), gid.batch(ids.batchB)];
  /** Transfer ids per batch (numeric), in the order served. */
  const perBatch = async (filter: Record<string, unknown> | null, batchIds = both()) => {
    const res = await app.graphql<BatchTransfersResult>(BATCH_TRANSFERS, { ids: batchIds, filter });
    expect(res.errors).toBeUndefined();
    const byBatch = new Map(res.data!.batches.edges.map(({ node }) => [node.id, node.transfers.nodes.map((t) => Number(numericId(t.id)))]));
    return { a: byBatch.get(gid.batch(ids.batchA)), b: byBatch.get(gid.batch(ids.batchB)), statements: res.extensions?.sqlStatements };
  };
  /** The batch's transfers matching `predicate`, in the field's order: execution date (none last), then id. */
  const expected = (batch: number, predicate: (t: (typeof transfers)[number]) => boolean = () => true) =>
    sortedIds(transfers.filter((t) => t.batch === batch && predicate(t)), [[(t) => t.executed, 'ASC']]);

  it('lists every action of each batch by execution date (none last) when no filter is given', async () => {
    const all = await perBatch(null);
    expect(all.a).toEqual(expected(ids.batchA));
    expect(all.b).toEqual(expected(ids.batchB));
    expect(all.a!.length + all.b!.length).toBe(transfers.length);
    expect(await perBatch({})).toEqual(all);
  });

  it('filters by status, execution date range, workflow and assignment (either end)', async () => {
    const planned = await perBatch({ statuses: ['PLANNED'] });
    expect(planned.a).toEqual(expected(ids.batchA, (t) => t.status === 'PLANNED'));
    expect(planned.b).toEqual(expected(ids.batchB, (t) => t.status === 'PLANNED'));
    expect(planned.a!.length).toBeGreaterThan(0);
    expect((await perBatch({ statuses: ['COMPLETED', 'CANCELLED'] })).a).toEqual(expected(ids.batchA, (t) => t.status !== 'PLANNED'));

    const inRange = (t: (typeof transfers)[number]) => t.executed !== null && t.executed >= '2024-03-01' && t.executed <= '2024-05-01';
    const ranged = await perBatch({ dateRange: { from: '2024-03-01', to: '2024-05-01' } });
    expect(ranged.a).toEqual(expected(ids.batchA, inRange));
    expect(ranged.b).toEqual(expected(ids.batchB, inRange));
    expect(ranged.b).toHaveLength(1);

    const wf2 = await perBatch({ workflowIds: [gid.workflow(ids.wf2)] });
    expect(wf2.a).toEqual(expected(ids.batchA, (t) => t.workflow === ids.wf2));
    expect(wf2.a).toHaveLength(2);
    expect(wf2.b).toEqual([]);

    const intoP1 = await perBatch({ assignmentIds: [gid.assignment(ids.aP1)] });
    expect(intoP1.a).toEqual(expected(ids.batchA, (t) => t.source === ids.aP1 || t.dest === ids.aP1));
    expect(intoP1.b).toEqual([]);
    const ofB = await perBatch({ assignmentIds: [gid.assignment(ids.bP2)] });
    expect(ofB.a).toEqual([]);
    expect(ofB.b).toEqual(expected(ids.batchB));

    const combined = await perBatch({ workflowIds: [gid.workflow(ids.wf1), gid.workflow(ids.wf2)], statuses: ['COMPLETED'], dateRange: { from: '2024-04-01', to: '2024-12-31' } });
    expect(combined.a).toEqual(expected(ids.batchA, (t) => t.workflow !== null && t.status === 'COMPLETED' && t.executed! >= '2024-04-01'));
    expect(combined.a).toHaveLength(2);
    expect((await perBatch({ workflowIds: [] })).a).toEqual([]);
  });

  it('loads a page of batches in one statement per distinct filter', async () => {
    const plain = await perBatch(null);
    const filtered = await perBatch({ statuses: ['COMPLETED'], dateRange: { from: '2024-01-01', to: '2024-12-31' }, assignmentIds: [gid.assignment(ids.aT2), gid.assignment(ids.bT1)] });
    const single = await perBatch({ statuses: ['COMPLETED'] }, [gid.batch(ids.batchA)]);
    expect(filtered.a!.length + filtered.b!.length).toBeGreaterThan(0);
    expect(filtered.statements).toBe(plain.statements);
    expect(single.statements).toBe(plain.statements);
    // A second distinct filter in the same request costs one more statement; a repeated one costs none.
    type Nodes = { nodes: Array<{ id: string }> };
    type Aliased = { batches: { edges: Array<{ node: { id: string; planned: Nodes; completed?: Nodes; again: Nodes } }> } };
    const aliased = (completed: boolean) => `query($ids: [ID!]) { batches(first: 50, filter: { ids: $ids }) { edges { node { id
         planned: transfers(filter: { statuses: [PLANNED] }) { nodes { id } }
         ${completed ? 'completed: transfers(filter: { statuses: [COMPLETED] }) { nodes { id } }' : ''}
         again: transfers(filter: { statuses: [PLANNED] }) { nodes { id } } } } } }`;
    const once = await app.graphql<Aliased>(aliased(false), { ids: both() });
    const twice = await app.graphql<Aliased>(aliased(true), { ids: both() });
    expect(once.errors).toBeUndefined();
    expect(twice.errors).toBeUndefined();
    expect(twice.extensions?.sqlStatements).toBe(once.extensions!.sqlStatements! + 1);
    const served = (list: Nodes) => list.nodes.map((t) => Number(numericId(t.id)));
    expect(twice.data!.batches.edges.map(({ node }) => node.id)).toEqual(both());
    expect(expected(ids.batchA, (t) => t.status === 'PLANNED').length).toBeGreaterThan(0);
    expect(expected(ids.batchA, (t) => t.status === 'COMPLETED').length).toBeGreaterThan(0);
    for (const { node } of twice.data!.batches.edges) {
      const batch = Number(numericId(node.id));
      const planned = expected(batch, (t) => t.status === 'PLANNED');
      const completed = expected(batch, (t) => t.status === 'COMPLETED');
      expect(node.planned.nodes).toHaveLength(planned.length);
      expect(served(node.planned)).toEqual(planned);
      expect(node.completed!.nodes).toHaveLength(completed.length);
      expect(served(node.completed!)).toEqual(completed);
      expect(node.again).toEqual(node.planned);
    }
  });

  it('rejects ids of the wrong type and inverted date ranges before loading any transfer', async () => {
    const batchOnly = await app.graphql(`query($ids: [ID!]) { batches(first: 50, filter: { ids: $ids }) { edges { node { id } } } }`, { ids: both() });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ workflowIds: [toGlobalId('TransferAction', transfers[0]!.id)] }, /`filter.workflowIds` contains .*, which is not a TransferWorkflow id/],
      [{ assignmentIds: [gid.workflow(ids.wf1)] }, /`filter.assignmentIds` contains .*, which is not a BatchContainerAssignment id/],
      [{ assignmentIds: ['not-an-id'] }, /not a BatchContainerAssignment id/],
      [{ dateRange: { from: '2024-06-01', to: '2024-01-01' } }, /`filter.dateRange.from` \(2024-06-01\) is after `filter.dateRange.to` \(2024-01-01\)/],
    ];
    for (const [filter, message] of cases) {
      const res = await app.graphql(BATCH_TRANSFERS, { ids: both(), filter });
      expect(res.errors?.length).toBeGreaterThan(0);
      for (const error of res.errors!) {
        expect(error.message).toMatch(message);
        expect(error.extensions?.code).toBe('BAD_USER_INPUT');
        expect((error as { path?: Array<string | number> }).path?.at(-1)).toBe('transfers');
      }
      expect(res.extensions?.sqlStatements).toBe(batchOnly.extensions?.sqlStatements);
    }
    const unknown = await app.graphql(BATCH_TRANSFERS, { ids: both(), filter: { batchIds: [gid.batch(ids.batchA)] } });
    expect(unknown.errors?.[0]?.message).toMatch(/batchIds/);
  });
});

const BATCH_TRANSFER_PAGE = /* GraphQL */ `
  query($id: ID!, $first: Int, $after: String, $filter: BatchTransferFilter) {
    node(id: $id) { ... on Batch { transfers(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id executionDate } } } } }
  }
`;
type TransferPage = Connection<{ id: string; executionDate: string | null }>;

describe('Batch.transfers as a connection', () => {
  /** Walks a batch's transfers page by page; returns the numeric ids in order, the pages and the totalCounts seen. */
  const walk = async (batch: number, first: number, filter: Record<string, unknown> | null = null) => {
    const seen: number[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { data?: { node: { transfers: TransferPage } } | null; errors?: unknown } = await app.graphql<{ node: { transfers: TransferPage } }>(
        BATCH_TRANSFER_PAGE,
        { id: toGlobalId('Batch', batch), first, after, filter },
      );
      expect(res.errors).toBeUndefined();
      const page = res.data!.node.transfers;
      pages += 1;
      expect(page.edges.length).toBeLessThanOrEqual(first);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      totals.add(page.totalCount!);
      seen.push(...page.edges.map((edge) => Number(numericId(edge.node.id))));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(20);
    }
    return { seen, pages, totals: [...totals] };
  };

  it('pages across undated (planned) transfers: by execution date, undated last, then id, each once', async () => {
    const all = sortedIds(transfers.filter((t) => t.batch === ids.batchA), [[(t) => t.executed, 'ASC']]);
    expect(transfers.filter((t) => t.batch === ids.batchA && t.executed === null).length).toBeGreaterThanOrEqual(2);
    for (const first of [1, 2, 3, 50]) {
      const { seen, pages, totals } = await walk(ids.batchA, first);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / first)));
      expect(totals).toEqual([all.length]);
    }
    // With a filter, paging and totalCount respect it.
    const planned = sortedIds(transfers.filter((t) => t.batch === ids.batchA && t.status !== 'COMPLETED'), [[(t) => t.executed, 'ASC']]);
    const filtered = await walk(ids.batchA, 1, { statuses: ['PLANNED', 'CANCELLED'] });
    expect(filtered.seen).toEqual(planned);
    expect(filtered.totals).toEqual([planned.length]);
  });

  it('rejects a forged cursor and a page size over the cap', async () => {
    const id = toGlobalId('Batch', ids.batchA);
    const bad = await app.graphql(BATCH_TRANSFER_PAGE, { id, first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.message).toMatch(/Invalid cursor/);
    const big = await app.graphql(BATCH_TRANSFER_PAGE, { id, first: 501 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
  });
});

const ASSIGNMENT_EVENTS = /* GraphQL */ `
  query($id: ID!, $first: Int, $after: String) {
    node(id: $id) { ... on BatchContainerAssignment {
      mortalityEvents(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id eventDate count } } } } }
  }
`;

describe('BatchContainerAssignment event connections', () => {
  it('pages an assignment\'s mortality events with first/after: the stored rows by date, then id', async () => {
    for (const assignment of [ids.aT1, ids.aT2, ids.aP1, ids.bT1, ids.bP2]) {
      const stored = sortedIds(mortality.filter((m) => m.assignment === assignment), [[(m) => m.date, 'ASC']]);
      for (const first of [1, 2, 3]) {
        const seen: number[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const res: { data?: { node: { mortalityEvents: Connection<{ id: string }> } } | null; errors?: unknown } = await app.graphql<{
            node: { mortalityEvents: Connection<{ id: string }> };
          }>(ASSIGNMENT_EVENTS, { id: gid.assignment(assignment), first, after });
          expect(res.errors).toBeUndefined();
          const page = res.data!.node.mortalityEvents;
          pages += 1;
          expect(page.totalCount).toBe(stored.length);
          expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
          seen.push(...page.edges.map((edge) => Number(numericId(edge.node.id))));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
          expect(pages).toBeLessThan(20);
        }
        expect(seen).toEqual(stored);
        expect(pages).toBe(Math.max(1, Math.ceil(stored.length / first)));
      }
    }
    // aT2 has two deaths on one day: the id breaks the tie across a page boundary.
    expect(mortality.filter((m) => m.assignment === ids.aT2 && m.date === '2024-02-01')).toHaveLength(2);
  });

  it('serves a page of assignments each asking for connections in one statement per field and page arguments', async () => {
    const query = (batches: number[], extra = '') => app.graphql<{
      batches: { edges: Array<{ node: { assignments: Array<{ id: string; mortalityEvents: { nodes: Array<{ id: string }> }; incomingTransfers: { nodes: Array<{ id: string }> } }> } }> };
    }>(
      `query($ids: [ID!]) { batches(first: 50, filter: { ids: $ids }) { edges { node { assignments { id
         mortalityEvents(first: 2) { nodes { id } } incomingTransfers(first: 1) { nodes { id } } ${extra} } } } } }`,
      { ids: batches.map(gid.batch) },
    );
    const one = await query([ids.batchA]);
    const both = await query([ids.batchA, ids.batchB]);
    expect(one.errors).toBeUndefined();
    expect(both.errors).toBeUndefined();
    expect(both.extensions?.sqlStatements).toBe(one.extensions!.sqlStatements);
    // Each assignment gets its own first page.
    const assignmentsOf = (batches: number[]) => [...assignmentOf].filter(([, a]) => batches.includes(a.batch)).map(([id]) => id).sort((x, y) => x - y);
    const servedAssignments = (edges: Array<{ node: { assignments: Array<{ id: string }> } }>) =>
      edges.flatMap(({ node }) => node.assignments.map((a) => Number(numericId(a.id)))).sort((x, y) => x - y);
    const expectedAssignments = assignmentsOf([ids.batchA, ids.batchB]);
    expect(expectedAssignments).toHaveLength(5);
    expect(both.data!.batches.edges).toHaveLength(2);
    expect(both.data!.batches.edges.flatMap(({ node }) => node.assignments)).toHaveLength(expectedAssignments.length);
    expect(servedAssignments(both.data!.batches.edges)).toEqual(expectedAssignments);
    for (const { node } of both.data!.batches.edges) {
      for (const a of node.assignments) {
        const assignment = Number(numericId(a.id));
        expect(a.mortalityEvents.nodes.map((m) => Number(numericId(m.id)))).toEqual(
          sortedIds(mortality.filter((m) => m.assignment === assignment), [[(m) => m.date, 'ASC']]).slice(0, 2),
        );
        expect(a.incomingTransfers.nodes.map((t) => Number(numericId(t.id)))).toEqual(
          sortedIds(transfers.filter((t) => t.dest === assignment), [[(t) => t.executed, 'ASC']]).slice(0, 1),
        );
      }
    }
    // Another page size is one more statement; a repeated one is none.
    const more = await query([ids.batchA, ids.batchB], 'other: mortalityEvents(first: 3) { nodes { id } } same: mortalityEvents(first: 2) { nodes { id } }');
    expect(more.errors).toBeUndefined();
    expect(more.extensions?.sqlStatements).toBe(both.extensions!.sqlStatements! + 1);
    // totalCount is one grouped count for all assignments of the request, and it is each assignment's own.
    const counted = await query([ids.batchA, ids.batchB], 'counted: mortalityEvents(first: 2) { totalCount }');
    const countedOne = await query([ids.batchA], 'counted: mortalityEvents(first: 2) { totalCount }');
    expect(counted.extensions?.sqlStatements).toBe(both.extensions!.sqlStatements! + 1);
    expect(countedOne.extensions?.sqlStatements).toBe(counted.extensions!.sqlStatements);
    const countedEdges = (counted.data as unknown as { batches: { edges: Array<{ node: { assignments: Array<{ id: string; counted: { totalCount: number } }> } }> } }).batches.edges;
    expect(countedEdges.flatMap(({ node }) => node.assignments)).toHaveLength(expectedAssignments.length);
    expect(servedAssignments(countedEdges)).toEqual(expectedAssignments);
    for (const { node } of countedEdges) {
      for (const a of node.assignments) {
        expect(a.counted.totalCount).toBe(mortality.filter((m) => m.assignment === Number(numericId(a.id))).length);
      }
    }
  });
});
