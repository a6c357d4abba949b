import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Loaders } from '../../graphql/loaders.js';
import { mapReadOnly } from '../../db/read-only-entities.js';
import { pgArray } from '../../db/raw-sql.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import {
  roundHalfEven,
  downsampleAssignmentSeries,
  downsampleBatchSeries,
  type BatchDailyStateRow,
  type DailyAssignmentStateRow,
  type TimeBucket,
} from './engine/index.js';
import type { BatchDailyPoint, BatchKpis, DailyAssignmentState } from './growth.types.js';
import { RecomputeJob } from './recompute-job.entity.js';

/**
 * Request-scoped loaders of the growth series (data-model.md §6.6). Keys carry every argument; keys that share
 * their arguments are answered by one set-based statement (`= ANY($1)`), and bucketing happens in memory with
 * the engine's downsampling, so SQL never rounds or aggregates what the engine defines.
 */

export interface SeriesKey {
  id: number;
  from: string;
  to: string;
  bucket: TimeBucket;
}

const argsOf = (key: { from: string; to: string; bucket?: string }) => `${key.from}|${key.to}|${key.bucket ?? ''}`;

/** A daily_assignment_state row as node-pg returns it (numerics parsed, jsonb parsed, dates as text). */
interface StoredRow {
  batch_id: number;
  assignment_id: number;
  date: string;
  container_id: number;
  day_number: number;
  lifecycle_stage_id: number;
  population: number;
  inflow_count: number;
  outflow_count: number;
  mortality_count: number;
  avg_weight_g: number;
  biomass_kg: number;
  temp_c: number;
  feed_kg: number;
  growth_kg: number;
  fcr: number | null;
  tgc_used: number;
  anchor_type: DailyAssignmentStateRow['anchorType'];
  sources: DailyAssignmentStateRow['sources'];
  confidence: DailyAssignmentStateRow['confidence'];
  scenario_id: number;
  engine_version: string;
}

const DAILY_SELECT = `select assignment_id, batch_id, container_id, date, day_number, lifecycle_stage_id, population,
  inflow_count, outflow_count, mortality_count, avg_weight_g, biomass_kg, temp_c, feed_kg, growth_kg, fcr, tgc_used,
  anchor_type, sources, confidence, scenario_id, engine_version from daily_assignment_state`;

function toEngineRow(r: StoredRow): DailyAssignmentStateRow {
  return {
    assignmentId: r.assignment_id,
    batchId: r.batch_id,
    containerId: r.container_id,
    date: r.date,
    dayNumber: r.day_number,
    lifecycleStageId: r.lifecycle_stage_id,
    population: r.population,
    inflowCount: r.inflow_count,
    outflowCount: r.outflow_count,
    mortalityCount: r.mortality_count,
    avgWeightG: r.avg_weight_g,
    biomassKg: r.biomass_kg,
    tempC: r.temp_c,
    feedKg: r.feed_kg,
    growthKg: r.growth_kg,
    fcr: r.fcr,
    tgcUsed: r.tgc_used,
    anchorType: r.anchor_type,
    sources: r.sources,
    confidence: r.confidence,
    scenarioId: r.scenario_id,
    engineVersion: r.engine_version,
  };
}

interface StoredBatchRow {
  batch_id: number;
  date: string;
  population: number;
  biomass_kg: number;
  avg_weight_g: number | null;
  temp_c: number | null;
  feed_kg: number;
  growth_kg: number;
  mortality_count: number;
  placement_count: number;
  transfer_mortality_count: number;
  harvest_count: number;
  count_adjustment: number;
  fcr: number | null;
  container_count: number;
  anchor_count: number;
  dominant_stage_id: number | null;
  min_confidence: BatchDailyStateRow['minConfidence'];
  start_date: string;
}

const BATCH_SELECT = `select s.batch_id, s.date, s.population, s.biomass_kg, s.avg_weight_g, s.temp_c, s.feed_kg, s.growth_kg,
  s.mortality_count, s.placement_count, s.transfer_mortality_count, s.harvest_count, s.count_adjustment, s.fcr,
  s.container_count, s.anchor_count, s.dominant_stage_id, s.min_confidence, b.start_date
  from batch_daily_state s join batch b on b.id = s.batch_id`;

function toBatchRow(r: StoredBatchRow): BatchDailyStateRow {
  return {
    batchId: r.batch_id,
    date: r.date,
    dayNumber: Math.round((Date.parse(r.date) - Date.parse(r.start_date)) / 86_400_000) + 1,
    population: r.population,
    biomassKg: r.biomass_kg,
    avgWeightG: r.avg_weight_g,
    tempC: r.temp_c,
    feedKg: r.feed_kg,
    growthKg: r.growth_kg,
    mortalityCount: r.mortality_count,
    placementCount: r.placement_count,
    transferMortalityCount: r.transfer_mortality_count,
    harvestCount: r.harvest_count,
    countAdjustment: r.count_adjustment,
    fcr: r.fcr,
    containerCount: r.container_count,
    anchorCount: r.anchor_count,
    dominantStageId: r.dominant_stage_id,
    minConfidence: r.min_confidence,
  };
}

const sql = <T>(em: EntityManager, text: string, params: unknown[]) => em.execute<T[]>(text, params, 'all', em.getLoggerContext());


export const growthLoaders = {
  /** The 20 newest recompute jobs per batch (one statement per batch of keys). */
  recentJobsByBatch: (l: Loaders) =>
    l.memoize(
      'recentJobsByBatch',
      () =>
        new DataLoader<number, RecomputeJob[]>(async (batchIds) => {
          // LIMIT inside the lateral: a batch's long job history is not read to keep 20.
          const rows = await sql<Record<string, unknown>>(
            l.em,
            `select j.* from unnest(?::bigint[]) as k(id)
               cross join lateral (select * from recompute_job j where j.batch_id = k.id order by j.requested_at desc, j.id desc limit 20) j`,
            [pgArray(batchIds)],
          );
          const groups = groupBy(mapReadOnly(l.em, RecomputeJob, rows), (job) => job.batch.id);
          return batchIds.map((id) => groups.get(id) ?? []);
        }),
    ),

  /** DailyAssignmentState `assignment_id = ANY(…) AND date BETWEEN`, bucketed per growth-engine.md §7. */
  dailySeriesByAssignment: (l: Loaders) =>
    l.memoize(
      'dailySeriesByAssignment',
      () =>
        new DataLoader<SeriesKey, DailyAssignmentState[], string>(
          async (keys) => {
            const results = new Map<string, DailyAssignmentState[]>();
            for (const [args, group] of groupBy(keys, argsOf)) {
              const { from, to, bucket } = group[0]!;
              const rows = await sql<StoredRow>(
                l.em,
                `${DAILY_SELECT} where assignment_id = any(?::bigint[]) and date between ? and ? order by assignment_id, date`,
                [pgArray(group.map((key) => key.id)), from, to],
              );
              const owned = groupBy(rows, (row) => row.assignment_id);
              for (const key of group) {
                const series = (owned.get(key.id) ?? []).map(toEngineRow);
                results.set(`${key.id}#${args}`, downsampleAssignmentSeries(series, { from, to }, bucket) as DailyAssignmentState[]);
              }
            }
            return keys.map((key) => results.get(`${key.id}#${argsOf(key)}`) ?? []);
          },
          { cacheKeyFn: (key) => `${key.id}#${argsOf(key)}` },
        ),
    ),

  /** BatchDailyState `batch_id = ANY(…) AND date BETWEEN`, bucketed per growth-engine.md §7. */
  dailySeriesByBatch: (l: Loaders) =>
    l.memoize(
      'dailySeriesByBatch',
      () =>
        new DataLoader<SeriesKey, BatchDailyPoint[], string>(
          async (keys) => {
            const results = new Map<string, BatchDailyPoint[]>();
            for (const [args, group] of groupBy(keys, argsOf)) {
              const { from, to, bucket } = group[0]!;
              const rows = await sql<StoredBatchRow>(
                l.em,
                `${BATCH_SELECT} where s.batch_id = any(?::bigint[]) and s.date between ? and ? order by s.batch_id, s.date`,
                [pgArray(group.map((key) => key.id)), from, to],
              );
              const owned = groupBy(rows, (row) => row.batch_id);
              for (const key of group) {
                const series = (owned.get(key.id) ?? []).map(toBatchRow);
                results.set(`${key.id}#${args}`, downsampleBatchSeries(series, { from, to }, bucket) as BatchDailyPoint[]);
              }
            }
            return keys.map((key) => results.get(`${key.id}#${argsOf(key)}`) ?? []);
          },
          { cacheKeyFn: (key) => `${key.id}#${argsOf(key)}` },
        ),
    ),

  /** The latest row on or before asOf per assignment: `DISTINCT ON (assignment_id) … ORDER BY date DESC`. */
  latestStateByAssignment: (l: Loaders) =>
    l.memoize(
      'latestStateByAssignment',
      () =>
        new DataLoader<{ id: number; asOf: string }, DailyAssignmentState | null, string>(
          async (keys) => {
            const results = new Map<string, DailyAssignmentState>();
            for (const [asOf, group] of groupBy(keys, (key) => key.asOf)) {
              // A series runs to the day before departure (or asOf), so that exact day is probed first: one
              // primary-key lookup in one partition (run-time pruning). Only a series that ends earlier (not yet
              // computed that far) falls back to the backward scan over every partition, which costs 2–3× more.
              const rows = await sql<StoredRow>(
                l.em,
                `select d.* from unnest(?::bigint[]) as k(id)
                   join batch_container_assignment a on a.id = k.id
                   cross join lateral (
                     (${DAILY_SELECT} where assignment_id = a.id and date = least(a.departure_date - 1, ?::date))
                     union all
                     (${DAILY_SELECT} where assignment_id = a.id and date <= ?::date order by date desc limit 1)
                     limit 1) d`,
                [pgArray(group.map((key) => key.id)), asOf, asOf],
              );
              for (const row of rows) {
                const [bucket] = downsampleAssignmentSeries([toEngineRow(row)], { from: row.date, to: row.date }, 'DAY');
                results.set(`${row.assignment_id}#${asOf}`, bucket as DailyAssignmentState);
              }
            }
            return keys.map((key) => results.get(`${key.id}#${key.asOf}`) ?? null);
          },
          { cacheKeyFn: (key) => `${key.id}#${key.asOf}` },
        ),
    ),

  /**
   * The batch aggregate row on asOf or the latest one before it, as a one-day point: one backward primary-key probe
   * per batch (`LATERAL … ORDER BY date DESC LIMIT 1`), one statement per distinct asOf.
   */
  latestStateByBatch: (l: Loaders) =>
    l.memoize(
      'latestStateByBatch',
      () =>
        new DataLoader<{ id: number; asOf: string }, BatchDailyPoint | null, string>(
          async (keys) => {
            const results = new Map<string, BatchDailyPoint>();
            for (const [asOf, group] of groupBy(keys, (key) => key.asOf)) {
              const rows = await sql<StoredBatchRow>(
                l.em,
                `select d.* from unnest(?::bigint[]) as k(id)
                   cross join lateral (${BATCH_SELECT} where s.batch_id = k.id and s.date <= ?::date order by s.date desc limit 1) d`,
                [pgArray(group.map((key) => key.id)), asOf],
              );
              for (const row of rows) {
                const [point] = downsampleBatchSeries([toBatchRow(row)], { from: row.date, to: row.date }, 'DAY');
                results.set(`${row.batch_id}#${asOf}`, point as BatchDailyPoint);
              }
            }
            return keys.map((key) => results.get(`${key.id}#${key.asOf}`) ?? null);
          },
          { cacheKeyFn: (key) => `${key.id}#${key.asOf}` },
        ),
    ),

  /**
   * `computed_at` of an assignment bucket: the latest `computed_at` of its rows (assignment, bucketStart–bucketEnd),
   * one statement per batch of keys. Kept out of DAILY_SELECT so series that do not ask for it neither read nor
   * parse a timestamp per row.
   */
  computedAtByBucket: (l: Loaders) =>
    l.memoize(
      'computedAtByBucket',
      () =>
        new DataLoader<{ id: number; from: string; to: string }, Date | null, string>(
          async (keys) => {
            // Epoch milliseconds: the driver hands timestamptz over as text in the server's format.
            const rows = await sql<{ i: number; computed_at: number | null }>(
              l.em,
              `select k.i, (select extract(epoch from max(s.computed_at)) * 1000 from daily_assignment_state s
                             where s.assignment_id = k.id and s.date between k.f and k.t) as computed_at
                 from unnest(?::bigint[], ?::date[], ?::date[]) with ordinality as k(id, f, t, i)`,
              [pgArray(keys.map((k) => k.id)), pgArray(keys.map((k) => k.from)), pgArray(keys.map((k) => k.to))],
            );
            const byIndex = new Map(rows.map((r) => [Number(r.i), r.computed_at === null ? null : new Date(Number(r.computed_at))]));
            return keys.map((_, index) => byIndex.get(index + 1) ?? null);
          },
          { cacheKeyFn: (key) => `${key.id}#${key.from}|${key.to}` },
        ),
    ),

  /**
   * Batch KPIs on asOf in one statement per distinct asOf: the latest aggregate row on or before asOf, 30-day
   * windowed sums for FCR and SGR, cumulative deaths, placements and harvests, and the last sample date.
   */
  kpisByBatch: (l: Loaders) =>
    l.memoize(
      'kpisByBatch',
      () =>
        new DataLoader<{ id: number; asOf: string }, BatchKpis | null, string>(
          async (keys) => {
            const results = new Map<string, BatchKpis>();
            for (const [asOf, group] of groupBy(keys, (key) => key.asOf)) {
              const rows = await sql<{
                batch_id: number;
                as_of: string;
                start_date: string;
                population: number;
                biomass_kg: number;
                avg_weight_g: number | null;
                container_count: number;
                dominant_stage_id: number | null;
                deaths: number;
                placed: number;
                harvested: number;
                feed_30d: number;
                growth_30d: number;
                weight_30d_ago: number | null;
                last_sample_date: string | null;
              }>(
                l.em,
                // The latest row by one backward primary-key probe per batch (DISTINCT ON sorted every row).
                `with latest as (
                   select s.* from unnest(?::bigint[]) as k(id)
                    cross join lateral (
                      select * from batch_daily_state s where s.batch_id = k.id and s.date <= ? order by s.date desc limit 1
                    ) s
                 )
                 select l.batch_id, l.date as as_of, b.start_date, l.population, l.biomass_kg, l.avg_weight_g,
                        l.container_count, l.dominant_stage_id, t.deaths, t.placed, t.harvested, t.feed_30d, t.growth_30d,
                        w.avg_weight_g as weight_30d_ago,
                        (select max(g.sample_date) from growth_sample g join batch_container_assignment a on a.id = g.assignment_id
                          where a.batch_id = l.batch_id and g.sample_date <= l.date) as last_sample_date
                   from latest l
                   join batch b on b.id = l.batch_id
                   cross join lateral (
                     select coalesce(sum(s.mortality_count + s.transfer_mortality_count), 0) as deaths,
                            coalesce(sum(s.placement_count), 0) as placed,
                            coalesce(sum(s.harvest_count), 0) as harvested,
                            coalesce(sum(s.feed_kg) filter (where s.date > l.date - 30), 0) as feed_30d,
                            coalesce(sum(s.growth_kg) filter (where s.date > l.date - 30), 0) as growth_30d
                       from batch_daily_state s where s.batch_id = l.batch_id and s.date <= l.date
                   ) t
                   left join batch_daily_state w on w.batch_id = l.batch_id and w.date = l.date - 30`,
                [pgArray(group.map((key) => key.id)), asOf],
              );
              for (const r of rows) {
                const days = Math.round((Date.parse(r.as_of) - Date.parse(r.start_date)) / 86_400_000) + 1;
                const mortalityPct = r.placed > 0 ? (100 * r.deaths) / r.placed : null;
                results.set(`${r.batch_id}#${asOf}`, {
                  asOf: r.as_of,
                  population: r.population,
                  biomassKg: r.biomass_kg,
                  avgWeightG: r.avg_weight_g,
                  containerCount: r.container_count,
                  daysInProduction: days,
                  cumulativeMortalityPct: mortalityPct === null ? null : round(mortalityPct, 3),
                  survivalPct: mortalityPct === null ? null : round(100 - mortalityPct, 3),
                  harvestedCount: r.harvested,
                  // Period FCR with the §5.10 rule: Σ feed ÷ Σ growth, only when growth > 1 kg and feed > 0.
                  fcr30d: r.feed_30d > 0 && r.growth_30d > 1 ? round(Math.min(10, r.feed_30d / r.growth_30d), 3) : null,
                  sgr30d:
                    r.weight_30d_ago && r.avg_weight_g
                      ? round((100 * (Math.log(r.avg_weight_g) - Math.log(r.weight_30d_ago))) / 30, 3)
                      : null,
                  lastSampleDate: r.last_sample_date,
                  currentStageId: r.dominant_stage_id,
                });
              }
            }
            return keys.map((key) => results.get(`${key.id}#${key.asOf}`) ?? null);
          },
          { cacheKeyFn: (key) => `${key.id}#${key.asOf}` },
        ),
    ),
};

const round = (value: number, digits: number) => roundHalfEven(value, digits);
