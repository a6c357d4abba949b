import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { idOf, runRecompute } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const CREATE = `mutation($input: TransferCreateInput!) {
  transferCreate(input: $input) { transferAction { id version } destAssignment { id } ${USER_ERRORS} }
}`;
const COMPLETE = `mutation($input: TransferCompleteInput!) {
  transferComplete(input: $input) { transferAction { id status } destAssignment { id assignmentDate } ${USER_ERRORS} }
}`;
const CANCEL = `mutation($input: TransferCancelInput!) { transferCancel(input: $input) { transferAction { id status } ${USER_ERRORS} } }`;

interface Planned {
  transferCreate: { transferAction: { id: string; version: number } | null; destAssignment: { id: string } | null; userErrors: UserErrorShape[] };
}
interface Completed {
  transferComplete: { transferAction: { id: string; status: string } | null; destAssignment: { id: string; assignmentDate: string } | null; userErrors: UserErrorShape[] };
}

async function plan(input: Record<string, unknown>) {
  const res = await env.mutate<Planned>(CREATE, { input: { status: 'PLANNED', ...input } });
  expect(res.data!.transferCreate.userErrors).toEqual([]);
  return res.data!.transferCreate;
}

describe('concurrent transferComplete', () => {
  const start = daysAgo(40);

  it('of two plans into the same free container, each needing most of the source: exactly one wins and fish are conserved', async () => {
    const batch = await env.batch('PCC-1', start, [env.ids.tanks[0]!], 1_000, 50);
    const target = env.ids.rings[0]!;
    const day = addDays(start, 10);
    // The first plan books the free ring; the second plans into that booking (the ring holds one assignment).
    const first = await plan({
      sourceAssignmentId: gid('BatchContainerAssignment', batch.assignments[0]!),
      destContainerId: gid('Container', target),
      plannedDate: addDays(today, 7),
      transferredCount: 700,
    });
    const second = await plan({
      sourceAssignmentId: gid('BatchContainerAssignment', batch.assignments[0]!),
      destAssignmentId: first.destAssignment!.id,
      plannedDate: addDays(today, 7),
      transferredCount: 700,
    });
    const results = await Promise.all(
      [first, second, first, second].map((p) =>
        env.mutate<Completed>(COMPLETE, { input: { id: p.transferAction!.id, version: p.transferAction!.version, executionDate: day } }),
      ),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const payloads = results.map((r) => r.data!.transferComplete);
    const winners = payloads.filter((p) => p.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.destAssignment).toMatchObject({ id: first.destAssignment!.id, assignmentDate: day });
    for (const loser of payloads.filter((p) => p.userErrors.length > 0)) {
      expect(loser.transferAction).toBeNull();
      // The other plan finds the fish gone; a repeat of the winner finds it COMPLETED (or its version moved on).
      expect(['INSUFFICIENT_POPULATION', 'CONFLICT', 'STALE_VERSION']).toContain(loser.userErrors[0]!.code);
    }
    expect((await env.rows(`select id from transfer_action where status = 'COMPLETED'`)).length).toBe(1);
    expect(await env.overlaps(target)).toBe(0);

    await runRecompute(env, batch.id);
    const rows = await env.rows<{ assignment_id: number; population: number }>(
      `select assignment_id, population from daily_assignment_state where batch_id = $1 and date = $2 order by assignment_id`,
      [batch.id, day],
    );
    expect(rows).toEqual([
      { assignment_id: batch.assignments[0], population: 300 },
      { assignment_id: idOf(first.destAssignment!.id), population: 700 },
    ]);
  });

  it('and transferCancel of one plan race: exactly one of them wins', async () => {
    const batch = await env.batch('PCC-2', start, [env.ids.tanks[1]!], 1_000, 50);
    const planned = await plan({
      sourceAssignmentId: gid('BatchContainerAssignment', batch.assignments[0]!),
      destContainerId: gid('Container', env.ids.rings[1]!),
      plannedDate: addDays(today, 7),
      transferredCount: 100,
    });
    const input = { id: planned.transferAction!.id, version: planned.transferAction!.version };
    const results = await Promise.all([
      env.mutate<Completed>(COMPLETE, { input: { ...input, executionDate: addDays(start, 12) } }),
      env.mutate<{ transferCancel: { userErrors: UserErrorShape[] } }>(CANCEL, { input }),
      env.mutate<Completed>(COMPLETE, { input: { ...input, executionDate: addDays(start, 13) } }),
      env.mutate<{ transferCancel: { userErrors: UserErrorShape[] } }>(CANCEL, { input }),
    ]);
    const errors = results.map((r) => {
      const data = r.data as Record<string, { userErrors: UserErrorShape[] }>;
      return Object.values(data)[0]!.userErrors;
    });
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    for (const e of errors.filter((e) => e.length > 0)) expect(['STALE_VERSION', 'CONFLICT']).toContain(e[0]!.code);
    const status = await env.one<{ status: string; version: number }>('select status, version from transfer_action where id = $1', [idOf(input.id)]);
    expect(['COMPLETED', 'CANCELLED']).toContain(status.status);
    expect(status.version).toBe(input.version + 1);
  });
});
