import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { defaultPartitionRows } from '../db/partitions.js';
import { sqlStatementCounter } from '../db/sql-statement-counter.js';
import { requestScope, type Logger } from '../logger.js';
import { createContext, type GraphQLContext } from './context.js';

export interface GraphQLServerOptions {
  schema: GraphQLSchema;
  orm: MikroORM;
  log: Logger;
  introspection: boolean;
}

export interface GraphQLServer {
  httpServer: http.Server;
  /** Stops accepting requests and drains HTTP and WebSocket clients. */
  stop(): Promise<void>;
}

const LANDING_PAGE = fs.readFileSync(new URL('./landing-page.html', import.meta.url), 'utf8');
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Apollo Server (HTTP) and graphql-ws (WebSocket) on one http server and one path, `/graphql`, plus `/` (a
 * landing page that works offline) and `/healthz`.
 */
export async function createGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServer> {
  const { schema, orm, log } = options;
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
  const wsCleanup = useServer<Record<string, unknown>, { context?: GraphQLContext }>(
    {
      schema,
      context: (ctx) => createContext(orm.em, `ws-${randomUUID()}`, log),
      onError: (_ctx, _id, _payload, errors) => log.warn({ errors }, 'graphql-ws operation failed'),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskUnexpected(formatted, error, log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      sqlCountPlugin(),
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
  app.get('/', (_req, res) => {
    res.type('html').send(LANDING_PAGE);
  });
  app.get('/healthz', async (_req, res) => {
    const em = orm.em.fork() as EntityManager;
    const defaults = await defaultPartitionRows(em).catch(() => null);
    const database = defaults ? 'up' : 'down';
    const healthy = defaults !== null && Object.keys(defaults).length === 0;
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'degraded',
      database,
      // DEFAULT partitions must stay empty: rows there mean a writer skipped ensure_time_partitions.
      ...(defaults && !healthy ? { defaultPartitionRows: defaults } : {}),
    });
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }) => createContext(orm.em, String(res.getHeader('x-request-id')), log),
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

/** Counts SQL statements per request and logs them with the operation name. */
function sqlCountPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      sqlStatementCounter.start(contextValue.requestId);
      return {
        async willSendResponse({ contextValue: ctx, operationName, response }) {
          const sqlStatements = sqlStatementCounter.finish(ctx.requestId);
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements };
          }
          ctx.log.debug({ operationName, sqlStatements }, 'graphql request');
        },
      };
    },
  };
}
