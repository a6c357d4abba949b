import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from '@mikro-orm/postgresql';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { toGlobalId } from '../../src/graphql/common/global-id.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createFarm } from '../helpers/fixtures.js';
import { runOverWebSocket } from './ws-client.js';

const DASHBOARD_ASSETS = fileURLToPath(new URL('../../dashboard/dist/assets/', import.meta.url));

/** The documented defaults: every test below sends a query at a limit and one just over it. */
const LIMITS = loadConfig({}).graphql.limits;

interface Response {
  status: number;
  elapsedMs: number;
  body: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

let app: TestApp;
let containerId: string;

beforeAll(async () => {
  app = await startTestApp();
  const farm = await createFarm(app.orm.em.fork() as EntityManager, { tanks: 1, rings: 1 });
  containerId = toGlobalId('Container', farm.tanks[0]!.id);
});
afterAll(() => app.stop());

async function send(query: string, variables?: Record<string, unknown>): Promise<Response> {
  const startedAt = performance.now();
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Response['body'];
  return { status: response.status, elapsedMs: performance.now() - startedAt, body };
}

const limitErrors = (res: Response) => (res.body.errors ?? []).filter((error) => error.extensions?.code === 'QUERY_LIMIT_EXCEEDED');

function expectRejected(res: Response, limit: string, message: RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.message).toMatch(message);
  expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit });
}

/** `container { parent { … { name } } }`: `depth` levels of fields, each a single object (cost stays linear). */
function chain(depth: number): string {
  const parents = depth - 2;
  return `{ container(id: "${containerId}") { ${'parent { '.repeat(parents)}name${' }'.repeat(parents)} } }`;
}

describe('query limits (defaults)', () => {
  it(`depth: ${LIMITS.maxDepth} runs, ${LIMITS.maxDepth + 1} is refused`, async () => {
    const atLimit = await send(chain(LIMITS.maxDepth));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data).toEqual({ container: { parent: null } });
    const over = await send(chain(LIMITS.maxDepth + 1));
    expectRejected(over, 'depth', new RegExp(`^Query depth ${LIMITS.maxDepth + 1} exceeds the limit of ${LIMITS.maxDepth}\\.$`));
    expect(over.body.errors![0]!.extensions).toMatchObject({ max: LIMITS.maxDepth, actual: LIMITS.maxDepth + 1 });
  });

  it(`cost: ${LIMITS.maxCost.toLocaleString('en-US')} passes the limit, one more is refused (page sizes from variables count)`, async () => {
    // batches 1 + nodes 1 + first × id 1.
    const query = 'query Page($first: Int) { batches(first: $first) { nodes { id } } }';
    const atLimit = await send(query, { first: LIMITS.maxCost - 2 });
    expect(limitErrors(atLimit)).toEqual([]); // the resolver's own page cap answers instead
    const over = await send(query, { first: LIMITS.maxCost - 1 });
    expectRejected(over, 'cost', /^Query cost 100,001 exceeds the limit of 100,000 \(each field counts 1, times the page size/);

    // Nested plain lists multiply too (10 assumed items each): 1 + 10 × (1 + 10 × (1 + 10 × (1 + 10 × (1 + 10 × 1)))).
    const nested = await send('{ geographies { areas { containers { children { children { name } } } } } }');
    expectRejected(nested, 'cost', /^Query cost 111,111 exceeds the limit of 100,000/);
    const small = await send('query Small { batches(first: 200) { nodes { id batchNumber } pageInfo { hasNextPage } } }');
    expect(small.body.errors).toBeUndefined();
  });

  it(`aliases: ${LIMITS.maxAliases} run, ${LIMITS.maxAliases + 1} are refused`, async () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `v${i}: viewer { name }`).join(' ')} }`;
    const atLimit = await send(aliased(LIMITS.maxAliases));
    expect(atLimit.body.errors).toBeUndefined();
    expect(Object.keys(atLimit.body.data!)).toHaveLength(LIMITS.maxAliases);
    expectRejected(await send(aliased(LIMITS.maxAliases + 1)), 'aliases', /^Query uses 31 aliases; the limit is 30\.$/);
  });

  it(`directives: ${LIMITS.maxDirectives} run, ${LIMITS.maxDirectives + 1} are refused`, async () => {
    const directed = (count: number) => `{ ${Array.from({ length: count }, () => '... @include(if: true) { viewer { name } }').join(' ')} }`;
    const atLimit = await send(directed(LIMITS.maxDirectives));
    expect(atLimit.body.errors).toBeUndefined();
    expectRejected(await send(directed(LIMITS.maxDirectives + 1)), 'directives', /^Query uses 51 directives; the limit is 50\.$/);
  });

  it(`tokens: ${LIMITS.maxTokens.toLocaleString('en-US')} parse, one more is refused while parsing`, async () => {
    // `{ nodes ( ids : [` + n strings + `] ) { id } }` is 12 + n tokens (commas do not count).
    const idList = (count: number) => `{ nodes(ids: [${Array.from({ length: count }, () => `"${containerId}"`).join(', ')}]) { id } }`;
    const atLimit = await send(idList(LIMITS.maxTokens - 12));
    // Parsed and within the other limits; the resolver's own cap (200 ids) answers.
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.errors?.map((error) => error.extensions?.code)).not.toContain('GRAPHQL_PARSE_FAILED');
    expect(limitErrors(atLimit)).toEqual([]);
    const over = await send(idList(LIMITS.maxTokens - 11));
    expect(over.status).toBe(400);
    expect(over.body.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(over.body.errors![0]!.message).toMatch(/Document contains more that 10000 tokens\. Parsing aborted\./);
  });

  it('refuses a fragment cycle at once', async () => {
    const res = await send(`
      query Cycle { container(id: "${containerId}") { ...A } }
      fragment A on Container { parent { ...B } }
      fragment B on Container { parent { ...A } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0]!.message).toMatch(/Cannot spread fragment "A" within itself via "B"/);
    expect(res.elapsedMs).toBeLessThan(2_000);
  });

  it('refuses a fragment bomb (2^40 fields) at once, by cost', async () => {
    // Each fragment selects the next one twice under two aliases: 2^40 fields when expanded, 3 KB of text.
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Container { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }`,
    ).join('\n');
    const res = await send(`query Bomb { container(id: "${containerId}") { ...F0 } }\n${fragments}\nfragment F${levels} on Container { name }`);
    expect(res.status).toBe(400);
    expect(limitErrors(res)[0]!.message).toMatch(/^Query depth 42 exceeds the limit of 20\./);
    expect(res.elapsedMs).toBeLessThan(2_000);

    // The same bomb within the depth limit is refused by cost (3 × 2^16 − 1), not by depth.
    const shallow = 16;
    const shallowFragments = Array.from(
      { length: shallow },
      (_, i) => `fragment F${i} on Container { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }`,
    ).join('\n');
    const res2 = await send(`{ container(id: "${containerId}") { ...F0 } }\n${shallowFragments}\nfragment F${shallow} on Container { name }`);
    expectRejected(res2, 'cost', /^Query cost 196,607 exceeds the limit of 100,000/);
    expect(res2.elapsedMs).toBeLessThan(2_000);
  });

  it('answers a flat fragment bomb quickly: a fragment spread twice in one selection runs once', async () => {
    const levels = 60;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Container { name ...F${i + 1} ...F${i + 1} }`).join('\n');
    const res = await send(`{ container(id: "${containerId}") { ...F0 } }\n${fragments}\nfragment F${levels} on Container { id }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ container: { name: 'A-T01', id: containerId } });
    expect(res.elapsedMs).toBeLessThan(2_000);
  });

  it('lets the standard introspection query through (depth 15, cost about 50,000)', async () => {
    const res = await send(getIntrospectionQuery());
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data!.__schema as { types: unknown[] }).types.length).toBeGreaterThan(50);
  });

  it('applies the same limits over WebSocket', async () => {
    const over = await runOverWebSocket(app.url, chain(LIMITS.maxDepth + 1));
    expect(over.errors).toHaveLength(1);
    expect(over.errors![0]).toMatchObject({
      message: `Query depth ${LIMITS.maxDepth + 1} exceeds the limit of ${LIMITS.maxDepth}.`,
      extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth' },
    });
    const tooManyTokens = await runOverWebSocket(app.url, `{ ${'__typename '.repeat(LIMITS.maxTokens)}}`);
    expect(tooManyTokens.errors![0]!.message).toMatch(/more that 10000 tokens/);
    const fine = await runOverWebSocket(app.url, chain(LIMITS.maxDepth));
    expect(fine.result?.data).toEqual({ container: { parent: null } });
  });
});

describe('limits, introspection and sandbox from configuration', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_COST: '20',
      GRAPHQL_MAX_ALIASES: '1',
      GRAPHQL_MAX_DIRECTIVES: '1',
      GRAPHQL_MAX_TOKENS: '40',
      GRAPHQL_INTROSPECTION: 'false',
      GRAPHQL_SANDBOX: 'false',
    });
  });
  afterAll(() => strict.stop());

  it('uses the configured limits', async () => {
    const depth = await strict.graphql('{ geographies { areas { geography { code } } } }');
    expect(depth.errors![0]!.message).toBe('Query depth 4 exceeds the limit of 3.');
    const cost = await strict.graphql('{ geographies { code name } }');
    expect(cost.errors![0]!.message).toMatch(/^Query cost 21 exceeds the limit of 20/);
    const aliases = await strict.graphql('{ a: viewer { name } b: viewer { role } }');
    expect(aliases.errors![0]!.message).toBe('Query uses 2 aliases; the limit is 1.');
    const directives = await strict.graphql('{ viewer @include(if: true) { name @skip(if: false) } }');
    expect(directives.errors![0]!.message).toBe('Query uses 2 directives; the limit is 1.');
    const ok = await strict.graphql<{ viewer: { name: string } }>('{ viewer { name } }');
    expect(ok.data!.viewer.name).toBe('dev');
  });

  it('refuses introspection and hides field suggestions when introspection is off; no landing page', async () => {
    const introspection = await strict.graphql('{ __schema { queryType { name } } }');
    expect(introspection.errors![0]!.message).toMatch(/introspection is not allowed/);
    const typo = await strict.graphql('{ viewr { name } }');
    expect(typo.errors![0]!.message).toBe('Cannot query field "viewr" on type "Query".');
    const overSocket = await runOverWebSocket(strict.url, '{ __type(name: "Batch") { name } }');
    expect(overSocket.errors![0]!.message).toMatch(/introspection/);
    const typoOverSocket = await runOverWebSocket(strict.url, '{ viewr { name } }');
    expect(typoOverSocket.errors![0]!.message).toBe('Cannot query field "viewr" on type "Query".');
    expect((await fetch(`${strict.url}/`)).status).toBe(404);
  });

  it('serves no sandbox page at all when the sandbox is off: landing page, /explorer and GraphiQL under /app', async () => {
    const status = async (url: string, method = 'GET') => (await fetch(url, { method, redirect: 'manual' })).status;
    for (const path of SANDBOX_PATHS) {
      expect(await status(`${strict.url}${path}`), path).toBe(404);
      expect(await status(`${strict.url}${path}`, 'HEAD'), `HEAD ${path}`).toBe(404);
    }
    // The dashboard itself stays (200 when built, 503 when not); so does the GraphQL endpoint.
    expect(await status(`${strict.url}/app/`)).not.toBe(404);
    expect((await strict.graphql('{ viewer { name } }')).errors).toBeUndefined();
    // With the sandbox on (the default app), the same pages are there.
    expect(await status(`${app.url}/`)).toBe(200);
    expect(await status(`${app.url}/explorer`)).toBe(302);
    for (const path of ['/app/explorer.html', EXPLORER_BUNDLE]) expect(await status(`${app.url}${path}`), path).not.toBe(404);
  });
});

/** GraphiQL's entry bundle as built (`npm run dashboard:build`), or a name of that shape when not built. */
const EXPLORER_BUNDLE = `/app/assets/${
  (fs.existsSync(DASHBOARD_ASSETS) ? fs.readdirSync(DASHBOARD_ASSETS) : []).find((name) => /^explorer-.*\.js$/.test(name)) ?? 'explorer-0000.js'
}`;

/** Every way to reach the sandbox, spelled as express and express.static would still resolve it. */
const SANDBOX_PATHS = [
  '/',
  '/explorer',
  '/explorer/',
  '/EXPLORER',
  '/app/explorer.html',
  '/app/Explorer.html',
  '/app/explorer.html/',
  '/app/%65xplorer.html',
  '/app//explorer.html',
  '/app/assets/../explorer.html',
  '/app/explorer.html?x=1',
  EXPLORER_BUNDLE,
];
