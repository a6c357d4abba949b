import { createClient, type Client } from 'graphql-ws';

/** The API token (Bearer) kept in localStorage; empty in development mode. */
export function token(): string {
  return localStorage.getItem('aquagraph.token') ?? '';
}
export function setToken(value: string): void {
  localStorage.setItem('aquagraph.token', value);
  wsClient?.dispose();
  wsClient = undefined;
}

export class GraphQLRequestError extends Error {}

/** POSTs one operation of a document (the typed result comes from generated/operations.ts). */
export async function gql<TData, TVars extends object = Record<string, never>>(
  document: string,
  operationName: string,
  variables?: TVars,
): Promise<TData> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token()) headers.authorization = `Bearer ${token()}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: document, operationName, variables: variables ?? {} }),
  });
  const body = (await response.json()) as { data?: TData; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new GraphQLRequestError(body.errors.map((e) => e.message).join('; '));
  if (!body.data) throw new GraphQLRequestError(`HTTP ${response.status}`);
  return body.data;
}

let wsClient: Client | undefined;
function ws(): Client {
  wsClient ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (token() ? { authorization: `Bearer ${token()}` } : {}),
    lazy: true,
  });
  return wsClient;
}

/** Subscribes to one operation over graphql-ws; returns the unsubscribe function. */
export function subscribe<TData, TVars extends object>(
  document: string,
  operationName: string,
  variables: TVars,
  onData: (data: TData) => void,
  onError: (message: string) => void,
): () => void {
  return ws().subscribe<TData>(
    { query: document, operationName, variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors.map((e) => e.message).join('; '));
        else if (result.data) onData(result.data as TData);
      },
      error: (error) => onError(error instanceof Error ? error.message : `connection closed (${String((error as CloseEvent)?.code ?? error)})`),
      complete: () => undefined,
    },
  );
}

export const fmt = {
  int: (v: number | null | undefined) => (v == null ? '–' : Math.round(v).toLocaleString('en')),
  num: (v: number | null | undefined, digits = 1) =>
    v == null ? '–' : v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  tonnes: (kg: number | null | undefined) => (kg == null ? '–' : `${(kg / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} t`),
  pct: (v: number | null | undefined) => (v == null ? '–' : `${v.toFixed(1)} %`),
};

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** YYYY-MM-DD (UTC) to uPlot's x (seconds). */
export const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
