import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import type { GraphQLResponse } from '../../helpers/app.js';
import { numericId, sortedIds, type Connection } from '../../helpers/connections.js';
import { daysAgo, gid, MutationEnv, USER_ERRORS } from '../mutations/mutation-fixtures.js';

/**
 * Relation and computed fields of data-model.md §6.2 checked against the database: batch and container of the
 * assignment events, LiceCount.adultFemalesPerFish, Treatment.vaccinationType, Species.defaultScenario, the
 * batch's seedRun, creation and placements, MortalityReport.assignment, TransferWorkflow.progressPct, and the
 * transferWorkflows filter (assignmentIds, dateRange) and EXECUTION_DATE order. Rows are written with SQL.
 */

let env: MutationEnv;
const start = daysAgo(60);
const day = (n: number) => addDays(start, n);
const ids = { batchA: 0, batchB: 0, aT1: 0, aT2: 0, bT3: 0, bT4: 0, run: 0, creation: 0, vaccine: 0 };
const workflows: Array<{ id: number; planned: string; started: string | null }> = [];

const q = <T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> => env.mutate<T>(query, variables);

beforeAll(async () => {
  env = await MutationEnv.start();
  const a = await env.batch('REL-A', start, [env.ids.tanks[0]!, env.ids.tanks[1]!]);
  const b = await env.batch('REL-B', start, [env.ids.tanks[2]!]);
  [ids.batchA, ids.aT1, ids.aT2] = [a.id, a.assignments[0]!, a.assignments[1]!];
  [ids.batchB, ids.bT3] = [b.id, b.assignments[0]!];
  ids.bT4 = (await env.one<{ id: number }>(
    `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, opening_population)
     values ($1, $2, $3, $4, 0) returning id`,
    [ids.batchB, env.ids.tanks[3]!, env.ids.stages.PARR, day(10)],
  )).id;

  ids.run = (await env.one<{ id: number }>(
    `insert into seed_run (profile_name, profile, profile_hash, prng_seed, today, workers, status, phase, generator_version, engine_version)
     values ('demo', '{}', 'h', 1, $1, 1, 'SUCCEEDED', 'DONE', 't', 't') returning id`,
    [daysAgo(1)],
  )).id;
  await env.sql.query('update batch set seed_run_id = $1 where id = $2', [ids.run, ids.batchA]);
  ids.creation = (await env.one<{ id: number }>(
    `insert into batch_creation (batch_id, creation_number, egg_source, planned_egg_count) values ($1, 'CRT-REL-A', 'EXTERNAL', 5000) returning id`,
    [ids.batchA],
  )).id;
  // The first tank's placement belongs to the delivery; the second is a placement outside it.
  await env.sql.query('update batch_placement set creation_id = $1 where assignment_id = $2', [ids.creation, ids.aT1]);

  const assignments = [ids.aT1, ids.aT2, ids.bT3];
  const batchOf = (assignment: number) => (assignment === ids.bT3 ? ids.batchB : ids.batchA);
  for (let i = 0; i < 12; i++) {
    const assignment = assignments[i % 3]!;
    await env.sql.query(
      `insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values ($1, $2, $3, $4, 'DISEASE', 'test')`,
      [batchOf(assignment), assignment, day(1 + (i % 5)), 1 + i],
    );
    if (i < 6) {
      await env.sql.query(
        `insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by) values ($1, $2, 30, $3, 'test')`,
        [assignment, day(7 + i), 50 + i],
      );
    }
  }

  ids.vaccine = (await env.one<{ id: number }>(`insert into vaccination_type (name, manufacturer) values ('AquaVac', 'MSD') returning id`)).id;
  for (const [i, assignment] of [ids.aT1, ids.aT2, ids.bT3, ids.aT1].entries()) {
    const vaccination = i % 2 === 0;
    await env.sql.query(
      `insert into treatment (assignment_id, treatment_date, treatment_type, vaccination_type_id, product, recorded_by) values ($1, $2, $3, $4, 'P', 'test')`,
      [assignment, day(3 + i), vaccination ? 'VACCINATION' : 'MEDICATION', vaccination ? ids.vaccine : null],
    );
  }

  // Adult females of both species count; the last count has no ADULT_FEMALE entry (the stage was not counted).
  const counts: Array<[number, number, Array<[string, string, number]>]> = [
    [ids.aT1, 20, [['L_SALMONIS', 'ADULT_FEMALE', 7], ['L_SALMONIS', 'CHALIMUS', 12], ['C_ELONGATUS', 'ADULT_FEMALE', 3]]],
    [ids.aT2, 15, [['L_SALMONIS', 'ADULT_FEMALE', 0], ['L_SALMONIS', 'ADULT_MALE', 4]]],
    [ids.bT3, 30, [['L_SALMONIS', 'ADULT_FEMALE', 11]]],
    [ids.bT3, 10, [['L_SALMONIS', 'PRE_ADULT', 2]]],
  ];
  for (const [i, [assignment, fish, entries]] of counts.entries()) {
    const { id } = await env.one<{ id: number }>(
      `insert into lice_count (assignment_id, count_date, fish_sampled, method, recorded_by) values ($1, $2, $3, 'MANUAL', 'test') returning id`,
      [assignment, day(20 + i), fish],
    );
    for (const [species, stage, n] of entries) {
      await env.sql.query('insert into lice_count_entry (lice_count_id, lice_species, lice_stage, count) values ($1, $2, $3, $4)', [id, species, stage, n]);
    }
  }

  // Workflows: actions as [source, dest, status, execution day]; actual_start_date as syncWorkflowStatus derives it.
  const plans: Array<[number, string, Array<[number, number, string, string | null]>]> = [
    [ids.batchA, day(30), [[ids.aT1, ids.aT2, 'COMPLETED', day(31)], [ids.aT1, ids.aT2, 'COMPLETED', day(33)], [ids.aT1, ids.aT2, 'PLANNED', null], [ids.aT2, ids.aT1, 'CANCELLED', null]]],
    [ids.batchA, day(30), [[ids.aT2, ids.aT1, 'CANCELLED', null]]],
    [ids.batchB, day(25), [[ids.bT3, ids.bT4, 'COMPLETED', day(26)]]],
    [ids.batchA, day(40), []],
    [ids.batchB, day(35), [[ids.bT3, ids.bT4, 'COMPLETED', day(31)], [ids.bT4, ids.bT3, 'PLANNED', null]]],
  ];
  for (const [i, [batch, planned, actions]] of plans.entries()) {
    const executed = actions.filter((x) => x[2] === 'COMPLETED').map((x) => x[3]!).sort();
    const { id } = await env.one<{ id: number }>(
      `insert into transfer_workflow (batch_id, workflow_number, workflow_type, status, source_stage_id, dest_stage_id, planned_start_date, actual_start_date)
       values ($1, $2, 'CONTAINER_REDISTRIBUTION', 'IN_PROGRESS', $3, $3, $4, $5) returning id`,
      [batch, `TRF-REL-${i}`, env.ids.stages.PARR, planned, executed[0] ?? null],
    );
    workflows.push({ id, planned, started: executed[0] ?? null });
    for (const [source, dest, status, executedOn] of actions) {
      await env.sql.query(
        `insert into transfer_action (batch_id, workflow_id, source_assignment_id, dest_assignment_id, status, planned_date, execution_date, transferred_count)
         values ($1, $2, $3, $4, $5, $6, $7, 10)`,
        [batch, id, source, dest, status, planned, executedOn],
      );
    }
  }
});

afterAll(async () => {
  await env?.stop();
});

type EventNode = { id: string; assignment: { id: string }; batch: { id: string }; container: { id: string } };
const EVENT_LISTS = [
  ['mortalityEvents', 'mortality_event', 'MortalityEventFilter'],
  ['growthSamples', 'growth_sample', 'GrowthSampleFilter'],
  ['treatments', 'treatment', 'TreatmentFilter'],
  ['liceCounts', 'lice_count', 'LiceCountFilter'],
] as const;
const eventQuery = (field: string) => /* GraphQL */ `
  query($first: Int) { ${field}(first: $first) { edges { node { id assignment { id } batch { id } container { id } } } } }
`;

describe('batch and container of assignment events', () => {
  it('resolve through the assignment, as the database joins them', async () => {
    for (const [field, table] of EVENT_LISTS) {
      const res = await q<Record<string, Connection<EventNode>>>(eventQuery(field), { first: 500 });
      expect(res.errors).toBeUndefined();
      const rows = await env.rows<{ id: number; assignment_id: number; batch_id: number; container_id: number }>(
        `select e.id::int, e.assignment_id::int, a.batch_id::int, a.container_id::int from ${table} e join batch_container_assignment a on a.id = e.assignment_id`,
      );
      const expected = new Map(rows.map((row) => [row.id, row]));
      const nodes = res.data![field]!.edges.map((edge) => edge.node);
      expect(nodes.length).toBe(rows.length);
      expect(nodes.length).toBeGreaterThan(3);
      for (const node of nodes) {
        const row = expected.get(numericId(node.id))!;
        expect([numericId(node.assignment.id), numericId(node.batch.id), numericId(node.container.id)], `${field} ${node.id}`).toEqual([
          row.assignment_id,
          row.batch_id,
          row.container_id,
        ]);
      }
    }
  });

  it('costs a constant number of statements per page: the page, assignments, batches, containers', async () => {
    for (const [field] of EVENT_LISTS) {
      const small = await q<Record<string, Connection<EventNode>>>(eventQuery(field), { first: 1 });
      const large = await q<Record<string, Connection<EventNode>>>(eventQuery(field), { first: 500 });
      expect(large.errors).toBeUndefined();
      expect(large.data![field]!.edges.length).toBeGreaterThan(3);
      expect(large.extensions?.sqlStatements, field).toBe(small.extensions?.sqlStatements);
      expect(large.extensions?.sqlStatements, field).toBeLessThanOrEqual(4);
    }
  });
});

describe('computed and stored relations', () => {
  it('computes adultFemalesPerFish from the entries (both species; null without an ADULT_FEMALE entry)', async () => {
    const res = await q<{ liceCounts: Connection<{ id: string; fishSampled: number; adultFemalesPerFish: number | null; entries: Array<{ count: number }> }> }>(
      `{ liceCounts(first: 50) { edges { node { id fishSampled adultFemalesPerFish entries { count } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const rows = await env.rows<{ id: number; per_fish: number | null }>(
      `select c.id::int, round(sum(e.count) filter (where e.lice_stage = 'ADULT_FEMALE')::numeric / c.fish_sampled, 4)::float8 as per_fish
         from lice_count c join lice_count_entry e on e.lice_count_id = c.id group by c.id`,
    );
    const expected = new Map(rows.map((row) => [row.id, row.per_fish]));
    const got = res.data!.liceCounts.edges.map((edge) => [numericId(edge.node.id), edge.node.adultFemalesPerFish] as const);
    expect(new Map(got)).toEqual(expected);
    expect(got.map(([, value]) => value).sort()).toEqual([0, 0.3667, 0.5, null]);
  });

  it('rounds adultFemalesPerFish half to even (growth-engine.md §5.13): 1 female on 32 fish is 0.0312', async () => {
    const { id } = await env.one<{ id: number }>(
      `insert into lice_count (assignment_id, count_date, fish_sampled, method, recorded_by) values ($1, $2, 32, 'MANUAL', 'test') returning id`,
      [ids.aT1, day(30)],
    );
    try {
      await env.sql.query(`insert into lice_count_entry (lice_count_id, lice_species, lice_stage, count) values ($1, 'L_SALMONIS', 'ADULT_FEMALE', 1)`, [id]);
      const res = await q<{ node: { adultFemalesPerFish: number } }>(`query($id: ID!) { node(id: $id) { ... on LiceCount { adultFemalesPerFish } } }`, {
        id: gid('LiceCount', id),
      });
      expect(res.data!.node.adultFemalesPerFish).toBe(0.0312);
    } finally {
      await env.sql.query('delete from lice_count_entry where lice_count_id = $1', [id]);
      await env.sql.query('delete from lice_count where id = $1', [id]);
    }
  });

  it('loads the vaccination type of a treatment', async () => {
    const res = await q<{ treatments: Connection<{ id: string; vaccinationType: { id: string; name: string } | null }> }>(
      `{ treatments(first: 50) { edges { node { id vaccinationType { id name } } } } }`,
    );
    const rows = await env.rows<{ id: number; vaccination_type_id: number | null; name: string | null }>(
      `select t.id::int, t.vaccination_type_id::int, v.name from treatment t left join vaccination_type v on v.id = t.vaccination_type_id`,
    );
    const got = new Map(res.data!.treatments.edges.map((edge) => [numericId(edge.node.id), edge.node.vaccinationType]));
    expect(got.size).toBe(rows.length);
    for (const row of rows) {
      const type = got.get(row.id);
      expect(type ? [numericId(type.id), type.name] : null).toEqual(row.vaccination_type_id ? [row.vaccination_type_id, row.name] : null);
    }
  });

  it("loads a species' default scenario", async () => {
    const res = await q<{ species: Array<{ id: string; defaultScenario: { id: string; name: string } | null }> }>(`{ species { id defaultScenario { id name } } }`);
    const rows = await env.rows<{ id: number; scenario: number | null }>('select id::int, default_scenario_id::int as scenario from species');
    expect(res.data!.species.map((s) => [numericId(s.id), s.defaultScenario && numericId(s.defaultScenario.id)])).toEqual(
      expect.arrayContaining(rows.map((row) => [row.id, row.scenario])),
    );
    expect(res.data!.species.some((s) => s.defaultScenario?.name === 'Zero mortality')).toBe(true);
  });

  it('exposes the seed run, the creation and the placements of a batch with their back references', async () => {
    type Node = {
      id: string;
      seedRun: { id: string; status: string } | null;
      creation: { id: string; batch: { id: string } } | null;
      placements: Array<{ id: string; batch: { id: string }; creation: { id: string } | null }>;
    };
    const res = await q<{ batches: Connection<Node> }>(
      `{ batches(first: 50) { edges { node { id seedRun { id status } creation { id batch { id } } placements { id batch { id } creation { id } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const batches = await env.rows<{ id: number; seed_run_id: number | null; creation: number | null }>(
      'select b.id::int, b.seed_run_id::int, c.id::int as creation from batch b left join batch_creation c on c.batch_id = b.id',
    );
    const placements = await env.rows<{ id: number; batch_id: number; creation_id: number | null }>('select id::int, batch_id::int, creation_id::int from batch_placement');
    const nodes = res.data!.batches.edges.map((edge) => edge.node);
    expect(nodes.length).toBe(batches.length);
    for (const node of nodes) {
      const row = batches.find((b) => b.id === numericId(node.id))!;
      expect(node.seedRun?.id ?? null).toBe(row.seed_run_id == null ? null : gid('SeedRun', row.seed_run_id));
      expect(node.creation && [numericId(node.creation.id), numericId(node.creation.batch.id)]).toEqual(row.creation && [row.creation, row.id]);
      expect(node.placements).toHaveLength(placements.filter((p) => p.batch_id === row.id).length);
      for (const placement of node.placements) {
        const stored = placements.find((p) => p.id === numericId(placement.id))!;
        expect([numericId(placement.batch.id), placement.creation && numericId(placement.creation.id)]).toEqual([stored.batch_id, stored.creation_id]);
      }
    }
    expect(placements.length).toBeGreaterThan(0);
    expect(nodes.flatMap((n) => n.placements.map((p) => numericId(p.id))).sort((x, y) => x - y)).toEqual(placements.map((p) => p.id).sort((x, y) => x - y));
    expect(nodes.find((n) => numericId(n.id) === ids.batchA)!.seedRun).toEqual({ id: gid('SeedRun', ids.run), status: 'SUCCEEDED' });
  });

  it('resolves the assignment of a mortality report', async () => {
    const res = await q<{ mortalityReportSet: { mortalityReport: { reportDate: string; assignment: { id: string } } | null; userErrors: unknown[] } }>(
      `mutation($input: MortalityReportSetInput!) { mortalityReportSet(input: $input) { mortalityReport { reportDate assignment { id } } ${USER_ERRORS} } }`,
      { input: { assignmentId: gid('BatchContainerAssignment', ids.aT2), reportDate: day(50) } },
    );
    expect(res.data!.mortalityReportSet.userErrors).toEqual([]);
    const row = await env.one<{ assignment_id: number }>('select assignment_id::int from mortality_report where report_date = $1', [day(50)]);
    expect(res.data!.mortalityReportSet.mortalityReport).toEqual({ reportDate: day(50), assignment: { id: gid('BatchContainerAssignment', row.assignment_id) } });
  });
});

describe('transferWorkflows', () => {
  const WORKFLOWS = /* GraphQL */ `
    query($first: Int, $after: String, $filter: TransferWorkflowFilter, $orderBy: [TransferWorkflowOrder!]) {
      transferWorkflows(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { id actualStartDate progressPct actions { id status } } }
      }
    }
  `;
  type Node = { id: string; actualStartDate: string | null; progressPct: number | null; actions: Array<{ id: string; status: string }> };

  const walk = async (variables: Record<string, unknown>, first: number) => {
    const nodes: Node[] = [];
    let after: string | null = null;
    do {
      const res: GraphQLResponse<{ transferWorkflows: Connection<Node> }> = await q<{ transferWorkflows: Connection<Node> }>(WORKFLOWS, { ...variables, first, after });
      expect(res.errors).toBeUndefined();
      nodes.push(...res.data!.transferWorkflows.edges.map((edge) => edge.node));
      after = res.data!.transferWorkflows.pageInfo.hasNextPage ? res.data!.transferWorkflows.pageInfo.endCursor : null;
    } while (after);
    return nodes;
  };
  const idsOf = (nodes: Node[]) => nodes.map((node) => numericId(node.id)).sort((x, y) => x - y);

  it('computes progressPct as completed / not cancelled actions, by count', async () => {
    const rows = await env.rows<{ id: number; pct: number | null }>(
      `select w.id::int, round(100.0 * count(t.id) filter (where t.status = 'COMPLETED') / nullif(count(t.id) filter (where t.status <> 'CANCELLED'), 0), 2)::float8 as pct
         from transfer_workflow w left join transfer_action t on t.workflow_id = w.id group by w.id`,
    );
    const nodes = await walk({}, 200);
    expect(new Map(nodes.map((node) => [numericId(node.id), node.progressPct]))).toEqual(new Map(rows.map((row) => [row.id, row.pct])));
    expect(nodes.map((node) => node.progressPct).sort()).toEqual([100, 50, 66.67, null, null]);
  });

  it('filters by assignment (either end of any action) and by execution dates of the actions', async () => {
    for (const assignment of [ids.aT1, ids.bT4]) {
      const rows = await env.rows<{ id: number }>(
        'select distinct workflow_id::int as id from transfer_action where $1 in (source_assignment_id, dest_assignment_id) order by 1',
        [assignment],
      );
      expect(idsOf(await walk({ filter: { assignmentIds: [gid('BatchContainerAssignment', assignment)] } }, 2))).toEqual(rows.map((row) => row.id));
    }
    const range = { from: day(31), to: day(32) };
    const inRange = await env.rows<{ id: number }>(
      'select distinct workflow_id::int as id from transfer_action where execution_date between $1 and $2 order by 1',
      [range.from, range.to],
    );
    expect(inRange.length).toBe(2);
    expect(idsOf(await walk({ filter: { dateRange: range } }, 1))).toEqual(inRange.map((row) => row.id));
    const both = await walk({ filter: { dateRange: range, assignmentIds: [gid('BatchContainerAssignment', ids.bT3)] } }, 10);
    expect(idsOf(both)).toEqual([workflows[4]!.id]);
  });

  it('pages by EXECUTION_DATE (the first executed day) in both directions, undated workflows last', async () => {
    const rows = await env.rows<{ id: number; started: string | null }>(`select id::int, to_char(actual_start_date, 'YYYY-MM-DD') as started from transfer_workflow`);
    for (const direction of ['ASC', 'DESC'] as const) {
      const expected = sortedIds(rows, [[(row) => row.started, direction]]);
      for (const first of [1, 2]) {
        const nodes = await walk({ orderBy: [{ field: 'EXECUTION_DATE', direction }] }, first);
        expect(nodes.map((node) => numericId(node.id)), `${direction} by ${first}`).toEqual(expected);
      }
    }
    const planned = await walk({ orderBy: [{ field: 'PLANNED_DATE', direction: 'ASC' }] }, 2);
    expect(planned.map((node) => numericId(node.id))).toEqual(sortedIds(workflows, [[(w) => w.planned, 'ASC']]));
  });

  it('rejects cursors of another order, inverted ranges and foreign ids', async () => {
    const page = await q<{ transferWorkflows: Connection<Node> }>(WORKFLOWS, { first: 1, orderBy: [{ field: 'PLANNED_DATE' }] });
    const cursor = page.data!.transferWorkflows.pageInfo.endCursor;
    const wrongOrder = await q(WORKFLOWS, { first: 1, after: cursor, orderBy: [{ field: 'EXECUTION_DATE' }] });
    expect(wrongOrder.errors?.[0]?.message).toMatch(/Invalid cursor/);
    const inverted = await q(WORKFLOWS, { filter: { dateRange: { from: day(40), to: day(1) } } });
    expect(inverted.errors?.[0]?.message).toMatch(/`filter.dateRange.from`/);
    const foreign = await q(WORKFLOWS, { filter: { assignmentIds: [gid('Batch', ids.batchA)] } });
    expect(foreign.errors?.[0]?.message).toMatch(/not a BatchContainerAssignment id/);
  });

  it('resolves progressPct and actions of a page in a constant number of statements', async () => {
    const small = await q<{ transferWorkflows: Connection<Node> }>(WORKFLOWS, { first: 1 });
    const large = await q<{ transferWorkflows: Connection<Node> }>(WORKFLOWS, { first: 200 });
    expect(large.data!.transferWorkflows.edges.length).toBe(workflows.length);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
  });

  it('applies assignment and date conditions to one and the same action', async () => {
    // bT3 → bT4 on day 50, then bT4 → bT5 on day 52: bT3 moved fish in this workflow, but not on day 52.
    const bT5 = (await env.one<{ id: number }>(
      `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, opening_population)
       values ($1, $2, $3, $4, 0) returning id`,
      [ids.batchB, env.ids.tanks[4]!, env.ids.stages.PARR, day(10)],
    )).id;
    const { id } = await env.one<{ id: number }>(
      `insert into transfer_workflow (batch_id, workflow_number, workflow_type, status, source_stage_id, dest_stage_id, planned_start_date, actual_start_date)
       values ($1, 'TRF-REL-SAME', 'CONTAINER_REDISTRIBUTION', 'COMPLETED', $2, $2, $3, $3) returning id`,
      [ids.batchB, env.ids.stages.PARR, day(50)],
    );
    for (const [source, dest, executedOn] of [[ids.bT3, ids.bT4, day(50)], [ids.bT4, bT5, day(52)]] as const) {
      await env.sql.query(
        `insert into transfer_action (batch_id, workflow_id, source_assignment_id, dest_assignment_id, status, planned_date, execution_date, transferred_count)
         values ($1, $2, $3, $4, 'COMPLETED', $5, $5, 10)`,
        [ids.batchB, id, source, dest, executedOn],
      );
    }
    try {
      const matching = async (assignment: number, on: string) =>
        idsOf(await walk({ filter: { assignmentIds: [gid('BatchContainerAssignment', assignment)], dateRange: { from: on, to: on } } }, 10));
      expect(await matching(ids.bT3, day(52))).toEqual([]);
      expect(await matching(ids.bT3, day(50))).toEqual([id]);
      expect(await matching(bT5, day(52))).toEqual([id]);
    } finally {
      await env.sql.query('delete from transfer_action where workflow_id = $1', [id]);
      await env.sql.query('delete from transfer_workflow where id = $1', [id]);
      await env.sql.query('delete from batch_container_assignment where id = $1', [bT5]);
    }
  });
});
