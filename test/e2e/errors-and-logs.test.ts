import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { toGlobalId } from '../../src/graphql/common/global-id.js';
import { Loaders } from '../../src/graphql/loaders.js';
import { createLogger } from '../../src/logger.js';
import { addDays, utcDate } from '../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { GrowthFixture } from '../helpers/growth-fixtures.js';
import { wsSubscriptionsStarted } from '../helpers/metrics.js';
import { until } from '../helpers/processes.js';
import { runOverWebSocket } from './ws-client.js';

/** One parsed pino line. */
interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  err?: { message: string; stack?: string; type?: string };
  [key: string]: unknown;
}

const lines: LogLine[] = [];
/** A pino destination that keeps every line the app writes. */
const destination = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
/** Logs like a resolver would (same logger factory, same request scope), from inside spied service calls. */
const resolverLog = createLogger('debug', destination);

const WS_REQUEST_ID = /^ws-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEED_RUN_START = 'mutation { seedRunStart(input: { profile: DEMO }) { seedRun { id } userErrors { code message } } }';
/** A real PostgreSQL error: its message carries the SQL text, which must never reach a client. */
const BROKEN_SQL = 'select no_such_column from seed_run';

let app: TestApp;
let fx: GrowthFixture;
let batchId: number;

beforeAll(async () => {
  // Development mode (every caller ADMIN, seed runs enabled); no in-process worker, so queued jobs stay queued.
  app = await startTestApp({ RUN_WORKER: 'false' }, { logDestination: destination, logLevel: 'debug' });
  fx = await GrowthFixture.create(app.database.url);
  batchId = await fx.batch('LOG-001', addDays(utcDate(new Date()), -20), null);
});
afterAll(async () => {
  await fx.close();
  await app.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes `seedRunStart`'s service call fail the way a broken query would: with a real database error. */
function breakSeedRunStart() {
  return vi.spyOn(app.services.seedRuns, 'start').mockImplementation(async () => {
    resolverLog.info('test: seedRunStart service called');
    await app.orm.em.fork().execute(BROKEN_SQL);
    return 0;
  });
}

const linesSince = (mark: number) => lines.slice(mark);

describe('no internal error text reaches clients', () => {
  it('over HTTP: a database error in a resolver is answered with a generic INTERNAL_SERVER_ERROR and logged once in full', async () => {
    breakSeedRunStart();
    const mark = lines.length;
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'mask-http-1' },
      body: JSON.stringify({ query: SEED_RUN_START }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    const body = JSON.parse(text) as { data: unknown; errors: unknown[] };
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{ message: 'Internal server error', path: ['seedRunStart'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    for (const leak of ['no_such_column', 'does not exist', 'select ', 'stacktrace', '    at ', '.ts:']) expect(text).not.toContain(leak);

    const logged = linesSince(mark).filter((line) => line.msg === 'unexpected error while resolving');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe(50); // error
    expect(logged[0]!.requestId).toBe('mask-http-1');
    expect(logged[0]!.path).toEqual(['seedRunStart']);
    expect(logged[0]!.err!.message).toContain('column "no_such_column" does not exist');
    expect(logged[0]!.err!.stack).toMatch(/\n\s+at /);
  });

  it('over WebSocket: the same error is masked the same way and logged under the operation\'s request id', async () => {
    breakSeedRunStart();
    const mark = lines.length;
    const outcome = await runOverWebSocket(app.url, SEED_RUN_START);
    expect(outcome.result).toEqual({
      data: null,
      errors: [{ message: 'Internal server error', path: ['seedRunStart'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    const logged = linesSince(mark).filter((line) => line.msg === 'unexpected error while resolving');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.err!.message).toContain('no_such_column');
    expect(logged[0]!.requestId).toMatch(WS_REQUEST_ID);
  });
});

describe('request ids on log lines', () => {
  it('over HTTP: every line written while serving a request carries its x-request-id', async () => {
    breakSeedRunStart();
    const mark = lines.length;
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-http-1' },
      body: JSON.stringify({ query: SEED_RUN_START }),
    });
    await response.json();
    const written = linesSince(mark);
    // The resolver's line, the masked error, and the request summary (debug).
    expect(written.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['test: seedRunStart service called', 'unexpected error while resolving', 'graphql request']),
    );
    for (const line of written) expect(line.requestId, line.msg).toBe('logs-http-1');
  });

  it('over WebSocket: lines of a query, of a refused operation and of every subscription event carry a ws-… id', async () => {
    // A query whose resolver logs (and fails).
    breakSeedRunStart();
    let mark = lines.length;
    await runOverWebSocket(app.url, SEED_RUN_START);
    const queryLines = linesSince(mark);
    expect(queryLines.map((line) => line.msg)).toEqual(expect.arrayContaining(['test: seedRunStart service called', 'unexpected error while resolving']));
    const queryId = queryLines[0]!.requestId;
    expect(queryId).toMatch(WS_REQUEST_ID);
    for (const line of queryLines) expect(line.requestId, line.msg).toBe(queryId);

    // An operation refused before it runs (validation).
    mark = lines.length;
    const refused = await runOverWebSocket(app.url, '{ noSuchField }');
    expect(refused.errors![0]!.message).toMatch(/Cannot query field "noSuchField"/);
    const refusedLines = linesSince(mark).filter((line) => line.msg === 'graphql-ws operation failed');
    expect(refusedLines).toHaveLength(1);
    expect(refusedLines[0]!.requestId).toMatch(WS_REQUEST_ID);
    expect(refusedLines[0]!.requestId).not.toBe(queryId);

    // A subscription: each event is resolved long after subscribing, when the event arrives from PostgreSQL.
    const required = Loaders.prototype.required;
    vi.spyOn(Loaders.prototype, 'required').mockImplementation(function (this: Loaders, ...args: Parameters<Loaders['required']>) {
      resolverLog.info('test: resolving a subscription event');
      return required.apply(this, args) as never;
    });
    const subscriptions = await wsSubscriptionsStarted(app.url);
    const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    let stop = () => {};
    const event = new Promise<string>((resolve, reject) => {
      stop = client.subscribe<{ recomputeProgress: { status: string } }>(
        { query: 'subscription($b: ID!) { recomputeProgress(filter: { batchId: $b }) { status } }', variables: { b: toGlobalId('Batch', batchId) } },
        { next: ({ data, errors }) => (errors ? reject(new Error(JSON.stringify(errors))) : resolve(data!.recomputeProgress.status)), error: reject, complete: () => undefined },
      );
    });
    try {
      await until('the subscription to start on the server', 10_000, async () => (await wsSubscriptionsStarted(app.url)) > subscriptions);
      mark = lines.length;
      const queued = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'logs-http-2' },
        body: JSON.stringify({
          query: 'mutation($input: GrowthRecomputeInput!) { growthRecompute(input: $input) { userErrors { code } } }',
          variables: { input: { batchId: toGlobalId('Batch', batchId) } },
        }),
      });
      expect(((await queued.json()) as { data: { growthRecompute: { userErrors: unknown[] } } }).data.growthRecompute.userErrors).toEqual([]);
      expect(await event).toBe('QUEUED');
    } finally {
      stop();
      await client.dispose();
    }
    const eventLines = linesSince(mark).filter((line) => line.msg === 'test: resolving a subscription event');
    expect(eventLines.length).toBeGreaterThanOrEqual(1);
    for (const line of eventLines) {
      expect(line.requestId).toMatch(WS_REQUEST_ID);
      expect([queryId, refusedLines[0]!.requestId]).not.toContain(line.requestId);
    }
    // The mutation that caused the event logs under its own HTTP id.
    const mutationLines = linesSince(mark).filter((line) => line.msg === 'graphql request');
    expect(mutationLines.map((line) => line.requestId)).toContain('logs-http-2');
  });
});
