import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { idOf, runRecompute as recompute, settle as settleBatches } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const PLACE = `mutation($input: PlacementCreateInput!) {
  placementCreate(input: $input) {
    placement { id placementDate count avgWeightG }
    assignment { id assignmentDate openingPopulation openingAvgWeightG container { name } lifecycleStage { code } }
    recomputeJob { status fromDate }
    ${USER_ERRORS}
  }
}`;

interface PlacementPayload {
  placement: { id: string; placementDate: string; count: number; avgWeightG: number } | null;
  assignment: { id: string; assignmentDate: string; openingPopulation: number; openingAvgWeightG: number | null; container: { name: string }; lifecycleStage: { code: string } } | null;
  recomputeJob: { status: string; fromDate: string } | null;
  userErrors: UserErrorShape[];
}

async function place(input: Record<string, unknown>): Promise<PlacementPayload> {
  const res = await env.mutate<{ placementCreate: PlacementPayload }>(PLACE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.placementCreate;
}

const batchGid = (id: number) => gid('Batch', id);
const aGid = (id: number) => gid('BatchContainerAssignment', id);
const tankGid = (i: number) => gid('Container', env.ids.tanks[i]!);
const parr = () => gid('LifecycleStage', env.ids.stages.PARR!);

async function population(assignmentId: number, date: string): Promise<number | undefined> {
  const row = await env.one<{ population: number } | undefined>(`select population from daily_assignment_state where assignment_id = $1 and date = $2`, [assignmentId, date]);
  return row?.population;
}

/** Every table count and the recompute jobs, to prove a rejected placement wrote nothing. */
async function state() {
  return { counts: await env.counts(), jobs: await env.rows('select id, status, from_date from recompute_job order by id') };
}

describe('placementCreate', () => {
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('PC-001', start, [env.ids.tanks[0]!], 1_000, 50);
  });

  it('tops up an assignment: marks it dirty from the placement day and the series adds the fish that day', async () => {
    const day = addDays(start, 10);
    const result = await place({ batchId: batchGid(batch.id), assignmentId: aGid(batch.assignments[0]!), placementDate: day, count: 500, avgWeightG: 40, idempotencyKey: 'pc-1' });
    expect(result.userErrors).toEqual([]);
    expect(result.placement).toMatchObject({ placementDate: day, count: 500, avgWeightG: 40 });
    expect(result.assignment).toMatchObject({ id: aGid(batch.assignments[0]!), openingPopulation: 1_000, container: { name: 'T01' } });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(day);
    expect(await env.wakeUp(batch.id)).toEqual({ task_identifier: 'recompute' });

    // A retry with the same key returns the first placement and writes nothing.
    const before = await state();
    const retry = await place({ batchId: batchGid(batch.id), assignmentId: aGid(batch.assignments[0]!), placementDate: day, count: 500, avgWeightG: 40, idempotencyKey: 'pc-1' });
    expect(retry.placement!.id).toBe(result.placement!.id);
    expect(await state()).toEqual(before);

    await recompute(env, batch.id);
    expect(await population(batch.assignments[0]!, addDays(day, -1))).toBe(1_000);
    expect(await population(batch.assignments[0]!, day)).toBe(1_500);
    expect(await population(batch.assignments[0]!, today)).toBe(1_500);
  });

  it('places fish into a free container as a new assignment from the placement day', async () => {
    await settleBatches(env, batch.id);
    const day = addDays(start, 12);
    const result = await place({ batchId: batchGid(batch.id), containerId: tankGid(1), lifecycleStageId: parr(), placementDate: day, count: 300, avgWeightG: 45 });
    expect(result.userErrors).toEqual([]);
    expect(result.assignment).toMatchObject({ assignmentDate: day, openingPopulation: 300, openingAvgWeightG: 45, container: { name: 'T02' }, lifecycleStage: { code: 'PARR' } });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day });
    await recompute(env, batch.id);
    const created = idOf(result.assignment!.id);
    expect(await population(created, day)).toBe(300);
    expect(await population(created, addDays(day, -1))).toBeUndefined();
    // Conservation (zero-mortality scenario): 1,000 placed at the start + 500 + 300.
    const total = await env.one<{ n: number }>(`select sum(population)::int as n from daily_assignment_state where batch_id = $1 and date = $2`, [batch.id, today]);
    expect(total.n).toBe(1_800);
  });

  it('rejects an occupied container (CONFLICT), too much biomass (CAPACITY_EXCEEDED) and bad input, writing nothing', async () => {
    const other = await env.batch('PC-002', start, [env.ids.tanks[2]!], 1_000, 50);
    const closed = await env.batch('PC-003', start, [env.ids.tanks[3]!], 1_000, 50);
    await env.sql.query(`update batch set status = 'COMPLETED' where id = $1`, [closed.id]);
    const base = { batchId: batchGid(batch.id), containerId: tankGid(4), lifecycleStageId: parr(), placementDate: addDays(start, 15), count: 100, avgWeightG: 50 };
    const topUp = { batchId: batchGid(batch.id), assignmentId: aGid(batch.assignments[0]!), placementDate: addDays(start, 15), count: 100, avgWeightG: 50 };
    const before = await state();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ ...base, containerId: tankGid(2) }, { code: 'CONFLICT', field: ['input', 'containerId'] }],
      [{ ...base, containerId: tankGid(1) }, { code: 'CONFLICT', field: ['input', 'containerId'] }],
      [{ ...base, count: 200_000 }, { code: 'CAPACITY_EXCEEDED', field: ['input', 'count'] }],
      // 4,950 kg alone would fit the 5,000 kg tank; with the 1,500 fish already there it does not.
      [{ ...topUp, count: 99_000 }, { code: 'CAPACITY_EXCEEDED', field: ['input', 'count'] }],
      [{ ...base, batchId: batchGid(999_999) }, { code: 'NOT_FOUND', field: ['input', 'batchId'] }],
      [{ ...base, batchId: tankGid(0) }, { code: 'NOT_FOUND', field: ['input', 'batchId'] }],
      [{ ...base, batchId: batchGid(closed.id) }, { code: 'CONFLICT', field: ['input', 'batchId'] }],
      [{ ...base, containerId: gid('Container', 424_242) }, { code: 'NOT_FOUND', field: ['input', 'containerId'] }],
      [{ ...base, containerId: aGid(batch.assignments[0]!) }, { code: 'NOT_FOUND', field: ['input', 'containerId'] }],
      [{ ...base, lifecycleStageId: gid('LifecycleStage', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'lifecycleStageId'] }],
      [{ ...base, lifecycleStageId: null }, { code: 'VALIDATION', field: ['input', 'lifecycleStageId'] }],
      [{ ...topUp, assignmentId: aGid(999_999) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
      [{ ...topUp, assignmentId: aGid(other.assignments[0]!) }, { code: 'VALIDATION', field: ['input', 'assignmentId'] }],
      [{ ...topUp, placementDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'placementDate'] }],
      [{ ...topUp, containerId: tankGid(4) }, { code: 'VALIDATION', field: ['input', 'assignmentId'] }],
      [{ ...base, placementDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'placementDate'] }],
      [{ ...base, count: 0 }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ ...base, avgWeightG: -1 }, { code: 'VALIDATION', field: ['input', 'avgWeightG'] }],
    ];
    const withFixtures = await state();
    for (const [input, expected] of cases) {
      const result = await place(input);
      expect(result.placement, JSON.stringify(input)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await state()).toEqual(withFixtures);
    expect(withFixtures.counts.batch_placement).toBe(before.counts.batch_placement);
    const occupied = await place({ ...base, containerId: tankGid(2) });
    expect(occupied.userErrors[0]!.message).toMatch(/occupied by batch PC-002/);
    const own = await place({ ...base, containerId: tankGid(1) });
    expect(own.userErrors[0]!.message).toMatch(/top it up with assignmentId/);
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const before = await state();
    const res = await env.mutate(
      PLACE,
      { input: { batchId: batchGid(batch.id), containerId: tankGid(5), lifecycleStageId: parr(), placementDate: addDays(start, 15), count: 100, avgWeightG: 50 } },
      SECRETS.alice,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await state()).toEqual(before);
  });
});
