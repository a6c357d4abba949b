import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * Relation fields of infrastructure types (data-model.md §6.2): Container.assignments/readings, the container
 * filters of Area and Hall, AreaGroup.areaGroups/summary, Sensor.latestReading and ContainerType.containers.
 * Results are checked against the database; list fields cost the same statements for one parent as for two.
 */
let app: TestApp;
let fx: GrowthFixture;
const today = utcDate(new Date());
const start = addDays(today, -60);
const gid = toGlobalId;

const ids = {
  hallA: 0,
  hallB: 0,
  t1: 0,
  t2: 0,
  t3: 0,
  tray: 0,
  trayType: 0,
  penType: 0,
  root: 0,
  g1: 0,
  g2: 0,
  g1a: 0,
  area1: 0,
  area2: 0,
  ring1: 0,
  ring2: 0,
  sensor1: 0,
  sensor2: 0,
  sensor3: 0,
};

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  await fx.dailyPartitions(addDays(start, -10), today);
  const geography = (await fx.one<{ id: number }>(`select id from geography`)).id;
  const station = (await fx.one<{ id: number }>(`select id from freshwater_station`)).id;
  ids.hallA = fx.ids.hall;
  ids.hallB = (await fx.one<{ id: number }>(`insert into hall (station_id, name) values ($1, 'B') returning id`, [station])).id;
  ids.trayType = (
    await fx.one<{ id: number }>(`insert into container_type (code, name, category, max_volume_m3) values ('TRAY', 'Tray', 'TRAY', 10) returning id`)
  ).id;
  ids.penType = (
    await fx.one<{ id: number }>(`insert into container_type (code, name, category, max_volume_m3) values ('PEN', 'Pen', 'PEN', 50000) returning id`)
  ).id;
  ids.t1 = await fx.container('T1');
  ids.t2 = await fx.container('T2');
  await fx.sql.query(`update container set active = false where id = $1`, [ids.t2]);
  ids.tray = (
    await fx.one<{ id: number }>(
      `insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ('TR1', $1, $2, 5, 50) returning id`,
      [ids.trayType, ids.hallA],
    )
  ).id;
  ids.t3 = (
    await fx.one<{ id: number }>(
      `insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ('T3', $1, $2, 1000, 75000) returning id`,
      [fx.ids.type, ids.hallB],
    )
  ).id;

  // Area groups: root → (G1 → G1A, G2); areas hang on the leaves G1A and G2.
  const group = async (code: string, parent: number | null) =>
    (await fx.one<{ id: number }>(`insert into area_group (geography_id, parent_id, code, name) values ($1, $2, $3, $3) returning id`, [geography, parent, code])).id;
  ids.root = await group('ROOT', null);
  ids.g2 = await group('G2', ids.root);
  ids.g1 = await group('G1', ids.root);
  ids.g1a = await group('G1A', ids.g1);
  const area = async (name: string, groupId: number) =>
    (
      await fx.one<{ id: number }>(
        `insert into area (geography_id, area_group_id, name, latitude, longitude, max_biomass_kg) values ($1, $2, $3, 62, -7, 500000) returning id`,
        [geography, groupId, name],
      )
    ).id;
  ids.area1 = await area('Site 1', ids.g1a);
  ids.area2 = await area('Site 2', ids.g2);
  const ring = async (name: string, areaId: number, maxKg: number) =>
    (
      await fx.one<{ id: number }>(
        `insert into container (name, container_type_id, area_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 20000, $4) returning id`,
        [name, ids.penType, areaId, maxKg],
      )
    ).id;
  ids.ring1 = await ring('R1', ids.area1, 200_000);
  ids.ring2 = await ring('R2', ids.area2, 150_000);
  await ring('R3', ids.area2, 100_000);
  await fx.sql.query(`update container set active = false where name = 'R3'`);

  // Assignments: T1 [start, start+20) then [start+20, open); T3 [start+10, start+40); R1 [start, open) with fish.
  const scenario = await fx.scenario('S', 2.75, 0);
  const batchA = await fx.batch('B-A', start, scenario);
  const batchB = await fx.batch('B-B', start, scenario);
  const a1 = await fx.assignment(batchA, ids.t1, 'SMOLT', start, addDays(start, 20), 1_000);
  const a2 = await fx.assignment(batchA, ids.t1, 'SMOLT', addDays(start, 20), null, 1_000);
  await fx.placement(batchA, a1, start, 1_000, 60);
  await fx.transfer(batchA, a1, a2, addDays(start, 20), 1_000);
  const a3 = await fx.assignment(batchB, ids.t3, 'SMOLT', addDays(start, 10), addDays(start, 40), 0);
  void a3;
  const batchC = await fx.batch('B-C', start, scenario);
  const r1 = await fx.assignment(batchC, ids.ring1, 'SMOLT', start, null, 20_000);
  await fx.placement(batchC, r1, start, 20_000, 150);
  for (const c of [ids.t1, ids.t2, ids.t3, ids.tray, ids.ring1, ids.ring2]) await fx.temperatures(c, addDays(start, -7), today, 8);
  // Some variation in T3 for the bucket statistics.
  await fx.sql.query(`update environmental_daily set avg_value = 6 + extract(day from date)::int % 5, min_value = 5, max_value = 12, reading_count = 4 where container_id = $1`, [ids.t3]);
  const deps = { orm: app.orm, log: pino({ level: 'silent' }), today: () => today };
  await recomputeBatch(deps, batchA);
  await recomputeBatch(deps, batchC);

  // Sensors: S1 and S2 with readings, S3 without.
  const sensor = async (serial: string, containerId: number) =>
    (
      await fx.one<{ id: number }>(
        `insert into sensor (container_id, parameter_id, serial_number, installed_on) values ($1, $2, $3, $4) returning id`,
        [containerId, fx.ids.temperature, serial, start],
      )
    ).id;
  ids.sensor1 = await sensor('S1', ids.t1);
  ids.sensor2 = await sensor('S2', ids.t3);
  ids.sensor3 = await sensor('S3', ids.t1);
  const reading = (sensorId: number, containerId: number, time: string, value: number) =>
    fx.sql.query(`insert into environmental_reading (reading_time, container_id, parameter_id, sensor_id, value) values ($1, $2, $3, $4, $5)`, [
      time,
      containerId,
      fx.ids.temperature,
      sensorId,
      value,
    ]);
  await reading(ids.sensor1, ids.t1, `${addDays(today, -3)}T06:00:00Z`, 7.5);
  await reading(ids.sensor1, ids.t1, `${addDays(today, -1)}T06:00:00Z`, 8.25);
  await reading(ids.sensor1, ids.t1, `${addDays(today, -40)}T06:00:00Z`, 9);
  await reading(ids.sensor2, ids.t3, `${addDays(today, -2)}T12:00:00Z`, 6.5);
  // A manual reading in T1 without a sensor is newer but not S1's.
  await fx.sql.query(`insert into environmental_reading (reading_time, container_id, parameter_id, value, is_manual) values ($1, $2, $3, 99, true)`, [
    `${today}T00:00:00Z`,
    ids.t1,
    fx.ids.temperature,
  ]);
}, 120_000);

afterAll(async () => {
  await fx?.close();
  await app?.stop();
});

async function ok<T>(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.graphql<T>(query, variables);
  expect(res.errors).toBeUndefined();
  return { data: res.data!, statements: res.extensions?.sqlStatements };
}

/** Runs a `nodes(ids)` query for one parent and for two; both must cost the same statements. */
async function sameCost<T>(query: string, one: string[], two: string[], variables: Record<string, unknown> = {}) {
  const single = await ok<T>(query, { ...variables, ids: one });
  const pair = await ok<T>(query, { ...variables, ids: two });
  expect(single.statements).toBeGreaterThan(0);
  expect(pair.statements).toBe(single.statements);
  return pair;
}

describe('Container.assignments(range)', () => {
  const QUERY = /* GraphQL */ `
    query ($ids: [ID!]!, $range: DateRange) {
      nodes(ids: $ids) { ... on Container { id assignments(range: $range) { id assignmentDate departureDate } } }
    }
  `;

  async function expected(containerId: number, from: string | null, to: string | null) {
    const rows = await fx.rows<{ id: number }>(
      `select id from batch_container_assignment
        where container_id = $1 and ($3::date is null or assignment_date <= $3) and ($2::date is null or departure_date is null or departure_date > $2)
        order by assignment_date, id`,
      [containerId, from, to],
    );
    return rows.map((r) => gid('BatchContainerAssignment', r.id));
  }

  it('lists all assignments by arrival date, or those overlapping the range, for one statement per list', async () => {
    const pairIds = [gid('Container', ids.t1), gid('Container', ids.t3)];
    for (const range of [null, { from: addDays(start, 20), to: addDays(start, 25) }, { from: addDays(start, 0), to: addDays(start, 9) }]) {
      const { data, statements } = await sameCost<{ nodes: Array<{ assignments: Array<{ id: string }> }> }>(QUERY, [pairIds[0]!], pairIds, { range });
      expect(statements).toBe(2); // containers, assignments
      const [t1, t3] = data.nodes;
      expect(t1!.assignments.map((a) => a.id)).toEqual(await expected(ids.t1, range?.from ?? null, range?.to ?? null));
      expect(t3!.assignments.map((a) => a.id)).toEqual(await expected(ids.t3, range?.from ?? null, range?.to ?? null));
    }
    // Departure day is not a day in the container: [start, start+20) does not overlap a range starting on start+20.
    const { data } = await ok<{ nodes: Array<{ assignments: Array<{ assignmentDate: string }> }> }>(QUERY, {
      ids: [gid('Container', ids.t1)],
      range: { from: addDays(start, 20), to: addDays(start, 20) },
    });
    expect(data.nodes[0]!.assignments.map((a) => a.assignmentDate)).toEqual([addDays(start, 20)]);
  });

  it('rejects an inverted range', async () => {
    const res = await app.graphql(QUERY, { ids: [gid('Container', ids.t1)], range: { from: today, to: start } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Container.readings(parameterCode, range, bucket)', () => {
  const QUERY = /* GraphQL */ `
    query ($ids: [ID!]!, $range: DateRange!, $bucket: TimeBucket!) {
      nodes(ids: $ids) {
        ... on Container { id readings(parameterCode: "TEMPERATURE", range: $range, bucket: $bucket) { bucketStart bucketEnd avgValue minValue maxValue readingCount } }
      }
    }
  `;
  const SERIES = /* GraphQL */ `
    query ($id: ID!, $range: DateRange!, $bucket: TimeBucket!) {
      readingSeries(containerId: $id, parameterCode: "TEMPERATURE", range: $range, bucket: $bucket) { bucketStart bucketEnd avgValue minValue maxValue readingCount }
    }
  `;

  it('returns the buckets of readingSeries, checked against environmental_daily, at one statement per list', async () => {
    const range = { from: addDays(start, 3), to: addDays(start, 50) };
    const pairIds = [gid('Container', ids.t1), gid('Container', ids.t3)];
    for (const bucket of ['DAY', 'WEEK', 'MONTH']) {
      const { data, statements } = await sameCost<{ nodes: Array<{ readings: unknown[] }> }>(QUERY, [pairIds[1]!], pairIds, { range, bucket });
      expect(statements).toBe(2); // containers, daily aggregates
      for (const [i, id] of pairIds.entries()) {
        const series = await ok<{ readingSeries: unknown[] }>(SERIES, { id, range, bucket });
        expect(data.nodes[i]!.readings).toEqual(series.data.readingSeries);
      }
    }
    const { data } = await ok<{ nodes: Array<{ readings: Array<{ bucketStart: string; avgValue: number; minValue: number; maxValue: number; readingCount: number }> }> }>(
      QUERY,
      { ids: [pairIds[1]], range, bucket: 'MONTH' },
    );
    const months = await fx.rows<{ bucket_start: string; avg: number; min: number; max: number; n: number }>(
      `select greatest(date_trunc('month', date)::date, $2::date)::text as bucket_start, round(sum(avg_value * reading_count) / sum(reading_count), 4)::float8 as avg,
              min(min_value)::float8 as min, max(max_value)::float8 as max, sum(reading_count)::int as n
         from environmental_daily where container_id = $1 and date between $2 and $3 group by 1 order by 1`,
      [ids.t3, range.from, range.to],
    );
    expect(data.nodes[0]!.readings).toEqual(
      months.map((m) => expect.objectContaining({ bucketStart: m.bucket_start, avgValue: m.avg, minValue: m.min, maxValue: m.max, readingCount: m.n })),
    );
  });

  it('validates the range like readingSeries', async () => {
    const inverted = await app.graphql(QUERY, { ids: [gid('Container', ids.t1)], range: { from: today, to: start }, bucket: 'DAY' });
    expect(inverted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooLong = await app.graphql(QUERY, { ids: [gid('Container', ids.t1)], range: { from: '2010-01-01', to: '2025-01-01' }, bucket: 'MONTH' });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0]?.message).toContain('3660');
  });
});

describe('Hall.containers(filter) and Area.containers(filter)', () => {
  const HALLS = /* GraphQL */ `
    query ($ids: [ID!]!, $filter: ContainerAttributeFilter) {
      nodes(ids: $ids) { ... on Hall { id containers(filter: $filter) { id name active } } }
    }
  `;
  const AREAS = /* GraphQL */ `
    query ($ids: [ID!]!, $filter: ContainerAttributeFilter) {
      nodes(ids: $ids) { ... on Area { id containers(filter: $filter) { id name } } }
    }
  `;

  async function expected(column: 'hall_id' | 'area_id', placeId: number, active: boolean | null, categories: string[] | null) {
    const rows = await fx.rows<{ id: number }>(
      `select c.id from container c join container_type t on t.id = c.container_type_id
        where c.${column} = $1 and ($2::boolean is null or c.active = $2) and ($3::text[] is null or t.category::text = any($3))
        order by c.name, c.id`,
      [placeId, active, categories],
    );
    return rows.map((r) => gid('Container', r.id));
  }

  it('filters the containers of halls by active and category, at one statement per list', async () => {
    const pairIds = [gid('Hall', ids.hallA), gid('Hall', ids.hallB)];
    const filters: Array<{ active?: boolean; categories?: string[] } | null> = [null, { active: true }, { active: false }, { categories: ['TRAY'] }, { active: true, categories: ['TANK'] }, { categories: [] }];
    for (const filter of filters) {
      const { data, statements } = await sameCost<{ nodes: Array<{ containers: Array<{ id: string }> }> }>(HALLS, [pairIds[0]!], pairIds, { filter });
      expect(statements).toBe(2); // halls, containers
      for (const [i, hall] of [ids.hallA, ids.hallB].entries()) {
        expect(data.nodes[i]!.containers.map((c) => c.id)).toEqual(await expected('hall_id', hall, filter?.active ?? null, filter?.categories ?? null));
      }
    }
    const all = await ok<{ nodes: Array<{ containers: unknown[] }> }>(HALLS, { ids: [gid('Hall', ids.hallA)] });
    expect(all.data.nodes[0]!.containers).toHaveLength(3);
  });

  it('filters the rings of areas', async () => {
    const pairIds = [gid('Area', ids.area1), gid('Area', ids.area2)];
    for (const filter of [null, { active: true }, { categories: ['PEN'] }, { categories: ['TANK'] }]) {
      const { data } = await sameCost<{ nodes: Array<{ containers: Array<{ id: string }> }> }>(AREAS, [pairIds[1]!], pairIds, { filter });
      for (const [i, area] of [ids.area1, ids.area2].entries()) {
        expect(data.nodes[i]!.containers.map((c) => c.id)).toEqual(await expected('area_id', area, filter?.active ?? null, filter?.categories ?? null));
      }
    }
  });

  it('answers two aliases with different filters with one statement each', async () => {
    const { data, statements } = await ok<{ hall: { active: unknown[]; inactive: unknown[] } }>(
      `query ($id: ID!) { hall: node(id: $id) { ... on Hall { active: containers(filter: { active: true }) { id } inactive: containers(filter: { active: false }) { id } } } }`,
      { id: gid('Hall', ids.hallA) },
    );
    expect(data.hall.active).toHaveLength(2);
    expect(data.hall.inactive).toHaveLength(1);
    expect(statements).toBe(3);
  });
});

describe('AreaGroup.areaGroups and summary(asOf)', () => {
  const QUERY = /* GraphQL */ `
    query ($ids: [ID!]!, $asOf: Date) {
      nodes(ids: $ids) {
        ... on AreaGroup {
          id
          areaGroups { id }
          children { id }
          summary(asOf: $asOf) { asOf containers occupiedContainers capacityKg biomassKg population avgWeightG utilisationPct }
        }
      }
    }
  `;

  it('lists child groups by name and deprecates children', async () => {
    const { data } = await ok<{ nodes: Array<{ areaGroups: Array<{ id: string }>; children: Array<{ id: string }> }> }>(QUERY, {
      ids: [gid('AreaGroup', ids.root), gid('AreaGroup', ids.g1)],
    });
    expect(data.nodes[0]!.areaGroups.map((g) => g.id)).toEqual([gid('AreaGroup', ids.g1), gid('AreaGroup', ids.g2)]);
    expect(data.nodes[1]!.areaGroups.map((g) => g.id)).toEqual([gid('AreaGroup', ids.g1a)]);
    expect(data.nodes.map((n) => n.children)).toEqual(data.nodes.map((n) => n.areaGroups));
    const intro = await ok<{ __type: { fields: Array<{ name: string; isDeprecated: boolean; deprecationReason: string | null }> } }>(
      `{ __type(name: "AreaGroup") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`,
    );
    const fields = new Map(intro.data.__type.fields.map((f) => [f.name, f]));
    expect(fields.get('children')).toMatchObject({ isDeprecated: true, deprecationReason: 'Use areaGroups' });
    expect(fields.get('areaGroups')?.isDeprecated).toBe(false);
    expect(fields.has('freshwaterStations')).toBe(false);
  });

  it('sums the active holding containers of the whole subtree, checked against the database, at constant cost', async () => {
    const groups = [ids.root, ids.g1, ids.g1a, ids.g2];
    const { data, statements } = await sameCost<{
      nodes: Array<{ summary: { asOf: string; containers: number; occupiedContainers: number; capacityKg: number; biomassKg: number; population: number; avgWeightG: number | null; utilisationPct: number | null } }>;
    }>(QUERY, [gid('AreaGroup', ids.root)], groups.map((g) => gid('AreaGroup', g)), { asOf: today });
    expect(statements).toBe(3); // groups, child groups (areaGroups and children share one loader), summaries
    const subtree = { [ids.root]: [ids.area1, ids.area2], [ids.g1]: [ids.area1], [ids.g1a]: [ids.area1], [ids.g2]: [ids.area2] };
    for (const [i, group] of groups.entries()) {
      const row = await fx.one<{ containers: number; capacity: number; biomass: number; population: number; occupied: number }>(
        `select count(*)::int as containers, sum(c.max_biomass_kg)::float8 as capacity, coalesce(sum(d.biomass_kg), 0)::float8 as biomass,
                coalesce(sum(d.population), 0)::int as population, count(d.container_id)::int as occupied
           from container c left join daily_assignment_state d on d.container_id = c.id and d.date = $2 and d.population > 0
          where c.area_id = any($1) and c.active and c.hierarchy_role = 'HOLDING'`,
        [subtree[group], today],
      );
      const summary = data.nodes[i]!.summary;
      expect(summary).toMatchObject({ asOf: today, containers: row.containers, capacityKg: row.capacity, occupiedContainers: row.occupied });
      expect(summary.population).toBe(row.population);
      expect(summary.biomassKg).toBeCloseTo(row.biomass, 2);
    }
    expect(data.nodes[0]!.summary.population).toBeGreaterThan(0);
    expect(data.nodes[3]!.summary).toMatchObject({ containers: 1, capacityKg: 150_000, population: 0, biomassKg: 0, avgWeightG: null, utilisationPct: 0 });
    // The root group equals its areas' summaries together.
    const areas = await ok<{ nodes: Array<{ summary: { biomassKg: number; population: number; capacityKg: number } }> }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Area { summary(asOf: "${today}") { biomassKg population capacityKg } } } }`,
      { ids: [gid('Area', ids.area1), gid('Area', ids.area2)] },
    );
    const root = data.nodes[0]!.summary;
    expect(root.population).toBe(areas.data.nodes.reduce((s, n) => s + n.summary.population, 0));
    expect(root.capacityKg).toBe(areas.data.nodes.reduce((s, n) => s + n.summary.capacityKg, 0));
    expect(root.biomassKg).toBeCloseTo(areas.data.nodes.reduce((s, n) => s + n.summary.biomassKg, 0), 2);
  });
});

describe('Sensor.latestReading', () => {
  const QUERY = /* GraphQL */ `
    query ($ids: [ID!]!) {
      nodes(ids: $ids) { ... on Sensor { id latestReading { id value readingTime container { id } } } }
    }
  `;

  it("returns each sensor's newest reading (null without one), at one statement per list", async () => {
    const sensors = [ids.sensor1, ids.sensor2, ids.sensor3];
    const { data, statements } = await sameCost<{ nodes: Array<{ latestReading: { id: string; value: number; readingTime: string } | null }> }>(
      QUERY,
      [gid('Sensor', ids.sensor1)],
      sensors.map((s) => gid('Sensor', s)),
    );
    expect(statements).toBe(3); // sensors, readings, containers
    for (const [i, sensor] of sensors.entries()) {
      const row = await fx.rows<{ id: number; value: number; reading_time: Date }>(
        `select id, value::float8 as value, reading_time from environmental_reading where sensor_id = $1 order by reading_time desc limit 1`,
        [sensor],
      );
      const got = data.nodes[i]!.latestReading;
      if (row.length === 0) expect(got).toBeNull();
      else expect(got).toMatchObject({ id: gid('EnvironmentalReading', row[0]!.id), value: row[0]!.value, readingTime: row[0]!.reading_time.toISOString() });
    }
    expect(data.nodes[0]!.latestReading?.value).toBe(8.25);
    expect(data.nodes[2]!.latestReading).toBeNull();
  });
});

describe('ContainerType.containers', () => {
  it('lists the containers of each type by name, at one statement for all types', async () => {
    const { data, statements } = await ok<{ containerTypes: Array<{ id: string; containers: Array<{ id: string }> }> }>(
      `{ containerTypes { id containers { id } } }`,
    );
    expect(statements).toBe(2);
    expect(data.containerTypes).toHaveLength(3);
    for (const typeId of [fx.ids.type, ids.trayType, ids.penType]) {
      const rows = await fx.rows<{ id: number }>(`select id from container where container_type_id = $1 order by name, id`, [typeId]);
      const type = data.containerTypes.find((t) => t.id === gid('ContainerType', typeId))!;
      expect(type.containers.map((c) => c.id)).toEqual(rows.map((r) => gid('Container', r.id)));
    }
    const QUERY = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on ContainerType { containers { id } } } }`;
    await sameCost(QUERY, [gid('ContainerType', fx.ids.type)], [gid('ContainerType', fx.ids.type), gid('ContainerType', ids.penType)]);
  });
});
