/**
 * One batch from plan to COPY bytes: simulate (pure), generate the sensor readings of its occupied container-days,
 * compute the daily states with the growth engine's `computeBatch` from exactly the values that will be stored
 * (synthetic-farm.md §4.4), and encode every table in COPY text format, table by table in `BATCH_TABLES` order,
 * chunk by chunk (≤ 64 k rows), so memory stays bounded by one batch.
 */
import { confidenceJsonb, dailyStateCopyLine } from '../../growth/daily-state-copy.js';
import { computeBatch, type EngineInputs, type EngineResult } from '../../growth/engine/index.js';
import {
  batchRowId,
  environmentalDaily,
  MORTALITY_CAUSES,
  occupiedIntervals,
  simulateBatch,
  type BatchPlan,
  type BatchSimResult,
  type ContainerReadings,
  type EnvironmentalDailyColumns,
  type EpochDay,
  type OccupiedInterval,
  type SimContext,
} from '../sim/index.js';
import { roundHalfEven } from '../sim/rounding.js';
import {
  boolText,
  dateText,
  intText,
  NULL,
  nullableDateText,
  nullableIntText,
  nullableNumericText,
  nullableTextText,
  numericText,
  roundedNumericText,
  textText,
  timestampText,
  type FlatJson,
} from '../../../db/pg-text.js';


/** Decimal spelling of consecutive ids: a cached prefix per block of 10,000 plus a four-digit suffix. */
const SUFFIX4 = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
import { BATCH_TABLES, type CopyTable } from './tables.js';

/** Largest COPY chunk (rows), synthetic-farm.md §8. */
export const MAX_CHUNK_ROWS = 65_536;

/** `recorded_by` of generated operational events (data-model.md §1). */
export const SEED_RECORDED_BY = 'seed';

/** One chunk of one table's COPY text (rows end with a newline), as UTF-8 buffers in order. */
export interface CopyChunk {
  rows: number;
  parts: Buffer[];
}

/** Rows per spill of a chunk's pending text into a Buffer. */
const SPILL_ROWS = 1024;

/**
 * Builds chunks of at most MAX_CHUNK_ROWS rows. Rows accumulate as a short string that is spilled into a Buffer
 * every SPILL_ROWS rows: the growing chunk lives off the JS heap, so young-generation collections (which copy
 * every surviving string) stay cheap.
 */
export class ChunkAccumulator {
  private parts: Buffer[] = [];
  private pending = '';
  private pendingRows = 0;
  private rows = 0;

  /** Append one row; true when the chunk is full. */
  add(row: string): boolean {
    this.pending += row;
    this.rows++;
    if (++this.pendingRows === SPILL_ROWS) this.spill();
    return this.rows === MAX_CHUNK_ROWS;
  }

  get empty(): boolean {
    return this.rows === 0;
  }

  /** The chunk so far; the accumulator starts over. */
  take(): CopyChunk {
    this.spill();
    const chunk = { rows: this.rows, parts: this.parts };
    this.parts = [];
    this.rows = 0;
    return chunk;
  }

  private spill(): void {
    if (this.pendingRows === 0) return;
    this.parts.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
    this.pendingRows = 0;
  }
}

/** One table of a batch: its spec and its chunks, produced lazily. */
export interface TableEncoding {
  spec: CopyTable;
  chunks: Iterable<CopyChunk>;
}

/** Everything generated for one batch before it is encoded. */
export interface GeneratedBatch {
  plan: BatchPlan;
  runId: number;
  result: BatchSimResult;
  intervals: OccupiedInterval[];
  /** Readings per occupied interval, in interval order. */
  readings: ContainerReadings[];
  /** EnvironmentalDaily per occupied interval. */
  daily: EnvironmentalDailyColumns[];
  engineInputs: EngineInputs;
  engine: EngineResult;
  batchId: number;
  /** Container reservations of the batch (counted in "All rows"; written by the reservation step). */
  reservationCount: number;
}

/**
 * Simulate one planned batch and compute its daily states.
 * @param ctx shared read-only simulation context of the run (one per worker thread)
 * @param plan the batch's plan as stored on its work item
 * @param runId the seed run (the writer sets batch.seed_run_id; it is not part of the hashed bytes)
 */
export function generateBatch(ctx: SimContext, plan: BatchPlan, runId: number): GeneratedBatch {
  const result = simulateBatch(ctx, plan);
  const intervals = occupiedIntervals(result);
  const readings = intervals.map((interval) => ctx.readings.containerReadings(interval.containerId, interval.fromDay, interval.toDay));
  const daily = readings.map((block) => environmentalDaily(block));
  const batchId = batchRowId(plan.batchKey, 0);
  const engineInputs = buildEngineInputs(ctx, plan, result, intervals, readings, daily);
  const engine = computeBatch(engineInputs, { asOf: dateText(ctx.today) });
  const reservationCount = plan.stages.reduce((sum, stage) => sum + stage.containerIds.length, 0);
  return { plan, runId, result, intervals, readings, daily, engineInputs, engine, batchId, reservationCount };
}

/**
 * The engine's inputs, built in memory from the values exactly as they will be stored (rounded to each column's
 * scale), so that a recompute from the database (V9) sees the same numbers.
 */
export function buildEngineInputs(
  ctx: SimContext,
  plan: BatchPlan,
  result: BatchSimResult,
  intervals: readonly OccupiedInterval[],
  readings: readonly ContainerReadings[],
  daily: readonly EnvironmentalDailyColumns[],
): EngineInputs {
  const topology = ctx.index.topology;
  const key = plan.batchKey;
  const id = (local: number) => batchRowId(key, local);
  const batchId = id(0);
  const template = topology.scenarioTemplates.find((candidate) => candidate.geographyId === plan.geographyId);
  if (!template) throw new Error(`No scenario template for geography ${plan.geographyCode}`);
  const assignmentIdOf = (local: number) => id(local);

  const feedUnits = new Map<number, Map<EpochDay, number>>();
  const { feedingEvents: feeding } = result;
  for (let i = 0; i < feeding.amountKg.length; i++) {
    const perAssignment = feedUnits.get(feeding.assignment[i]!) ?? new Map<EpochDay, number>();
    feedUnits.set(feeding.assignment[i]!, perAssignment);
    // Sum in 1e-4 kg units: exactly the numeric sum the database would return.
    const units = Math.round(roundHalfEven(feeding.amountKg[i]!, 4) * 10_000);
    perAssignment.set(feeding.day[i]!, (perAssignment.get(feeding.day[i]!) ?? 0) + units);
  }

  const temperatures: EngineInputs['temperatures'][number][] = [];
  const mortalityReports: EngineInputs['mortalityReports'][number][] = [];
  intervals.forEach((interval, position) => {
    const block = readings[position]!;
    const temperatureIndex = block.parameters.findIndex((parameter) => parameter.code === 'TEMPERATURE');
    const columns = daily[position]!;
    for (let row = 0; row < columns.day.length; row++) {
      if (columns.parameterIndex[row] !== temperatureIndex) continue;
      temperatures.push({ containerId: interval.containerId, date: dateText(columns.day[row]!), avgC: columns.avg[row]! });
    }
    for (let day = interval.fromDay; day < interval.toDay; day++) {
      mortalityReports.push({ assignmentId: assignmentIdOf(interval.assignment), date: dateText(day) });
    }
  });

  const { mortalityEvents: mortality, growthSamples: samples } = result;
  return {
    batch: { id: batchId, startDate: dateText(plan.startDay), scenarioId: batchId },
    stages: topology.lifecycleStages.map((stage) => ({
      id: stage.id,
      order: stage.order,
      maxWeightG: roundHalfEven(stage.maxWeightG, 2),
      defaultTgc: roundHalfEven(stage.defaultTgc, 4),
      defaultDailyMortalityPct: roundHalfEven(stage.defaultDailyMortalityPct, 4),
    })),
    scenario: {
      id: batchId,
      baseTgc: roundHalfEven(template.baseTgc, 4),
      baseMortalityRatePct: roundHalfEven(template.baseMortalityRatePct, 4),
      baseMortalityFrequency: template.baseMortalityFrequency,
    },
    stageParameters: template.stageParameters.map((parameter) => ({
      lifecycleStageId: parameter.lifecycleStageId,
      tgc: roundHalfEven(parameter.tgc, 4),
      mortalityRatePct: roundHalfEven(parameter.mortalityRatePct, 4),
      mortalityFrequency: parameter.mortalityFrequency,
    })),
    temperatureProfileDays: Array.from(result.scenario.temperatureProfileC, (temperatureC, n) => ({
      dayNumber: n + 1,
      temperatureC: roundHalfEven(temperatureC, 2),
    })),
    assignments: result.assignments.map((assignment) => ({
      id: assignmentIdOf(assignment.index),
      containerId: assignment.containerId,
      lifecycleStageId: stageIdOf(ctx, assignment.stageOrder),
      assignmentDate: dateText(assignment.assignmentDay),
      departureDate: assignment.departureDay === null ? null : dateText(assignment.departureDay),
    })),
    placements: result.placements.map((placement) => ({
      assignmentId: assignmentIdOf(placement.assignment),
      placementDate: dateText(placement.day),
      count: placement.count,
      avgWeightG: roundHalfEven(placement.avgWeightG, 4),
    })),
    transfers: result.transferActions.map((action) => ({
      id: id(action.index),
      sourceAssignmentId: assignmentIdOf(action.sourceAssignment),
      destAssignmentId: assignmentIdOf(action.destAssignment),
      executionDate: dateText(action.day),
      transferredCount: action.transferredCount,
      mortalityDuringTransfer: action.mortalityDuringTransfer,
      measuredAvgWeightG: roundHalfEven(action.measuredAvgWeightG, 2),
      measuredSampleSize: action.measuredSampleSize,
      selectionMethod: action.selectionMethod,
    })),
    harvests: result.harvestEvents.map((harvest) => ({
      assignmentId: assignmentIdOf(harvest.assignment),
      harvestDate: dateText(harvest.day),
      count: harvest.count,
    })),
    growthSamples: Array.from(samples.assignment, (assignment, i) => ({
      assignmentId: assignmentIdOf(assignment),
      sampleDate: dateText(samples.day[i]!),
      avgWeightG: roundHalfEven(samples.avgWeightG[i]!, 2),
      sampleSize: samples.sampleSize[i]!,
    })),
    weighedTreatments: result.treatments
      .filter((treatment) => treatment.includesWeighing)
      .map((treatment) => ({
        assignmentId: assignmentIdOf(treatment.assignment),
        treatmentDate: dateText(treatment.day),
        avgWeightG: roundHalfEven(treatment.avgWeightG!, 2),
        weighedCount: treatment.weighedCount!,
      })),
    mortalitySums: Array.from(mortality.assignment, (assignment, i) => ({
      assignmentId: assignmentIdOf(assignment),
      date: dateText(mortality.day[i]!),
      count: mortality.count[i]!,
    })),
    mortalityReports,
    feedByContainer: [],
    feedByAssignment: [...feedUnits].flatMap(([assignment, byDay]) =>
      [...byDay].map(([day, units]) => ({ assignmentId: assignmentIdOf(assignment), date: dateText(day), amountKg: units / 10_000 })),
    ),
    temperatures,
  };
}

function stageIdOf(ctx: SimContext, stageOrder: number): number {
  const stage = ctx.index.topology.lifecycleStages.find((candidate) => candidate.order === stageOrder);
  if (!stage) throw new Error(`No lifecycle stage of order ${stageOrder}`);
  return stage.id;
}

/** Rows per table of an encoded batch. */
export type RowCounts = Map<string, number>;

/**
 * COPY text of every table of a generated batch, in `BATCH_TABLES` order. Chunks are produced on demand; `counts`
 * receives the number of rows of each table as its chunks are consumed.
 */
export function encodeBatch(ctx: SimContext, batch: GeneratedBatch, counts: RowCounts = new Map()): TableEncoding[] {
  const encoders = batchRowEncoders(ctx, batch);
  return BATCH_TABLES.map((spec) => {
    const encoder = encoders[spec.table];
    if (!encoder) throw new Error(`No encoder for table ${spec.table}`);
    const chunks = typeof encoder === 'function' ? chunked(encoder) : encoder.chunks;
    return { spec, chunks: counted(spec.table, chunks, counts) };
  });
}

function* counted(table: string, chunks: () => Iterable<CopyChunk>, counts: RowCounts): Generator<CopyChunk> {
  counts.set(table, 0);
  for (const chunk of chunks()) {
    counts.set(table, counts.get(table)! + chunk.rows);
    yield chunk;
  }
}

/** Chunks of at most MAX_CHUNK_ROWS rows from a generator of single rows. */
function chunked(rows: () => Iterable<string>): () => Iterable<CopyChunk> {
  return function* () {
    const chunk = new ChunkAccumulator();
    for (const row of rows()) if (chunk.add(row)) yield chunk.take();
    if (!chunk.empty) yield chunk.take();
  };
}

/** A table encoder: rows one by one, or (hot tables) whole chunks. */
type TableEncoder = (() => Iterable<string>) | { chunks: () => Iterable<CopyChunk> };

const line = (fields: readonly string[]): string => `${fields.join('\t')}\n`;

function batchRowEncoders(ctx: SimContext, batch: GeneratedBatch): Record<string, TableEncoder> {
  const { plan, result, batchId, engine } = batch;
  const profile = ctx.profile;
  const topology = ctx.index.topology;
  const key = plan.batchKey;
  const id = (local: number): string => intText(batchRowId(key, local));
  const startTs = timestampText(plan.startDay, 0);
  const template = topology.scenarioTemplates.find((candidate) => candidate.geographyId === plan.geographyId)!;
  const speciesId = intText(topology.species[0]!.id);
  const stageId = (order: number) => intText(stageIdOf(ctx, order));
  const mutable = (localId: number, created: string, updated = created) => [id(localId), created, updated, '1'];
  const stageByOrder = new Map(profile.stages.map((stage) => [stage.order, stage]));
  const transferHour = profile.transfer.hourUtc;
  const harvestHour = profile.harvest.hourUtc;

  // Assignments opened by a transfer are created at the transfer hour; closed ones were last updated when they left.
  const assignmentCreated = result.assignments.map((assignment) =>
    assignment.stageOrder === profile.stages[0]!.order ? timestampText(assignment.assignmentDay, 0) : timestampText(assignment.assignmentDay, transferHour),
  );
  const assignmentUpdated = result.assignments.map((assignment, i) =>
    assignment.departureDay === null
      ? assignmentCreated[i]!
      : timestampText(assignment.departureDay, assignment.closeReason === 'HARVESTED' ? harvestHour : transferHour),
  );

  return {
    temperature_profile: function* () {
      yield line([...mutable(0, startTs), textText(`Baseline – ${plan.batchNumber}`), textText(`Scenario temperatures of batch ${plan.batchNumber}`)]);
    },
    temperature_profile_day: function* () {
      const days = result.scenario.temperatureProfileC;
      for (let n = 0; n < days.length; n++) yield line([id(0), intText(n + 1), numericText(days[n]!, 2)]);
    },
    scenario: function* () {
      yield line([
        ...mutable(0, startTs),
        textText(result.scenario.name),
        speciesId,
        textText(`Copy of ${template.name} for batch ${plan.batchNumber}`),
        numericText(template.baseTgc, 4),
        numericText(template.baseMortalityRatePct, 4),
        template.baseMortalityFrequency,
        id(0),
      ]);
    },
    scenario_stage_parameter: function* () {
      for (const parameter of template.stageParameters) {
        yield line([id(0), intText(parameter.lifecycleStageId), numericText(parameter.tgc, 4), numericText(parameter.mortalityRatePct, 4), parameter.mortalityFrequency]);
      }
    },
    batch: function* () {
      const updated = result.actualEndDay === null ? startTs : timestampText(result.actualEndDay, harvestHour);
      yield line([
        ...mutable(0, startTs, updated),
        textText(plan.batchNumber),
        speciesId,
        'STANDARD',
        result.status,
        dateText(plan.startDay),
        dateText(result.expectedEndDay),
        nullableDateText(result.actualEndDay),
        id(0),
        NULL,
      ]);
    },
    batch_creation: function* () {
      const creation = result.creation;
      yield line([...mutable(0, startTs), id(0), textText(creation.creationNumber), creation.eggSource, NULL, NULL, intText(creation.plannedEggCount)]);
    },
    batch_container_assignment: function* () {
      for (const assignment of result.assignments) {
        yield line([
          ...mutable(assignment.index, assignmentCreated[assignment.index]!, assignmentUpdated[assignment.index]!),
          id(0),
          intText(assignment.containerId),
          stageId(assignment.stageOrder),
          dateText(assignment.assignmentDay),
          nullableDateText(assignment.departureDay),
          nullableTextText(assignment.closeReason),
          intText(assignment.openingPopulation),
          // opening_avg_weight_g > 0 (CHECK): an assignment that received no fish has no arrival weight.
          assignment.openingPopulation > 0 && assignment.openingAvgWeightG > 0 ? numericText(assignment.openingAvgWeightG, 4) : NULL,
          NULL,
          '0',
        ]);
      }
    },
    batch_placement: function* () {
      for (let i = 0; i < result.placements.length; i++) {
        const placement = result.placements[i]!;
        yield line([
          ...mutable(i, timestampText(placement.day, 0)),
          id(0),
          id(placement.assignment),
          id(0),
          dateText(placement.day),
          intText(placement.count),
          numericText(placement.avgWeightG, 4),
          NULL,
        ]);
      }
    },
    transfer_workflow: function* () {
      for (const workflow of result.workflows) {
        const at = timestampText(workflow.day, transferHour);
        yield line([
          ...mutable(workflow.index, at),
          id(0),
          textText(workflow.workflowNumber),
          'LIFECYCLE_TRANSITION',
          'COMPLETED',
          stageId(workflow.sourceStageOrder),
          stageId(workflow.destStageOrder),
          dateText(workflow.day),
          dateText(workflow.day),
          dateText(workflow.day),
          textText(`${stageByOrder.get(workflow.sourceStageOrder)!.name} → ${stageByOrder.get(workflow.destStageOrder)!.name}`),
        ]);
      }
    },
    transfer_action: function* () {
      for (const action of result.transferActions) {
        const at = timestampText(action.day, action.hourUtc);
        yield line([
          ...mutable(action.index, at),
          id(0),
          id(action.workflow),
          id(action.sourceAssignment),
          id(action.destAssignment),
          'COMPLETED',
          dateText(action.day),
          dateText(action.day),
          intText(action.transferredCount),
          intText(action.mortalityDuringTransfer),
          intText(action.sourcePopulationBefore),
          numericText(action.transferredBiomassKg, 2),
          action.method,
          numericText(action.measuredAvgWeightG, 2),
          intText(action.measuredSampleSize),
          numericText(action.measuredStdDevG, 2),
          action.selectionMethod,
          boolText(action.emptiesSource),
          SEED_RECORDED_BY,
          nullableTextText(action.notes),
        ]);
      }
    },
    mortality_event: function* () {
      const events = result.mortalityEvents;
      for (let i = 0; i < events.count.length; i++) {
        const day = events.day[i]!;
        yield line([
          ...mutable(i, timestampText(day, 0)),
          id(0),
          id(events.assignment[i]!),
          dateText(day),
          intText(events.count[i]!),
          MORTALITY_CAUSES[events.cause[i]!]!,
          numericText(events.biomassKg[i]!, 2),
          NULL,
          SEED_RECORDED_BY,
        ]);
      }
    },
    mortality_report: function* () {
      for (const interval of batch.intervals) {
        const assignment = id(interval.assignment);
        for (let day = interval.fromDay; day < interval.toDay; day++) {
          yield `${assignment}\t${dateText(day)}\t${SEED_RECORDED_BY}\t${timestampText(day, 0)}\n`;
        }
      }
    },
    growth_sample: function* () {
      const s = result.growthSamples;
      const hour = profile.samplingHourUtc;
      for (let i = 0; i < s.assignment.length; i++) {
        const day = s.day[i]!;
        yield line([
          ...mutable(i, timestampText(day, hour)),
          id(s.assignment[i]!),
          dateText(day),
          intText(s.sampleSize[i]!),
          numericText(s.avgWeightG[i]!, 2),
          numericText(s.stdDevWeightG[i]!, 2),
          numericText(s.minWeightG[i]!, 2),
          numericText(s.maxWeightG[i]!, 2),
          numericText(s.avgLengthCm[i]!, 2),
          numericText(s.stdDevLengthCm[i]!, 2),
          numericText(s.conditionFactor[i]!, 3),
          SEED_RECORDED_BY,
        ]);
      }
    },
    growth_sample_fish: function* () {
      const fish = result.growthSampleFish;
      for (let i = 0; i < fish.owner.length; i++) {
        yield `${id(i)}\t${id(fish.owner[i]!)}\t${fish.fishNo[i]!}\t${roundedNumericText(fish.weightG[i]!, 2)}\t${roundedNumericText(fish.lengthCm[i]!, 2)}\n`;
      }
    },
    treatment: function* () {
      for (const treatment of result.treatments) {
        yield line([
          ...mutable(treatment.index, timestampText(treatment.day, treatment.hourUtc)),
          id(treatment.assignment),
          dateText(treatment.day),
          treatment.treatmentType,
          nullableIntText(treatment.vaccinationTypeId),
          textText(treatment.product),
          textText(treatment.dosage),
          intText(treatment.withholdingDays),
          boolText(treatment.includesWeighing),
          nullableIntText(treatment.weighedCount),
          nullableNumericText(treatment.avgWeightG, 2),
          SEED_RECORDED_BY,
        ]);
      }
    },
    treatment_fish: function* () {
      const fish = result.treatmentFish;
      for (let i = 0; i < fish.owner.length; i++) {
        yield `${id(i)}\t${id(fish.owner[i]!)}\t${fish.fishNo[i]!}\t${roundedNumericText(fish.weightG[i]!, 2)}\t${roundedNumericText(fish.lengthCm[i]!, 2)}\n`;
      }
    },
    lice_count: function* () {
      const lice = result.liceCounts;
      const hour = profile.liceCountHourUtc;
      for (let i = 0; i < lice.assignment.length; i++) {
        const day = lice.day[i]!;
        yield line([...mutable(i, timestampText(day, hour)), id(lice.assignment[i]!), dateText(day), intText(lice.fishSampled[i]!), profile.lice.method, SEED_RECORDED_BY]);
      }
    },
    lice_count_entry: function* () {
      const entries = result.liceEntries;
      const shares = profile.lice.shares;
      for (let i = 0; i < entries.count.length; i++) {
        const share = shares[entries.share[i]!]!;
        yield `${id(i)}\t${id(entries.liceCount[i]!)}\t${share.species}\t${share.stage}\t${entries.count[i]!}\n`;
      }
    },
    harvest_event: function* () {
      for (const harvest of result.harvestEvents) {
        yield line([
          ...mutable(harvest.index, timestampText(harvest.day, harvest.hourUtc)),
          id(0),
          id(harvest.assignment),
          dateText(harvest.day),
          intText(harvest.count),
          numericText(harvest.liveBiomassKg, 2),
          SEED_RECORDED_BY,
        ]);
      }
    },
    harvest_lot: function* () {
      let lot = 0;
      for (const harvest of result.harvestEvents) {
        for (const graded of harvest.lots) {
          yield `${id(lot++)}\t${id(harvest.index)}\t${textText(graded.sizeClass)}\t${intText(graded.count)}\t${numericText(graded.avgWeightG, 2)}\n`;
        }
      }
    },
    feeding_event: function* () {
      const f = result.feedingEvents;
      const method = profile.feeding.method;
      for (let i = 0; i < f.amountKg.length; i++) {
        const day = f.day[i]!;
        const at = timestampText(day, f.hourUtc[i]!);
        const assignment = result.assignments[f.assignment[i]!]!;
        yield `${id(i)}\t${dateText(day)}\t${assignment.containerId}\t${id(assignment.index)}\t${f.feedId[i]!}\t${f.feedContainerId[i]!}\t${at}\t${numericText(f.amountKg[i]!, 4)}\t${method}\t${SEED_RECORDED_BY}\t${NULL}\t${at}\t${at}\t1\n`;
      }
    },
    environmental_reading: {
      // 22 M of the 29 M rows of `standard`: built chunk by chunk, with the id block base and the value spellings
      // (a few thousand distinct readings) reused.
      chunks: function* () {
        // Consecutive ids: their decimal spelling reuses the digits above the last four.
        const base = batchRowId(key, 0);
        let local = 0;
        let idHigh = -1;
        let idHighText = '';
        const hours = ctx.readings.readingHoursUtc;
        const hourCount = hours.length;
        const spelled = new Map<number, string>();
        const suffix = `\tf\t${SEED_RECORDED_BY}\t`;
        const chunk = new ChunkAccumulator();
        for (const block of batch.readings) {
          const parameterCount = block.parameters.length;
          const prefixes = block.parameters.map((parameter) => `\t${block.containerId}\t${parameter.parameterId}\t${parameter.sensorId}\t`);
          const days = block.toDay - block.fromDay;
          for (let d = 0; d < days; d++) {
            const day = block.fromDay + d;
            const times = hours.map((hour) => timestampText(day, hour));
            for (let p = 0; p < parameterCount; p++) {
              const start = (d * parameterCount + p) * hourCount;
              const prefix = prefixes[p]!;
              for (let h = 0; h < hourCount; h++) {
                const value = block.values[start + h]!;
                let valueText = spelled.get(value);
                if (valueText === undefined) {
                  // Readings are stored already rounded to their parameter's decimals (≤ 4).
                  valueText = roundedNumericText(value, 4);
                  spelled.set(value, valueText);
                }
                const time = times[h]!;
                const id = base + local++;
                const high = Math.floor(id / 10_000);
                if (high !== idHigh) {
                  idHigh = high;
                  idHighText = String(high);
                }
                if (chunk.add(`${idHighText}${SUFFIX4[id - high * 10_000]}\t${time}${prefix}${valueText}${suffix}${time}\n`)) yield chunk.take();
              }
            }
          }
        }
        if (!chunk.empty) yield chunk.take();
      },
    },
    environmental_daily: function* () {
      for (let position = 0; position < batch.readings.length; position++) {
        const block = batch.readings[position]!;
        const columns = batch.daily[position]!;
        const parameterCount = block.parameters.length;
        // Within a day, rows go in parameter-id order: the order `verify --deep` reads them back in.
        const order = block.parameters.map((_, p) => p).sort((a, b) => block.parameters[a]!.parameterId - block.parameters[b]!.parameterId);
        const days = block.toDay - block.fromDay;
        for (let d = 0; d < days; d++) {
          for (const p of order) {
            const row = d * parameterCount + p;
            yield `${block.containerId}\t${block.parameters[p]!.parameterId}\t${dateText(columns.day[row]!)}\t${columns.avg[row]!.toFixed(4)}\t${columns.min[row]!.toFixed(4)}\t${columns.max[row]!.toFixed(4)}\t${columns.count[row]!}\n`;
          }
        }
      }
    },
    daily_assignment_state: function* () {
      // A million rows in `standard`: one template per row, the end-of-day timestamp reused per date.
      const batchText = intText(batchId);
      const computedAt = new Map<string, string>();
      for (const row of engine.rows) {
        let at = computedAt.get(row.date);
        if (at === undefined) {
          // Generated rows carry simulated time: the end of the day the row describes.
          at = timestampText(plan.startDay + row.dayNumber - 1, 23, 59, 59);
          computedAt.set(row.date, at);
        }
        yield dailyStateCopyLine(batchText, row, at);
      }
    },
    batch_daily_state: function* () {
      for (const row of engine.batchDaily) {
        yield line([
          intText(batchId),
          row.date,
          intText(row.population),
          numericText(row.biomassKg, 2),
          nullableNumericText(row.avgWeightG, 2),
          nullableNumericText(row.tempC, 2),
          numericText(row.feedKg, 2),
          numericText(row.growthKg, 2),
          intText(row.mortalityCount),
          intText(row.placementCount),
          intText(row.transferMortalityCount),
          intText(row.harvestCount),
          intText(row.countAdjustment),
          nullableNumericText(row.fcr, 3),
          intText(row.containerCount),
          intText(row.anchorCount),
          nullableIntText(row.dominantStageId),
          row.minConfidence === null ? NULL : confidenceJsonb(row.minConfidence as unknown as FlatJson),
        ]);
      }
    },
    population_adjustment: function* () {
      for (const adjustment of engine.adjustments) {
        yield line([intText(adjustment.assignmentId), adjustment.date, adjustment.reason, intText(batchId), intText(adjustment.count)]);
      }
    },
  };
}
