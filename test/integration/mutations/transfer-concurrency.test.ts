import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { daysAgo, gid, MutationEnv, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const TRANSFER = `mutation($input: TransferCreateInput!) {
  transferCreate(input: $input) { transferAction { id } destAssignment { id } ${USER_ERRORS} }
}`;

interface Result {
  transferCreate: { transferAction: { id: string } | null; destAssignment: { id: string } | null; userErrors: UserErrorShape[] };
}

describe('concurrent transferCreate into one free container', () => {
  const start = daysAgo(40);

  it('lets exactly one of 8 batches in: the others get CONFLICT and no interval overlaps', async () => {
    const sources = [];
    for (let i = 0; i < 8; i++) sources.push(await env.batch(`CC-${i}`, start, [env.ids.tanks[i]!], 1_000, 50));
    const target = env.ids.rings[0]!;
    const results = await Promise.all(
      sources.map((batch, i) =>
        env.mutate<Result>(TRANSFER, {
          input: {
            sourceAssignmentId: gid('BatchContainerAssignment', batch.assignments[0]!),
            destContainerId: gid('Container', target),
            // Different days too: whoever wins first occupies the ring from its day on, open-ended.
            executionDate: addDays(start, 10 + (i % 3)),
            transferredCount: 500,
          },
        }),
      ),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const payloads = results.map((r) => r.data!.transferCreate);
    const winners = payloads.filter((p) => p.userErrors.length === 0);
    const losers = payloads.filter((p) => p.userErrors.length > 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.transferAction).toBeNull();
      expect(loser.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'destContainerId'] });
      expect(loser.userErrors[0]!.message).toMatch(/is occupied by batch CC-\d/);
    }
    expect(await env.overlaps(target)).toBe(0);
    expect((await env.rows('select id from batch_container_assignment where container_id = $1', [target])).length).toBe(1);
    expect((await env.rows('select id from transfer_action')).length).toBe(1);
    // Only the winner's batch got a recompute job.
    expect((await env.rows(`select batch_id from recompute_job where status = 'QUEUED'`)).length).toBe(1);
  });

  it('serialises transfers of one batch into one container on the batch lock: one wins, the rest are told to use destAssignmentId', async () => {
    const batch = await env.batch('CC-SAME', start, [env.ids.tanks[9]!], 10_000, 50);
    const target = env.ids.rings[1]!;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        env.mutate<Result>(TRANSFER, {
          input: {
            sourceAssignmentId: gid('BatchContainerAssignment', batch.assignments[0]!),
            destContainerId: gid('Container', target),
            executionDate: addDays(start, 12),
            transferredCount: 1_000,
          },
        }),
      ),
    );
    const payloads = results.map((r) => r.data!.transferCreate);
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(1);
    const losers = payloads.filter((p) => p.userErrors.length > 0);
    expect(losers).toHaveLength(4);
    expect(losers.every((p) => p.userErrors[0]!.code === 'CONFLICT' && /use destAssignmentId|destAssignmentId/.test(p.userErrors[0]!.message))).toBe(true);
    expect(await env.overlaps(target)).toBe(0);
  });
});
