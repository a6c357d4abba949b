/**
 * `computeBatch`: the growth assimilation engine (growth-engine.md §5, §8). Pure, synchronous and
 * deterministic: no I/O, no clock (asOf is an input), no randomness.
 *
 * All assignments of the batch advance one day together (lockstep, §5.1). Each day runs in three
 * phases: (A) every transfer of the day books its arrival on the destination from the source's
 * state at the end of the previous day (so no ordering between assignments is needed and any
 * transfer graph, back-transfers included, is valid); (B) every assignment runs the daily step of
 * §5.14 up to population and stage; (C) feed is attributed per container from end-of-day biomass
 * (§5.10), growth and FCR are computed and rows are emitted, rounded once (§5.13).
 */
import { aggregateBatchDaily, type BatchFlowDay } from './aggregate.js';
import { computedWeightConfidence, fcrOf, growthKgOf, tgcStep } from './growth.js';
import { DEATHS_EPSILON } from './mortality.js';
import {
  ANCHOR_CONFIDENCE,
  ANCHOR_NONE,
  ANCHOR_TYPES,
  prepareBatch,
  type PreparedAssignment,
  type PreparedBatch,
} from './prepare.js';
import { roundHalfEven } from './rounding.js';
import { TEMP_DEFAULT, TEMP_SOURCES } from './temperature.js';
import type {
  AdjustmentReason,
  DailyAssignmentStateRow,
  Diagnostic,
  DiagnosticCode,
  EngineInputs,
  EngineOptions,
  EngineResult,
  PopulationAdjustmentRow,
  RowTrace,
  WeightSource,
} from './types.js';

/** Semver of the engine; bump on any output-changing rule change. */
export const ENGINE_VERSION = '1.0.0';

const MODE_PENDING = 0; // before the first day
const MODE_ACTIVE = 1; // rows with fish stepping
const MODE_EMPTY = 2; // empty days (§5.3.3), or no fish yet after an opening without placement
const MODE_GONE = 3; // after departure or implicit departure: outflows only

const SEG_MODEL = 0;
const SEG_CALIBRATED = 1;
const SEG_HELD = 2;

const WEIGHT_MEASURED = 0;
const WEIGHT_COMPUTED = 1;
const WEIGHT_UNCHANGED = 2;
const WEIGHT_SOURCES: readonly WeightSource[] = ['measured', 'tgc_computed', 'unchanged'];

/** Mutable full-precision state of one assignment, plus the scratch of the current day. */
class AssignmentRun {
  mode = MODE_PENDING;
  implicitDepartureDay = -1;
  population = 0;
  weightG = 0;
  weightKnown = false;
  daysSinceAnchor = 0;
  carry = 0;
  stageSlot: number;
  weightConfidence = 0;
  arrivalPtr = 0;
  segIdx = 0;
  segPlannedFor = -1;
  segMode = SEG_MODEL;
  segK = 0;
  segTgc = 0;
  // Arrivals booked by phase A for the current day.
  arrCount = 0;
  arrWeightSum = 0;
  arrKnownCount = 0;
  arrDaysSinceAnchor = -1;
  // Current day.
  hasRow = false;
  empty = false;
  inflow = 0;
  outflow = 0;
  deaths = 0;
  deadFish = 0;
  startWeightG = 0;
  growthEndWeightG = 0;
  tgcUsed = 0;
  mortalityActual = false;
  anchorKind = 0;
  weightSource = WEIGHT_COMPUTED;
  calibrated = false;
  biomassKg = 0;
  feedKg = 0;
  nextInContainer = -1;
  defaultTempDays = 0;
  firstDefaultTempDay = -1;
  readonly rows: DailyAssignmentStateRow[] = [];
  readonly traces: RowTrace[] = [];

  constructor(readonly p: PreparedAssignment) {
    this.stageSlot = p.stageSlot;
  }
}

/**
 * Computes the dense daily series of one batch up to `options.asOf` (growth-engine.md §8).
 *
 * @throws EngineError `NO_SCENARIO` when no scenario is resolved; `INVALID_INPUT` on malformed input.
 */
export function computeBatch(inputs: EngineInputs, options: EngineOptions): EngineResult {
  const prepared = prepareBatch(inputs, options.asOf);
  return run(prepared, inputs, options);
}

function run(pb: PreparedBatch, inputs: EngineInputs, options: EngineOptions): EngineResult {
  const engineVersion = options.engineVersion ?? ENGINE_VERSION;
  const withTrace = options.trace === true;
  const { length, dates, stages, containers } = pb;
  const batchId = pb.batchId;
  const scenarioId = pb.scenario.id;
  const diagnostics: Diagnostic[] = pb.diagnostics;
  const adjustments: PopulationAdjustmentRow[] = [];
  const runs = pb.assignments.map((a) => new AssignmentRun(a));
  const nC = containers.length;
  const pool = new Float64Array(nC);
  const totalBiomass = new Float64Array(nC);
  const head = new Int32Array(nC);
  const tail = new Int32Array(nC);

  const diag = (code: DiagnosticCode, assignmentId: number | null, o: number | null, detail: string): void => {
    diagnostics.push({ code, assignmentId, date: o === null ? null : dates[o]!, detail });
  };
  const adjust = (a: AssignmentRun, o: number, count: number, reason: AdjustmentReason): void => {
    adjustments.push({ assignmentId: a.p.id, date: dates[o]!, count, reason });
  };

  const resetArrivals = (a: AssignmentRun): void => {
    a.arrCount = 0;
    a.arrWeightSum = 0;
    a.arrKnownCount = 0;
    a.arrDaysSinceAnchor = -1;
  };

  /** Phase B for one assignment on day o (§5.14 steps 1–6 and 8). */
  const step = (a: AssignmentRun, o: number): void => {
    const p = a.p;
    const outflow = p.outflow[o]!;
    a.hasRow = false;

    // Outside rows: only the outflow part of the day is evaluated (§5.3.3).
    if (o < p.start || o > p.end || a.mode === MODE_GONE) {
      if (o > p.end && a.mode !== MODE_GONE) {
        a.mode = MODE_GONE;
        if (o === p.departure && a.population > 0) {
          // Emptied on its departure date: counts win, the difference is reconciled (§5.3.4).
          const r = a.population - outflow;
          if (r !== 0) {
            adjust(a, o, r, 'TRANSFER_COUNT_RECONCILIATION');
            diag('COUNT_MISMATCH', p.id, o, `population ${a.population}, counted out ${outflow}, difference ${r}`);
          }
          a.population = 0;
          resetArrivals(a);
          return;
        }
        a.population = 0;
      }
      if (outflow > 0) {
        adjust(a, o, -outflow, 'CLAMP');
        diag('OUTFLOW_AFTER_DEPARTURE', p.id, o, `outflow of ${outflow} fish booked against 0 fish`);
      }
      resetArrivals(a);
      return;
    }

    const placed = p.placementCount[o]!;
    const inflow = placed + a.arrCount;
    if (a.mode === MODE_PENDING) {
      a.population = 0;
      if (inflow > 0) a.mode = MODE_ACTIVE;
      else {
        a.mode = MODE_EMPTY;
        diag('NO_OPENING_PLACEMENT', p.id, o, 'no placement or incoming transfer on the first day; opens at 0');
      }
    }

    // Step 1: outflows.
    const p0 = a.population;
    let adj = 0;
    let residents = p0;
    if (outflow > 0) {
      residents = p0 - outflow;
      if (residents < 0) {
        adj = residents;
        residents = 0;
        if (p0 === 0) diag('OUTFLOW_AFTER_DEPARTURE', p.id, o, `outflow of ${outflow} fish booked against 0 fish`);
        else diag('POPULATION_CLAMPED', p.id, o, `outflow ${outflow} exceeds population ${p0}`);
      }
      if (residents === 0 && inflow === 0) {
        const arrivals = p.arrivalDays;
        while (a.arrivalPtr < arrivals.length && arrivals[a.arrivalPtr]! <= o) a.arrivalPtr++;
        if (a.arrivalPtr < arrivals.length) {
          a.mode = MODE_EMPTY; // provisional departure: fish arrive later (§5.3.3)
        } else {
          a.mode = MODE_GONE;
          a.implicitDepartureDay = o;
          a.population = 0;
          diag('IMPLICIT_DEPARTURE', p.id, o, 'population reached 0 through outflows; no rows from this day');
          if (adj !== 0) adjust(a, o, adj, 'CLAMP');
          resetArrivals(a);
          return;
        }
      }
    }
    if (inflow > 0) a.mode = MODE_ACTIVE;

    a.hasRow = true;
    a.inflow = inflow;
    a.outflow = outflow;
    const temps = containers[p.containerSlot]!.temps;
    const tempC = temps.valueC[o]!;
    if (temps.source[o] === TEMP_DEFAULT) {
      if (a.defaultTempDays === 0) a.firstDefaultTempDay = o;
      a.defaultTempDays++;
    }

    if (a.mode === MODE_EMPTY) {
      // Empty day: weight, stage, n and carry unchanged; only recorded deaths are booked (§5.3.3).
      a.empty = true;
      const actual = p.mortalityActual[o] === 1;
      const deaths = actual ? p.recordedDeaths[o]! : 0;
      if (deaths > 0) {
        adj -= deaths;
        diag('POPULATION_CLAMPED', p.id, o, `${deaths} recorded deaths on a day without fish`);
      }
      if (p.anchorKind[o] !== ANCHOR_NONE) {
        diag('EVENT_OUTSIDE_RANGE', p.id, o, `${ANCHOR_TYPES[p.anchorKind[o]!]} anchor on an empty day not applied`);
      }
      a.mortalityActual = actual;
      a.deaths = deaths;
      a.deadFish = 0;
      a.population = 0;
      a.startWeightG = a.weightG;
      a.growthEndWeightG = a.weightG;
      a.tgcUsed = 0;
      a.anchorKind = ANCHOR_NONE;
      a.weightSource = WEIGHT_UNCHANGED;
      a.calibrated = false;
      a.biomassKg = 0;
      if (adj !== 0) adjust(a, o, adj, 'CLAMP');
      resetArrivals(a);
      return;
    }
    a.empty = false;

    // Step 2: inflows and start-of-day weight (§5.8) and n (§5.12).
    let startWeightG = a.weightG;
    let nStart = a.daysSinceAnchor;
    if (inflow > 0) {
      let num = 0;
      let den = 0;
      let n = -1;
      if (residents > 0 && a.weightKnown) {
        num = residents * a.weightG;
        den = residents;
        n = a.daysSinceAnchor;
      }
      if (placed > 0) {
        num += p.placementWeightSum[o]!;
        den += placed;
        if (n < 0) n = 0;
      }
      if (a.arrKnownCount > 0) {
        num += a.arrWeightSum;
        den += a.arrKnownCount;
        if (a.arrDaysSinceAnchor > n) n = a.arrDaysSinceAnchor;
      }
      if (den > 0) {
        startWeightG = num / den;
        a.weightKnown = true;
      }
      if (n >= 0) nStart = n;
    }

    // Segment of the day (§5.7), calibrated when its first stepping day is reached.
    const segEnd = p.segEnd;
    while (a.segIdx < segEnd.length - 1 && segEnd[a.segIdx]! < o) a.segIdx++;
    if (a.segPlannedFor !== a.segIdx) {
      a.segPlannedFor = a.segIdx;
      planSegmentMode(a, o, startWeightG, temps.valueC, diag);
    }

    // Step 4: weight.
    const stage = a.stageSlot;
    let k: number;
    let tgcUsed: number;
    if (a.segMode === SEG_CALIBRATED) {
      k = a.segK;
      tgcUsed = a.segTgc;
    } else if (a.segMode === SEG_HELD) {
      k = 0;
      tgcUsed = 0;
    } else {
      tgcUsed = stages.tgc[stage]!;
      k = tgcUsed / 1000;
    }
    const stepWeightG = tgcStep(startWeightG, k, tempC);
    const kind = p.anchorKind[o]!;
    let weightG: number;
    if (kind !== ANCHOR_NONE) {
      weightG = p.anchorValue[o]!;
      // On an uncalibrated anchor day growth uses the segment-rule step: jumps are not growth.
      a.growthEndWeightG = a.segMode === SEG_CALIBRATED ? weightG : stepWeightG;
      a.daysSinceAnchor = 0;
      a.weightConfidence = ANCHOR_CONFIDENCE[kind]!;
      a.weightSource = WEIGHT_MEASURED;
      a.calibrated = false;
      a.weightKnown = true;
    } else {
      weightG = stepWeightG;
      a.growthEndWeightG = stepWeightG;
      a.daysSinceAnchor = nStart + 1;
      a.weightConfidence = computedWeightConfidence(a.daysSinceAnchor, temps.confidence[o]!);
      a.weightSource = WEIGHT_COMPUTED;
      a.calibrated = a.segMode === SEG_CALIBRATED;
    }
    a.anchorKind = kind;
    a.startWeightG = startWeightG;
    a.tgcUsed = tgcUsed;

    // Step 5: mortality (§5.9) on base = residents, excluding arrivals.
    const actual = p.mortalityActual[o] === 1;
    let deaths: number;
    if (actual) {
      deaths = p.recordedDeaths[o]!;
    } else {
      const x = residents * stages.mortality[stage]! + a.carry;
      deaths = Math.floor(x + DEATHS_EPSILON);
      a.carry = Math.max(0, x - deaths);
    }
    const available = residents + inflow;
    let population: number;
    let deadFish = deaths;
    if (deaths > available) {
      adj -= deaths - available;
      deadFish = available;
      population = 0;
      diag('POPULATION_CLAMPED', p.id, o, `${deaths} deaths exceed ${available} fish`);
    } else {
      population = available - deaths;
    }
    a.mortalityActual = actual;
    a.deaths = deaths;
    a.deadFish = deadFish;

    // Step 6: population and biomass.
    a.population = population;
    a.weightG = weightG;
    a.biomassKg = (population * weightG) / 1000;

    // Step 8: stage, one step at most, never back (§5.11).
    const maxW = stages.maxWeightG[stage]!;
    if (!Number.isNaN(maxW) && weightG >= maxW && stages.next[stage]! >= 0) a.stageSlot = stages.next[stage]!;

    if (adj !== 0) adjust(a, o, adj, 'CLAMP');
    resetArrivals(a);
  };

  for (let o = 0; o < length; o++) {
    // Phase A: arrivals from the sources' state at the end of o − 1 (or of their last row).
    const transfers = pb.transfersByDay[o];
    if (transfers) {
      for (const t of transfers) {
        const d = runs[t.dest]!;
        const s = runs[t.source]!;
        const n = t.transferredCount;
        d.arrCount += n;
        if (n <= 0) continue;
        if (t.measuredAvgWeightG !== null) {
          // Destinations use the raw measured weight; it counts as an anchor in the lineage (n = 0).
          d.arrWeightSum += n * t.measuredAvgWeightG;
          d.arrKnownCount += n;
          if (d.arrDaysSinceAnchor < 0) d.arrDaysSinceAnchor = 0;
        } else if (s.weightKnown) {
          d.arrWeightSum += n * s.weightG;
          d.arrKnownCount += n;
          if (s.daysSinceAnchor > d.arrDaysSinceAnchor) d.arrDaysSinceAnchor = s.daysSinceAnchor;
        }
      }
    }

    // Phase B: the daily step of every assignment.
    for (const a of runs) step(a, o);

    // Phase C: feed attribution per container (§5.10).
    for (let c = 0; c < nC; c++) {
      pool[c] = containers[c]!.feedKg[o]!;
      totalBiomass[c] = 0;
      head[c] = -1;
      tail[c] = -1;
    }
    for (const a of runs) {
      const linked = a.p.linkedFeedKg[o]!;
      if (a.hasRow && !a.empty) {
        a.feedKg = linked;
        const c = a.p.containerSlot;
        a.nextInContainer = -1;
        if (tail[c]! < 0) head[c] = a.p.slot;
        else runs[tail[c]!]!.nextInContainer = a.p.slot;
        tail[c] = a.p.slot;
        totalBiomass[c] += a.biomassKg;
      } else {
        a.feedKg = 0;
        if (linked !== 0) pool[a.p.containerSlot] += linked;
      }
    }
    for (let c = 0; c < nC; c++) {
      const amount = pool[c]!;
      if (amount === 0) continue;
      const total = totalBiomass[c]!;
      if (total > 0) {
        for (let i = head[c]!; i >= 0; i = runs[i]!.nextInContainer) {
          const a = runs[i]!;
          a.feedKg += amount * (a.biomassKg / total);
        }
      } else {
        diag('UNATTRIBUTED_FEED', null, o, `container ${containers[c]!.id}: ${amount} kg, no fish to attribute to`);
      }
    }

    // Growth, FCR, confidence; round and emit (§5.10, §5.12, §5.13).
    const date = dates[o]!;
    const dayNumber = pb.dayNumberOfFirst + o;
    for (const a of runs) {
      if (!a.hasRow) continue;
      const p = a.p;
      const temps = containers[p.containerSlot]!.temps;
      const tempC = temps.valueC[o]!;
      const tempConfidence = temps.confidence[o]!;
      const growthKg = a.empty ? 0 : growthKgOf(a.population, a.deadFish, a.startWeightG, a.growthEndWeightG);
      const feedKg = a.feedKg;
      const fcr = a.empty ? null : fcrOf(feedKg, growthKg);
      const mortalityConfidence = a.mortalityActual ? 1 : 0.4;
      const weightConfidence = a.weightConfidence;
      const overall = Math.min(weightConfidence, tempConfidence, mortalityConfidence);
      a.rows.push({
        assignmentId: p.id,
        batchId,
        containerId: p.containerId,
        date,
        dayNumber,
        lifecycleStageId: stages.ids[a.stageSlot]!,
        population: a.population,
        inflowCount: a.inflow,
        outflowCount: a.outflow,
        mortalityCount: a.deaths,
        avgWeightG: roundHalfEven(a.weightG, 2),
        biomassKg: roundHalfEven(a.biomassKg, 2),
        tempC: roundHalfEven(tempC, 2),
        feedKg: roundHalfEven(feedKg, 2),
        growthKg: roundHalfEven(growthKg, 2),
        fcr: fcr === null ? null : roundHalfEven(fcr, 3),
        tgcUsed: roundHalfEven(a.tgcUsed, 4),
        anchorType: ANCHOR_TYPES[a.anchorKind]!,
        sources: {
          weight: WEIGHT_SOURCES[a.weightSource]!,
          temp: TEMP_SOURCES[temps.source[o]!]!,
          mortality: a.mortalityActual ? 'actual' : 'model',
          feed: feedKg > 0 ? 'actual' : 'none',
          fcr: fcr === null ? 'insufficient_data' : 'calculated',
          calibrated: a.calibrated,
        },
        confidence: {
          weight: roundHalfEven(weightConfidence, 3),
          temp: roundHalfEven(tempConfidence, 3),
          mortality: mortalityConfidence,
          feed: feedKg > 0 ? 1 : 0,
          fcr: fcr === null ? 0 : 0.9,
          overall: roundHalfEven(overall, 3),
        },
        scenarioId,
        engineVersion,
      });
      if (withTrace) {
        a.traces.push({
          assignmentId: p.id,
          date,
          startWeightG: a.startWeightG,
          weightG: a.weightG,
          growthEndWeightG: a.growthEndWeightG,
          weightKnown: a.weightKnown,
          carry: a.carry,
          daysSinceAnchor: a.daysSinceAnchor,
          tgc: a.tgcUsed,
          tempC,
          biomassKg: a.biomassKg,
          feedKg,
          growthKg,
          empty: a.empty,
        });
      }
    }
  }

  // Events in nominal coverage after an implicit departure found no row (§5.3.3).
  for (const a of runs) {
    const p = a.p;
    if (a.implicitDepartureDay >= 0) {
      for (let o = a.implicitDepartureDay; o <= p.end; o++) {
        const kind = p.anchorKind[o]!;
        if (kind !== ANCHOR_NONE) {
          diag(
            ANCHOR_TYPES[kind] === 'transfer' ? 'ANCHOR_WITHOUT_ROW' : 'EVENT_OUTSIDE_RANGE',
            p.id,
            o,
            `${ANCHOR_TYPES[kind]} anchor after the implicit departure`,
          );
        }
        if (p.mortalityActual[o] === 1 || p.recordedDeaths[o] !== 0) {
          diag('EVENT_OUTSIDE_RANGE', p.id, o, 'recorded mortality after the implicit departure');
        }
      }
    }
    if (a.defaultTempDays > 0) {
      diag(
        'TEMPERATURE_DEFAULT_USED',
        p.id,
        a.firstDefaultTempDay,
        `10 °C default used on ${a.defaultTempDays} day(s) from this date`,
      );
    }
  }

  const rows: DailyAssignmentStateRow[] = [];
  for (const a of runs) for (const r of a.rows) rows.push(r);
  adjustments.sort(
    (x, y) => x.assignmentId - y.assignmentId || cmpStr(x.date, y.date) || cmpStr(x.reason, y.reason),
  );
  diagnostics.sort(compareDiagnostics);

  const flows: BatchFlowDay[] = [];
  for (let o = 0; o < length; o++) {
    const placementCount = pb.placementsPerDay[o]!;
    const harvestCount = pb.harvestsPerDay[o]!;
    const transferMortalityCount = pb.transferMortalityPerDay[o]!;
    if (placementCount !== 0 || harvestCount !== 0 || transferMortalityCount !== 0) {
      flows.push({ date: dates[o]!, placementCount, harvestCount, transferMortalityCount });
    }
  }
  const stageOrder = new Map<number, number>();
  stages.ids.forEach((id, i) => stageOrder.set(id, stages.orders[i]!));
  const batchDaily = aggregateBatchDaily({
    batchId,
    startDate: inputs.batch.startDate,
    rows,
    adjustments,
    flows,
    stageOrder,
  });

  const result: EngineResult = { rows, batchDaily, adjustments, diagnostics };
  if (withTrace) {
    const trace: RowTrace[] = [];
    for (const a of runs) for (const t of a.traces) trace.push(t);
    result.trace = trace;
  }
  return result;
}

/**
 * Chooses the weight rule of the segment containing day o, from the start weight of its first
 * stepping day (§5.7): calibrated k_eff, held (negative) or model TGC (projection / out of range).
 */
function planSegmentMode(
  a: AssignmentRun,
  o: number,
  startWeightG: number,
  tempC: Float64Array,
  diag: (code: DiagnosticCode, assignmentId: number | null, o: number | null, detail: string) => void,
): void {
  const p = a.p;
  const i = a.segIdx;
  const end = p.segEnd[i]!;
  a.segMode = SEG_MODEL;
  a.segK = 0;
  a.segTgc = 0;
  if (p.anchorKind[end] === ANCHOR_NONE) return; // projection
  let tempSum: number;
  if (o === p.segStart[i]) {
    tempSum = p.segTempSum[i]!;
  } else {
    // The segment's first days did not step (cannot happen with planned starts; kept for safety).
    tempSum = 0;
    for (let d = o; d <= end; d++) {
      const t = tempC[d]!;
      tempSum += t > 0 ? t : 0;
    }
  }
  const targetG = p.anchorValue[end]!;
  if (tempSum > 0) {
    const k = (Math.cbrt(targetG) - Math.cbrt(startWeightG)) / tempSum;
    const tgc = 1000 * k;
    if (tgc >= 0 && tgc <= 10) {
      a.segMode = SEG_CALIBRATED;
      a.segK = k;
      a.segTgc = tgc;
      return;
    }
    if (tgc < 0) {
      a.segMode = SEG_HELD;
      diag('NEGATIVE_SEGMENT', p.id, end, `TGC_eff ${roundHalfEven(tgc, 2)}: anchor ${targetG} g below start ${roundHalfEven(startWeightG, 2)} g, weight held`);
      return;
    }
    diag(
      'CALIBRATION_OUT_OF_RANGE',
      p.id,
      end,
      `TGC_eff ${roundHalfEven(tgc, 2)} above 10: model TGC, jump on the anchor day`,
    );
    return;
  }
  diag('CALIBRATION_OUT_OF_RANGE', p.id, end, 'no thermal sum in the segment: model TGC, jump on the anchor day');
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDiagnostics(x: Diagnostic, y: Diagnostic): number {
  if (x.date !== y.date) {
    if (x.date === null) return -1;
    if (y.date === null) return 1;
    return cmpStr(x.date, y.date);
  }
  if (x.assignmentId !== y.assignmentId) {
    if (x.assignmentId === null) return -1;
    if (y.assignmentId === null) return 1;
    return x.assignmentId - y.assignmentId;
  }
  return cmpStr(x.code, y.code) || cmpStr(x.detail, y.detail);
}
