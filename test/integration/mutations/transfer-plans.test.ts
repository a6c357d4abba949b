import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { call, expectUnchanged as unchanged, idOf, runRecompute as recompute, settle as settleBatches } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const tankGid = (i: number) => gid('Container', env.ids.tanks[i]!);
const runRecompute = (batchId: number) => recompute(env, batchId);
const settle = (...batchIds: number[]) => settleBatches(env, ...batchIds);
const expectUnchanged = (id: string, run: () => Promise<void>) => unchanged(env, 'transfer_action', idOf(id), run);

const TRANSFER_FIELDS = 'id version status plannedDate executionDate transferredCount mortalityDuringTransfer sourcePopulationBefore measuredAvgWeightG notes';
const CREATE = `mutation($input: TransferCreateInput!) {
  transferCreate(input: $input) { transferAction { ${TRANSFER_FIELDS} } destAssignment { id assignmentDate } ${USER_ERRORS} }
}`;
const EDIT_PAYLOAD = `transferAction { ${TRANSFER_FIELDS} }
    sourceAssignment { id departureDate closeReason }
    destAssignment { id assignmentDate openingPopulation openingAvgWeightG container { name } }
    recomputeJob { status fromDate }
    ${USER_ERRORS}`;
const COMPLETE = `mutation($input: TransferCompleteInput!) { transferComplete(input: $input) { ${EDIT_PAYLOAD} } }`;
const UPDATE = `mutation($input: TransferUpdateInput!) { transferUpdate(input: $input) { ${EDIT_PAYLOAD} } }`;
const CANCEL = `mutation($input: TransferCancelInput!) { transferCancel(input: $input) { transferAction { ${TRANSFER_FIELDS} } destAssignment { id } ${USER_ERRORS} } }`;

interface TransferShape {
  id: string;
  version: number;
  status: string;
  plannedDate: string | null;
  executionDate: string | null;
  transferredCount: number;
  mortalityDuringTransfer: number;
  sourcePopulationBefore: number | null;
  measuredAvgWeightG: number | null;
  notes: string | null;
}
interface EditPayload {
  transferAction: TransferShape | null;
  sourceAssignment: { id: string; departureDate: string | null; closeReason: string | null } | null;
  destAssignment: { id: string; assignmentDate: string; openingPopulation: number; openingAvgWeightG: number | null; container: { name: string } } | null;
  recomputeJob: { status: string; fromDate: string } | null;
  userErrors: UserErrorShape[];
}

const complete = (input: Record<string, unknown>) => call<EditPayload>(env, COMPLETE, 'transferComplete', input);
const update = (input: Record<string, unknown>) => call<EditPayload>(env, UPDATE, 'transferUpdate', input);
const cancel = (input: Record<string, unknown>) =>
  call<{ transferAction: TransferShape | null; destAssignment: { id: string } | null; userErrors: UserErrorShape[] }>(env, CANCEL, 'transferCancel', input);

/** A PLANNED transfer made through transferCreate. */
async function plan(input: Record<string, unknown>): Promise<{ transfer: TransferShape; destId: string; destStart: string }> {
  const res = await call<{ transferAction: TransferShape | null; destAssignment: { id: string; assignmentDate: string } | null; userErrors: UserErrorShape[] }>(
    env,
    CREATE,
    'transferCreate',
    { status: 'PLANNED', ...input },
  );
  expect(res.userErrors).toEqual([]);
  return { transfer: res.transferAction!, destId: res.destAssignment!.id, destStart: res.destAssignment!.assignmentDate };
}

async function populations(batchId: number, date: string): Promise<Array<{ assignment_id: number; population: number }>> {
  return env.rows(`select assignment_id, population from daily_assignment_state where batch_id = $1 and date = $2 order by assignment_id`, [batchId, date]);
}

describe('transferComplete', () => {
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('TP-001', start, [env.ids.tanks[0]!], 1_000, 50);
  });

  it('completes a plan with the create checks: its booked destination starts on the execution day and the series shows the move', async () => {
    const { transfer, destId, destStart } = await plan({
      sourceAssignmentId: aGid(batch.assignments[0]!),
      destContainerId: tankGid(1),
      plannedDate: addDays(today, 5),
      transferredCount: 400,
      notes: 'stage split',
    });
    expect(destStart).toBe(addDays(today, 5));
    const day = addDays(start, 10);
    const result = await complete({ id: transfer.id, version: transfer.version, executionDate: day, transferredCount: 380, mortalityDuringTransfer: 5, measuredAvgWeightG: 60 });
    expect(result.userErrors).toEqual([]);
    expect(result.transferAction).toMatchObject({
      status: 'COMPLETED',
      version: transfer.version + 1,
      plannedDate: addDays(today, 5),
      executionDate: day,
      transferredCount: 380,
      mortalityDuringTransfer: 5,
      sourcePopulationBefore: 1_000,
      measuredAvgWeightG: 60,
      notes: 'stage split',
    });
    expect(result.destAssignment).toMatchObject({ id: destId, assignmentDate: day, openingPopulation: 380, openingAvgWeightG: 60, container: { name: 'T02' } });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(day, -1) });
    expect((await env.assignment(idOf(destId))).dirty_from).toBe(day);
    expect(await env.wakeUp(batch.id)).toEqual({ task_identifier: 'recompute' });

    await runRecompute(batch.id);
    // Destination population = transferred count; 1,000 = 615 + 380 + 5 died in transfer.
    expect(await populations(batch.id, day)).toEqual([
      { assignment_id: batch.assignments[0], population: 615 },
      { assignment_id: idOf(destId), population: 380 },
    ]);
    expect(await populations(batch.id, today)).toEqual([
      { assignment_id: batch.assignments[0], population: 615 },
      { assignment_id: idOf(destId), population: 380 },
    ]);
    expect(await populations(batch.id, addDays(day, -1))).toEqual([{ assignment_id: batch.assignments[0], population: 1_000 }]);
  });

  it('answers a stale version with STALE_VERSION and a plan that is not PLANNED with CONFLICT, writing nothing', async () => {
    const { transfer } = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(2), plannedDate: addDays(today, 9), transferredCount: 10 });
    const edited = await update({ id: transfer.id, version: transfer.version, notes: 'moved by a colleague' });
    expect(edited.userErrors).toEqual([]);
    expect(edited.recomputeJob).toBeNull();
    expect(edited.transferAction).toMatchObject({ version: transfer.version + 1, notes: 'moved by a colleague', status: 'PLANNED' });
    await expectUnchanged(transfer.id, async () => {
      const stale = await complete({ id: transfer.id, version: transfer.version, executionDate: addDays(start, 12) });
      expect(stale.transferAction).toBeNull();
      expect(stale.userErrors).toEqual([{ code: 'STALE_VERSION', field: ['input', 'version'], message: expect.stringContaining('version 2, not 1') }]);
      const staleCancel = await cancel({ id: transfer.id, version: transfer.version });
      expect(staleCancel.userErrors[0]).toMatchObject({ code: 'STALE_VERSION' });
    });

    await settle(batch.id);
    const cancelled = await cancel({ id: transfer.id, version: transfer.version + 1 });
    expect(cancelled.userErrors).toEqual([]);
    expect(cancelled.transferAction).toMatchObject({ status: 'CANCELLED', version: transfer.version + 2 });
    // The booked destination stays (the cancelled transfer keeps naming it); no recompute for a plan.
    expect(cancelled.destAssignment).not.toBeNull();
    expect(await env.queuedJob(batch.id)).toBeUndefined();
    const version = transfer.version + 2;
    await expectUnchanged(transfer.id, async () => {
      expect((await complete({ id: transfer.id, version, executionDate: addDays(start, 12) })).userErrors).toEqual([
        { code: 'CONFLICT', field: ['input', 'id'], message: expect.stringContaining('CANCELLED') },
      ]);
      expect((await cancel({ id: transfer.id, version })).userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'id'] });
      expect((await update({ id: transfer.id, version, notes: 'x' })).userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'id'] });
    });

    const completed = await env.one<{ id: number; version: number }>(`select id, version from transfer_action where status = 'COMPLETED' order by id limit 1`);
    await expectUnchanged(gid('TransferAction', completed.id), async () => {
      const again = await complete({ id: gid('TransferAction', completed.id), version: completed.version, executionDate: addDays(start, 12) });
      expect(again.userErrors).toEqual([{ code: 'CONFLICT', field: ['input', 'id'], message: expect.stringContaining('COMPLETED') }]);
      expect((await cancel({ id: gid('TransferAction', completed.id), version: completed.version })).userErrors[0]).toMatchObject({ code: 'CONFLICT' });
    });
  });

  it('checks the count against the fresh series (INSUFFICIENT_POPULATION) and an earlier booking against the container (CONFLICT)', async () => {
    await settle(batch.id);
    const { transfer } = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(3), plannedDate: addDays(today, 2), transferredCount: 2_000 });
    await expectUnchanged(transfer.id, async () => {
      const tooMany = await complete({ id: transfer.id, version: transfer.version, executionDate: addDays(start, 20) });
      expect(tooMany.userErrors).toEqual([
        { code: 'INSUFFICIENT_POPULATION', field: ['input', 'transferredCount'], message: expect.stringMatching(/holds 615 fish .*615 can leave, not 2000/) },
      ]);
      expect((await complete({ id: transfer.id, version: transfer.version, executionDate: addDays(start, 20), transferredCount: 616 })).userErrors[0]).toMatchObject({
        code: 'INSUFFICIENT_POPULATION',
      });
    });

    // T05 held batch TP-OLD until start + 10: the plan's booking from the future cannot reach back before that.
    const old = await env.batch('TP-OLD', start, [env.ids.tanks[4]!], 100, 50);
    await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [old.assignments[0], addDays(start, 10)]);
    const second = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(4), plannedDate: addDays(today, 3), transferredCount: 10 });
    await expectUnchanged(second.transfer.id, async () => {
      const early = await complete({ id: second.transfer.id, version: second.transfer.version, executionDate: addDays(start, 5) });
      expect(early.userErrors).toEqual([{ code: 'CONFLICT', field: ['input', 'executionDate'], message: expect.stringContaining('occupied by batch TP-OLD') }]);
    });
    const later = await complete({ id: second.transfer.id, version: second.transfer.version, executionDate: addDays(start, 11) });
    expect(later.userErrors).toEqual([]);
    expect(later.destAssignment).toMatchObject({ assignmentDate: addDays(start, 11), openingPopulation: 10 });
  });

  it('answers bad ids and inputs with user errors and writes nothing', async () => {
    const { transfer } = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(5), plannedDate: addDays(today, 4), transferredCount: 10 });
    const base = { id: transfer.id, version: transfer.version, executionDate: addDays(start, 12) };
    await expectUnchanged(transfer.id, async () => {
      const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
        [{ ...base, id: gid('TransferAction', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
        [{ ...base, id: aGid(batch.assignments[0]!) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
        [{ ...base, id: 'garbage' }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
        [{ ...base, version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
        [{ ...base, executionDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
        [{ ...base, executionDate: start }, { code: 'VALIDATION', field: ['input', 'executionDate'] }],
        [{ ...base, transferredCount: 0 }, { code: 'VALIDATION', field: ['input', 'transferredCount'] }],
        [{ ...base, mortalityDuringTransfer: -1 }, { code: 'VALIDATION', field: ['input', 'mortalityDuringTransfer'] }],
        [{ ...base, measuredAvgWeightG: -2 }, { code: 'VALIDATION', field: ['input', 'measuredAvgWeightG'] }],
        [{ ...base, transferredCount: 90, measuredAvgWeightG: 60_000 }, { code: 'CAPACITY_EXCEEDED', field: ['input', 'transferredCount'] }],
      ];
      for (const [input, expected] of cases) {
        const result = await complete(input);
        expect(result.transferAction, JSON.stringify(input)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
      }
      expect((await cancel({ id: gid('Container', 1), version: 1 })).userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
      expect((await update({ id: gid('TransferAction', 999_999), version: 1, notes: 'x' })).userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
      expect((await update({ id: transfer.id, version: transfer.version, transferredCount: null })).userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'transferredCount'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const { transfer } = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(6), plannedDate: addDays(today, 4), transferredCount: 10 });
    await expectUnchanged(transfer.id, async () => {
      for (const [mutation, input] of [
        [COMPLETE, { id: transfer.id, version: transfer.version, executionDate: addDays(start, 12) }],
        [UPDATE, { id: transfer.id, version: transfer.version, notes: 'x' }],
        [CANCEL, { id: transfer.id, version: transfer.version }],
      ] as const) {
        const res = await env.mutate(mutation, { input }, SECRETS.alice);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('transferUpdate', () => {
  let batch: { id: number; assignments: number[] };

  beforeAll(async () => {
    batch = await env.batch('TU-001', start, [env.ids.tanks[7]!], 1_000, 50);
  });

  it('corrects a completed transfer: counts and day re-mark source and destination and the series follows', async () => {
    const day = addDays(start, 10);
    const created = await call<{ transferAction: TransferShape; destAssignment: { id: string }; userErrors: UserErrorShape[] }>(env, CREATE, 'transferCreate', {
      sourceAssignmentId: aGid(batch.assignments[0]!),
      destContainerId: tankGid(8),
      executionDate: day,
      transferredCount: 400,
    });
    expect(created.userErrors).toEqual([]);
    const dest = idOf(created.destAssignment.id);
    await settle(batch.id);

    const fewer = await update({ id: created.transferAction.id, version: created.transferAction.version, transferredCount: 300, mortalityDuringTransfer: 2 });
    expect(fewer.userErrors).toEqual([]);
    expect(fewer.transferAction).toMatchObject({ transferredCount: 300, mortalityDuringTransfer: 2, version: created.transferAction.version + 1, sourcePopulationBefore: 1_000 });
    expect(fewer.destAssignment).toMatchObject({ openingPopulation: 300 });
    expect(fewer.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(day, -1) });
    await runRecompute(batch.id);
    expect(await populations(batch.id, day)).toEqual([
      { assignment_id: batch.assignments[0], population: 698 },
      { assignment_id: dest, population: 300 },
    ]);

    // The day of a transfer that opened its destination would move that booking: refused.
    await expectUnchanged(created.transferAction.id, async () => {
      const moved = await update({ id: created.transferAction.id, version: fewer.transferAction!.version, executionDate: addDays(day, 2) });
      expect(moved.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'executionDate'], message: expect.stringContaining('container booking') });
      const emptying = await update({ id: created.transferAction.id, version: fewer.transferAction!.version, emptiesSource: true });
      expect(emptying.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'emptiesSource'] });
      const tooMany = await update({ id: created.transferAction.id, version: fewer.transferAction!.version, transferredCount: 999 });
      expect(tooMany.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_POPULATION', field: ['input', 'transferredCount'], message: expect.stringContaining('holds 1000 fish') });
    });

    // A top-up transfer into the existing destination can move: from the earlier of the old and new days.
    const topUp = await call<{ transferAction: TransferShape; userErrors: UserErrorShape[] }>(env, CREATE, 'transferCreate', {
      sourceAssignmentId: aGid(batch.assignments[0]!),
      destAssignmentId: aGid(dest),
      executionDate: addDays(start, 15),
      transferredCount: 100,
    });
    expect(topUp.userErrors).toEqual([]);
    await runRecompute(batch.id);
    await settle(batch.id);
    const earlier = await update({ id: topUp.transferAction.id, version: topUp.transferAction.version, executionDate: addDays(start, 12) });
    expect(earlier.userErrors).toEqual([]);
    expect(earlier.recomputeJob).toMatchObject({ fromDate: addDays(start, 11) });
    expect(earlier.transferAction).toMatchObject({ executionDate: addDays(start, 12), sourcePopulationBefore: 698 });
    await runRecompute(batch.id);
    expect(await populations(batch.id, addDays(start, 12))).toEqual([
      { assignment_id: batch.assignments[0], population: 598 },
      { assignment_id: dest, population: 400 },
    ]);
    const total = await env.one<{ n: number }>(`select sum(population)::int as n from daily_assignment_state where batch_id = $1 and date = $2`, [batch.id, today]);
    expect(total.n).toBe(998);
  });

  it('changes a plan without a recompute and refuses moving it before its booked destination', async () => {
    const { transfer, destStart } = await plan({ sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(9), plannedDate: addDays(today, 10), transferredCount: 50 });
    await settle(batch.id);
    const edited = await update({ id: transfer.id, version: transfer.version, plannedDate: addDays(today, 12), transferredCount: 60 });
    expect(edited.userErrors).toEqual([]);
    expect(edited.transferAction).toMatchObject({ plannedDate: addDays(today, 12), transferredCount: 60, status: 'PLANNED' });
    expect(edited.recomputeJob).toBeNull();
    expect(await env.queuedJob(batch.id)).toBeUndefined();
    await expectUnchanged(transfer.id, async () => {
      const before = await update({ id: transfer.id, version: edited.transferAction!.version, plannedDate: addDays(destStart, -1) });
      expect(before.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'plannedDate'] });
      const executed = await update({ id: transfer.id, version: edited.transferAction!.version, executionDate: addDays(start, 3) });
      expect(executed.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'executionDate'] });
    });
  });
});
