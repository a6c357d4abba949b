import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Request, type Response } from 'express';
import {
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config, QueryLimits } from '../config.js';
import { sqlStatementCounter } from '../db/sql-statement-counter.js';
import { requestScope, type Logger, type RequestScope } from '../logger.js';
import { createAuthenticator, type Authenticator, type Viewer } from './auth.js';
import { createContext, type AppServices, type GraphQLContext } from './context.js';
import { queryLimitErrors } from './limits.js';
import { metrics } from './metrics.js';
import { authenticateHttpHeader, healthResponse, metricsResponse, type OpsResponse } from './ops-endpoints.js';

export interface GraphQLServerOptions {
  schema: GraphQLSchema;
  orm: MikroORM;
  log: Logger;
  config: Pick<Config, 'graphql' | 'auth' | 'metrics'>;
  services: AppServices;
}

export interface GraphQLServer {
  httpServer: http.Server;
  /** Stops accepting requests and drains HTTP and WebSocket clients. */
  stop(): Promise<void>;
}

const LANDING_PAGE = fs.readFileSync(new URL('./landing-page.html', import.meta.url), 'utf8');
/** The web dashboard built by `npm run dashboard:build` (served at /app). */
const DASHBOARD_DIST = new URL('../../dashboard/dist/', import.meta.url);
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** graphql-ws close codes: no credentials (like HTTP 401), credentials refused (like HTTP 403). */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
export const WS_CLOSE_FORBIDDEN = 4403;

/** What graphql-ws keeps per connection besides the socket and upgrade request. */
type WsExtra = {
  viewer?: Viewer;
};

/**
 * Apollo Server (HTTP) and graphql-ws (WebSocket) on one http server and one path, `/graphql`, plus `/` (a
 * landing page that works offline), `/healthz` and `/metrics`. Every GraphQL request and WebSocket connection
 * is authenticated by API token (unless in development mode) and every operation is checked against the query
 * limits before it executes.
 */
export async function createGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServer> {
  const { schema, orm, log, config } = options;
  const { introspection, limits } = config.graphql;
  const auth = createAuthenticator(config.auth.tokens);
  if (auth.devMode) {
    log.warn(
      { devMode: true },
      'DEVELOPMENT MODE: AQUAGRAPH_TOKENS is empty, so EVERY REQUEST IS ADMIN (including seed runs). Listening on ' +
        'loopback only. Set AQUAGRAPH_TOKENS="name:ROLE:secret,…" before sharing this server.',
    );
  }
  const app = express();
  const httpServer = http.createServer(app);

  // noServer: the http server's own errors (e.g. EADDRINUSE) must not be re-emitted by the WebSocket server.
  const wsServer = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });
  const wsRules = introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  // Each WebSocket operation gets its own request id in onSubscribe, kept by its subscribe message's payload
  // (graphql-ws hands the same object to every hook of that operation), so every hook, resolver and event of
  // the operation logs under it, as HTTP requests do.
  const wsScopes = new WeakMap<object, RequestScope>();
  const wsScope = (payload: object): RequestScope => wsScopes.get(payload) ?? { requestId: 'ws-unknown' };
  const wsCleanup = useServer<Record<string, unknown>, WsExtra>(
    {
      schema,
      // Authenticates in `connection_init`: `authorization: "Bearer <secret>"` or `token: "<secret>"` in the
      // connection params (browsers cannot set headers on a WebSocket), else the upgrade request's header.
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const credential = params.authorization ?? params.Authorization ?? params.token ?? ctx.extra.request.headers.authorization;
        const result = auth.authenticate(credential);
        if (!result.ok) {
          metrics.authFailure('ws', result.reason);
          log.info({ reason: result.reason, transport: 'ws' }, 'authentication failed');
          // Closing first picks the code; graphql-ws's own close (4403) after `false` is then a no-op.
          if (result.reason === 'missing') ctx.extra.socket.close(WS_CLOSE_UNAUTHENTICATED, 'Unauthorized: API token required');
          else ctx.extra.socket.close(WS_CLOSE_FORBIDDEN, 'Forbidden: invalid API token');
          return false;
        }
        ctx.extra.viewer = result.viewer;
        metrics.wsConnectionOpened();
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.viewer) metrics.wsConnectionClosed();
      },
      // Parse, validate and check limits here (graphql-ws's defaults know neither token nor query limits).
      onSubscribe: (_ctx, _id, payload) => {
        const scope = { requestId: `ws-${randomUUID()}` };
        wsScopes.set(payload, scope);
        return requestScope.run(scope, () => checkWsOperation(payload));
      },
      context: (ctx, _id, payload) => createContext(orm.em, wsScope(payload).requestId, log, ctx.extra.viewer!, options.services),
      execute: (args) => requestScope.run(scopeOf(args), () => execute(args)),
      subscribe: async (args) => {
        const scope = scopeOf(args);
        const result = await requestScope.run(scope, () => subscribe(args));
        return isAsyncIterable(result) ? iterateInScope(result, scope) : result;
      },
      onNext: (_ctx, _id, _payload, args, result) => requestScope.run(scopeOf(args), () => maskExecutionResult(result, log)),
      onError: (_ctx, _id, payload, errors) =>
        requestScope.run(wsScope(payload), () => {
          log.warn({ errors }, 'graphql-ws operation failed');
          // An error thrown by a subscription's event stream arrives here with its own message: mask it too.
          return maskErrors(errors, log).map((error) => error.toJSON());
        }),
    },
    wsServer,
  );

  /** Parses, validates and checks the limits of a WebSocket operation; graphql-ws sends back the errors returned. */
  function checkWsOperation(payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) {
    let document;
    try {
      document = parse(payload.query, { maxTokens: limits.maxTokens });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the query.')];
    }
    const invalid = validate(schema, document, wsRules);
    if (invalid.length > 0) return introspection ? [...invalid] : invalid.map(withoutSuggestions);
    const variables = payload.variables ?? undefined;
    const limitErrors = queryLimitErrors(schema, document, payload.operationName, variables, limits);
    if (limitErrors.length > 0) {
      metrics.limitRejected(String(limitErrors[0]!.extensions.limit));
      return limitErrors.slice(0, 1); // as over HTTP: the first limit exceeded
    }
    metrics.wsOperation(getOperationAST(document, payload.operationName)?.operation ?? 'unknown');
    return { schema, document, operationName: payload.operationName, variableValues: variables };
  }

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection,
    // Without introspection, "Did you mean …?" hints would reveal the schema piece by piece.
    hideSchemaDetailsFromClientErrors: !introspection,
    parseOptions: { maxTokens: limits.maxTokens },
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskUnexpected(formatted, error, log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs cache-control by default; it wraps every field resolver (willResolveField) to collect
      // cache hints this API never sets, which cost a page of 3,250 assignments ~40% of its time.
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      queryLimitsPlugin(schema, limits),
      observabilityPlugin(),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const header = req.header('x-request-id');
    const requestId = header && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    requestScope.run({ requestId }, next);
  });
  if (config.graphql.sandbox) {
    app.get('/', (_req, res) => {
      res.type('html').send(LANDING_PAGE);
    });
    app.get('/explorer', (_req, res) => res.redirect('/app/explorer.html'));
  } else {
    // The sandbox is the landing page's query box and GraphiQL (/explorer, /app/explorer.html): off together.
    app.use('/app', (req, res, next) => (isExplorerFile(req.path) ? res.status(404).type('text').send('Not found') : next()));
  }
  app.use('/app', express.static(fileURLToPath(DASHBOARD_DIST), { index: 'index.html' }), (_req, res) => {
    res.status(503).type('text').send('The dashboard is not built: run `npm run dashboard:build` (npm start does it when missing).');
  });
  app.get('/healthz', async (_req, res) => send(res, await healthResponse(orm)));
  const metricsAccess = { auth, public: config.metrics.public, log };
  app.get('/metrics', async (req, res) => send(res, await metricsResponse(metricsAccess, req.header('authorization'), req.path)));
  app.use(
    '/graphql',
    (req, res, next) => {
      if (authenticateHttp(auth, req, res, log)) next();
    },
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }) =>
        createContext(orm.em, String(res.getHeader('x-request-id')), log, res.locals.viewer as Viewer, options.services),
    }),
  );

  return {
    httpServer,
    async stop() {
      await apollo.stop();
      wsServer.close();
    },
  };
}

/** Logs unexpected errors once and hides their text from clients (CONVENTIONS.md pattern 9). */
function maskUnexpected(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError || !(original instanceof Error)) return formatted;
  log.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Authenticates an HTTP request (see `authenticateHttpHeader`) and keeps the viewer in `res.locals`; else answers 401. */
function authenticateHttp(auth: Authenticator, req: Request, res: Response, log: Logger): boolean {
  const outcome = authenticateHttpHeader(auth, req.header('authorization'), req.path, log);
  if (outcome.ok) {
    res.locals.viewer = outcome.viewer;
    return true;
  }
  send(res, outcome.response);
  return false;
}

function send(res: Response, response: OpsResponse): void {
  res.status(response.status).set(response.headers).send(response.body);
}

/** Rejects an operation over a query limit before it executes (variables known, so `first: $n` counts). */
function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          const errors = queryLimitErrors(schema, document, operationName, request.variables, limits, { http: true });
          if (errors.length > 0) {
            metrics.limitRejected(String(errors[0]!.extensions.limit));
            // Apollo reports one error thrown here; the first exceeded limit (depth, cost, aliases, directives).
            throw errors[0];
          }
        },
      };
    },
  };
}

/**
 * Per request: SQL statements (reported in `extensions.sqlStatements` and logged), and latency and SQL
 * histograms by operation name for `/metrics`.
 */
function observabilityPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      sqlStatementCounter.start(contextValue.requestId);
      return {
        async willSendResponse(requestContext) {
          const { contextValue: ctx, operation, operationName, response } = requestContext;
          const sqlStatements = sqlStatementCounter.finish(ctx.requestId);
          let failed = true;
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements };
            failed = (response.body.singleResult.errors?.length ?? 0) > 0;
          }
          const durationMs = performance.now() - startedAt;
          metrics.graphqlRequest({
            operationName: operation ? operationName : null,
            type: operation?.operation ?? 'invalid',
            outcome: failed ? 'error' : 'ok',
            durationMs,
            sqlStatements,
          });
          ctx.log.debug({ operationName, sqlStatements, durationMs: Math.round(durationMs) }, 'graphql request');
        },
      };
    },
  };
}

/** graphql-ws sends resolver errors as they are: mask unexpected ones as Apollo's formatError does for HTTP. */
export function maskExecutionResult(result: ExecutionResult, log: Logger): ExecutionResult | void {
  if (!result.errors?.some((error) => isUnexpected(error.originalError))) return undefined;
  return { ...result, errors: maskErrors(result.errors, log) };
}

/** Logs each unexpected error once and replaces it by a generic one; GraphQL errors pass unchanged. */
function maskErrors(errors: readonly GraphQLError[], log: Logger): GraphQLError[] {
  return errors.map((error) => {
    if (!isUnexpected(error.originalError)) return error;
    log.error({ err: error.originalError, path: error.path }, 'unexpected error while resolving');
    return new GraphQLError('Internal server error', { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
}

const isUnexpected = (error: unknown): error is Error => error instanceof Error && !(error instanceof GraphQLError);

/** The request scope of a WebSocket operation, from its context (see `createContext`). */
const scopeOf = (args: ExecutionArgs): RequestScope => ({ requestId: (args.contextValue as GraphQLContext).requestId });

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof Object(value)[Symbol.asyncIterator] === 'function';

/**
 * A subscription's events are resolved when graphql-ws pulls them (`next()`), outside the scope the subscription
 * started in: pull each one inside it, so resolvers and pub/sub filters log with the operation's request id. Keeps
 * `return`, which graphql-ws calls to stop a subscription.
 */
function iterateInScope(iterable: AsyncIterable<ExecutionResult>, scope: RequestScope): AsyncGenerator<ExecutionResult> {
  const iterator = iterable[Symbol.asyncIterator]();
  const scoped: AsyncGenerator<ExecutionResult> = {
    next: () => requestScope.run(scope, () => iterator.next()),
    return: (value) =>
      requestScope.run(scope, () => (iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value }))),
    throw: (error) => requestScope.run(scope, () => (iterator.throw ? iterator.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]: () => scoped,
  };
  return scoped;
}

/**
 * Whether a path under /app is the explorer (GraphiQL) page or its entry bundle, decoded and normalised as
 * express.static resolves it (so `/app/%65xplorer.html` or `/app//explorer.html` count too).
 */
function isExplorerFile(requestPath: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return false; // express.static refuses a malformed path itself
  }
  return /^\/explorer(\.html)?$|^\/assets\/explorer-[^/]*$/i.test(path.posix.normalize(decoded).replace(/\/+$/, ''));
}

/** What Apollo's `hideSchemaDetailsFromClientErrors` does for HTTP: no field-name hints without introspection. */
function withoutSuggestions(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message.replace(/ Did you mean(.+)?\?$/, ''), {
    nodes: error.nodes,
    extensions: error.extensions,
  });
}
