import { quickAddJob } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { metricSample } from '../helpers/metrics.js';
import { runOverWebSocket } from './ws-client.js';

const SECRET = 'metrics-secret-0123456789';
const auth = { authorization: `Bearer ${SECRET}` };

let app: TestApp;

// createApp observes its in-process queue itself, so job metrics need no wiring here.
beforeAll(async () => {
  app = await startTestApp({ AQUAGRAPH_TOKENS: `scraper:VIEWER:${SECRET}` });
});
afterAll(async () => {
  await app.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${app.url}/metrics`, { headers: auth });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

const sample = metricSample;

describe('GET /metrics (Prometheus)', () => {
  it('reports request latency and SQL statements by operation name, auth failures and limit rejections', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await app.graphql('query WhoAmI { viewer { name } }', undefined, auth);
      expect(res.errors).toBeUndefined();
    }
    const geo = await app.graphql<{ geographies: unknown[] }>('query Farm { geographies { code areas { name } } }', undefined, auth);
    expect(geo.extensions!.sqlStatements).toBeGreaterThan(0);
    await app.graphql('query Broken { geographies { nope } }', undefined, auth);
    await app.graphql('{ a: viewer { name } }', undefined, auth);
    await app.graphql(`query TooManyAliases { ${Array.from({ length: 31 }, (_, i) => `v${i}: viewer { name }`).join(' ')} }`, undefined, auth);
    await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { name } }"}' });

    const text = await scrape();
    const latency = 'aquagraph_graphql_request_duration_seconds';
    expect(text).toContain(`# TYPE ${latency} histogram`);
    expect(sample(text, `${latency}_count`, { operation: 'WhoAmI', type: 'query', outcome: 'ok' })).toBe(3);
    expect(sample(text, `${latency}_bucket`, { le: '+Inf', operation: 'WhoAmI', type: 'query', outcome: 'ok' })).toBe(3);
    expect(sample(text, `${latency}_count`, { operation: 'Farm', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, `${latency}_count`, { operation: 'anonymous', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, `${latency}_count`, { operation: 'anonymous', type: 'invalid', outcome: 'error' })).toBe(1);
    // Refused for a limit after the operation was resolved: counted under its name, as an error.
    expect(sample(text, `${latency}_count`, { operation: 'TooManyAliases', type: 'query', outcome: 'error' })).toBe(1);

    const sql = 'aquagraph_graphql_sql_statements';
    expect(sample(text, `${sql}_sum`, { operation: 'Farm' })).toBe(geo.extensions!.sqlStatements);
    expect(sample(text, `${sql}_sum`, { operation: 'WhoAmI' })).toBe(0);
    expect(sample(text, 'aquagraph_auth_failures_total', { transport: 'http', reason: 'missing' })).toBe(1);
    expect(sample(text, 'aquagraph_graphql_limit_rejections_total', { limit: 'aliases' })).toBe(1);
    // Node process metrics from prom-client's defaults.
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('counts and times queue jobs by kind (graphile-worker runner events)', async () => {
    await quickAddJob({ connectionString: app.database.url }, 'partition_maintenance', {});
    const deadline = Date.now() + 20_000;
    let text = await scrape();
    while (sample(text, 'aquagraph_jobs_total', { kind: 'partition_maintenance', status: 'success' }) !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(sample(text, 'aquagraph_jobs_total', { kind: 'partition_maintenance', status: 'success' })).toBe(1);
    expect(sample(text, 'aquagraph_job_duration_seconds_count', { kind: 'partition_maintenance', status: 'success' })).toBe(1);
    expect(sample(text, 'aquagraph_job_duration_seconds_sum', { kind: 'partition_maintenance', status: 'success' })).toBeGreaterThan(0);
  });

  it('counts authenticated WebSocket connections while open', async () => {
    const result = await runOverWebSocket<{ viewer: { name: string } }>(app.url, '{ viewer { name } }', { connectionParams: { token: SECRET } });
    expect(result.result?.data?.viewer.name).toBe('scraper');
    const refused = await runOverWebSocket(app.url, '{ viewer { name } }', { connectionParams: { token: 'wrong-token-0123456789' } });
    expect(refused.closeCode).toBe(4403);
    const text = await scrape();
    expect(sample(text, 'aquagraph_ws_operations_total', { type: 'query' })).toBe(1);
    expect(sample(text, 'aquagraph_auth_failures_total', { transport: 'ws', reason: 'invalid' })).toBe(1);
    // Closed again by the time the client is disposed (the server sees the close shortly after).
    const deadline = Date.now() + 2_000;
    const openConnections = (scraped: string) => Number(/^aquagraph_ws_connections (\d+)$/m.exec(scraped)?.[1]);
    let open = openConnections(text);
    while (open !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      open = openConnections(await scrape());
    }
    expect(open).toBe(0);
  });
});
