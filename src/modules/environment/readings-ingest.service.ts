import type { EntityManager } from '@mikro-orm/postgresql';
import { ensurePartitions } from '../../db/partitions.js';
import { copyIn, txQuery } from '../../db/raw-sql.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { todayUtc, utcDate } from '../../shared/dates.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, lockBatches, reject } from '../operations/rules.js';
import type { EnvironmentalReadingInput } from './readings-ingest.inputs.js';

/** Most readings one call may carry. */
export const MAX_READINGS_PER_CALL = 10_000;
/** User errors reported for one call at most. */
const MAX_ERRORS = 20;
/** numeric(10,4): values below 10^6 in magnitude. */
const VALUE_LIMIT = 1e6;
/** Temperature of day d feeds the engine's interpolation of [d − 7, d + 7] (growth-engine.md §6). */
const TEMPERATURE_REACH_DAYS = 7;
const EARLIEST_READING = Date.UTC(1990, 0, 1);

export interface ParsedReadings {
  /** COPY text-format lines (container, parameter, sensor, time, value, manual). */
  lines: string[];
  containerIds: number[];
  /** First input index of each container id, to name it in errors. */
  containerIndex: Map<number, number>;
  sensors: Array<{ index: number; sensorId: number; containerId: number; parameterId: number }>;
  firstDay: string;
  lastDay: string;
}

/**
 * Checks and converts the readings without touching the database beyond the parameter codes (given): global
 * ids, parameter codes, values and times. Returns the COPY lines, or up to 20 user errors naming the index.
 */
export function parseReadings(
  readings: EnvironmentalReadingInput[],
  parameterIds: ReadonlyMap<string, number>,
): { ok: true; parsed: ParsedReadings } | { ok: false; errors: UserError[] } {
  if (readings.length > MAX_READINGS_PER_CALL) {
    return {
      ok: false,
      errors: [inputError(UserErrorCode.VALIDATION, `At most ${MAX_READINGS_PER_CALL} readings per call (got ${readings.length}); split the batch`, 'readings')],
    };
  }
  const errors: UserError[] = [];
  const lines = new Array<string>(readings.length);
  const containerIndex = new Map<number, number>();
  const sensors: ParsedReadings['sensors'] = [];
  const latest = Date.parse(`${todayUtc()}T00:00:00Z`) + 86_400_000;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < readings.length && errors.length < MAX_ERRORS; i++) {
    const reading = readings[i]!;
    const containerId = decodeIdOf('Container', reading.containerId);
    const parameterId = parameterIds.get(reading.parameterCode);
    const sensorId = reading.sensorId == null ? null : decodeIdOf('Sensor', reading.sensorId);
    const time = reading.readingTime.getTime();
    if (containerId == null) {
      errors.push(inputError(UserErrorCode.NOT_FOUND, `Reading ${i}: no container with id ${reading.containerId}`, 'readings', i, 'containerId'));
    }
    if (parameterId == null) {
      errors.push(
        inputError(
          UserErrorCode.VALIDATION,
          `Reading ${i}: unknown parameter code ${JSON.stringify(reading.parameterCode)} (known: ${[...parameterIds.keys()].sort().join(', ')})`,
          'readings',
          i,
          'parameterCode',
        ),
      );
    }
    if (reading.sensorId != null && sensorId == null) {
      errors.push(inputError(UserErrorCode.NOT_FOUND, `Reading ${i}: no sensor with id ${reading.sensorId}`, 'readings', i, 'sensorId'));
    }
    if (!Number.isFinite(reading.value) || Math.abs(reading.value) >= VALUE_LIMIT) {
      errors.push(inputError(UserErrorCode.VALIDATION, `Reading ${i}: value must be finite and below ${VALUE_LIMIT} in magnitude`, 'readings', i, 'value'));
    }
    if (time < EARLIEST_READING || time >= latest) {
      errors.push(
        inputError(UserErrorCode.VALIDATION, `Reading ${i}: readingTime ${reading.readingTime.toISOString()} is outside 1990-01-01 to today (UTC)`, 'readings', i, 'readingTime'),
      );
    }
    if (errors.length > 0) continue;
    if (!containerIndex.has(containerId!)) containerIndex.set(containerId!, i);
    if (sensorId != null) sensors.push({ index: i, sensorId, containerId: containerId!, parameterId: parameterId! });
    if (time < first) first = time;
    if (time > last) last = time;
    lines[i] = `${containerId}\t${parameterId}\t${sensorId ?? '\\N'}\t${reading.readingTime.toISOString()}\t${reading.value}\t${reading.isManual ? 't' : 'f'}\n`;
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return {
    ok: true,
    parsed: {
      lines,
      containerIds: [...containerIndex.keys()],
      containerIndex,
      sensors,
      firstDay: readings.length ? utcDate(new Date(first)) : todayUtc(),
      lastDay: readings.length ? utcDate(new Date(last)) : todayUtc(),
    },
  };
}

/** The reading and daily partitions of the days about to be written (own short transactions, before the write). */
export async function prepareIngest(em: EntityManager, parsed: ParsedReadings): Promise<void> {
  if (parsed.lines.length === 0) return;
  await ensurePartitions(em, 'environmental_reading', parsed.firstDay, parsed.lastDay);
  await ensurePartitions(em, 'environmental_daily', parsed.firstDay, parsed.lastDay);
}

export interface IngestResult extends WriteResult {
  inserted: number;
  duplicates: number;
  dailyRowsWritten: number;
}

/**
 * Stores readings idempotently and keeps the daily statistics in step, in the caller's transaction:
 * 1. COPY into a temporary table (the fastest way in, STACK.md), then INSERT … ON CONFLICT DO NOTHING into
 *    environmental_reading: the NULLS NOT DISTINCT unique key (container, parameter, sensor, time) skips
 *    readings already stored. Rows go in key order, so concurrent overlapping ingests wait rather than deadlock.
 * 2. Rewrites environmental_daily (avg/min/max/count over all stored readings) for every (container, parameter,
 *    UTC day) that received a new reading.
 * 3. For TEMPERATURE days d, marks the assignments in the container covering [d − 7, d + 7] dirty from d − 7
 *    (not before their arrival), after locking their batches in ascending id order.
 */
export async function ingestReadings(
  tx: EntityManager,
  parsed: ParsedReadings,
  viewerName: string,
  temperatureParameterId: number | undefined,
): Promise<IngestResult> {
  const total = parsed.lines.length;
  if (total === 0) return { resource: null, marks: [], inserted: 0, duplicates: 0, dailyRowsWritten: 0 };
  await checkReferences(tx, parsed);

  await txQuery(
    tx,
    `create temporary table ingest_reading (container_id bigint not null, parameter_id bigint not null, sensor_id bigint,
       reading_time timestamptz not null, value numeric(10,4) not null, is_manual boolean not null) on commit drop`,
  );
  await txQuery(tx, 'create temporary table ingest_touched (container_id bigint, parameter_id bigint, day date) on commit drop');
  await copyIn(tx, 'ingest_reading', ['container_id', 'parameter_id', 'sensor_id', 'reading_time', 'value', 'is_manual'], parsed.lines);
  const { rows: counts } = await txQuery<{ inserted: number; touched: number }>(
    tx,
    `with inserted as (
       insert into environmental_reading (container_id, parameter_id, sensor_id, reading_time, value, is_manual, recorded_by)
       select container_id, parameter_id, sensor_id, reading_time, value, is_manual, $1 from ingest_reading
        order by container_id, parameter_id, sensor_id, reading_time
       on conflict do nothing
       returning container_id, parameter_id, (reading_time at time zone 'UTC')::date as day
     ), touched as (
       insert into ingest_touched select distinct container_id, parameter_id, day from inserted returning 1
     )
     select (select count(*) from inserted)::int as inserted, (select count(*) from touched)::int as touched`,
    [viewerName],
  );
  const inserted = counts[0]!.inserted;
  if (inserted === 0) return { resource: null, marks: [], inserted: 0, duplicates: total, dailyRowsWritten: 0 };

  await txQuery(tx, 'analyze ingest_touched');
  const daily = await txQuery(
    tx,
    `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
     select t.container_id, t.parameter_id, t.day, round(avg(r.value), 4), min(r.value), max(r.value), count(*)
       from ingest_touched t
       join environmental_reading r
         on r.container_id = t.container_id and r.parameter_id = t.parameter_id
        and r.reading_time >= (t.day::timestamp at time zone 'UTC') and r.reading_time < ((t.day + 1)::timestamp at time zone 'UTC')
      group by t.container_id, t.parameter_id, t.day
      order by t.container_id, t.parameter_id, t.day
     on conflict (container_id, parameter_id, date) do update
        set avg_value = excluded.avg_value, min_value = excluded.min_value, max_value = excluded.max_value,
            reading_count = excluded.reading_count`,
  );

  let marks: Array<{ assignmentId: number; date: string }> = [];
  if (temperatureParameterId !== undefined) {
    const { rows } = await txQuery<{ assignment_id: number; batch_id: number; from_date: string }>(
      tx,
      `select a.id as assignment_id, a.batch_id, greatest(min(t.day) - $2::int, a.assignment_date) as from_date
         from ingest_touched t
         join batch_container_assignment a
           on a.container_id = t.container_id and a.assignment_date <= t.day + $2::int
          and (a.departure_date is null or a.departure_date > t.day - $2::int)
        where t.parameter_id = $1
        group by a.id, a.batch_id, a.assignment_date`,
      [temperatureParameterId, TEMPERATURE_REACH_DAYS],
    );
    await lockBatches(tx, rows.map((row) => row.batch_id));
    marks = rows.map((row) => ({ assignmentId: row.assignment_id, date: row.from_date }));
  }
  return { resource: null, marks, inserted, duplicates: total - inserted, dailyRowsWritten: daily.rowCount ?? 0 };
}

/** Every container and sensor named exists, and each sensor sits in its reading's container and parameter. */
async function checkReferences(tx: EntityManager, parsed: ParsedReadings): Promise<void> {
  const { rows: containers } = await txQuery<{ id: number }>(tx, 'select id from container where id = any($1::bigint[])', [parsed.containerIds]);
  if (containers.length < parsed.containerIds.length) {
    const found = new Set(containers.map((c) => c.id));
    const missing = parsed.containerIds.find((id) => !found.has(id))!;
    const index = parsed.containerIndex.get(missing)!;
    reject(UserErrorCode.NOT_FOUND, `Reading ${index}: no such container`, 'readings', index, 'containerId');
  }
  if (parsed.sensors.length === 0) return;
  const ids = [...new Set(parsed.sensors.map((s) => s.sensorId))];
  // FOR SHARE until commit: sensorUpdate (which locks the sensor) cannot move a sensor between this check and the
  // readings that rely on it; ingests sharing sensors do not block each other.
  const { rows } = await txQuery<{ id: number; container_id: number; parameter_id: number }>(
    tx,
    'select id, container_id, parameter_id from sensor where id = any($1::bigint[]) order by id for share',
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const sensor of parsed.sensors) {
    const row = byId.get(sensor.sensorId);
    if (!row) reject(UserErrorCode.NOT_FOUND, `Reading ${sensor.index}: no such sensor`, 'readings', sensor.index, 'sensorId');
    if (row.container_id !== sensor.containerId || row.parameter_id !== sensor.parameterId) {
      reject(UserErrorCode.VALIDATION, `Reading ${sensor.index}: the sensor measures another container or parameter`, 'readings', sensor.index, 'sensorId');
    }
  }
}
