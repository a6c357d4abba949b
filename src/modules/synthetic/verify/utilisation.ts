/**
 * Utilisation statistics of seed runs (synthetic-farm.md §5.4): mean, p95 and max of the daily occupancy
 * (occupied ÷ containers) and biomass ratio (biomass ÷ max biomass) over the last `windowDays` days of a run's
 * `seed_utilisation_daily`. The one computation behind both the verification check V8 and `SeedRun.utilisation`,
 * so the report and the API cannot disagree.
 */
import { pgArray } from '../../../db/raw-sql.js';

/** Runs one statement with `$n` parameters (arrays passed as PostgreSQL array literals) and returns its rows. */
export type UtilisationQuery = <R extends object>(sql: string, params: unknown[]) => Promise<R[]>;

/** One row of `seed_utilisation_daily` inside a run's window. */
export interface UtilisationDay {
  runId: number;
  geographyId: number;
  geographyCode: string;
  containerClass: string;
  date: string;
  containers: number;
  occupied: number;
  biomassKg: number;
  maxBiomassKg: number;
}

/** Mean, p95 (nearest rank below, `sorted[⌊0.95·(n−1)⌋]`) and max of a daily ratio, in % rounded to 1 dp. */
export interface RatioStats {
  meanPct: number;
  p95Pct: number;
  maxPct: number;
}

export interface UtilisationStats {
  /** First and last date of the window that has rows. */
  firstDate: string;
  lastDate: string;
  /** Days in the window with rows. */
  days: number;
  occupancy: RatioStats;
  biomassRatio: RatioStats;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The rows of the runs' last `windowDays` days (dates after the run's `today − windowDays`, up to its today),
 * in (run, geography code, class, date) order. One statement for any number of runs.
 */
export async function loadUtilisationDays(query: UtilisationQuery, runIds: readonly number[], windowDays: number): Promise<UtilisationDay[]> {
  if (runIds.length === 0) return [];
  const rows = await query<{
    run_id: number;
    geography_id: number;
    code: string;
    container_class: string;
    date: string;
    containers: number;
    occupied: number;
    biomass_kg: number;
    max_biomass_kg: number;
  }>(
    `select u.seed_run_id as run_id, u.geography_id, g.code, u.container_class, u.date::text as date,
            u.containers, u.occupied, u.biomass_kg::float8 as biomass_kg, u.max_biomass_kg::float8 as max_biomass_kg
       from seed_utilisation_daily u
       join seed_run r on r.id = u.seed_run_id
       join geography g on g.id = u.geography_id
      where u.seed_run_id = any($1::bigint[]) and u.date > r.today - $2::int and u.date <= r.today
      order by u.seed_run_id, g.code, u.container_class, u.date`,
    [pgArray(runIds), windowDays],
  );
  return rows.map((row) => ({
    runId: Number(row.run_id),
    geographyId: Number(row.geography_id),
    geographyCode: row.code,
    containerClass: row.container_class,
    date: row.date,
    containers: Number(row.containers),
    occupied: Number(row.occupied),
    biomassKg: Number(row.biomass_kg),
    maxBiomassKg: Number(row.max_biomass_kg),
  }));
}

function ratioStats(values: number[]): RatioStats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return {
    meanPct: round(mean * 100, 1),
    p95Pct: round((sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0) * 100, 1),
    maxPct: round((sorted[sorted.length - 1] ?? 0) * 100, 1),
  };
}

/**
 * Statistics per group of days: the rows of one group and date are summed (containers, occupied, biomass, max
 * biomass) before the day's ratios are taken, so a group spanning several classes (V8's freshwater) weighs each
 * class by its size. Groups in first-seen order of the (sorted) rows.
 */
export function utilisationStats<K>(days: readonly UtilisationDay[], keyOf: (day: UtilisationDay) => K): Map<K, UtilisationStats> {
  const groups = new Map<K, Map<string, { containers: number; occupied: number; biomassKg: number; maxBiomassKg: number }>>();
  for (const day of days) {
    const key = keyOf(day);
    let byDate = groups.get(key);
    if (!byDate) groups.set(key, (byDate = new Map()));
    const sum = byDate.get(day.date) ?? { containers: 0, occupied: 0, biomassKg: 0, maxBiomassKg: 0 };
    byDate.set(day.date, sum);
    sum.containers += day.containers;
    sum.occupied += day.occupied;
    sum.biomassKg += day.biomassKg;
    sum.maxBiomassKg += day.maxBiomassKg;
  }
  const result = new Map<K, UtilisationStats>();
  for (const [key, byDate] of groups) {
    const dates = [...byDate.keys()].sort();
    const sums = dates.map((date) => byDate.get(date)!);
    result.set(key, {
      firstDate: dates[0]!,
      lastDate: dates[dates.length - 1]!,
      days: dates.length,
      occupancy: ratioStats(sums.map((s) => (s.containers > 0 ? s.occupied / s.containers : 0))),
      biomassRatio: ratioStats(sums.map((s) => (s.maxBiomassKg > 0 ? s.biomassKg / s.maxBiomassKg : 0))),
    });
  }
  return result;
}

/** Per geography and container class: the figures of `SeedRun.utilisation` and of V8's `measured.classes`. */
export interface ClassUtilisation extends UtilisationStats {
  geographyId: number;
  geographyCode: string;
  containerClass: string;
}

/** Per-(geography, class) statistics of one run's window days, ordered by geography code and class. */
export function classUtilisation(days: readonly UtilisationDay[]): ClassUtilisation[] {
  const first = new Map<string, UtilisationDay>();
  for (const day of days) if (!first.has(`${day.geographyCode}/${day.containerClass}`)) first.set(`${day.geographyCode}/${day.containerClass}`, day);
  return [...utilisationStats(days, (day) => `${day.geographyCode}/${day.containerClass}`)]
    .map(([key, stats]) => {
      const day = first.get(key)!;
      return { geographyId: day.geographyId, geographyCode: day.geographyCode, containerClass: day.containerClass, ...stats };
    })
    .sort((a, b) => (a.geographyCode === b.geographyCode ? cmp(a.containerClass, b.containerClass) : cmp(a.geographyCode, b.geographyCode)));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
