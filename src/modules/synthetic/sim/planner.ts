/**
 * The plan phase (synthetic-farm.md §5): start dates, identifiers, harvest targets, predicted
 * harvest days and container reservations of every batch, fixed in memory before any batch row
 * is written. Occupancy is judged only from simulated-date intervals, never from current flags.
 */
import { expectedSeaStockCount, predictHarvestDay, ringCount } from './biology.js';
import { buildClimate, type ClimateTables } from './climate.js';
import { formatIsoDate, yearOf, type EpochDay } from './dates.js';
import { STREAM, Rng } from './prng.js';
import type { Profile } from './profile.js';
import { stageStartDays } from './profile.js';
import { buildTopology, indexTopology, type Topology, type TopologyIndex } from './topology.js';
import { estimateBatchRows, type EstimatedRows } from './volumes.js';

/** A batch's place in the schedule (§5.1), before any container is allocated. */
export interface ScheduledBatch {
  /** Chronological global index (geography order on ties). */
  batchKey: number;
  geographyId: number;
  geographyCode: string;
  /** k: index within its geography, 0 = oldest. */
  indexInGeography: number;
  startDay: EpochDay;
  /** `<geo>-<start year>-<nnn>`, nnn = rank within (geography, start year). */
  batchNumber: string;
}

/** One reserved stage of a batch: the containers it occupies and the reserved interval. */
export interface StagePlan {
  stageOrder: number;
  stageCode: string;
  stationId: number | null;
  hallId: number | null;
  areaId: number | null;
  /** Containers in name order. */
  containerIds: number[];
  /** Assignment date (transfer-in or start day). */
  fromDay: EpochDay;
  /** Planned departure: the next transfer day, or H_pred + grace for the sea stage. */
  plannedDepartureDay: EpochDay;
  /** Exclusive end of the reservation: planned departure + fallow days. */
  reservedToDay: EpochDay;
}

/** Everything a worker needs to generate one batch. Plain, JSON-serialisable. */
export interface BatchPlan extends ScheduledBatch {
  creationNumber: string;
  startDate: string;
  /** Day index of today (today − start). */
  ageDays: number;
  eggs: number;
  targetWeightG: number;
  /** Expected fish stocked at sea (plan-time estimate used for R). */
  expectedSeaFish: number;
  /** R, the planned ring count. */
  ringCount: number;
  /** Predicted harvest day H_pred (batch day index) in the reserved sea area, or in the preferred area while the batch is still in freshwater. */
  predictedHarvestDay: number;
  /** The reserved sea area, or null while the sea stage is not reserved. */
  seaAreaId: number | null;
  /** start + H_pred. */
  expectedEndDay: EpochDay;
  /** Reserved stages only: a batch reserves up to its current stage (§5.2). */
  stages: StagePlan[];
  /** `TRF-<batch>-D<ddd>` for every stage transition, reserved or not. */
  transferWorkflowNumbers: string[];
  /** §4.3 formulas with days clipped to the age, at H = H_pred. */
  estRows: EstimatedRows;
}

/** One container reservation row (`container_reservation`): `[fromDay, toDay)`. */
export interface Reservation {
  containerId: number;
  batchKey: number;
  stageOrder: number;
  fromDay: EpochDay;
  toDay: EpochDay;
}

export interface RunPlan {
  today: EpochDay;
  firstSimulatedDay: EpochDay;
  batches: BatchPlan[];
  /** Ordered by batchKey, stage, container name. */
  reservations: Reservation[];
  /** Σ estRows.total. */
  estimatedRows: number;
}

/** A batch that cannot be placed; nothing may be written when this is thrown. */
export class PlanningError extends Error {
  constructor(
    message: string,
    readonly batchKey: number,
    readonly batchNumber: string,
    readonly stageOrder: number,
    readonly fromDay: EpochDay,
    readonly toDay: EpochDay,
  ) {
    super(message);
    this.name = 'PlanningError';
  }
}

/**
 * §5.1: batch k of geography j starts `today − newestAge − (n − 1 − k)·s − ⌊(G − 1 − j)·s / G⌋`.
 * batchKey orders by start date, geography order on ties; batch numbers rank within (geography,
 * start year).
 */
export function scheduleBatches(profile: Profile, index: TopologyIndex, today: EpochDay): ScheduledBatch[] {
  const { batchesPerGeography: n, staggerDays: s, newestAgeDays } = profile.schedule;
  const geographies = index.topology.geographies;
  const G = geographies.length;
  const draft: Omit<ScheduledBatch, 'batchKey' | 'batchNumber'>[] = [];
  geographies.forEach((geography, j) => {
    for (let k = 0; k < n; k++) {
      draft.push({
        geographyId: geography.id,
        geographyCode: geography.code,
        indexInGeography: k,
        startDay: today - newestAgeDays - (n - 1 - k) * s - Math.floor(((G - 1 - j) * s) / G),
      });
    }
  });
  draft.sort((a, b) => a.startDay - b.startDay || a.geographyId - b.geographyId || a.indexInGeography - b.indexInGeography);
  const rank = new Map<string, number>();
  return draft.map((batch, batchKey) => {
    const year = yearOf(batch.startDay);
    const group = `${batch.geographyCode}-${year}`;
    const nnn = (rank.get(group) ?? 0) + 1;
    rank.set(group, nnn);
    return { ...batch, batchKey, batchNumber: `${group}-${String(nnn).padStart(3, '0')}` };
  });
}

/** The earliest start date of a schedule (the climate tables start spinUpDays before it). */
export function firstSimulatedDay(schedule: readonly ScheduledBatch[]): EpochDay {
  return schedule.reduce((first, batch) => Math.min(first, batch.startDay), Number.POSITIVE_INFINITY);
}

/** Workflow number of a stage transition on batch day d (`D<ddd>` = day number d + 1). */
export function transferWorkflowNumber(batchNumber: string, transferDay: number): string {
  return `TRF-${batchNumber}-D${String(transferDay + 1).padStart(3, '0')}`;
}

/** Half-open date intervals per container: a container is free if it overlaps none of them. */
class ContainerCalendar {
  private readonly intervals: { fromDay: EpochDay; toDay: EpochDay }[][] = [];

  isFree(containerId: number, fromDay: EpochDay, toDay: EpochDay): boolean {
    const list = this.intervals[containerId];
    if (!list) return true;
    for (const interval of list) if (interval.fromDay < toDay && fromDay < interval.toDay) return false;
    return true;
  }

  reserve(containerId: number, fromDay: EpochDay, toDay: EpochDay): void {
    (this.intervals[containerId] ??= []).push({ fromDay, toDay });
  }
}

export interface PlanInput {
  profile: Profile;
  index: TopologyIndex;
  climate: ClimateTables;
  seed: number;
  today: EpochDay;
  /** Defaults to `scheduleBatches(profile, index, today)`. */
  schedule?: ScheduledBatch[];
}

/**
 * Plan every batch (§5): targets, ring counts, H_pred and greedy allocation in batchKey order.
 * Freshwater stage s reserves `[start + off_s, start + off_s + days_s + fwFallowDays)` in the
 * hall serving s at the preferred station (k mod stations, then the previous stage's station,
 * scanning onward with wrap-around); the sea stage reserves `[start + seaDay, start + H_pred +
 * grace + seaFallowDays)` on the first R free rings of one area (k mod areas, then the other areas
 * in number order). Stages that have not begun by today are not reserved.
 * @throws PlanningError naming batch, stage and interval for the first batch that cannot be placed.
 */
export function planRun(input: PlanInput): RunPlan {
  const { profile, index, climate, seed, today } = input;
  const schedule = input.schedule ?? scheduleBatches(profile, index, today);
  const starts = stageStartDays(profile);
  const stages = profile.stages;
  const seaIndex = stages.length - 1;
  const F = profile.schedule.freshwaterContainersPerStage;
  const calendar = new ContainerCalendar();
  const rng = new Rng(seed, STREAM.TARGET_WEIGHT, 0, 0, 0);
  const batches: BatchPlan[] = [];
  const reservations: Reservation[] = [];

  for (const batch of schedule) {
    const ageDays = today - batch.startDay;
    const { min, max } = profile.sea.harvestTargetKg;
    const targetWeightG = 1000 * rng.reset(seed, STREAM.TARGET_WEIGHT, batch.batchKey, 0, 0).uniformRange(0, min, max);
    const jitterPct = profile.schedule.eggsJitterPct;
    const eggs =
      jitterPct === 0
        ? profile.schedule.eggsPerBatch
        : Math.round(
            profile.schedule.eggsPerBatch *
              (1 + (jitterPct / 100) * (2 * rng.reset(seed, STREAM.EGG_JITTER, batch.batchKey, 0, 0).uniform(0) - 1)),
          );
    const expectedSeaFish = expectedSeaStockCount(profile, eggs);
    const rings = ringCount(profile, expectedSeaFish, targetWeightG);
    const stations = index.geographyStations[batch.geographyId]!;
    const areas = index.geographyAreas[batch.geographyId]!;
    const preferredArea = areas[batch.indexInGeography % areas.length]!;
    const stagePlans: StagePlan[] = [];
    const fail = (stageOrder: number, fromDay: EpochDay, toDay: EpochDay, why: string): never => {
      const stage = stages[stageOrder - 1]!;
      throw new PlanningError(
        `Cannot place batch ${batch.batchNumber} (batchKey ${batch.batchKey}) stage ${stageOrder} ${stage.name} ` +
          `for [${formatIsoDate(fromDay)}, ${formatIsoDate(toDay)}): ${why}`,
        batch.batchKey,
        batch.batchNumber,
        stageOrder,
        fromDay,
        toDay,
      );
    };

    let previousStation = stations[batch.indexInGeography % stations.length]!;
    for (let s = 0; s < seaIndex; s++) {
      if (starts[s]! > ageDays) break;
      const stage = stages[s]!;
      const fromDay = batch.startDay + starts[s]!;
      const plannedDepartureDay = fromDay + stage.days!;
      const reservedToDay = plannedDepartureDay + profile.schedule.fwFallowDays;
      const firstStation = stations.indexOf(previousStation);
      let placed: StagePlan | null = null;
      for (let offset = 0; offset < stations.length && !placed; offset++) {
        const station = stations[(firstStation + offset) % stations.length]!;
        const hall = index.stationHalls[station.id]![stage.order];
        if (!hall) continue;
        const free = index.hallContainers[hall.id]!.filter((container) => calendar.isFree(container.id, fromDay, reservedToDay));
        if (free.length < F) continue;
        placed = {
          stageOrder: stage.order,
          stageCode: stage.code,
          stationId: station.id,
          hallId: hall.id,
          areaId: null,
          containerIds: free.slice(0, F).map((container) => container.id),
          fromDay,
          plannedDepartureDay,
          reservedToDay,
        };
        previousStation = station;
      }
      if (!placed) fail(stage.order, fromDay, reservedToDay, `no hall with ${F} free containers in ${batch.geographyCode}`);
      stagePlans.push(placed!);
    }

    const grace = profile.sea.forcedHarvestAfterPredictionDays;
    let seaAreaId: number | null = null;
    let predictedHarvestDay = predictHarvestDay(profile, climate, preferredArea.id, batch.startDay, targetWeightG);
    if (starts[seaIndex]! <= ageDays) {
      const seaStage = stages[seaIndex]!;
      const fromDay = batch.startDay + starts[seaIndex]!;
      const candidates = [preferredArea, ...areas.filter((area) => area !== preferredArea)];
      let lastInterval: [EpochDay, EpochDay] = [fromDay, fromDay];
      for (const area of candidates) {
        const hPred = predictHarvestDay(profile, climate, area.id, batch.startDay, targetWeightG);
        const plannedDepartureDay = batch.startDay + hPred + grace;
        const reservedToDay = plannedDepartureDay + profile.schedule.seaFallowDays;
        lastInterval = [fromDay, reservedToDay];
        const free = index.areaRings[area.id]!.filter((ring) => calendar.isFree(ring.id, fromDay, reservedToDay));
        if (free.length < rings) continue;
        seaAreaId = area.id;
        predictedHarvestDay = hPred;
        stagePlans.push({
          stageOrder: seaStage.order,
          stageCode: seaStage.code,
          stationId: null,
          hallId: null,
          areaId: area.id,
          containerIds: free.slice(0, rings).map((ring) => ring.id),
          fromDay,
          plannedDepartureDay,
          reservedToDay,
        });
        break;
      }
      if (seaAreaId === null) {
        fail(seaStage.order, lastInterval[0], lastInterval[1], `no sea area in ${batch.geographyCode} with ${rings} free rings`);
      }
    }

    for (const stagePlan of stagePlans) {
      for (const containerId of stagePlan.containerIds) {
        calendar.reserve(containerId, stagePlan.fromDay, stagePlan.reservedToDay);
        reservations.push({
          containerId,
          batchKey: batch.batchKey,
          stageOrder: stagePlan.stageOrder,
          fromDay: stagePlan.fromDay,
          toDay: stagePlan.reservedToDay,
        });
      }
    }

    batches.push({
      ...batch,
      creationNumber: `CRT-${batch.batchNumber}`,
      startDate: formatIsoDate(batch.startDay),
      ageDays,
      eggs,
      targetWeightG,
      expectedSeaFish,
      ringCount: rings,
      predictedHarvestDay,
      seaAreaId,
      expectedEndDay: batch.startDay + predictedHarvestDay,
      stages: stagePlans,
      transferWorkflowNumbers: starts.slice(1).map((day) => transferWorkflowNumber(batch.batchNumber, day)),
      estRows: estimateBatchRows(profile, ageDays, predictedHarvestDay, rings),
    });
  }

  return {
    today,
    firstSimulatedDay: firstSimulatedDay(schedule),
    batches,
    reservations,
    estimatedRows: batches.reduce((sum, batch) => sum + batch.estRows.total, 0),
  };
}

/** Everything the plan phase produces, shared read-only with the workers. */
export interface PreparedRun {
  profile: Profile;
  seed: number;
  today: EpochDay;
  topology: Topology;
  index: TopologyIndex;
  climate: ClimateTables;
  plan: RunPlan;
}

/**
 * The whole pure plan phase: topology, schedule, climate tables (first start − spin-up to
 * today + horizon) and the batch plan. Sensors are dated as installed on the first climate day.
 * @throws PlanningError when a batch cannot be placed.
 */
export function prepareRun(profile: Profile, seed: number, today: EpochDay): PreparedRun {
  const topology = buildTopology(profile, seed);
  const index = indexTopology(topology);
  const schedule = scheduleBatches(profile, index, today);
  const firstDay = firstSimulatedDay(schedule);
  const climate = buildClimate(profile, index, seed, firstDay, today);
  for (const sensor of topology.sensors) sensor.installedOn = climate.firstDay;
  const plan = planRun({ profile, index, climate, seed, today, schedule });
  return { profile, seed, today, topology, index, climate, plan };
}
