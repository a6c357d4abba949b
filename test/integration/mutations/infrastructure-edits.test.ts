import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/processes.js';
import { idOf } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
/** Fixture rows: geography FO, station FO-FW-01 with hall A (tanks T01–T12), area FO-SEA-01 (rings R01–R03). */
let fixture: { geography: number; station: number; hall: number; area: number; tankType: number; ringType: number };

const VERSION = 'version';
const GEOGRAPHY = `geography { id code name description ${VERSION} }`;
const AREA = `area { id name latitude longitude maxBiomassKg active ${VERSION} geography { id } areaGroup { id } }`;
const STATION = `freshwaterStation { id name stationType latitude longitude active ${VERSION} geography { id } }`;
const HALL = `hall { id name areaSqm active ${VERSION} station { id } }`;
const CONTAINER_TYPE = 'containerType { id code name category maxVolumeM3 }';
const CONTAINER = `container { id name hierarchyRole volumeM3 maxBiomassKg active ${VERSION} containerType { id } hall { id } area { id } parent { id } }`;
const SENSOR = `sensor { id serialNumber manufacturer installedOn lastCalibratedOn active ${VERSION} container { id } parameter { id } }`;

/** Mutation name → [input type, payload selection]. */
const MUTATIONS = {
  geographyCreate: ['GeographyCreateInput', GEOGRAPHY],
  geographyUpdate: ['GeographyUpdateInput', GEOGRAPHY],
  areaCreate: ['AreaCreateInput', AREA],
  areaUpdate: ['AreaUpdateInput', AREA],
  freshwaterStationCreate: ['FreshwaterStationCreateInput', STATION],
  freshwaterStationUpdate: ['FreshwaterStationUpdateInput', STATION],
  hallCreate: ['HallCreateInput', HALL],
  hallUpdate: ['HallUpdateInput', HALL],
  containerTypeCreate: ['ContainerTypeCreateInput', CONTAINER_TYPE],
  containerCreate: ['ContainerCreateInput', CONTAINER],
  containerUpdate: ['ContainerUpdateInput', CONTAINER],
  sensorCreate: ['SensorCreateInput', SENSOR],
  sensorUpdate: ['SensorUpdateInput', SENSOR],
} as const;
type MutationName = keyof typeof MUTATIONS;

type Row = Record<string, unknown> & { id: string; version?: number };
type Payload = Record<string, Row | null> & { userErrors: UserErrorShape[] };

const document = (name: MutationName) => `mutation($input: ${MUTATIONS[name][0]}!) { ${name}(input: $input) { ${MUTATIONS[name][1]} ${USER_ERRORS} } }`;

/** Runs a mutation as OPERATOR (or another token) and returns its payload; a top-level error fails the test. */
async function run(name: MutationName, input: Record<string, unknown>, secret?: string): Promise<Payload> {
  const res = await env.mutate<Record<string, Payload>>(document(name), { input }, secret);
  expect(res.errors).toBeUndefined();
  return res.data![name]!;
}

/** The payload's resource (the one non-userErrors field), asserting there were no user errors. */
async function ok(name: MutationName, input: Record<string, unknown>): Promise<Row> {
  const payload = await run(name, input);
  expect(payload.userErrors).toEqual([]);
  const [row] = Object.entries(payload).filter(([key]) => key !== 'userErrors').map(([, value]) => value);
  expect(row).not.toBeNull();
  return row as Row;
}

/** Runs a mutation expected to fail with one user error; checks its code and field and that nothing changed. */
async function refused(name: MutationName, input: Record<string, unknown>, code: string, field: string[], message?: RegExp | string): Promise<UserErrorShape> {
  const before = await snapshot();
  const payload = await run(name, input);
  expect(await snapshot()).toEqual(before);
  expect(Object.entries(payload).filter(([key]) => key !== 'userErrors').every(([, value]) => value === null)).toBe(true);
  expect(payload.userErrors).toHaveLength(1);
  expect(payload.userErrors[0]).toMatchObject({ code, field });
  if (message) expect(payload.userErrors[0]!.message).toMatch(message);
  return payload.userErrors[0]!;
}

const TABLES = ['geography', 'area_group', 'area', 'freshwater_station', 'hall', 'container_type', 'container', 'sensor', 'mutation_idempotency', 'recompute_job'];

/** Row count and content digest of every table these mutations (or a stray recompute) could write. */
async function snapshot(): Promise<Record<string, { n: number; digest: string | null }>> {
  const result: Record<string, { n: number; digest: string | null }> = {};
  for (const table of TABLES) {
    result[table] = await env.one(`select count(*)::int as n, md5(string_agg(to_jsonb(t)::text, ';' order by to_jsonb(t)::text)) as digest from ${table} t`);
  }
  return result;
}

const versionOf = async (table: string, id: number) => (await env.one<{ version: number }>(`select version from ${table} where id = $1`, [id])).version;

beforeAll(async () => {
  env = await MutationEnv.start();
  const id = async (text: string) => (await env.one<{ id: number }>(text)).id;
  fixture = {
    geography: await id(`select id from geography where code = 'FO'`),
    station: await id(`select id from freshwater_station where name = 'FO-FW-01'`),
    hall: await id(`select id from hall where name = 'A'`),
    area: await id(`select id from area where name = 'FO-SEA-01'`),
    tankType: await id(`select id from container_type where code = 'TANK'`),
    ringType: await id(`select id from container_type where code = 'RING'`),
  };
});

afterAll(async () => {
  await env.stop();
});

describe('geographyCreate / geographyUpdate', () => {
  it('creates a geography once per idempotency key and queues nothing', async () => {
    const input = { code: 'SC', name: 'Scotland', description: 'West coast', idempotencyKey: 'geo-sc' };
    const geography = await ok('geographyCreate', input);
    expect(geography).toMatchObject({ code: 'SC', name: 'Scotland', description: 'West coast', version: 1 });
    expect(await env.one('select code, name from geography where id = $1', [idOf(geography.id)])).toEqual({ code: 'SC', name: 'Scotland' });
    const replay = await ok('geographyCreate', input);
    expect(replay.id).toBe(geography.id);
    expect(await env.one(`select count(*)::int as n from geography where code = 'SC'`)).toEqual({ n: 1 });
    expect(await env.one('select count(*)::int as n from recompute_job')).toEqual({ n: 0 });
  });

  it('refuses a taken code or name with CONFLICT naming the geography that has it', async () => {
    await refused('geographyCreate', { code: 'FO', name: 'Føroyar' }, 'CONFLICT', ['input', 'code'], `taken by FO (Faroe Islands) (id ${gid('Geography', fixture.geography)})`);
    await refused('geographyCreate', { code: 'FX', name: 'Faroe Islands' }, 'CONFLICT', ['input', 'name'], /Faroe Islands/);
  });

  it('refuses bad input with VALIDATION and writes nothing', async () => {
    await refused('geographyCreate', { code: 'TOOLONGCODE', name: 'X' }, 'VALIDATION', ['input', 'code']);
    await refused('geographyCreate', { code: 'IS', name: '   ' }, 'VALIDATION', ['input', 'name']);
  });

  it('updates under optimistic locking: STALE_VERSION, NOT_FOUND, CONFLICT', async () => {
    const geography = await ok('geographyCreate', { code: 'NO', name: 'Norway' });
    const updated = await ok('geographyUpdate', { id: geography.id, version: 1, name: 'Norge', description: 'Mid-Norway' });
    expect(updated).toMatchObject({ code: 'NO', name: 'Norge', description: 'Mid-Norway', version: 2 });
    const cleared = await ok('geographyUpdate', { id: geography.id, version: 2, description: null });
    expect(cleared).toMatchObject({ description: null, version: 3 });

    await refused('geographyUpdate', { id: geography.id, version: 2, name: 'Late' }, 'STALE_VERSION', ['input', 'version'], /version 3/);
    await refused('geographyUpdate', { id: gid('Geography', 999_999), version: 1, name: 'Ghost' }, 'NOT_FOUND', ['input', 'id']);
    await refused('geographyUpdate', { id: gid('Area', fixture.area), version: 1, name: 'Wrong type' }, 'NOT_FOUND', ['input', 'id']);
    await refused('geographyUpdate', { id: geography.id, version: 3, code: 'FO' }, 'CONFLICT', ['input', 'code']);
    await refused('geographyUpdate', { id: geography.id, version: 3, name: null }, 'VALIDATION', ['input', 'name']);
    // Its own name is not a conflict.
    expect(await ok('geographyUpdate', { id: geography.id, version: 3, name: 'Norge' })).toMatchObject({ name: 'Norge' });
  });
});

describe('areaCreate / areaUpdate', () => {
  it('creates a sea site in a leaf group of its geography', async () => {
    const group = await env.one<{ id: number }>(`insert into area_group (geography_id, code, name) values ($1, 'N', 'North') returning id`, [fixture.geography]);
    const area = await ok('areaCreate', {
      geographyId: gid('Geography', fixture.geography),
      areaGroupId: gid('AreaGroup', group.id),
      name: 'FO-SEA-02',
      latitude: 62.1234567,
      longitude: -6.75,
      maxBiomassKg: 5_000_000,
    });
    expect(area).toMatchObject({
      name: 'FO-SEA-02',
      latitude: 62.123457,
      longitude: -6.75,
      maxBiomassKg: 5_000_000,
      active: true,
      version: 1,
      geography: { id: gid('Geography', fixture.geography) },
      areaGroup: { id: gid('AreaGroup', group.id) },
    });

    const parent = await env.one<{ id: number }>(`insert into area_group (geography_id, code, name) values ($1, 'S', 'South') returning id`, [fixture.geography]);
    await env.sql.query(`insert into area_group (geography_id, parent_id, code, name) values ($1, $2, 'S1', 'South 1')`, [fixture.geography, parent.id]);
    await refused(
      'areaCreate',
      { geographyId: gid('Geography', fixture.geography), areaGroupId: gid('AreaGroup', parent.id), name: 'FO-SEA-03', latitude: 61, longitude: -6 },
      'VALIDATION',
      ['input', 'areaGroupId'],
      /leaf groups only/,
    );
  });

  it('refuses a taken name with CONFLICT, bad coordinates and caps with VALIDATION, an unknown geography with NOT_FOUND', async () => {
    const base = { geographyId: gid('Geography', fixture.geography), latitude: 61, longitude: -6 };
    await refused('areaCreate', { ...base, name: 'FO-SEA-01' }, 'CONFLICT', ['input', 'name'], `area FO-SEA-01 (id ${gid('Area', fixture.area)})`);
    await refused('areaCreate', { ...base, name: 'X', latitude: 95 }, 'VALIDATION', ['input', 'latitude']);
    await refused('areaCreate', { ...base, name: 'X', longitude: -181 }, 'VALIDATION', ['input', 'longitude']);
    await refused('areaCreate', { ...base, name: 'X', maxBiomassKg: 0 }, 'VALIDATION', ['input', 'maxBiomassKg']);
    await refused('areaCreate', { ...base, name: 'X', geographyId: gid('Geography', 999_999) }, 'NOT_FOUND', ['input', 'geographyId']);
  });

  it('updates under optimistic locking and keeps an area with fish in use', async () => {
    const area = await ok('areaCreate', { geographyId: gid('Geography', fixture.geography), name: 'FO-SEA-04', latitude: 61, longitude: -6 });
    const updated = await ok('areaUpdate', { id: area.id, version: 1, name: 'FO-SEA-04b', maxBiomassKg: 1_000_000, latitude: 61.5 });
    expect(updated).toMatchObject({ name: 'FO-SEA-04b', maxBiomassKg: 1_000_000, latitude: 61.5, version: 2 });
    expect(await ok('areaUpdate', { id: area.id, version: 2, maxBiomassKg: null, active: false })).toMatchObject({ maxBiomassKg: null, active: false, version: 3 });

    await refused('areaUpdate', { id: area.id, version: 2, name: 'Late' }, 'STALE_VERSION', ['input', 'version']);
    await refused('areaUpdate', { id: gid('Area', 999_999), version: 1, name: 'Ghost' }, 'NOT_FOUND', ['input', 'id']);
    await refused('areaUpdate', { id: area.id, version: 3, name: 'FO-SEA-01' }, 'CONFLICT', ['input', 'name']);

    await env.batch('AR-001', daysAgo(20), [env.ids.rings[0]!], 10_000, 500, 'ADULT');
    const version = await versionOf('area', fixture.area);
    await refused('areaUpdate', { id: gid('Area', fixture.area), version, active: false }, 'VALIDATION', ['input', 'active'], /R01 holds or is booked for batch AR-001/);
  });
});

describe('freshwaterStationCreate / freshwaterStationUpdate', () => {
  it('creates and updates a station; names are unique per geography', async () => {
    const station = await ok('freshwaterStationCreate', {
      geographyId: gid('Geography', fixture.geography),
      name: 'FO-BS-01',
      stationType: 'BROODSTOCK',
      latitude: 62.2,
      longitude: -7.1,
      idempotencyKey: 'station-bs',
    });
    expect(station).toMatchObject({ name: 'FO-BS-01', stationType: 'BROODSTOCK', active: true, version: 1, geography: { id: gid('Geography', fixture.geography) } });
    const updated = await ok('freshwaterStationUpdate', { id: station.id, version: 1, stationType: 'FRESHWATER', name: 'FO-FW-02' });
    expect(updated).toMatchObject({ stationType: 'FRESHWATER', name: 'FO-FW-02', version: 2 });

    await refused('freshwaterStationCreate', { geographyId: gid('Geography', fixture.geography), name: 'FO-FW-01', latitude: 62, longitude: -7 }, 'CONFLICT', ['input', 'name'], /station FO-FW-01/);
    await refused('freshwaterStationUpdate', { id: station.id, version: 1, name: 'Late' }, 'STALE_VERSION', ['input', 'version']);
    await refused('freshwaterStationUpdate', { id: gid('FreshwaterStation', 999_999), version: 1 }, 'NOT_FOUND', ['input', 'id']);
    await refused('freshwaterStationUpdate', { id: station.id, version: 2, latitude: -91 }, 'VALIDATION', ['input', 'latitude']);
  });
});

describe('hallCreate / hallUpdate', () => {
  it('creates halls in active stations only; names are unique per station', async () => {
    const hall = await ok('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'B', areaSqm: 850.5 });
    expect(hall).toMatchObject({ name: 'B', areaSqm: 850.5, active: true, version: 1, station: { id: gid('FreshwaterStation', fixture.station) } });
    await refused('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'A' }, 'CONFLICT', ['input', 'name'], /hall A/);
    await refused('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'C', areaSqm: -1 }, 'VALIDATION', ['input', 'areaSqm']);

    const closed = await ok('freshwaterStationCreate', { geographyId: gid('Geography', fixture.geography), name: 'FO-FW-OLD', latitude: 62, longitude: -7, active: false });
    await refused('hallCreate', { stationId: closed.id, name: 'A' }, 'VALIDATION', ['input', 'stationId'], /not active/);
  });

  it('updates under optimistic locking and keeps a hall with fish in use', async () => {
    const hall = await ok('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'D' });
    expect(await ok('hallUpdate', { id: hall.id, version: 1, name: 'D2', areaSqm: 120, active: false })).toMatchObject({ name: 'D2', areaSqm: 120, active: false, version: 2 });
    await refused('hallUpdate', { id: hall.id, version: 1, name: 'Late' }, 'STALE_VERSION', ['input', 'version']);
    await refused('hallUpdate', { id: gid('Hall', 999_999), version: 1 }, 'NOT_FOUND', ['input', 'id']);
    await refused('hallUpdate', { id: hall.id, version: 2, name: 'A' }, 'CONFLICT', ['input', 'name']);

    await env.batch('HA-001', daysAgo(10), [env.ids.tanks[11]!]);
    const version = await versionOf('hall', fixture.hall);
    await refused('hallUpdate', { id: gid('Hall', fixture.hall), version, active: false }, 'VALIDATION', ['input', 'active'], /T12 holds or is booked for batch HA-001/);
    const stationVersion = await versionOf('freshwater_station', fixture.station);
    await refused('freshwaterStationUpdate', { id: gid('FreshwaterStation', fixture.station), version: stationVersion, active: false }, 'VALIDATION', ['input', 'active'], /HA-001/);
  });
});

describe('containerTypeCreate', () => {
  it('creates a type; codes are unique; the max volume is positive', async () => {
    const type = await ok('containerTypeCreate', { code: 'TRAY', name: 'Incubation tray', category: 'TRAY', maxVolumeM3: 10, idempotencyKey: 'type-tray' });
    expect(type).toMatchObject({ code: 'TRAY', name: 'Incubation tray', category: 'TRAY', maxVolumeM3: 10 });
    await refused('containerTypeCreate', { code: 'TANK', name: 'Other tank', category: 'TANK', maxVolumeM3: 5 }, 'CONFLICT', ['input', 'code'], /container type Tank/);
    await refused('containerTypeCreate', { code: 'BIG', name: 'Big', category: 'TANK', maxVolumeM3: 0 }, 'VALIDATION', ['input', 'maxVolumeM3']);
  });
});

describe('containerCreate', () => {
  const inHall = (extra: Record<string, unknown>) => ({
    name: 'T20',
    containerTypeId: gid('ContainerType', fixture.tankType),
    hallId: gid('Hall', fixture.hall),
    volumeM3: 100,
    maxBiomassKg: 5000,
    ...extra,
  });

  it('creates tanks in halls and rings at sea; names are unique per hall or area', async () => {
    const tank = await ok('containerCreate', inHall({ idempotencyKey: 'tank-t20' }));
    expect(tank).toMatchObject({
      name: 'T20',
      hierarchyRole: 'HOLDING',
      volumeM3: 100,
      maxBiomassKg: 5000,
      active: true,
      version: 1,
      hall: { id: gid('Hall', fixture.hall) },
      area: null,
      parent: null,
      containerType: { id: gid('ContainerType', fixture.tankType) },
    });
    expect((await ok('containerCreate', inHall({ idempotencyKey: 'tank-t20' }))).id).toBe(tank.id);
    // The same name in another place is fine.
    const ring = await ok('containerCreate', {
      name: 'T01',
      containerTypeId: gid('ContainerType', fixture.ringType),
      areaId: gid('Area', fixture.area),
      volumeM3: 40_000,
      maxBiomassKg: 1_000_000,
    });
    expect(ring).toMatchObject({ name: 'T01', area: { id: gid('Area', fixture.area) }, hall: null });
    await refused('containerCreate', inHall({ name: 'T01' }), 'CONFLICT', ['input', 'name'], `container T01 (id ${gid('Container', env.ids.tanks[0]!)})`);
  });

  it('refuses a container in neither or both places, or of a category that does not fit, with VALIDATION', async () => {
    await refused('containerCreate', inHall({ hallId: null }), 'VALIDATION', ['input', 'hallId'], /exactly one of hallId and areaId/);
    await refused('containerCreate', inHall({ areaId: gid('Area', fixture.area) }), 'VALIDATION', ['input', 'hallId']);
    await refused('containerCreate', inHall({ containerTypeId: gid('ContainerType', fixture.ringType) }), 'VALIDATION', ['input', 'containerTypeId'], /PEN/);
    await refused('containerCreate', inHall({ hallId: null, areaId: gid('Area', fixture.area) }), 'VALIDATION', ['input', 'containerTypeId'], /TANK/);
    await refused('containerCreate', inHall({ volumeM3: 1001 }), 'VALIDATION', ['input', 'volumeM3'], /1000 m³/);
    await refused('containerCreate', inHall({ volumeM3: 0 }), 'VALIDATION', ['input', 'volumeM3']);
    await refused('containerCreate', inHall({ maxBiomassKg: null }), 'VALIDATION', ['input', 'maxBiomassKg']);
    await refused('containerCreate', inHall({ hierarchyRole: 'STRUCTURAL', maxBiomassKg: 10 }), 'VALIDATION', ['input', 'maxBiomassKg']);
    await refused('containerCreate', inHall({ hallId: gid('Hall', 999_999) }), 'NOT_FOUND', ['input', 'hallId']);
    await refused('containerCreate', inHall({ parentContainerId: gid('Container', env.ids.tanks[0]!) }), 'VALIDATION', ['input', 'parentContainerId'], /must be STRUCTURAL/);
  });

  it('groups trays under a structural rack in the same hall', async () => {
    const other = await env.one<{ id: number }>(`insert into container_type (code, name, category, max_volume_m3) values ('RACK', 'Rack', 'OTHER', 50) returning id`);
    const rack = await ok('containerCreate', inHall({ name: 'RACK-1', containerTypeId: gid('ContainerType', other.id), hierarchyRole: 'STRUCTURAL', volumeM3: 20, maxBiomassKg: null }));
    expect(rack).toMatchObject({ hierarchyRole: 'STRUCTURAL', maxBiomassKg: 0 });
    const tray = await ok('containerCreate', inHall({ name: 'TR-1', parentContainerId: rack.id, volumeM3: 10 }));
    expect(tray.parent).toEqual({ id: rack.id });
    const hallB = await env.one<{ id: number }>(`insert into hall (station_id, name) values ($1, 'Rack hall') returning id`, [fixture.station]);
    await refused('containerCreate', inHall({ name: 'TR-2', hallId: gid('Hall', hallB.id), parentContainerId: rack.id }), 'VALIDATION', ['input', 'parentContainerId'], /RACK-1 is not in hall Rack hall/);
  });
});

describe('containerUpdate', () => {
  it('changes a container under optimistic locking', async () => {
    const tank = await ok('containerCreate', { name: 'U01', containerTypeId: gid('ContainerType', fixture.tankType), hallId: gid('Hall', fixture.hall), volumeM3: 50, maxBiomassKg: 2000 });
    const updated = await ok('containerUpdate', { id: tank.id, version: 1, name: 'U01b', volumeM3: 80, maxBiomassKg: 2500 });
    expect(updated).toMatchObject({ name: 'U01b', volumeM3: 80, maxBiomassKg: 2500, version: 2 });
    await refused('containerUpdate', { id: tank.id, version: 1, name: 'Late' }, 'STALE_VERSION', ['input', 'version'], /version 2/);
    await refused('containerUpdate', { id: gid('Container', 999_999), version: 1, name: 'Ghost' }, 'NOT_FOUND', ['input', 'id']);
    await refused('containerUpdate', { id: tank.id, version: 2, name: 'T02' }, 'CONFLICT', ['input', 'name']);
    await refused('containerUpdate', { id: tank.id, version: 2, volumeM3: 2000 }, 'VALIDATION', ['input', 'volumeM3']);
    await refused('containerUpdate', { id: tank.id, version: 2, hallId: gid('Hall', fixture.hall), areaId: gid('Area', fixture.area) }, 'VALIDATION', ['input', 'hallId']);

    // Without assignments it may move (and become a ring at sea with a fitting type).
    const moved = await ok('containerUpdate', {
      id: tank.id,
      version: 2,
      areaId: gid('Area', fixture.area),
      containerTypeId: gid('ContainerType', fixture.ringType),
      volumeM3: 30_000,
      maxBiomassKg: 600_000,
    });
    expect(moved).toMatchObject({ hall: null, area: { id: gid('Area', fixture.area) }, volumeM3: 30_000, version: 3 });
    // A TANK type does not fit at sea.
    await refused('containerUpdate', { id: tank.id, version: 3, containerTypeId: gid('ContainerType', fixture.tankType) }, 'VALIDATION', ['input', 'containerTypeId']);
  });

  it('refuses changes that contradict recorded assignments with VALIDATION', async () => {
    const tank = env.ids.tanks[2]!;
    // 1,000 fish of 50 g: 50 kg held now (opening biomass; no daily state computed yet).
    await env.batch('CU-001', daysAgo(5), [tank], 1_000, 50);
    const id = gid('Container', tank);
    const version = await versionOf('container', tank);
    await refused('containerUpdate', { id, version, maxBiomassKg: 40 }, 'VALIDATION', ['input', 'maxBiomassKg'], /below the 50 kg batch CU-001 holds/);
    await refused('containerUpdate', { id, version, active: false }, 'VALIDATION', ['input', 'active'], /CU-001/);
    await refused('containerUpdate', { id, version, hierarchyRole: 'STRUCTURAL' }, 'VALIDATION', ['input', 'hierarchyRole']);
    const hallB = await env.one<{ id: number }>(`insert into hall (station_id, name) values ($1, 'Move hall') returning id`, [fixture.station]);
    await refused('containerUpdate', { id, version, hallId: gid('Hall', hallB.id) }, 'VALIDATION', ['input', 'hallId'], /cannot move/);

    expect(await ok('containerUpdate', { id, version, maxBiomassKg: 60 })).toMatchObject({ maxBiomassKg: 60, version: version + 1 });
    // Once the fish have left, the container may go out of use (but still not move: its history stays there).
    await env.sql.query(`update batch_container_assignment set departure_date = $1, close_reason = 'OTHER' where container_id = $2`, [daysAgo(1), tank]);
    expect(await ok('containerUpdate', { id, version: version + 1, active: false })).toMatchObject({ active: false });
    await refused('containerUpdate', { id, version: version + 2, hallId: gid('Hall', hallB.id) }, 'VALIDATION', ['input', 'hallId']);
    expect(await env.one('select count(*)::int as n from recompute_job')).toEqual({ n: 0 });
  });

  it('keeps the hierarchy a tree of structural parents', async () => {
    const other = await env.one<{ id: number }>(`insert into container_type (code, name, category, max_volume_m3) values ('FRAME', 'Frame', 'OTHER', 50) returning id`);
    const make = (name: string) =>
      ok('containerCreate', { name, containerTypeId: gid('ContainerType', other.id), hallId: gid('Hall', fixture.hall), hierarchyRole: 'STRUCTURAL', volumeM3: 5 });
    const outer = await make('F-OUTER');
    const inner = await ok('containerCreate', {
      name: 'F-INNER',
      containerTypeId: gid('ContainerType', other.id),
      hallId: gid('Hall', fixture.hall),
      hierarchyRole: 'STRUCTURAL',
      volumeM3: 5,
      parentContainerId: outer.id,
    });
    await refused('containerUpdate', { id: outer.id, version: 1, parentContainerId: inner.id }, 'VALIDATION', ['input', 'parentContainerId'], /cycle/);
    await refused('containerUpdate', { id: outer.id, version: 1, hierarchyRole: 'HOLDING', maxBiomassKg: 100 }, 'VALIDATION', ['input', 'hierarchyRole']);
    expect(await ok('containerUpdate', { id: inner.id, version: 1, parentContainerId: null })).toMatchObject({ parent: null, version: 2 });
  });
});

describe('sensorCreate / sensorUpdate', () => {
  const INGEST = `mutation($input: EnvironmentalReadingsIngestInput!) { environmentalReadingsIngest(input: $input) { inserted ${USER_ERRORS} } }`;

  it('installs sensors in active containers; serial numbers are unique', async () => {
    const sensor = await ok('sensorCreate', {
      containerId: gid('Container', env.ids.tanks[3]!),
      parameterId: gid('EnvironmentalParameter', env.ids.parameters.TEMPERATURE!),
      serialNumber: 'SN-001',
      manufacturer: 'Aanderaa',
      installedOn: daysAgo(30),
      idempotencyKey: 'sensor-1',
    });
    expect(sensor).toMatchObject({
      serialNumber: 'SN-001',
      manufacturer: 'Aanderaa',
      installedOn: daysAgo(30),
      lastCalibratedOn: null,
      active: true,
      version: 1,
      container: { id: gid('Container', env.ids.tanks[3]!) },
      parameter: { id: gid('EnvironmentalParameter', env.ids.parameters.TEMPERATURE!) },
    });
    const base = { containerId: gid('Container', env.ids.tanks[3]!), parameterId: gid('EnvironmentalParameter', env.ids.parameters.OXYGEN!), installedOn: daysAgo(1) };
    await refused('sensorCreate', { ...base, serialNumber: 'SN-001' }, 'CONFLICT', ['input', 'serialNumber'], /sensor SN-001/);
    await refused('sensorCreate', { ...base, serialNumber: 'SN-X', installedOn: daysAgo(-2) }, 'VALIDATION', ['input', 'installedOn']);
    await refused('sensorCreate', { ...base, serialNumber: 'SN-X', parameterId: gid('EnvironmentalParameter', 999_999) }, 'NOT_FOUND', ['input', 'parameterId']);
    await env.sql.query('update container set active = false where id = $1', [env.ids.tanks[4]!]);
    await refused('sensorCreate', { ...base, serialNumber: 'SN-X', containerId: gid('Container', env.ids.tanks[4]!) }, 'VALIDATION', ['input', 'containerId'], /not active/);
  });

  it('updates under optimistic locking; a sensor with readings keeps its container and parameter', async () => {
    const sensor = await ok('sensorCreate', {
      containerId: gid('Container', env.ids.tanks[5]!),
      parameterId: gid('EnvironmentalParameter', env.ids.parameters.OXYGEN!),
      serialNumber: 'SN-002',
      installedOn: daysAgo(10),
    });
    const moved = await ok('sensorUpdate', { id: sensor.id, version: 1, containerId: gid('Container', env.ids.tanks[6]!), lastCalibratedOn: daysAgo(2), manufacturer: 'YSI' });
    expect(moved).toMatchObject({ container: { id: gid('Container', env.ids.tanks[6]!) }, lastCalibratedOn: daysAgo(2), manufacturer: 'YSI', version: 2 });
    await refused('sensorUpdate', { id: sensor.id, version: 1, manufacturer: 'Late' }, 'STALE_VERSION', ['input', 'version']);
    await refused('sensorUpdate', { id: gid('Sensor', 999_999), version: 1 }, 'NOT_FOUND', ['input', 'id']);
    await refused('sensorUpdate', { id: sensor.id, version: 2, serialNumber: 'SN-001' }, 'CONFLICT', ['input', 'serialNumber']);
    await refused('sensorUpdate', { id: sensor.id, version: 2, installedOn: null }, 'VALIDATION', ['input', 'installedOn']);

    const ingest = await env.mutate<{ environmentalReadingsIngest: { inserted: number; userErrors: UserErrorShape[] } }>(INGEST, {
      input: {
        readings: [
          { containerId: gid('Container', env.ids.tanks[6]!), parameterCode: 'OXYGEN', sensorId: sensor.id, readingTime: `${daysAgo(1)}T08:00:00.000Z`, value: 9.5 },
        ],
      },
    });
    expect(ingest.data!.environmentalReadingsIngest).toEqual({ inserted: 1, userErrors: [] });
    await refused('sensorUpdate', { id: sensor.id, version: 2, containerId: gid('Container', env.ids.tanks[7]!) }, 'VALIDATION', ['input', 'containerId'], /recorded readings/);
    await refused('sensorUpdate', { id: sensor.id, version: 2, parameterId: gid('EnvironmentalParameter', env.ids.parameters.TEMPERATURE!) }, 'VALIDATION', ['input', 'parameterId']);
    expect(await ok('sensorUpdate', { id: sensor.id, version: 2, active: false, lastCalibratedOn: null })).toMatchObject({ active: false, lastCalibratedOn: null, version: 3 });
  });

  it('refuses a calibration before the installation, comparing a single given date with the stored other', async () => {
    const input = {
      containerId: gid('Container', env.ids.tanks[3]!),
      parameterId: gid('EnvironmentalParameter', env.ids.parameters.OXYGEN!),
      serialNumber: 'SN-003',
      installedOn: daysAgo(10),
    };
    const before = /lastCalibratedOn .* is before installedOn/;
    await refused('sensorCreate', { ...input, lastCalibratedOn: daysAgo(11) }, 'VALIDATION', ['input', 'lastCalibratedOn'], before);
    const sensor = await ok('sensorCreate', { ...input, lastCalibratedOn: daysAgo(5) });
    const edit = { id: sensor.id, version: 1 };
    await refused('sensorUpdate', { ...edit, lastCalibratedOn: daysAgo(11) }, 'VALIDATION', ['input', 'lastCalibratedOn'], before);
    await refused('sensorUpdate', { ...edit, installedOn: daysAgo(4) }, 'VALIDATION', ['input', 'lastCalibratedOn'], before);
    await refused('sensorUpdate', { ...edit, installedOn: daysAgo(4), lastCalibratedOn: daysAgo(6) }, 'VALIDATION', ['input', 'lastCalibratedOn'], before);
    // Calibrating on the day of installation is fine, and clearing the calibration frees the installation day.
    expect(await ok('sensorUpdate', { ...edit, installedOn: daysAgo(5) })).toMatchObject({ installedOn: daysAgo(5), lastCalibratedOn: daysAgo(5), version: 2 });
    expect(await ok('sensorUpdate', { id: sensor.id, version: 2, installedOn: daysAgo(3), lastCalibratedOn: null })).toMatchObject({ installedOn: daysAgo(3), lastCalibratedOn: null, version: 3 });
  });
});

describe('roles', () => {
  it('refuses every infrastructure mutation to a VIEWER with FORBIDDEN and writes nothing', async () => {
    const geo = gid('Geography', fixture.geography);
    const inputs: Record<MutationName, Record<string, unknown>> = {
      geographyCreate: { code: 'VW', name: 'Viewerland' },
      geographyUpdate: { id: geo, version: 1, name: 'Viewerland' },
      areaCreate: { geographyId: geo, name: 'V', latitude: 1, longitude: 1 },
      areaUpdate: { id: gid('Area', fixture.area), version: 1, name: 'V' },
      freshwaterStationCreate: { geographyId: geo, name: 'V', latitude: 1, longitude: 1 },
      freshwaterStationUpdate: { id: gid('FreshwaterStation', fixture.station), version: 1, name: 'V' },
      hallCreate: { stationId: gid('FreshwaterStation', fixture.station), name: 'V' },
      hallUpdate: { id: gid('Hall', fixture.hall), version: 1, name: 'V' },
      containerTypeCreate: { code: 'V', name: 'V', category: 'TANK', maxVolumeM3: 1 },
      containerCreate: { name: 'V', containerTypeId: gid('ContainerType', fixture.tankType), hallId: gid('Hall', fixture.hall), volumeM3: 1, maxBiomassKg: 1 },
      containerUpdate: { id: gid('Container', env.ids.tanks[0]!), version: 1, name: 'V' },
      sensorCreate: { containerId: gid('Container', env.ids.tanks[0]!), parameterId: gid('EnvironmentalParameter', env.ids.parameters.TEMPERATURE!), serialNumber: 'V', installedOn: daysAgo(1) },
      sensorUpdate: { id: gid('Sensor', 1), version: 1, manufacturer: 'V' },
    };
    const before = await snapshot();
    for (const name of Object.keys(MUTATIONS) as MutationName[]) {
      const res = await env.mutate<Record<string, Payload | null>>(document(name), { input: inputs[name] }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
      expect(res.errors?.[0]?.message, name).toContain('needs the OPERATOR role');
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('values that round to an invalid stored value', () => {
  it('refuses a positive size or cap that rounds to 0 at the column scale with VALIDATION, not an internal error', async () => {
    const inHall = { name: 'RZ-1', containerTypeId: gid('ContainerType', fixture.tankType), hallId: gid('Hall', fixture.hall), volumeM3: 10, maxBiomassKg: 100 };
    await refused('containerCreate', { ...inHall, maxBiomassKg: 0.004 }, 'VALIDATION', ['input', 'maxBiomassKg']);
    await refused('containerCreate', { ...inHall, volumeM3: 0.004 }, 'VALIDATION', ['input', 'volumeM3']);
    await refused('containerTypeCreate', { code: 'TINY', name: 'Tiny', category: 'TANK', maxVolumeM3: 0.001 }, 'VALIDATION', ['input', 'maxVolumeM3']);
    await refused('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'RZ', areaSqm: 0.001 }, 'VALIDATION', ['input', 'areaSqm']);
    await refused('areaCreate', { geographyId: gid('Geography', fixture.geography), name: 'RZ', latitude: 61, longitude: -6, maxBiomassKg: 0.001 }, 'VALIDATION', ['input', 'maxBiomassKg']);
  });
});

describe('areaUpdate versions', () => {
  it('bumps the version once for one update that changes the group and the name', async () => {
    const group = await env.one<{ id: number }>(`insert into area_group (geography_id, code, name) values ($1, 'VG', 'Version group') returning id`, [fixture.geography]);
    const area = await ok('areaCreate', { geographyId: gid('Geography', fixture.geography), name: 'FO-SEA-V1', latitude: 61, longitude: -6 });
    const updated = await ok('areaUpdate', { id: area.id, version: 1, areaGroupId: gid('AreaGroup', group.id), name: 'FO-SEA-V1b' });
    expect(updated).toMatchObject({ name: 'FO-SEA-V1b', areaGroup: { id: gid('AreaGroup', group.id) }, version: 2 });
  });
});

describe('hallUpdate locks', () => {
  it('deactivates a hall without waiting for an open insert that references one of its containers', async () => {
    const hall = await ok('hallCreate', { stationId: gid('FreshwaterStation', fixture.station), name: 'NK' });
    const tank = await ok('containerCreate', { name: 'NK-1', containerTypeId: gid('ContainerType', fixture.tankType), hallId: hall.id, volumeM3: 10, maxBiomassKg: 100 });
    // Another writer's open transaction holds FOR KEY SHARE on the tank (the foreign-key check of its insert),
    // as a recompute writing daily rows or a readings ingest would.
    const other = new pg.Client({ connectionString: env.app.database.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`insert into sensor (container_id, parameter_id, serial_number, installed_on) values ($1, $2, 'NK-SN', $3)`, [
        idOf(tank.id),
        env.ids.parameters.TEMPERATURE!,
        daysAgo(1),
      ]);
      const update = run('hallUpdate', { id: hall.id, version: 1, active: false });
      const outcome = await Promise.race([update.then(() => 'done'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 3000))]);
      await other.query('rollback');
      expect(outcome).toBe('done');
      expect((await update).userErrors).toEqual([]);
    } finally {
      await other.end();
    }
  });
});

describe('container parent locks', () => {
  it('judges a parent as committed by a concurrent change that makes it HOLDING', async () => {
    const other = await env.one<{ id: number }>(`insert into container_type (code, name, category, max_volume_m3) values ('LOCKRACK', 'Lock rack', 'OTHER', 50) returning id`);
    const rack = await ok('containerCreate', { name: 'LR-1', containerTypeId: gid('ContainerType', other.id), hallId: gid('Hall', fixture.hall), hierarchyRole: 'STRUCTURAL', volumeM3: 5 });
    // A concurrent containerUpdate has turned the rack HOLDING (it had no children) and not yet committed.
    const writer = new pg.Client({ connectionString: env.app.database.url });
    await writer.connect();
    try {
      const { pid } = (await writer.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!;
      await writer.query('begin');
      await writer.query(`update container set hierarchy_role = 'HOLDING', max_biomass_kg = 100, version = version + 1 where id = $1`, [idOf(rack.id)]);
      const child = run('containerCreate', { name: 'LR-TRAY', containerTypeId: gid('ContainerType', fixture.tankType), hallId: gid('Hall', fixture.hall), parentContainerId: rack.id, volumeM3: 1, maxBiomassKg: 10 });
      // Commit only once the containerCreate is blocked on a lock the writer holds, so it must judge the committed row.
      await until('containerCreate to wait on the writer\'s lock', 10_000, async () =>
        (await env.rows(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and $1 = any(pg_blocking_pids(pid))`, [pid])).length > 0,
      );
      await writer.query('commit');
      const payload = await child;
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'parentContainerId'] })]);
      expect(await env.one(`select count(*)::int as n from container where parent_container_id = $1`, [idOf(rack.id)])).toEqual({ n: 0 });
    } finally {
      await writer.end();
    }
  });
});
