import { expect } from 'vitest';
import { fromGlobalId } from '../../src/graphql/common/global-id.js';
import type { GraphQLResponse, TestApp } from './app.js';

/** The parts of a Relay connection the list tests read. */
export interface Connection<N> {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: N }>;
}

export const numericId = (globalId: string) => fromGlobalId(globalId)!.id;

/**
 * Walks a top-level connection page by page, checking every page's shape; returns the nodes in order, their
 * numeric ids, the number of pages and the first page's totalCount.
 */
export async function walkConnection<N extends { id: string }>(
  app: TestApp,
  query: string,
  field: string,
  variables: Record<string, unknown>,
  first: number,
) {
  const nodes: N[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount: number | undefined;
  do {
    const res: GraphQLResponse<Record<string, Connection<N>>> = await app.graphql<Record<string, Connection<N>>>(query, { ...variables, first, after });
    expect(res.errors).toBeUndefined();
    const page = res.data![field]!;
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.edges.length).toBeLessThanOrEqual(first);
    totalCount ??= page.totalCount;
    nodes.push(...page.edges.map((edge) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages++;
  } while (after);
  return { ids: nodes.map((node) => numericId(node.id)), nodes, pages, totalCount };
}

export type Key<R> = (row: R) => string | number | null;

/** Ids of rows sorted by the keys (nulls last in both directions), then by id ascending: the lists' documented order. */
export function sortedIds<R extends { id: number }>(rows: R[], keys: Array<[Key<R>, 'ASC' | 'DESC']>): number[] {
  const compare = (a: R, b: R): number => {
    for (const [read, direction] of keys) {
      const x = read(a);
      const y = read(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (direction === 'ASC' ? 1 : -1);
    }
    return a.id - b.id;
  };
  return [...rows].sort(compare).map((row) => row.id);
}

export const ascending = (values: number[]) => [...values].sort((a, b) => a - b);

/** Asserts that a request was rejected with a client error matching `message`, without running any SQL. */
export function expectRejected(res: GraphQLResponse<unknown>, message: RegExp) {
  expect(res.errors?.[0]?.message).toMatch(message);
  expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.data ?? null).toBeNull();
  expect(res.extensions?.sqlStatements).toBe(0);
}
