import type { EntityManager } from '@mikro-orm/postgresql';
import { copyIn, copyOutLines, inlineParameters, pgArray, txQuery } from '../../db/raw-sql.js';
import { DAILY_STATE_COPY_COLUMNS, dailyStateCopyLine } from './daily-state-copy.js';
import type {
  BatchDailyStateRow,
  DailyAssignmentStateRow,
  EngineInputs,
  EngineResult,
  PopulationAdjustmentRow,
} from './engine/index.js';

/**
 * Set-based loading and saving for the growth engine (growth-engine.md §8): one query per input type when
 * loading (≤ 15 statements whatever the number of days or assignments), and bulk `unnest` statements that skip
 * unchanged rows when saving. All statements run on the caller's transaction.
 */

interface BatchHeader {
  id: number;
  start_date: string;
  scenario_id: number | null;
  base_tgc: number | null;
  base_mortality_rate_pct: number | null;
  base_mortality_frequency: 'DAILY' | 'WEEKLY' | null;
  stages: Array<{ id: number; order: number; max_weight_g: number | null; default_tgc: number | null; default_daily_mortality_pct: number | null }>;
  stage_parameters: Array<{ lifecycle_stage_id: number; tgc: number | null; mortality_rate_pct: number | null; mortality_frequency: 'DAILY' | 'WEEKLY' }> | null;
  profile_days: Array<{ day_number: number; temperature_c: number }> | null;
}

export class BatchNotFoundError extends Error {
  override name = 'BatchNotFoundError';
}

/** A dirty watermark as read at the start of a run; cleared afterwards only if `seq` is unchanged. */
export interface DirtyWatermark {
  assignmentId: number;
  dirtyFrom: string;
  dirtySeq: number;
}

/** Where stored rows stand per assignment, to bound the rewrite (growth-engine.md §6). */
export interface StoredRowsState {
  watermarks: DirtyWatermark[];
  /** Date of each assignment's last stored row (absent = none stored). */
  lastStoredRowDate: Map<number, string>;
  /**
   * Per dirty assignment, the start of the weight segment containing its dirty date in the segmentation of the
   * stored rows, which stands in for the inputs before the change: segments start on the first stored day, the
   * day after a stored anchor and on a day with inflow.
   */
  storedSegmentStart: Map<number, string>;
}

export interface LoadedBatch {
  inputs: EngineInputs;
  stored: StoredRowsState;
}

/**
 * Loads everything the engine reads for one batch (growth-engine.md §4) plus the state of its stored rows, in
 * 11 statements whatever the number of days or assignments. Temperatures are loaded for each assignment's
 * coverage widened by 7 days on both sides (the interpolation window of §5.4).
 */
export async function loadEngineInputs(tx: EntityManager, batchId: number, asOf: string): Promise<LoadedBatch> {
  const q = <R extends object>(text: string, values: unknown[]) => txQuery<R>(tx, text, values).then((r) => r.rows);

  // The batch with its resolved scenario (batch → species default), the species' stages, the scenario's stage
  // parameters and temperature profile: one round trip, nested as JSON.
  const [header] = await q<BatchHeader>(
    `select b.id, b.start_date, sc.id as scenario_id, sc.base_tgc, sc.base_mortality_rate_pct, sc.base_mortality_frequency,
            (select json_agg(json_build_object('id', st.id, 'order', st."order", 'max_weight_g', st.max_weight_g,
                                               'default_tgc', st.default_tgc,
                                               'default_daily_mortality_pct', st.default_daily_mortality_pct)
                             order by st."order")
               from lifecycle_stage st where st.species_id = b.species_id) as stages,
            (select json_agg(json_build_object('lifecycle_stage_id', p.lifecycle_stage_id, 'tgc', p.tgc,
                                               'mortality_rate_pct', p.mortality_rate_pct,
                                               'mortality_frequency', p.mortality_frequency))
               from scenario_stage_parameter p where p.scenario_id = sc.id) as stage_parameters,
            (select json_agg(json_build_object('day_number', d.day_number, 'temperature_c', d.temperature_c)
                             order by d.day_number)
               from temperature_profile_day d where d.temperature_profile_id = sc.temperature_profile_id) as profile_days
       from batch b
       join species sp on sp.id = b.species_id
       left join scenario sc on sc.id = coalesce(b.scenario_id, sp.default_scenario_id)
      where b.id = $1`,
    [batchId],
  );
  if (!header) throw new BatchNotFoundError(`batch ${batchId} does not exist`);

  // Assignments with their watermark and the segmentation of their stored rows.
  const assignments = await q<{
    id: number;
    container_id: number;
    lifecycle_stage_id: number;
    assignment_date: string;
    departure_date: string | null;
    dirty_from: string | null;
    dirty_seq: number;
    last_row: string | null;
    segment_start: string | null;
  }>(
    `select a.id, a.container_id, a.lifecycle_stage_id, a.assignment_date, a.departure_date, a.dirty_from, a.dirty_seq,
            s.last_row, s.segment_start
       from batch_container_assignment a
       left join lateral (
         select max(d.date) as last_row,
                greatest(
                  min(d.date),
                  max(d.date + 1) filter (where d.anchor_type is not null and d.date < a.dirty_from),
                  max(d.date) filter (where d.inflow_count > 0 and d.date <= a.dirty_from)
                ) as segment_start
           from daily_assignment_state d
          where d.assignment_id = a.id
       ) s on true
      where a.batch_id = $1
      order by a.id`,
    [batchId],
  );
  const placements = await q<{ assignment_id: number; placement_date: string; count: number; avg_weight_g: number }>(
    `select assignment_id, placement_date, count, avg_weight_g from batch_placement where batch_id = $1 order by id`,
    [batchId],
  );
  const transfers = await q<{
    id: number;
    source_assignment_id: number;
    dest_assignment_id: number;
    execution_date: string;
    transferred_count: number;
    mortality_during_transfer: number;
    measured_avg_weight_g: number | null;
    measured_sample_size: number | null;
    selection_method: 'AVERAGE' | 'LARGEST' | 'SMALLEST';
  }>(
    `select id, source_assignment_id, dest_assignment_id, execution_date, transferred_count, mortality_during_transfer,
            measured_avg_weight_g, measured_sample_size, selection_method
       from transfer_action where batch_id = $1 and status = 'COMPLETED' order by id`,
    [batchId],
  );
  const harvests = await q<{ assignment_id: number; harvest_date: string; count: number }>(
    `select assignment_id, harvest_date, count from harvest_event where batch_id = $1 order by id`,
    [batchId],
  );
  const samples = await q<{ assignment_id: number; sample_date: string; avg_weight_g: number; sample_size: number }>(
    `select g.assignment_id, g.sample_date, g.avg_weight_g, g.sample_size
       from growth_sample g join batch_container_assignment a on a.id = g.assignment_id
      where a.batch_id = $1 order by g.id`,
    [batchId],
  );
  const treatments = await q<{ assignment_id: number; treatment_date: string; avg_weight_g: number; weighed_count: number }>(
    `select t.assignment_id, t.treatment_date, t.avg_weight_g, t.weighed_count
       from treatment t join batch_container_assignment a on a.id = t.assignment_id
      where a.batch_id = $1 and t.includes_weighing order by t.id`,
    [batchId],
  );
  const mortalitySums = await q<{ assignment_id: number; date: string; count: number }>(
    `select assignment_id, event_date as date, sum(count)::int as count
       from mortality_event where batch_id = $1 group by assignment_id, event_date`,
    [batchId],
  );
  const reports = await q<{ assignment_id: number; date: string }>(
    `select r.assignment_id, r.report_date as date
       from mortality_report r join batch_container_assignment a on a.id = r.assignment_id
      where a.batch_id = $1`,
    [batchId],
  );
  // One statement for both kinds of feed: linked feed by assignment, unlinked feed by container over the days
  // this batch occupies the container (containers are never double-booked, so the join cannot pick up another
  // batch's days). The LATERAL keeps the unlinked part to one (container_id, feeding_date) index range per
  // assignment and partition; as a semi-join the planner scanned every batch's feed (450 k rows, 80 ms). Summing
  // inside the LATERAL is summing per (container, day), since one batch's stays in a container never share a day,
  // and spares the sort of every row that a GROUP BY over the join needed (28 → 8 ms, no parallel plan).
  const feed = await q<{ kind: 'A' | 'C'; owner_id: number; date: string; amount_kg: number }>(
    `select 'A' as kind, f.assignment_id as owner_id, f.feeding_date as date, sum(f.amount_kg) as amount_kg
       from feeding_event f join batch_container_assignment a on a.id = f.assignment_id
      where a.batch_id = $1
      group by f.assignment_id, f.feeding_date
     union all
     select 'C', a.container_id, f.feeding_date, f.amount_kg
       from batch_container_assignment a
       cross join lateral (
         select f.feeding_date, sum(f.amount_kg) as amount_kg from feeding_event f
          where f.container_id = a.container_id and f.assignment_id is null
            and f.feeding_date >= a.assignment_date and f.feeding_date < coalesce(a.departure_date, 'infinity'::date)
          group by f.feeding_date
       ) f
      where a.batch_id = $1`,
    [batchId],
  );
  const temperatures = await q<{ container_id: number; date: string; avg_c: number }>(
    `select distinct ed.container_id, ed.date, ed.avg_value as avg_c
       from environmental_daily ed
       join batch_container_assignment a on a.container_id = ed.container_id
      where a.batch_id = $1
        and ed.parameter_id = (select id from environmental_parameter where code = 'TEMPERATURE')
        and ed.date between a.assignment_date - 7 and coalesce(a.departure_date, $2::date) + 7`,
    [batchId, asOf],
  );

  const stored: StoredRowsState = { watermarks: [], lastStoredRowDate: new Map(), storedSegmentStart: new Map() };
  for (const row of assignments) {
    if (row.last_row) stored.lastStoredRowDate.set(row.id, row.last_row);
    if (row.dirty_from) {
      stored.watermarks.push({ assignmentId: row.id, dirtyFrom: row.dirty_from, dirtySeq: row.dirty_seq });
      if (row.segment_start) stored.storedSegmentStart.set(row.id, row.segment_start);
    }
  }

  const inputs: EngineInputs = {
    batch: { id: header.id, startDate: header.start_date, scenarioId: header.scenario_id },
    stages: header.stages.map((s) => ({
      id: s.id,
      order: s.order,
      maxWeightG: s.max_weight_g,
      defaultTgc: s.default_tgc,
      defaultDailyMortalityPct: s.default_daily_mortality_pct,
    })),
    scenario: header.scenario_id
      ? {
          id: header.scenario_id,
          baseTgc: header.base_tgc!,
          baseMortalityRatePct: header.base_mortality_rate_pct!,
          baseMortalityFrequency: header.base_mortality_frequency!,
        }
      : null,
    stageParameters: (header.stage_parameters ?? []).map((p) => ({
      lifecycleStageId: p.lifecycle_stage_id,
      tgc: p.tgc,
      mortalityRatePct: p.mortality_rate_pct,
      mortalityFrequency: p.mortality_frequency,
    })),
    temperatureProfileDays: (header.profile_days ?? []).map((d) => ({ dayNumber: d.day_number, temperatureC: d.temperature_c })),
    assignments: assignments.map((a) => ({
      id: a.id,
      containerId: a.container_id,
      lifecycleStageId: a.lifecycle_stage_id,
      assignmentDate: a.assignment_date,
      departureDate: a.departure_date,
    })),
    placements: placements.map((p) => ({
      assignmentId: p.assignment_id,
      placementDate: p.placement_date,
      count: p.count,
      avgWeightG: p.avg_weight_g,
    })),
    transfers: transfers.map((t) => ({
      id: t.id,
      sourceAssignmentId: t.source_assignment_id,
      destAssignmentId: t.dest_assignment_id,
      executionDate: t.execution_date,
      transferredCount: t.transferred_count,
      mortalityDuringTransfer: t.mortality_during_transfer,
      measuredAvgWeightG: t.measured_avg_weight_g,
      measuredSampleSize: t.measured_sample_size,
      selectionMethod: t.selection_method,
    })),
    harvests: harvests.map((h) => ({ assignmentId: h.assignment_id, harvestDate: h.harvest_date, count: h.count })),
    growthSamples: samples.map((g) => ({
      assignmentId: g.assignment_id,
      sampleDate: g.sample_date,
      avgWeightG: g.avg_weight_g,
      sampleSize: g.sample_size,
    })),
    weighedTreatments: treatments.map((t) => ({
      assignmentId: t.assignment_id,
      treatmentDate: t.treatment_date,
      avgWeightG: t.avg_weight_g,
      weighedCount: t.weighed_count,
    })),
    mortalitySums: mortalitySums.map((m) => ({ assignmentId: m.assignment_id, date: m.date, count: m.count })),
    mortalityReports: reports.map((r) => ({ assignmentId: r.assignment_id, date: r.date })),
    feedByAssignment: feed
      .filter((f) => f.kind === 'A')
      .map((f) => ({ assignmentId: f.owner_id, date: f.date, amountKg: f.amount_kg })),
    feedByContainer: feed
      .filter((f) => f.kind === 'C')
      .map((f) => ({ containerId: f.owner_id, date: f.date, amountKg: f.amount_kg })),
    temperatures: temperatures.map((t) => ({ containerId: t.container_id, date: t.date, avgC: t.avg_c })),
  };
  return { inputs, stored };
}

export interface WriteCounts {
  rowsWritten: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  batchRowsWritten: number;
}

/**
 * Saves an engine result for a batch in the caller's transaction:
 * - daily rows from each assignment's rewrite date on (`rewriteFrom`; absent = not rewritten, null map = all),
 *   written only where values changed, so `computed_at` only moves when values change;
 * - every stored row outside the new coverage deleted;
 * - the batch aggregate and the adjustments replaced (unchanged rows untouched).
 * At most eight statements (one read; the staging table, COPYs and set-based writes) whatever the batch size.
 */
export async function saveEngineResult(
  tx: EntityManager,
  batchId: number,
  result: EngineResult,
  rewriteFrom: Map<number, string> | null,
  computedAt: Date,
): Promise<WriteCounts> {
  const rows = rewriteFrom
    ? result.rows.filter((row) => {
        const from = rewriteFrom.get(row.assignmentId);
        return from !== undefined && row.date >= from;
      })
    : result.rows;
  // Deleting first: the delete then never scans the rows just written.
  const rowsDeleted = await deleteRowsOutsideCoverage(tx, batchId, result.rows);
  const rowsWritten = await writeDailyRows(tx, batchId, rows, rewriteFrom, computedAt);
  const batchRowsWritten = await upsertBatchDaily(tx, batchId, result.batchDaily);
  await replaceAdjustments(tx, batchId, result.adjustments);
  return { rowsWritten, rowsDeleted, rowsUnchanged: rows.length - rowsWritten, batchRowsWritten };
}

/** The daily columns COPY compares: every column but `computed_at`, which is last. */
const COMPARED_DAILY_COLUMNS = DAILY_STATE_COPY_COLUMNS.slice(0, -1);

/**
 * Writes the rows whose stored values differ (or are missing). Each computed row is spelled once as a COPY line;
 * the stored rows in scope are read back with COPY TO, which prints them in the same spelling, so a row is
 * unchanged exactly when the two lines agree up to `computed_at`. For 10,000 stored rows that is ≈40 ms against
 * ≈75 ms for a SELECT whose numerics and jsonb node-pg parses into objects. Changed rows are updated in place and
 * missing ones COPYed in; unchanged rows are never touched, so their `computed_at` keeps the last time their values
 * changed. An in-place update keeps the row's keys, so PostgreSQL skips the foreign-key checks an inserted row
 * costs, and with the partitions' free page space (fillfactor 50) it is a HOT update that touches no index.
 */
async function writeDailyRows(
  tx: EntityManager,
  batchId: number,
  rows: DailyAssignmentStateRow[],
  rewriteFrom: Map<number, string> | null,
  computedAt: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const scoped = rewriteFrom !== null;
  const stored = await copyOutLines(
    tx,
    inlineParameters(
      `select ${COMPARED_DAILY_COLUMNS.map((column) => `d.${column}`).join(', ')}
         from daily_assignment_state d
         ${scoped ? 'join unnest($2::bigint[], $3::date[]) as s(assignment_id, from_date) on s.assignment_id = d.assignment_id and d.date >= s.from_date' : ''}
        where d.batch_id = $1`,
      scoped ? [batchId, pgArray([...rewriteFrom.keys()]), pgArray([...rewriteFrom.values()])] : [batchId],
    ),
  );
  const storedByKey = new Map<string, string>();
  for (const line of stored) storedByKey.set(line.slice(0, line.indexOf('\t', line.indexOf('\t') + 1)), line);

  const stamp = computedAt.toISOString();
  const batchText = String(batchId);
  const stampSuffix = stamp.length + 2; // "\t<computed_at>\n"
  const changed: string[] = [];
  const added: DailyAssignmentStateRow[] = [];
  for (const row of rows) {
    const previous = storedByKey.get(`${row.assignmentId}\t${row.date}`);
    if (previous === undefined) {
      added.push(row);
      continue;
    }
    const line = dailyStateCopyLine(batchText, row, stamp);
    if (previous !== line.slice(0, line.length - stampSuffix)) changed.push(line);
  }
  if (changed.length > 0) await updateDailyRows(tx, batchId, changed);
  // Spelled while COPY streams, so PostgreSQL parses and inserts the first rows while later ones are encoded.
  const addedLines = function* () {
    for (const row of added) yield dailyStateCopyLine(batchText, row, stamp);
  };
  if (added.length > 0) await copyIn(tx, 'daily_assignment_state', DAILY_STATE_COPY_COLUMNS, addedLines());
  return changed.length + added.length;
}

/** The value columns of a daily row: everything but its key (assignment_id, date), owner (batch_id) and stamp. */
const UPDATED_DAILY_COLUMNS = DAILY_STATE_COPY_COLUMNS.filter((c) => !['batch_id', 'computed_at', 'assignment_id', 'date'].includes(c));

/**
 * Changed rows go through a session-local staging table (COPY, then one UPDATE … FROM), fed with the same text
 * lines inserts use; nineteen array parameters cost more to build and to parse.
 */
async function updateDailyRows(tx: EntityManager, batchId: number, lines: string[]) {
  await txQuery(
    tx,
    `create temp table if not exists daily_state_changes (like daily_assignment_state including defaults) on commit delete rows`,
  );
  await copyIn(tx, 'daily_state_changes', DAILY_STATE_COPY_COLUMNS, lines);
  await txQuery(
    tx,
    `update daily_assignment_state d
        set ${UPDATED_DAILY_COLUMNS.map((name) => `${name} = u.${name}`).join(', ')}, computed_at = u.computed_at
       from daily_state_changes u
      where d.batch_id = $1 and d.assignment_id = u.assignment_id and d.date = u.date`,
    [batchId],
  );
}

async function deleteRowsOutsideCoverage(tx: EntityManager, batchId: number, rows: DailyAssignmentStateRow[]) {
  // Rows of one assignment are contiguous (empty days included), so [first, last] is its coverage.
  const coverage = new Map<number, [string, string]>();
  for (const row of rows) {
    const range = coverage.get(row.assignmentId);
    if (range) range[1] = row.date;
    else coverage.set(row.assignmentId, [row.date, row.date]);
  }
  const { rowCount } = await txQuery(
    tx,
    `delete from daily_assignment_state d
      where d.batch_id = $1
        and not exists (select 1 from unnest($2::bigint[], $3::date[], $4::date[]) as c(assignment_id, first_day, last_day)
                         where c.assignment_id = d.assignment_id and d.date between c.first_day and c.last_day)`,
    [batchId, pgArray([...coverage.keys()]), pgArray([...coverage.values()].map((r) => r[0])), pgArray([...coverage.values()].map((r) => r[1]))],
  );
  return rowCount ?? 0;
}

const BATCH_COLUMNS = [
  'date', 'population', 'biomass_kg', 'avg_weight_g', 'temp_c', 'feed_kg', 'growth_kg', 'mortality_count',
  'placement_count', 'transfer_mortality_count', 'harvest_count', 'count_adjustment', 'fcr', 'container_count',
  'anchor_count', 'dominant_stage_id', 'min_confidence',
] as const;
const BATCH_TYPES = [
  'date', 'bigint', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'int', 'int', 'int', 'int', 'int',
  'numeric', 'int', 'int', 'bigint', 'jsonb',
] as const;

/**
 * Replaces the batch aggregate, writing only days whose values changed. Not INSERT … ON CONFLICT DO UPDATE … WHERE:
 * that locks every conflicting row even when the WHERE then skips it (a tuple lock and its WAL per unchanged day).
 * The caller holds the batch's row lock, so no concurrent writer can insert a day between the UPDATE and INSERT.
 */
async function upsertBatchDaily(tx: EntityManager, batchId: number, days: BatchDailyStateRow[]) {
  const columns: Array<Array<string | number | null>> = BATCH_COLUMNS.map(() => new Array(days.length));
  days.forEach((b, i) => {
    const values = [
      b.date, b.population, b.biomassKg, b.avgWeightG, b.tempC, b.feedKg, b.growthKg, b.mortalityCount,
      b.placementCount, b.transferMortalityCount, b.harvestCount, b.countAdjustment, b.fcr, b.containerCount,
      b.anchorCount, b.dominantStageId, b.minConfidence ? JSON.stringify(b.minConfidence) : null,
    ];
    for (let c = 0; c < values.length; c++) columns[c]![i] = values[c];
  });
  const list = BATCH_COLUMNS.join(', ');
  const updated = BATCH_COLUMNS.filter((c) => c !== 'date');
  const { rows } = await txQuery<{ written: number }>(
    tx,
    `with incoming as (
       select * from unnest(${BATCH_TYPES.map((type, i) => `$${i + 2}::${type}[]`).join(', ')}) as u(${list})
     ), removed as (
       delete from batch_daily_state b
        where b.batch_id = $1 and not exists (select 1 from incoming i where i.date = b.date)
     ), changed as (
       update batch_daily_state b
          set ${updated.map((c) => `${c} = i.${c}`).join(', ')}
         from incoming i
        where b.batch_id = $1 and b.date = i.date
          and (${updated.map((c) => `b.${c}`).join(', ')}) is distinct from (${updated.map((c) => `i.${c}`).join(', ')})
       returning 1
     ), added as (
       insert into batch_daily_state (batch_id, ${list})
       select $1::bigint, i.* from incoming i
        where not exists (select 1 from batch_daily_state b where b.batch_id = $1 and b.date = i.date)
       returning 1
     )
     select (select count(*) from changed)::int + (select count(*) from added)::int as written`,
    [batchId, ...columns.map((values) => pgArray(values))],
  );
  return rows[0]?.written ?? 0;
}

async function replaceAdjustments(tx: EntityManager, batchId: number, adjustments: PopulationAdjustmentRow[]) {
  await txQuery(
    tx,
    `with incoming as (
       select * from unnest($2::bigint[], $3::date[], $4::text[], $5::int[]) as u(assignment_id, date, reason, count)
     ), removed as (
       delete from population_adjustment p
        where p.batch_id = $1
          and not exists (select 1 from incoming i
                           where i.assignment_id = p.assignment_id and i.date = p.date and i.reason = p.reason)
     )
     insert into population_adjustment as p (assignment_id, date, reason, batch_id, count)
     select i.assignment_id, i.date, i.reason, $1::bigint, i.count from incoming i
     on conflict (assignment_id, date, reason) do update set count = excluded.count
      where p.count is distinct from excluded.count`,
    [
      batchId,
      adjustments.map((a) => a.assignmentId),
      adjustments.map((a) => a.date),
      adjustments.map((a) => a.reason),
      adjustments.map((a) => a.count),
    ],
  );
}

/** Clears watermarks that did not move during the run (compare-and-set on dirty_seq). */
export async function clearWatermarks(tx: EntityManager, watermarks: DirtyWatermark[]): Promise<void> {
  if (watermarks.length === 0) return;
  await txQuery(
    tx,
    `update batch_container_assignment a set dirty_from = null
       from unnest($1::bigint[], $2::bigint[]) as w(id, seq)
      where a.id = w.id and a.dirty_seq = w.seq`,
    [watermarks.map((w) => w.assignmentId), watermarks.map((w) => w.dirtySeq)],
  );
}
