import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expireIdempotencyKeys } from '../../../src/modules/operations/operation.js';
import { addDays } from '../../../src/shared/dates.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);
let batch: { id: number; assignments: number[] };
/** An assignment that departed on start + 20 (T02). */
let closed: { id: number; assignments: number[] };

beforeAll(async () => {
  env = await MutationEnv.start();
  batch = await env.batch('EV-001', start, [env.ids.tanks[0]!], 1_000, 50);
  closed = await env.batch('EV-002', start, [env.ids.tanks[1]!], 1_000, 50);
  await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [closed.assignments[0], addDays(start, 20)]);
});

afterAll(async () => {
  await env.stop();
});

const aGid = (id: number) => gid('BatchContainerAssignment', id);

describe('growthSampleCreate', () => {
  const MUTATION = `mutation($input: GrowthSampleCreateInput!) {
    growthSampleCreate(input: $input) {
      growthSample { id sampleDate sampleSize avgWeightG stdDevWeightG minWeightG maxWeightG avgLengthCm stdDevLengthCm conditionFactor recordedBy }
      fish { fishNo weightG lengthCm }
      recomputeJob { status fromDate }
      ${USER_ERRORS}
    }
  }`;
  type Result = {
    growthSampleCreate: {
      growthSample: Record<string, unknown> | null;
      fish: Array<{ fishNo: number; weightG: number; lengthCm: number | null }>;
      recomputeJob: { status: string; fromDate: string } | null;
      userErrors: UserErrorShape[];
    };
  };
  const run = async (input: Record<string, unknown>) => {
    const res = await env.mutate<Result>(MUTATION, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.growthSampleCreate;
  };

  it('computes the aggregates and mean condition factor of individual fish server-side and marks the assignment dirty', async () => {
    const fish = [
      { weightG: 100, lengthCm: 20 },
      { weightG: 120, lengthCm: 21 },
      { weightG: 80, lengthCm: 19 },
      { weightG: 110 },
    ];
    const day = addDays(start, 10);
    const result = await run({ assignmentId: aGid(batch.assignments[0]!), sampleDate: day, fish });
    expect(result.userErrors).toEqual([]);
    const weights = fish.map((f) => f.weightG);
    const mean = weights.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(weights.reduce((s, w) => s + (w - mean) ** 2, 0) / 3);
    const lengths = [20, 21, 19];
    const meanK = (100 * (100 / 20 ** 3 + 120 / 21 ** 3 + 80 / 19 ** 3)) / 3;
    expect(result.growthSample).toMatchObject({
      sampleDate: day,
      sampleSize: 4,
      avgWeightG: 102.5,
      stdDevWeightG: Math.round(sd * 100) / 100,
      minWeightG: 80,
      maxWeightG: 120,
      avgLengthCm: 20,
      stdDevLengthCm: Math.round(Math.sqrt(lengths.reduce((s, l) => s + (l - 20) ** 2, 0) / 2) * 100) / 100,
      conditionFactor: Math.round(meanK * 1000) / 1000,
      recordedBy: 'ops',
    });
    expect(result.fish.map((f) => f.fishNo)).toEqual([1, 2, 3, 4]);
    expect(result.fish[3]).toEqual({ fishNo: 4, weightG: 110, lengthCm: null });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(day);
  });

  it('stores given aggregates, with K from the mean weight and length', async () => {
    const result = await run({ assignmentId: aGid(batch.assignments[0]!), sampleDate: addDays(start, 12), sampleSize: 30, avgWeightG: 120, avgLengthCm: 21.5 });
    expect(result.userErrors).toEqual([]);
    expect(result.growthSample).toMatchObject({ sampleSize: 30, avgWeightG: 120, conditionFactor: Math.round((100 * 120) / 21.5 ** 3 * 1000) / 1000 });
    expect(result.fish).toEqual([]);
  });

  it('replays a retry with the same idempotencyKey: the first result, nothing written again', async () => {
    const input = { assignmentId: aGid(batch.assignments[0]!), sampleDate: addDays(start, 13), fish: [{ weightG: 125, lengthCm: 21 }, { weightG: 131 }], idempotencyKey: 'sample-1' };
    const first = await run(input);
    expect(first.userErrors).toEqual([]);
    const before = await env.counts();
    const fishRows = await env.rows<{ n: number }>(`select count(*)::int as n from growth_sample_fish`);
    expect(await run(input)).toEqual(first);
    expect(await env.counts()).toEqual(before);
    expect(await env.rows<{ n: number }>(`select count(*)::int as n from growth_sample_fish`)).toEqual(fishRows);
    // The key belongs to that request: the same key with other values is refused, not applied.
    const changed = await run({ ...input, fish: [{ weightG: 140 }] });
    expect(changed.growthSample).toBeNull();
    expect(changed.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'idempotencyKey'] });
    expect(await env.counts()).toEqual(before);
  });

  it('rejects bad samples and dates outside the assignment interval, writing nothing', async () => {
    const before = await env.counts();
    const id = aGid(batch.assignments[0]!);
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ assignmentId: id, sampleDate: addDays(start, -1), sampleSize: 10, avgWeightG: 50 }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ assignmentId: id, sampleDate: addDays(today, 1), sampleSize: 10, avgWeightG: 50 }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ assignmentId: aGid(closed.assignments[0]!), sampleDate: addDays(start, 20), sampleSize: 10, avgWeightG: 50 }, { code: 'VALIDATION', field: ['input', 'sampleDate'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), sampleSize: 0, avgWeightG: 50 }, { code: 'VALIDATION', field: ['input', 'sampleSize'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), sampleSize: 10 }, { code: 'VALIDATION', field: ['input', 'avgWeightG'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), sampleSize: 10, avgWeightG: 50, minWeightG: 60 }, { code: 'VALIDATION', field: ['input', 'minWeightG'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), fish: [{ weightG: 50 }], avgWeightG: 50 }, { code: 'VALIDATION', field: ['input', 'avgWeightG'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), fish: [{ weightG: 50 }, { weightG: -1 }] }, { code: 'VALIDATION', field: ['input', 'fish', '1', 'weightG'] }],
      [{ assignmentId: id, sampleDate: addDays(start, 5), fish: [] }, { code: 'VALIDATION', field: ['input', 'fish'] }],
      [{ assignmentId: aGid(123_456), sampleDate: addDays(start, 5), sampleSize: 10, avgWeightG: 50 }, { code: 'NOT_FOUND', field: ['input', 'assignmentId'] }],
    ];
    for (const [input, expected] of cases) {
      const result = await run(input);
      expect(result.growthSample).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(before);
  });
});

describe('mortalityEventCreate and mortalityReportSet', () => {
  const EVENT = `mutation($input: MortalityEventCreateInput!) {
    mortalityEventCreate(input: $input) {
      mortalityEvent { id eventDate count cause recordedBy }
      mortalityReport { reportDate recordedBy }
      recomputeJob { status fromDate }
      ${USER_ERRORS}
    }
  }`;
  const REPORT = `mutation($input: MortalityReportSetInput!) {
    mortalityReportSet(input: $input) { mortalityReport { reportDate recordedBy } created recomputeJob { id } ${USER_ERRORS} }
  }`;

  it('records deaths with the day report, and replays an idempotent retry', async () => {
    const day = addDays(start, 3);
    const input = { assignmentId: aGid(closed.assignments[0]!), eventDate: day, count: 12, cause: 'DISEASE', biomassKg: 0.6, idempotencyKey: 'mort-1' };
    const res = await env.mutate<{ mortalityEventCreate: Record<string, unknown> & { userErrors: UserErrorShape[] } }>(EVENT, { input });
    expect(res.data!.mortalityEventCreate).toMatchObject({
      mortalityEvent: { eventDate: day, count: 12, cause: 'DISEASE', recordedBy: 'ops' },
      mortalityReport: { reportDate: day, recordedBy: 'ops' },
      recomputeJob: { status: 'QUEUED', fromDate: day },
      userErrors: [],
    });
    const before = await env.counts();
    const retry = await env.mutate<{ mortalityEventCreate: Record<string, unknown> }>(EVENT, { input });
    expect(retry.data!.mortalityEventCreate).toEqual(res.data!.mortalityEventCreate);
    expect(await env.counts()).toEqual(before);
  });

  it('rejects negative counts and days outside the interval, writing nothing', async () => {
    const before = await env.counts();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ assignmentId: aGid(closed.assignments[0]!), eventDate: addDays(start, 3), count: -2 }, { code: 'VALIDATION', field: ['input', 'count'] }],
      [{ assignmentId: aGid(closed.assignments[0]!), eventDate: addDays(start, 25), count: 2 }, { code: 'VALIDATION', field: ['input', 'eventDate'] }],
      [{ assignmentId: aGid(closed.assignments[0]!), eventDate: addDays(start, -1), count: 2 }, { code: 'VALIDATION', field: ['input', 'eventDate'] }],
      [{ assignmentId: aGid(closed.assignments[0]!), eventDate: addDays(start, 3), count: 2, biomassKg: -1 }, { code: 'VALIDATION', field: ['input', 'biomassKg'] }],
    ];
    for (const [input, expected] of cases) {
      const res = await env.mutate<{ mortalityEventCreate: { mortalityEvent: null; userErrors: UserErrorShape[] } }>(EVENT, { input });
      expect(res.data!.mortalityEventCreate.mortalityEvent).toBeNull();
      expect(res.data!.mortalityEventCreate.userErrors[0]).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(before);
  });

  it('sets an explicit zero-death day once; setting it again changes nothing and queues nothing', async () => {
    const day = addDays(start, 4);
    await env.sql.query(`update recompute_job set status = 'SUCCEEDED' where batch_id = $1 and status = 'QUEUED'`, [closed.id]);
    const first = await env.mutate<{ mortalityReportSet: { created: boolean; recomputeJob: { id: string } | null; userErrors: UserErrorShape[] } }>(REPORT, {
      input: { assignmentId: aGid(closed.assignments[0]!), reportDate: day },
    });
    expect(first.data!.mortalityReportSet).toMatchObject({ mortalityReport: { reportDate: day, recordedBy: 'ops' }, created: true, userErrors: [] });
    expect(first.data!.mortalityReportSet.recomputeJob).not.toBeNull();
    await env.sql.query(`update recompute_job set status = 'SUCCEEDED' where batch_id = $1 and status = 'QUEUED'`, [closed.id]);
    const before = await env.counts();
    const second = await env.mutate<{ mortalityReportSet: { created: boolean; recomputeJob: null } }>(REPORT, {
      input: { assignmentId: aGid(closed.assignments[0]!), reportDate: day },
    });
    expect(second.data!.mortalityReportSet).toMatchObject({ created: false, recomputeJob: null });
    expect(await env.counts()).toEqual(before);
    const outside = await env.mutate<{ mortalityReportSet: { userErrors: UserErrorShape[] } }>(REPORT, {
      input: { assignmentId: aGid(closed.assignments[0]!), reportDate: addDays(start, 20) },
    });
    expect(outside.data!.mortalityReportSet.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'reportDate'] });
  });
});

describe('feedingEventCreate', () => {
  const FEED = `mutation($input: FeedingEventCreateInput!) {
    feedingEventCreate(input: $input) {
      feedingEvent { id feedingDate fedAt amountKg recordedBy }
      assignment { id }
      recomputeJob { status fromDate }
      ${USER_ERRORS}
    }
  }`;
  type Result = {
    feedingEventCreate: {
      feedingEvent: { id: string; feedingDate: string; fedAt: string; amountKg: number; recordedBy: string } | null;
      assignment: { id: string } | null;
      recomputeJob: { status: string; fromDate: string } | null;
      userErrors: UserErrorShape[];
    };
  };
  const feed = async (input: Record<string, unknown>) => {
    const res = await env.mutate<Result>(FEED, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.feedingEventCreate;
  };
  const base = () => ({ containerId: gid('Container', env.ids.tanks[0]!), feedId: gid('Feed', env.ids.feed), amountKg: 12.5, method: 'AUTOMATIC' });

  it('dates the feeding by the UTC day of fedAt and attributes it to the occupying assignment', async () => {
    const day = addDays(start, 8);
    // 00:30 at UTC+02:00 is 22:30 UTC on the day before.
    const fedAt = `${addDays(day, 1)}T00:30:00+02:00`;
    const result = await feed({ ...base(), fedAt, idempotencyKey: 'feed-1' });
    expect(result.userErrors).toEqual([]);
    expect(result.feedingEvent).toMatchObject({ feedingDate: day, fedAt: `${day}T22:30:00.000Z`, amountKg: 12.5, recordedBy: 'ops' });
    expect(result.assignment!.id).toBe(aGid(batch.assignments[0]!));
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED' });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from! <= day).toBe(true);
    const linked = await feed({ ...base(), assignmentId: aGid(batch.assignments[0]!), fedAt: `${day}T08:00:00Z` });
    expect(linked.userErrors).toEqual([]);
    const before = await env.counts();
    const retry = await feed({ ...base(), fedAt, idempotencyKey: 'feed-1' });
    expect(retry.feedingEvent).toEqual(result.feedingEvent);
    expect(await env.counts()).toEqual(before);
  });

  it('forgets idempotency keys older than IDEMPOTENCY_KEY_TTL_DAYS: the same key then records anew', async () => {
    const fedAt = `${addDays(start, 9)}T08:00:00Z`;
    const first = await feed({ ...base(), fedAt, idempotencyKey: 'feed-expiring' });
    expect(first.userErrors).toEqual([]);
    await feed({ ...base(), fedAt: `${addDays(start, 9)}T09:00:00Z`, idempotencyKey: 'feed-recent' });
    // The first key was claimed 31 days ago; the nightly job (IDEMPOTENCY_KEY_TTL_DAYS = 30) forgets it alone.
    await env.sql.query(`update mutation_idempotency set created_at = now() - interval '31 days' where idempotency_key = 'feed-expiring'`);
    const em = env.app.orm.em.fork() as EntityManager;
    expect(await expireIdempotencyKeys(em, 30)).toBe(1);
    expect((await env.rows<{ key: string }>(`select idempotency_key as key from mutation_idempotency where idempotency_key like 'feed-%' order by 1`)).map((r) => r.key))
      .toEqual(['feed-1', 'feed-recent']);
    const again = await feed({ ...base(), fedAt, idempotencyKey: 'feed-expiring' });
    expect(again.userErrors).toEqual([]);
    expect(again.feedingEvent!.id).not.toBe(first.feedingEvent!.id);
    await expect(expireIdempotencyKeys(em, 0)).rejects.toThrow(/positive integer/);
  });

  it('rejects a linked assignment that is not in the container that day, an empty container, a future day and bad amounts', async () => {
    const before = await env.counts();
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ ...base(), assignmentId: aGid(closed.assignments[0]!), fedAt: `${addDays(start, 8)}T08:00:00Z` }, { code: 'VALIDATION', field: ['input', 'assignmentId'] }],
      [{ ...base(), containerId: gid('Container', env.ids.tanks[1]!), fedAt: `${addDays(start, 22)}T08:00:00Z` }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      [{ ...base(), fedAt: `${addDays(start, -2)}T08:00:00Z` }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      [{ ...base(), fedAt: `${addDays(today, 2)}T08:00:00Z` }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      [{ ...base(), amountKg: -1, fedAt: `${addDays(start, 8)}T08:00:00Z` }, { code: 'VALIDATION', field: ['input', 'amountKg'] }],
      [{ ...base(), feedId: gid('Feed', 9_999), fedAt: `${addDays(start, 8)}T08:00:00Z` }, { code: 'NOT_FOUND', field: ['input', 'feedId'] }],
      [{ ...base(), containerId: gid('Container', 9_999), fedAt: `${addDays(start, 8)}T08:00:00Z` }, { code: 'NOT_FOUND', field: ['input', 'containerId'] }],
    ];
    for (const [input, expected] of cases) {
      const result = await feed(input);
      expect(result.feedingEvent).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
    expect(await env.counts()).toEqual(before);
  });
});

describe('events after commit', () => {
  it('publishes batchUpdated (INPUT) and recomputeProgress (QUEUED) to subscribers once a mutation commits', async () => {
    const client = createClient({
      url: `${env.app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${SECRETS.alice}` },
    });
    const updates: Array<{ kind: string; fromDate: string }> = [];
    const progress: string[] = [];
    const stops: Array<() => void> = [];
    const received = new Promise<void>((resolve, reject) => {
      const check = () => updates.length > 0 && progress.length > 0 && resolve();
      stops.push(
        client.subscribe<{ batchUpdated: { kind: string; fromDate: string } }>(
          { query: 'subscription($b: ID!) { batchUpdated(batchId: $b) { kind fromDate } }', variables: { b: gid('Batch', batch.id) } },
          { next: ({ data }) => (updates.push(data!.batchUpdated), check()), error: reject, complete: () => undefined },
        ),
        client.subscribe<{ recomputeProgress: { status: string } }>(
          { query: 'subscription($b: ID!) { recomputeProgress(filter: { batchId: $b }) { status } }', variables: { b: gid('Batch', batch.id) } },
          { next: ({ data }) => (progress.push(data!.recomputeProgress.status), check()), error: reject, complete: () => undefined },
        ),
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const day = addDays(start, 9);
    const res = await env.mutate<{ mortalityEventCreate: { userErrors: UserErrorShape[] } }>(
      `mutation($input: MortalityEventCreateInput!) { mortalityEventCreate(input: $input) { ${USER_ERRORS} } }`,
      { input: { assignmentId: aGid(batch.assignments[0]!), eventDate: day, count: 1 } },
    );
    expect(res.data!.mortalityEventCreate.userErrors).toEqual([]);
    await received;
    for (const stop of stops) stop();
    await client.dispose();
    expect(updates[0]!.kind).toBe('INPUT');
    expect(updates[0]!.fromDate <= day).toBe(true);
    expect(progress[0]).toBe('QUEUED');
  });
});
