import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { metricSample } from '../helpers/metrics.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.stop());

const PHASES = ['PLANNING', 'INFRASTRUCTURE', 'GENERATING', 'POST_LOAD', 'VERIFYING', 'DONE'];
/** The content hash of the uninterrupted run of the first test. */
let firstHash: string;

describe('seed runs over GraphQL', () => {
  it('starts a demo run by mutation and streams ordered progress over WebSocket until it succeeds', async () => {
    const started = await app.graphql<{ seedRunStart: { seedRun: { id: string; status: string; profileName: string } | null; userErrors: Array<{ message: string }> } }>(
      `mutation { seedRunStart(input: { profile: DEMO, prngSeed: 7, today: "2025-12-31", workers: 2 }) {
         seedRun { id status profileName } userErrors { code message } } }`,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.seedRunStart.userErrors).toEqual([]);
    const startedAt = Date.now();
    const run = started.data!.seedRunStart.seedRun!;
    expect(run.profileName).toBe('demo');
    // The mutation only queued the run; the in-process worker executes it.
    expect(run.status).toBe('QUEUED');

    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const snapshots: Array<{ status: string; phase: string; progress: { batchesDone: number; rowsWritten: number } | null }> = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no terminal status after 90 s; last ${JSON.stringify(snapshots.at(-1))}`)), 90_000);
      client.subscribe<{ seedRunProgress: (typeof snapshots)[number] }>(
        {
          query: `subscription($id: ID!) { seedRunProgress(seedRunId: $id) { status phase progress { batchesDone rowsWritten } } }`,
          variables: { id: run.id },
        },
        {
          next: ({ data }) => {
            snapshots.push(data!.seedRunProgress);
            if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(data!.seedRunProgress.status)) {
              clearTimeout(timer);
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await client.dispose();
    console.info(`demo seed run: seedRunStart → SUCCEEDED in ${Date.now() - startedAt} ms`);

    expect(snapshots.at(-1)!.status).toBe('SUCCEEDED');
    // Phases never go back, and counters never decrease.
    const phaseIndexes = snapshots.map((s) => PHASES.indexOf(s.phase));
    expect(phaseIndexes).toEqual([...phaseIndexes].sort((a, b) => a - b));
    const done = snapshots.map((s) => s.progress?.batchesDone ?? 0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(snapshots.at(-1)!.progress!.batchesDone).toBe(4);

    const after = await app.graphql<{
      seedRun: { contentHash: string; verification: { ok: boolean; checks: Array<{ name: string; status: string; message: string }> } };
      batches: { totalCount: number };
    }>(`query($id: ID!) { seedRun(id: $id) { contentHash verification { ok checks { name status message } } } batches { totalCount } }`, {
      id: run.id,
    });
    const failed = after.data!.seedRun.verification.checks.filter((c) => c.status === 'FAIL');
    expect(failed).toEqual([]);
    expect(after.data!.seedRun.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(after.data!.seedRun.verification.ok).toBe(true);
    expect(after.data!.batches.totalCount).toBe(4);
    firstHash = after.data!.seedRun.contentHash;

    // /metrics counts what the run's workers committed: every row of the generated tables, and each batch as one job.
    const scraped = await (await fetch(`${app.url}/metrics`)).text();
    const [stored] = await app.orm.em.fork().execute<Array<{ daily: string; readings: string; containers: string }>>(
      `select (select count(*) from daily_assignment_state) as daily, (select count(*) from environmental_reading) as readings,
              (select count(*) from container) as containers`,
    );
    expect(metricSample(scraped, 'aquagraph_seed_run_rows_written_total', { table: 'daily_assignment_state' })).toBe(Number(stored!.daily));
    expect(metricSample(scraped, 'aquagraph_seed_run_rows_written_total', { table: 'environmental_reading' })).toBe(Number(stored!.readings));
    expect(metricSample(scraped, 'aquagraph_seed_run_rows_written_total', { table: 'container' })).toBe(Number(stored!.containers));
    expect(metricSample(scraped, 'aquagraph_jobs_total', { kind: 'seed_batch', status: 'success' })).toBe(4);
    expect(metricSample(scraped, 'aquagraph_job_duration_seconds_count', { kind: 'seed_batch', status: 'success' })).toBe(4);

    // A second run on the now non-empty database without wipe is refused with a clear message.
    const again = await app.graphql<{ seedRunStart: { seedRun: null; userErrors: Array<{ code: string; message: string }> } }>(
      `mutation { seedRunStart(input: { profile: DEMO }) { seedRun { id } userErrors { code message } } }`,
    );
    expect(again.data!.seedRunStart.userErrors[0]).toMatchObject({ code: 'CONFLICT' });
    expect(again.data!.seedRunStart.userErrors[0]!.message).toMatch(/not empty/);
  }, 120_000);

  it('cancels a running run by mutation within 5 s and resumes it by mutation to the uninterrupted hash', async () => {
    const started = await app.graphql<{ seedRunStart: { seedRun: { id: string; status: string } | null; userErrors: Array<{ message: string }> } }>(
      `mutation { seedRunStart(input: { profile: DEMO, prngSeed: 7, today: "2025-12-31", workers: 1, wipe: true }) {
         seedRun { id status } userErrors { code message } } }`,
    );
    expect(started.data!.seedRunStart.userErrors).toEqual([]);
    const id = started.data!.seedRunStart.seedRun!.id;
    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const statuses: string[] = [];
    let cancelledAfterMs = -1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not cancelled after 60 s: ${statuses.join(',')}`)), 60_000);
      let requestedAt = 0;
      client.subscribe<{ seedRunProgress: { status: string; phase: string; progress: { batchesDone: number } | null } }>(
        { query: `subscription($id: ID!) { seedRunProgress(seedRunId: $id) { status phase progress { batchesDone } } }`, variables: { id } },
        {
          next: ({ data }) => {
            const snapshot = data!.seedRunProgress;
            statuses.push(snapshot.status);
            if (!requestedAt && snapshot.phase === 'GENERATING' && (snapshot.progress?.batchesDone ?? 0) >= 1) {
              requestedAt = Date.now();
              void app.graphql(`mutation($id: ID!) { seedRunCancel(input: { seedRunId: $id }) { userErrors { code } } }`, { id }).catch(reject);
            }
            if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(snapshot.status)) {
              clearTimeout(timer);
              cancelledAfterMs = requestedAt ? Date.now() - requestedAt : -1;
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await client.dispose();
    expect(statuses.at(-1)).toBe('CANCELLED');
    expect(cancelledAfterMs).toBeGreaterThanOrEqual(0);
    expect(cancelledAfterMs).toBeLessThanOrEqual(5_000);

    const resumed = await app.graphql<{ seedRunResume: { seedRun: { status: string } | null; userErrors: unknown[] } }>(
      `mutation($id: ID!) { seedRunResume(input: { seedRunId: $id, workers: 2 }) { seedRun { status } userErrors { code message } } }`,
      { id },
    );
    expect(resumed.data!.seedRunResume).toEqual({ seedRun: { status: 'QUEUED' }, userErrors: [] });
    const deadline = Date.now() + 60_000;
    type Run = { status: string; contentHash: string | null; workers: number } | null;
    let run: Run = null;
    while (Date.now() < deadline) {
      run = (await app.graphql<{ seedRun: Run }>(`query($id: ID!) { seedRun(id: $id) { status contentHash workers } }`, { id })).data!.seedRun;
      if (run && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(run).toEqual({ status: 'SUCCEEDED', contentHash: firstHash, workers: 2 });

    // Two uninterrupted loads on this server (the first test's run and this one): the resume wrote, and counted,
    // only the batches the cancel left, not the infrastructure again.
    const scraped = await (await fetch(`${app.url}/metrics`)).text();
    const [stored] = await app.orm.em.fork().execute<Array<{ daily: string; containers: string }>>(
      `select (select count(*) from daily_assignment_state) as daily, (select count(*) from container) as containers`,
    );
    expect(metricSample(scraped, 'aquagraph_seed_run_rows_written_total', { table: 'container' })).toBe(2 * Number(stored!.containers));
    expect(metricSample(scraped, 'aquagraph_seed_run_rows_written_total', { table: 'daily_assignment_state' })).toBe(2 * Number(stored!.daily));
  }, 120_000);
});
