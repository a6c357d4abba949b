import { describe, expect, it } from 'vitest';
import {
  buildClimate,
  dailyMeanOfStoredReadings,
  environmentalDaily,
  meanDiurnalOffsetC,
  ReadingContext,
  seasonalSeaC,
  seaTemperatureC,
} from './climate.js';
import { parseIsoDate } from './dates.js';
import { loadProfile } from './profile.js';
import { roundHalfEven } from './rounding.js';
import { buildTopology, indexTopology } from './topology.js';

const profile = loadProfile({});
const index = indexTopology(buildTopology(profile, 7));
const first = parseIsoDate('2020-10-09');
const today = parseIsoDate('2025-12-31');
const climate = buildClimate(profile, index, 7, first, today);
const context = new ReadingContext(profile, index, climate, 7);
const ring = index.topology.containers.find((c) => c.name === 'SC-SEA-03-R05')!;
const tank = index.topology.containers.find((c) => c.name === 'FO-FW-04-C-T07')!;

describe('climate tables (§3.2)', () => {
  it('cover [first − 60, today + 900] for 42 areas and 110 halls', () => {
    expect(climate.firstDay).toBe(first - 60);
    expect(climate.lastDay).toBe(today + 900);
    expect(climate.sea.filter(Boolean)).toHaveLength(42);
    expect(climate.hall.filter(Boolean)).toHaveLength(110);
    expect(climate.sea[1]).toHaveLength(today + 900 - (first - 60) + 1);
  });

  it('clamp sea to [2, 18] and halls to [11, 13], with hall mean ≈ 12', () => {
    const all = (tables: Float64Array[]) => tables.filter(Boolean).flatMap((series) => Array.from(series));
    const hall = all(climate.hall);
    const sea = all(climate.sea);
    expect(hall.every((value) => value >= 11 && value <= 13)).toBe(true);
    expect(hall.reduce((a, b) => a + b, 0) / hall.length).toBeCloseTo(12, 1);
    expect(sea.every((value) => value >= 2 && value <= 18)).toBe(true);
  });

  it('follows the seasonal formula per geography: monthly means within ±1 °C, peak around 20 August', () => {
    for (const area of index.topology.areas) {
      const code = index.topology.geographies[area.geographyId - 1]!.code;
      for (let month = 0; month < 12; month++) {
        let sum = 0;
        let formula = 0;
        let days = 0;
        for (let year = 2021; year <= 2025; year++) {
          for (let day = Date.UTC(year, month, 1) / 86_400_000; day < Date.UTC(year, month + 1, 1) / 86_400_000; day++) {
            sum += seaTemperatureC(climate, area.id, day);
            formula += seasonalSeaC(profile, code, day);
            days += 1;
          }
        }
        expect(Math.abs(sum / days - formula / days)).toBeLessThan(1);
      }
    }
    expect(seasonalSeaC(profile, 'FO', parseIsoDate('2023-08-20'))).toBeCloseTo(10.7, 2);
    expect(seasonalSeaC(profile, 'SC', parseIsoDate('2023-02-18'))).toBeCloseTo(7.0, 1);
  });

  it('has an AR(1) sea anomaly with lag-1 correlation ≈ 0.92 and SD ≈ 0.4', () => {
    const code = 'FO';
    const series = climate.sea[1]!;
    const anomalies = Array.from(series, (value, i) => value - seasonalSeaC(profile, code, climate.firstDay + i));
    const mean = anomalies.reduce((a, b) => a + b, 0) / anomalies.length;
    let variance = 0;
    let covariance = 0;
    for (let i = 0; i < anomalies.length; i++) {
      variance += (anomalies[i]! - mean) ** 2;
      if (i > 0) covariance += (anomalies[i]! - mean) * (anomalies[i - 1]! - mean);
    }
    expect(covariance / variance).toBeGreaterThan(0.85);
    expect(Math.sqrt(variance / anomalies.length)).toBeGreaterThan(0.25);
    expect(Math.sqrt(variance / anomalies.length)).toBeLessThan(0.6);
  });
});

describe('sensor readings', () => {
  const day = parseIsoDate('2024-07-01');

  it('are six 2-dp temperature readings whose mean is the growth temperature', () => {
    const values = context.temperatureReadings(ring.id, day);
    expect(values).toHaveLength(6);
    for (const value of values) expect(roundHalfEven(value, 2)).toBe(value);
    expect(context.dailyTemperatureC(ring.id, day)).toBe(dailyMeanOfStoredReadings(values));
    expect(dailyMeanOfStoredReadings([12.4, 12.6])).toBe(12.5);
    const base = seaTemperatureC(climate, ring.areaId!, day);
    expect(Math.abs(context.dailyTemperatureC(ring.id, day) - base - meanDiurnalOffsetC(profile, 'sea'))).toBeLessThan(0.1);
  });

  it('apply the sea diurnal offset (mean +0.048 °C) and none in halls', () => {
    expect(meanDiurnalOffsetC(profile, 'sea')).toBeCloseTo(0.0483, 4);
    expect(meanDiurnalOffsetC(profile, 'hall')).toBe(0);
  });

  it('are a pure function of (container, date): any interval split gives identical values', () => {
    const whole = context.containerReadings(ring.id, day, day + 40);
    const left = context.containerReadings(ring.id, day, day + 17);
    const right = context.containerReadings(ring.id, day + 17, day + 40);
    expect(Array.from(whole.values)).toEqual([...left.values, ...right.values]);
    const other = new ReadingContext(profile, index, climate, 7);
    expect(other.containerReadings(ring.id, day + 17, day + 40).values).toEqual(right.values);
    const perDay = Array.from({ length: 40 }, (_, d) => Array.from(context.temperatureReadings(ring.id, day + d)));
    const parameters = whole.parameters.length;
    expect(perDay.flat()).toEqual(
      Array.from({ length: 40 }, (_, d) => Array.from(whole.values.slice(d * parameters * 6, d * parameters * 6 + 6))).flat(),
    );
  });

  it('log Temperature, DO, pH and Salinity at sea with their decimals and plausible levels', () => {
    const readings = context.containerReadings(ring.id, day, day + 365);
    expect(readings.parameters.map((p) => [p.code, p.decimals])).toEqual([
      ['TEMPERATURE', 2],
      ['OXYGEN', 1],
      ['PH', 2],
      ['SALINITY', 2],
    ]);
    const P = readings.parameters.length;
    const meanOf = (p: number) => {
      let sum = 0;
      let count = 0;
      for (let d = 0; d < 365; d++) {
        for (let h = 0; h < 6; h++) {
          const value = readings.values[(d * P + p) * 6 + h]!;
          expect(roundHalfEven(value, readings.parameters[p]!.decimals)).toBe(value);
          sum += value;
          count += 1;
        }
      }
      return sum / count;
    };
    expect(meanOf(1)).toBeGreaterThan(88);
    expect(meanOf(1)).toBeLessThan(96);
    expect(meanOf(2)).toBeCloseTo(8.0, 1);
    expect(Math.abs(meanOf(3) - 33.5)).toBeLessThan(0.6); // SC salinity
  });

  it('log Temperature, DO and pH in freshwater; chemistry adds CO2, NO2, NO3, NH4', () => {
    expect(context.loggedParameters(tank.id).map((p) => p.code)).toEqual(['TEMPERATURE', 'OXYGEN', 'PH']);
    const chemistry = loadProfile({ chemistry: true });
    const withChemistry = new ReadingContext(chemistry, index, climate, 7);
    const readings = withChemistry.containerReadings(tank.id, day, day + 3);
    expect(readings.parameters.map((p) => [p.code, p.decimals])).toEqual([
      ['TEMPERATURE', 2],
      ['OXYGEN', 1],
      ['PH', 2],
      ['CO2', 1],
      ['NO2', 3],
      ['NO3', 1],
      ['NH4', 3],
    ]);
    expect(readings.values).toHaveLength(3 * 7 * 6);
    // The temperature series does not depend on which other parameters log.
    expect(readings.values.slice(0, 6)).toEqual(context.temperatureReadings(tank.id, day));
    for (const value of context.temperatureReadings(tank.id, day)) expect(Math.abs(value - 12)).toBeLessThan(1.3);
  });

  it('summarise into EnvironmentalDaily rows: avg rounded to 4 dp, min, max, count 6', () => {
    const readings = context.containerReadings(ring.id, day, day + 2);
    const daily = environmentalDaily(readings);
    expect(daily.avg).toHaveLength(8);
    expect(daily.avg[0]).toBe(roundHalfEven(context.dailyTemperatureC(ring.id, day), 4));
    expect(Array.from(daily.count)).toEqual(Array(8).fill(6));
    expect(daily.min[0]).toBe(Math.min(...context.temperatureReadings(ring.id, day)));
  });
});
