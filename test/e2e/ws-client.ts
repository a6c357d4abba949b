import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface WsOutcome<T> {
  /** The last result received (for a query: the only one). */
  result?: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  /** Operation errors sent by the server (validation, limits). */
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Close code when the server closed the socket (e.g. 4401, 4403). */
  closeCode?: number;
}

/** Runs one operation over graphql-ws (no retries) and reports its result, its errors or the close code. */
export async function runOverWebSocket<T = Record<string, unknown>>(
  httpUrl: string,
  query: string,
  options: { connectionParams?: Record<string, unknown>; variables?: Record<string, unknown> } = {},
): Promise<WsOutcome<T>> {
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: options.connectionParams,
  });
  try {
    return await new Promise<WsOutcome<T>>((resolve) => {
      const outcome: WsOutcome<T> = {};
      client.subscribe<T>(
        { query, variables: options.variables },
        {
          next: (value) => (outcome.result = value as WsOutcome<T>['result']),
          error: (error) => {
            if (Array.isArray(error)) outcome.errors = error;
            else if (error && typeof error === 'object' && 'code' in error) outcome.closeCode = (error as { code: number }).code;
            else outcome.errors = [{ message: String(error) }];
            resolve(outcome);
          },
          complete: () => resolve(outcome),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}
