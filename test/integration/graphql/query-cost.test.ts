import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { measureOperation } from '../../../src/graphql/limits.js';
import { createAppPubSub } from '../../../src/graphql/pubsub.js';
import { buildAppSchema } from '../../../src/graphql/schema.js';

// The query cost estimate (GRAPHQL_MAX_COST) is only as good as the list sizes it assumes: these pin the
// assumptions of the long lists and hold the documented operations within the default limits.
let schema: GraphQLSchema;
const limits = loadConfig({}).graphql.limits;

beforeAll(async () => {
  schema = await buildAppSchema(createAppPubSub());
});

function measure(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(schema, document, operation, variables);
}

function examples(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? examples(path.join(dir, entry.name)) : entry.name.endsWith('.graphql') ? [path.join(dir, entry.name)] : [],
  );
}

describe('query cost estimate', () => {
  it('sizes a daily series by its range and bucket (a whole stay when no range is given)', () => {
    const series = (args: string) => measure(`query($id: ID!) { assignment(id: $id) { dailySeries${args} { population } } }`, { id: 'x' }).cost;
    // assignment (1) + dailySeries (1) + days × population (1).
    expect(series('(range: { from: "2024-01-01", to: "2024-01-10" })')).toBe(2 + 10);
    expect(series('(range: { from: "2024-01-01", to: "2024-12-31" }, bucket: WEEK)')).toBe(2 + 53);
    expect(series('(bucket: MONTH)')).toBe(2 + Math.ceil(400 / 30));
    expect(series('')).toBe(2 + 400);
    const batchSeries = measure(`query($r: DateRange) { batch(batchNumber: "B") { dailySeries(range: $r) { population } } }`, {
      r: { from: '2024-01-01', to: '2024-03-31' },
    });
    expect(batchSeries.cost).toBe(2 + 91);
    expect(measure(`{ batch(batchNumber: "B") { dailySeries { population } } }`).cost).toBe(2 + 900);
    // Reading series count their days the same way (the range is required there).
    const range = '{ from: "2024-01-01", to: "2026-12-31" }';
    expect(measure(`{ readingSeries(containerId: "x", parameterCode: "TEMPERATURE", range: ${range}) { value } }`).cost).toBe(1 + 1096);
    expect(measure(`{ container(id: "x") { readings(parameterCode: "TEMPERATURE", range: ${range}, bucket: MONTH) { value } } }`).cost).toBe(2 + 37);
  });

  it("rejects by cost a page of batches with every assignment's daily deaths", () => {
    const cost = measure(`{ batches(first: 100) { nodes { assignments { mortalityEvents(first: 400) { nodes { eventDate count } } } } } }`).cost;
    // 100 batches × 50 assignments × 400 days × 2 fields, at least: a connection is costed by its `first`.
    expect(cost).toBeGreaterThan(100 * 50 * 400 * 2);
    expect(cost).toBeGreaterThan(limits.maxCost);
    // Without `first`, the default page (50) is assumed.
    const byDefault = measure(`{ batches(first: 100) { nodes { assignments { mortalityEvents { nodes { eventDate count } } } } } }`).cost;
    expect(byDefault).toBeGreaterThan(100 * 50 * 50 * 2);
    expect(byDefault).toBeLessThan(cost);
    expect(byDefault).toBeGreaterThan(limits.maxCost);
  });

  it('keeps every example operation within the default depth and cost limits', () => {
    const files = examples(path.resolve('examples'));
    expect(files.length).toBeGreaterThan(5);
    let operations = 0;
    for (const file of files) {
      const document = parse(readFileSync(file, 'utf8'));
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        operations++;
        const measured = measureOperation(schema, document, definition, {});
        const name = `${path.basename(file)} ${definition.name?.value}`;
        expect(measured.depth, name).toBeLessThanOrEqual(limits.maxDepth);
        expect(measured.cost, name).toBeLessThanOrEqual(limits.maxCost);
      }
    }
    expect(operations).toBeGreaterThan(30);
  });
});
