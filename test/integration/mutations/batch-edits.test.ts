import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays } from '../../../src/shared/dates.js';
import { call, expectUnchanged as unchanged, idOf, runRecompute } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);
/** Batch BE-001: ACTIVE, tanks T01 and T02 from `start`, not seed data. */
let active: { id: number; assignments: number[] };

const bGid = (id: number) => gid('Batch', id);
const expectUnchanged = (table: string, id: number, run: () => Promise<void>) => unchanged(env, table, id, run);
const versionOf = async (batchId: number) => (await env.one<{ version: number }>('select version from batch where id = $1', [batchId])).version;

const UPDATE = `mutation($input: BatchUpdateInput!) {
  batchUpdate(input: $input) { batch { id version batchType expectedEndDate notes } ${USER_ERRORS} }
}`;
const STATUS = `mutation($input: BatchStatusSetInput!) {
  batchStatusSet(input: $input) { batch { id version status actualEndDate } ${USER_ERRORS} }
}`;
const SCENARIO = `mutation($input: BatchScenarioSetInput!) {
  batchScenarioSet(input: $input) { batch { id version scenario { id name } } recomputeJob { id status reason fromDate batch { id } } ${USER_ERRORS} }
}`;
const DELETE = `mutation($input: BatchDeleteInput!) { batchDelete(input: $input) { deletedId ${USER_ERRORS} } }`;
const CREATE = `mutation($input: BatchCreateInput!) {
  batchCreate(input: $input) { batch { id status version } assignments { id } ${USER_ERRORS} }
}`;

type BatchShape = { id: string; version: number; batchType?: string; expectedEndDate?: string | null; notes?: string | null; status?: string; actualEndDate?: string | null };

const update = (input: Record<string, unknown>) => call<{ batch: BatchShape | null }>(env, UPDATE, 'batchUpdate', input);
const setStatus = (input: Record<string, unknown>) => call<{ batch: BatchShape | null }>(env, STATUS, 'batchStatusSet', input);
const setScenario = (input: Record<string, unknown>) =>
  call<{
    batch: { id: string; version: number; scenario: { id: string; name: string } | null } | null;
    recomputeJob: { id: string; status: string; reason: string; fromDate: string | null; batch: { id: string } } | null;
  }>(env, SCENARIO, 'batchScenarioSet', input);
const remove = (input: Record<string, unknown>) => call<{ deletedId: string | null }>(env, DELETE, 'batchDelete', input);

/** A PLANNED batch through batchCreate (start in the future), with its creation, assignments and placements. */
async function plannedBatch(batchNumber: string, tanks: number[]): Promise<{ id: number; assignments: number[] }> {
  const payload = await call<{ batch: { id: string; status: string; version: number } | null; assignments: Array<{ id: string }> }>(env, CREATE, 'batchCreate', {
    batchNumber,
    speciesId: gid('Species', env.ids.species),
    startDate: addDays(today, 10),
    creation: { eggSource: 'INTERNAL' },
    placements: tanks.map((tank) => ({ containerId: gid('Container', tank), count: 10_000, avgWeightG: 0.2 })),
  });
  expect(payload.userErrors).toEqual([]);
  expect(payload.batch).toMatchObject({ status: 'PLANNED', version: 1 });
  return { id: idOf(payload.batch!.id), assignments: payload.assignments.map((a) => idOf(a.id)) };
}

beforeAll(async () => {
  env = await MutationEnv.start();
  active = await env.batch('BE-001', start, [env.ids.tanks[0]!, env.ids.tanks[1]!], 1_000, 50);
});

afterAll(async () => {
  await env.stop();
});

describe('batchUpdate', () => {
  it('changes the descriptive fields, bumps the version and queues no recompute', async () => {
    const jobs = await env.rows('select id from recompute_job');
    const version = await versionOf(active.id);
    const payload = await update({ id: bGid(active.id), version, notes: 'Vaccinated stock', batchType: 'MIXED', expectedEndDate: addDays(start, 500) });
    expect(payload.userErrors).toEqual([]);
    expect(payload.batch).toMatchObject({ version: version + 1, notes: 'Vaccinated stock', batchType: 'MIXED', expectedEndDate: addDays(start, 500) });
    expect(await env.one('select notes, batch_type, expected_end_date, version from batch where id = $1', [active.id])).toEqual({
      notes: 'Vaccinated stock',
      batch_type: 'MIXED',
      expected_end_date: addDays(start, 500),
      version: version + 1,
    });
    expect(await env.rows('select id from recompute_job')).toEqual(jobs);
    expect(await env.one('select count(*)::int as n from batch_container_assignment where batch_id = $1 and dirty_from is not null', [active.id])).toEqual({ n: 0 });

    const cleared = await update({ id: bGid(active.id), version: version + 1, notes: null, expectedEndDate: null });
    expect(cleared.userErrors).toEqual([]);
    expect(cleared.batch).toMatchObject({ version: version + 2, notes: null, expectedEndDate: null, batchType: 'MIXED' });
  });

  it('refuses a stale version with STALE_VERSION and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      const payload = await update({ id: bGid(active.id), version: version - 1, notes: 'late edit' });
      expect(payload.batch).toBeNull();
      expect(payload.userErrors).toEqual([{ code: 'STALE_VERSION', message: expect.stringContaining(`version ${version}`), field: ['input', 'version'] }]);
    });
  });

  it('refuses an expected end date before the start with VALIDATION and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      const payload = await update({ id: bGid(active.id), version, expectedEndDate: addDays(start, -1) });
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'expectedEndDate'] })]);
    });
  });
});

describe('batchStatusSet', () => {
  it('refuses illegal transitions with CONFLICT and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      const back = await setStatus({ id: bGid(active.id), version, status: 'PLANNED' });
      expect(back.batch).toBeNull();
      expect(back.userErrors).toEqual([
        { code: 'CONFLICT', message: 'Batch BE-001 cannot go from ACTIVE to PLANNED (allowed from ACTIVE: COMPLETED, TERMINATED)', field: ['input', 'status'] },
      ]);
      // Fish are still in both tanks: the batch cannot end yet.
      const early = await setStatus({ id: bGid(active.id), version, status: 'TERMINATED' });
      expect(early.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('still has fish in 2 container(s)') })]);
    });
  });

  it('ends a batch whose assignments have departed, reclassifies it, and keeps ended batches ended', async () => {
    const ended = await env.batch('BE-ST1', daysAgo(20), [env.ids.tanks[4]!]);
    await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [ended.assignments[0], daysAgo(5)]);
    const completed = await setStatus({ id: bGid(ended.id), version: 1, status: 'COMPLETED' });
    expect(completed.userErrors).toEqual([]);
    expect(completed.batch).toMatchObject({ status: 'COMPLETED', version: 2, actualEndDate: daysAgo(5) });
    const terminated = await setStatus({ id: bGid(ended.id), version: 2, status: 'TERMINATED' });
    expect(terminated.batch).toMatchObject({ status: 'TERMINATED', version: 3, actualEndDate: daysAgo(5) });
    expect(await env.rows(`select id from recompute_job where batch_id = $1`, [ended.id])).toEqual([]);

    await expectUnchanged('batch', ended.id, async () => {
      const reopen = await setStatus({ id: bGid(ended.id), version: 3, status: 'ACTIVE' });
      expect(reopen.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'status'] })]);
      const same = await setStatus({ id: bGid(ended.id), version: 3, status: 'TERMINATED' });
      expect(same.userErrors).toEqual([]);
      expect(same.batch).toMatchObject({ status: 'TERMINATED', version: 3 });
    });
  });

  it('activates a PLANNED batch only from its start date, and cancels only a batch that books no container', async () => {
    const planned = await plannedBatch('BE-PL1', [env.ids.tanks[8]!]);
    await expectUnchanged('batch', planned.id, async () => {
      const early = await setStatus({ id: bGid(planned.id), version: 1, status: 'ACTIVE' });
      expect(early.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining(`starts on ${addDays(today, 10)}`) })]);
      const cancel = await setStatus({ id: bGid(planned.id), version: 1, status: 'CANCELLED' });
      expect(cancel.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('batchDelete') })]);
    });

    const { id } = await env.one<{ id: number }>(`insert into batch (batch_number, species_id, status, start_date) values ('BE-PL2', $1, 'PLANNED', $2) returning id`, [
      env.ids.species,
      daysAgo(1),
    ]);
    const activated = await setStatus({ id: bGid(id), version: 1, status: 'ACTIVE' });
    expect(activated.userErrors).toEqual([]);
    expect(activated.batch).toMatchObject({ status: 'ACTIVE', version: 2 });

    const { id: dropped } = await env.one<{ id: number }>(`insert into batch (batch_number, species_id, status, start_date) values ('BE-PL3', $1, 'PLANNED', $2) returning id`, [
      env.ids.species,
      addDays(today, 30),
    ]);
    const cancelled = await setStatus({ id: bGid(dropped), version: 1, status: 'CANCELLED' });
    expect(cancelled.batch).toMatchObject({ status: 'CANCELLED', version: 2 });
    const revived = await setStatus({ id: bGid(dropped), version: 2, status: 'PLANNED' });
    expect(revived.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('CANCELLED is final') })]);
  });
});

describe('batchScenarioSet', () => {
  let batch: { id: number; assignments: number[] };
  let slow: number;
  let trout: number;

  beforeAll(async () => {
    batch = await env.batch('BE-SC1', start, [env.ids.tanks[3]!, env.ids.tanks[5]!], 1_000, 50);
    slow = (await env.one<{ id: number }>(`insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ('Slow growth', $1, 1.0, 0) returning id`, [env.ids.species])).id;
    for (const stage of Object.values(env.ids.stages)) {
      // A stage TGC of the scenario: it wins over the stage's own default (growth-engine parameters).
      await env.sql.query('insert into scenario_stage_parameter (scenario_id, lifecycle_stage_id, tgc, mortality_rate_pct) values ($1, $2, 1.0, 0)', [slow, stage]);
    }
    const species = (await env.one<{ id: number }>(`insert into species (name, scientific_name) values ('Rainbow Trout', 'Oncorhynchus mykiss') returning id`)).id;
    trout = (await env.one<{ id: number }>(`insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ('Trout standard', $1, 2.5, 0) returning id`, [species])).id;
    await recomputeBatch({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, batch.id);
  });

  const weightToday = async () =>
    env.one<{ avg_weight_g: number; scenario_id: number | null }>(
      'select avg_weight_g, scenario_id from daily_assignment_state where assignment_id = $1 and date = $2',
      [batch.assignments[0], today],
    );

  it('refuses a scenario of another species with VALIDATION and writes nothing', async () => {
    await expectUnchanged('batch', batch.id, async () => {
      const payload = await setScenario({ id: bGid(batch.id), version: 1, scenarioId: gid('Scenario', trout) });
      expect(payload.batch).toBeNull();
      expect(payload.recomputeJob).toBeNull();
      expect(payload.userErrors).toEqual([
        { code: 'VALIDATION', message: 'Scenario Trout standard is not for the species of batch BE-SC1', field: ['input', 'scenarioId'] },
      ]);
    });
  });

  it('marks every assignment dirty from its start, queues a SCENARIO_CHANGED recompute, and the series follows the scenario', async () => {
    const before = await weightToday();
    expect(before.avg_weight_g).toBeGreaterThan(50);

    const payload = await setScenario({ id: bGid(batch.id), version: 1, scenarioId: gid('Scenario', slow) });
    expect(payload.userErrors).toEqual([]);
    expect(payload.batch).toEqual({ id: bGid(batch.id), version: 2, scenario: { id: gid('Scenario', slow), name: 'Slow growth' } });
    expect(payload.recomputeJob).toMatchObject({ status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: start, batch: { id: bGid(batch.id) } });
    expect(await env.queuedJob(batch.id)).toMatchObject({ reason: 'SCENARIO_CHANGED', from_date: start });
    expect(await env.wakeUp(batch.id)).toEqual({ task_identifier: 'recompute' });
    expect(await env.rows('select id, dirty_from from batch_container_assignment where batch_id = $1 order by id', [batch.id])).toEqual(
      batch.assignments.map((id) => ({ id, dirty_from: start })),
    );

    await runRecompute(env, batch.id);
    const after = await weightToday();
    expect(after.scenario_id).toBe(slow);
    expect(after.avg_weight_g).toBeLessThan(before.avg_weight_g);
    expect(await env.one('select count(*)::int as n from batch_container_assignment where batch_id = $1 and dirty_from is not null', [batch.id])).toEqual({ n: 0 });

    // Back to the species default: the series returns to where it was.
    const reset = await setScenario({ id: bGid(batch.id), version: 2, scenarioId: null });
    expect(reset.userErrors).toEqual([]);
    expect(reset.batch).toMatchObject({ version: 3, scenario: null });
    expect(reset.recomputeJob).toMatchObject({ status: 'QUEUED', reason: 'SCENARIO_CHANGED', fromDate: start });
    await runRecompute(env, batch.id);
    expect((await weightToday()).avg_weight_g).toBe(before.avg_weight_g);
  });

  it('refuses a stale version with STALE_VERSION and writes nothing', async () => {
    await expectUnchanged('batch', batch.id, async () => {
      const payload = await setScenario({ id: bGid(batch.id), version: 1, scenarioId: gid('Scenario', slow) });
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })]);
    });
  });
});

describe('batchDelete', () => {
  it('refuses an ACTIVE batch that is not seed data with CONFLICT and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      const payload = await remove({ id: bGid(active.id), version });
      expect(payload.deletedId).toBeNull();
      expect(payload.userErrors).toEqual([
        { code: 'CONFLICT', message: expect.stringContaining('only PLANNED batches and seed data can be deleted'), field: ['input', 'id'] },
      ]);
    });
  });

  it('deletes a PLANNED batch with its creation, assignments, placements, events, transfers and jobs', async () => {
    const planned = await plannedBatch('BE-DEL1', [env.ids.tanks[6]!, env.ids.tanks[7]!]);
    const [a1, a2] = planned.assignments;
    // Rows behind the NO ACTION keys between batch-owned tables (written by SQL: a plan has no history yet).
    await env.sql.query(`insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values ($1, $2, $3, 1, 'UNKNOWN', 'test')`, [
      planned.id,
      a1,
      addDays(today, 11),
    ]);
    await env.sql.query(`insert into transfer_action (batch_id, source_assignment_id, dest_assignment_id, status, planned_date, transferred_count) values ($1, $2, $3, 'PLANNED', $4, 100)`, [
      planned.id,
      a1,
      a2,
      addDays(today, 20),
    ]);
    const owned = () =>
      env.one<Record<string, number>>(
        `select ${['batch_creation', 'batch_container_assignment', 'batch_placement', 'mortality_event', 'transfer_action', 'recompute_job']
          .map((t) => `(select count(*)::int from ${t} where batch_id = $1) as ${t}`)
          .join(', ')}, (select count(*)::int from batch where id = $1) as batch`,
        [planned.id],
      );
    expect(await owned()).toEqual({ batch: 1, batch_creation: 1, batch_container_assignment: 2, batch_placement: 2, mortality_event: 1, transfer_action: 1, recompute_job: 1 });
    const othersBefore = await env.one('select count(*)::int as n from batch where id <> $1', [planned.id]);

    const stale = await remove({ id: bGid(planned.id), version: 2 });
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION' })]);

    const payload = await remove({ id: bGid(planned.id), version: 1 });
    expect(payload).toEqual({ deletedId: bGid(planned.id), userErrors: [] });
    expect(await owned()).toEqual({ batch: 0, batch_creation: 0, batch_container_assignment: 0, batch_placement: 0, mortality_event: 0, transfer_action: 0, recompute_job: 0 });
    expect(await env.wakeUp(planned.id)).toBeUndefined();
    expect(await env.one('select count(*)::int as n from batch where id <> $1', [planned.id])).toEqual(othersBefore);

    // The containers are free again.
    const again = await plannedBatch('BE-DEL2', [env.ids.tanks[6]!, env.ids.tanks[7]!]);
    expect(again.assignments).toHaveLength(2);
  });

  it('deletes an ACTIVE batch of seed data with its series', async () => {
    const { id: run } = await env.one<{ id: number }>(
      `insert into seed_run (profile_name, profile, profile_hash, prng_seed, today, workers, status, phase, generator_version, engine_version)
       values ('demo', '{}', 'h', 1, $1, 1, 'SUCCEEDED', 'DONE', 't', 't') returning id`,
      [today],
    );
    const seeded = await env.batch('BE-SEED1', daysAgo(10), [env.ids.tanks[9]!]);
    await env.sql.query('update batch set seed_run_id = $2 where id = $1', [seeded.id, run]);
    await recomputeBatch({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, seeded.id);
    expect(await env.one('select count(*)::int as n from daily_assignment_state where batch_id = $1', [seeded.id])).toEqual({ n: 11 });

    const payload = await remove({ id: bGid(seeded.id), version: 1 });
    expect(payload).toEqual({ deletedId: bGid(seeded.id), userErrors: [] });
    expect(
      await env.one(
        `select (select count(*)::int from batch where id = $1) as batch, (select count(*)::int from daily_assignment_state where batch_id = $1) as states,
                (select count(*)::int from batch_daily_state where batch_id = $1) as totals, (select count(*)::int from seed_run where id = $2) as runs`,
        [seeded.id, run],
      ),
    ).toEqual({ batch: 0, states: 0, totals: 0, runs: 1 });
  });
});

describe('access and ids', () => {
  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      for (const [query, input] of [
        [UPDATE, { id: bGid(active.id), version, notes: 'viewer' }],
        [STATUS, { id: bGid(active.id), version, status: 'TERMINATED' }],
        [SCENARIO, { id: bGid(active.id), version, scenarioId: null }],
        [DELETE, { id: bGid(active.id), version }],
      ] as const) {
        const res = await env.mutate(query, { input }, SECRETS.alice);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  it('answers NOT_FOUND for ids of another type, malformed or unknown ids, and writes nothing', async () => {
    const version = await versionOf(active.id);
    await expectUnchanged('batch', active.id, async () => {
      for (const id of [gid('BatchContainerAssignment', active.assignments[0]!), 'not-an-id', bGid(999_999)]) {
        const results = [
          await update({ id, version, notes: 'x' }),
          await setStatus({ id, version, status: 'COMPLETED' }),
          await setScenario({ id, version, scenarioId: null }),
          await remove({ id, version }),
        ];
        for (const payload of results) {
          expect(payload.userErrors).toEqual([{ code: 'NOT_FOUND', message: `No batch with id ${id}`, field: ['input', 'id'] }]);
        }
      }
      const wrongScenario = await setScenario({ id: bGid(active.id), version, scenarioId: gid('Species', env.ids.species) });
      expect(wrongScenario.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'scenarioId'] })]);
    });
  });
});
