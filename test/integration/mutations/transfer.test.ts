import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBatch } from '../../../src/modules/growth/recompute.service.js';
import { addDays } from '../../../src/shared/dates.js';
import { daysAgo, gid, MutationEnv, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const TRANSFER = `mutation($input: TransferCreateInput!) {
  transferCreate(input: $input) {
    transferAction { id status executionDate transferredCount mortalityDuringTransfer sourcePopulationBefore transferredBiomassKg emptiesSource executedBy }
    sourceAssignment { id departureDate closeReason }
    destAssignment { id assignmentDate openingPopulation openingAvgWeightG container { name } lifecycleStage { code } }
    recomputeJob { id status fromDate }
    ${USER_ERRORS}
  }
}`;

interface TransferResult {
  transferCreate: {
    transferAction: {
      id: string;
      status: string;
      executionDate: string | null;
      transferredCount: number;
      sourcePopulationBefore: number | null;
      transferredBiomassKg: number | null;
      emptiesSource: boolean;
      executedBy: string;
    } | null;
    sourceAssignment: { id: string; departureDate: string | null; closeReason: string | null } | null;
    destAssignment: { id: string; assignmentDate: string; openingPopulation: number; openingAvgWeightG: number | null; container: { name: string }; lifecycleStage: { code: string } } | null;
    recomputeJob: { id: string; status: string; fromDate: string } | null;
    userErrors: UserErrorShape[];
  };
}

async function transfer(input: Record<string, unknown>) {
  const res = await env.mutate<TransferResult>(TRANSFER, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.transferCreate;
}

const idOf = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString().split(':')[1]);
const assignmentGid = (id: number) => gid('BatchContainerAssignment', id);
const tankGid = (i: number) => gid('Container', env.ids.tanks[i]!);

describe('transferCreate', () => {
  const start = daysAgo(30);
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('TR-001', start, [env.ids.tanks[0]!], 1_000, 50);
  });

  it('moves fish into a new assignment in a free container, checked against the fresh series, and marks source and destination dirty', async () => {
    const day = addDays(start, 10);
    const result = await transfer({
      sourceAssignmentId: assignmentGid(batch.assignments[0]!),
      destContainerId: tankGid(1),
      executionDate: day,
      transferredCount: 400,
      mortalityDuringTransfer: 5,
      measuredAvgWeightG: 60,
      measuredSampleSize: 30,
      idempotencyKey: 'tr-1',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.transferAction).toMatchObject({
      status: 'COMPLETED',
      executionDate: day,
      transferredCount: 400,
      sourcePopulationBefore: 1_000,
      transferredBiomassKg: 24,
      emptiesSource: false,
      executedBy: 'ops',
    });
    expect(result.destAssignment).toMatchObject({ assignmentDate: day, openingPopulation: 400, openingAvgWeightG: 60, container: { name: 'T02' }, lifecycleStage: { code: 'PARR' } });
    expect(result.sourceAssignment).toMatchObject({ departureDate: null, closeReason: null });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(day, -1) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(day, -1));
    expect((await env.assignment(idOf(result.destAssignment!.id))).dirty_from).toBe(day);
    // The inline recompute brought the source's series up to today in the same transaction.
    const rows = await env.rows<{ date: string; population: number }>(
      `select date, population from daily_assignment_state where assignment_id = $1 and date in ($2, $3) order by date`,
      [batch.assignments[0], addDays(day, -1), today],
    );
    expect(rows).toEqual([{ date: addDays(day, -1), population: 1_000 }, { date: today, population: 1_000 }]);
    expect(await env.wakeUp(batch.id)).toEqual({ task_identifier: 'recompute' });

    // What the queued job will compute: the engine takes the transfer as written.
    await recomputeBatch({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, batch.id);
    const after = await env.rows<{ assignment_id: number; population: number }>(
      `select assignment_id, population from daily_assignment_state where batch_id = $1 and date = $2 order by assignment_id`,
      [batch.id, day],
    );
    expect(after).toEqual([
      { assignment_id: batch.assignments[0], population: 595 },
      { assignment_id: idOf(result.destAssignment!.id), population: 400 },
    ]);
  });

  it('replays an idempotent retry without writing', async () => {
    const before = await env.counts();
    const first = await env.one<{ id: number }>(`select id from transfer_action order by id limit 1`);
    const retry = await transfer({
      sourceAssignmentId: assignmentGid(batch.assignments[0]!),
      destContainerId: tankGid(1),
      executionDate: addDays(start, 10),
      transferredCount: 400,
      mortalityDuringTransfer: 5,
      measuredAvgWeightG: 60,
      measuredSampleSize: 30,
      idempotencyKey: 'tr-1',
    });
    expect(retry.userErrors).toEqual([]);
    expect(retry.transferAction!.id).toBe(gid('TransferAction', first.id));
    expect(await env.counts()).toEqual(before);
  });

  it('counts fish already booked out on the day and rejects a transfer beyond them (INSUFFICIENT_POPULATION), writing nothing', async () => {
    const before = await env.counts();
    // 1,000 at the end of D − 1, 405 already leave on D: 595 remain.
    const result = await transfer({
      sourceAssignmentId: assignmentGid(batch.assignments[0]!),
      destContainerId: tankGid(2),
      executionDate: addDays(start, 10),
      transferredCount: 596,
    });
    expect(result.transferAction).toBeNull();
    expect(result.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_POPULATION',
        field: ['input', 'transferredCount'],
        message: expect.stringMatching(/holds 1000 fish .* 405 of them already leave .* 595 can leave, not 596/),
      },
    ]);
    expect(await env.counts()).toEqual(before);
  });

  it('validates against a fresh series: a mortality event recorded just before makes a transfer too big', async () => {
    const other = await env.batch('TR-002', start, [env.ids.tanks[3]!], 1_000, 50);
    const mortality = await env.mutate<{ mortalityEventCreate: { userErrors: UserErrorShape[] } }>(
      `mutation($input: MortalityEventCreateInput!) { mortalityEventCreate(input: $input) { ${USER_ERRORS} } }`,
      { input: { assignmentId: assignmentGid(other.assignments[0]!), eventDate: addDays(start, 5), count: 300, cause: 'DISEASE' } },
    );
    expect(mortality.data!.mortalityEventCreate.userErrors).toEqual([]);
    const before = await env.counts();
    const tooBig = await transfer({
      sourceAssignmentId: assignmentGid(other.assignments[0]!),
      destContainerId: tankGid(4),
      executionDate: addDays(start, 12),
      transferredCount: 701,
    });
    expect(tooBig.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_POPULATION', message: expect.stringContaining('holds 700 fish') });
    expect(await env.counts()).toEqual(before);
    const fits = await transfer({
      sourceAssignmentId: assignmentGid(other.assignments[0]!),
      destContainerId: tankGid(4),
      executionDate: addDays(start, 12),
      transferredCount: 700,
      emptiesSource: true,
    });
    expect(fits.userErrors).toEqual([]);
    expect(fits.transferAction!.sourcePopulationBefore).toBe(700);
    expect(fits.sourceAssignment).toMatchObject({ departureDate: addDays(start, 12), closeReason: 'TRANSFERRED' });
  });

  it('empties a source, then transfers back into its container later (a back-transfer) and into an existing assignment', async () => {
    const b = await env.batch('TR-003', start, [env.ids.tanks[5]!], 1_000, 50);
    const a = b.assignments[0]!;
    const split = await transfer({ sourceAssignmentId: assignmentGid(a), destContainerId: tankGid(6), executionDate: addDays(start, 5), transferredCount: 300 });
    expect(split.userErrors).toEqual([]);
    const last = await transfer({
      sourceAssignmentId: assignmentGid(a),
      destContainerId: tankGid(7),
      executionDate: addDays(start, 5),
      transferredCount: 700,
      emptiesSource: true,
      lifecycleStageId: gid('LifecycleStage', env.ids.stages.SMOLT!),
    });
    expect(last.userErrors).toEqual([]);
    expect(last.destAssignment!.lifecycleStage.code).toBe('SMOLT');
    expect(await env.assignment(a)).toMatchObject({ departure_date: addDays(start, 5), close_reason: 'TRANSFERRED' });
    // Back into T06, free again since the source departed.
    const back = await transfer({
      sourceAssignmentId: split.destAssignment!.id,
      destContainerId: tankGid(5),
      executionDate: addDays(start, 15),
      transferredCount: 100,
    });
    expect(back.userErrors).toEqual([]);
    expect(back.destAssignment).toMatchObject({ assignmentDate: addDays(start, 15), container: { name: 'T06' } });
    // Into an existing assignment of the batch.
    const merge = await transfer({
      sourceAssignmentId: split.destAssignment!.id,
      destAssignmentId: last.destAssignment!.id,
      executionDate: addDays(start, 20),
      transferredCount: 150,
    });
    expect(merge.userErrors).toEqual([]);
    expect(merge.destAssignment!.id).toBe(last.destAssignment!.id);
    // 300 − 100 − 150 = 50 left in the split destination.
    const tooMany = await transfer({
      sourceAssignmentId: split.destAssignment!.id,
      destAssignmentId: last.destAssignment!.id,
      executionDate: addDays(start, 21),
      transferredCount: 51,
    });
    expect(tooMany.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_POPULATION', message: expect.stringContaining('holds 50 fish') });
  });

  it('records a PLANNED transfer without a count check, reserving the destination from the planned day', async () => {
    const b = await env.batch('TR-004', start, [env.ids.tanks[8]!], 1_000, 50);
    const planned = await transfer({
      sourceAssignmentId: assignmentGid(b.assignments[0]!),
      destContainerId: tankGid(9),
      status: 'PLANNED',
      plannedDate: addDays(today, 30),
      transferredCount: 5_000,
    });
    expect(planned.userErrors).toEqual([]);
    expect(planned.transferAction).toMatchObject({ status: 'PLANNED', executionDate: null, sourcePopulationBefore: null });
    expect(planned.destAssignment).toMatchObject({ assignmentDate: addDays(today, 30), openingPopulation: 0 });
  });

  it('answers bad inputs with user errors on the offending field and writes nothing', async () => {
    const b = await env.batch('TR-005', start, [env.ids.tanks[10]!], 1_000, 50);
    const occupied = await env.batch('TR-006', start, [env.ids.tanks[11]!], 1_000, 50);
    const source = assignmentGid(b.assignments[0]!);
    const base = { sourceAssignmentId: source, destContainerId: gid('Container', env.ids.rings[0]!), executionDate: addDays(start, 10), transferredCount: 100 };
    const before = await env.counts();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ ...base, sourceAssignmentId: assignmentGid(999_999) }, { code: 'NOT_FOUND', field: ['input', 'sourceAssignmentId'] }],
      [{ ...base, sourceAssignmentId: 'not-an-id' }, { code: 'NOT_FOUND', field: ['input', 'sourceAssignmentId'] }],
      [{ ...base, transferredCount: -1 }, { code: 'VALIDATION', field: ['input', 'transferredCount'] }],
      [{ ...base, mortalityDuringTransfer: -3 }, { code: 'VALIDATION', field: ['input', 'mortalityDuringTransfer'] }],
      [{ ...base, measuredAvgWeightG: 0 }, { code: 'VALIDATION', field: ['input', 'measuredAvgWeightG'] }],
      [{ ...base, executionDate: start }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
      [{ ...base, executionDate: addDays(start, -3) }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
      [{ ...base, executionDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
      [{ ...base, executionDate: null }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
      [{ ...base, destAssignmentId: assignmentGid(occupied.assignments[0]!) }, { code: 'VALIDATION', field: ['input', 'destAssignmentId'] }],
      [{ ...base, destContainerId: null }, { code: 'VALIDATION', field: ['input', 'destAssignmentId'] }],
      [{ ...base, destContainerId: null, destAssignmentId: assignmentGid(occupied.assignments[0]!) }, { code: 'VALIDATION', field: ['input', 'destAssignmentId'] }],
      [{ ...base, destContainerId: null, destAssignmentId: source }, { code: 'VALIDATION', field: ['input', 'destAssignmentId'] }],
      [{ ...base, destContainerId: tankGid(11) }, { code: 'CONFLICT', field: ['input', 'destContainerId'] }],
      [{ ...base, destContainerId: tankGid(10) }, { code: 'VALIDATION', field: ['input', 'destContainerId'] }],
      [{ ...base, destContainerId: gid('Container', 424_242) }, { code: 'NOT_FOUND', field: ['input', 'destContainerId'] }],
      [{ ...base, transferredCount: 1_001 }, { code: 'INSUFFICIENT_POPULATION', field: ['input', 'transferredCount'] }],
      [{ ...base, destContainerId: tankGid(2), transferredCount: 900, measuredAvgWeightG: 6_000 }, { code: 'CAPACITY_EXCEEDED', field: ['input', 'transferredCount'] }],
      [{ ...base, status: 'CANCELLED' }, { code: 'VALIDATION', field: ['input', 'status'] }],
      [{ ...base, status: 'PLANNED', executionDate: null }, { code: 'VALIDATION', field: ['input', 'plannedDate'] }],
      [{ ...base, emptiesSource: true, executionDate: addDays(start, 3) }, { code: 'VALIDATION', field: ['input', 'emptiesSource'] }],
    ];
    // A sample dated after day 3 keeps the source from being emptied on day 3.
    await env.sql.query(`insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by) values ($1, $2, 10, 55, 'test')`, [
      b.assignments[0],
      addDays(start, 6),
    ]);
    const withSample = await env.counts();
    for (const [input, expected] of cases) {
      const result = await transfer(input);
      expect(result.transferAction, JSON.stringify(input)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(withSample);
    expect(withSample.transfer_action).toBe(before.transfer_action);
  });
});
