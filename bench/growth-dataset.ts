import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../src/db/raw-sql.js';
import { syntheticBatch } from '../src/modules/growth/engine/fixtures.js';
import type { EngineInputs } from '../src/modules/growth/engine/index.js';

/**
 * The recompute benchmark's dataset: copies of the engine's generated 900-day batch (65 assignments: trays →
 * fry → parr → smolt → post-smolt tanks → 15 sea pens, ≈10,000 daily rows), stored as the application stores
 * inputs: assignments, placements, completed transfers, harvests, samples, a weighed vaccination, mortality
 * events with a report for every container-day, unlinked feeding events and six temperature readings per
 * container-day with their daily means. Each copy has its own containers, so copies never overlap.
 */
export const BENCH_PREFIX = 'BENCH-';
const READING_HOURS = [6, 8, 10, 14, 16, 18];
/** Offsets around the daily mean that cancel out, so the mean of the six stored readings is the mean itself. */
const READING_OFFSETS = [-0.06, 0.02, 0.04, 0.05, -0.03, -0.02];

export async function benchBatchCount(em: EntityManager): Promise<number> {
  const [row] = await em.execute<Array<{ n: number }>>(`select count(*)::int as n from batch where batch_number like ?`, [`${BENCH_PREFIX}%`]);
  return row!.n;
}

/** Creates copies `from`…`to − 1` of the benchmark batch; returns the engine asOf of the dataset. */
export async function createBenchBatches(em: EntityManager, from: number, to: number, onBatch: (k: number) => void): Promise<string> {
  const template = syntheticBatch();
  await em.transactional(async (tx) => {
    const dates = [...template.inputs.temperatures.map((t) => t.date)].sort();
    for (const table of ['environmental_reading', 'environmental_daily', 'feeding_event', 'daily_assignment_state']) {
      await txQuery(tx, `select ensure_time_partitions($1, $2::date, $3::date)`, [table, dates[0], template.asOf]);
    }
  });
  const refs = await em.transactional(async (tx) => ensureReferenceRows(tx, template.inputs));
  for (let k = from; k < to; k++) {
    await em.transactional((tx) => insertBatchCopy(tx, k, template.inputs, refs));
    onBatch(k);
  }
  return template.asOf;
}

interface ReferenceRows {
  speciesId: number;
  scenarioId: number;
  hallId: number;
  containerTypeId: number;
  temperatureId: number;
  feedId: number;
  stageIdByOrder: Map<number, number>;
}

async function one<T>(tx: EntityManager, text: string, values: unknown[] = []): Promise<T> {
  return (await txQuery(tx, text, values)).rows[0] as T;
}

async function ensureReferenceRows(tx: EntityManager, inputs: EngineInputs): Promise<ReferenceRows> {
  const { id: speciesId } = await one<{ id: number }>(tx, `select id from species where name = 'Atlantic Salmon'`);
  const stages = (await txQuery<{ id: number; order: number }>(tx, `select id, "order" from lifecycle_stage where species_id = $1`, [speciesId])).rows;
  const stageIdByOrder = new Map(stages.map((s) => [s.order, s.id]));
  const upsert = async (sql: string, values: unknown[]) => (await one<{ id: number }>(tx, sql, values)).id;
  const temperatureId = await upsert(
    `insert into environmental_parameter (code, name, unit) values ('TEMPERATURE', 'Temperature', '°C')
     on conflict (code) do update set code = excluded.code returning id`,
    [],
  );
  const geographyId = await upsert(`insert into geography (code, name) values ('BN', 'Benchmark') on conflict (code) do update set code = excluded.code returning id`, []);
  const stationId = await upsert(
    `insert into freshwater_station (geography_id, name, latitude, longitude) values ($1, 'BENCH-FW', 62, -7)
     on conflict (geography_id, name) do update set name = excluded.name returning id`,
    [geographyId],
  );
  const hallId = await upsert(`insert into hall (station_id, name) values ($1, 'A') on conflict (station_id, name) do update set name = excluded.name returning id`, [stationId]);
  const containerTypeId = await upsert(
    `insert into container_type (code, name, category, max_volume_m3) values ('BENCH_TANK', 'Bench tank', 'TANK', 50000)
     on conflict (code) do update set code = excluded.code returning id`,
    [],
  );
  const feedId = await upsert(
    `insert into feed (name, size_category, pellet_size_mm, protein_pct, fat_pct) values ('Bench feed', 'MEDIUM', 3, 45, 25)
     on conflict (name) do update set name = excluded.name returning id`,
    [],
  );
  const scenarioId = await upsert(
    `insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ('Bench', $1, $2, $3)
     on conflict (name) do update set name = excluded.name returning id`,
    [speciesId, inputs.scenario!.baseTgc, inputs.scenario!.baseMortalityRatePct],
  );
  // The fixture's stage parameters (TGC, mortality), keyed to the database's stages by order.
  for (const stage of inputs.stages) {
    await txQuery(
      tx,
      `insert into scenario_stage_parameter (scenario_id, lifecycle_stage_id, tgc, mortality_rate_pct)
       values ($1, $2, $3, $4) on conflict do nothing`,
      [scenarioId, stageIdByOrder.get(stage.order), stage.defaultTgc, stage.defaultDailyMortalityPct],
    );
  }
  return { speciesId, scenarioId, hallId, containerTypeId, temperatureId, feedId, stageIdByOrder };
}

async function insertBatchCopy(tx: EntityManager, k: number, inputs: EngineInputs, refs: ReferenceRows): Promise<void> {
  const { id: batchId } = await one<{ id: number }>(
    tx,
    `insert into batch (batch_number, species_id, status, start_date, scenario_id) values ($1, $2, 'ACTIVE', $3, $4) returning id`,
    [`${BENCH_PREFIX}${String(k + 1).padStart(4, '0')}`, refs.speciesId, inputs.batch.startDate, refs.scenarioId],
  );
  const localContainers = [...new Set(inputs.assignments.map((a) => a.containerId))];
  const containerIds = (
    await txQuery<{ id: number }>(
      tx,
      `insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg)
       select format('B%s-C%s', $1::int, n), $2, $3, 50000, 1250000 from unnest($4::int[]) with ordinality as c(n, i)
       order by i returning id`,
      [k + 1, refs.containerTypeId, refs.hallId, localContainers],
    )
  ).rows.map((r) => r.id);
  const container = new Map(localContainers.map((local, i) => [local, containerIds[i]!]));
  const stageOrder = new Map(inputs.stages.map((s) => [s.id, s.order]));
  const assignmentIds = (
    await txQuery<{ id: number }>(
      tx,
      `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, departure_date, opening_population)
       select $1, c, s, f, t, 0 from unnest($2::bigint[], $3::bigint[], $4::date[], $5::date[]) with ordinality as a(c, s, f, t, i)
       order by i returning id`,
      [
        batchId,
        inputs.assignments.map((a) => container.get(a.containerId)),
        inputs.assignments.map((a) => refs.stageIdByOrder.get(stageOrder.get(a.lifecycleStageId)!)),
        inputs.assignments.map((a) => a.assignmentDate),
        inputs.assignments.map((a) => a.departureDate),
      ],
    )
  ).rows.map((r) => r.id);
  const assignment = new Map(inputs.assignments.map((a, i) => [a.id, assignmentIds[i]!]));
  const A = (localId: number) => assignment.get(localId)!;
  const C = (localId: number) => container.get(localId)!;

  await txQuery(
    tx,
    `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g)
     select $1, * from unnest($2::bigint[], $3::date[], $4::int[], $5::numeric[])`,
    [batchId, inputs.placements.map((p) => A(p.assignmentId)), inputs.placements.map((p) => p.placementDate), inputs.placements.map((p) => p.count), inputs.placements.map((p) => p.avgWeightG)],
  );
  await txQuery(
    tx,
    `insert into transfer_action (batch_id, source_assignment_id, dest_assignment_id, status, execution_date, transferred_count,
                                  mortality_during_transfer, measured_avg_weight_g, measured_sample_size, selection_method)
     select $1, s, d, 'COMPLETED', e, n, m, w, ss, 'AVERAGE'
       from unnest($2::bigint[], $3::bigint[], $4::date[], $5::int[], $6::int[], $7::numeric[], $8::int[]) as t(s, d, e, n, m, w, ss)`,
    [
      batchId,
      inputs.transfers.map((t) => A(t.sourceAssignmentId)),
      inputs.transfers.map((t) => A(t.destAssignmentId)),
      inputs.transfers.map((t) => t.executionDate),
      inputs.transfers.map((t) => t.transferredCount),
      inputs.transfers.map((t) => t.mortalityDuringTransfer),
      inputs.transfers.map((t) => t.measuredAvgWeightG),
      inputs.transfers.map((t) => t.measuredSampleSize),
    ],
  );
  await txQuery(
    tx,
    `insert into harvest_event (batch_id, assignment_id, harvest_date, count, live_biomass_kg, recorded_by)
     select $1, a, d, n, greatest(n * 5.0, 1), 'bench' from unnest($2::bigint[], $3::date[], $4::int[]) as h(a, d, n) where n > 0`,
    [batchId, inputs.harvests.map((h) => A(h.assignmentId)), inputs.harvests.map((h) => h.harvestDate), inputs.harvests.map((h) => h.count)],
  );
  await txQuery(
    tx,
    `insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by)
     select a, d, n, w, 'bench' from unnest($1::bigint[], $2::date[], $3::int[], $4::numeric[]) as g(a, d, n, w)`,
    [inputs.growthSamples.map((g) => A(g.assignmentId)), inputs.growthSamples.map((g) => g.sampleDate), inputs.growthSamples.map((g) => g.sampleSize), inputs.growthSamples.map((g) => g.avgWeightG)],
  );
  await txQuery(
    tx,
    `insert into treatment (assignment_id, treatment_date, treatment_type, product, includes_weighing, weighed_count, avg_weight_g, recorded_by)
     select a, d, 'VACCINATION', 'Bench vaccine', true, n, w, 'bench' from unnest($1::bigint[], $2::date[], $3::int[], $4::numeric[]) as t(a, d, n, w)`,
    [inputs.weighedTreatments.map((t) => A(t.assignmentId)), inputs.weighedTreatments.map((t) => t.treatmentDate), inputs.weighedTreatments.map((t) => t.weighedCount), inputs.weighedTreatments.map((t) => t.avgWeightG)],
  );
  await txQuery(
    tx,
    `insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by)
     select $1, a, d, n, 'UNKNOWN', 'bench' from unnest($2::bigint[], $3::date[], $4::int[]) as m(a, d, n)`,
    [batchId, inputs.mortalitySums.map((m) => A(m.assignmentId)), inputs.mortalitySums.map((m) => m.date), inputs.mortalitySums.map((m) => m.count)],
  );
  await txQuery(
    tx,
    `insert into mortality_report (assignment_id, report_date, recorded_by) select a, d, 'bench' from unnest($1::bigint[], $2::date[]) as r(a, d)`,
    [inputs.mortalityReports.map((r) => A(r.assignmentId)), inputs.mortalityReports.map((r) => r.date)],
  );
  await txQuery(
    tx,
    `insert into feeding_event (container_id, feed_id, fed_at, feeding_date, amount_kg, method, recorded_by)
     select c, $1, (d + time '08:00') at time zone 'UTC', d, kg, 'AUTOMATIC', 'bench'
       from unnest($2::bigint[], $3::date[], $4::numeric[]) as f(c, d, kg) where kg > 0`,
    [refs.feedId, inputs.feedByContainer.map((f) => C(f.containerId)), inputs.feedByContainer.map((f) => f.date), inputs.feedByContainer.map((f) => f.amountKg)],
  );
  // Six readings per container-day around the daily mean, then the daily means as the ingest path stores them.
  await txQuery(
    tx,
    `insert into environmental_reading (container_id, parameter_id, reading_time, value, is_manual)
     select t.c, $1, (t.d + make_interval(hours => h.hour)) at time zone 'UTC', t.v + h.offset_c, false
       from unnest($2::bigint[], $3::date[], $4::numeric[]) as t(c, d, v)
       cross join unnest($5::int[], $6::numeric[]) as h(hour, offset_c)`,
    [
      refs.temperatureId,
      inputs.temperatures.map((t) => C(t.containerId)),
      inputs.temperatures.map((t) => t.date),
      inputs.temperatures.map((t) => t.avgC),
      READING_HOURS,
      READING_OFFSETS,
    ],
  );
  await txQuery(
    tx,
    `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
     select r.container_id, r.parameter_id, (r.reading_time at time zone 'UTC')::date, round(avg(r.value), 4), min(r.value), max(r.value), count(*)
       from environmental_reading r
      where r.container_id = any($1::bigint[]) and r.parameter_id = $2
      group by 1, 2, 3`,
    [containerIds, refs.temperatureId],
  );
}
