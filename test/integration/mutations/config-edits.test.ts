import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays } from '../../../src/shared/dates.js';
import { call as mutation, idOf, runRecompute } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

const start = daysAgo(40);
/** ACTIVE batches of Atlantic salmon: CE-001 in T01 and T02 from `start`, CE-002 in T03 from start + 10. */
let first: { id: number; assignments: number[] };
let second: { id: number; assignments: number[] };
/** A COMPLETED salmon batch (T04, departed) and an ACTIVE batch of another species (T05). */
let ended: { id: number; assignments: number[] };
let trout: { species: number; stage: number; batch: number; assignment: number };
let hall: number;
let area: number;

beforeAll(async () => {
  env = await MutationEnv.start();
  const [t1, t2, t3, t4, t5] = env.ids.tanks;
  first = await env.batch('CE-001', start, [t1!, t2!], 1_000, 50);
  second = await env.batch('CE-002', addDays(start, 10), [t3!], 1_000, 50);
  ended = await env.batch('CE-END', start, [t4!], 1_000, 50);
  await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [ended.assignments[0], daysAgo(5)]);
  await env.sql.query(`update batch set status = 'COMPLETED', actual_end_date = $2 where id = $1`, [ended.id, daysAgo(5)]);
  const species = (await env.one<{ id: number }>(`insert into species (name, scientific_name) values ('Rainbow Trout', 'Oncorhynchus mykiss') returning id`)).id;
  const stage = (await env.one<{ id: number }>(`insert into lifecycle_stage (species_id, code, name, "order", environment) values ($1, 'FRY', 'Fry', 1, 'FRESHWATER') returning id`, [species])).id;
  const batch = (await env.one<{ id: number }>(`insert into batch (batch_number, species_id, status, start_date) values ('CE-TROUT', $1, 'ACTIVE', $2) returning id`, [species, start])).id;
  const assignment = (
    await env.one<{ id: number }>(
      `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, opening_population, opening_avg_weight_g)
       values ($1, $2, $3, $4, 100, 1) returning id`,
      [batch, t5, stage, start],
    )
  ).id;
  trout = { species, stage, batch, assignment };
  hall = (await env.one<{ id: number }>('select id from hall')).id;
  area = (await env.one<{ id: number }>('select id from area')).id;
});

afterAll(async () => {
  await env.stop();
});

type Payload<T> = T & { userErrors: UserErrorShape[] };

/** Calls mutation `name` with `input` as the ADMIN token `root` (or the token with `secret`) and returns its payload. */
const call = <T>(query: string, name: string, input: Record<string, unknown>, secret = SECRETS.root): Promise<Payload<T>> => mutation<T>(env, query, name, input, secret);

const CONFIG_TABLES = ['species', 'lifecycle_stage', 'environmental_parameter', 'feed', 'feed_container', 'recompute_job', 'mutation_idempotency', 'batch_container_assignment'];

/** Every row of the tables these mutations write (and of the recompute bookkeeping), as one digest per table. */
async function digest(): Promise<Record<string, string>> {
  return env.one(
    `select ${CONFIG_TABLES.map((t) => `(select md5(coalesce(string_agg(to_jsonb(r)::text, ';' order by to_jsonb(r)::text), '')) from ${t} r) as ${t}`).join(', ')}`,
  );
}

/** Runs `run` and checks it wrote nothing: the config tables, the assignments and the recompute jobs are as before. */
async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
  const before = await digest();
  const wakeUps = await env.one('select count(*)::int as n from graphile_worker._private_jobs');
  await run();
  expect(await digest()).toEqual(before);
  expect(await env.one('select count(*)::int as n from graphile_worker._private_jobs')).toEqual(wakeUps);
}

const SPECIES_CREATE = `mutation($input: SpeciesCreateInput!) { speciesCreate(input: $input) { species { id name scientificName lifecycleStages { id } } ${USER_ERRORS} } }`;
const PARAMETER_CREATE = `mutation($input: EnvironmentalParameterCreateInput!) {
  environmentalParameterCreate(input: $input) { environmentalParameter { id code name unit minValue maxValue optimalMin optimalMax } ${USER_ERRORS} }
}`;
const STAGE_FIELDS = 'id version code name order minWeightG maxWeightG typicalDurationDays defaultTgc defaultDailyMortalityPct environment species { id }';
const JOBS = 'recomputeJobs { status reason fromDate batch { id } }';
const STAGE_CREATE = `mutation($input: LifecycleStageCreateInput!) { lifecycleStageCreate(input: $input) { lifecycleStage { ${STAGE_FIELDS} } ${JOBS} ${USER_ERRORS} } }`;
const STAGE_UPDATE = `mutation($input: LifecycleStageUpdateInput!) { lifecycleStageUpdate(input: $input) { lifecycleStage { ${STAGE_FIELDS} } ${JOBS} ${USER_ERRORS} } }`;
const FEED_FIELDS = 'id version name brand sizeCategory pelletSizeMm proteinPct fatPct active';
const FEED_CREATE = `mutation($input: FeedCreateInput!) { feedCreate(input: $input) { feed { ${FEED_FIELDS} } ${USER_ERRORS} } }`;
const FEED_UPDATE = `mutation($input: FeedUpdateInput!) { feedUpdate(input: $input) { feed { ${FEED_FIELDS} } ${USER_ERRORS} } }`;
const STORE_FIELDS = 'id version name feedContainerType capacityKg active hall { id } area { id }';
const STORE_CREATE = `mutation($input: FeedContainerCreateInput!) { feedContainerCreate(input: $input) { feedContainer { ${STORE_FIELDS} } ${USER_ERRORS} } }`;
const STORE_UPDATE = `mutation($input: FeedContainerUpdateInput!) { feedContainerUpdate(input: $input) { feedContainer { ${STORE_FIELDS} } ${USER_ERRORS} } }`;

type Job = { status: string; reason: string; fromDate: string | null; batch: { id: string } };
type StageShape = { id: string; version: number; code: string; name: string; order: number; maxWeightG: number | null; defaultTgc: number | null; typicalDurationDays: number | null };
type StagePayload = { lifecycleStage: StageShape | null; recomputeJobs: Job[] };
type FeedPayload = { feed: { id: string; version: number; name: string; brand: string | null; proteinPct: number; fatPct: number; active: boolean } | null };
type StorePayload = {
  feedContainer: { id: string; version: number; name: string; capacityKg: number; hall: { id: string } | null; area: { id: string } | null } | null;
};

const createSpecies = (input: Record<string, unknown>, secret?: string) =>
  call<{ species: { id: string; name: string; scientificName: string; lifecycleStages: unknown[] } | null }>(SPECIES_CREATE, 'speciesCreate', input, secret);
const createParameter = (input: Record<string, unknown>, secret?: string) =>
  call<{ environmentalParameter: Record<string, unknown> | null }>(PARAMETER_CREATE, 'environmentalParameterCreate', input, secret);
const createStage = (input: Record<string, unknown>, secret?: string) => call<StagePayload>(STAGE_CREATE, 'lifecycleStageCreate', input, secret);
const updateStage = (input: Record<string, unknown>, secret?: string) => call<StagePayload>(STAGE_UPDATE, 'lifecycleStageUpdate', input, secret);
const createFeed = (input: Record<string, unknown>, secret = SECRETS.ops) => call<FeedPayload>(FEED_CREATE, 'feedCreate', input, secret);
const updateFeed = (input: Record<string, unknown>, secret = SECRETS.ops) => call<FeedPayload>(FEED_UPDATE, 'feedUpdate', input, secret);
const createStore = (input: Record<string, unknown>, secret = SECRETS.ops) => call<StorePayload>(STORE_CREATE, 'feedContainerCreate', input, secret);
const updateStore = (input: Record<string, unknown>, secret = SECRETS.ops) => call<StorePayload>(STORE_UPDATE, 'feedContainerUpdate', input, secret);

const stageGid = (code: string) => gid('LifecycleStage', env.ids.stages[code]!);
const stageVersion = async (code: string) => (await env.one<{ version: number }>('select version from lifecycle_stage where id = $1', [env.ids.stages[code]])).version;
const dirtyMarks = (batchId: number) => env.rows('select id, dirty_from from batch_container_assignment where batch_id = $1 order by id', [batchId]);
/** Marks a test left behind are cleared and its jobs finished, so the next test sees only its own. */
async function settleAll(): Promise<void> {
  await env.sql.query(`update recompute_job set status = 'SUCCEEDED', finished_at = now() where status = 'QUEUED'`);
  await env.sql.query('update batch_container_assignment set dirty_from = null');
}

describe('speciesCreate', () => {
  it('creates a species, and a retry with the same idempotency key returns it without writing again', async () => {
    const input = { name: 'Arctic Char', scientificName: 'Salvelinus alpinus', idempotencyKey: 'char-1' };
    const payload = await createSpecies(input);
    expect(payload.userErrors).toEqual([]);
    expect(payload.species).toMatchObject({ name: 'Arctic Char', scientificName: 'Salvelinus alpinus', lifecycleStages: [] });
    const replay = await createSpecies(input);
    expect(replay.species!.id).toBe(payload.species!.id);
    expect(await env.one(`select count(*)::int as n from species where name = 'Arctic Char'`)).toEqual({ n: 1 });
  });

  it('refuses a taken name or scientific name with CONFLICT naming the species, and bad input with VALIDATION', async () => {
    await expectNothingWritten(async () => {
      const name = await createSpecies({ name: ' Atlantic Salmon ', scientificName: 'Salmo novus' });
      expect(name).toEqual({ species: null, userErrors: [{ code: 'CONFLICT', message: 'Species Atlantic Salmon already exists', field: ['input', 'name'] }] });
      const scientific = await createSpecies({ name: 'Brown Trout', scientificName: 'Oncorhynchus mykiss' });
      expect(scientific.userErrors).toEqual([
        { code: 'CONFLICT', message: 'Oncorhynchus mykiss is already the scientific name of Rainbow Trout', field: ['input', 'scientificName'] },
      ]);
      const bad = await createSpecies({ name: '  ', scientificName: 'x'.repeat(201) });
      expect(bad.userErrors).toEqual([
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'name'] }),
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'scientificName'] }),
      ]);
    });
  });
});

describe('environmentalParameterCreate', () => {
  it('creates a parameter with its plausible and optimal ranges', async () => {
    const payload = await createParameter({ code: 'TURBIDITY', name: 'Turbidity', unit: 'NTU', minValue: 0, maxValue: 1000, optimalMin: 0, optimalMax: 5.555 });
    expect(payload).toEqual({
      environmentalParameter: { id: expect.any(String), code: 'TURBIDITY', name: 'Turbidity', unit: 'NTU', minValue: 0, maxValue: 1000, optimalMin: 0, optimalMax: 5.56 },
      userErrors: [],
    });
  });

  it('refuses a taken code with CONFLICT naming the parameter, and bad input with VALIDATION', async () => {
    await expectNothingWritten(async () => {
      const taken = await createParameter({ code: 'TEMPERATURE', name: 'Water temperature', unit: '°C' });
      expect(taken.userErrors).toEqual([{ code: 'CONFLICT', message: 'Parameter code TEMPERATURE is already taken by TEMPERATURE (°C)', field: ['input', 'code'] }]);
      const bad = await createParameter({ code: 'dissolved oxygen', name: 'DO', unit: 'mg/L', minValue: 20, maxValue: 0, optimalMin: 8, optimalMax: 7 });
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'code']],
        ['VALIDATION', ['input', 'maxValue']],
        ['VALIDATION', ['input', 'optimalMax']],
        ['VALIDATION', ['input', 'optimalMin']],
        ['VALIDATION', ['input', 'optimalMax']],
      ]);
    });
  });
});

describe('lifecycleStageUpdate', () => {
  beforeAll(async () => {
    await settleAll();
  });

  it('changes descriptive fields, bumps the version and queues no recompute', async () => {
    const version = await stageVersion('PARR');
    await expectNothingWritten(async () => {
      // The same values again: a no-op, not even a version bump.
      const same = await updateStage({ id: stageGid('PARR'), version, name: 'Parr', maxWeightG: 60 });
      expect(same.userErrors).toEqual([]);
      expect(same.lifecycleStage).toMatchObject({ version, name: 'Parr', maxWeightG: 60 });
    });
    const payload = await updateStage({ id: stageGid('PARR'), version, name: 'Parr (juvenile)', typicalDurationDays: 100, minWeightG: 5.5 });
    expect(payload.userErrors).toEqual([]);
    expect(payload.lifecycleStage).toMatchObject({ version: version + 1, name: 'Parr (juvenile)', typicalDurationDays: 100, order: 3 });
    expect(payload.recomputeJobs).toEqual([]);
    expect(await env.rows(`select id from recompute_job where status = 'QUEUED'`)).toEqual([]);
    expect(await env.one('select count(*)::int as n from batch_container_assignment where dirty_from is not null')).toEqual({ n: 0 });
  });

  it('marks every assignment of every batch of the species (ended ones included) dirty from its start on an engine-input change, and the series follows', async () => {
    const weightToday = async () =>
      (await env.one<{ avg_weight_g: number }>('select avg_weight_g from daily_assignment_state where assignment_id = $1 and date = $2', [first.assignments[0], today]))
        .avg_weight_g;
    await recomputeBatch({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, first.id);
    await settleAll();
    const before = await weightToday();

    const version = await stageVersion('PARR');
    const payload = await updateStage({ id: stageGid('PARR'), version, defaultTgc: 3.5 });
    expect(payload.userErrors).toEqual([]);
    expect(payload.lifecycleStage).toMatchObject({ version: version + 1, defaultTgc: 3.5 });
    expect(payload.recomputeJobs).toEqual([
      { status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: start, batch: { id: gid('Batch', first.id) } },
      { status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: addDays(start, 10), batch: { id: gid('Batch', second.id) } },
      { status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: start, batch: { id: gid('Batch', ended.id) } },
    ]);
    expect(await dirtyMarks(first.id)).toEqual(first.assignments.map((id) => ({ id, dirty_from: start })));
    expect(await dirtyMarks(second.id)).toEqual([{ id: second.assignments[0], dirty_from: addDays(start, 10) }]);
    expect(await env.wakeUp(first.id)).toEqual({ task_identifier: 'recompute' });
    // The COMPLETED batch follows too (data-model.md §6.4: all batches of the species); another species does not.
    expect(await dirtyMarks(ended.id)).toEqual([{ id: ended.assignments[0], dirty_from: start }]);
    expect(await dirtyMarks(trout.batch)).toEqual([{ id: trout.assignment, dirty_from: null }]);
    expect(await env.rows('select id from recompute_job where batch_id = $1', [trout.batch])).toEqual([]);

    await runRecompute(env, first.id);
    expect(await weightToday()).toBeGreaterThan(before);
    await settleAll();
  });

  it('refuses a stale version with STALE_VERSION and writes nothing', async () => {
    const version = await stageVersion('PARR');
    await expectNothingWritten(async () => {
      const payload = await updateStage({ id: stageGid('PARR'), version: version - 1, defaultTgc: 2 });
      expect(payload).toEqual({
        lifecycleStage: null,
        recomputeJobs: [],
        userErrors: [{ code: 'STALE_VERSION', message: expect.stringContaining(`version ${version}`), field: ['input', 'version'] }],
      });
    });
  });

  it('refuses an order or code another stage of the species has with CONFLICT naming it', async () => {
    const version = await stageVersion('PARR');
    await expectNothingWritten(async () => {
      const order = await updateStage({ id: stageGid('PARR'), version, order: 2 });
      expect(order.userErrors).toEqual([{ code: 'CONFLICT', message: 'Order 2 of Atlantic Salmon is already stage FRY (Fry)', field: ['input', 'order'] }]);
      const code = await updateStage({ id: stageGid('PARR'), version, code: 'SMOLT' });
      expect(code.userErrors).toEqual([{ code: 'CONFLICT', message: 'Atlantic Salmon already has a stage SMOLT (Smolt, order 4)', field: ['input', 'code'] }]);
    });
  });

  it('refuses out-of-range values with VALIDATION and writes nothing', async () => {
    const version = await stageVersion('PARR');
    await expectNothingWritten(async () => {
      // A TGC per °C·day instead of per 1000 °C·day, a mortality of 100 %, order 0, a cleared code.
      const ranges = await updateStage({ id: stageGid('PARR'), version, defaultTgc: 0.00275, defaultDailyMortalityPct: 100, order: 0, code: null });
      expect(ranges.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'code']],
        ['VALIDATION', ['input', 'order']],
        ['VALIDATION', ['input', 'defaultTgc']],
        ['VALIDATION', ['input', 'defaultDailyMortalityPct']],
      ]);
      // PARR tops out at 60 g: a minimum of 80 g would invert its range.
      const inverted = await updateStage({ id: stageGid('PARR'), version, minWeightG: 80 });
      expect(inverted.userErrors).toEqual([{ code: 'VALIDATION', message: 'minWeightG (80 g) must be below maxWeightG (60 g)', field: ['input', 'minWeightG'] }]);
    });
  });

  it('answers NOT_FOUND for ids of another type, malformed or unknown ids', async () => {
    await expectNothingWritten(async () => {
      for (const id of [gid('Species', env.ids.species), 'not-an-id', gid('LifecycleStage', 999_999)]) {
        const payload = await updateStage({ id, version: 1, name: 'x' });
        expect(payload.userErrors).toEqual([{ code: 'NOT_FOUND', message: `No lifecycle stage with id ${id}`, field: ['input', 'id'] }]);
      }
    });
  });
});

describe('lifecycleStageCreate', () => {
  const broodstock = { code: 'BROODSTOCK', name: 'Broodstock', order: 7, minWeightG: 5000, maxWeightG: 15000, defaultTgc: 0, environment: 'SEA' };

  beforeAll(async () => {
    await settleAll();
  });

  it('adds a stage and queues a recompute of every batch of the species from its start', async () => {
    const payload = await createStage({ ...broodstock, speciesId: gid('Species', env.ids.species), idempotencyKey: 'brood-1' });
    expect(payload.userErrors).toEqual([]);
    expect(payload.lifecycleStage).toMatchObject({ ...broodstock, version: 1, species: { id: gid('Species', env.ids.species) } });
    expect(payload.recomputeJobs.map((job) => [job.batch.id, job.fromDate, job.reason])).toEqual([
      [gid('Batch', first.id), start, 'SCENARIO_CHANGED'],
      [gid('Batch', second.id), addDays(start, 10), 'SCENARIO_CHANGED'],
      [gid('Batch', ended.id), start, 'SCENARIO_CHANGED'],
    ]);
    expect(await dirtyMarks(second.id)).toEqual([{ id: second.assignments[0], dirty_from: addDays(start, 10) }]);

    // A retry with the same key returns the stage and writes nothing.
    await expectNothingWritten(async () => {
      const replay = await createStage({ ...broodstock, speciesId: gid('Species', env.ids.species), idempotencyKey: 'brood-1' });
      expect(replay.lifecycleStage!.id).toBe(payload.lifecycleStage!.id);
    });
  });

  it('queues nothing for a species without batches', async () => {
    const char = await env.one<{ id: number }>(`select id from species where name = 'Arctic Char'`);
    const payload = await createStage({ speciesId: gid('Species', char.id), code: 'FRY', name: 'Fry', order: 1, defaultTgc: 2.5, environment: 'FRESHWATER' });
    expect(payload.userErrors).toEqual([]);
    expect(payload.recomputeJobs).toEqual([]);
  });

  it('refuses a taken order or code with CONFLICT, an unknown species with NOT_FOUND and bad input with VALIDATION', async () => {
    await expectNothingWritten(async () => {
      const order = await createStage({ ...broodstock, code: 'SPAWNER', speciesId: gid('Species', env.ids.species) });
      expect(order.userErrors).toEqual([{ code: 'CONFLICT', message: 'Order 7 of Atlantic Salmon is already stage BROODSTOCK (Broodstock)', field: ['input', 'order'] }]);
      const code = await createStage({ ...broodstock, order: 8, speciesId: gid('Species', env.ids.species) });
      expect(code.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'code'] })]);
      const species = await createStage({ ...broodstock, speciesId: gid('Species', 999_999) });
      expect(species.userErrors).toEqual([{ code: 'NOT_FOUND', message: `No species with id ${gid('Species', 999_999)}`, field: ['input', 'speciesId'] }]);
      const bad = await createStage({ ...broodstock, order: 9, code: 'Spawner', maxWeightG: -1, speciesId: gid('Species', env.ids.species) });
      expect(bad.userErrors.map((e) => e.field)).toEqual([
        ['input', 'code'],
        ['input', 'maxWeightG'],
      ]);
      const inverted = await createStage({ ...broodstock, order: 9, code: 'SPAWNER', minWeightG: 20000, speciesId: gid('Species', env.ids.species) });
      expect(inverted.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'maxWeightG'] })]);
    });
  });
});

describe('feedCreate and feedUpdate', () => {
  let feed: { id: string; version: number };

  it('creates a feed and changes it under optimistic locking, queuing no recompute', async () => {
    const jobs = await env.rows('select id, status, from_date from recompute_job order by id');
    const created = await createFeed({ name: 'Grower 9', brand: 'Biomar', sizeCategory: 'LARGE', pelletSizeMm: 9, proteinPct: 40, fatPct: 32, idempotencyKey: 'g9' });
    expect(created.userErrors).toEqual([]);
    expect(created.feed).toMatchObject({ name: 'Grower 9', brand: 'Biomar', proteinPct: 40, fatPct: 32, active: true, version: 1 });
    feed = created.feed!;

    const updated = await updateFeed({ id: feed.id, version: 1, brand: null, fatPct: 30, active: false });
    expect(updated.userErrors).toEqual([]);
    expect(updated.feed).toMatchObject({ version: 2, brand: null, fatPct: 30, proteinPct: 40, active: false });
    expect(await env.rows('select id, status, from_date from recompute_job order by id')).toEqual(jobs);
  });

  it('refuses taken names with CONFLICT, stale versions, unknown ids and bad input, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const taken = await createFeed({ name: 'Start 1', sizeCategory: 'SMALL', pelletSizeMm: 1.5, proteinPct: 50, fatPct: 20 });
      expect(taken.userErrors).toEqual([{ code: 'CONFLICT', message: 'Feed Start 1 already exists', field: ['input', 'name'] }]);
      const renamed = await updateFeed({ id: feed.id, version: 2, name: 'Start 1' });
      expect(renamed.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'name'] })]);
      const stale = await updateFeed({ id: feed.id, version: 1, name: 'Grower 10' });
      expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })]);
      const unknown = await updateFeed({ id: gid('Feed', 999_999), version: 1, name: 'x' });
      expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', message: `No feed with id ${gid('Feed', 999_999)}`, field: ['input', 'id'] }]);
      const bad = await createFeed({ name: 'Odd', sizeCategory: 'SMALL', pelletSizeMm: 0, proteinPct: 101, fatPct: 10 });
      expect(bad.userErrors.map((e) => e.field)).toEqual([
        ['input', 'pelletSizeMm'],
        ['input', 'proteinPct'],
      ]);
      // Protein and fat are shares of the same weight.
      const rich = await updateFeed({ id: feed.id, version: 2, proteinPct: 75 });
      expect(rich.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'fatPct'] })]);
    });
  });
});

describe('feedContainerCreate and feedContainerUpdate', () => {
  let silo: { id: string; version: number };

  it('creates stores in a hall and in a sea area, and moves one under optimistic locking', async () => {
    const created = await createStore({ name: 'Silo 1', feedContainerType: 'SILO', hallId: gid('Hall', hall), capacityKg: 25_000 });
    expect(created.userErrors).toEqual([]);
    expect(created.feedContainer).toMatchObject({ name: 'Silo 1', capacityKg: 25_000, version: 1, hall: { id: gid('Hall', hall) }, area: null });
    silo = created.feedContainer!;
    // The same name elsewhere is fine: names are unique per hall or area.
    const barge = await createStore({ name: 'Silo 1', feedContainerType: 'BARGE', areaId: gid('Area', area), capacityKg: 400_000 });
    expect(barge.feedContainer).toMatchObject({ hall: null, area: { id: gid('Area', area) } });

    const renamed = await updateStore({ id: silo.id, version: 1, name: 'Silo A', capacityKg: 30_000 });
    expect(renamed.feedContainer).toMatchObject({ version: 2, name: 'Silo A', capacityKg: 30_000 });
    const moved = await updateStore({ id: silo.id, version: 2, areaId: gid('Area', area) });
    expect(moved.userErrors).toEqual([]);
    expect(moved.feedContainer).toMatchObject({ version: 3, hall: null, area: { id: gid('Area', area) } });
  });

  it('refuses taken names, a missing or double location, stale versions and unknown ids, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const taken = await createStore({ name: 'Silo A', feedContainerType: 'SILO', areaId: gid('Area', area), capacityKg: 1 });
      expect(taken.userErrors).toEqual([
        { code: 'CONFLICT', message: 'Area FO-SEA-01 already has a feed store named Silo A (SILO)', field: ['input', 'name'] },
      ]);
      const into = await updateStore({ id: silo.id, version: 3, name: 'Silo 1' });
      expect(into.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('already has a feed store named Silo 1 (BARGE)') })]);
      const nowhere = await createStore({ name: 'Tank', feedContainerType: 'TANK', capacityKg: 0 });
      expect(nowhere.userErrors.map((e) => e.field)).toEqual([
        ['input', 'hallId'],
        ['input', 'capacityKg'],
      ]);
      const both = await updateStore({ id: silo.id, version: 3, hallId: gid('Hall', hall), areaId: gid('Area', area) });
      expect(both.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'hallId'] })]);
      const stale = await updateStore({ id: silo.id, version: 2, capacityKg: 5 });
      expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION' })]);
      const noHall = await createStore({ name: 'Tank', feedContainerType: 'TANK', hallId: gid('Hall', 999_999), capacityKg: 10 });
      expect(noHall.userErrors).toEqual([{ code: 'NOT_FOUND', message: `No hall with id ${gid('Hall', 999_999)}`, field: ['input', 'hallId'] }]);
      const unknown = await updateStore({ id: gid('Feed', idOf(silo.id)), version: 3, capacityKg: 5 });
      expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    });
  });

  it('refuses a hall or area that is not active, on create and on a move, and writes nothing', async () => {
    const closedHall = (await env.one<{ id: number }>(`insert into hall (station_id, name, active) select station_id, 'Closed', false from hall where id = $1 returning id`, [hall])).id;
    const closedArea = (
      await env.one<{ id: number }>(
        `insert into area (geography_id, name, latitude, longitude, active) select geography_id, 'FO-SEA-CLOSED', latitude, longitude, false from area where id = $1 returning id`,
        [area],
      )
    ).id;
    await expectNothingWritten(async () => {
      const inHall = await createStore({ name: 'Silo X', feedContainerType: 'SILO', hallId: gid('Hall', closedHall), capacityKg: 10 });
      expect(inHall).toEqual({ feedContainer: null, userErrors: [{ code: 'VALIDATION', message: 'Hall Closed is not active', field: ['input', 'hallId'] }] });
      const inArea = await createStore({ name: 'Barge X', feedContainerType: 'BARGE', areaId: gid('Area', closedArea), capacityKg: 10 });
      expect(inArea).toEqual({ feedContainer: null, userErrors: [{ code: 'VALIDATION', message: 'Area FO-SEA-CLOSED is not active', field: ['input', 'areaId'] }] });
      const toHall = await updateStore({ id: silo.id, version: 3, hallId: gid('Hall', closedHall) });
      expect(toHall.userErrors).toEqual([{ code: 'VALIDATION', message: 'Hall Closed is not active', field: ['input', 'hallId'] }]);
      const toArea = await updateStore({ id: silo.id, version: 3, areaId: gid('Area', closedArea) });
      expect(toArea.userErrors).toEqual([{ code: 'VALIDATION', message: 'Area FO-SEA-CLOSED is not active', field: ['input', 'areaId'] }]);
    });
  });
});

describe('access', () => {
  const adminMutations = [
    [SPECIES_CREATE, { name: 'Cod', scientificName: 'Gadus morhua' }],
    [PARAMETER_CREATE, { code: 'CO2_X', name: 'CO2', unit: 'mg/L' }],
    [STAGE_CREATE, { speciesId: gid('Species', 1), code: 'X', name: 'X', order: 99, environment: 'SEA' }],
    [STAGE_UPDATE, { id: gid('LifecycleStage', 1), version: 1, defaultTgc: 1 }],
  ] as const;
  const operatorMutations = [
    [FEED_CREATE, { name: 'Viewer feed', sizeCategory: 'SMALL', pelletSizeMm: 1, proteinPct: 1, fatPct: 1 }],
    [FEED_UPDATE, { id: gid('Feed', 1), version: 1, name: 'x' }],
    [STORE_CREATE, { name: 'Viewer silo', feedContainerType: 'SILO', hallId: gid('Hall', 1), capacityKg: 1 }],
    [STORE_UPDATE, { id: gid('FeedContainer', 1), version: 1, name: 'x' }],
  ] as const;

  it('refuses an OPERATOR token on the ADMIN mutations with a top-level FORBIDDEN error, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      for (const [query, input] of adminMutations) {
        const res = await env.mutate(query, { input }, SECRETS.ops);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(res.errors?.[0]?.message).toContain('needs the ADMIN role');
      }
    });
  });

  it('refuses a VIEWER token on every config mutation, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      for (const [query, input] of [...adminMutations, ...operatorMutations]) {
        const res = await env.mutate(query, { input }, SECRETS.alice);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('review: bounds and decimals as stored', () => {
  it('refuses a one-sided optimal range outside [minValue, maxValue], and bounds that round to one value', async () => {
    await expectNothingWritten(async () => {
      const above = await createParameter({ code: 'REVIEW_A', name: 'A', unit: 'x', minValue: 0, maxValue: 10, optimalMin: 20 });
      expect(above.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'optimalMin']]]);
      const below = await createParameter({ code: 'REVIEW_B', name: 'B', unit: 'x', minValue: 5, maxValue: 10, optimalMax: 1 });
      expect(below.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'optimalMax']]]);
      const collapsed = await createParameter({ code: 'REVIEW_C', name: 'C', unit: 'x', minValue: 1.001, maxValue: 1.004 });
      expect(collapsed.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'maxValue']]]);
    });
  });

  it('refuses sizes, capacities and rates that round to an invalid stored value with VALIDATION, not an internal error', async () => {
    await expectNothingWritten(async () => {
      const pellet = await createFeed({ name: 'Dust', sizeCategory: 'MICRO', pelletSizeMm: 0.001, proteinPct: 50, fatPct: 10 });
      expect(pellet.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'pelletSizeMm']]]);
      const store = await createStore({ name: 'Thimble', feedContainerType: 'TANK', hallId: gid('Hall', hall), capacityKg: 0.001 });
      expect(store.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'capacityKg']]]);
      const version = await stageVersion('PARR');
      const rate = await updateStage({ id: stageGid('PARR'), version, defaultDailyMortalityPct: 99.99999 });
      expect(rate.userErrors.map((e) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'defaultDailyMortalityPct']]]);
    });
  });
});
