import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { defaultPartitionRows } from '../db/partitions.js';
import type { Logger } from '../logger.js';
import type { Authenticator, Viewer } from './auth.js';
import { metrics } from './metrics.js';

/**
 * `/healthz` and `/metrics` without a web framework, shared by the API (express, src/graphql/server.ts) and the
 * worker-only process's small node:http listener (src/jobs/metrics-server.ts), so both answer alike.
 */

/** An HTTP answer: status, headers and body to send as they are. */
export interface OpsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): OpsResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});

/** Database reachability: 200 `ok`, or 503 `degraded` when the database is down or DEFAULT partitions hold rows. */
export async function healthResponse(orm: MikroORM): Promise<OpsResponse> {
  const em = orm.em.fork() as EntityManager;
  const defaults = await defaultPartitionRows(em).catch(() => null);
  const database = defaults ? 'up' : 'down';
  const healthy = defaults !== null && Object.keys(defaults).length === 0;
  return json(healthy ? 200 : 503, {
    status: healthy ? 'ok' : 'degraded',
    database,
    // DEFAULT partitions must stay empty: rows there mean a writer skipped ensure_time_partitions.
    ...(defaults && !healthy ? { defaultPartitionRows: defaults } : {}),
  });
}

export type HttpAuthOutcome = { ok: true; viewer: Viewer } | { ok: false; response: OpsResponse };

/**
 * Authenticates an HTTP request by its `Authorization: Bearer <secret>` header. A refusal is counted, logged and
 * comes with the 401 answer to send: a GraphQL-shaped `UNAUTHENTICATED` error and a `WWW-Authenticate` header.
 */
export function authenticateHttpHeader(auth: Authenticator, authorization: string | undefined, path: string, log: Logger): HttpAuthOutcome {
  const result = auth.authenticate(authorization);
  if (result.ok) return { ok: true, viewer: result.viewer };
  metrics.authFailure('http', result.reason);
  log.info({ reason: result.reason, transport: 'http', path }, 'authentication failed');
  const message =
    result.reason === 'missing' ? 'An API token is required: send "Authorization: Bearer <token>".' : 'The API token is not valid.';
  return {
    ok: false,
    response: json(
      401,
      { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] },
      { 'www-authenticate': `Bearer realm="aquagraph"${result.reason === 'invalid' ? ', error="invalid_token"' : ''}` },
    ),
  };
}

/** `GET /metrics`: the Prometheus text, behind a token unless `METRICS_PUBLIC=true`. */
export async function metricsResponse(
  options: { auth: Authenticator; public: boolean; log: Logger },
  authorization: string | undefined,
  path: string,
): Promise<OpsResponse> {
  if (!options.public) {
    const outcome = authenticateHttpHeader(options.auth, authorization, path, options.log);
    if (!outcome.ok) return outcome.response;
  }
  return { status: 200, headers: { 'content-type': metrics.contentType }, body: await metrics.render() };
}
