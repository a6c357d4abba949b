import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { daysAgo, gid, MutationEnv, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const HARVEST = `mutation($input: HarvestCreateInput!) {
  harvestCreate(input: $input) {
    harvest { id harvestDate count liveBiomassKg recordedBy }
    lots { sizeClass count avgWeightG }
    assignment { id departureDate closeReason }
    batch { status actualEndDate }
    assignmentClosed
    recomputeJob { status fromDate }
    ${USER_ERRORS}
  }
}`;

interface HarvestResult {
  harvestCreate: {
    harvest: { id: string; harvestDate: string; count: number; liveBiomassKg: number; recordedBy: string } | null;
    lots: Array<{ sizeClass: string; count: number; avgWeightG: number }>;
    assignment: { departureDate: string | null; closeReason: string | null } | null;
    batch: { status: string; actualEndDate: string | null } | null;
    assignmentClosed: boolean;
    recomputeJob: { status: string; fromDate: string } | null;
    userErrors: UserErrorShape[];
  };
}

const CLOSE = `mutation($input: AssignmentCloseInput!) {
  assignmentClose(input: $input) {
    assignment { departureDate closeReason }
    batch { status actualEndDate }
    batchCompleted
    recomputeJob { status fromDate }
    ${USER_ERRORS}
  }
}`;

interface CloseResult {
  assignmentClose: {
    assignment: { departureDate: string | null; closeReason: string | null } | null;
    batch: { status: string; actualEndDate: string | null } | null;
    batchCompleted: boolean;
    recomputeJob: { status: string; fromDate: string } | null;
    userErrors: UserErrorShape[];
  };
}

async function harvest(input: Record<string, unknown>) {
  const res = await env.mutate<HarvestResult>(HARVEST, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.harvestCreate;
}

async function close(input: Record<string, unknown>) {
  const res = await env.mutate<CloseResult>(CLOSE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.assignmentClose;
}

const start = daysAgo(60);
const aGid = (id: number) => gid('BatchContainerAssignment', id);

describe('harvestCreate', () => {
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('HV-001', start, [env.ids.rings[0]!], 1_000, 4_000, 'ADULT');
  });

  it('records a partial harvest with lots and marks the assignment dirty from the harvest day', async () => {
    const day = addDays(start, 20);
    const result = await harvest({
      assignmentId: aGid(batch.assignments[0]!),
      harvestDate: day,
      count: 300,
      liveBiomassKg: 1_250.5,
      lots: [
        { sizeClass: '4-5kg', count: 200, avgWeightG: 4_400 },
        { sizeClass: '3-4kg', count: 100, avgWeightG: 3_700 },
      ],
      idempotencyKey: 'hv-1',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.harvest).toMatchObject({ harvestDate: day, count: 300, liveBiomassKg: 1_250.5, recordedBy: 'ops' });
    expect(result.lots).toEqual([
      { sizeClass: '3-4kg', count: 100, avgWeightG: 3_700 },
      { sizeClass: '4-5kg', count: 200, avgWeightG: 4_400 },
    ]);
    expect(result.assignmentClosed).toBe(false);
    expect(result.assignment).toMatchObject({ departureDate: null });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(day);
  });

  it('replays an idempotent retry without writing', async () => {
    const before = await env.counts();
    const retry = await harvest({
      assignmentId: aGid(batch.assignments[0]!),
      harvestDate: addDays(start, 20),
      count: 300,
      liveBiomassKg: 1_250.5,
      lots: [
        { sizeClass: '4-5kg', count: 200, avgWeightG: 4_400 },
        { sizeClass: '3-4kg', count: 100, avgWeightG: 3_700 },
      ],
      idempotencyKey: 'hv-1',
    });
    expect(retry.userErrors).toEqual([]);
    expect(retry.harvest!.count).toBe(300);
    expect(await env.counts()).toEqual(before);
  });

  it('rejects harvesting more than the fresh series holds, and bad inputs, writing nothing', async () => {
    const before = await env.counts();
    const id = aGid(batch.assignments[0]!);
    const lots = (count: number) => [{ sizeClass: '4-5kg', count, avgWeightG: 4_500 }];
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ assignmentId: id, harvestDate: addDays(start, 25), count: 701, liveBiomassKg: 3_000, lots: lots(701) }, { code: 'INSUFFICIENT_POPULATION', field: ['input', 'count'] }],
      [{ assignmentId: id, harvestDate: addDays(start, 25), count: 100, liveBiomassKg: 450, lots: lots(99) }, { code: 'VALIDATION', field: ['input', 'lots'] }],
      [{ assignmentId: id, harvestDate: addDays(start, 25), count: 100, liveBiomassKg: 450, lots: [] }, { code: 'VALIDATION', field: ['input', 'lots'] }],
      [
        { assignmentId: id, harvestDate: addDays(start, 25), count: 100, liveBiomassKg: 450, lots: [...lots(50), ...lots(50)] },
        { code: 'VALIDATION', field: ['input', 'lots', '1', 'sizeClass'] },
      ],
      [{ assignmentId: id, harvestDate: addDays(start, 25), count: -4, liveBiomassKg: 450, lots: lots(-4) }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ assignmentId: id, harvestDate: addDays(start, 25), count: 100, liveBiomassKg: 0, lots: lots(100) }, { code: 'VALIDATION', field: ['input', 'liveBiomassKg'] }],
      [{ assignmentId: id, harvestDate: start, count: 100, liveBiomassKg: 450, lots: lots(100) }, { code: 'VALIDATION', field: ['input', 'harvestDate'] }],
      [{ assignmentId: id, harvestDate: addDays(today, 2), count: 100, liveBiomassKg: 450, lots: lots(100) }, { code: 'VALIDATION', field: ['input', 'harvestDate'] }],
      [{ assignmentId: aGid(987_654), harvestDate: addDays(start, 25), count: 100, liveBiomassKg: 450, lots: lots(100) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
    ];
    for (const [input, expected] of cases) {
      const result = await harvest(input);
      expect(result.harvest, JSON.stringify(input)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(before);
  });

  it('closes the assignment and completes the batch when a harvest takes every remaining fish', async () => {
    const day = addDays(start, 30);
    const result = await harvest({
      assignmentId: aGid(batch.assignments[0]!),
      harvestDate: day,
      count: 700,
      liveBiomassKg: 3_100,
      lots: [{ sizeClass: '4-5kg', count: 700, avgWeightG: 4_430 }],
    });
    expect(result.userErrors).toEqual([]);
    expect(result.assignmentClosed).toBe(true);
    expect(result.assignment).toMatchObject({ departureDate: day, closeReason: 'HARVESTED' });
    expect(result.batch).toEqual({ status: 'COMPLETED', actualEndDate: day });
  });
});

describe('assignmentClose', () => {
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('CL-001', start, [env.ids.tanks[0]!, env.ids.tanks[1]!], 1_000, 50);
    await env.sql.query(`insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by) values ($1, $2, 10, 80, 'test')`, [
      batch.assignments[1],
      addDays(start, 40),
    ]);
  });

  it('rejects a closing day not after the arrival, in the future, or before recorded events, writing nothing', async () => {
    const before = await env.counts();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ assignmentId: aGid(batch.assignments[0]!), date: start, reason: 'CULLED' }, { code: 'VALIDATION', field: ['input', 'date'] }],
      [{ assignmentId: aGid(batch.assignments[0]!), date: addDays(today, 1), reason: 'CULLED' }, { code: 'VALIDATION', field: ['input', 'date'] }],
      [{ assignmentId: aGid(batch.assignments[1]!), date: addDays(start, 40), reason: 'OTHER' }, { code: 'VALIDATION', field: ['input', 'date'] }],
      [{ assignmentId: gid('Batch', batch.id), date: addDays(start, 40), reason: 'OTHER' }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
    ];
    for (const [input, expected] of cases) {
      const result = await close(input);
      expect(result.assignment).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(before);
  });

  it('closes one assignment (marked dirty from the day before), then the last one, which completes the batch', async () => {
    const first = await close({ assignmentId: aGid(batch.assignments[0]!), date: addDays(start, 35), reason: 'CULLED' });
    expect(first.userErrors).toEqual([]);
    expect(first.assignment).toEqual({ departureDate: addDays(start, 35), closeReason: 'CULLED' });
    expect(first.batchCompleted).toBe(false);
    expect(first.batch!.status).toBe('ACTIVE');
    expect(first.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 34) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 34));

    const again = await close({ assignmentId: aGid(batch.assignments[0]!), date: addDays(start, 36), reason: 'CULLED' });
    expect(again.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'assignmentId'] });

    const last = await close({ assignmentId: aGid(batch.assignments[1]!), date: addDays(start, 41), reason: 'OTHER' });
    expect(last.userErrors).toEqual([]);
    expect(last.batchCompleted).toBe(true);
    expect(last.batch).toEqual({ status: 'COMPLETED', actualEndDate: addDays(start, 41) });
  });
});
