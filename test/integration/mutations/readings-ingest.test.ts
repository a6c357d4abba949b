import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { daysAgo, gid, MutationEnv, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

const INGEST = `mutation($input: EnvironmentalReadingsIngestInput!) {
  environmentalReadingsIngest(input: $input) {
    inserted duplicates dailyRowsWritten
    recomputeJobs { status fromDate batch { batchNumber } }
    ${USER_ERRORS}
  }
}`;

interface IngestResult {
  environmentalReadingsIngest: {
    inserted: number;
    duplicates: number;
    dailyRowsWritten: number;
    recomputeJobs: Array<{ status: string; fromDate: string; batch: { batchNumber: string } }>;
    userErrors: UserErrorShape[];
  };
}

interface Reading {
  containerId: string;
  parameterCode: string;
  readingTime: string;
  value: number;
  sensorId?: string;
  isManual?: boolean;
}

async function ingest(readings: Reading[]) {
  const res = await env.mutate<IngestResult>(INGEST, { input: { readings } });
  expect(res.errors).toBeUndefined();
  return res.data!.environmentalReadingsIngest;
}

const firstDay = daysAgo(12);

/**
 * 10,000 readings: 5 tanks × (TEMPERATURE, OXYGEN) × 1,000 instants 10 minutes apart (about 7 days from
 * firstDay), values varying by tank, parameter and time.
 */
function tenThousand(): Reading[] {
  const readings: Reading[] = [];
  const t0 = Date.parse(`${firstDay}T00:00:00Z`);
  for (let tank = 0; tank < 5; tank++) {
    for (const code of ['TEMPERATURE', 'OXYGEN']) {
      for (let k = 0; k < 1_000; k++) {
        readings.push({
          containerId: gid('Container', env.ids.tanks[tank]!),
          parameterCode: code,
          readingTime: new Date(t0 + k * 600_000).toISOString(),
          value: Math.round(((code === 'TEMPERATURE' ? 8 : 9) + tank * 0.5 + Math.sin(k / 37) * 1.5) * 10_000) / 10_000,
        });
      }
    }
  }
  return readings;
}

/** The daily statistics the readings imply (UTC days), keyed container|parameter|day. */
function expectedDaily(readings: Reading[], parameters: Record<string, number>) {
  const groups = new Map<string, number[]>();
  for (const r of readings) {
    const container = Number(Buffer.from(r.containerId, 'base64url').toString().split(':')[1]);
    const key = `${container}|${parameters[r.parameterCode]}|${r.readingTime.slice(0, 10)}`;
    const values = groups.get(key) ?? [];
    values.push(r.value);
    groups.set(key, values);
  }
  return new Map(
    [...groups].map(([key, values]) => [
      key,
      {
        avg: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10_000) / 10_000,
        min: Math.min(...values),
        max: Math.max(...values),
        count: values.length,
      },
    ]),
  );
}

describe('environmentalReadingsIngest', () => {
  let batch: { id: number; assignments: number[] };
  const readings = () => tenThousand();

  beforeAll(async () => {
    // Tank 1 holds a batch from 20 days ago; tank 2 one that arrived 2 days ago (after the readings end + 7).
    batch = await env.batch('ENV-001', daysAgo(20), [env.ids.tanks[0]!], 1_000, 50);
    await env.batch('ENV-002', daysAgo(2), [env.ids.tanks[1]!], 1_000, 50);
  });

  it('stores 10,000 readings, writes the daily statistics and marks temperature-covered assignments dirty from d − 7', async () => {
    const input = readings();
    const result = await ingest(input);
    expect(result.userErrors).toEqual([]);
    expect(result.inserted).toBe(10_000);
    expect(result.duplicates).toBe(0);

    const expected = expectedDaily(input, env.ids.parameters);
    expect(result.dailyRowsWritten).toBe(expected.size);
    const daily = await env.rows<{ container_id: number; parameter_id: number; date: string; avg_value: number; min_value: number; max_value: number; reading_count: number }>(
      'select * from environmental_daily',
    );
    expect(daily).toHaveLength(expected.size);
    for (const row of daily) {
      const e = expected.get(`${row.container_id}|${row.parameter_id}|${row.date}`)!;
      expect(row, `${row.container_id} ${row.date}`).toMatchObject({ avg_value: e.avg, min_value: e.min, max_value: e.max, reading_count: e.count });
    }

    // Tank 1: readings from firstDay on; its assignment (arrived 20 days ago) is dirty from firstDay − 7.
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(firstDay, -7));
    // Tank 2's batch arrived 2 days ago: the readings' last day + 7 reaches it, so it is dirty from its arrival.
    const lastDay = input.at(-1)!.readingTime.slice(0, 10);
    const tank2 = await env.one<{ dirty_from: string | null; assignment_date: string }>(
      'select dirty_from, assignment_date from batch_container_assignment where container_id = $1',
      [env.ids.tanks[1]],
    );
    expect(tank2.dirty_from).toBe(addDays(lastDay, 7) >= tank2.assignment_date ? tank2.assignment_date : null);
    expect(result.recomputeJobs.map((j) => j.batch.batchNumber).sort()).toEqual(
      addDays(lastDay, 7) >= tank2.assignment_date ? ['ENV-001', 'ENV-002'] : ['ENV-001'],
    );
    expect(result.recomputeJobs.every((j) => j.status === 'QUEUED')).toBe(true);
    const readingRow = await env.one<{ recorded_by: string; n: number }>('select min(recorded_by) as recorded_by, count(*)::int as n from environmental_reading');
    expect(readingRow).toEqual({ recorded_by: 'ops', n: 10_000 });
  });

  it('is idempotent: the same 10,000 again insert nothing, rewrite nothing and queue nothing', async () => {
    await env.sql.query(`update recompute_job set status = 'SUCCEEDED' where status = 'QUEUED'`);
    const before = await env.counts();
    const started = performance.now();
    const result = await ingest(readings());
    console.log(`re-ingest of 10,000 duplicates: ${(performance.now() - started).toFixed(0)} ms`);
    expect(result).toMatchObject({ inserted: 0, duplicates: 10_000, dailyRowsWritten: 0, recomputeJobs: [], userErrors: [] });
    expect(await env.counts()).toEqual(before);
  });

  it('merges new readings into the day statistics of existing ones (and deduplicates repeats within a call)', async () => {
    const day = firstDay;
    const extra: Reading[] = [
      { containerId: gid('Container', env.ids.tanks[0]!), parameterCode: 'OXYGEN', readingTime: `${day}T00:05:00.000Z`, value: 30 },
      { containerId: gid('Container', env.ids.tanks[0]!), parameterCode: 'OXYGEN', readingTime: `${day}T00:05:00.000Z`, value: 31 },
      { containerId: gid('Container', env.ids.tanks[0]!), parameterCode: 'OXYGEN', readingTime: `${day}T00:00:00.000Z`, value: 99 },
    ];
    const result = await ingest(extra);
    expect(result).toMatchObject({ inserted: 1, duplicates: 2, dailyRowsWritten: 1, recomputeJobs: [] });
    const row = await env.one<{ max_value: number; reading_count: number }>(
      'select max_value, reading_count from environmental_daily where container_id = $1 and parameter_id = $2 and date = $3',
      [env.ids.tanks[0], env.ids.parameters.OXYGEN, day],
    );
    expect(row.max_value).toBe(30);
    expect(row.reading_count).toBe(145);
  });

  it('answers oversized calls, unknown parameter codes and bad ids with user errors naming the reading, writing nothing', async () => {
    const before = await env.counts();
    const good = readings().slice(0, 10).map((r) => ({ ...r, readingTime: r.readingTime.replace(firstDay, daysAgo(40)) }));

    const oversized = await ingest(Array.from({ length: 10_001 }, () => good[0]!));
    expect(oversized.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'readings'] })]);

    const unknown = await ingest(good.map((r, i) => (i === 5 ? { ...r, parameterCode: 'LIGHT' } : r)));
    expect(unknown.userErrors).toEqual([
      expect.objectContaining({ code: 'VALIDATION', field: ['input', 'readings', '5', 'parameterCode'], message: expect.stringContaining('LIGHT') }),
    ]);

    const badContainer = await ingest(good.map((r, i) => (i === 3 ? { ...r, containerId: gid('Container', 777_777) } : r)));
    expect(badContainer.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'readings', '3', 'containerId'] })]);

    const malformed = await ingest(good.map((r, i) => (i === 2 ? { ...r, containerId: 'nope' } : r)));
    expect(malformed.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'readings', '2', 'containerId'] });

    const future = await ingest(good.map((r, i) => (i === 7 ? { ...r, readingTime: new Date(Date.now() + 3 * 86_400_000).toISOString() } : r)));
    expect(future.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'readings', '7', 'readingTime'] });

    const huge = await ingest(good.map((r, i) => (i === 1 ? { ...r, value: 1e9 } : r)));
    expect(huge.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'readings', '1', 'value'] });

    const sensor = await ingest(good.map((r, i) => (i === 4 ? { ...r, sensorId: gid('Sensor', 5) } : r)));
    expect(sensor.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'readings', '4', 'sensorId'] });

    const many = await ingest(good.map((r) => ({ ...r, parameterCode: 'NOPE' })).concat(Array.from({ length: 30 }, () => ({ ...good[0]!, parameterCode: 'NOPE' }))));
    expect(many.userErrors).toHaveLength(20);

    expect(await env.counts()).toEqual(before);
  });
});
