import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNamedProfile } from '../profile-file.js';
import { formatIsoDate, parseIsoDate } from './dates.js';
import { PlanningError, prepareRun, type PreparedRun, type Reservation } from './planner.js';
import { loadProfile } from './profile.js';
import { estimateBatchRows } from './volumes.js';

const TODAY = parseIsoDate('2025-12-31');
const SEED = 20251231;

let standardRun: PreparedRun | undefined;
const standard = (): PreparedRun => (standardRun ??= prepareRun(loadNamedProfile('standard'), SEED, TODAY));

function expectNoOverlaps(reservations: Reservation[]): void {
  const byContainer = new Map<number, Reservation[]>();
  for (const reservation of reservations) {
    expect(reservation.fromDay).toBeLessThan(reservation.toDay);
    (byContainer.get(reservation.containerId) ?? byContainer.set(reservation.containerId, []).get(reservation.containerId)!).push(reservation);
  }
  for (const list of byContainer.values()) {
    list.sort((a, b) => a.fromDay - b.fromDay);
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.toDay).toBeLessThanOrEqual(list[i]!.fromDay);
  }
}

describe('standard plan', () => {
  it('plans 144 batches (72 + 72) with zero failures; oldest start 2020-10-09, newest age 50', () => {
    const { plan } = standard();
    expect(plan.batches).toHaveLength(144);
    expect(plan.batches.filter((b) => b.geographyCode === 'FO')).toHaveLength(72);
    expect(formatIsoDate(plan.firstSimulatedDay)).toBe('2020-10-09');
    expect(plan.batches[0]!.startDate).toBe('2020-10-09');
    expect(plan.batches[0]!.ageDays).toBe(1_909);
    expect(Math.min(...plan.batches.map((b) => b.ageDays))).toBe(50);
    // Roughly 87 completed / 57 active (§4.3), judged on the predicted harvest day.
    const completed = plan.batches.filter((b) => b.predictedHarvestDay <= b.ageDays).length;
    expect(completed).toBeGreaterThanOrEqual(84);
    expect(completed).toBeLessThanOrEqual(90);
  });

  it('orders batchKey chronologically, interleaving geographies every s/G = 13 days (FO first)', () => {
    const { plan } = standard();
    plan.batches.forEach((batch, key) => {
      expect(batch.batchKey).toBe(key);
      if (key > 0) expect(batch.startDay - plan.batches[key - 1]!.startDay).toBe(13);
    });
    expect(plan.batches.slice(0, 3).map((b) => b.geographyCode)).toEqual(['FO', 'SC', 'FO']);
  });

  it('numbers batches <geo>-<start year>-<nnn> by rank within (geography, year), with derived workflow numbers', () => {
    const { plan } = standard();
    expect(plan.batches[0]!.batchNumber).toBe('FO-2020-001');
    expect(plan.batches[1]!.batchNumber).toBe('SC-2020-001');
    expect(new Set(plan.batches.map((b) => b.batchNumber)).size).toBe(144);
    for (const batch of plan.batches) {
      const [geo, year, nnn] = batch.batchNumber.split('-');
      expect(geo).toBe(batch.geographyCode);
      expect(Number(year)).toBe(new Date(batch.startDay * 86_400_000).getUTCFullYear());
      const rank = plan.batches.filter((b) => b.geographyCode === geo && b.batchNumber.split('-')[1] === year && b.startDay <= batch.startDay).length;
      expect(Number(nnn)).toBe(rank);
      expect(batch.creationNumber).toBe(`CRT-${batch.batchNumber}`);
      expect(batch.transferWorkflowNumbers).toEqual(['091', '181', '271', '361', '451'].map((n) => `TRF-${batch.batchNumber}-D${n}`));
    }
  });

  it('reserves F containers of one hall per started freshwater stage and R rings of one area at sea', () => {
    const { plan, index, profile } = standard();
    const topology = index.topology;
    for (const batch of plan.batches) {
      const started = [0, 90, 180, 270, 360, 450].filter((day) => day <= batch.ageDays).length;
      expect(batch.stages.map((s) => s.stageOrder)).toEqual([1, 2, 3, 4, 5, 6].slice(0, started));
      for (const stage of batch.stages) {
        const containers = stage.containerIds.map((id) => topology.containers[id - 1]!);
        if (stage.stageOrder < 6) {
          expect(containers).toHaveLength(10);
          expect(containers.every((c) => c.hallId === stage.hallId && c.stageOrder === stage.stageOrder)).toBe(true);
          expect(stage.fromDay).toBe(batch.startDay + 90 * (stage.stageOrder - 1));
          expect(stage.reservedToDay).toBe(stage.fromDay + 90 + profile.schedule.fwFallowDays);
        } else {
          expect(containers).toHaveLength(batch.ringCount);
          expect(containers.every((c) => c.areaId === stage.areaId && c.geographyId === batch.geographyId)).toBe(true);
          expect(stage.fromDay).toBe(batch.startDay + 450);
          expect(stage.reservedToDay).toBe(batch.startDay + batch.predictedHarvestDay + 7 + 14);
          expect(batch.seaAreaId).toBe(stage.areaId);
        }
      }
      // Egg stage at station k mod stations; later stages follow the previous station when free.
      const stations = index.geographyStations[batch.geographyId]!;
      if (batch.stages[0]) expect(batch.stages[0].stationId).toBe(stations[batch.indexInGeography % stations.length]!.id);
    }
    expectNoOverlaps(plan.reservations);
    expect(plan.reservations).toHaveLength(plan.batches.reduce((sum, b) => sum + b.stages.reduce((n, s) => n + s.containerIds.length, 0), 0));
  });

  it('sizes rings by biomass: 12–17 rings, mean ≈ 14.3, and targets in [4.5, 6.5] kg', () => {
    const { plan } = standard();
    for (const batch of plan.batches) {
      expect(batch.targetWeightG).toBeGreaterThanOrEqual(4_500);
      expect(batch.targetWeightG).toBeLessThan(6_500);
      expect(batch.ringCount).toBeGreaterThanOrEqual(12);
      expect(batch.ringCount).toBeLessThanOrEqual(17);
      expect(batch.expectedSeaFish / batch.eggs).toBeCloseTo(0.7736, 3);
    }
    const meanRings = plan.batches.reduce((sum, b) => sum + b.ringCount, 0) / plan.batches.length;
    expect(meanRings).toBeGreaterThan(13.5);
    expect(meanRings).toBeLessThan(15);
  });

  it('estimates ≈ 29.2 M rows (±10 %) with the §4.3 formulas', () => {
    const { plan } = standard();
    expect(plan.estimatedRows).toBeGreaterThan(29.2e6 * 0.9);
    expect(plan.estimatedRows).toBeLessThan(29.2e6 * 1.1);
    const readings = plan.batches.reduce((sum, b) => sum + b.estRows.environmentalReadings, 0);
    expect(Math.abs(readings / 22.1e6 - 1)).toBeLessThan(0.1);
  });

  it('is deterministic', () => {
    const again = prepareRun(loadNamedProfile('standard'), SEED, TODAY);
    expect(again.plan).toEqual(standard().plan);
  });
});

describe('demo and full plans', () => {
  it('demo plans 4 batches aged 950, 650, 350, 50, oldest start 2023-05-26', () => {
    const { plan } = prepareRun(loadNamedProfile('demo'), SEED, TODAY);
    expect(plan.batches.map((b) => b.ageDays)).toEqual([950, 650, 350, 50]);
    expect(plan.batches[0]!.startDate).toBe('2023-05-26');
    expect(plan.batches.map((b) => b.ringCount)).toEqual([2, 2, 2, 2]);
    expect(plan.batches.map((b) => b.stages.length)).toEqual([6, 6, 4, 1]);
    expectNoOverlaps(plan.reservations);
  });

  it('full plans 170 batches with zero failures, oldest start 2019-11-06', () => {
    const { plan } = prepareRun(loadNamedProfile('full'), SEED, TODAY);
    expect(plan.batches).toHaveLength(170);
    expect(plan.batches[0]!.startDate).toBe('2019-11-06');
    expectNoOverlaps(plan.reservations);
  });
});

describe('§4.3 volume formulas', () => {
  it('give ≈ 257 k rows for a completed batch with D = 342, R = 14, H = 792', () => {
    const rows = estimateBatchRows(loadProfile({}), 1_000, 792, 14);
    expect(rows).toMatchObject({
      containerDays: 9_288,
      environmentalReadings: 195_912,
      feedingEvents: 16_776,
      growthSamples: 688,
      growthSampleFish: 20_640,
      liceCounts: 686,
      liceCountEntries: 3_430,
      treatments: 20,
      treatmentFish: 300,
      transferWorkflows: 5,
      transferActions: 63,
      assignments: 64,
      harvestEvents: 14,
      harvestLots: 70,
      environmentalDaily: 32_652,
    });
    expect(Math.round(rows.total / 1000)).toBe(257);
  });

  it('clip days to the age of an active batch', () => {
    const rows = estimateBatchRows(loadProfile({}), 50, 792, 14);
    expect(rows.containerDays).toBe(51 * 10);
    expect(rows.feedingEvents).toBe(0);
    expect(rows.assignments).toBe(10);
    expect(rows.harvestEvents).toBe(0);
  });
});

describe('allocation failures', () => {
  it('fail the plan with a message naming batch, stage and interval', () => {
    // One station with exactly F = 4 trays: a 30-day stagger cannot fit 97-day egg reservations.
    const profile = loadProfile({ topology: 'one-site', schedule: { batchesPerGeography: 3, staggerDays: 30, eggsPerBatch: 40_000 } });
    let error: unknown;
    try {
      prepareRun(profile, SEED, TODAY);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanningError);
    const failure = error as PlanningError;
    expect(failure.batchNumber).toBe('FO-2025-002');
    expect(failure.stageOrder).toBe(1);
    expect(failure.message).toBe(
      `Cannot place batch FO-2025-002 (batchKey 1) stage 1 Egg&Alevin for [${formatIsoDate(failure.fromDay)}, ${formatIsoDate(failure.toDay)}): ` +
        'no hall with 4 free containers in FO',
    );
    expect(failure.toDay - failure.fromDay).toBe(97);
  });

  it('name the sea stage when rings run out', () => {
    const profile = loadProfile({
      topology: { preset: 'one-site', ringsPerArea: 3 },
      schedule: { batchesPerGeography: 4, staggerDays: 300 },
      sea: { ringSizing: { mode: 'fixed', rings: 2 } },
    });
    expect(() => prepareRun(profile, SEED, TODAY)).toThrow(/stage 6 Adult for \[\d{4}-\d{2}-\d{2}, \d{4}-\d{2}-\d{2}\): no sea area in FO with 2 free rings/);
  });

  it('never double-book a container, whatever the profile (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          containersPerHall: fc.integer({ min: 1, max: 5 }),
          ringsPerArea: fc.integer({ min: 2, max: 8 }),
          batches: fc.integer({ min: 1, max: 10 }),
          stagger: fc.integer({ min: 20, max: 260 }),
          newestAge: fc.integer({ min: 0, max: 200 }),
          fill: fc.double({ min: 0.2, max: 1, noNaN: true }),
          rings: fc.integer({ min: 1, max: 8 }),
          seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        }),
        (input) => {
          const profile = loadProfile({
            topology: { preset: 'one-site', containersPerHall: input.containersPerHall, ringsPerArea: input.ringsPerArea },
            schedule: {
              batchesPerGeography: input.batches,
              staggerDays: input.stagger,
              newestAgeDays: input.newestAge,
              eggsPerBatch: 50_000,
              freshwaterContainersPerStage: Math.max(1, Math.round(input.fill * input.containersPerHall)),
            },
            sea: { ringSizing: { mode: 'fixed', rings: Math.min(input.rings, input.ringsPerArea) } },
          });
          try {
            const { plan } = prepareRun(profile, input.seed, TODAY);
            expect(plan.batches).toHaveLength(input.batches);
            expectNoOverlaps(plan.reservations);
          } catch (error) {
            if (!(error instanceof PlanningError)) throw error;
            expect(error.message).toContain(error.batchNumber);
            expect(error.message).toContain(`stage ${error.stageOrder}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
