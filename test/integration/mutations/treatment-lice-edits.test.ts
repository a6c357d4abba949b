import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { expectUnchanged as unchanged, idOf, runRecompute as recompute, settle as settleBatches, snapshot as rowOf } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(40);
/** Batch TL-001: tanks T01 and T02 from `start`. */
let batch: { id: number; assignments: number[] };
/** Batch TL-002: tank T03 from `start`, departed on start + 20. */
let other: { id: number; assignments: number[] };
/** A vaccine product, for VACCINATION treatments. */
let vaccineId: number;

beforeAll(async () => {
  env = await MutationEnv.start();
  batch = await env.batch('TL-001', start, [env.ids.tanks[0]!, env.ids.tanks[1]!], 1_000, 50);
  other = await env.batch('TL-002', start, [env.ids.tanks[2]!], 1_000, 50);
  await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [other.assignments[0], addDays(start, 20)]);
  vaccineId = (await env.one<{ id: number }>(`insert into vaccination_type (name, manufacturer) values ('Alpha Ject micro 6', 'PHARMAQ') returning id`)).id;
});

afterAll(async () => {
  await env.stop();
});

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const settle = (...batchIds: number[]) => settleBatches(env, ...batchIds);
const snapshot = (table: string, id: number) => rowOf(env, table, id);

/**
 * Like edit-helpers' expectUnchanged, and the event's child rows (weighed fish, lice entries) too: `counts()` does
 * not cover these tables.
 */
async function expectUnchanged(table: string, id: number, children: { table: string; key: string }, run: () => Promise<void>): Promise<void> {
  const childRows = () => env.rows(`select * from ${children.table} where ${children.key} = $1 order by id`, [id]);
  const before = await childRows();
  await unchanged(env, table, id, run);
  expect(await childRows()).toEqual(before);
}

type Job = { status: string; fromDate: string; batch: { id: string } } | null;

describe('treatmentUpdate and treatmentDelete', () => {
  const TREATMENT_FIELDS = 'id version treatmentDate treatmentType product dosage withholdingDays includesWeighing weighedCount avgWeightG assignment { id }';
  const CREATE = `mutation($input: TreatmentCreateInput!) { treatmentCreate(input: $input) { treatment { id version } ${USER_ERRORS} } }`;
  const UPDATE = `mutation($input: TreatmentUpdateInput!) {
    treatmentUpdate(input: $input) {
      treatment { ${TREATMENT_FIELDS} }
      fish { fishNo weightG lengthCm }
      assignment { id }
      recomputeJob { status fromDate batch { id } }
      ${USER_ERRORS}
    }
  }`;
  const DELETE = `mutation($input: TreatmentDeleteInput!) {
    treatmentDelete(input: $input) { deletedId assignment { id } recomputeJob { status fromDate batch { id } } ${USER_ERRORS} }
  }`;
  type Treatment = {
    id: string;
    version: number;
    treatmentDate: string;
    treatmentType: string;
    product: string;
    dosage: string | null;
    withholdingDays: number;
    includesWeighing: boolean;
    weighedCount: number | null;
    avgWeightG: number | null;
    assignment: { id: string };
  };
  type UpdateResult = {
    treatmentUpdate: {
      treatment: Treatment | null;
      fish: Array<{ fishNo: number; weightG: number; lengthCm: number | null }>;
      assignment: { id: string } | null;
      recomputeJob: Job;
      userErrors: UserErrorShape[];
    };
  };
  type DeleteResult = { treatmentDelete: { deletedId: string | null; assignment: { id: string } | null; recomputeJob: Job; userErrors: UserErrorShape[] } };

  const create = async (input: Record<string, unknown>) => {
    const res = await env.mutate<{ treatmentCreate: { treatment: { id: string; version: number }; userErrors: UserErrorShape[] } }>(CREATE, {
      input: { assignmentId: aGid(batch.assignments[0]!), treatmentType: 'DELICING', product: 'Thermolicer', ...input },
    });
    expect(res.data!.treatmentCreate.userErrors).toEqual([]);
    return res.data!.treatmentCreate.treatment;
  };
  const weighed = (day: string) => create({ treatmentDate: day, weighedCount: 30, avgWeightG: 200 });
  const unweighed = (day: string) => create({ treatmentDate: day, treatmentType: 'MEDICATION', product: 'Emamectin', dosage: '50 µg/kg', withholdingDays: 60 });
  const update = async (input: Record<string, unknown>) => {
    const res = await env.mutate<UpdateResult>(UPDATE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.treatmentUpdate;
  };
  const remove = async (input: Record<string, unknown>) => {
    const res = await env.mutate<DeleteResult>(DELETE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.treatmentDelete;
  };
  const FISH = { table: 'treatment_fish', key: 'treatment_id' };

  it('changes a weighed treatment, bumps the version and queues a recompute from the earlier of the old and new days', async () => {
    const treatment = await weighed(addDays(start, 10));
    expect(treatment.version).toBe(1);
    await settle(batch.id);

    const earlier = await update({ id: treatment.id, version: 1, treatmentDate: addDays(start, 6), avgWeightG: 210.456 });
    expect(earlier.userErrors).toEqual([]);
    expect(earlier.treatment).toMatchObject({ version: 2, treatmentDate: addDays(start, 6), includesWeighing: true, weighedCount: 30, avgWeightG: 210.46 });
    expect(earlier.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 6), batch: { id: gid('Batch', batch.id) } });
    expect(await env.one('select treatment_date, avg_weight_g, version from treatment where id = $1', [idOf(treatment.id)])).toEqual({
      treatment_date: addDays(start, 6),
      avg_weight_g: 210.46,
      version: 2,
    });
    expect((await env.queuedJob(batch.id))!.from_date).toBe(addDays(start, 6));

    // Moving it later: the old day is the earlier one.
    await settle(batch.id);
    const later = await update({ id: treatment.id, version: 2, treatmentDate: addDays(start, 14) });
    expect(later.treatment).toMatchObject({ version: 3, treatmentDate: addDays(start, 14) });
    expect(later.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 6) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 6));
  });

  it('edits that cannot change the engine inputs only bump the version and queue nothing', async () => {
    const anchor = await weighed(addDays(start, 8));
    const plain = await unweighed(addDays(start, 9));
    await settle(batch.id);
    const before = await env.counts();

    const notes = await update({ id: anchor.id, version: 1, product: '  Optilicer ', dosage: 'n/a', withholdingDays: 0, weighedCount: 30 });
    expect(notes).toMatchObject({ treatment: { version: 2, product: 'Optilicer', dosage: 'n/a', withholdingDays: 0, weighedCount: 30 }, recomputeJob: null, userErrors: [] });
    // Without a weighing before and after, neither a new day nor a move reaches the engine.
    const moved = await update({ id: plain.id, version: 1, treatmentDate: addDays(start, 3), assignmentId: aGid(batch.assignments[1]!), dosage: null });
    expect(moved).toMatchObject({
      treatment: { version: 2, treatmentDate: addDays(start, 3), dosage: null, includesWeighing: false, assignment: { id: aGid(batch.assignments[1]!) } },
      assignment: { id: aGid(batch.assignments[1]!) },
      recomputeJob: null,
      userErrors: [],
    });
    expect(await env.counts()).toEqual(before);
  });

  it('adding or removing a weighing marks the assignment dirty from the earlier day; both figures null remove it', async () => {
    const treatment = await unweighed(addDays(start, 12));
    await settle(batch.id);
    const added = await update({ id: treatment.id, version: 1, treatmentDate: addDays(start, 11), weighedCount: 25, avgWeightG: 180 });
    expect(added.treatment).toMatchObject({ version: 2, includesWeighing: true, weighedCount: 25, avgWeightG: 180 });
    expect(added.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 11) });

    await settle(batch.id);
    const removed = await update({ id: treatment.id, version: 2, treatmentDate: addDays(start, 13), weighedCount: null, avgWeightG: null });
    expect(removed.treatment).toMatchObject({ version: 3, includesWeighing: false, weighedCount: null, avgWeightG: null });
    expect(removed.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 11) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 11));
  });

  it("moves a weighed treatment to another batch's assignment, queueing a recompute for both batches", async () => {
    const treatment = await weighed(addDays(start, 7));
    await settle(batch.id, other.id);
    const result = await update({ id: treatment.id, version: 1, assignmentId: aGid(other.assignments[0]!), treatmentDate: addDays(start, 5) });
    expect(result.userErrors).toEqual([]);
    expect(result.treatment!.assignment).toEqual({ id: aGid(other.assignments[0]!) });
    expect(result.assignment).toEqual({ id: aGid(other.assignments[0]!) });
    expect(result.recomputeJob).toMatchObject({ fromDate: addDays(start, 5), batch: { id: gid('Batch', other.id) } });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 7));
    expect((await env.assignment(other.assignments[0]!)).dirty_from).toBe(addDays(start, 5));
    expect((await env.queuedJob(batch.id))!.from_date).toBe(addDays(start, 7));
    expect((await env.queuedJob(other.id))!.from_date).toBe(addDays(start, 5));
  });

  it('replaces individual fish (count and mean computed server-side); figures of a fish weighing are refused; both null remove the fish', async () => {
    const treatment = await create({ treatmentDate: addDays(start, 15), fish: [{ weightG: 200 }, { weightG: 220, lengthCm: 25 }] });
    await settle(batch.id);
    const result = await update({ id: treatment.id, version: 1, fish: [{ weightG: 240, lengthCm: 26 }, { weightG: 250 }, { weightG: 260 }] });
    expect(result.userErrors).toEqual([]);
    expect(result.treatment).toMatchObject({ version: 2, includesWeighing: true, weighedCount: 3, avgWeightG: 250 });
    expect(result.fish).toEqual([
      { fishNo: 1, weightG: 240, lengthCm: 26 },
      { fishNo: 2, weightG: 250, lengthCm: null },
      { fishNo: 3, weightG: 260, lengthCm: null },
    ]);
    expect(result.recomputeJob).toMatchObject({ fromDate: addDays(start, 15) });

    await expectUnchanged('treatment', idOf(treatment.id), FISH, async () => {
      const refused = await update({ id: treatment.id, version: 2, avgWeightG: 300 });
      expect(refused.treatment).toBeNull();
      expect(refused.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'avgWeightG'] });
    });

    await settle(batch.id);
    const cleared = await update({ id: treatment.id, version: 2, weighedCount: null, avgWeightG: null });
    expect(cleared).toMatchObject({ treatment: { version: 3, includesWeighing: false, weighedCount: null }, fish: [], userErrors: [] });
    expect(cleared.recomputeJob).toMatchObject({ fromDate: addDays(start, 15) });
    expect(await env.rows('select id from treatment_fish where treatment_id = $1', [idOf(treatment.id)])).toEqual([]);
  });

  it('keeps a vaccine only on VACCINATION treatments', async () => {
    const treatment = await unweighed(addDays(start, 4));
    const vaccinated = await update({ id: treatment.id, version: 1, treatmentType: 'VACCINATION', vaccinationTypeId: gid('VaccinationType', vaccineId) });
    expect(vaccinated).toMatchObject({ treatment: { version: 2, treatmentType: 'VACCINATION' }, recomputeJob: null, userErrors: [] });
    expect(await env.one('select vaccination_type_id from treatment where id = $1', [idOf(treatment.id)])).toEqual({ vaccination_type_id: vaccineId });

    await expectUnchanged('treatment', idOf(treatment.id), FISH, async () => {
      // The stored vaccine stays unless cleared, so a new type alone breaks the create rule.
      const stays = await update({ id: treatment.id, version: 2, treatmentType: 'MEDICATION' });
      expect(stays.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'vaccinationTypeId'] })]);
      const unknown = await update({ id: treatment.id, version: 2, vaccinationTypeId: gid('VaccinationType', 99_999) });
      expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'vaccinationTypeId'] })]);
    });

    const cleared = await update({ id: treatment.id, version: 2, treatmentType: 'MEDICATION', vaccinationTypeId: null });
    expect(cleared).toMatchObject({ treatment: { version: 3, treatmentType: 'MEDICATION' }, userErrors: [] });
    expect(await env.one('select vaccination_type_id from treatment where id = $1', [idOf(treatment.id)])).toEqual({ vaccination_type_id: null });
  });

  it('rejects a stale version, bad input, days outside the assignment and unknown or mistyped ids, writing nothing', async () => {
    const treatment = await create({ treatmentDate: addDays(start, 10), fish: [{ weightG: 150 }] });
    const plain = await unweighed(addDays(start, 10));
    await update({ id: treatment.id, version: 1, withholdingDays: 5 });
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ version: 1, withholdingDays: 7 }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
      [{ version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
      [{ product: '   ' }, { code: 'VALIDATION', field: ['input', 'product'] }],
      [{ product: null }, { code: 'VALIDATION', field: ['input', 'product'] }],
      [{ treatmentDate: null }, { code: 'VALIDATION', field: ['input', 'treatmentDate'] }],
      [{ withholdingDays: -1 }, { code: 'VALIDATION', field: ['input', 'withholdingDays'] }],
      [{ dosage: 'x'.repeat(101) }, { code: 'VALIDATION', field: ['input', 'dosage'] }],
      [{ fish: [] }, { code: 'VALIDATION', field: ['input', 'fish'] }],
      [{ fish: [{ weightG: -1 }] }, { code: 'VALIDATION', field: ['input', 'fish', '0', 'weightG'] }],
      [{ fish: [{ weightG: 100 }], weighedCount: 1 }, { code: 'VALIDATION', field: ['input', 'weighedCount'] }],
      [{ weighedCount: 0 }, { code: 'VALIDATION', field: ['input', 'weighedCount'] }],
      [{ treatmentDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'treatmentDate'] }],
      [{ treatmentDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'treatmentDate'] }],
      // The other batch's assignment departed on start + 20: the stored day (start + 10) fits, later ones do not.
      [{ assignmentId: aGid(other.assignments[0]!), treatmentDate: addDays(start, 20) }, { code: 'VALIDATION', field: ['input', 'treatmentDate'] }],
      [{ assignmentId: aGid(99_999) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
      [{ assignmentId: gid('Container', env.ids.tanks[0]!) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
      [{ id: gid('GrowthSample', idOf(treatment.id)) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('Treatment', 99_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: 'not-a-global-id' }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
    ];
    await expectUnchanged('treatment', idOf(treatment.id), FISH, async () => {
      for (const [change, expected] of cases) {
        const result = await update({ id: treatment.id, version: 2, ...change });
        expect(result.treatment, JSON.stringify(change)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(change)).toMatchObject(expected);
      }
      const stale = await remove({ id: treatment.id, version: 1 });
      expect(stale).toMatchObject({ deletedId: null, userErrors: [expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })] });
      const wrongType = await remove({ id: gid('LiceCount', idOf(treatment.id)), version: 2 });
      expect(wrongType.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
    await expectUnchanged('treatment', idOf(plain.id), FISH, async () => {
      // Merged over the stored treatment (no weighing): a count alone lacks its mean weight.
      const half = await update({ id: plain.id, version: 1, weighedCount: 10 });
      expect(half.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'avgWeightG'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const treatment = await weighed(addDays(start, 3));
    await expectUnchanged('treatment', idOf(treatment.id), FISH, async () => {
      const res = await env.mutate(UPDATE, { input: { id: treatment.id, version: 1, product: 'Hydrolicer' } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await env.mutate(DELETE, { input: { id: treatment.id, version: 1 } }, SECRETS.alice);
      expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('deletes a weighed treatment with its fish and queues a recompute from its day; the anchor leaves the series', async () => {
    const day = addDays(start, 16);
    const treatment = await create({ assignmentId: aGid(batch.assignments[1]!), treatmentDate: day, fish: [{ weightG: 300 }, { weightG: 320 }] });
    await recompute(env, batch.id);
    const anchorOf = () =>
      env.one<{ anchor_type: string | null; avg_weight_g: number }>('select anchor_type, avg_weight_g from daily_assignment_state where assignment_id = $1 and date = $2', [
        batch.assignments[1],
        day,
      ]);
    expect(await anchorOf()).toEqual({ anchor_type: 'treatment', avg_weight_g: 310 });

    const result = await remove({ id: treatment.id, version: 1 });
    expect(result).toMatchObject({ deletedId: treatment.id, assignment: { id: aGid(batch.assignments[1]!) }, userErrors: [] });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day, batch: { id: gid('Batch', batch.id) } });
    expect(await snapshot('treatment', idOf(treatment.id))).toEqual({ row: null });
    expect(await env.rows('select id from treatment_fish where treatment_id = $1', [idOf(treatment.id)])).toEqual([]);

    await recompute(env, batch.id);
    expect((await anchorOf()).anchor_type).toBeNull();
  });

  it('deletes a treatment without a weighing and queues nothing', async () => {
    const treatment = await unweighed(addDays(start, 2));
    await settle(batch.id);
    const before = await env.counts();
    const result = await remove({ id: treatment.id, version: 1 });
    expect(result).toEqual({ deletedId: treatment.id, assignment: { id: aGid(batch.assignments[0]!) }, recomputeJob: null, userErrors: [] });
    expect(await snapshot('treatment', idOf(treatment.id))).toEqual({ row: null });
    expect(await env.counts()).toEqual(before);
  });
});

describe('liceCountUpdate and liceCountDelete', () => {
  const CREATE = `mutation($input: LiceCountCreateInput!) { liceCountCreate(input: $input) { liceCount { id version } ${USER_ERRORS} } }`;
  const UPDATE = `mutation($input: LiceCountUpdateInput!) {
    liceCountUpdate(input: $input) {
      liceCount { id version countDate fishSampled method assignment { id } entries { liceSpecies liceStage count } }
      entries { liceSpecies liceStage count }
      assignment { id }
      ${USER_ERRORS}
    }
  }`;
  const DELETE = `mutation($input: LiceCountDeleteInput!) { liceCountDelete(input: $input) { deletedId assignment { id } ${USER_ERRORS} } }`;
  type Entry = { liceSpecies: string; liceStage: string; count: number };
  type LiceCount = { id: string; version: number; countDate: string; fishSampled: number; method: string; assignment: { id: string }; entries: Entry[] };
  type UpdateResult = { liceCountUpdate: { liceCount: LiceCount | null; entries: Entry[]; assignment: { id: string } | null; userErrors: UserErrorShape[] } };
  type DeleteResult = { liceCountDelete: { deletedId: string | null; assignment: { id: string } | null; userErrors: UserErrorShape[] } };
  const ENTRIES = { table: 'lice_count_entry', key: 'lice_count_id' };

  const create = async (day: string) => {
    const res = await env.mutate<{ liceCountCreate: { liceCount: { id: string; version: number }; userErrors: UserErrorShape[] } }>(CREATE, {
      input: {
        assignmentId: aGid(batch.assignments[0]!),
        countDate: day,
        fishSampled: 20,
        method: 'MANUAL',
        entries: [
          { liceSpecies: 'L_SALMONIS', liceStage: 'ADULT_FEMALE', count: 6 },
          { liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: 0 },
        ],
      },
    });
    expect(res.data!.liceCountCreate.userErrors).toEqual([]);
    return res.data!.liceCountCreate.liceCount;
  };
  const update = async (input: Record<string, unknown>) => {
    const res = await env.mutate<UpdateResult>(UPDATE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.liceCountUpdate;
  };
  const remove = async (input: Record<string, unknown>) => {
    const res = await env.mutate<DeleteResult>(DELETE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.liceCountDelete;
  };

  it('changes the count, replaces its entries and moves it, bumping the version and marking nothing dirty', async () => {
    const liceCount = await create(addDays(start, 19));
    await settle(batch.id, other.id);
    const before = await env.counts();

    const entries = [
      { liceSpecies: 'C_ELONGATUS', liceStage: 'PRE_ADULT', count: 2 },
      { liceSpecies: 'L_SALMONIS', liceStage: 'ADULT_FEMALE', count: 4 },
    ];
    const changed = await update({ id: liceCount.id, version: 1, countDate: addDays(start, 18), fishSampled: 25, method: 'CAMERA', entries });
    expect(changed.userErrors).toEqual([]);
    expect(changed.liceCount).toMatchObject({ version: 2, countDate: addDays(start, 18), fishSampled: 25, method: 'CAMERA' });
    expect(changed.entries).toEqual(entries);
    expect(changed.liceCount!.entries).toEqual(entries);
    expect(await env.rows('select count from lice_count_entry where lice_count_id = $1 order by id', [idOf(liceCount.id)])).toHaveLength(2);

    const moved = await update({ id: liceCount.id, version: 2, assignmentId: aGid(other.assignments[0]!), countDate: addDays(start, 19) });
    expect(moved).toMatchObject({
      liceCount: { version: 3, countDate: addDays(start, 19), fishSampled: 25, assignment: { id: aGid(other.assignments[0]!) } },
      assignment: { id: aGid(other.assignments[0]!) },
      entries,
      userErrors: [],
    });
    // Lice are no input of the growth engine: no job, no dirty mark, on either batch.
    expect(await env.counts()).toEqual(before);
  });

  it('rejects a stale version, bad input, days outside the assignment and unknown or mistyped ids, writing nothing', async () => {
    const liceCount = await create(addDays(start, 15));
    await update({ id: liceCount.id, version: 1, fishSampled: 30 });
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ version: 1, fishSampled: 31 }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
      [{ version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
      [{ fishSampled: 0 }, { code: 'VALIDATION', field: ['input', 'fishSampled'] }],
      [{ fishSampled: null }, { code: 'VALIDATION', field: ['input', 'fishSampled'] }],
      [{ entries: [] }, { code: 'VALIDATION', field: ['input', 'entries'] }],
      [{ entries: null }, { code: 'VALIDATION', field: ['input', 'entries'] }],
      [{ entries: [{ liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: -1 }] }, { code: 'VALIDATION', field: ['input', 'entries', '0', 'count'] }],
      [
        {
          entries: [
            { liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: 1 },
            { liceSpecies: 'L_SALMONIS', liceStage: 'CHALIMUS', count: 2 },
          ],
        },
        { code: 'VALIDATION', field: ['input', 'entries', '1'] },
      ],
      [{ countDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'countDate'] }],
      [{ countDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'countDate'] }],
      [{ assignmentId: aGid(other.assignments[0]!), countDate: addDays(start, 21) }, { code: 'VALIDATION', field: ['input', 'countDate'] }],
      [{ assignmentId: aGid(99_999) }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
      [{ id: gid('Treatment', idOf(liceCount.id)) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('LiceCount', 99_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
    ];
    await expectUnchanged('lice_count', idOf(liceCount.id), ENTRIES, async () => {
      for (const [change, expected] of cases) {
        const result = await update({ id: liceCount.id, version: 2, ...change });
        expect(result.liceCount, JSON.stringify(change)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(change)).toMatchObject(expected);
      }
      const stale = await remove({ id: liceCount.id, version: 1 });
      expect(stale).toMatchObject({ deletedId: null, userErrors: [expect.objectContaining({ code: 'STALE_VERSION', field: ['input', 'version'] })] });
      const missing = await remove({ id: gid('LiceCount', 99_999), version: 1 });
      expect(missing.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const liceCount = await create(addDays(start, 14));
    await expectUnchanged('lice_count', idOf(liceCount.id), ENTRIES, async () => {
      const res = await env.mutate(UPDATE, { input: { id: liceCount.id, version: 1, fishSampled: 5 } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await env.mutate(DELETE, { input: { id: liceCount.id, version: 1 } }, SECRETS.alice);
      expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('deletes a count with its entries and queues nothing', async () => {
    const liceCount = await create(addDays(start, 13));
    await settle(batch.id);
    const before = await env.counts();
    const result = await remove({ id: liceCount.id, version: 1 });
    expect(result).toEqual({ deletedId: liceCount.id, assignment: { id: aGid(batch.assignments[0]!) }, userErrors: [] });
    expect(await snapshot('lice_count', idOf(liceCount.id))).toEqual({ row: null });
    expect(await env.rows('select id from lice_count_entry where lice_count_id = $1', [idOf(liceCount.id)])).toEqual([]);
    expect(await env.counts()).toEqual(before);
  });
});
