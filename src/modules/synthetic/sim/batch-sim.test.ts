import { describe, expect, it } from 'vitest';
import { loadNamedProfile } from '../profile-file.js';
import { batchRowId, createSimContext, occupiedIntervals, simulateBatch, type BatchSimResult, type SimContext } from './batch-sim.js';
import { dailyMeanOfStoredReadings } from './climate.js';
import { parseIsoDate } from './dates.js';
import { prepareRun, type BatchPlan, type PreparedRun } from './planner.js';
import { loadProfile } from './profile.js';

const TODAY = parseIsoDate('2025-12-31');
const SEED = 20251231;
const F = 10;

const run: PreparedRun = prepareRun(loadNamedProfile('standard'), SEED, TODAY);
const ctx: SimContext = createSimContext(run);
const plans = run.plan.batches;
const completedPlan = plans[0]!;
const started = performance.now();
const completed: BatchSimResult = simulateBatch(ctx, completedPlan);
const firstCallMs = performance.now() - started;

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);
const stageOf = (result: BatchSimResult, order: number) => result.assignments.filter((a) => a.stageOrder === order);

describe('a completed standard batch', () => {
  it('is completed and harvested at or above target on the morning after reaching it', () => {
    expect(completed.status).toBe('COMPLETED');
    expect(completed.forcedHarvest).toBe(false);
    const H = completed.harvestDayIndex!;
    expect(completed.actualEndDay).toBe(completedPlan.startDay + H);
    expect(H).toBeLessThanOrEqual(completedPlan.predictedHarvestDay + 7);
    const rings = stageOf(completed, 6);
    const meanOn = (dayIndex: number) => {
      let fish = 0;
      let mass = 0;
      for (const ring of rings) {
        const i = completedPlan.startDay + dayIndex - ring.truth.firstDay;
        fish += ring.truth.population[i]!;
        mass += ring.truth.population[i]! * ring.truth.weightG[i]!;
      }
      return mass / fish;
    };
    expect(meanOn(H - 1)).toBeGreaterThanOrEqual(completedPlan.targetWeightG);
    expect(meanOn(H - 2)).toBeLessThan(completedPlan.targetWeightG);
    expect(completed.summary.currentPopulation).toBe(0);
  });

  it('has 5F + R assignments that close on transfer or harvest day', () => {
    const R = completedPlan.ringCount;
    expect(completed.assignments).toHaveLength(5 * F + R);
    for (const assignment of completed.assignments) {
      expect(assignment.departureDay).not.toBeNull();
      expect(assignment.closeReason).toBe(assignment.stageOrder === 6 ? 'HARVESTED' : 'TRANSFERRED');
      expect(assignment.simulatedToDay).toBe(assignment.departureDay);
      const expectedFrom = completedPlan.startDay + [0, 90, 180, 270, 360, 450][assignment.stageOrder - 1]!;
      expect(assignment.assignmentDay).toBe(expectedFrom);
    }
    expect(completed.placements).toHaveLength(F);
    expect(sum(completed.placements.map((p) => p.count))).toBe(3_500_000);
    expect(completed.placements.every((p) => p.count === 350_000 && p.avgWeightG === 0.1)).toBe(true);
  });

  it('conserves fish exactly through every transfer', () => {
    const byIndex = completed.assignments;
    const sources = new Map<number, number>();
    const incoming = new Map<number, number>();
    for (const action of completed.transferActions) {
      sources.set(action.sourceAssignment, (sources.get(action.sourceAssignment) ?? 0) + action.transferredCount + action.mortalityDuringTransfer);
      incoming.set(action.destAssignment, (incoming.get(action.destAssignment) ?? 0) + action.transferredCount);
      expect(action.transferredCount).toBeGreaterThan(0);
    }
    for (const [source, moved] of sources) {
      const truth = byIndex[source]!.truth;
      expect(moved).toBe(truth.population[truth.population.length - 1]);
      const flows = completed.transferActions.filter((a) => a.sourceAssignment === source);
      expect(flows[0]!.sourcePopulationBefore).toBe(moved);
      expect(flows.slice(1).every((f) => f.mortalityDuringTransfer === 0)).toBe(true);
      expect(flows.filter((f) => f.emptiesSource)).toHaveLength(1);
    }
    for (const [dest, fish] of incoming) {
      const assignment = byIndex[dest]!;
      expect(assignment.openingPopulation).toBe(fish);
      expect(assignment.truth.population[0]! + assignment.truth.deaths[0]!).toBe(fish);
    }
    const eggs = completed.summary.eggs;
    const deaths = sum(completed.mortalityEvents.count);
    const losses = sum(completed.transferActions.map((a) => a.mortalityDuringTransfer));
    const harvested = sum(completed.harvestEvents.map((h) => h.count));
    expect(eggs - deaths - losses - harvested).toBe(0);
  });

  it('uses 1:1 pairing in freshwater and north-west-corner flows to sea', () => {
    const R = completedPlan.ringCount;
    expect(completed.workflows.map((w) => w.workflowNumber)).toEqual(completedPlan.transferWorkflowNumbers);
    const bySea = completed.transferActions.filter((a) => a.workflow === 4);
    expect(completed.transferActions.length - bySea.length).toBe(4 * F);
    expect(bySea.length).toBeLessThanOrEqual(F + R - 1);
    const perRing = stageOf(completed, 6).map((ring) => ring.openingPopulation);
    expect(Math.max(...perRing) - Math.min(...perRing)).toBeLessThanOrEqual(1);
    expect(completed.transferActions.filter((a) => a.workflow === 0).every((a) => a.method === 'MANUAL')).toBe(true);
    expect(completed.transferActions.filter((a) => a.workflow > 0).every((a) => a.method === 'PUMP')).toBe(true);
  });

  it('keeps ≈ 0.8714 × eggs on day 91 (±2 %) and ≈ 77 % stocked at sea', () => {
    const fry = stageOf(completed, 2);
    const day91 = sum(fry.map((a) => a.truth.population[0]!));
    expect(day91 / 3_500_000).toBeGreaterThan(0.8714 * 0.98);
    expect(day91 / 3_500_000).toBeLessThan(0.8714 * 1.02);
    expect(completed.summary.stockedAtSea / 3_500_000).toBeCloseTo(0.774, 2);
  });

  it('reaches the stage-out weights 0.1 / 6 / 60 / 180 / 500 g', () => {
    const targets = [0.1, 6, 60, 180, 500];
    completed.summary.stageOutWeightsG.forEach((weight, i) => expect(Math.abs(weight / targets[i]! - 1)).toBeLessThan(0.03));
    completed.summary.measuredStageOutWeightsG.forEach((weight, i) => expect(Math.abs(weight / targets[i]! - 1)).toBeLessThan(0.06));
  });

  it('never exceeds a container’s max biomass', () => {
    for (const assignment of completed.assignments) {
      const max = run.topology.containers[assignment.containerId - 1]!.maxBiomassKg;
      const { population, weightG } = assignment.truth;
      for (let i = 0; i < population.length; i++) expect((population[i]! * weightG[i]!) / 1000).toBeLessThanOrEqual(max);
    }
    expect(completed.summary.maxBiomassRatio).toBeLessThanOrEqual(0.95);
  });

  it('has a lifetime economic FCR in [1.0, 1.3] and survival to harvest in [70 %, 80 %]', () => {
    expect(completed.summary.economicFcr!).toBeGreaterThanOrEqual(1.0);
    expect(completed.summary.economicFcr!).toBeLessThanOrEqual(1.3);
    expect(completed.summary.survivalToHarvest!).toBeGreaterThanOrEqual(0.7);
    expect(completed.summary.survivalToHarvest!).toBeLessThanOrEqual(0.8);
  });

  it('grades every harvest into lots that sum exactly to its count', () => {
    expect(completed.harvestEvents).toHaveLength(completedPlan.ringCount);
    for (const harvest of completed.harvestEvents) {
      expect(sum(harvest.lots.map((lot) => lot.count))).toBe(harvest.count);
      expect(harvest.lots.every((lot) => lot.count > 0)).toBe(true);
      expect(harvest.day).toBe(completed.actualEndDay);
      expect(harvest.hourUtc).toBe(10);
    }
    const lots = sum(completed.harvestEvents.map((h) => h.lots.length));
    expect(lots / completed.harvestEvents.length).toBeGreaterThan(4);
    expect(lots / completed.harvestEvents.length).toBeLessThan(8);
  });

  it('grows with the mean of the six stored readings of the container', () => {
    for (const assignment of completed.assignments.filter((_, i) => i % 7 === 0)) {
      for (let i = 0; i < assignment.truth.temperatureC.length; i += 13) {
        const day = assignment.truth.firstDay + i;
        const stored = ctx.readings.temperatureReadings(assignment.containerId, day);
        expect(assignment.truth.temperatureC[i]).toBe(dailyMeanOfStoredReadings(stored));
      }
    }
  });

  it('writes mortality events for deaths > 0 only, with causes of the right place', () => {
    const { mortalityEvents: events } = completed;
    const deathDays = sum(completed.assignments.map((a) => Array.from(a.truth.deaths).filter((d) => d > 0).length));
    expect(events.count.length).toBe(deathDays);
    expect(Array.from(events.count).every((count) => count > 0)).toBe(true);
    const seaAssignments = new Set(stageOf(completed, 6).map((a) => a.index));
    for (let i = 0; i < events.count.length; i++) {
      const cause = events.cause[i]!;
      if (seaAssignments.has(events.assignment[i]!)) expect([0, 2, 3, 4]).toContain(cause);
      else expect([0, 1, 3, 4]).toContain(cause);
    }
    expect(completed.summary.containerDays).toBe(sum(completed.assignments.map((a) => a.simulatedToDay - a.assignmentDay)));
  });

  it('feeds only on growth days, at 08:00 and 16:00 in equal halves, with the stage’s feed', () => {
    const { feedingEvents: feeding } = completed;
    const eggAssignments = new Set(stageOf(completed, 1).map((a) => a.index));
    const feedName = (id: number) => run.topology.feeds[id - 1]!.name;
    for (let i = 0; i < feeding.day.length; i += 2) {
      const assignment = completed.assignments[feeding.assignment[i]!]!;
      expect(eggAssignments.has(assignment.index)).toBe(false);
      expect([feeding.hourUtc[i], feeding.hourUtc[i + 1]]).toEqual([8, 16]);
      expect(feeding.amountKg[i]).toBe(feeding.amountKg[i + 1]);
      expect(feeding.amountKg[i]).toBeGreaterThan(0);
      const d = feeding.day[i]! - assignment.truth.firstDay;
      const before = d === 0 ? null : assignment.truth.weightG[d - 1]!;
      if (before !== null) expect(assignment.truth.weightG[d]!).toBeGreaterThan(before);
      const name = feedName(feeding.feedId[i]!);
      if (assignment.stageOrder === 2) expect(name).toBe('Starter 0.5 mm');
      if (assignment.stageOrder === 6) expect(name).toBe((before ?? 500) < 2500 ? 'Finisher 4.5 mm' : 'Finisher 6.0 mm');
    }
    expect(feeding.day.length).toBe(2 * (4 * 90 * F + sum(stageOf(completed, 6).map((a) => a.truth.population.length))));
  });

  it('samples 30 fish weekly in freshwater and every 4 weeks at sea; vaccinates on d = 225 and 315', () => {
    const { growthSamples: samples, growthSampleFish: fish } = completed;
    for (let i = 0; i < samples.day.length; i++) {
      const assignment = completed.assignments[samples.assignment[i]!]!;
      const d = samples.day[i]! - completedPlan.startDay;
      expect(assignment.stageOrder).toBeGreaterThanOrEqual(2);
      expect(d % (assignment.stageOrder === 6 ? 28 : 7)).toBe(0);
      expect(samples.sampleSize[i]).toBe(30);
    }
    expect(fish.weightG.length).toBe(30 * samples.day.length);
    expect(Array.from(fish.fishNo.slice(0, 30))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const days = (order: number) => completed.treatments.filter((t) => completed.assignments[t.assignment]!.stageOrder === order);
    expect(days(3).map((t) => t.day - completedPlan.startDay)).toEqual(Array(F).fill(225));
    expect(days(3).every((t) => t.includesWeighing && t.weighedCount === 30 && t.avgWeightG! > 0)).toBe(true);
    expect(days(4).map((t) => t.day - completedPlan.startDay)).toEqual(Array(F).fill(315));
    expect(days(4).every((t) => !t.includesWeighing && t.weighedCount === null)).toBe(true);
    expect(completed.treatmentFish.weightG.length).toBe(30 * F);
  });

  it('counts lice weekly per ring with five entries, zeros kept', () => {
    const { liceCounts, liceEntries } = completed;
    expect(liceEntries.count.length).toBe(5 * liceCounts.day.length);
    for (let i = 0; i < liceCounts.day.length; i++) {
      expect((liceCounts.day[i]! - completedPlan.startDay) % 7).toBe(0);
      expect(completed.assignments[liceCounts.assignment[i]!]!.stageOrder).toBe(6);
    }
    expect(Array.from(liceEntries.share.slice(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches the §4.3 row formulas within ±10 % for its realised H and R', () => {
    const estimate = completedPlan.estRows;
    expect(Math.abs(completed.feedingEvents.day.length / estimate.feedingEvents - 1)).toBeLessThan(0.1);
    expect(Math.abs(completed.mortalityEvents.count.length / estimate.mortalityEvents - 1)).toBeLessThan(0.1);
    expect(Math.abs(completed.growthSamples.day.length / estimate.growthSamples - 1)).toBeLessThan(0.1);
    expect(Math.abs(completed.liceEntries.count.length / estimate.liceCountEntries - 1)).toBeLessThan(0.1);
  });

  it('is deterministic: same inputs → identical output, also from a fresh context', () => {
    expect(simulateBatch(ctx, completedPlan)).toEqual(completed);
    const fresh = createSimContext(prepareRun(loadNamedProfile('standard'), SEED, TODAY));
    expect(simulateBatch(fresh, completedPlan)).toEqual(completed);
  });

  it('measures its timing (reported, not asserted)', () => {
    const start = performance.now();
    simulateBatch(ctx, completedPlan);
    const warmMs = performance.now() - start;
    console.info(
      `completed standard batch (${completed.summary.containerDays} container-days): first call ${firstCallMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms`,
    );
    expect(warmMs).toBeGreaterThan(0);
  });
});

describe('active batches', () => {
  const atSea = plans.find((plan) => plan.ageDays >= 460 && plan.ageDays < plan.predictedHarvestDay - 10)!;
  const young = plans[plans.length - 1]!;

  it('stop at today in the sea stage without harvest or departure', () => {
    const result = simulateBatch(ctx, atSea);
    expect(result.status).toBe('ACTIVE');
    expect(result.actualEndDay).toBeNull();
    expect(result.harvestEvents).toHaveLength(0);
    const rings = stageOf(result, 6);
    expect(rings).toHaveLength(atSea.ringCount);
    for (const ring of rings) {
      expect(ring.departureDay).toBeNull();
      expect(ring.simulatedToDay).toBe(TODAY + 1);
    }
    const deaths = sum(result.mortalityEvents.count);
    const losses = sum(result.transferActions.map((a) => a.mortalityDuringTransfer));
    expect(result.summary.eggs - deaths - losses).toBe(result.summary.currentPopulation);
    expect(result.summary.currentPopulation).toBe(sum(rings.map((r) => r.truth.population[r.truth.population.length - 1]!)));
  });

  it('simulates a 50-day-old batch in its egg trays only', () => {
    const result = simulateBatch(ctx, young);
    expect(young.ageDays).toBe(50);
    expect(result.assignments).toHaveLength(F);
    expect(result.assignments.every((a) => a.departureDay === null && a.truth.population.length === 51)).toBe(true);
    expect(result.feedingEvents.day.length).toBe(0);
    expect(result.transferActions).toHaveLength(0);
  });

  it('lets batch rows get ids (runSlot·4096 + batchKey + 1)·2^32 + localIndex', () => {
    expect(batchRowId(0, 0)).toBe(2 ** 32);
    expect(batchRowId(143, 5)).toBe(144 * 2 ** 32 + 5);
    expect(batchRowId(4094, 0, 511)).toBeLessThan(2 ** 53);
  });
});

describe('demo profile', () => {
  it('simulates its 4 batches close to the §4.3 demo figures', () => {
    const demo = prepareRun(loadNamedProfile('demo'), SEED, TODAY);
    const demoCtx = createSimContext(demo);
    const results = demo.plan.batches.map((plan: BatchPlan) => simulateBatch(demoCtx, plan));
    expect(results.map((r) => r.status)).toEqual(['COMPLETED', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    const expectations = demo.profile.expectations!;
    const total = (f: (r: BatchSimResult) => number) => results.reduce((acc, r) => acc + f(r), 0);
    const within = (value: number, expected: number) => expect(Math.abs(value / expected - 1)).toBeLessThan(0.1);
    within(total((r) => r.feedingEvents.day.length), expectations.feedings);
    within(total((r) => r.mortalityEvents.count.length), expectations.mortalityEvents);
    within(total((r) => r.summary.containerDays), expectations.dailyStates);
    within(total((r) => r.growthSamples.day.length), expectations.growthSamples);
    within(total((r) => r.growthSampleFish.weightG.length), expectations.growthSampleFish);
    within(total((r) => r.liceEntries.count.length), expectations.liceEntries);
    const first = results[0]!;
    expect(first.summary.survivalToHarvest!).toBeGreaterThan(0.7);
    expect(first.summary.economicFcr!).toBeLessThan(1.3);
  });
});

describe('optional lice treatments', () => {
  it('are off by default and, when enabled, treat a ring whose adult females exceed the threshold', () => {
    expect(completed.treatments.every((t) => t.treatmentType === 'VACCINATION')).toBe(true);
    const profile = loadProfile({ lice: { treatments: { enabled: true, adultFemalesPerFishThreshold: 0.2 } } });
    const treated = simulateBatch({ ...ctx, profile }, completedPlan);
    const delicing = treated.treatments.filter((t) => t.treatmentType === 'DELICING');
    expect(delicing.length).toBeGreaterThan(0);
    for (const treatment of delicing) {
      const count = Array.from(treated.liceCounts.assignment).findIndex(
        (assignment, i) => assignment === treatment.assignment && treated.liceCounts.day[i] === treatment.day,
      );
      expect(treated.liceEntries.count[count * 5 + 3]! / 20).toBeGreaterThan(0.2);
    }
    expect(treated.liceEntries.count).toEqual(completed.liceEntries.count);
  });
});

describe('occupiedIntervals', () => {
  it('lists each assignment’s simulated container-days', () => {
    const intervals = occupiedIntervals(completed);
    expect(intervals).toHaveLength(completed.assignments.length);
    expect(sum(intervals.map((i) => i.toDay - i.fromDay))).toBe(completed.summary.containerDays);
  });
});
