import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { BatchStatus } from '../../../src/modules/enums.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createBatch, createFarm } from '../../helpers/fixtures.js';

let app: TestApp;
const BATCHES = 60;

beforeAll(async () => {
  app = await startTestApp();
  const em = app.orm.em.fork() as EntityManager;
  const farm = await createFarm(em, { tanks: BATCHES * 2, rings: 0 });
  for (let i = 0; i < BATCHES; i++) {
    // Two tanks per batch; start dates spread so sorting by date differs from sorting by number.
    const day = String(1 + ((i * 7) % 28)).padStart(2, '0');
    await createBatch(em, farm, {
      batchNumber: `FO-2024-${String(i + 1).padStart(3, '0')}`,
      startDate: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${day}`,
      containers: [farm.tanks[2 * i]!, farm.tanks[2 * i + 1]!],
      status: i % 5 === 0 ? BatchStatus.COMPLETED : BatchStatus.ACTIVE,
    });
  }
});

afterAll(() => app.stop());

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $filter: BatchFilter, $orderBy: [BatchOrder!]) {
    batches(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id batchNumber startDate status } }
    }
  }
`;

interface PageData {
  batches: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; batchNumber: string; startDate: string; status: string } }>;
  };
}

describe('batches connection', () => {
  it('walks every batch exactly once with first/after keyset paging', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: { data?: PageData } = await app.graphql<PageData>(PAGE, { first: 25, after });
      const page = res.data!.batches;
      expect(page.totalCount).toBe(BATCHES);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((edge) => edge.node.batchNumber));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(BATCHES);
  });

  it('sorts by start date descending with the id tie-breaker across pages', async () => {
    const orderBy = [{ field: 'START_DATE', direction: 'DESC' }];
    const first = await app.graphql<PageData>(PAGE, { first: 7, orderBy });
    const second = await app.graphql<PageData>(PAGE, { first: 100, orderBy, after: first.data!.batches.pageInfo.endCursor });
    const all = [...first.data!.batches.edges, ...second.data!.batches.edges].map((edge) => edge.node);
    expect(all).toHaveLength(BATCHES);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.startDate >= all[i]!.startDate).toBe(true);
  });

  it('filters by status, search and start-date range, and counts the filtered set', async () => {
    const res = await app.graphql<PageData>(PAGE, {
      filter: { statuses: ['COMPLETED'], startDate: { from: '2024-01-01', to: '2024-06-30' } },
    });
    const nodes = res.data!.batches.edges.map((edge) => edge.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(res.data!.batches.totalCount).toBe(nodes.length);
    for (const node of nodes) {
      expect(node.status).toBe('COMPLETED');
      expect(node.startDate <= '2024-06-30').toBe(true);
    }
    const search = await app.graphql<PageData>(PAGE, { filter: { search: '2024-05' } });
    expect(search.data!.batches.edges.map((edge) => edge.node.batchNumber).sort()).toEqual(
      ['FO-2024-050', 'FO-2024-051', 'FO-2024-052', 'FO-2024-053', 'FO-2024-054', 'FO-2024-055', 'FO-2024-056', 'FO-2024-057', 'FO-2024-058', 'FO-2024-059'],
    );
  });

  it('rejects oversized pages, foreign ids and forged cursors with clear errors', async () => {
    const big = await app.graphql(PAGE, { first: 201 });
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 200/);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const wrongType = await app.graphql(PAGE, { filter: { ids: [toGlobalId('Container', 1)] } });
    expect(wrongType.errors?.[0]?.message).toMatch(/not a Batch id/);
    const forged = await app.graphql(PAGE, { after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.[0]?.message).toMatch(/Invalid cursor/);
    const inverted = await app.graphql(PAGE, { filter: { startDate: { from: '2024-05-01', to: '2024-01-01' } } });
    expect(inverted.errors?.[0]?.message).toMatch(/is after/);
  });

  it('looks a batch up by id or number, and returns null when not found', async () => {
    const query = `query($id: ID, $n: String) { batch(id: $id, batchNumber: $n) { batchNumber } }`;
    const byNumber = await app.graphql<{ batch: { batchNumber: string } | null }>(query, { n: 'FO-2024-007' });
    expect(byNumber.data!.batch?.batchNumber).toBe('FO-2024-007');
    const list = await app.graphql<PageData>(PAGE, { first: 1 });
    const id = list.data!.batches.edges[0]!.node.id;
    const byId = await app.graphql<{ batch: { batchNumber: string } | null }>(query, { id });
    expect(byId.data!.batch?.batchNumber).toBe('FO-2024-001');
    const missing = await app.graphql<{ batch: null }>(query, { id: toGlobalId('Batch', 999_999) });
    expect(missing.data!.batch).toBeNull();
    const node = await app.graphql<{ node: { __typename: string; batchNumber: string } }>(
      `query($id: ID!) { node(id: $id) { __typename ... on Batch { batchNumber } } }`,
      { id },
    );
    expect(node.data!.node).toEqual({ __typename: 'Batch', batchNumber: 'FO-2024-001' });
  });
});

describe('assignments connection', () => {
  it('pages assignments of chosen batches that are active on a day', async () => {
    const list = await app.graphql<PageData>(PAGE, { first: 2 });
    const batchIds = list.data!.batches.edges.map((edge) => edge.node.id);
    const res = await app.graphql<{ assignments: { totalCount: number; edges: Array<{ node: { batch: { batchNumber: string } } }> } }>(
      `query($b: [ID!], $d: Date) { assignments(first: 3, filter: { batchIds: $b, activeOn: $d }) { totalCount edges { node { batch { batchNumber } } } } }`,
      { b: batchIds, d: '2024-12-31' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.assignments.totalCount).toBe(4);
    expect(res.data!.assignments.edges).toHaveLength(3);
    const before = await app.graphql<{ assignments: { totalCount: number } }>(
      `query($b: [ID!]) { assignments(filter: { batchIds: $b, activeOn: "2023-12-31" }) { totalCount } }`,
      { b: batchIds },
    );
    expect(before.data!.assignments.totalCount).toBe(0);
  });
});

describe('N+1 freedom', () => {
  const DEEP = /* GraphQL */ `
    query Deep($first: Int) {
      batches(first: $first) {
        edges {
          node {
            batchNumber
            species { name }
            creation { creationNumber }
            assignments {
              assignmentDate
              expectedDepartureDate
              lifecycleStage { code }
              container { name containerType { code } hall { name station { name geography { code } } } area { name } }
            }
          }
        }
      }
    }
  `;

  it('costs the same small number of SQL statements for 5 and for 50 batches with assignments and containers', async () => {
    const small = await app.graphql<{ batches: { edges: unknown[] } }>(DEEP, { first: 5 });
    const large = await app.graphql<{ batches: { edges: Array<{ node: { assignments: unknown[] } }> } }>(DEEP, { first: 50 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.batches.edges).toHaveLength(50);
    expect(large.data!.batches.edges.every((edge) => edge.node.assignments.length === 2)).toBe(true);
    // batches, species, creation, assignments, stages, containers, container types, halls, stations, geographies
    expect(large.extensions?.sqlStatements).toBe(10);
    expect(small.extensions?.sqlStatements).toBe(large.extensions?.sqlStatements);
  });
});
