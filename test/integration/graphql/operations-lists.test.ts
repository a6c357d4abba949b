import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { sqlPageQuery } from '../../../src/graphql/common/keyset.js';
import { SortDirection } from '../../../src/graphql/common/sort.js';
import { readingPageSpec } from '../../../src/modules/environment/readings-query.resolver.js';
import { FeedingEventOrderField } from '../../../src/modules/feed/feeding-event-query.inputs.js';
import { feedingEventPageSpec } from '../../../src/modules/feed/feeding-event-query.resolver.js';
import { numericId, walkConnection, type Connection } from '../../helpers/connections.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * The operational lists of data-model.md §6.3 beyond batches: feedingEvents (and Batch.feedingEvents),
 * environmentalReadings, treatments, liceCounts, transferWorkflows, and the reference lists feeds and scenarios.
 * A small farm written with SQL: tanks T1–T3, batch A in T1 until 2024-04-01 and in T2 from 2024-01-01 (open),
 * batch B in T1 from 2024-04-01 (open), T3 never occupied.
 */

let app: TestApp;
let fx: GrowthFixture;
const ids = { tanks: [] as number[], feeds: [] as number[], batchA: 0, batchB: 0, aT1: 0, aT2: 0, bT1: 0, oxygen: 0, species: 0, otherSpecies: 0 };

interface Feeding {
  id: number;
  day: string;
  container: number;
  linked: number | null;
  feed: number;
  method: string;
}
const feedings: Feeding[] = [];
const treatments: Array<{ id: number; assignment: number; date: string; type: string }> = [];
const liceCounts: Array<{ id: number; assignment: number; date: string; method: string }> = [];
const workflows: Array<{ id: number; batch: number; status: string; planned: string }> = [];

const FEEDING_DAYS = ['2024-01-10', '2024-02-15', '2024-03-31', '2024-04-01', '2024-04-20', '2024-05-05', '2024-06-30', '2024-07-01', '2024-08-20', '2024-09-30'];
const METHODS = ['AUTOMATIC', 'MANUAL', 'BROADCAST'];

/** The assignment occupying a tank on a day (the fixture's occupancy). */
const occupant = (container: number, day: string): number | null =>
  container === ids.tanks[0] ? (day < '2024-04-01' ? ids.aT1 : ids.bT1) : container === ids.tanks[1] ? ids.aT2 : null;


beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  const { stage } = fx.ids;
  ids.species = (await fx.one<{ id: number }>(`select id from species where name = 'Atlantic Salmon'`)).id;
  for (const name of ['T1', 'T2', 'T3']) ids.tanks.push(await fx.container(name));
  ids.batchA = await fx.batch('LST-A', '2024-01-01', null);
  ids.batchB = await fx.batch('LST-B', '2024-04-01', null);
  ids.aT1 = await fx.assignment(ids.batchA, ids.tanks[0]!, 'PARR', '2024-01-01', '2024-04-01', 1_000);
  ids.aT2 = await fx.assignment(ids.batchA, ids.tanks[1]!, 'PARR', '2024-01-01', null, 1_000);
  ids.bT1 = await fx.assignment(ids.batchB, ids.tanks[0]!, 'SMOLT', '2024-04-01', null, 1_000);
  for (const [name, active] of [['Start 1', true], ['Grower 3', true], ['Old feed', false]] as const) {
    ids.feeds.push(
      (await fx.one<{ id: number }>(
        `insert into feed (name, size_category, pellet_size_mm, protein_pct, fat_pct, active) values ($1, 'SMALL', 2, 48, 22, $2) returning id`,
        [name, active],
      )).id,
    );
  }

  // Feeding: two tanks × ten days (three quarters) × two times, amounts from a short list (ties for AMOUNT_KG),
  // every third event linked to the occupant; then two in the empty tank, one sharing an instant with another
  // (a tie for FED_AT), and one with microseconds (the cursor must keep them).
  let n = 0;
  const feed = async (container: number, fedAt: string, linked: number | null) => {
    const day = fedAt.slice(0, 10);
    const method = METHODS[n % 3]!;
    const feedId = ids.feeds[n % 2]!;
    const { id } = await fx.one<{ id: number }>(
      `insert into feeding_event (feeding_date, container_id, assignment_id, feed_id, fed_at, amount_kg, method, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7, 'test') returning id`,
      [day, container, linked, feedId, fedAt, [12.5, 20, 7.25, 20][n % 4], method],
    );
    feedings.push({ id, day, container, linked, feed: feedId, method });
    n++;
  };
  for (const day of FEEDING_DAYS) {
    for (const container of ids.tanks.slice(0, 2)) {
      for (const hour of ['08', '14']) await feed(container, `${day}T${hour}:00:00Z`, n % 3 === 0 ? occupant(container, day) : null);
    }
  }
  await feed(ids.tanks[2]!, '2024-05-05T09:00:00Z', null);
  await feed(ids.tanks[2]!, '2024-05-05T08:00:00Z', null);
  await feed(ids.tanks[0]!, '2024-05-05T10:00:00.123456Z', null);

  // Readings: TEMPERATURE and OXYGEN in T1 and T2 every fifth day at 06:00 and 18:00, January to April;
  // every seventh instant manual.
  ids.oxygen = (await fx.one<{ id: number }>(`insert into environmental_parameter (code, name, unit) values ('OXYGEN', 'Oxygen', 'mg/L') returning id`)).id;
  await fx.sql.query(
    `insert into environmental_reading (container_id, parameter_id, reading_time, value, is_manual)
     select c, p, t, 8 + extract(day from t)::numeric / 10, (row_number() over (partition by c, p order by t)) % 7 = 0
       from unnest($1::bigint[]) c, unnest($2::bigint[]) p,
            generate_series('2024-01-01 06:00+00'::timestamptz, '2024-04-30 18:00+00', interval '12 hours') t
      where extract(doy from t)::int % 5 = 1`,
    [ids.tanks.slice(0, 2), [fx.ids.temperature, ids.oxygen]],
  );

  const treat = async (assignment: number, date: string, type: string) => {
    const { id } = await fx.one<{ id: number }>(
      `insert into treatment (assignment_id, treatment_date, treatment_type, product, recorded_by) values ($1, $2, $3, 'P', 'test') returning id`,
      [assignment, date, type],
    );
    treatments.push({ id, assignment, date, type });
  };
  const plan: Array<[number, string, string]> = [
    [ids.aT1, '2024-01-20', 'VACCINATION'],
    [ids.aT1, '2024-02-20', 'MEDICATION'],
    [ids.aT2, '2024-02-20', 'VACCINATION'],
    [ids.aT2, '2024-03-15', 'DELICING'],
    [ids.aT2, '2024-05-01', 'PHYSICAL'],
    [ids.bT1, '2024-04-10', 'VACCINATION'],
    [ids.bT1, '2024-05-01', 'MEDICATION'],
    [ids.bT1, '2024-06-01', 'DELICING'],
    [ids.aT2, '2024-06-01', 'OTHER'],
  ];
  for (const [assignment, date, type] of plan) await treat(assignment, date, type);
  for (const [i, [assignment, date]] of plan.entries()) {
    const method = ['MANUAL', 'CAMERA'][i % 2]!;
    const { id } = await fx.one<{ id: number }>(
      `insert into lice_count (assignment_id, count_date, fish_sampled, method, recorded_by) values ($1, $2, 20, $3, 'test') returning id`,
      [assignment, date, method],
    );
    await fx.sql.query(
      `insert into lice_count_entry (lice_count_id, lice_species, lice_stage, count) values ($1, 'L_SALMONIS', 'ADULT_FEMALE', $2), ($1, 'L_SALMONIS', 'CHALIMUS', 0)`,
      [id, i],
    );
    liceCounts.push({ id, assignment, date, method });
  }
  const statuses = ['PLANNED', 'COMPLETED', 'IN_PROGRESS', 'CANCELLED', 'COMPLETED', 'PLANNED', 'COMPLETED'];
  for (const [i, status] of statuses.entries()) {
    const batch = i % 3 === 0 ? ids.batchB : ids.batchA;
    const planned = ['2024-03-01', '2024-03-01', '2024-04-01', '2024-02-01', '2024-03-01', '2024-06-01', '2024-01-15'][i]!;
    const { id } = await fx.one<{ id: number }>(
      `insert into transfer_workflow (batch_id, workflow_number, workflow_type, status, source_stage_id, dest_stage_id, planned_start_date)
       values ($1, $2, 'LIFECYCLE_TRANSITION', $3, $4, $5, $6) returning id`,
      [batch, `TRF-LST-${i + 1}`, status, stage.PARR, stage.SMOLT, planned],
    );
    workflows.push({ id, batch, status, planned });
  }

  ids.otherSpecies = (await fx.one<{ id: number }>(`insert into species (name, scientific_name) values ('Rainbow Trout', 'Oncorhynchus mykiss') returning id`)).id;
  for (const [name, species] of [['Salmon standard', ids.species], ['Salmon fast', ids.species], ['Trout', ids.otherSpecies]] as const) {
    await fx.sql.query(`insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ($1, $2, 2.5, 0.01)`, [name, species]);
  }
});

afterAll(async () => {
  await fx.close();
  await app.stop();
});

const walk = <N extends { id: string }>(query: string, field: string, variables: Record<string, unknown>, first: number) =>
  walkConnection<N>(app, query, field, variables, first);

/** Relation names an EXPLAIN of the statement reads (partitions left after plan-time pruning). */
async function relationsRead(statement: { sql: string; params: unknown[] }): Promise<string[]> {
  const em = app.orm.em.fork() as EntityManager;
  const [row] = await em.execute<Array<{ 'QUERY PLAN': unknown }>>(`explain (format json) ${statement.sql}`, statement.params);
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Relation Name' && typeof value === 'string') names.add(value);
        else visit(value);
      }
    }
  };
  visit(row!['QUERY PLAN']);
  return [...names].sort();
}

/** Row counts of the tables these queries read, to show a rejected request changed nothing. */
async function counts() {
  return fx.one(
    `select (select count(*) from feeding_event)::int as f, (select count(*) from environmental_reading)::int as r,
            (select count(*) from treatment)::int as t, (select count(*) from lice_count)::int as l,
            (select count(*) from transfer_workflow)::int as w, (select count(*) from batch)::int as b`,
  );
}

const FEEDINGS = /* GraphQL */ `
  query Feedings($first: Int, $after: String, $filter: FeedingEventFilter, $orderBy: [FeedingEventOrder!]) {
    feedingEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id fedAt feedingDate amountKg method container { name } feed { name } assignment { id } } }
    }
  }
`;
interface FeedingNode {
  id: string;
  fedAt: string;
  feedingDate: string;
  amountKg: number;
  method: string;
  container: { name: string };
  feed: { name: string };
  assignment: { id: string } | null;
}

describe('feedingEvents', () => {
  it('pages newest first across quarters, giving every event exactly once in (fed_at, id) order', async () => {
    const expected = await fx.rows<{ id: number }>('select id from feeding_event order by fed_at desc, id');
    const { nodes, pages, totalCount } = await walk<FeedingNode>(FEEDINGS, 'feedingEvents', {}, 7);
    expect(totalCount).toBe(feedings.length);
    expect(pages).toBe(Math.ceil(feedings.length / 7));
    expect(nodes.map((node) => numericId(node.id))).toEqual(expected.map((row) => row.id));
    const micro = nodes.find((node) => node.fedAt.startsWith('2024-05-05T10:00:00.123'));
    expect(micro?.container.name).toBe('T1');
  });

  it('pages by AMOUNT_KG ascending and FED_AT ascending with the id tie-breaker', async () => {
    const byAmount = await fx.rows<{ id: number }>('select id from feeding_event order by amount_kg, id');
    const amount = await walk<FeedingNode>(FEEDINGS, 'feedingEvents', { orderBy: [{ field: 'AMOUNT_KG', direction: 'ASC' }] }, 5);
    expect(amount.nodes.map((node) => numericId(node.id))).toEqual(byAmount.map((row) => row.id));
    const byTime = await fx.rows<{ id: number }>('select id from feeding_event order by fed_at, id');
    const time = await walk<FeedingNode>(FEEDINGS, 'feedingEvents', { orderBy: [{ field: 'FED_AT', direction: 'ASC' }] }, 6);
    expect(time.nodes.map((node) => numericId(node.id))).toEqual(byTime.map((row) => row.id));
  });

  it('filters by container, attributed assignment, feed, date range and method', async () => {
    const only = async (filter: Record<string, unknown>) => {
      const { nodes, totalCount } = await walk<FeedingNode>(FEEDINGS, 'feedingEvents', { filter }, 500);
      expect(totalCount).toBe(nodes.length);
      return nodes.map((node) => numericId(node.id)).sort((a, b) => a - b);
    };
    const idsOf = (predicate: (f: Feeding) => boolean) => feedings.filter(predicate).map((f) => f.id).sort((a, b) => a - b);

    expect(await only({ containerIds: [toGlobalId('Container', ids.tanks[2]!)] })).toEqual(idsOf((f) => f.container === ids.tanks[2]));
    // Attribution: linked events and unlinked ones in the assignment's container during its interval.
    expect(await only({ assignmentIds: [toGlobalId('BatchContainerAssignment', ids.aT1)] })).toEqual(
      idsOf((f) => f.container === ids.tanks[0] && f.day < '2024-04-01'),
    );
    expect(await only({ assignmentIds: [toGlobalId('BatchContainerAssignment', ids.bT1)] })).toEqual(
      idsOf((f) => f.container === ids.tanks[0] && f.day >= '2024-04-01'),
    );
    expect(await only({ feedIds: [toGlobalId('Feed', ids.feeds[1]!)] })).toEqual(idsOf((f) => f.feed === ids.feeds[1]));
    expect(await only({ dateRange: { from: '2024-04-01', to: '2024-06-30' }, methods: ['MANUAL', 'BROADCAST'] })).toEqual(
      idsOf((f) => f.day >= '2024-04-01' && f.day <= '2024-06-30' && f.method !== 'AUTOMATIC'),
    );
    expect(await only({ containerIds: [], methods: ['MANUAL'] })).toEqual([]);
  });

  it('resolves container, feed and assignment with a constant number of statements', async () => {
    const small = await app.graphql<{ feedingEvents: Connection<FeedingNode> }>(FEEDINGS, { first: 3 });
    const large = await app.graphql<{ feedingEvents: Connection<FeedingNode> }>(FEEDINGS, { first: 40 });
    expect(large.errors).toBeUndefined();
    expect(large.data!.feedingEvents.edges).toHaveLength(40);
    const linked = large.data!.feedingEvents.edges.filter((edge) => edge.node.assignment);
    expect(linked.length).toBeGreaterThan(0);
    for (const { node } of linked) {
      const feeding = feedings.find((f) => f.id === numericId(node.id))!;
      expect(numericId(node.assignment!.id)).toBe(feeding.linked);
    }
    // page, count, containers, feeds, assignments
    expect(large.extensions?.sqlStatements).toBe(5);
    expect(small.extensions?.sqlStatements).toBe(large.extensions?.sqlStatements);
  });

  it('reads only the partitions of the date range, and only those up to the cursor when paging back in time', async () => {
    const ranged = sqlPageQuery(feedingEventPageSpec({ dateRange: { from: '2024-04-01', to: '2024-06-30' } }, undefined), 51);
    expect(await relationsRead(ranged)).toEqual(['feeding_event_p2024_q2']);

    const first = await app.graphql<{ feedingEvents: Connection<FeedingNode> }>(FEEDINGS, {
      first: 2,
      filter: { dateRange: { from: '2024-01-01', to: '2024-05-05' } },
    });
    const cursor = first.data!.feedingEvents.pageInfo.endCursor!;
    const paged = sqlPageQuery(
      feedingEventPageSpec({ dateRange: { from: '2024-01-01', to: '2024-05-05' } }, [{ field: FeedingEventOrderField.FED_AT, direction: SortDirection.DESC }]),
      51,
      cursor,
    );
    expect(await relationsRead(paged)).toEqual(['feeding_event_p2024_q1', 'feeding_event_p2024_q2']);
    // Without a range the cursor alone bounds feeding_date: the quarters after it are pruned.
    const open = sqlPageQuery(feedingEventPageSpec(undefined, undefined), 51, cursor);
    const read = await relationsRead(open);
    expect(read).toContain('feeding_event_p2024_q2');
    expect(read.filter((name) => name >= 'feeding_event_p2024_q3' && name !== 'feeding_event_default')).toEqual([]);
  });

  it('rejects oversized pages, foreign ids, inverted ranges and forged cursors, changing nothing', async () => {
    const before = await counts();
    const big = await app.graphql(FEEDINGS, { first: 501 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ok = await app.graphql<{ feedingEvents: Connection<FeedingNode> }>(FEEDINGS, { first: 500 });
    expect(ok.errors).toBeUndefined();
    const wrongType = await app.graphql(FEEDINGS, { filter: { containerIds: [toGlobalId('Batch', ids.batchA)] } });
    expect(wrongType.errors?.[0]?.message).toMatch(/`filter.containerIds` contains .* which is not a Container id/);
    const garbage = await app.graphql(FEEDINGS, { filter: { feedIds: ['%%%'] } });
    expect(garbage.errors?.[0]?.message).toMatch(/not a Feed id/);
    const inverted = await app.graphql(FEEDINGS, { filter: { dateRange: { from: '2024-05-01', to: '2024-01-01' } } });
    expect(inverted.errors?.[0]?.message).toMatch(/`filter.dateRange.from` \(2024-05-01\) is after/);
    const forged = await app.graphql(FEEDINGS, { after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.[0]?.message).toMatch(/Invalid cursor/);
    const otherOrder = await app.graphql(FEEDINGS, {
      orderBy: [{ field: 'AMOUNT_KG' }],
      after: ok.data!.feedingEvents.edges[0]!.cursor,
    });
    expect(otherOrder.errors?.[0]?.message).toMatch(/Invalid cursor/);
    for (const res of [big, wrongType, garbage, inverted, forged, otherOrder]) expect(res.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });
});

describe('Batch.feedingEvents', () => {
  const QUERY = /* GraphQL */ `
    query($id: ID!, $first: Int, $after: String) {
      batch(id: $id) {
        feedingEvents(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { cursor node { id fedAt } }
        }
      }
    }
  `;

  it('pages the feed attributed to each batch in time order, each event once', async () => {
    for (const [batch, attributed] of [
      [ids.batchA, (f: Feeding) => f.container === ids.tanks[1] || (f.container === ids.tanks[0] && f.day < '2024-04-01')],
      [ids.batchB, (f: Feeding) => f.container === ids.tanks[0] && f.day >= '2024-04-01'],
    ] as const) {
      const seen: number[] = [];
      let after: string | null = null;
      do {
        const res: { data?: { batch: { feedingEvents: Connection<{ id: string; fedAt: string }> } }; errors?: unknown } = await app.graphql(QUERY, {
          id: toGlobalId('Batch', batch),
          first: 4,
          after,
        });
        expect(res.errors).toBeUndefined();
        const page = res.data!.batch.feedingEvents;
        expect(page.totalCount).toBe(feedings.filter(attributed).length);
        seen.push(...page.edges.map((edge) => numericId(edge.node.id)));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      const expected = await fx.rows<{ id: number }>(
        `select id from feeding_event where id = any($1::bigint[]) order by fed_at, id`,
        [feedings.filter(attributed).map((f) => f.id)],
      );
      expect(seen).toEqual(expected.map((row) => row.id));
    }
  });

  it('rejects an oversized page and a forged cursor', async () => {
    const big = await app.graphql(QUERY, { id: toGlobalId('Batch', ids.batchA), first: 501 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
    const forged = await app.graphql(QUERY, { id: toGlobalId('Batch', ids.batchA), after: Buffer.from('[["yesterday"],1]').toString('base64url') });
    expect(forged.errors?.[0]?.message).toMatch(/Invalid cursor/);
  });
});

const READINGS = /* GraphQL */ `
  query Readings($first: Int, $after: String, $filter: EnvironmentalReadingFilter!, $orderBy: [EnvironmentalReadingOrder!]) {
    environmentalReadings(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id readingTime value isManual container { name } parameter { code } sensor { id } } }
    }
  }
`;
interface ReadingNode {
  id: string;
  readingTime: string;
  value: number;
  isManual: boolean;
  container: { name: string };
  parameter: { code: string };
  sensor: null;
}
const FEB_MAR = { from: '2024-02-01T00:00:00Z', to: '2024-03-31T18:00:00Z' };

describe('environmentalReadings', () => {
  it('pages the readings of a time range newest first, and oldest first on request', async () => {
    const expected = await fx.rows<{ id: number }>(
      `select id from environmental_reading where reading_time between $1 and $2 order by reading_time desc, id`,
      [FEB_MAR.from, FEB_MAR.to],
    );
    expect(expected.length).toBeGreaterThan(50);
    const { nodes, totalCount } = await walk<ReadingNode>(READINGS, 'environmentalReadings', { filter: { timeRange: FEB_MAR } }, 17);
    expect(totalCount).toBe(expected.length);
    expect(nodes.map((node) => numericId(node.id))).toEqual(expected.map((row) => row.id));
    expect(nodes[0]!.readingTime).toBe('2024-03-31T18:00:00.000Z');
    const ascending = await fx.rows<{ id: number }>(
      `select id from environmental_reading where reading_time between $1 and $2 order by reading_time, id`,
      [FEB_MAR.from, FEB_MAR.to],
    );
    const asc = await walk<ReadingNode>(READINGS, 'environmentalReadings', { filter: { timeRange: FEB_MAR }, orderBy: [{ field: 'READING_TIME', direction: 'ASC' }] }, 50);
    expect(asc.nodes.map((node) => numericId(node.id))).toEqual(ascending.map((row) => row.id));
  });

  it('filters by container, parameter code and manual entry', async () => {
    const { nodes } = await walk<ReadingNode>(
      READINGS,
      'environmentalReadings',
      { filter: { timeRange: FEB_MAR, containerIds: [toGlobalId('Container', ids.tanks[1]!)], parameterCodes: ['OXYGEN'], isManual: true } },
      500,
    );
    const expected = await fx.rows<{ id: number }>(
      `select id from environmental_reading where reading_time between $1 and $2 and container_id = $3 and parameter_id = $4 and is_manual`,
      [FEB_MAR.from, FEB_MAR.to, ids.tanks[1], ids.oxygen],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(nodes.map((node) => numericId(node.id)).sort((a, b) => a - b)).toEqual(expected.map((row) => row.id).sort((a, b) => a - b));
    expect(nodes.every((node) => node.container.name === 'T2' && node.parameter.code === 'OXYGEN' && node.isManual && node.sensor === null)).toBe(true);
    const unknown = await app.graphql<{ environmentalReadings: Connection<ReadingNode> }>(READINGS, { filter: { timeRange: FEB_MAR, parameterCodes: ['NOPE'] } });
    expect(unknown.data!.environmentalReadings.totalCount).toBe(0);
  });

  it('reads only the monthly partitions of the range, and those up to the cursor', async () => {
    const range = { from: new Date(FEB_MAR.from), to: new Date(FEB_MAR.to) };
    expect(await relationsRead(sqlPageQuery(readingPageSpec({ timeRange: range }, undefined), 51))).toEqual([
      'environmental_reading_p2024_02',
      'environmental_reading_p2024_03',
    ]);
    const page = await app.graphql<{ environmentalReadings: Connection<ReadingNode> }>(READINGS, { first: 60, filter: { timeRange: FEB_MAR } });
    const cursor = page.data!.environmentalReadings.pageInfo.endCursor!;
    expect(page.data!.environmentalReadings.edges.at(-1)!.node.readingTime < '2024-03-01').toBe(true);
    expect(await relationsRead(sqlPageQuery(readingPageSpec({ timeRange: range }, undefined), 51, cursor))).toEqual(['environmental_reading_p2024_02']);
  });

  it('rejects a missing or inverted time range, oversized pages and foreign ids, changing nothing', async () => {
    const before = await counts();
    const missing = await app.graphql(`query { environmentalReadings(first: 5) { totalCount } }`);
    expect(missing.errors?.[0]?.message).toMatch(/argument "filter" of type "EnvironmentalReadingFilter!" is required/);
    const noRange = await app.graphql(`query { environmentalReadings(filter: { isManual: true }) { totalCount } }`);
    expect(noRange.errors?.[0]?.message).toMatch(/timeRange/);
    const inverted = await app.graphql(READINGS, { filter: { timeRange: { from: FEB_MAR.to, to: FEB_MAR.from } } });
    expect(inverted.errors?.[0]?.message).toMatch(/`filter.timeRange.from` \(2024-03-31T18:00:00.000Z\) is after `filter.timeRange.to`/);
    expect(inverted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await app.graphql(READINGS, { first: 501, filter: { timeRange: FEB_MAR } });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
    const wrongType = await app.graphql(READINGS, { filter: { timeRange: FEB_MAR, containerIds: [toGlobalId('Hall', 1)] } });
    expect(wrongType.errors?.[0]?.message).toMatch(/not a Container id/);
    for (const res of [missing, noRange, inverted, big, wrongType]) expect(res.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });
});

describe('treatments and liceCounts', () => {
  const TREATMENTS = /* GraphQL */ `
    query($first: Int, $after: String, $filter: TreatmentFilter, $orderBy: [TreatmentOrder!]) {
      treatments(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { id treatmentDate treatmentType assignment { id container { name } batch { batchNumber } } } }
      }
    }
  `;
  const LICE = /* GraphQL */ `
    query($first: Int, $after: String, $filter: LiceCountFilter, $orderBy: [LiceCountOrder!]) {
      liceCounts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { id countDate method entries { liceStage count } assignment { id } } }
      }
    }
  `;
  type TreatmentNode = { id: string; treatmentDate: string; treatmentType: string; assignment: { id: string; container: { name: string }; batch: { batchNumber: string } } };
  const byDate = <T extends { id: number; date: string }>(rows: T[], direction: 1 | -1) =>
    [...rows].sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -direction : direction)).map((row) => row.id);

  it('pages treatments newest first by default and oldest first on request, with the id tie-breaker', async () => {
    const desc = await walk<TreatmentNode>(TREATMENTS, 'treatments', {}, 4);
    expect(desc.totalCount).toBe(treatments.length);
    expect(desc.nodes.map((node) => numericId(node.id))).toEqual(byDate(treatments, -1));
    const asc = await walk<TreatmentNode>(TREATMENTS, 'treatments', { orderBy: [{ field: 'DATE', direction: 'ASC' }] }, 2);
    expect(asc.nodes.map((node) => numericId(node.id))).toEqual(byDate(treatments, 1));
  });

  it('filters treatments by batch, assignment, container, date range and type', async () => {
    const only = async (filter: Record<string, unknown>) =>
      (await walk<TreatmentNode>(TREATMENTS, 'treatments', { filter }, 500)).nodes.map((node) => numericId(node.id)).sort((a, b) => a - b);
    const idsOf = (predicate: (t: (typeof treatments)[number]) => boolean) => treatments.filter(predicate).map((t) => t.id).sort((a, b) => a - b);
    expect(await only({ batchIds: [toGlobalId('Batch', ids.batchB)] })).toEqual(idsOf((t) => t.assignment === ids.bT1));
    expect(await only({ assignmentIds: [toGlobalId('BatchContainerAssignment', ids.aT2)] })).toEqual(idsOf((t) => t.assignment === ids.aT2));
    expect(await only({ containerIds: [toGlobalId('Container', ids.tanks[0]!)] })).toEqual(idsOf((t) => t.assignment !== ids.aT2));
    expect(await only({ types: ['VACCINATION'], dateRange: { from: '2024-02-01', to: '2024-12-31' } })).toEqual(
      idsOf((t) => t.type === 'VACCINATION' && t.date >= '2024-02-01'),
    );
    const one = await app.graphql<{ treatments: Connection<TreatmentNode> }>(TREATMENTS, { filter: { assignmentIds: [toGlobalId('BatchContainerAssignment', ids.bT1)] }, first: 1 });
    expect(one.data!.treatments.edges[0]!.node.assignment).toMatchObject({ container: { name: 'T1' }, batch: { batchNumber: 'LST-B' } });
  });

  it('pages and filters lice counts, with their entries', async () => {
    const desc = await walk<{ id: string; method: string; entries: Array<{ liceStage: string; count: number }> }>(LICE, 'liceCounts', {}, 3);
    expect(desc.nodes.map((node) => numericId(node.id))).toEqual(byDate(liceCounts, -1));
    expect(desc.nodes[0]!.entries).toHaveLength(2);
    const camera = await walk<{ id: string }>(LICE, 'liceCounts', { filter: { methods: ['CAMERA'], batchIds: [toGlobalId('Batch', ids.batchA)] } }, 500);
    expect(camera.nodes.map((node) => numericId(node.id)).sort((a, b) => a - b)).toEqual(
      liceCounts.filter((l) => l.method === 'CAMERA' && l.assignment !== ids.bT1).map((l) => l.id).sort((a, b) => a - b),
    );
  });

  it('rejects oversized pages, foreign ids and inverted ranges', async () => {
    const big = await app.graphql(TREATMENTS, { first: 501 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
    const wrongType = await app.graphql(TREATMENTS, { filter: { assignmentIds: [toGlobalId('Batch', ids.batchA)] } });
    expect(wrongType.errors?.[0]?.message).toMatch(/not a BatchContainerAssignment id/);
    const inverted = await app.graphql(LICE, { filter: { dateRange: { from: '2024-06-01', to: '2024-01-01' } } });
    expect(inverted.errors?.[0]?.message).toMatch(/is after/);
    const bigLice = await app.graphql(LICE, { first: 501 });
    expect(bigLice.errors?.[0]?.message).toMatch(/`first` must be between 0 and 500/);
  });
});

describe('transferWorkflows', () => {
  const WORKFLOWS = /* GraphQL */ `
    query($first: Int, $after: String, $filter: TransferWorkflowFilter, $orderBy: [TransferWorkflowOrder!]) {
      transferWorkflows(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { id workflowNumber status plannedStartDate batch { batchNumber } sourceStage { code } destStage { code } actions { id } } }
      }
    }
  `;
  type WorkflowNode = { id: string; status: string; plannedStartDate: string; batch: { batchNumber: string }; sourceStage: { code: string } };

  it('pages by planned date in both directions with the id tie-breaker', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const { nodes, totalCount } = await walk<WorkflowNode>(WORKFLOWS, 'transferWorkflows', { orderBy: [{ field: 'PLANNED_DATE', direction }] }, 2);
      expect(totalCount).toBe(workflows.length);
      const sign = direction === 'ASC' ? 1 : -1;
      const expected = [...workflows].sort((a, b) => (a.planned === b.planned ? a.id - b.id : a.planned < b.planned ? -sign : sign));
      expect(nodes.map((node) => numericId(node.id))).toEqual(expected.map((w) => w.id));
    }
    const first = await app.graphql<{ transferWorkflows: Connection<WorkflowNode> }>(WORKFLOWS, { first: 1 });
    expect(first.data!.transferWorkflows.edges[0]!.node.plannedStartDate).toBe('2024-06-01');
    expect(first.data!.transferWorkflows.edges[0]!.node.sourceStage.code).toBe('PARR');
  });

  it('filters by batch, workflow and status', async () => {
    const { nodes } = await walk<WorkflowNode>(WORKFLOWS, 'transferWorkflows', { filter: { batchIds: [toGlobalId('Batch', ids.batchA)], statuses: ['COMPLETED'] } }, 200);
    expect(nodes.map((node) => numericId(node.id)).sort((a, b) => a - b)).toEqual(
      workflows.filter((w) => w.batch === ids.batchA && w.status === 'COMPLETED').map((w) => w.id).sort((a, b) => a - b),
    );
    expect(nodes.every((node) => node.batch.batchNumber === 'LST-A')).toBe(true);
    const picked = workflows.slice(0, 2).map((w) => toGlobalId('TransferWorkflow', w.id));
    const byId = await walk<WorkflowNode>(WORKFLOWS, 'transferWorkflows', { filter: { workflowIds: picked } }, 200);
    expect(byId.nodes.map((node) => node.id).sort()).toEqual([...picked].sort());
  });

  it('caps pages at 200 and rejects foreign ids', async () => {
    const big = await app.graphql(WORKFLOWS, { first: 201 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 200/);
    const wrongType = await app.graphql(WORKFLOWS, { filter: { workflowIds: [toGlobalId('TransferAction', 1)] } });
    expect(wrongType.errors?.[0]?.message).toMatch(/not a TransferWorkflow id/);
  });
});

describe('reference lists and node lookups', () => {
  it('lists feeds by name, optionally only active ones', async () => {
    const all = await app.graphql<{ feeds: Array<{ name: string; active: boolean }> }>(`{ feeds { name active } }`);
    expect(all.data!.feeds.map((feed) => feed.name)).toEqual(['Grower 3', 'Old feed', 'Start 1']);
    const active = await app.graphql<{ feeds: Array<{ name: string }> }>(`{ feeds(activeOnly: true) { name } }`);
    expect(active.data!.feeds.map((feed) => feed.name)).toEqual(['Grower 3', 'Start 1']);
  });

  it('lists scenarios by name, optionally of one species', async () => {
    const query = `query($s: ID) { scenarios(speciesId: $s) { name } }`;
    const all = await app.graphql<{ scenarios: Array<{ name: string }> }>(query, {});
    expect(all.data!.scenarios.map((s) => s.name)).toEqual(['Salmon fast', 'Salmon standard', 'Trout']);
    const trout = await app.graphql<{ scenarios: Array<{ name: string }> }>(query, { s: toGlobalId('Species', ids.otherSpecies) });
    expect(trout.data!.scenarios.map((s) => s.name)).toEqual(['Trout']);
    const notSpecies = await app.graphql<{ scenarios: unknown[] }>(query, { s: toGlobalId('Batch', ids.otherSpecies) });
    expect(notSpecies.data!.scenarios).toEqual([]);
  });

  it('fetches the new node types by global id', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
    const reading = await fx.one<{ id: number }>('select id from environmental_reading order by id limit 1');
    const wanted = [
      toGlobalId('FeedingEvent', feedings[0]!.id),
      toGlobalId('EnvironmentalReading', reading.id),
      toGlobalId('Treatment', treatments[0]!.id),
      toGlobalId('LiceCount', liceCounts[0]!.id),
      toGlobalId('TransferWorkflow', workflows[0]!.id),
      toGlobalId('Feed', ids.feeds[0]!),
    ];
    const res = await app.graphql<{ nodes: Array<{ __typename: string; id: string }> }>(query, { ids: wanted });
    expect(res.errors).toBeUndefined();
    expect(res.data!.nodes.map((node) => node.id)).toEqual(wanted);
    expect(res.data!.nodes.map((node) => node.__typename)).toEqual(['FeedingEvent', 'EnvironmentalReading', 'Treatment', 'LiceCount', 'TransferWorkflow', 'Feed']);
  });
});
