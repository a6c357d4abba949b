import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { expectUnchanged as unchanged, idOf, runRecompute as recompute, settle as settleBatches, snapshot as rowOf } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(40);
/** Batch EE-001: tanks T01 and T02 from `start`. */
let batch: { id: number; assignments: number[] };
/** Batch EE-002: tank T03 from `start`, departed on start + 20. */
let other: { id: number; assignments: number[] };

beforeAll(async () => {
  env = await MutationEnv.start();
  batch = await env.batch('EE-001', start, [env.ids.tanks[0]!, env.ids.tanks[1]!], 1_000, 50);
  other = await env.batch('EE-002', start, [env.ids.tanks[2]!], 1_000, 50);
  await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [other.assignments[0], addDays(start, 20)]);
});

afterAll(async () => {
  await env.stop();
});

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const settle = (...batchIds: number[]) => settleBatches(env, ...batchIds);
const runRecompute = (batchId: number) => recompute(env, batchId);
const snapshot = (table: string, id: number) => rowOf(env, table, id);
const expectUnchanged = (table: string, id: number, run: () => Promise<void>) => unchanged(env, table, id, run);

type Payload<K extends string, T> = Record<K, T & { recomputeJob: { status: string; fromDate: string; batch: { id: string } } | null; userErrors: UserErrorShape[] }>;

describe('growthSampleUpdate and growthSampleDelete', () => {
  const CREATE = `mutation($input: GrowthSampleCreateInput!) { growthSampleCreate(input: $input) { growthSample { id version } ${USER_ERRORS} } }`;
  const UPDATE = `mutation($input: GrowthSampleUpdateInput!) {
    growthSampleUpdate(input: $input) {
      growthSample { id version sampleDate sampleSize avgWeightG minWeightG maxWeightG avgLengthCm conditionFactor assignment { id } }
      fish { fishNo weightG lengthCm }
      assignment { id }
      recomputeJob { status fromDate batch { id } }
      ${USER_ERRORS}
    }
  }`;
  const DELETE = `mutation($input: GrowthSampleDeleteInput!) {
    growthSampleDelete(input: $input) { deletedId assignment { id } recomputeJob { status fromDate batch { id } } ${USER_ERRORS} }
  }`;
  type Sample = { id: string; version: number; sampleDate: string; sampleSize: number; avgWeightG: number; conditionFactor: number | null; assignment: { id: string } };
  type UpdateResult = Payload<'growthSampleUpdate', { growthSample: Sample | null; fish: Array<{ fishNo: number; weightG: number; lengthCm: number | null }>; assignment: { id: string } | null }>;
  type DeleteResult = Payload<'growthSampleDelete', { deletedId: string | null; assignment: { id: string } | null }>;

  const create = async (input: Record<string, unknown>) => {
    const res = await env.mutate<{ growthSampleCreate: { growthSample: { id: string; version: number }; userErrors: UserErrorShape[] } }>(CREATE, { input });
    expect(res.data!.growthSampleCreate.userErrors).toEqual([]);
    return res.data!.growthSampleCreate.growthSample;
  };
  const update = async (input: Record<string, unknown>, secret?: string) => {
    const res = await env.mutate<UpdateResult>(UPDATE, { input }, secret);
    expect(res.errors).toBeUndefined();
    return res.data!.growthSampleUpdate;
  };
  const remove = async (input: Record<string, unknown>) => {
    const res = await env.mutate<DeleteResult>(DELETE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.growthSampleDelete;
  };
  const aggregateSample = () =>
    create({ assignmentId: aGid(batch.assignments[0]!), sampleDate: addDays(start, 10), sampleSize: 20, avgWeightG: 100, minWeightG: 90, maxWeightG: 110, avgLengthCm: 20 });

  it('changes the row, bumps the version and queues a recompute from the earlier of the old and new days', async () => {
    const sample = await aggregateSample();
    expect(sample.version).toBe(1);
    await settle(batch.id);

    const earlier = await update({ id: sample.id, version: 1, sampleDate: addDays(start, 6), avgWeightG: 105 });
    expect(earlier.userErrors).toEqual([]);
    expect(earlier.growthSample).toMatchObject({ version: 2, sampleDate: addDays(start, 6), sampleSize: 20, avgWeightG: 105, conditionFactor: Math.round((100 * 105) / 8000 * 1000) / 1000 });
    expect(earlier.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 6) });
    const row = await env.one<{ sample_date: string; avg_weight_g: number; version: number }>('select sample_date, avg_weight_g, version from growth_sample where id = $1', [idOf(sample.id)]);
    expect(row).toEqual({ sample_date: addDays(start, 6), avg_weight_g: 105, version: 2 });
    expect((await env.queuedJob(batch.id))!.from_date).toBe(addDays(start, 6));

    // Moving it later: the old day is the earlier one.
    await settle(batch.id);
    const later = await update({ id: sample.id, version: 2, sampleDate: addDays(start, 14) });
    expect(later.growthSample).toMatchObject({ version: 3, sampleDate: addDays(start, 14), avgWeightG: 105 });
    expect(later.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 6) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 6));
  });

  it('moves a sample to another assignment, marking the old one from the old day and the new one from the new day', async () => {
    const sample = await aggregateSample();
    await settle(batch.id);
    const moved = await update({ id: sample.id, version: 1, assignmentId: aGid(batch.assignments[1]!), sampleDate: addDays(start, 12) });
    expect(moved.userErrors).toEqual([]);
    expect(moved.growthSample!.assignment).toEqual({ id: aGid(batch.assignments[1]!) });
    expect(moved.assignment).toEqual({ id: aGid(batch.assignments[1]!) });
    expect(moved.recomputeJob).toMatchObject({ fromDate: addDays(start, 10), batch: { id: gid('Batch', batch.id) } });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 10));
    expect((await env.assignment(batch.assignments[1]!)).dirty_from).toBe(addDays(start, 12));
  });

  it('replaces individual fish and recomputes the aggregates and K server-side; aggregate fields of a fish sample are refused', async () => {
    const sample = await create({ assignmentId: aGid(batch.assignments[0]!), sampleDate: addDays(start, 8), fish: [{ weightG: 100, lengthCm: 20 }, { weightG: 120, lengthCm: 21 }] });
    await settle(batch.id);
    const result = await update({ id: sample.id, version: 1, fish: [{ weightG: 80, lengthCm: 19 }, { weightG: 90 }, { weightG: 130, lengthCm: 22 }] });
    expect(result.userErrors).toEqual([]);
    const meanK = (100 * (80 / 19 ** 3 + 130 / 22 ** 3)) / 2;
    expect(result.growthSample).toMatchObject({ version: 2, sampleSize: 3, avgWeightG: 100, minWeightG: 80, maxWeightG: 130, avgLengthCm: 20.5, conditionFactor: Math.round(meanK * 1000) / 1000 });
    expect(result.fish).toEqual([
      { fishNo: 1, weightG: 80, lengthCm: 19 },
      { fishNo: 2, weightG: 90, lengthCm: null },
      { fishNo: 3, weightG: 130, lengthCm: 22 },
    ]);
    expect(result.recomputeJob).toMatchObject({ fromDate: addDays(start, 8) });
    expect(await env.rows('select fish_no from growth_sample_fish where growth_sample_id = $1 order by fish_no', [idOf(sample.id)])).toHaveLength(3);

    await expectUnchanged('growth_sample', idOf(sample.id), async () => {
      const refused = await update({ id: sample.id, version: 2, avgWeightG: 150 });
      expect(refused.growthSample).toBeNull();
      expect(refused.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'avgWeightG'] });
    });
  });

  it('rejects a stale version with STALE_VERSION and writes nothing', async () => {
    const sample = await aggregateSample();
    await update({ id: sample.id, version: 1, sampleSize: 25 });
    await expectUnchanged('growth_sample', idOf(sample.id), async () => {
      const stale = await update({ id: sample.id, version: 1, sampleSize: 30 });
      expect(stale.growthSample).toBeNull();
      expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })]);
      const staleDelete = await remove({ id: sample.id, version: 1 });
      expect(staleDelete.deletedId).toBeNull();
      expect(staleDelete.userErrors[0]).toMatchObject({ code: 'STALE_VERSION', field: ['input', 'version'] });
    });
  });

  it('rejects bad input, days outside the assignment and unknown or mistyped ids, writing nothing', async () => {
    const sample = await aggregateSample();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ sampleSize: 0 }, { code: 'VALIDATION', field: ['input', 'sampleSize'] }],
      [{ avgWeightG: -5 }, { code: 'VALIDATION', field: ['input', 'avgWeightG'] }],
      [{ sampleDate: null }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ sampleDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ sampleDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      // Merged with the stored sample: a mean below the stored minimum (90 g) breaks the create rule.
      [{ avgWeightG: 80 }, { code: 'VALIDATION', field: ['input', 'minWeightG'] }],
      // The other batch's assignment departed on start + 20.
      [{ assignmentId: aGid(other.assignments[0]!), sampleDate: addDays(start, 25) }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ assignmentId: aGid(other.assignments[0]!), sampleDate: addDays(start, 20) }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ assignmentId: aGid(99_999) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
      [{ fish: [{ weightG: 50 }], sampleSize: 4 }, { code: 'VALIDATION', field: ['input', 'sampleSize'] }],
      [{ version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
      [{ id: gid('MortalityEvent', idOf(sample.id)) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('GrowthSample', 99_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: 'not-a-global-id' }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
    ];
    await expectUnchanged('growth_sample', idOf(sample.id), async () => {
      for (const [change, expected] of cases) {
        const result = await update({ id: sample.id, version: 1, ...change });
        expect(result.growthSample, JSON.stringify(change)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(change)).toMatchObject(expected);
      }
      const wrongType = await remove({ id: gid('BatchContainerAssignment', batch.assignments[0]!), version: 1 });
      expect(wrongType.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const sample = await aggregateSample();
    await expectUnchanged('growth_sample', idOf(sample.id), async () => {
      const res = await env.mutate(UPDATE, { input: { id: sample.id, version: 1, sampleSize: 5 } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await env.mutate(DELETE, { input: { id: sample.id, version: 1 } }, SECRETS.alice);
      expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('deletes a sample with its fish and queues a recompute from its day; the anchor leaves the series', async () => {
    const sample = await create({ assignmentId: aGid(batch.assignments[1]!), sampleDate: addDays(start, 15), fish: [{ weightG: 300 }, { weightG: 320 }] });
    await runRecompute(batch.id);
    const anchored = await env.one<{ anchor_type: string | null; avg_weight_g: number }>(
      'select anchor_type, avg_weight_g from daily_assignment_state where assignment_id = $1 and date = $2',
      [batch.assignments[1], addDays(start, 15)],
    );
    expect(anchored).toEqual({ anchor_type: 'growth_sample', avg_weight_g: 310 });

    const result = await remove({ id: sample.id, version: 1 });
    expect(result).toMatchObject({ deletedId: sample.id, assignment: { id: aGid(batch.assignments[1]!) }, userErrors: [] });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 15) });
    expect(await snapshot('growth_sample', idOf(sample.id))).toEqual({ row: null });
    expect(await env.rows('select id from growth_sample_fish where growth_sample_id = $1', [idOf(sample.id)])).toEqual([]);

    await runRecompute(batch.id);
    const after = await env.one<{ anchor_type: string | null }>('select anchor_type from daily_assignment_state where assignment_id = $1 and date = $2', [
      batch.assignments[1],
      addDays(start, 15),
    ]);
    expect(after.anchor_type).toBeNull();
    const again = await remove({ id: sample.id, version: 1 });
    expect(again.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
  });
});

describe('mortalityEventUpdate and mortalityEventDelete', () => {
  const CREATE = `mutation($input: MortalityEventCreateInput!) { mortalityEventCreate(input: $input) { mortalityEvent { id version } ${USER_ERRORS} } }`;
  const UPDATE = `mutation($input: MortalityEventUpdateInput!) {
    mortalityEventUpdate(input: $input) {
      mortalityEvent { id version eventDate count cause biomassKg description }
      mortalityReport { reportDate }
      assignment { id }
      recomputeJob { status fromDate batch { id } }
      ${USER_ERRORS}
    }
  }`;
  const DELETE = `mutation($input: MortalityEventDeleteInput!) {
    mortalityEventDelete(input: $input) { deletedId assignment { id } recomputeJob { status fromDate batch { id } } ${USER_ERRORS} }
  }`;
  type Event = { id: string; version: number; eventDate: string; count: number; cause: string; biomassKg: number | null; description: string | null };
  type UpdateResult = Payload<'mortalityEventUpdate', { mortalityEvent: Event | null; mortalityReport: { reportDate: string } | null; assignment: { id: string } | null }>;
  type DeleteResult = Payload<'mortalityEventDelete', { deletedId: string | null; assignment: { id: string } | null }>;

  const create = async (assignmentId: number, day: string, count: number) => {
    const res = await env.mutate<{ mortalityEventCreate: { mortalityEvent: { id: string; version: number }; userErrors: UserErrorShape[] } }>(CREATE, {
      input: { assignmentId: aGid(assignmentId), eventDate: day, count, cause: 'DISEASE', biomassKg: 1.5, description: 'net pen check' },
    });
    expect(res.data!.mortalityEventCreate.userErrors).toEqual([]);
    return res.data!.mortalityEventCreate.mortalityEvent;
  };
  const update = async (input: Record<string, unknown>) => {
    const res = await env.mutate<UpdateResult>(UPDATE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.mortalityEventUpdate;
  };
  const remove = async (input: Record<string, unknown>) => {
    const res = await env.mutate<DeleteResult>(DELETE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.mortalityEventDelete;
  };

  it('changes count and day, reports the new day and queues a recompute from the earlier day', async () => {
    const event = await create(batch.assignments[0]!, addDays(start, 11), 5);
    await settle(batch.id);
    const result = await update({ id: event.id, version: 1, eventDate: addDays(start, 9), count: 8, biomassKg: null });
    expect(result.userErrors).toEqual([]);
    expect(result.mortalityEvent).toMatchObject({ version: 2, eventDate: addDays(start, 9), count: 8, cause: 'DISEASE', biomassKg: null, description: 'net pen check' });
    expect(result.mortalityReport).toEqual({ reportDate: addDays(start, 9) });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 9) });
    const row = await env.one('select event_date, count, biomass_kg, version from mortality_event where id = $1', [idOf(event.id)]);
    expect(row).toEqual({ event_date: addDays(start, 9), count: 8, biomass_kg: null, version: 2 });
    // The old day keeps its report (its deaths were counted: now zero).
    expect(await env.rows('select report_date from mortality_report where assignment_id = $1 and report_date = $2', [batch.assignments[0], addDays(start, 11)])).toHaveLength(1);

    await settle(batch.id);
    const later = await update({ id: event.id, version: 2, eventDate: addDays(start, 13) });
    expect(later.recomputeJob).toMatchObject({ fromDate: addDays(start, 9) });

    // A description is no engine input: the version moves, nothing is queued.
    await settle(batch.id);
    const counts = (await env.counts()).recompute_job;
    const text = await update({ id: event.id, version: 3, description: 'corrected note', cause: 'HANDLING' });
    expect(text).toMatchObject({ mortalityEvent: { version: 4, description: 'corrected note', cause: 'HANDLING' }, recomputeJob: null, userErrors: [] });
    expect((await env.counts()).recompute_job).toBe(counts);
  });

  it("moves an event to another batch's assignment, queueing a recompute for both batches", async () => {
    const event = await create(batch.assignments[0]!, addDays(start, 7), 3);
    await settle(batch.id, other.id);
    const result = await update({ id: event.id, version: 1, assignmentId: aGid(other.assignments[0]!), eventDate: addDays(start, 5) });
    expect(result.userErrors).toEqual([]);
    expect(result.assignment).toEqual({ id: aGid(other.assignments[0]!) });
    expect(result.recomputeJob).toMatchObject({ fromDate: addDays(start, 5), batch: { id: gid('Batch', other.id) } });
    expect(await env.one('select batch_id, assignment_id from mortality_event where id = $1', [idOf(event.id)])).toEqual({
      batch_id: other.id,
      assignment_id: other.assignments[0],
    });
    expect((await env.queuedJob(batch.id))!.from_date).toBe(addDays(start, 7));
    expect((await env.queuedJob(other.id))!.from_date).toBe(addDays(start, 5));
  });

  it('rejects a stale version, bad counts, days outside the assignment and wrong ids, writing nothing', async () => {
    const event = await create(batch.assignments[0]!, addDays(start, 4), 2);
    await update({ id: event.id, version: 1, count: 3 });
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ version: 1, count: 4 }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
      [{ count: -2 }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ count: 0 }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ count: null }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ biomassKg: -1 }, { code: 'VALIDATION', field: ['input', 'biomassKg'] }],
      [{ eventDate: addDays(start, -3) }, { code: 'VALIDATION', field: ['input', 'eventDate'] }],
      [{ eventDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'eventDate'] }],
      [{ assignmentId: aGid(other.assignments[0]!), eventDate: addDays(start, 30) }, { code: 'VALIDATION', field: ['input', 'eventDate'] }],
      [{ id: gid('GrowthSample', idOf(event.id)) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('MortalityEvent', 99_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ assignmentId: gid('Container', env.ids.tanks[0]!) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
    ];
    await expectUnchanged('mortality_event', idOf(event.id), async () => {
      for (const [change, expected] of cases) {
        const result = await update({ id: event.id, version: 2, ...change });
        expect(result.mortalityEvent, JSON.stringify(change)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(change)).toMatchObject(expected);
      }
      const stale = await remove({ id: event.id, version: 1 });
      expect(stale.userErrors[0]).toMatchObject({ code: 'STALE_VERSION' });
      const wrongType = await remove({ id: gid('FeedingEvent', idOf(event.id)), version: 2 });
      expect(wrongType.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const event = await create(batch.assignments[0]!, addDays(start, 3), 1);
    await expectUnchanged('mortality_event', idOf(event.id), async () => {
      const res = await env.mutate(UPDATE, { input: { id: event.id, version: 1, count: 9 } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await env.mutate(DELETE, { input: { id: event.id, version: 1 } }, SECRETS.alice);
      expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('deletes an event; after the recompute the deaths of that day are back to 0', async () => {
    const day = addDays(start, 17);
    const event = await create(batch.assignments[1]!, day, 7);
    await runRecompute(batch.id);
    const deaths = () =>
      env.one<{ mortality_count: number; population: number }>('select mortality_count, population from daily_assignment_state where assignment_id = $1 and date = $2', [
        batch.assignments[1],
        day,
      ]);
    const before = await deaths();
    expect(before.mortality_count).toBe(7);

    const result = await remove({ id: event.id, version: 1 });
    expect(result).toMatchObject({ deletedId: event.id, assignment: { id: aGid(batch.assignments[1]!) }, userErrors: [] });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day, batch: { id: gid('Batch', batch.id) } });
    expect(await snapshot('mortality_event', idOf(event.id))).toEqual({ row: null });

    await runRecompute(batch.id);
    const after = await deaths();
    expect(after.mortality_count).toBe(0);
    expect(after.population).toBe(before.population + 7);
  });
});

describe('treatmentCreate', () => {
  const TREATMENT = `mutation($input: TreatmentCreateInput!) {
    treatmentCreate(input: $input) {
      treatment { id version treatmentDate treatmentType product includesWeighing weighedCount avgWeightG withholdingDays recordedBy }
      fish { fishNo weightG lengthCm }
      recomputeJob { status fromDate }
      ${USER_ERRORS}
    }
  }`;
  type Result = Payload<'treatmentCreate', { treatment: Record<string, unknown> | null; fish: Array<{ fishNo: number; weightG: number }> }>;
  const treat = async (input: Record<string, unknown>, secret?: string) => {
    const res = await env.mutate<Result>(TREATMENT, { input }, secret);
    return res;
  };
  const base = (day: string) => ({ assignmentId: aGid(batch.assignments[0]!), treatmentDate: day, treatmentType: 'DELICING', product: 'Thermolicer' });

  it('a treatment with a weighing is a weight anchor: aggregates computed server-side, recompute queued from its day', async () => {
    await settle(batch.id);
    const day = addDays(start, 16);
    const res = await treat({ ...base(day), withholdingDays: 0, fish: [{ weightG: 200 }, { weightG: 220, lengthCm: 25 }, { weightG: 240 }] });
    expect(res.data!.treatmentCreate.userErrors).toEqual([]);
    expect(res.data!.treatmentCreate.treatment).toMatchObject({ version: 1, includesWeighing: true, weighedCount: 3, avgWeightG: 220, recordedBy: 'ops' });
    expect(res.data!.treatmentCreate.fish.map((f) => f.weightG)).toEqual([200, 220, 240]);
    expect(res.data!.treatmentCreate.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(day);
  });

  it('a treatment without a weighing queues nothing', async () => {
    await settle(batch.id);
    const jobs = (await env.counts()).recompute_job;
    const res = await treat({ ...base(addDays(start, 18)), treatmentType: 'MEDICATION', product: 'Emamectin', dosage: '50 µg/kg', withholdingDays: 90 });
    expect(res.data!.treatmentCreate).toMatchObject({ treatment: { includesWeighing: false, weighedCount: null, withholdingDays: 90 }, recomputeJob: null, userErrors: [] });
    expect((await env.counts()).recompute_job).toBe(jobs);
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBeNull();
  });

  it('rejects bad weighings, days outside the assignment and unknown references, writing nothing', async () => {
    const before = await env.counts();
    const treatments = (await env.one<{ n: number }>('select count(*)::int as n from treatment')).n;
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ ...base(addDays(start, 5)), weighedCount: 10 }, { code: 'VALIDATION', field: ['input', 'avgWeightG'] }],
      [{ ...base(addDays(start, 5)), weighedCount: 0, avgWeightG: 100 }, { code: 'VALIDATION', field: ['input', 'weighedCount'] }],
      [{ ...base(addDays(start, 5)), fish: [{ weightG: -1 }] }, { code: 'VALIDATION', field: ['input', 'fish', '0', 'weightG'] }],
      [{ ...base(addDays(start, 5)), withholdingDays: -1 }, { code: 'VALIDATION', field: ['input', 'withholdingDays'] }],
      [{ ...base(addDays(start, 5)), vaccinationTypeId: gid('VaccinationType', 1) }, { code: 'VALIDATION', field: ['input', 'vaccinationTypeId'] }],
      [{ ...base(addDays(start, 5)), treatmentType: 'VACCINATION', vaccinationTypeId: gid('VaccinationType', 9_999) }, { code: 'NOT_FOUND', field: ['input', 'vaccinationTypeId'] }],
      [{ ...base(addDays(start, -1)) }, { code: 'VALIDATION', field: ['input', 'treatmentDate'] }],
      [{ ...base(addDays(start, 5)), assignmentId: gid('Batch', batch.id) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
    ];
    for (const [input, expected] of cases) {
      const res = await treat(input);
      expect(res.data!.treatmentCreate.treatment, JSON.stringify(input)).toBeNull();
      expect(res.data!.treatmentCreate.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    const forbidden = await treat(base(addDays(start, 5)), SECRETS.alice);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await env.counts()).toEqual(before);
    expect((await env.one<{ n: number }>('select count(*)::int as n from treatment')).n).toBe(treatments);
  });
});

describe('liceCountCreate', () => {
  const LICE = `mutation($input: LiceCountCreateInput!) {
    liceCountCreate(input: $input) {
      liceCount { id version countDate fishSampled method entries { liceSpecies liceStage count } }
      entries { liceSpecies liceStage count }
      ${USER_ERRORS}
    }
  }`;
  type Result = { liceCountCreate: { liceCount: Record<string, unknown> | null; entries: unknown[]; userErrors: UserErrorShape[] } };
  const base = () => ({
    assignmentId: aGid(batch.assignments[0]!),
    countDate: addDays(start, 19),
    fishSampled: 20,
    method: 'MANUAL',
    entries: [
      { liceSpecies: 'L_SALMONIS', liceStage: 'ADULT_FEMALE', count: 6 },
      { liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: 0 },
    ],
  });

  it('stores the count with its entries (zeros kept) and queues no recompute', async () => {
    await settle(batch.id);
    const before = await env.counts();
    const res = await env.mutate<Result>(LICE, { input: base() });
    expect(res.data!.liceCountCreate.userErrors).toEqual([]);
    expect(res.data!.liceCountCreate.liceCount).toMatchObject({ version: 1, countDate: addDays(start, 19), fishSampled: 20, method: 'MANUAL' });
    expect(res.data!.liceCountCreate.entries).toHaveLength(2);
    // Lice are no input of the growth engine: no job, no watermark.
    expect(await env.counts()).toEqual(before);
  });

  it('rejects duplicate entries, empty samples and days outside the assignment, writing nothing', async () => {
    const before = (await env.one<{ n: number }>('select (select count(*) from lice_count) + (select count(*) from lice_count_entry) as n')).n;
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ ...base(), fishSampled: 0 }, { code: 'VALIDATION', field: ['input', 'fishSampled'] }],
      [{ ...base(), entries: [...base().entries, { liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: 1 }] }, { code: 'VALIDATION', field: ['input', 'entries', '2'] }],
      [{ ...base(), entries: [{ liceSpecies: 'C_ELONGATUS', liceStage: 'CHALIMUS', count: -1 }] }, { code: 'VALIDATION', field: ['input', 'entries', '0', 'count'] }],
      [{ ...base(), assignmentId: aGid(other.assignments[0]!), countDate: addDays(start, 21) }, { code: 'VALIDATION', field: ['input', 'countDate'] }],
    ];
    for (const [input, expected] of cases) {
      const res = await env.mutate<Result>(LICE, { input });
      expect(res.data!.liceCountCreate.liceCount).toBeNull();
      expect(res.data!.liceCountCreate.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    const forbidden = await env.mutate<Result>(LICE, { input: base() }, SECRETS.alice);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await env.one<{ n: number }>('select (select count(*) from lice_count) + (select count(*) from lice_count_entry) as n')).n).toBe(before);
  });
});
