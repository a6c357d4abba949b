import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { createAuthenticator } from '../graphql/auth.js';
import { healthResponse, metricsResponse, type OpsResponse } from '../graphql/ops-endpoints.js';
import type { Logger } from '../logger.js';

export interface MetricsServer {
  /** Base URL once listening, e.g. http://127.0.0.1:9464. */
  url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

export class MetricsPortInUseError extends Error {
  override name = 'MetricsPortInUseError';
}

/**
 * The worker-only process's HTTP listener (WORKER_METRICS_PORT): `GET /metrics` (this process's registry, behind a
 * token unless METRICS_PUBLIC=true, as on the API) and `GET /healthz` (database reachability, as on the API).
 * Nothing else: no GraphQL, no dashboard.
 */
export async function startMetricsServer(options: {
  orm: MikroORM;
  log: Logger;
  listen: { host: string; port: number };
  config: Pick<Config, 'auth' | 'metrics'>;
}): Promise<MetricsServer> {
  const { orm, log, config } = options;
  const access = { auth: createAuthenticator(config.auth.tokens), public: config.metrics.public, log };

  const answer = async (req: http.IncomingMessage): Promise<OpsResponse> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' && path !== '/healthz') return text(404, 'Not found: this worker serves /metrics and /healthz only.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const refused = text(405, 'Method not allowed.');
      return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
    }
    return path === '/healthz' ? healthResponse(orm) : metricsResponse(access, req.headers.authorization, path);
  };

  const server = http.createServer((req, res) => {
    answer(req)
      .catch((error: Error) => {
        log.error({ err: error, url: req.url }, 'worker metrics request failed');
        return text(500, 'Internal server error.');
      })
      .then((response) => {
        res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
        res.end(req.method === 'HEAD' ? undefined : response.body);
      });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const { host, port } = options.listen;
      reject(error.code === 'EADDRINUSE' ? new MetricsPortInUseError(`port ${port} on ${host} is already in use (set WORKER_METRICS_PORT)`) : error);
    };
    server.once('error', onError);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.listen.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function text(status: number, body: string): OpsResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
