import type { ChildProcess } from 'node:child_process';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { RecomputeReason } from '../../../src/modules/enums.js';
import { enqueueRecompute } from '../../../src/modules/growth/recompute.service.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';
import { metricSample } from '../../helpers/metrics.js';
import { spawnWorker as spawnProcess, until } from '../../helpers/processes.js';

/**
 * The worker-only process (`npm run worker`) with WORKER_METRICS_PORT: a small HTTP listener serving this process's
 * job metrics on /metrics (token rules as on the API) and database reachability on /healthz, closed on SIGTERM.
 */

const SECRET = 'worker-metrics-secret-0123456789';

let db: TestDatabase;
let orm: MikroORM;
let fx: GrowthFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  fx = await GrowthFixture.create(db.url);
});

afterAll(async () => {
  await fx?.close();
  await orm?.close(true);
  await db?.drop();
});

function spawnWorker(env: Record<string, string>) {
  return spawnProcess(db.url, { WORKER_CONCURRENCY: '1', ...env });
}

/** The value of `aquagraph_jobs_total{kind,status}` in a Prometheus text exposition (0 when absent). */
function jobCount(exposition: string, kind: string, status: string): number {
  return metricSample(exposition, 'aquagraph_jobs_total', { kind, status }) ?? 0;
}

describe('worker-only process metrics listener (WORKER_METRICS_PORT)', () => {
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  });

  it('serves /metrics (with a token) counting the jobs it ran and /healthz; SIGTERM closes the listener and exits 0', async () => {
    const today = utcDate(new Date());
    const scenarioId = await fx.scenario('worker-metrics', 2.75, 0, [{ stage: 'SMOLT', mortalityPct: 0 }]);
    const start = addDays(today, -5);
    const tank = await fx.container('WM-1');
    const batchId = await fx.batch('WM-1', start, scenarioId);
    const assignmentId = await fx.assignment(batchId, tank, 'SMOLT', start, null, 10_000);
    await fx.placement(batchId, assignmentId, start, 10_000, 100);

    const worker = spawnWorker({ LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', AQUAGRAPH_TOKENS: `ops:VIEWER:${SECRET}` });
    children.push(worker.child);
    // The bound port comes from the pino line carrying `metricsUrl`.
    const metricsUrl = await until('the worker to log its metricsUrl', 30_000, async () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited with ${worker.child.exitCode}: ${worker.output()}`);
      for (const line of worker.output().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { metricsUrl?: string };
        if (entry.metricsUrl) return entry.metricsUrl;
      }
      return undefined;
    });
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const base = metricsUrl.replace(/\/metrics$/, '');
    expect(Number(new URL(base).port)).toBeGreaterThan(0);

    const em = orm.em.fork() as EntityManager;
    await em.transactional((tx) => enqueueRecompute(tx, batchId, null, RecomputeReason.MANUAL, 0));

    const authorized = { headers: { authorization: `Bearer ${SECRET}` } };
    const exposition = await until('the worker to count a successful recompute', 30_000, async () => {
      const res = await fetch(metricsUrl, authorized);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(jobCount(text, 'recompute', 'failed'), worker.output()).toBe(0);
      return jobCount(text, 'recompute', 'success') >= 1 && { text, contentType: res.headers.get('content-type') };
    });
    expect(exposition.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(exposition.text).toMatch(/^aquagraph_job_duration_seconds_count\{kind="recompute",status="success"\} [1-9]/m);
    expect(exposition.text).toMatch(/^process_cpu_user_seconds_total /m);

    // The API's token rules: no token 401, a wrong one 401 (invalid_token).
    const missing = await fetch(metricsUrl);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const invalid = await fetch(metricsUrl, { headers: { authorization: 'Bearer not-the-secret-0123456789' } });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    expect((await fetch(`${base}/graphql`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);

    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('METRICS_PUBLIC=true serves /metrics without a token', async () => {
    const worker = spawnWorker({ LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', AQUAGRAPH_TOKENS: `ops:VIEWER:${SECRET}`, METRICS_PUBLIC: 'true' });
    children.push(worker.child);
    const metricsUrl = await until('the worker to log its metricsUrl', 30_000, async () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited with ${worker.child.exitCode}: ${worker.output()}`);
      return /"metricsUrl":"([^"]+)"/.exec(worker.output())?.[1];
    });
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# HELP aquagraph_jobs_total /m);
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
  });

  it('a bad WORKER_METRICS_PORT stops the worker at start with exit code 2 and one line naming it', async () => {
    const worker = spawnWorker({ LOG_LEVEL: 'info', WORKER_METRICS_PORT: 'ninety' });
    children.push(worker.child);
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.output()).toBe('aquagraph worker: Invalid configuration: WORKER_METRICS_PORT must be a number\n');
  });
});
