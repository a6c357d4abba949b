/**
 * One temperature truth (synthetic-farm.md §3.2): sea series per area, hall series per hall, and
 * the sensor readings derived from them. Growth uses the mean of a container's six *stored*
 * (rounded) temperature readings of the day, so a growth engine that recomputes from the database
 * sees exactly the temperatures that drove the simulation.
 *
 * Every draw is keyed by area/hall/container and calendar date, never by batch, so each physical
 * sensor has one coherent series whichever batch occupies the container.
 */
import { STREAM, Rng } from './prng.js';
import type { EpochDay } from './dates.js';
import { dayOfYear } from './dates.js';
import type { Profile, WaterParameterSpec } from './profile.js';
import { roundHalfEven } from './rounding.js';
import type { ContainerRow, TopologyIndex } from './topology.js';

/** Ordinals of the CLIMATE stream: which kind of place a series belongs to. */
const CLIMATE_SEA = 0;
const CLIMATE_HALL = 1;

/** Daily temperature series, shared read-only (built once per run in the plan phase). */
export interface ClimateTables {
  /** Epoch day of index 0: the first simulated date − spinUpDays. */
  firstDay: EpochDay;
  /** Last covered epoch day (inclusive): today + horizonDays. */
  lastDay: EpochDay;
  /** Sea temperature (°C, clamped) by area id: `sea[areaId][day − firstDay]`. */
  sea: Float64Array[];
  /** Hall water temperature (°C, clamped) by hall id. */
  hall: Float64Array[];
}

/** Seasonal sea temperature of a geography without the anomaly (°C). */
export function seasonalSeaC(profile: Profile, geographyCode: string, day: EpochDay): number {
  const climate = profile.climate;
  const geo = climate.seaByGeography[geographyCode];
  if (!geo) throw new Error(`No sea climate for geography ${geographyCode}`);
  return geo.meanC + geo.amplitudeC * Math.cos((2 * Math.PI * (dayOfYear(day) - climate.seaPeakDayOfYear)) / climate.yearLengthDays);
}

const clamp = (value: number, min: number, max: number): number => (value < min ? min : value > max ? max : value);

/**
 * Build the sea and hall series over [firstSimulatedDay − spinUpDays, today + horizonDays].
 * Sea: `T = μ_g + A_g·cos(2π(doy − peak)/365.25) + x`, x AR(1) started from `sd·z`, clamped.
 * Hall: `T = hallMean + y`, y AR(1) likewise, clamped. `sd` is the stationary SD in both cases,
 * so the innovations are `sd·√(1 − φ²)·z`.
 */
export function buildClimate(
  profile: Profile,
  index: TopologyIndex,
  seed: number,
  firstSimulatedDay: EpochDay,
  today: EpochDay,
): ClimateTables {
  const climate = profile.climate;
  const firstDay = firstSimulatedDay - climate.spinUpDays;
  const lastDay = today + climate.horizonDays;
  const length = lastDay - firstDay + 1;
  if (length <= 0) throw new Error('Climate range is empty: today is before the first simulated date');
  const rng = new Rng(seed, STREAM.CLIMATE, 0, 0, 0);
  const series = (
    entity: number,
    ordinal: number,
    phi: number,
    sd: number,
    base: (day: EpochDay) => number,
    min: number,
    max: number,
  ): Float64Array => {
    const values = new Float64Array(length);
    const innovationSd = sd * Math.sqrt(1 - phi * phi);
    let anomaly = 0;
    for (let i = 0; i < length; i++) {
      const day = firstDay + i;
      const z = rng.reset(seed, STREAM.CLIMATE, entity, ordinal, day).normal(0);
      anomaly = i === 0 ? sd * z : phi * anomaly + innovationSd * z;
      values[i] = clamp(base(day) + anomaly, min, max);
    }
    return values;
  };
  const topology = index.topology;
  // The seasonal term depends only on geography and date: compute it once per geography.
  const seasonal = new Map<string, Float64Array>();
  for (const geography of topology.geographies) {
    const values = new Float64Array(length);
    for (let i = 0; i < length; i++) values[i] = seasonalSeaC(profile, geography.code, firstDay + i);
    seasonal.set(geography.code, values);
  }
  const sea: Float64Array[] = [];
  for (const area of topology.areas) {
    const base = seasonal.get(topology.geographies[area.geographyId - 1]!.code)!;
    sea[area.id] = series(
      area.id,
      CLIMATE_SEA,
      climate.seaAnomalyPhi,
      climate.seaAnomalySd,
      (day) => base[day - firstDay]!,
      climate.seaClampC.min,
      climate.seaClampC.max,
    );
  }
  const hall: Float64Array[] = [];
  for (const row of topology.halls) {
    hall[row.id] = series(
      row.id,
      CLIMATE_HALL,
      climate.hallPhi,
      climate.hallSd,
      () => climate.hallMeanC,
      climate.hallClampC.min,
      climate.hallClampC.max,
    );
  }
  return { firstDay, lastDay, sea, hall };
}

function seriesValue(climate: ClimateTables, series: Float64Array | undefined, day: EpochDay, what: string): number {
  if (!series) throw new Error(`No climate series for ${what}`);
  const offset = day - climate.firstDay;
  if (offset < 0 || offset >= series.length) {
    throw new Error(`Date outside the climate tables for ${what} (epoch day ${day}, covered ${climate.firstDay}..${climate.lastDay})`);
  }
  return series[offset]!;
}

/** Sea temperature of an area on a date (°C). */
export function seaTemperatureC(climate: ClimateTables, areaId: number, day: EpochDay): number {
  return seriesValue(climate, climate.sea[areaId], day, `area ${areaId}`);
}

/** Hall water temperature on a date (°C). */
export function hallTemperatureC(climate: ClimateTables, hallId: number, day: EpochDay): number {
  return seriesValue(climate, climate.hall[hallId], day, `hall ${hallId}`);
}

/** Diurnal offset δ(hour) of a reading (°C): amplitude·cos(2π(hour − peak)/24). */
export function diurnalOffsetC(amplitudeC: number, peakHourUtc: number, hourUtc: number): number {
  return amplitudeC * Math.cos((2 * Math.PI * (hourUtc - peakHourUtc)) / 24);
}

/**
 * Mean diurnal offset over the reading hours (°C); ≈ +0.048 for the sea defaults (the spec's
 * "+0.05 °C" used by the harvest prediction).
 */
export function meanDiurnalOffsetC(profile: Profile, place: 'sea' | 'hall'): number {
  const climate = profile.climate;
  const amplitude = place === 'sea' ? climate.seaDiurnalAmplitudeC : climate.hallDiurnalAmplitudeC;
  let sum = 0;
  for (const hour of climate.readingHoursUtc) sum += diurnalOffsetC(amplitude, climate.diurnalPeakHourUtc, hour);
  return sum / climate.readingHoursUtc.length;
}

/**
 * Arithmetic mean of a day's stored readings, summed in reading order in double precision.
 * This is the growth temperature T_c(d).
 */
export function dailyMeanOfStoredReadings(values: ArrayLike<number>, from = 0, count = values.length - from): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[from + i]!;
  return sum / count;
}

/** One logged parameter of a container. */
export interface LoggedParameter {
  code: string;
  parameterId: number;
  sensorId: number;
  decimals: number;
}

interface ContainerClimate {
  container: ContainerRow;
  series: Float64Array;
  /** Sea area series for parameters that follow the sea temperature (null in halls). */
  seaSeries: Float64Array | null;
  geographyCode: string;
  seaMeanC: number;
  offsets: Float64Array;
  temperatureParameterId: number;
  /** Non-temperature parameters that log, with their resolved spec. */
  others: { logged: LoggedParameter; spec: WaterParameterSpec; mean: number; levelSd: number }[];
  logged: LoggedParameter[];
}

/**
 * Everything needed to generate readings for any (container, date): built once per process
 * and shared read-only. Methods reuse internal scratch buffers, so one context must not be used
 * from two threads at once (each worker builds its own, which is cheap).
 */
export class ReadingContext {
  private readonly rng: Rng;
  private readonly scratch: Float64Array;
  private readonly containers: (ContainerClimate | undefined)[] = [];
  private readonly hours: number[];
  private readonly levelWeights: Float64Array;

  constructor(
    readonly profile: Profile,
    readonly index: TopologyIndex,
    readonly climate: ClimateTables,
    readonly seed: number,
  ) {
    this.rng = new Rng(seed, STREAM.SENSOR, 0, 0, 0);
    this.hours = profile.climate.readingHoursUtc;
    this.scratch = new Float64Array(this.hours.length);
    const { levelPhi, levelWindowDays } = profile.waterQuality;
    this.levelWeights = new Float64Array(levelWindowDays);
    for (let j = 0; j < levelWindowDays; j++) this.levelWeights[j] = levelPhi ** j;
  }

  /** Reading hours (UTC) of every logged parameter, in reading order. */
  get readingHoursUtc(): readonly number[] {
    return this.hours;
  }

  private containerClimate(containerId: number): ContainerClimate {
    const cached = this.containers[containerId];
    if (cached) return cached;
    const { profile, index, climate } = this;
    const topology = index.topology;
    const container = topology.containers[containerId - 1];
    if (!container || container.hierarchyRole !== 'HOLDING') throw new Error(`Container ${containerId} holds no fish and has no sensors`);
    const geographyCode = topology.geographies[container.geographyId - 1]!.code;
    const atSea = container.areaId !== null;
    const series = atSea ? climate.sea[container.areaId!] : climate.hall[container.hallId!];
    if (!series) throw new Error(`No climate series for container ${container.name}`);
    const amplitude = atSea ? profile.climate.seaDiurnalAmplitudeC : profile.climate.hallDiurnalAmplitudeC;
    const offsets = Float64Array.from(this.hours, (hour) => diurnalOffsetC(amplitude, profile.climate.diurnalPeakHourUtc, hour));
    const specs = atSea ? profile.waterQuality.sea : profile.waterQuality.freshwater;
    const sensors = index.sensorsByContainer[containerId] ?? [];
    const logged: LoggedParameter[] = [];
    const others: ContainerClimate['others'] = [];
    let temperatureParameterId = 0;
    for (const sensor of sensors) {
      const isChemistry = !atSea && profile.waterQuality.chemistryCodes.includes(sensor.parameterCode);
      if (isChemistry && !profile.chemistry) continue;
      if (sensor.parameterCode === 'TEMPERATURE') {
        temperatureParameterId = sensor.parameterId;
        logged.push({ code: 'TEMPERATURE', parameterId: sensor.parameterId, sensorId: sensor.id, decimals: profile.climate.temperatureDecimals });
        continue;
      }
      const spec = specs[sensor.parameterCode];
      if (!spec) throw new Error(`No water-quality spec for ${sensor.parameterCode}`);
      const byGeo = spec.byGeography[geographyCode];
      const entry: LoggedParameter = { code: sensor.parameterCode, parameterId: sensor.parameterId, sensorId: sensor.id, decimals: spec.decimals };
      logged.push(entry);
      others.push({ logged: entry, spec, mean: byGeo?.mean ?? spec.mean, levelSd: byGeo?.levelSd ?? spec.levelSd });
    }
    if (temperatureParameterId === 0) throw new Error(`Container ${container.name} has no temperature sensor`);
    const result: ContainerClimate = {
      container,
      series,
      seaSeries: atSea ? series : null,
      geographyCode,
      seaMeanC: profile.climate.seaByGeography[geographyCode]?.meanC ?? 0,
      offsets,
      temperatureParameterId,
      others,
      logged,
    };
    this.containers[containerId] = result;
    return result;
  }

  /** The parameters a container logs, in sensor order (TEMPERATURE first). */
  loggedParameters(containerId: number): readonly LoggedParameter[] {
    return this.containerClimate(containerId).logged;
  }

  /**
   * The day's stored temperature readings of a container, in reading-hour order:
   * `round2(T_loc(t) + δ(hour) + noise·z)`, rounded half-even on String(x).
   */
  temperatureReadings(containerId: number, day: EpochDay, out: Float64Array = new Float64Array(this.hours.length)): Float64Array {
    const place = this.containerClimate(containerId);
    const base = seriesValue(this.climate, place.series, day, place.container.name);
    const { readingNoiseSdC, temperatureDecimals } = this.profile.climate;
    this.rng.reset(this.seed, STREAM.SENSOR, containerId, place.temperatureParameterId, day);
    for (let h = 0; h < this.hours.length; h++) {
      out[h] = roundHalfEven(base + place.offsets[h]! + readingNoiseSdC * this.rng.normal(h), temperatureDecimals);
    }
    return out;
  }

  /** T_c(d): the mean of the container's six stored temperature readings on a date (°C). */
  dailyTemperatureC(containerId: number, day: EpochDay): number {
    this.temperatureReadings(containerId, day, this.scratch);
    return dailyMeanOfStoredReadings(this.scratch);
  }

  /**
   * All stored readings of a container over [fromDay, toDay): `values[((d·P) + p)·H + h]` for day
   * offset d, logged parameter p (order of `parameters`) and reading hour h.
   *
   * Non-temperature parameters: `mean + slope·(T_sea − μ_g) + level + noise·z`, clamped and
   * rounded; `level(t) = Σ_{j<W} φ^j·ε(t − j)` with ε = levelSd·√(1 − φ²)·z keyed by
   * (container, parameter, date). This finite-window form of the AR(1) (φ^W ≈ 10⁻³ for the
   * defaults) makes every day's level a pure function of (container, date), so any interval
   * split yields identical values.
   */
  containerReadings(containerId: number, fromDay: EpochDay, toDay: EpochDay): ContainerReadings {
    const place = this.containerClimate(containerId);
    const days = Math.max(0, toDay - fromDay);
    const parameterCount = place.logged.length;
    const hourCount = this.hours.length;
    const values = new Float64Array(days * parameterCount * hourCount);
    for (let d = 0; d < days; d++) {
      this.temperatureReadings(containerId, fromDay + d, this.scratch);
      values.set(this.scratch, d * parameterCount * hourCount);
    }
    const { levelPhi, levelWindowDays } = this.profile.waterQuality;
    const innovationScale = Math.sqrt(1 - levelPhi * levelPhi);
    const window = levelWindowDays;
    const innovations = new Float64Array(days + window - 1);
    place.others.forEach((other, otherIndex) => {
      const p = otherIndex + 1;
      const { spec } = other;
      const firstInnovationDay = fromDay - window + 1;
      for (let i = 0; i < innovations.length; i++) {
        innovations[i] = other.levelSd * innovationScale * this.rng.reset(this.seed, STREAM.SENSOR_LEVEL, containerId, other.logged.parameterId, firstInnovationDay + i).normal(0);
      }
      for (let d = 0; d < days; d++) {
        const day = fromDay + d;
        let level = 0;
        for (let j = 0; j < window; j++) level += this.levelWeights[j]! * innovations[d + window - 1 - j]!;
        let mean = other.mean + level;
        if (spec.temperatureSlope !== 0 && place.seaSeries) {
          mean += spec.temperatureSlope * (seriesValue(this.climate, place.seaSeries, day, place.container.name) - place.seaMeanC);
        }
        this.rng.reset(this.seed, STREAM.SENSOR, containerId, other.logged.parameterId, day);
        const base = (d * parameterCount + p) * hourCount;
        for (let h = 0; h < hourCount; h++) {
          const raw = clamp(mean + spec.noiseSd * this.rng.normal(h), spec.min, spec.max);
          values[base + h] = roundHalfEven(raw, spec.decimals);
        }
      }
    });
    return { containerId, fromDay, toDay, parameters: place.logged, hoursUtc: this.hours, values };
  }
}

/** Stored readings of one container over [fromDay, toDay). */
export interface ContainerReadings {
  containerId: number;
  fromDay: EpochDay;
  toDay: EpochDay;
  parameters: readonly LoggedParameter[];
  hoursUtc: readonly number[];
  /** `values[((dayOffset·P) + p)·H + h]`, already rounded to each parameter's decimals. */
  values: Float64Array;
}

/** EnvironmentalDaily rows of a readings block: avg (rounded half-even to 4 dp), min, max, count. */
export interface EnvironmentalDailyColumns {
  day: Int32Array;
  parameterIndex: Uint8Array;
  avg: Float64Array;
  min: Float64Array;
  max: Float64Array;
  count: Int32Array;
}

/** Summarise a readings block per (day, parameter); `avg` is stored at numeric(10,4). */
export function environmentalDaily(readings: ContainerReadings): EnvironmentalDailyColumns {
  const days = readings.toDay - readings.fromDay;
  const parameterCount = readings.parameters.length;
  const hourCount = readings.hoursUtc.length;
  const rows = days * parameterCount;
  const columns: EnvironmentalDailyColumns = {
    day: new Int32Array(rows),
    parameterIndex: new Uint8Array(rows),
    avg: new Float64Array(rows),
    min: new Float64Array(rows),
    max: new Float64Array(rows),
    count: new Int32Array(rows),
  };
  for (let d = 0; d < days; d++) {
    for (let p = 0; p < parameterCount; p++) {
      const row = d * parameterCount + p;
      const start = row * hourCount;
      let min = Infinity;
      let max = -Infinity;
      for (let h = 0; h < hourCount; h++) {
        const value = readings.values[start + h]!;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      columns.day[row] = readings.fromDay + d;
      columns.parameterIndex[row] = p;
      columns.avg[row] = roundHalfEven(dailyMeanOfStoredReadings(readings.values, start, hourCount), 4);
      columns.min[row] = min;
      columns.max[row] = max;
      columns.count[row] = hourCount;
    }
  }
  return columns;
}
