/**
 * Simulation of ONE planned batch (synthetic-farm.md §3.3–§3.5, §4.1–§4.2): the hidden truth model
 * and every operational event it produces, for days ≤ today. Pure and deterministic: each draw is
 * keyed by (seed, stream, batchKey, assignment index, batch day, slot), so the result does not
 * depend on which worker runs it or in what order.
 *
 * Event tables are returned as typed columns in generation order (day, then container name);
 * small tables as records. Local indices (`assignment`, `sample`, …) are per-table row positions:
 * the loader derives ids as `batchRowId(batchKey, localIndex)`. Sensor readings are not generated
 * here: they are a function of (container, date) (`ReadingContext`), written for each
 * assignment's `[assignmentDay, simulatedToDay)`.
 */
import { feedNameFor, mortalityStress } from './biology.js';
import type { ClimateTables } from './climate.js';
import { hallTemperatureC, ReadingContext, seasonalSeaC } from './climate.js';
import { f64, i32, u8 } from './columns.js';
import type { EpochDay } from './dates.js';
import { gradeHarvest, type GradedLot } from './grading.js';
import type { BatchPlan, PreparedRun } from './planner.js';
import { Rng, STREAM } from './prng.js';
import type { Profile, StageSpec } from './profile.js';
import { stageStartDays } from './profile.js';
import { roundHalfEven } from './rounding.js';
import type { TopologyIndex } from './topology.js';
import { weighFish, type Weighing } from './weighing.js';

/** MortalityCause values (data-model.md §3); the `cause` column holds an index into this list. */
export const MORTALITY_CAUSES = ['DISEASE', 'HANDLING', 'PREDATION', 'ENVIRONMENTAL', 'UNKNOWN', 'OTHER'] as const;
export type MortalityCause = (typeof MORTALITY_CAUSES)[number];

/** Row id of a batch-owned row (§7): `(runSlot·4096 + batchKey + 1)·2^32 + localIndex`. */
export function batchRowId(batchKey: number, localIndex: number, runSlot = 0): number {
  if (batchKey < 0 || batchKey >= 4095 || runSlot < 0 || runSlot >= 512) throw new Error('batchKey/runSlot out of the id range');
  return (runSlot * 4096 + batchKey + 1) * 2 ** 32 + localIndex;
}

/** Shared, read-only inputs of batch simulation (one per worker). */
export interface SimContext {
  profile: Profile;
  index: TopologyIndex;
  climate: ClimateTables;
  seed: number;
  today: EpochDay;
  readings: ReadingContext;
}

/** Build a simulation context from the plan phase's output. */
export function createSimContext(run: PreparedRun): SimContext {
  return {
    profile: run.profile,
    index: run.index,
    climate: run.climate,
    seed: run.seed,
    today: run.today,
    readings: new ReadingContext(run.profile, run.index, run.climate, run.seed),
  };
}

/** The hidden truth of one assignment, one entry per simulated day (index = day − firstDay). */
export interface AssignmentTruth {
  firstDay: EpochDay;
  /** End-of-day population. */
  population: Int32Array;
  /** End-of-day mean weight (g), full precision. */
  weightG: Float64Array;
  /** T_c(d): mean of the six stored temperature readings (°C). */
  temperatureC: Float64Array;
  deaths: Int32Array;
  /** The day's feed (kg) before splitting into meals. */
  feedKg: Float64Array;
}

export interface SimAssignment {
  /** Local index = position in `assignments`; also the PRNG ordinal of this container. */
  index: number;
  containerId: number;
  stageOrder: number;
  assignmentDay: EpochDay;
  departureDay: EpochDay | null;
  closeReason: 'TRANSFERRED' | 'HARVESTED' | null;
  /** Fish arriving on the assignment date (placements or incoming transfers). */
  openingPopulation: number;
  /** Count-weighted arrival weight as recorded (placement weight / measured transfer weights), 4 dp. */
  openingAvgWeightG: number;
  /** Container growth factor g_c of this assignment. */
  growthFactor: number;
  /** Exclusive end of the simulated (occupied) container-days: min(departure, today + 1). */
  simulatedToDay: EpochDay;
  truth: AssignmentTruth;
}

export interface SimPlacement {
  assignment: number;
  day: EpochDay;
  count: number;
  avgWeightG: number;
}

export interface SimTransferWorkflow {
  index: number;
  workflowNumber: string;
  day: EpochDay;
  sourceStageOrder: number;
  destStageOrder: number;
}

export interface SimTransferAction {
  index: number;
  workflow: number;
  sourceAssignment: number;
  destAssignment: number;
  day: EpochDay;
  hourUtc: number;
  sourcePopulationBefore: number;
  transferredCount: number;
  mortalityDuringTransfer: number;
  transferredBiomassKg: number;
  measuredAvgWeightG: number;
  measuredSampleSize: number;
  measuredStdDevG: number;
  method: 'NET' | 'PUMP' | 'GRAVITY' | 'MANUAL';
  selectionMethod: 'AVERAGE' | 'LARGEST' | 'SMALLEST';
  /** True on the last flow of each source (the source departs on the transfer day). */
  emptiesSource: boolean;
  notes: string | null;
}

export interface SimTreatment {
  index: number;
  assignment: number;
  day: EpochDay;
  hourUtc: number;
  treatmentType: 'VACCINATION' | 'DELICING';
  vaccinationTypeId: number | null;
  product: string;
  dosage: string;
  withholdingDays: number;
  includesWeighing: boolean;
  weighedCount: number | null;
  avgWeightG: number | null;
}

export interface SimHarvestEvent {
  index: number;
  assignment: number;
  day: EpochDay;
  hourUtc: number;
  count: number;
  liveBiomassKg: number;
  lots: GradedLot[];
}

/** Per-container-day mortality events (deaths > 0). */
export interface MortalityEventColumns {
  assignment: Int32Array;
  day: Int32Array;
  count: Int32Array;
  /** Index into MORTALITY_CAUSES. */
  cause: Uint8Array;
  biomassKg: Float64Array;
}

/** Feeding events, one row per meal. */
export interface FeedingEventColumns {
  assignment: Int32Array;
  day: Int32Array;
  hourUtc: Uint8Array;
  feedId: Int32Array;
  feedContainerId: Int32Array;
  amountKg: Float64Array;
}

export interface GrowthSampleColumns {
  assignment: Int32Array;
  day: Int32Array;
  sampleSize: Int32Array;
  avgWeightG: Float64Array;
  stdDevWeightG: Float64Array;
  minWeightG: Float64Array;
  maxWeightG: Float64Array;
  avgLengthCm: Float64Array;
  stdDevLengthCm: Float64Array;
  conditionFactor: Float64Array;
}

/** Individual fish of growth samples or treatments (`owner` = sample / treatment local index). */
export interface FishColumns {
  owner: Int32Array;
  fishNo: Int32Array;
  weightG: Float64Array;
  lengthCm: Float64Array;
}

export interface LiceCountColumns {
  assignment: Int32Array;
  day: Int32Array;
  fishSampled: Int32Array;
}

export interface LiceEntryColumns {
  liceCount: Int32Array;
  /** Index into `profile.lice.shares` (species and stage). */
  share: Uint8Array;
  count: Int32Array;
}

export interface BatchSummary {
  eggs: number;
  stockedAtSea: number;
  harvestedCount: number;
  harvestedBiomassKg: number;
  /** Σ stored feeding amounts (kg). */
  totalFeedKg: number;
  /** totalFeedKg ÷ harvestedBiomassKg; null until harvested. */
  economicFcr: number | null;
  /** harvestedCount ÷ eggs; null until harvested. */
  survivalToHarvest: number | null;
  mortalityEventDeaths: number;
  transferLosses: number;
  /** Fish alive at the end of today (0 once harvested). */
  currentPopulation: number;
  /** Truth count-weighted batch mean weight at the end of each completed freshwater stage (g). */
  stageOutWeightsG: number[];
  /** Count-weighted mean of the measured transfer weights leaving each completed freshwater stage (g). */
  measuredStageOutWeightsG: number[];
  /** Max over container-days of end-of-day biomass ÷ max biomass. */
  maxBiomassRatio: number;
  containerDays: number;
}

export interface BatchSimResult {
  batchKey: number;
  batchNumber: string;
  status: 'ACTIVE' | 'COMPLETED';
  startDay: EpochDay;
  expectedEndDay: EpochDay;
  /** Day H of harvest (epoch day), null while active. */
  actualEndDay: EpochDay | null;
  /** H as a batch day index; null while active. */
  harvestDayIndex: number | null;
  forcedHarvest: boolean;
  creation: { creationNumber: string; day: EpochDay; plannedEggCount: number; eggSource: 'INTERNAL' };
  scenario: { name: string; temperatureProfileC: Float64Array };
  assignments: SimAssignment[];
  placements: SimPlacement[];
  workflows: SimTransferWorkflow[];
  transferActions: SimTransferAction[];
  mortalityEvents: MortalityEventColumns;
  feedingEvents: FeedingEventColumns;
  growthSamples: GrowthSampleColumns;
  growthSampleFish: FishColumns;
  treatments: SimTreatment[];
  treatmentFish: FishColumns;
  liceCounts: LiceCountColumns;
  liceEntries: LiceEntryColumns;
  harvestEvents: SimHarvestEvent[];
  summary: BatchSummary;
}

/** Mutable per-assignment state while simulating. */
interface Live {
  assignment: SimAssignment;
  stage: StageSpec;
  maxBiomassKg: number;
  /** k_s · g_c. */
  k: number;
  population: number;
  weightG: number;
  /** Truth arrays at full capacity; trimmed at the end. */
  populationByDay: Int32Array;
  weightByDay: Float64Array;
  temperatureByDay: Float64Array;
  deathsByDay: Int32Array;
  feedByDay: Float64Array;
  days: number;
  feedContainerId: number;
}

function emptyTruth(firstDay: EpochDay): AssignmentTruth {
  return {
    firstDay,
    population: new Int32Array(0),
    weightG: new Float64Array(0),
    temperatureC: new Float64Array(0),
    deaths: new Int32Array(0),
    feedKg: new Float64Array(0),
  };
}

class FishBuilder {
  private readonly owner = i32();
  private readonly fishNo = i32();
  private readonly weightG = f64();
  private readonly lengthCm = f64();

  add(ownerIndex: number, weighing: Weighing): void {
    for (let i = 0; i < weighing.sampleSize; i++) {
      this.owner.push(ownerIndex);
      this.fishNo.push(i + 1);
      this.weightG.push(weighing.weightsG[i]!);
      this.lengthCm.push(weighing.lengthsCm[i]!);
    }
  }

  finish(): FishColumns {
    return { owner: this.owner.finish(), fishNo: this.fishNo.finish(), weightG: this.weightG.finish(), lengthCm: this.lengthCm.finish() };
  }
}

/**
 * Simulate one batch of the plan up to `ctx.today` (inclusive).
 * @throws Error if the plan does not reserve the containers the batch needs by today.
 */
export function simulateBatch(ctx: SimContext, plan: BatchPlan): BatchSimResult {
  const { profile, index, seed, today, readings } = ctx;
  const topology = index.topology;
  const stages = profile.stages;
  const starts = stageStartDays(profile);
  const seaIndex = stages.length - 1;
  const seaDay = starts[seaIndex]!;
  const batchKey = plan.batchKey;
  const age = today - plan.startDay;
  if (age < 0) throw new Error(`Batch ${plan.batchNumber} starts after today`);
  const rng = new Rng(seed, STREAM.MORTALITY, batchKey, 0, 0);
  const grace = profile.sea.forcedHarvestAfterPredictionDays;
  const weighingOf = (stage: StageSpec) => ({
    cv: stage.sampleCv,
    conditionFactorMean: profile.sampling.conditionFactorMean,
    conditionFactorSd: profile.sampling.conditionFactorSd,
  });
  const causeTable = (shares: { cause: MortalityCause; sharePct: number }[]) => {
    let cumulative = 0;
    return shares.map((share) => {
      cumulative += share.sharePct / 100;
      return { cause: MORTALITY_CAUSES.indexOf(share.cause), upTo: cumulative };
    });
  };
  const freshwaterCauses = causeTable(profile.mortality.freshwaterCauses);
  const seaCauses = causeTable(profile.mortality.seaCauses);
  const feedIds = new Map<string, number>(index.feedIdByName);
  const vaccineTypeIds = new Map(topology.vaccinationTypes.map((type) => [type.name, type.id]));
  const shares = profile.lice.shares;
  const meals = profile.feeding.mealHoursUtc;

  const assignments: SimAssignment[] = [];
  const placements: SimPlacement[] = [];
  const workflows: SimTransferWorkflow[] = [];
  const transferActions: SimTransferAction[] = [];
  const treatments: SimTreatment[] = [];
  const harvestEvents: SimHarvestEvent[] = [];
  const mortality = { assignment: i32(4096), day: i32(4096), count: i32(4096), cause: u8(4096), biomassKg: f64(4096) };
  const feeding = { assignment: i32(8192), day: i32(8192), hourUtc: u8(8192), feedId: i32(8192), feedContainerId: i32(8192), amountKg: f64(8192) };
  const samples = {
    assignment: i32(),
    day: i32(),
    sampleSize: i32(),
    avgWeightG: f64(),
    stdDevWeightG: f64(),
    minWeightG: f64(),
    maxWeightG: f64(),
    avgLengthCm: f64(),
    stdDevLengthCm: f64(),
    conditionFactor: f64(),
  };
  const sampleFish = new FishBuilder();
  const treatmentFish = new FishBuilder();
  const lice = { assignment: i32(), day: i32(), fishSampled: i32() };
  const liceEntries = { liceCount: i32(), share: u8(), count: i32() };
  let sampleCount = 0;
  let liceCountIndex = 0;
  let totalFeedKg = 0;
  let mortalityEventDeaths = 0;
  let transferLosses = 0;
  let maxBiomassRatio = 0;
  const stageOutWeightsG: number[] = [];
  const measuredStageOutWeightsG: number[] = [];

  const stagePlanOf = (stageOrder: number) => {
    const stagePlan = plan.stages.find((candidate) => candidate.stageOrder === stageOrder);
    if (!stagePlan) throw new Error(`Batch ${plan.batchNumber}: stage ${stageOrder} is not reserved in the plan`);
    return stagePlan;
  };

  /** Open the assignments of a stage; `capacity` = max simulated days. */
  const openStage = (stageIndex: number, capacity: number): Live[] => {
    const stage = stages[stageIndex]!;
    const stagePlan = stagePlanOf(stage.order);
    const firstDay = plan.startDay + starts[stageIndex]!;
    return stagePlan.containerIds.map((containerId) => {
      const container = topology.containers[containerId - 1]!;
      const local = assignments.length;
      const z = rng.reset(seed, STREAM.GROWTH_FACTOR, batchKey, local, starts[stageIndex]!).normal(0);
      const { containerFactorSd, containerFactorMin, containerFactorMax } = profile.growth;
      const growthFactor = Math.min(containerFactorMax, Math.max(containerFactorMin, 1 + containerFactorSd * z));
      let feedContainerId: number;
      if (container.hallId !== null) {
        feedContainerId = index.siloByHall[container.hallId]!.id;
      } else {
        // Barges serve rings round-robin by ring number within the area.
        const barges = index.bargesByArea[container.areaId!]!;
        feedContainerId = barges[(container.position - 1) % barges.length]!.id;
      }
      const assignment: SimAssignment = {
        index: local,
        containerId,
        stageOrder: stage.order,
        assignmentDay: firstDay,
        departureDay: null,
        closeReason: null,
        openingPopulation: 0,
        openingAvgWeightG: 0,
        growthFactor,
        simulatedToDay: firstDay,
        truth: emptyTruth(firstDay),
      };
      assignments.push(assignment);
      return {
        assignment,
        stage,
        maxBiomassKg: container.maxBiomassKg,
        k: 0,
        population: 0,
        weightG: 0,
        populationByDay: new Int32Array(capacity),
        weightByDay: new Float64Array(capacity),
        temperatureByDay: new Float64Array(capacity),
        deathsByDay: new Int32Array(capacity),
        feedByDay: new Float64Array(capacity),
        days: 0,
        feedContainerId,
      };
    });
  };

  const closeLive = (live: Live): void => {
    const { assignment } = live;
    assignment.simulatedToDay = assignment.assignmentDay + live.days;
    assignment.truth = {
      firstDay: assignment.assignmentDay,
      population: live.populationByDay.slice(0, live.days),
      weightG: live.weightByDay.slice(0, live.days),
      temperatureC: live.temperatureByDay.slice(0, live.days),
      deaths: live.deathsByDay.slice(0, live.days),
      feedKg: live.feedByDay.slice(0, live.days),
    };
  };

  /** Count-weighted mean of live weights. */
  const batchMeanWeight = (lives: Live[]): number => {
    let fish = 0;
    let mass = 0;
    for (const live of lives) {
      fish += live.population;
      mass += live.population * live.weightG;
    }
    return fish > 0 ? mass / fish : 0;
  };

  /** Simulate one day d (batch day index) for every live assignment of a stage. */
  const simulateDay = (lives: Live[], stageIndex: number, d: number): void => {
    const stage = stages[stageIndex]!;
    const day = plan.startDay + d;
    const atSea = stageIndex === seaIndex;
    const mortalityFraction = stage.mortalityPctPerDay / 100;
    const stress = mortalityStress(profile, d, seaDay);
    const fcr = stage.biologicalFcr ?? 0;
    const causes = atSea ? seaCauses : freshwaterCauses;
    const sampleInterval = atSea ? profile.sampling.seaIntervalDays : profile.sampling.freshwaterIntervalDays;
    const isSampleDay = stageIndex > 0 && d % sampleInterval === 0;
    const isLiceDay = atSea && d % profile.lice.intervalDays === 0;
    for (const live of lives) {
      const { assignment } = live;
      const local = assignment.index;
      const startPopulation = live.population;
      const startWeight = live.weightG;
      const temperature = readings.dailyTemperatureC(assignment.containerId, day);
      const increment = live.k * Math.max(temperature, 0);
      // A zero increment copies the weight exactly: a cube-root round trip is not exact.
      const weight = increment > 0 ? (Math.cbrt(startWeight) + increment) ** 3 : startWeight;
      const lambda = startPopulation * mortalityFraction * stress;
      const deaths = Math.min(startPopulation, rng.reset(seed, STREAM.MORTALITY, batchKey, local, d).poisson(0, lambda));
      const population = startPopulation - deaths;
      let feedKg = 0;
      if (increment > 0 && population > 0 && fcr > 0) {
        const z = rng.reset(seed, STREAM.FEED_NOISE, batchKey, local, d).normal(0);
        const { noiseSd, noiseMin, noiseMax } = profile.feeding;
        const noise = Math.min(noiseMax, Math.max(noiseMin, 1 + noiseSd * z));
        feedKg = (fcr * population * (weight - startWeight)) / 1000 * noise;
      }
      const i = live.days;
      live.populationByDay[i] = population;
      live.weightByDay[i] = weight;
      live.temperatureByDay[i] = temperature;
      live.deathsByDay[i] = deaths;
      live.feedByDay[i] = feedKg;
      live.days = i + 1;
      live.population = population;
      live.weightG = weight;
      const biomassRatio = (population * weight) / 1000 / live.maxBiomassKg;
      if (biomassRatio > maxBiomassRatio) maxBiomassRatio = biomassRatio;

      if (deaths > 0) {
        const u = rng.reset(seed, STREAM.CAUSE, batchKey, local, d).uniform(0);
        let cause = causes[causes.length - 1]!.cause;
        for (const entry of causes) {
          if (u < entry.upTo) {
            cause = entry.cause;
            break;
          }
        }
        mortality.assignment.push(local);
        mortality.day.push(day);
        mortality.count.push(deaths);
        mortality.cause.push(cause);
        mortality.biomassKg.push(roundHalfEven((deaths * weight) / 1000, 2));
        mortalityEventDeaths += deaths;
      }

      if (feedKg > 0) {
        const perMeal = roundHalfEven(feedKg / meals.length, profile.feeding.amountDecimals);
        if (perMeal > 0) {
          const feedName = feedNameFor(stage, startWeight);
          const feedId = feedName === null ? undefined : feedIds.get(feedName);
          if (feedId === undefined) throw new Error(`Stage ${stage.code} has no feed`);
          for (const hour of meals) {
            feeding.assignment.push(local);
            feeding.day.push(day);
            feeding.hourUtc.push(hour);
            feeding.feedId.push(feedId);
            feeding.feedContainerId.push(live.feedContainerId);
            feeding.amountKg.push(perMeal);
            totalFeedKg += perMeal;
          }
        }
      }

      if (isSampleDay) {
        rng.reset(seed, STREAM.SAMPLE_FISH, batchKey, local, d);
        const weighing = weighFish(rng, profile.sampling.fishPerSample, weight, weighingOf(stage));
        samples.assignment.push(local);
        samples.day.push(day);
        samples.sampleSize.push(weighing.sampleSize);
        samples.avgWeightG.push(weighing.avgWeightG);
        samples.stdDevWeightG.push(weighing.stdDevWeightG);
        samples.minWeightG.push(weighing.minWeightG);
        samples.maxWeightG.push(weighing.maxWeightG);
        samples.avgLengthCm.push(weighing.avgLengthCm);
        samples.stdDevLengthCm.push(weighing.stdDevLengthCm);
        samples.conditionFactor.push(weighing.conditionFactor);
        if (profile.individualObservations) sampleFish.add(sampleCount, weighing);
        sampleCount += 1;
      }

      if (!atSea) {
        for (const event of profile.vaccination.events) {
          if (event.day !== d) continue;
          let weighing: Weighing | null = null;
          if (event.includesWeighing) {
            rng.reset(seed, STREAM.TREATMENT_FISH, batchKey, local, d);
            weighing = weighFish(rng, event.weighedCount, weight, weighingOf(stage));
            if (profile.individualObservations) treatmentFish.add(treatments.length, weighing);
          }
          treatments.push({
            index: treatments.length,
            assignment: local,
            day,
            hourUtc: event.hourUtc,
            treatmentType: 'VACCINATION',
            vaccinationTypeId: vaccineTypeIds.get(event.vaccineType)!,
            product: event.product,
            dosage: event.dosage,
            withholdingDays: event.withholdingDays,
            includesWeighing: weighing !== null,
            weighedCount: weighing?.sampleSize ?? null,
            avgWeightG: weighing?.avgWeightG ?? null,
          });
        }
      }

      if (isLiceDay) {
        const { baseLambda, temperatureCoefficient, referenceTemperatureC, seaDaysScale, maxPerFish, fishSampled } = profile.lice;
        const perFish = Math.min(
          maxPerFish,
          baseLambda * Math.exp(temperatureCoefficient * (temperature - referenceTemperatureC)) * (1 + (d - seaDay) / seaDaysScale),
        );
        rng.reset(seed, STREAM.LICE, batchKey, local, d);
        lice.assignment.push(local);
        lice.day.push(day);
        lice.fishSampled.push(fishSampled);
        let adultFemales = 0;
        shares.forEach((share, shareIndex) => {
          const count = rng.poisson(shareIndex, (fishSampled * perFish * share.sharePct) / 100);
          liceEntries.liceCount.push(liceCountIndex);
          liceEntries.share.push(shareIndex);
          liceEntries.count.push(count);
          if (share.species === 'L_SALMONIS' && share.stage === 'ADULT_FEMALE') adultFemales += count;
        });
        liceCountIndex += 1;
        const delicing = profile.lice.treatments;
        if (delicing.enabled && adultFemales / fishSampled > delicing.adultFemalesPerFishThreshold) {
          treatments.push({
            index: treatments.length,
            assignment: local,
            day,
            hourUtc: delicing.hourUtc,
            treatmentType: 'DELICING',
            vaccinationTypeId: null,
            product: delicing.product,
            dosage: delicing.dosage,
            withholdingDays: delicing.withholdingDays,
            includesWeighing: false,
            weighedCount: null,
            avgWeightG: null,
          });
        }
      }
    }
  };

  // Stage 1: eggs placed evenly over the egg containers on day 0, remainder to the first ones.
  const firstStage = stages[0]!;
  let lives = openStage(0, Math.min(firstStage.days!, age + 1));
  {
    const base = Math.floor(plan.eggs / lives.length);
    const remainder = plan.eggs % lives.length;
    lives.forEach((live, position) => {
      const count = base + (position < remainder ? 1 : 0);
      live.population = count;
      live.weightG = firstStage.weightInG;
      live.assignment.openingPopulation = count;
      live.assignment.openingAvgWeightG = roundHalfEven(firstStage.weightInG, 4);
      placements.push({ assignment: live.assignment.index, day: plan.startDay, count, avgWeightG: firstStage.weightInG });
    });
  }

  let harvestDayIndex: number | null = null;
  let forcedHarvest = false;
  let stockedAtSea = 0;
  let completedAllStages = false;

  for (let s = 0; s <= seaIndex; s++) {
    const stage = stages[s]!;
    const stageStart = starts[s]!;
    if (s > 0) {
      if (stageStart > age) break;
      const atSea = s === seaIndex;
      const capacity = Math.min(atSea ? plan.predictedHarvestDay + grace - seaDay : stage.days!, age + 1 - stageStart);
      const destinations = openStage(s, capacity);
      const measured = transfer(lives, destinations, s, stageStart);
      stageOutWeightsG.push(batchMeanWeight(lives));
      measuredStageOutWeightsG.push(measured);
      for (const live of lives) closeLive(live);
      lives = destinations;
      if (atSea) stockedAtSea = lives.reduce((sum, live) => sum + live.population, 0);
    }
    // Freshwater k is calibrated per batch and stage on the planned hall's temperatures, so the
    // batch mean reaches the stage-out weight on the last stage day without plateaus.
    let stageK = stage.growthK;
    if (s < seaIndex) {
      const wIn = batchMeanWeight(lives);
      if (stage.weightOutG !== null && stage.weightOutG !== stage.weightInG) {
        const hallId = plan.stages.find((candidate) => candidate.stageOrder === stage.order)!.hallId!;
        let degreeDays = 0;
        for (let d = stageStart; d < stageStart + stage.days!; d++) {
          degreeDays += Math.max(0, hallTemperatureC(ctx.climate, hallId, plan.startDay + d));
        }
        stageK = degreeDays > 0 ? Math.max(0, (Math.cbrt(stage.weightOutG) - Math.cbrt(wIn)) / degreeDays) : 0;
      } else {
        stageK = 0;
      }
    }
    for (const live of lives) live.k = stageK * live.assignment.growthFactor;

    if (s < seaIndex) {
      const end = stageStart + stage.days!;
      for (let d = stageStart; d < end && d <= age; d++) simulateDay(lives, s, d);
      if (end - 1 > age) break;
    } else {
      const lastHarvestDay = plan.predictedHarvestDay + grace;
      for (let d = stageStart; d <= age; d++) {
        simulateDay(lives, s, d);
        const reached = batchMeanWeight(lives) >= plan.targetWeightG;
        if (reached || d + 1 >= lastHarvestDay) {
          harvestDayIndex = d + 1;
          forcedHarvest = !reached;
          break;
        }
      }
      completedAllStages = harvestDayIndex !== null && harvestDayIndex <= age;
    }
  }

  /**
   * Move the fish of `sources` (state at the end of d − 1) into `destinations` at the start of
   * day d: handling loss first, then 1:1 pairing (equal counts) or north-west-corner flows over
   * even destination quotas. Returns the count-weighted mean measured weight of the sources.
   */
  function transfer(sources: Live[], destinations: Live[], destStageIndex: number, d: number): number {
    const day = plan.startDay + d;
    const destStage = stages[destStageIndex]!;
    const sourceStage = stages[destStageIndex - 1]!;
    const workflowIndex = workflows.length;
    workflows.push({
      index: workflowIndex,
      workflowNumber: plan.transferWorkflowNumbers[destStageIndex - 1]!,
      day,
      sourceStageOrder: sourceStage.order,
      destStageOrder: destStage.order,
    });
    const lossFraction = (destStage.transferInLossPct ?? 0) / 100;
    const moved: number[] = [];
    const losses: number[] = [];
    const weighings: Weighing[] = [];
    let measuredMass = 0;
    let measuredFish = 0;
    for (const source of sources) {
      const population = source.population;
      const local = source.assignment.index;
      let loss = rng.reset(seed, STREAM.TRANSFER_LOSS, batchKey, local, d).binomial(0, population, lossFraction);
      // At least one fish must arrive: a flow carries transferredCount > 0 and the loss with it.
      if (population > 0 && loss >= population) loss = population - 1;
      losses.push(loss);
      moved.push(population - loss);
      transferLosses += loss;
      rng.reset(seed, STREAM.TRANSFER_SAMPLE, batchKey, local, d);
      const weighing = weighFish(rng, profile.transfer.measuredSampleSize, source.weightG, weighingOf(sourceStage));
      weighings.push(weighing);
      measuredMass += (population - loss) * weighing.avgWeightG;
      measuredFish += population - loss;
    }

    const flows: { source: number; dest: number; count: number }[] = [];
    if (sources.length === destinations.length) {
      sources.forEach((_, i) => {
        if (moved[i]! > 0) flows.push({ source: i, dest: i, count: moved[i]! });
      });
    } else {
      const total = moved.reduce((sum, count) => sum + count, 0);
      const quotas = destinations.map((_, j) => Math.floor(total / destinations.length) + (j < total % destinations.length ? 1 : 0));
      const left = [...moved];
      let i = 0;
      let j = 0;
      while (i < sources.length && j < destinations.length) {
        const count = Math.min(left[i]!, quotas[j]!);
        if (count > 0) flows.push({ source: i, dest: j, count });
        left[i]! -= count;
        quotas[j]! -= count;
        if (left[i] === 0) i += 1;
        else j += 1;
      }
    }

    const remaining = sources.map((source) => source.population);
    const incomingFish = new Float64Array(destinations.length);
    const incomingTruthMass = new Float64Array(destinations.length);
    const incomingMeasuredMass = new Float64Array(destinations.length);
    const lastFlowOfSource = new Map<number, number>();
    flows.forEach((flow, position) => lastFlowOfSource.set(flow.source, position));
    const seenSource = new Set<number>();
    flows.forEach((flow, position) => {
      const source = sources[flow.source]!;
      const weighing = weighings[flow.source]!;
      const first = !seenSource.has(flow.source);
      seenSource.add(flow.source);
      const loss = first ? losses[flow.source]! : 0;
      transferActions.push({
        index: transferActions.length,
        workflow: workflowIndex,
        sourceAssignment: source.assignment.index,
        destAssignment: destinations[flow.dest]!.assignment.index,
        day,
        hourUtc: profile.transfer.hourUtc,
        sourcePopulationBefore: remaining[flow.source]!,
        transferredCount: flow.count,
        mortalityDuringTransfer: loss,
        transferredBiomassKg: roundHalfEven((flow.count * weighing.avgWeightG) / 1000, 2),
        measuredAvgWeightG: weighing.avgWeightG,
        measuredSampleSize: weighing.sampleSize,
        measuredStdDevG: weighing.stdDevWeightG,
        method: destStage.transferInMethod ?? 'PUMP',
        selectionMethod: profile.transfer.selectionMethod,
        emptiesSource: lastFlowOfSource.get(flow.source) === position,
        notes: destStage.transferInNote,
      });
      remaining[flow.source]! -= flow.count + loss;
      incomingFish[flow.dest]! += flow.count;
      incomingTruthMass[flow.dest]! += flow.count * source.weightG;
      incomingMeasuredMass[flow.dest]! += flow.count * weighing.avgWeightG;
    });

    for (const source of sources) {
      source.assignment.departureDay = day;
      source.assignment.closeReason = 'TRANSFERRED';
    }
    destinations.forEach((destination, j) => {
      const fish = incomingFish[j]!;
      destination.population = fish;
      // A destination starts at the count-weighted mean truth weight of its incoming flows.
      destination.weightG = fish > 0 ? incomingTruthMass[j]! / fish : sources[0]!.weightG;
      destination.assignment.openingPopulation = fish;
      destination.assignment.openingAvgWeightG = fish > 0 ? roundHalfEven(incomingMeasuredMass[j]! / fish, 4) : 0;
    });
    return measuredFish > 0 ? measuredMass / measuredFish : 0;
  }

  let harvestedCount = 0;
  let harvestedBiomassKg = 0;
  if (completedAllStages && harvestDayIndex !== null) {
    const day = plan.startDay + harvestDayIndex;
    for (const live of lives) {
      const count = live.population;
      live.assignment.departureDay = day;
      live.assignment.closeReason = 'HARVESTED';
      if (count === 0) continue;
      const liveBiomassKg = roundHalfEven((count * live.weightG) / 1000, 2);
      harvestEvents.push({
        index: harvestEvents.length,
        assignment: live.assignment.index,
        day,
        hourUtc: profile.harvest.hourUtc,
        count,
        liveBiomassKg,
        lots: profile.harvestGrading ? gradeHarvest(count, live.weightG, profile.harvest.gradingCv, profile.harvest.sizeClasses) : [],
      });
      harvestedCount += count;
      harvestedBiomassKg += liveBiomassKg;
    }
  }
  for (const live of lives) closeLive(live);

  const currentPopulation = completedAllStages ? 0 : lives.reduce((sum, live) => sum + live.population, 0);
  const containerDays = assignments.reduce((sum, assignment) => sum + (assignment.simulatedToDay - assignment.assignmentDay), 0);
  const actualEndDay = completedAllStages ? plan.startDay + harvestDayIndex! : null;
  const scenarioDays = profile.scenarioProfileDays;
  const temperatureProfileC = new Float64Array(scenarioDays);
  for (let n = 0; n < scenarioDays; n++) {
    temperatureProfileC[n] = roundHalfEven(
      n < seaDay ? profile.climate.hallMeanC : seasonalSeaC(profile, plan.geographyCode, plan.startDay + n),
      2,
    );
  }

  return {
    batchKey,
    batchNumber: plan.batchNumber,
    status: completedAllStages ? 'COMPLETED' : 'ACTIVE',
    startDay: plan.startDay,
    expectedEndDay: plan.expectedEndDay,
    actualEndDay,
    harvestDayIndex: completedAllStages ? harvestDayIndex : null,
    forcedHarvest: completedAllStages && forcedHarvest,
    creation: { creationNumber: plan.creationNumber, day: plan.startDay, plannedEggCount: plan.eggs, eggSource: 'INTERNAL' },
    scenario: { name: `Baseline – ${plan.batchNumber}`, temperatureProfileC },
    assignments,
    placements,
    workflows,
    transferActions,
    mortalityEvents: {
      assignment: mortality.assignment.finish(),
      day: mortality.day.finish(),
      count: mortality.count.finish(),
      cause: mortality.cause.finish(),
      biomassKg: mortality.biomassKg.finish(),
    },
    feedingEvents: {
      assignment: feeding.assignment.finish(),
      day: feeding.day.finish(),
      hourUtc: feeding.hourUtc.finish(),
      feedId: feeding.feedId.finish(),
      feedContainerId: feeding.feedContainerId.finish(),
      amountKg: feeding.amountKg.finish(),
    },
    growthSamples: {
      assignment: samples.assignment.finish(),
      day: samples.day.finish(),
      sampleSize: samples.sampleSize.finish(),
      avgWeightG: samples.avgWeightG.finish(),
      stdDevWeightG: samples.stdDevWeightG.finish(),
      minWeightG: samples.minWeightG.finish(),
      maxWeightG: samples.maxWeightG.finish(),
      avgLengthCm: samples.avgLengthCm.finish(),
      stdDevLengthCm: samples.stdDevLengthCm.finish(),
      conditionFactor: samples.conditionFactor.finish(),
    },
    growthSampleFish: sampleFish.finish(),
    treatments,
    treatmentFish: treatmentFish.finish(),
    liceCounts: { assignment: lice.assignment.finish(), day: lice.day.finish(), fishSampled: lice.fishSampled.finish() },
    liceEntries: { liceCount: liceEntries.liceCount.finish(), share: liceEntries.share.finish(), count: liceEntries.count.finish() },
    harvestEvents,
    summary: {
      eggs: plan.eggs,
      stockedAtSea,
      harvestedCount,
      harvestedBiomassKg,
      totalFeedKg,
      economicFcr: harvestedBiomassKg > 0 ? totalFeedKg / harvestedBiomassKg : null,
      survivalToHarvest: completedAllStages ? harvestedCount / plan.eggs : null,
      mortalityEventDeaths,
      transferLosses,
      currentPopulation,
      stageOutWeightsG,
      measuredStageOutWeightsG,
      maxBiomassRatio,
      containerDays,
    },
  };
}

/** One occupied container interval of a batch: sensor readings, EnvironmentalDaily and mortality reports cover it. */
export interface OccupiedInterval {
  assignment: number;
  containerId: number;
  /** First occupied day (the assignment date). */
  fromDay: EpochDay;
  /** Exclusive end: the departure day, or today + 1 for an open assignment. */
  toDay: EpochDay;
}

/**
 * The simulated container-day intervals of a batch, in assignment order. Every day in them gets
 * its MortalityReport and the container's readings (`ReadingContext.containerReadings`).
 */
export function occupiedIntervals(result: BatchSimResult): OccupiedInterval[] {
  return result.assignments
    .filter((assignment) => assignment.simulatedToDay > assignment.assignmentDay)
    .map((assignment) => ({
      assignment: assignment.index,
      containerId: assignment.containerId,
      fromDay: assignment.assignmentDay,
      toDay: assignment.simulatedToDay,
    }));
}
