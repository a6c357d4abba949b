import { spawn } from 'node:child_process';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { authChecker, createAuthenticator, DEV_VIEWER, hasRole, Role, type Viewer } from '../../src/graphql/auth.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import { maskExecutionResult } from '../../src/graphql/server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runOverWebSocket } from './ws-client.js';

const SECRETS = {
  alice: 'viewer-secret-0123456789',
  ops: 'operator-secret-0123456789',
  root: 'admin:secret:with:colons-0123',
};
const TOKENS = `alice:VIEWER:${SECRETS.alice}, ops:OPERATOR:${SECRETS.ops},root:ADMIN:${SECRETS.root}`;
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

const VIEWER_QUERY = '{ viewer { name role } }';
const RECOMPUTE = `mutation($input: GrowthRecomputeInput!) {
  growthRecompute(input: $input) { recomputeJob { id } userErrors { code message } }
}`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

describe('with AQUAGRAPH_TOKENS configured', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ AQUAGRAPH_TOKENS: TOKENS });
  });
  afterAll(() => app.stop());

  it('answers 401 UNAUTHENTICATED without a token, and says how to send one', async () => {
    const { response, body } = await post(app.url, { query: VIEWER_QUERY });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="aquagraph"$/);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      { message: 'An API token is required: send "Authorization: Bearer <token>".', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });

  it('answers 401 to a wrong token, a non-bearer scheme and a GET without token', async () => {
    for (const authorization of [`Bearer ${SECRETS.alice}x`, `Bearer ${SECRETS.alice.slice(0, -1)}`, `Basic ${SECRETS.alice}`, 'Bearer ']) {
      const { response, body } = await post(app.url, { query: VIEWER_QUERY }, { authorization });
      expect(response.status, authorization).toBe(401);
      expect(body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent(VIEWER_QUERY)}`);
    expect(get.status).toBe(401);
  });

  it('identifies the caller by token: the viewer query returns its name and role', async () => {
    for (const [name, role] of [['alice', 'VIEWER'], ['ops', 'OPERATOR'], ['root', 'ADMIN']] as const) {
      const res = await app.graphql<{ viewer: Viewer }>(VIEWER_QUERY, undefined, bearer(SECRETS[name]));
      expect(res.errors).toBeUndefined();
      expect(res.data!.viewer).toEqual({ name, role });
    }
    // The bare scheme word is case-insensitive (RFC 7235).
    const res = await app.graphql<{ viewer: Viewer }>(VIEWER_QUERY, undefined, { authorization: `bearer ${SECRETS.ops}` });
    expect(res.data!.viewer.name).toBe('ops');
  });

  it('lets a VIEWER query but refuses it an OPERATOR mutation (FORBIDDEN, nothing enqueued); an OPERATOR passes', async () => {
    const query = await app.graphql<{ geographies: unknown[] }>('{ geographies { code } }', undefined, bearer(SECRETS.alice));
    expect(query.errors).toBeUndefined();
    expect(query.data!.geographies).toEqual([]);

    const input = { batchId: 'QmF0Y2g6OTk5OTk5' };
    const refused = await app.graphql(RECOMPUTE, { input }, bearer(SECRETS.alice));
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(refused.errors![0]!.message).toBe('Mutation.growthRecompute needs the OPERATOR role; the API token "alice" has VIEWER.');

    for (const secret of [SECRETS.ops, SECRETS.root]) {
      const allowed = await app.graphql<{ growthRecompute: { userErrors: Array<{ code: string }> } }>(RECOMPUTE, { input }, bearer(secret));
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data!.growthRecompute.userErrors[0]!.code).toBe('NOT_FOUND');
    }
  });

  it('protects /metrics with the same tokens (any role)', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${app.url}/metrics`, { headers: bearer(SECRETS.alice) });
    expect(ok.status).toBe(200);
  });

  it('keeps /healthz and the landing page open', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/`)).status).toBe(200);
  });

  describe('WebSocket (authenticated in connection_init)', () => {
    it('accepts connectionParams.authorization and connectionParams.token; the context carries the viewer', async () => {
      const byHeader = await runOverWebSocket<{ viewer: Viewer }>(app.url, VIEWER_QUERY, {
        connectionParams: { authorization: `Bearer ${SECRETS.ops}` },
      });
      expect(byHeader.result?.data?.viewer).toEqual({ name: 'ops', role: 'OPERATOR' });
      const byToken = await runOverWebSocket<{ viewer: Viewer }>(app.url, VIEWER_QUERY, { connectionParams: { token: SECRETS.alice } });
      expect(byToken.result?.data?.viewer).toEqual({ name: 'alice', role: 'VIEWER' });
    });

    it('applies roles over the socket too', async () => {
      const refused = await runOverWebSocket(app.url, RECOMPUTE, {
        connectionParams: { token: SECRETS.alice },
        variables: { input: { batchId: 'QmF0Y2g6OTk5OTk5' } },
      });
      expect(refused.result?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('closes with 4401 without a token and 4403 with an invalid one', async () => {
      const missing = await runOverWebSocket(app.url, VIEWER_QUERY);
      expect(missing.closeCode).toBe(4401);
      expect(missing.result).toBeUndefined();
      const invalid = await runOverWebSocket(app.url, VIEWER_QUERY, { connectionParams: { authorization: 'Bearer not-a-real-token-123456' } });
      expect(invalid.closeCode).toBe(4403);
      expect(invalid.result).toBeUndefined();
    });
  });
});

describe('development mode (no tokens)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it('treats every request as the ADMIN "dev", over HTTP and WebSocket, with or without a header', async () => {
    const plain = await app.graphql<{ viewer: Viewer }>(VIEWER_QUERY);
    expect(plain.data!.viewer).toEqual({ name: 'dev', role: 'ADMIN' });
    const withHeader = await app.graphql<{ viewer: Viewer }>(VIEWER_QUERY, undefined, bearer('anything-at-all'));
    expect(withHeader.data!.viewer).toEqual({ name: 'dev', role: 'ADMIN' });
    const ws = await runOverWebSocket<{ viewer: Viewer }>(app.url, VIEWER_QUERY);
    expect(ws.result?.data?.viewer).toEqual({ name: 'dev', role: 'ADMIN' });
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  });

  it('says so loudly at start (real entry point), then stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, DATABASE_URL: app.database.url, PORT: '0', RUN_WORKER: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<{ level: number; msg: string; url?: string }> = [];
    let buffered = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const part of parts) {
          const line = JSON.parse(part) as { level: number; msg: string; url?: string };
          lines.push(line);
          if (line.msg === 'aquagraph is listening') resolve();
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code} before listening: ${JSON.stringify(lines)}`)));
    });
    // Once it answers a request, main.ts has installed its signal handlers (they follow createApp directly).
    const listening = lines.find((line) => line.msg === 'aquagraph is listening')!;
    expect((await fetch(listening.url!.replace('/graphql', '/healthz'))).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const warning = lines.find((line) => line.msg.startsWith('DEVELOPMENT MODE'));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(/EVERY REQUEST IS ADMIN/);
    expect(lines.indexOf(warning!)).toBeLessThan(lines.findIndex((line) => line.msg === 'aquagraph is listening'));
  });
});

describe('token configuration', () => {
  it('keeps names, roles and SHA-256 digests only, never the secrets', () => {
    const config = loadConfig({ AQUAGRAPH_TOKENS: TOKENS });
    expect(config.auth.devMode).toBe(false);
    expect(config.auth.tokens.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'alice', role: 'VIEWER' },
      { name: 'ops', role: 'OPERATOR' },
      { name: 'root', role: 'ADMIN' },
    ]);
    expect(config.auth.tokens[0]!.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    const serialized = JSON.stringify(config);
    for (const secret of Object.values(SECRETS)) expect(serialized).not.toContain(secret);
  });

  it('names bad entries without echoing secrets', () => {
    const bad = 'a:VIEWER:short,b:KING:long-enough-secret-1234,c d:ADMIN:long-enough-secret-5678,a:ADMIN:long-enough-secret-9012';
    const attempt = () => loadConfig({ AQUAGRAPH_TOKENS: `a:VIEWER:long-enough-secret-0000,${bad}` });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems } = error as ConfigError;
      expect(problems).toEqual([
        'AQUAGRAPH_TOKENS entry 2 must be name:ROLE:secret with a secret of at least 16 characters',
        'AQUAGRAPH_TOKENS entry 3 must be name:ROLE:secret with a role of VIEWER, OPERATOR or ADMIN',
        'AQUAGRAPH_TOKENS entry 4 must be name:ROLE:secret with a name of letters, digits, ".", "_", "@" or "-"',
        'AQUAGRAPH_TOKENS entry 5 repeats the name a',
      ]);
      expect((error as Error).message).not.toContain('long-enough-secret');
    }
    expect(() => loadConfig({ AQUAGRAPH_TOKENS: 'a:VIEWER:same-secret-0123456789,b:ADMIN:same-secret-0123456789' })).toThrow(
      /entry 2 \(b\) repeats another token's secret/,
    );
  });

  it('development mode refuses a non-loopback HOST and NODE_ENV=production', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST must be a loopback address .* while AQUAGRAPH_TOKENS is empty/);
    expect(() => loadConfig({ HOST: '10.0.0.5' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AQUAGRAPH_TOKENS must be set when NODE_ENV=production/);
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) expect(loadConfig({ HOST: host }).http.host).toBe(host);
    expect(loadConfig({ HOST: '0.0.0.0', AQUAGRAPH_TOKENS: TOKENS }).http.host).toBe('0.0.0.0');
  });

  it('enables seed runs by default only in development mode', () => {
    expect(loadConfig({}).seedRuns.enabled).toBe(true);
    expect(loadConfig({ AQUAGRAPH_TOKENS: TOKENS }).seedRuns.enabled).toBe(false);
    expect(loadConfig({ AQUAGRAPH_TOKENS: TOKENS, SEED_RUNS_ENABLED: 'true' }).seedRuns.enabled).toBe(true);
    expect(loadConfig({ SEED_RUNS_ENABLED: 'false' }).seedRuns.enabled).toBe(false);
  });
});

describe('roles', () => {
  const viewer = (role: Role): Viewer => ({ name: `t-${role}`, role });
  const check = (role: Role, required: Role[]) =>
    authChecker(
      {
        context: { viewer: viewer(role) } as GraphQLContext,
        info: { parentType: { name: 'Mutation' }, fieldName: 'seedRunStart' },
        root: {},
        args: {},
      } as never,
      required,
    );

  it('orders VIEWER < OPERATOR < ADMIN', () => {
    expect(hasRole(viewer(Role.VIEWER), Role.OPERATOR)).toBe(false);
    expect(hasRole(viewer(Role.OPERATOR), Role.OPERATOR)).toBe(true);
    expect(hasRole(viewer(Role.ADMIN), Role.OPERATOR)).toBe(true);
    expect(hasRole(viewer(Role.OPERATOR), Role.ADMIN)).toBe(false);
    expect(hasRole(DEV_VIEWER, Role.ADMIN)).toBe(true);
  });

  it('authChecker allows at or above the role and refuses below it with a FORBIDDEN error naming the role', () => {
    expect(check(Role.ADMIN, [Role.ADMIN])).toBe(true);
    expect(check(Role.VIEWER, [])).toBe(true);
    expect(() => check(Role.OPERATOR, [Role.ADMIN])).toThrow('Mutation.seedRunStart needs the ADMIN role; the API token "t-OPERATOR" has OPERATOR.');
    try {
      check(Role.VIEWER, [Role.ADMIN, Role.OPERATOR]);
      expect.unreachable();
    } catch (error) {
      expect((error as { extensions: { code: string } }).extensions.code).toBe('FORBIDDEN');
      expect((error as Error).message).toContain('needs the OPERATOR role');
    }
  });

  it('the authenticator matches whole secrets only, and reports missing vs invalid credentials', () => {
    const auth = createAuthenticator(loadConfig({ AQUAGRAPH_TOKENS: TOKENS }).auth.tokens);
    expect(auth.devMode).toBe(false);
    expect(auth.authenticate(`Bearer ${SECRETS.root}`)).toEqual({ ok: true, viewer: { name: 'root', role: 'ADMIN' } });
    expect(auth.authenticate(SECRETS.alice)).toEqual({ ok: true, viewer: { name: 'alice', role: 'VIEWER' } });
    expect(auth.authenticate(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(auth.authenticate('   ')).toEqual({ ok: false, reason: 'missing' });
    expect(auth.authenticate(42)).toEqual({ ok: false, reason: 'missing' });
    expect(auth.authenticate(`Bearer ${SECRETS.root.toUpperCase()}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(createAuthenticator([]).authenticate(undefined)).toEqual({ ok: true, viewer: DEV_VIEWER });
  });
});

describe('error masking over WebSocket', () => {
  it('replaces unexpected resolver errors by "Internal server error" and keeps GraphQL errors', () => {
    const leaked = new GraphQLError('relation "batch" does not exist', { path: ['batch'], originalError: new Error('relation "batch" does not exist') });
    const forbidden = new GraphQLError('needs the ADMIN role', { path: ['seedRunStart'], extensions: { code: 'FORBIDDEN' } });
    const masked = maskExecutionResult({ data: null, errors: [leaked, forbidden] }, pino({ level: 'silent' }));
    expect(JSON.parse(JSON.stringify(masked))).toEqual({
      data: null,
      errors: [
        { message: 'Internal server error', path: ['batch'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        { message: 'needs the ADMIN role', path: ['seedRunStart'], extensions: { code: 'FORBIDDEN' } },
      ],
    });
    expect(maskExecutionResult({ data: { viewer: null } }, pino({ level: 'silent' }))).toBeUndefined();
  });
});

describe('seed-run mutations need the ADMIN role (HTTP, tokens configured)', () => {
  let app: TestApp;
  // Seed runs enabled, so a refusal below is the role check's; no worker, so an admitted run stays where it is.
  beforeAll(async () => {
    app = await startTestApp({ AQUAGRAPH_TOKENS: TOKENS, SEED_RUNS_ENABLED: 'true', RUN_WORKER: 'false' });
  });
  afterAll(() => app.stop());

  const START = 'mutation { seedRunStart(input: { profile: DEMO }) { seedRun { id status } userErrors { code message } } }';
  const CANCEL = 'mutation($id: ID!) { seedRunCancel(input: { seedRunId: $id }) { seedRun { id status } userErrors { code message } } }';
  const RESUME = 'mutation($id: ID!) { seedRunResume(input: { seedRunId: $id }) { seedRun { id status } userErrors { code message } } }';
  const BELOW_ADMIN = [
    ['ops', 'OPERATOR'],
    ['alice', 'VIEWER'],
  ] as const;

  /** Every seed_run row in full, and the queued jobs: what a refused mutation must leave as it was. */
  async function written() {
    const em = app.orm.em.fork();
    const runs = await em.execute<Array<{ run: unknown }>>('select to_jsonb(s) as run from seed_run s order by id');
    const [jobs] = await em.execute<Array<{ count: string }>>('select count(*) from graphile_worker.jobs');
    return { runs: runs.map((row) => row.run), jobs: Number(jobs!.count) };
  }

  async function expectRefused(field: string, query: string, variables?: Record<string, unknown>) {
    for (const [name, role] of BELOW_ADMIN) {
      const before = await written();
      const { response, body } = await post(app.url, { query, variables }, bearer(SECRETS[name]));
      expect(response.status, `${field} as ${name}`).toBe(200);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(body.errors![0]!.message).toBe(`Mutation.${field} needs the ADMIN role; the API token "${name}" has ${role}.`);
      expect(await written(), `${field} as ${name} wrote nothing`).toEqual(before);
    }
  }

  it('refuses seedRunStart, seedRunCancel and seedRunResume to an OPERATOR and a VIEWER, writing nothing; an ADMIN passes', async () => {
    await expectRefused('seedRunStart', START);
    expect((await written()).runs).toEqual([]);

    const started = await app.graphql<{ seedRunStart: { seedRun: { id: string; status: string } } }>(START, undefined, bearer(SECRETS.root));
    expect(started.errors).toBeUndefined();
    expect(started.data!.seedRunStart.seedRun.status).toBe('QUEUED');
    const id = started.data!.seedRunStart.seedRun.id;

    await expectRefused('seedRunCancel', CANCEL, { id });
    const cancelled = await app.graphql<{ seedRunCancel: { seedRun: { status: string } } }>(CANCEL, { id }, bearer(SECRETS.root));
    expect(cancelled.data!.seedRunCancel.seedRun.status).toBe('CANCELLED');

    await expectRefused('seedRunResume', RESUME, { id });
    const resumed = await app.graphql<{ seedRunResume: { seedRun: { status: string } } }>(RESUME, { id }, bearer(SECRETS.root));
    expect(resumed.data!.seedRunResume.seedRun.status).toBe('QUEUED');
    expect((await written()).runs).toHaveLength(1);
  });
});
