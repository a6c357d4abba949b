import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { call, idOf, runRecompute, settle } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(60);

/** Planner scenario (created by scenarioCreate) set on SE-OWN. */
let planner: number;
/** SE-OWN: its own scenario `planner`. SE-FALLBACK: no scenario (species default). SE-DIRECT: the default set explicitly. SE-ENDED: COMPLETED, no scenario. */
let own: { id: number; assignments: number[] };
let fallback: { id: number; assignments: number[] };
let direct: { id: number; assignments: number[] };
let ended: { id: number; assignments: number[] };

const JOBS = 'recomputeJobs { id status reason fromDate batch { id } }';
const CREATE = `mutation($input: ScenarioCreateInput!) {
  scenarioCreate(input: $input) {
    scenario { id name description baseTgc baseMortalityRatePct baseMortalityFrequency version species { id } temperatureProfile { id } stageParameters { tgc } }
    ${USER_ERRORS}
  }
}`;
const UPDATE = `mutation($input: ScenarioUpdateInput!) {
  scenarioUpdate(input: $input) {
    scenario { id name description baseTgc baseMortalityRatePct baseMortalityFrequency version temperatureProfile { id name } }
    ${JOBS} ${USER_ERRORS}
  }
}`;
const STAGE = `mutation($input: ScenarioStageParameterSetInput!) {
  scenarioStageParameterSet(input: $input) {
    scenario { id version stageParameters { tgc mortalityRatePct lifecycleStage { code } } }
    scenarioStageParameter { tgc mortalityRatePct mortalityFrequency lifecycleStage { id code } }
    ${JOBS} ${USER_ERRORS}
  }
}`;
const PROFILE = `mutation($input: TemperatureProfileCreateInput!) {
  temperatureProfileCreate(input: $input) { temperatureProfile { id name description version days { dayNumber temperatureC } } ${USER_ERRORS} }
}`;
const DAYS = `mutation($input: TemperatureProfileDaysSetInput!) {
  temperatureProfileDaysSet(input: $input) { temperatureProfile { id version days { dayNumber temperatureC } } ${JOBS} ${USER_ERRORS} }
}`;

type Job = { id: string; status: string; reason: string; fromDate: string | null; batch: { id: string } };
type ScenarioShape = Record<string, unknown> & { id: string; version: number };
type ProfileShape = { id: string; name?: string; version: number; days: Array<{ dayNumber: number; temperatureC: number }> };

const create = (input: Record<string, unknown>) => call<{ scenario: ScenarioShape | null }>(env, CREATE, 'scenarioCreate', input);
const update = (input: Record<string, unknown>) => call<{ scenario: ScenarioShape | null; recomputeJobs: Job[] }>(env, UPDATE, 'scenarioUpdate', input);
const setStage = (input: Record<string, unknown>) =>
  call<{
    scenario: ScenarioShape | null;
    scenarioStageParameter: { tgc: number | null; mortalityRatePct: number | null; mortalityFrequency: string; lifecycleStage: { id: string; code: string } } | null;
    recomputeJobs: Job[];
  }>(env, STAGE, 'scenarioStageParameterSet', input);
const createProfile = (input: Record<string, unknown>) => call<{ temperatureProfile: ProfileShape | null }>(env, PROFILE, 'temperatureProfileCreate', input);
const setDays = (input: Record<string, unknown>) => call<{ temperatureProfile: ProfileShape | null; recomputeJobs: Job[] }>(env, DAYS, 'temperatureProfileDaysSet', input);

const sGid = (id: number) => gid('Scenario', id);
const pGid = (id: number) => gid('TemperatureProfile', id);
const stageGid = (code: string) => gid('LifecycleStage', env.ids.stages[code]!);
const version = async (table: 'scenario' | 'temperature_profile', id: number) =>
  (await env.one<{ version: number }>(`select version from ${table} where id = $1`, [id])).version;
const weightToday = async (assignmentId: number) =>
  (await env.one<{ avg_weight_g: number }>('select avg_weight_g from daily_assignment_state where assignment_id = $1 and date = $2', [assignmentId, today]))
    .avg_weight_g;
const dirty = (batchId: number) => env.rows('select id, dirty_from from batch_container_assignment where batch_id = $1 order by id', [batchId]);
const allBatches = () => [own.id, fallback.id, direct.id, ended.id];

/** Everything a scenario edit may write, to prove a rejected or descriptive one changed no engine input or job. */
async function modelState() {
  return {
    counts: await env.counts(),
    scenarios: await env.rows('select * from scenario order by id'),
    parameters: await env.rows('select * from scenario_stage_parameter order by scenario_id, lifecycle_stage_id'),
    profiles: await env.rows('select * from temperature_profile order by id'),
    days: await env.rows('select * from temperature_profile_day order by temperature_profile_id, day_number'),
    jobs: await env.rows('select id, status, from_date from recompute_job order by id'),
  };
}
async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
  const before = await modelState();
  await run();
  expect(await modelState()).toEqual(before);
}

/** The batches the payload's jobs belong to, as numeric ids, with the job shape every scenario change has. */
function jobBatches(jobs: Job[]): number[] {
  for (const job of jobs) expect(job).toMatchObject({ status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: start });
  return jobs.map((job) => idOf(job.batch.id)).sort((a, b) => a - b);
}

beforeAll(async () => {
  env = await MutationEnv.start();
  const created = await create({ name: 'Planner A', speciesId: gid('Species', env.ids.species), baseTgc: 2.75, baseMortalityRatePct: 0 });
  expect(created.userErrors).toEqual([]);
  planner = idOf(created.scenario!.id);
  own = await env.batch('SE-OWN', start, [env.ids.tanks[0]!, env.ids.tanks[1]!]);
  fallback = await env.batch('SE-FALLBACK', start, [env.ids.tanks[2]!]);
  direct = await env.batch('SE-DIRECT', start, [env.ids.tanks[3]!]);
  ended = await env.batch('SE-ENDED', start, [env.ids.tanks[4]!]);
  await env.sql.query('update batch set scenario_id = $2 where id = $1', [own.id, planner]);
  await env.sql.query('update batch set scenario_id = $2 where id = $1', [direct.id, env.ids.scenario]);
  await env.sql.query(`update batch set status = 'COMPLETED' where id = $1`, [ended.id]);
  for (const id of allBatches()) await recomputeBatch({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, id);
});

afterAll(async () => {
  await env.stop();
});

describe('scenarioCreate', () => {
  it('creates a scenario of the species, once per idempotency key', async () => {
    const input = {
      name: 'Planner B',
      speciesId: gid('Species', env.ids.species),
      description: 'Warm summer',
      baseTgc: 3.1,
      baseMortalityRatePct: 0.7,
      baseMortalityFrequency: 'WEEKLY',
      idempotencyKey: 'scenario-b',
    };
    const payload = await create(input);
    expect(payload.userErrors).toEqual([]);
    expect(payload.scenario).toMatchObject({
      name: 'Planner B',
      description: 'Warm summer',
      baseTgc: 3.1,
      baseMortalityRatePct: 0.7,
      baseMortalityFrequency: 'WEEKLY',
      version: 1,
      species: { id: gid('Species', env.ids.species) },
      temperatureProfile: null,
      stageParameters: [],
    });
    const before = await modelState();
    const retry = await create(input);
    expect(retry).toEqual(payload);
    expect(await modelState()).toEqual(before);
  });

  it('refuses a taken name (CONFLICT), an unknown species or profile (NOT_FOUND) and bad values (VALIDATION), writing nothing', async () => {
    const base = { name: 'Planner C', speciesId: gid('Species', env.ids.species), baseTgc: 2.5, baseMortalityRatePct: 0.01 };
    await expectNothingWritten(async () => {
      expect((await create({ ...base, name: 'Planner A' })).userErrors).toEqual([
        { code: 'CONFLICT', message: 'A scenario named "Planner A" already exists', field: ['input', 'name'] },
      ]);
      expect((await create({ ...base, speciesId: gid('Species', 999_999) })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'speciesId'] }),
      ]);
      expect((await create({ ...base, temperatureProfileId: pGid(999_999) })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'temperatureProfileId'] }),
      ]);
      const bad = await create({ ...base, name: ' ', baseTgc: 0.00245, baseMortalityRatePct: 100 });
      expect(bad.scenario).toBeNull();
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'name']],
        ['VALIDATION', ['input', 'baseTgc']],
        ['VALIDATION', ['input', 'baseMortalityRatePct']],
      ]);
      expect(bad.userErrors[1]!.message).toMatch(/per 1000 °C·day/);
    });
  });
});

describe('temperatureProfileCreate', () => {
  it('creates a profile with its days and refuses a taken name or bad days, writing nothing', async () => {
    const payload = await createProfile({ name: 'Cold', description: 'Winter intake', days: [{ dayNumber: 1, temperatureC: 4 }, { dayNumber: 400, temperatureC: 4.004 }] });
    expect(payload.userErrors).toEqual([]);
    expect(payload.temperatureProfile).toMatchObject({
      name: 'Cold',
      version: 1,
      days: [
        { dayNumber: 1, temperatureC: 4 },
        { dayNumber: 400, temperatureC: 4 },
      ],
    });
    await expectNothingWritten(async () => {
      expect((await createProfile({ name: 'Cold' })).userErrors).toEqual([
        { code: 'CONFLICT', message: 'A temperature profile named "Cold" already exists', field: ['input', 'name'] },
      ]);
      const bad = await createProfile({
        name: 'Broken',
        days: [
          { dayNumber: 0, temperatureC: 5 },
          { dayNumber: 2, temperatureC: 5 },
          { dayNumber: 2, temperatureC: 1000 },
        ],
      });
      expect(bad.userErrors.map((e) => e.field)).toEqual([
        ['input', 'days', '0', 'dayNumber'],
        ['input', 'days', '2', 'dayNumber'],
        ['input', 'days', '2', 'temperatureC'],
      ]);
    });
  });
});

describe('scenarioUpdate', () => {
  it('changes the name and description: bumps the version and queues nothing', async () => {
    await settle(env, ...allBatches());
    const jobs = await env.rows('select id from recompute_job');
    const payload = await update({ id: sGid(planner), version: 1, name: 'Planner A1', description: 'Renamed' });
    expect(payload.userErrors).toEqual([]);
    expect(payload.scenario).toMatchObject({ name: 'Planner A1', description: 'Renamed', version: 2 });
    expect(payload.recomputeJobs).toEqual([]);
    expect(await env.rows('select id from recompute_job')).toEqual(jobs);
    expect(await env.one(`select count(*)::int as n from batch_container_assignment where dirty_from is not null`)).toEqual({ n: 0 });
  });

  it('linking a profile marks the batches of the scenario dirty from their start, queues recomputes and changes the series', async () => {
    await settle(env, ...allBatches());
    const cold = await env.one<{ id: number }>(`select id from temperature_profile where name = 'Cold'`);
    const before = await weightToday(own.assignments[0]!);
    const payload = await update({ id: sGid(planner), version: 2, temperatureProfileId: pGid(cold.id) });
    expect(payload.userErrors).toEqual([]);
    expect(payload.scenario).toMatchObject({ version: 3, temperatureProfile: { id: pGid(cold.id), name: 'Cold' } });
    expect(jobBatches(payload.recomputeJobs)).toEqual([own.id]);
    expect(await dirty(own.id)).toEqual(own.assignments.map((id) => ({ id, dirty_from: start })));
    expect(await env.queuedJob(own.id)).toMatchObject({ reason: 'SCENARIO_CHANGED', from_date: start });
    expect(await env.wakeUp(own.id)).toEqual({ task_identifier: 'recompute' });
    for (const other of [fallback, direct, ended]) expect(await env.queuedJob(other.id)).toBeUndefined();

    await runRecompute(env, own.id);
    // 4 °C from the profile instead of the 10 °C default: slower growth.
    expect(await weightToday(own.assignments[0]!)).toBeLessThan(before);
  });

  it('refuses STALE_VERSION, NOT_FOUND, a taken name, a cleared required field and bad values, writing nothing', async () => {
    const current = await version('scenario', planner);
    await expectNothingWritten(async () => {
      expect((await update({ id: sGid(planner), version: current - 1, baseTgc: 2 })).userErrors).toEqual([
        expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] }),
      ]);
      for (const id of [sGid(999_999), gid('Batch', own.id), 'not-an-id']) {
        expect((await update({ id, version: current, baseTgc: 2 })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
      }
      expect((await update({ id: sGid(planner), version: current, name: 'Zero mortality' })).userErrors).toEqual([
        expect.objectContaining({ code: 'CONFLICT', field: ['input', 'name'] }),
      ]);
      expect((await update({ id: sGid(planner), version: current, temperatureProfileId: pGid(999_999) })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'temperatureProfileId'] }),
      ]);
      const bad = await update({ id: sGid(planner), version: current, baseTgc: null, baseMortalityRatePct: -1 });
      expect(bad).toMatchObject({ scenario: null, recomputeJobs: [] });
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'baseTgc']],
        ['VALIDATION', ['input', 'baseMortalityRatePct']],
      ]);
      expect((await update({ id: sGid(planner), version: current, baseTgc: 0.0275 })).userErrors).toEqual([
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'baseTgc'] }),
      ]);
    });
  });
});

describe('scenarioStageParameterSet', () => {
  it("on the species' default scenario marks every batch using it, directly or by fallback (a COMPLETED one too), and changes their series", async () => {
    await settle(env, ...allBatches());
    const before = { fallback: await weightToday(fallback.assignments[0]!), direct: await weightToday(direct.assignments[0]!) };
    const current = await version('scenario', env.ids.scenario);
    const payload = await setStage({ scenarioId: sGid(env.ids.scenario), version: current, lifecycleStageId: stageGid('PARR'), tgc: 1, mortalityRatePct: 0 });
    expect(payload.userErrors).toEqual([]);
    expect(payload.scenarioStageParameter).toEqual({
      tgc: 1,
      mortalityRatePct: 0,
      mortalityFrequency: 'DAILY',
      lifecycleStage: { id: stageGid('PARR'), code: 'PARR' },
    });
    expect(payload.scenario!.version).toBe(current + 1);
    expect(payload.scenario!.stageParameters).toContainEqual({ tgc: 1, mortalityRatePct: 0, lifecycleStage: { code: 'PARR' } });
    // The COMPLETED batch falling back to the default follows too (every batch using the scenario); SE-OWN runs on
    // another scenario.
    expect(jobBatches(payload.recomputeJobs)).toEqual([fallback.id, direct.id, ended.id].sort((a, b) => a - b));
    expect(await dirty(fallback.id)).toEqual([{ id: fallback.assignments[0], dirty_from: start }]);
    expect(await dirty(ended.id)).toEqual([{ id: ended.assignments[0], dirty_from: start }]);
    expect(await env.queuedJob(own.id)).toBeUndefined();

    for (const batch of [fallback, direct]) await runRecompute(env, batch.id);
    expect(await weightToday(fallback.assignments[0]!)).toBeLessThan(before.fallback);
    expect(await weightToday(direct.assignments[0]!)).toBeLessThan(before.direct);
  });

  it('setting the stored values again is a no-op; both values null removes the stage parameter', async () => {
    await settle(env, ...allBatches());
    const current = await version('scenario', env.ids.scenario);
    await expectNothingWritten(async () => {
      const same = await setStage({ scenarioId: sGid(env.ids.scenario), version: current, lifecycleStageId: stageGid('PARR'), tgc: 1, mortalityRatePct: 0 });
      expect(same).toMatchObject({ userErrors: [], recomputeJobs: [], scenario: { version: current } });
    });

    const set = await setStage({ scenarioId: sGid(planner), version: await version('scenario', planner), lifecycleStageId: stageGid('SMOLT'), tgc: 3 });
    expect(set.scenarioStageParameter).toMatchObject({ tgc: 3, mortalityRatePct: null });
    expect(jobBatches(set.recomputeJobs)).toEqual([own.id]);
    const cleared = await setStage({ scenarioId: sGid(planner), version: set.scenario!.version, lifecycleStageId: stageGid('SMOLT') });
    expect(cleared.userErrors).toEqual([]);
    expect(cleared.scenarioStageParameter).toBeNull();
    expect(cleared.scenario).toMatchObject({ version: set.scenario!.version + 1, stageParameters: [] });
    expect(jobBatches(cleared.recomputeJobs)).toEqual([own.id]);
  });

  it("refuses a stage of another species (VALIDATION), unknown ids, a stale version and bad values, writing nothing", async () => {
    const trout = await env.one<{ id: number }>(`insert into species (name, scientific_name) values ('Rainbow Trout', 'Oncorhynchus mykiss') returning id`);
    const troutFry = await env.one<{ id: number }>(
      `insert into lifecycle_stage (species_id, code, name, "order", environment) values ($1, 'FRY', 'Fry', 1, 'FRESHWATER') returning id`,
      [trout.id],
    );
    const current = await version('scenario', planner);
    const base = { scenarioId: sGid(planner), version: current, lifecycleStageId: stageGid('FRY'), tgc: 2 };
    await expectNothingWritten(async () => {
      expect((await setStage({ ...base, lifecycleStageId: gid('LifecycleStage', troutFry.id) })).userErrors).toEqual([
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lifecycleStageId'] }),
      ]);
      expect((await setStage({ ...base, lifecycleStageId: gid('LifecycleStage', 999_999) })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'lifecycleStageId'] }),
      ]);
      expect((await setStage({ ...base, scenarioId: sGid(999_999) })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'scenarioId'] }),
      ]);
      expect((await setStage({ ...base, version: current + 1 })).userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })]);
      const bad = await setStage({ ...base, tgc: 0.00275, mortalityRatePct: 150 });
      expect(bad).toMatchObject({ scenario: null, scenarioStageParameter: null, recomputeJobs: [] });
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'tgc']],
        ['VALIDATION', ['input', 'mortalityRatePct']],
      ]);
    });
  });
});

describe('temperatureProfileDaysSet', () => {
  let cold: number;
  beforeAll(async () => {
    cold = (await env.one<{ id: number }>(`select id from temperature_profile where name = 'Cold'`)).id;
  });

  it('replaces the curve, marks the batches whose scenario uses the profile and changes their series', async () => {
    await settle(env, ...allBatches());
    const before = await weightToday(own.assignments[0]!);
    const current = await version('temperature_profile', cold);
    const payload = await setDays({ id: pGid(cold), version: current, days: [{ dayNumber: 1, temperatureC: 14.25 }], replace: true });
    expect(payload.userErrors).toEqual([]);
    expect(payload.temperatureProfile).toEqual({ id: pGid(cold), version: current + 1, days: [{ dayNumber: 1, temperatureC: 14.25 }] });
    expect(jobBatches(payload.recomputeJobs)).toEqual([own.id]);
    expect(await dirty(own.id)).toEqual(own.assignments.map((id) => ({ id, dirty_from: start })));

    await runRecompute(env, own.id);
    expect(await weightToday(own.assignments[0]!)).toBeGreaterThan(before);
  });

  it('upserts days, keeping the others; equal values are a no-op', async () => {
    await settle(env, ...allBatches());
    const current = await version('temperature_profile', cold);
    const payload = await setDays({ id: pGid(cold), version: current, days: [{ dayNumber: 30, temperatureC: 12 }] });
    expect(payload.temperatureProfile!.days).toEqual([
      { dayNumber: 1, temperatureC: 14.25 },
      { dayNumber: 30, temperatureC: 12 },
    ]);
    expect(jobBatches(payload.recomputeJobs)).toEqual([own.id]);
    await settle(env, own.id);
    await expectNothingWritten(async () => {
      const same = await setDays({ id: pGid(cold), version: current + 1, days: [{ dayNumber: 30, temperatureC: 12.001 }] });
      expect(same).toMatchObject({ userErrors: [], recomputeJobs: [], temperatureProfile: { version: current + 1 } });
    });
  });

  it('a profile no scenario uses bumps its version and queues nothing', async () => {
    const created = await createProfile({ name: 'Unused' });
    const payload = await setDays({ id: created.temperatureProfile!.id, version: 1, days: [{ dayNumber: 5, temperatureC: -1.5 }] });
    expect(payload).toMatchObject({ userErrors: [], recomputeJobs: [], temperatureProfile: { version: 2, days: [{ dayNumber: 5, temperatureC: -1.5 }] } });
  });

  it('refuses a stale version, unknown ids and bad days, writing nothing', async () => {
    const current = await version('temperature_profile', cold);
    await expectNothingWritten(async () => {
      expect((await setDays({ id: pGid(cold), version: current - 1, days: [{ dayNumber: 1, temperatureC: 3 }] })).userErrors).toEqual([
        expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] }),
      ]);
      for (const id of [pGid(999_999), sGid(planner)]) {
        expect((await setDays({ id, version: current, days: [] })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
      }
      const bad = await setDays({
        id: pGid(cold),
        version: current,
        days: [
          { dayNumber: -3, temperatureC: 3 },
          { dayNumber: 7, temperatureC: -1000 },
          { dayNumber: 7, temperatureC: 8 },
        ],
      });
      expect(bad).toMatchObject({ temperatureProfile: null, recomputeJobs: [] });
      expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['VALIDATION', ['input', 'days', '0', 'dayNumber']],
        ['VALIDATION', ['input', 'days', '1', 'temperatureC']],
        ['VALIDATION', ['input', 'days', '2', 'dayNumber']],
      ]);
    });
  });
});

describe('access', () => {
  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const cold = (await env.one<{ id: number }>(`select id from temperature_profile where name = 'Cold'`)).id;
    const current = await version('scenario', planner);
    await expectNothingWritten(async () => {
      for (const [query, input] of [
        [CREATE, { name: 'Viewer', speciesId: gid('Species', env.ids.species), baseTgc: 2, baseMortalityRatePct: 0 }],
        [UPDATE, { id: sGid(planner), version: current, baseTgc: 2 }],
        [STAGE, { scenarioId: sGid(planner), version: current, lifecycleStageId: stageGid('FRY'), tgc: 2 }],
        [PROFILE, { name: 'Viewer' }],
        [DAYS, { id: pGid(cold), version: await version('temperature_profile', cold), days: [{ dayNumber: 1, temperatureC: 1 }] }],
      ] as const) {
        const res = await env.mutate(query, { input }, SECRETS.alice);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});
