import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCursorValues } from '../../helpers/cursors.js';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

/**
 * `batches(orderBy:)` on the derived fields POPULATION, BIOMASS_KG and AVG_WEIGHT_G: each batch's latest
 * batch_daily_state row on or before today; batches without one sort last in both directions.
 */

let app: TestApp;
let fx: GrowthFixture;
const today = utcDate(new Date());

interface Current {
  batchNumber: string;
  id: number;
  population: number | null;
  biomassKg: number | null;
  avgWeightG: number | null;
}
const batches: Current[] = [];

/** [population, biomass kg, avg weight g] of the latest row; null = no state at all. Ties test the id tie-breaker. */
const STATES: Array<[number, number, number | null] | null> = [
  [10_000, 1_000, 100],
  [25_000, 500, 20],
  [10_000, 2_000, 200],
  null,
  [5_000, 1_000, 200],
  [0, 0, null],
  [40_000, 4_000.5, 100.25],
  null,
  [25_000, 250.75, 10.03],
  [10_000, 1_000, 100],
  null,
  [7_500, 3_000, 400],
  null,
];

async function state(batchId: number, date: string, population: number, biomassKg: number, avgWeightG: number | null) {
  await fx.sql.query(
    `insert into batch_daily_state (batch_id, date, population, biomass_kg, avg_weight_g, feed_kg, growth_kg, mortality_count,
                                    placement_count, transfer_mortality_count, harvest_count, count_adjustment, container_count, anchor_count)
     values ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, 0, 0, 1, 0)`,
    [batchId, date, population, biomassKg, avgWeightG],
  );
}

beforeAll(async () => {
  app = await startTestApp();
  fx = await GrowthFixture.create(app.database.url);
  for (const [i, current] of STATES.entries()) {
    const batchNumber = `ORD-${String(i + 1).padStart(3, '0')}`;
    const id = await fx.batch(batchNumber, '2024-01-01', null);
    if (current) {
      const [population, biomassKg, avgWeightG] = current;
      // An older row with other figures, the latest row on or before today, and (for some) a future row that
      // must not count: only the latest row up to today is the current state.
      await state(id, addDays(today, -10), population + 999, biomassKg + 999, 999);
      await state(id, addDays(today, -1 - (i % 3)), population, biomassKg, avgWeightG);
      if (i % 2 === 0) await state(id, addDays(today, 3), 1_000_000 + i, 999_999, 9_999);
    }
    batches.push({ batchNumber, id, population: current?.[0] ?? null, biomassKg: current?.[1] ?? null, avgWeightG: current?.[2] ?? null });
  }
});

afterAll(async () => {
  await fx.close();
  await app.stop();
});

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $filter: BatchFilter, $orderBy: [BatchOrder!]) {
    batches(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { batchNumber } }
    }
  }
`;

interface PageData {
  batches: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { batchNumber: string } }>;
  };
}

/** Every batch number in the order the connection gives, walking pages of `first`. */
async function walk(orderBy: unknown, first: number, filter?: unknown): Promise<{ numbers: string[]; pages: number }> {
  const numbers: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const res: { data?: PageData; errors?: unknown } = await app.graphql<PageData>(PAGE, { first, after, orderBy, filter });
    expect(res.errors).toBeUndefined();
    const page = res.data!.batches;
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    numbers.push(...page.edges.map((edge) => edge.node.batchNumber));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages++;
  } while (after);
  return { numbers, pages };
}

/** The expected order: values in the direction, ties by id, batches without a value last (by id). */
function expected(key: 'population' | 'biomassKg' | 'avgWeightG', direction: 'ASC' | 'DESC', rows: Current[] = batches): string[] {
  const sign = direction === 'ASC' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const [va, vb] = [a[key], b[key]];
      if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
      return va === vb ? a.id - b.id : sign * (va - vb);
    })
    .map((row) => row.batchNumber);
}

describe('batches ordered by derived current-state fields', () => {
  const cases = [
    ['POPULATION', 'population'],
    ['BIOMASS_KG', 'biomassKg'],
    ['AVG_WEIGHT_G', 'avgWeightG'],
  ] as const;
  for (const [field, key] of cases) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`pages through all batches by ${field} ${direction}, each exactly once and in order, nulls last`, async () => {
        const { numbers, pages } = await walk([{ field, direction }], 4);
        expect(pages).toBe(Math.ceil(batches.length / 4));
        expect(new Set(numbers).size).toBe(batches.length);
        expect(numbers).toEqual(expected(key, direction));
      });
    }
  }

  it('pages one batch at a time through the ties and the batches without a state', async () => {
    const { numbers, pages } = await walk([{ field: 'POPULATION', direction: 'DESC' }], 1);
    expect(pages).toBe(batches.length);
    expect(numbers).toEqual(expected('population', 'DESC'));
  });

  it('combines a derived key with a stored one, and with the population filter', async () => {
    const { numbers } = await walk([{ field: 'POPULATION', direction: 'ASC' }, { field: 'BATCH_NUMBER', direction: 'DESC' }], 3);
    const byPopulationThenNumberDesc = [...batches]
      .sort((a, b) => {
        if (a.population === null || b.population === null) {
          return a.population === b.population ? (a.batchNumber < b.batchNumber ? 1 : -1) : a.population === null ? 1 : -1;
        }
        return a.population - b.population || (a.batchNumber < b.batchNumber ? 1 : -1);
      })
      .map((row) => row.batchNumber);
    expect(numbers).toEqual(byPopulationThenNumberDesc);

    const filter = { population: { min: 7_500, max: 25_000 } };
    const filtered = await walk([{ field: 'BIOMASS_KG', direction: 'DESC' }], 2, filter);
    const inRange = batches.filter((b) => b.population !== null && b.population >= 7_500 && b.population <= 25_000);
    expect(filtered.numbers).toEqual(expected('biomassKg', 'DESC', inRange));
    const count = await app.graphql<PageData>(PAGE, { first: 1, filter, orderBy: [{ field: 'BIOMASS_KG', direction: 'DESC' }] });
    expect(count.data!.batches.totalCount).toBe(inRange.length);
  });

  it('rejects a cursor whose sort value does not fit the key, or that comes from another order', async () => {
    const genuine = await app.graphql<PageData>(PAGE, { first: 1, orderBy: [{ field: 'POPULATION', direction: 'ASC' }] });
    const forged = withCursorValues(genuine.data!.batches.pageInfo.endCursor!, ['not-a-number']);
    const res = await app.graphql(PAGE, { after: forged, orderBy: [{ field: 'POPULATION', direction: 'ASC' }] });
    expect(res.errors?.[0]?.message).toMatch(/Invalid cursor/);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const other = await app.graphql<PageData>(PAGE, { first: 2, orderBy: [{ field: 'POPULATION', direction: 'ASC' }, { field: 'START_DATE' }] });
    const mismatched = await app.graphql(PAGE, { after: other.data!.batches.pageInfo.endCursor, orderBy: [{ field: 'POPULATION' }] });
    expect(mismatched.errors?.[0]?.message).toMatch(/Invalid cursor/);
    const wrongType = await app.graphql(PAGE, { filter: { ids: [toGlobalId('Container', batches[0]!.id)] }, orderBy: [{ field: 'AVG_WEIGHT_G' }] });
    expect(wrongType.errors?.[0]?.message).toMatch(/not a Batch id/);
  });
});
