import { spawn } from 'node:child_process';
import net from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createFarm } from '../helpers/fixtures.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await createFarm(app.orm.em.fork() as EntityManager, { tanks: 3, rings: 2 });
});

afterAll(() => app.stop());

const TREE = `{
  geographies {
    code
    freshwaterStations { name halls { name containers { name maxBiomassKg containerType { category } } } }
    areas { name containers { name } }
  }
}`;

describe('HTTP', () => {
  it('answers the infrastructure tree query', async () => {
    const res = await app.graphql<{ geographies: Array<Record<string, unknown>> }>(TREE);
    expect(res.errors).toBeUndefined();
    expect(res.data!.geographies).toEqual([
      {
        code: 'FO',
        freshwaterStations: [
          {
            name: 'FO-FW-01',
            halls: [
              {
                name: 'A',
                containers: ['A-T01', 'A-T02', 'A-T03'].map((name) => ({ name, maxBiomassKg: 5000, containerType: { category: 'TANK' } })),
              },
            ],
          },
        ],
        areas: [{ name: 'FO-SEA-01', containers: [{ name: 'FO-SEA-01-R01' }, { name: 'FO-SEA-01-R02' }] }],
      },
    ]);
  });

  it('reports database reachability on /healthz and serves an offline landing page on /', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    const page = await fetch(`${app.url}/`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('fetch(\'/graphql\'');
    expect(html).not.toMatch(/https?:\/\/(?!127)/); // nothing loaded from the internet
  });

  it('echoes a request id and rejects malformed queries as client errors', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'test-req-1' },
      body: JSON.stringify({ query: '{ geographies { nope } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('test-req-1');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('containers connection', () => {
  it('filters containers by category and pages them', async () => {
    const res = await app.graphql<{ containers: { totalCount: number; edges: Array<{ node: { name: string } }>; pageInfo: { hasNextPage: boolean } } }>(
      `{ containers(first: 2, filter: { categories: [TANK] }) { totalCount pageInfo { hasNextPage } edges { node { name } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.containers.totalCount).toBe(3);
    expect(res.data!.containers.edges.map((e) => e.node.name)).toEqual(['A-T01', 'A-T02']);
    expect(res.data!.containers.pageInfo.hasNextPage).toBe(true);
    const free = await app.graphql<{ containers: { totalCount: number } }>(`{ containers(filter: { occupied: false }) { totalCount } }`);
    expect(free.data!.containers.totalCount).toBe(5);
  });
});

describe('WebSocket (graphql-ws on the same port and path)', () => {
  it('executes operations over the socket', async () => {
    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true });
    try {
      const result = await new Promise<{ data?: { geographies: Array<{ code: string }> } }>((resolve, reject) => {
        let value: { data?: { geographies: Array<{ code: string }> } } = {};
        client.subscribe<{ geographies: Array<{ code: string }> }>(
          { query: '{ geographies { code areas { name } } }' },
          { next: (data) => (value = data as typeof value), error: reject, complete: () => resolve(value) },
        );
      });
      expect(result.data!.geographies).toEqual([{ code: 'FO', areas: [{ name: 'FO-SEA-01' }] }]);
    } finally {
      await client.dispose();
    }
  });
});

describe('startup failures', () => {
  /** Runs the real entry point and returns its exit code and output. */
  function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  it('names every invalid variable and exits 2', async () => {
    const { code, output } = await runMain({ PORT: 'abc', LOG_LEVEL: 'chatty' });
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/Invalid configuration: PORT .*LOG_LEVEL/);
  });

  it('fails fast with one line when DATABASE_URL is unreachable', async () => {
    const { code, output } = await runMain({ DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none', PORT: '0' });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line.msg).toBe('aquagraph failed to start');
    expect(line.reason).toMatch(/cannot reach PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(output).not.toContain('secret');
  });

  it('fails fast with one line when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, output } = await runMain({ DATABASE_URL: app.database.url, PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(output).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
  });
});
