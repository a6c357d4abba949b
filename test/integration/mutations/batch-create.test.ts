import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, gid, MutationEnv, SECRETS, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const BATCH_CREATE = `mutation($input: BatchCreateInput!) {
  batchCreate(input: $input) {
    batch { id batchNumber status startDate creation { creationNumber eggSource plannedEggCount } }
    assignments { id assignmentDate openingPopulation openingAvgWeightG container { name } lifecycleStage { code } }
    recomputeJob { id status reason fromDate }
    ${USER_ERRORS}
  }
}`;

interface BatchCreateResult {
  batchCreate: {
    batch: { id: string; batchNumber: string; status: string; startDate: string; creation: { creationNumber: string; eggSource: string; plannedEggCount: number } } | null;
    assignments: Array<{ id: string; assignmentDate: string; openingPopulation: number; openingAvgWeightG: number; container: { name: string }; lifecycleStage: { code: string } }>;
    recomputeJob: { id: string; status: string; reason: string; fromDate: string } | null;
    userErrors: UserErrorShape[];
  };
}

const start = daysAgo(20);

function input(overrides: Record<string, unknown> = {}, tanks = [0, 1]) {
  return {
    batchNumber: 'FO-2026-001',
    speciesId: gid('Species', env.ids.species),
    startDate: start,
    creation: { eggSource: 'EXTERNAL', supplier: 'AquaGen' },
    placements: tanks.map((t) => ({ containerId: gid('Container', env.ids.tanks[t]!), count: 200_000, avgWeightG: 0.1 })),
    ...overrides,
  };
}

async function create(variables: Record<string, unknown>, secret?: string) {
  const res = await env.mutate<BatchCreateResult>(BATCH_CREATE, { input: variables }, secret);
  expect(res.errors).toBeUndefined();
  return res.data!.batchCreate;
}

describe('batchCreate', () => {
  it('creates batch, creation, one assignment and placement per container, marks them dirty and queues the first recompute', async () => {
    const result = await create(input({ idempotencyKey: 'create-1' }));
    expect(result.userErrors).toEqual([]);
    expect(result.batch).toMatchObject({
      batchNumber: 'FO-2026-001',
      status: 'ACTIVE',
      startDate: start,
      creation: { creationNumber: 'CRT-FO-2026-001', eggSource: 'EXTERNAL', plannedEggCount: 400_000 },
    });
    expect(result.assignments.map((a) => [a.container.name, a.assignmentDate, a.openingPopulation, a.lifecycleStage.code])).toEqual([
      ['T01', start, 200_000, 'EGG_ALEVIN'],
      ['T02', start, 200_000, 'EGG_ALEVIN'],
    ]);
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', reason: 'INPUT_CHANGED', fromDate: start });

    const batchId = Number(Buffer.from(result.batch!.id, 'base64url').toString().split(':')[1]);
    const assignments = await env.rows<{ dirty_from: string; container_id: number }>(
      'select dirty_from, container_id from batch_container_assignment where batch_id = $1 order by id',
      [batchId],
    );
    expect(assignments.map((a) => a.dirty_from)).toEqual([start, start]);
    const placements = await env.rows<{ count: number; placement_date: string; creation_id: number | null }>(
      'select count, placement_date, creation_id from batch_placement where batch_id = $1',
      [batchId],
    );
    expect(placements).toHaveLength(2);
    expect(placements.every((p) => p.placement_date === start && p.count === 200_000 && p.creation_id !== null)).toBe(true);
    expect(await env.wakeUp(batchId)).toEqual({ task_identifier: 'recompute' });
  });

  it('replays an idempotent retry: the same batch and job, and no new rows', async () => {
    const before = await env.counts();
    const first = await env.one<{ id: number }>(`select id from batch where batch_number = 'FO-2026-001'`);
    const retry = await create(input({ idempotencyKey: 'create-1' }));
    expect(retry.userErrors).toEqual([]);
    expect(retry.batch!.id).toBe(gid('Batch', first.id));
    expect(retry.assignments).toHaveLength(2);
    expect(retry.recomputeJob?.status).toBe('QUEUED');
    expect(await env.counts()).toEqual(before);
  });

  it('rejects a key reused with another input or by another mutation, and writes nothing', async () => {
    const before = await env.counts();
    const other = await create(input({ idempotencyKey: 'create-1', batchNumber: 'FO-2026-999' }, [5]));
    expect(other.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'idempotencyKey'] })]);
    expect(other.userErrors[0]!.message).toMatch(/different input/);
    const assignment = await env.one<{ id: number }>(`select id from batch_container_assignment order by id limit 1`);
    const res = await env.mutate<{ mortalityEventCreate: { userErrors: UserErrorShape[] } }>(
      `mutation($input: MortalityEventCreateInput!) { mortalityEventCreate(input: $input) { ${USER_ERRORS} } }`,
      { input: { assignmentId: gid('BatchContainerAssignment', assignment.id), eventDate: daysAgo(5), count: 3, idempotencyKey: 'create-1' } },
    );
    expect(res.data!.mortalityEventCreate.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'idempotencyKey'] });
    expect(res.data!.mortalityEventCreate.userErrors[0]!.message).toMatch(/already used for batchCreate/);
    const long = await create(input({ idempotencyKey: 'k'.repeat(101), batchNumber: 'FO-2026-998' }, [5]));
    expect(long.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'idempotencyKey'] });
    expect(await env.counts()).toEqual(before);
  });

  it('lets concurrent retries with one key write once', async () => {
    const variables = input({ idempotencyKey: 'parallel', batchNumber: 'FO-2026-002' }, [2]);
    const results = await Promise.all(Array.from({ length: 6 }, () => create(variables)));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(new Set(results.map((r) => r.batch!.id)).size).toBe(1);
    expect((await env.rows(`select id from batch where batch_number = 'FO-2026-002'`)).length).toBe(1);
    expect((await env.rows(`select a.id from batch_container_assignment a join batch b on b.id = a.batch_id where b.batch_number = 'FO-2026-002'`)).length).toBe(1);
  });

  it('answers bad inputs with user errors on the offending field and writes nothing', async () => {
    const before = await env.counts();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [input({ batchNumber: 'FO-2026-001' }, [6]), { code: 'CONFLICT', field: ['input', 'batchNumber'] }],
      [input({ batchNumber: 'X-1' }, [0]), { code: 'CONFLICT', field: ['input', 'placements', '0', 'containerId'] }],
      [
        input({ batchNumber: 'X-2', placements: [{ containerId: gid('Container', env.ids.tanks[6]!), count: 100_000, avgWeightG: 60 }] }),
        { code: 'CAPACITY_EXCEEDED', field: ['input', 'placements', '0'] },
      ],
      [
        input({ batchNumber: 'X-3', placements: [{ containerId: gid('Container', env.ids.tanks[6]!), count: -5, avgWeightG: 0.1 }] }),
        { code: 'VALIDATION', field: ['input', 'placements', '0', 'count'] },
      ],
      [
        input({ batchNumber: 'X-4', placements: [{ containerId: gid('Container', 999_999), count: 5, avgWeightG: 0.1 }] }),
        { code: 'NOT_FOUND', field: ['input', 'placements', '0', 'containerId'] },
      ],
      [
        input({ batchNumber: 'X-5', placements: [{ containerId: gid('Batch', 1), count: 5, avgWeightG: 0.1 }] }),
        { code: 'NOT_FOUND', field: ['input', 'placements', '0', 'containerId'] },
      ],
      [input({ batchNumber: 'X-6' }, [6, 6]), { code: 'VALIDATION', field: ['input', 'placements', '1', 'containerId'] }],
      [input({ batchNumber: 'X-7', placements: [] }), { code: 'VALIDATION', field: ['input', 'placements'] }],
      [input({ batchNumber: 'X-8', speciesId: gid('Species', 999) }, [6]), { code: 'NOT_FOUND', field: ['input', 'speciesId'] }],
      [input({ batchNumber: 'X-9', expectedEndDate: daysAgo(30) }, [6]), { code: 'VALIDATION', field: ['input', 'expectedEndDate'] }],
      [input({ batchNumber: '' }, [6]), { code: 'VALIDATION', field: ['input', 'batchNumber'] }],
    ];
    for (const [variables, expected] of cases) {
      const result = await create(variables);
      expect(result.batch, JSON.stringify(expected)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(variables)).toMatchObject(expected);
    }
    await env.sql.query('update container set active = false where id = $1', [env.ids.tanks[7]]);
    const inactive = await create(input({ batchNumber: 'X-10' }, [7]));
    expect(inactive.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'placements', '0', 'containerId'] });
    await env.sql.query('update container set active = true where id = $1', [env.ids.tanks[7]]);
    expect(await env.counts()).toEqual(before);
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error', async () => {
    const res = await env.mutate<BatchCreateResult>(BATCH_CREATE, { input: input({ batchNumber: 'V-1' }, [8]) }, SECRETS.alice);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await env.rows(`select id from batch where batch_number = 'V-1'`)).toEqual([]);
  });
});
