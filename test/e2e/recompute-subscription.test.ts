import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toGlobalId } from '../../src/graphql/common/global-id.js';
import { addDays, utcDate } from '../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { GrowthFixture } from '../helpers/growth-fixtures.js';
import { wsSubscriptionsStarted } from '../helpers/metrics.js';
import { until } from '../helpers/processes.js';
import { runOverWebSocket } from './ws-client.js';

const today = utcDate(new Date());
const start = addDays(today, -20);

let app: TestApp;
let fx: GrowthFixture;
/** Two batches with one tank each, placed 20 days ago, with daily temperatures: enough for a recompute to run. */
const batchIds: number[] = [];

beforeAll(async () => {
  app = await startTestApp(); // with the in-process worker, which runs the recomputes
  fx = await GrowthFixture.create(app.database.url);
  await fx.sql.query(`select ensure_time_partitions(t, $1::date, $2::date) from unnest(array['environmental_daily','daily_assignment_state']) t`, [
    addDays(start, -10),
    today,
  ]);
  const scenario = await fx.scenario('SUB', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0.05 }]);
  for (const name of ['SUB-001', 'SUB-002']) {
    const tank = await fx.container(`${name}-T`);
    const batchId = await fx.batch(name, start, scenario);
    const assignment = await fx.assignment(batchId, tank, 'SMOLT', start, null, 10_000);
    await fx.placement(batchId, assignment, start, 10_000, 100);
    await fx.sample(assignment, addDays(start, 15), 120, 30);
    await fx.temperatures(tank, addDays(start, -7), today, 10);
    batchIds.push(batchId);
  }
});

afterAll(async () => {
  await fx.close();
  await app.stop();
});

const RECOMPUTE = 'mutation($input: GrowthRecomputeInput!) { growthRecompute(input: $input) { recomputeJob { id status } userErrors { code message } } }';

async function queueRecompute(batchId: number): Promise<string> {
  const res = await app.graphql<{ growthRecompute: { recomputeJob: { id: string; status: string }; userErrors: unknown[] } }>(RECOMPUTE, {
    input: { batchId: toGlobalId('Batch', batchId) },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data!.growthRecompute.userErrors).toEqual([]);
  expect(res.data!.growthRecompute.recomputeJob.status).toBe('QUEUED');
  return res.data!.growthRecompute.recomputeJob.id;
}

describe('recomputeProgress over WebSocket', () => {
  it('follows one job by jobId: its RUNNING and SUCCEEDED, in order, and no other job\'s events', async () => {
    // Queued first; the job waits out its 2 s debounce, so subscribing now still sees it run.
    const jobId = await queueRecompute(batchIds[0]!);
    const subscriptions = await wsSubscriptionsStarted(app.url);
    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const events: Array<{ id: string; status: string; batchNumber: string }> = [];
    let stop = () => {};
    const done = new Promise<void>((resolve, reject) => {
      stop = client.subscribe<{ recomputeProgress: { id: string; status: string; batch: { batchNumber: string } } }>(
        { query: 'subscription($j: ID!) { recomputeProgress(filter: { jobId: $j }) { id status batch { batchNumber } } }', variables: { j: jobId } },
        {
          next: ({ data, errors }) => {
            if (errors) return reject(new Error(JSON.stringify(errors)));
            const { id, status, batch } = data!.recomputeProgress;
            events.push({ id, status, batchNumber: batch.batchNumber });
            if (status === 'SUCCEEDED' || status === 'FAILED') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    try {
      await until('the subscription to start on the server', 10_000, async () => (await wsSubscriptionsStarted(app.url)) > subscriptions);
      // Another batch's job runs at the same time: its events must not reach this subscriber.
      const otherJobId = await queueRecompute(batchIds[1]!);
      expect(otherJobId).not.toBe(jobId);
      await done;
    } finally {
      stop();
      await client.dispose();
    }
    expect(events.map((event) => event.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(events.every((event) => event.id === jobId && event.batchNumber === 'SUB-001')).toBe(true);
    const [state] = await fx.rows<{ days: number }>(
      'select count(*)::int as days from daily_assignment_state s join batch_container_assignment a on a.id = s.assignment_id where a.batch_id = $1',
      [batchIds[0]],
    );
    expect(state!.days).toBeGreaterThan(0);
  });

  it('refuses a filter that could never match, when subscribing, with a clear error', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['{}', {}, 'recomputeProgress needs `filter.jobId` or `filter.batchId`.', 'filter'],
      ['a batch id as jobId', { jobId: toGlobalId('Batch', batchIds[0]!) }, `\`filter.jobId\` is not a RecomputeJob id: ${toGlobalId('Batch', batchIds[0]!)}`, 'filter.jobId'],
      ['a malformed batchId', { batchId: 'not-an-id' }, '`filter.batchId` is not a Batch id: not-an-id', 'filter.batchId'],
    ];
    for (const [label, filter, message, argumentName] of cases) {
      const outcome = await runOverWebSocket(app.url, 'subscription($f: RecomputeProgressFilter!) { recomputeProgress(filter: $f) { id status } }', {
        variables: { f: filter },
      });
      // Answered at once (the operation completes with the error), not left open and silent.
      expect(outcome.result, label).toEqual({
        errors: [{ message, locations: [{ line: 1, column: 46 }], path: ['recomputeProgress'], extensions: { code: 'BAD_USER_INPUT', argumentName } }],
      });
    }
  });

  it('refuses batchUpdated and seedRunProgress ids of another type when subscribing', async () => {
    const jobId = toGlobalId('RecomputeJob', 1);
    const cases: Array<[string, string]> = [
      [`subscription { batchUpdated(batchId: "${jobId}") { kind } }`, `\`batchId\` is not a Batch id: ${jobId}`],
      [`subscription { seedRunProgress(seedRunId: "${jobId}") { status } }`, `\`seedRunId\` is not a SeedRun id: ${jobId}`],
    ];
    for (const [query, message] of cases) {
      const outcome = await runOverWebSocket(app.url, query);
      expect(outcome.result?.errors?.[0], query).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
  });
});
