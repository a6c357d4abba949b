/**
 * Indexes the plain engine inputs once into dense per-assignment and per-container arrays by day
 * offset, validates transfers (§5.1), places events in coverage (§5.2), resolves anchors (§5.6),
 * temperatures (§5.4) and plans weight segments (§5.7). Everything here is O(inputs + days ×
 * assignments); the daily loop then reads arrays only.
 *
 * Inputs are canonicalised first (sorted, float sums order-independent) so that the result does not
 * depend on the order of input arrays.
 */
import { dateOf, dayIndex } from './dates.js';
import { buildStageTable, type StageTable } from './params.js';
import {
  resolveContainerTemperatures,
  TEMP_WINDOW_DAYS,
  TemperatureProfile,
  type ResolvedTemperatures,
} from './temperature.js';
import {
  EngineError,
  type AnchorType,
  type Diagnostic,
  type DiagnosticCode,
  type EngineInputs,
  type ScenarioInput,
  type SelectionMethod,
  type TransferInput,
} from './types.js';

/** Anchor kinds, by precedence (lower wins). */
export const ANCHOR_NONE = 0;
export const ANCHOR_SAMPLE = 1;
export const ANCHOR_TRANSFER = 2;
export const ANCHOR_TREATMENT = 3;
export const ANCHOR_TYPES: readonly (AnchorType | null)[] = [null, 'growth_sample', 'transfer', 'treatment'];
export const ANCHOR_CONFIDENCE: readonly number[] = [0, 1.0, 0.95, 0.9];

/** Selection bias factors for transfers that leave fish in the source (§5.6). */
export const SELECTION_FACTOR: Readonly<Record<SelectionMethod, number>> = {
  AVERAGE: 1.0,
  LARGEST: 0.88,
  SMALLEST: 1.12,
};

/** A valid transfer executed inside the computed range. */
export interface PreparedTransfer {
  id: number;
  source: number; // assignment slot
  dest: number; // assignment slot
  day: number;
  transferredCount: number;
  measuredAvgWeightG: number | null;
}

export interface PreparedAssignment {
  slot: number;
  id: number;
  containerId: number;
  containerSlot: number;
  stageSlot: number;
  /** Day offsets: first day, departure day (NaN when open) and nominal coverage end. */
  start: number;
  departure: number;
  end: number;
  /** Outgoing fish per day (transfers incl. transfer mortality, harvests), any day of the range. */
  outflow: Int32Array;
  placementCount: Int32Array;
  /** Σ count·avgWeightG of the day's placements. */
  placementWeightSum: Float64Array;
  recordedDeaths: Int32Array;
  /** 1 when deaths are recorded (> 0) or reported for the day. */
  mortalityActual: Uint8Array;
  linkedFeedKg: Float64Array;
  anchorKind: Uint8Array;
  anchorValue: Float64Array;
  /** Sorted days in nominal coverage with an arrival of count > 0. */
  arrivalDays: number[];
  /** Planned weight segments (§5.7) over nominal coverage: [segStart[i], segEnd[i]]. */
  segStart: number[];
  segEnd: number[];
  /** Σ max(T, 0) over each segment. */
  segTempSum: number[];
}

export interface PreparedContainer {
  id: number;
  temps: ResolvedTemperatures;
  /** Unlinked feed per day. */
  feedKg: Float64Array;
}

export interface PreparedBatch {
  batchId: number;
  scenario: ScenarioInput;
  /** Day index (since epoch) of day offset 0. */
  base: number;
  /** Number of computed days: offsets 0 … length − 1, the last one being asOf. */
  length: number;
  /** Batch day number of offset 0. */
  dayNumberOfFirst: number;
  dates: string[];
  stages: StageTable;
  assignments: PreparedAssignment[];
  containers: PreparedContainer[];
  /** Valid transfers by execution day offset, sorted by id. */
  transfersByDay: (PreparedTransfer[] | undefined)[];
  placementsPerDay: Int32Array;
  harvestsPerDay: Int32Array;
  transferMortalityPerDay: Int32Array;
  diagnostics: Diagnostic[];
}

type DiagSink = (code: DiagnosticCode, assignmentId: number | null, date: string | null, detail: string) => void;

/** Order-independent per-key float sums: sums of ≥ 3 terms are re-added in sorted order. */
class KeyedSum {
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  private readonly multi = new Map<number, number[]>();

  constructor(size: number) {
    this.sum = new Float64Array(size);
    this.count = new Uint32Array(size);
  }

  add(key: number, v: number): void {
    const c = this.count[key]!;
    this.count[key] = c + 1;
    if (c === 0) {
      this.sum[key] = v;
      return;
    }
    const list = this.multi.get(key);
    if (list) list.push(v);
    else this.multi.set(key, [this.sum[key]!, v]);
    this.sum[key] += v;
  }

  /** Re-adds keys with three or more terms in ascending order (float addition is not associative). */
  finish(): void {
    for (const [key, list] of this.multi) {
      if (list.length < 3) continue;
      list.sort((a, b) => a - b);
      let s = 0;
      for (const v of list) s += v;
      this.sum[key] = s;
    }
  }
}

function byKeys<T>(...keys: ((x: T) => number | string | null)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const va = k(a);
      const vb = k(b);
      if (va === vb) continue;
      if (va === null) return -1;
      if (vb === null) return 1;
      return va < vb ? -1 : 1;
    }
    return 0;
  };
}

/**
 * Indexes `inputs` for a run up to `asOf`. Throws `NO_SCENARIO` when no scenario is resolved and
 * `INVALID_INPUT` on malformed dates or duplicate assignment ids.
 */
export function prepareBatch(inputs: EngineInputs, asOf: string): PreparedBatch {
  const { batch } = inputs;
  if (batch.scenarioId === null || inputs.scenario === null) {
    throw new EngineError('NO_SCENARIO', `batch ${batch.id} has no scenario (nor a species default)`);
  }
  const scenario = inputs.scenario;
  if (scenario.id !== batch.scenarioId) {
    throw new EngineError(
      'INVALID_INPUT',
      `scenario ${scenario.id} does not match the batch's resolved scenario ${batch.scenarioId}`,
    );
  }
  const diagnostics: Diagnostic[] = [];
  const diag: DiagSink = (code, assignmentId, date, detail) => {
    diagnostics.push({ code, assignmentId, date, detail });
  };

  const asOfIdx = dayIndex(asOf);
  const batchStartIdx = dayIndex(batch.startDate);

  const assignmentsSorted = [...inputs.assignments].sort((a, b) => a.id - b.id);
  for (let i = 1; i < assignmentsSorted.length; i++) {
    if (assignmentsSorted[i]!.id === assignmentsSorted[i - 1]!.id) {
      throw new EngineError('INVALID_INPUT', `duplicate assignment id ${assignmentsSorted[i]!.id}`);
    }
  }
  const slotOfAssignment = new Map<number, number>();
  assignmentsSorted.forEach((a, i) => slotOfAssignment.set(a.id, i));

  // The computed range starts at the earliest day anything can be booked: the batch start, an
  // assignment start, or a harvest (an outflow is booked even before its assignment's start).
  let base = batchStartIdx;
  for (const a of assignmentsSorted) base = Math.min(base, dayIndex(a.assignmentDate));
  for (const h of inputs.harvests) {
    if (!slotOfAssignment.has(h.assignmentId)) continue;
    const d = dayIndex(h.harvestDate);
    if (d <= asOfIdx) base = Math.min(base, d);
  }
  const length = Math.max(0, asOfIdx - base + 1);
  const dayNumberOfFirst = base - batchStartIdx + 1;
  const dates: string[] = new Array<string>(length);
  for (let o = 0; o < length; o++) dates[o] = dateOf(base + o);
  const dateAt = (o: number): string => (o >= 0 && o < length ? dates[o]! : dateOf(base + o));

  // Stages.
  const stages = buildStageTable(
    inputs.stages,
    scenario,
    inputs.stageParameters,
    assignmentsSorted.map((a) => a.lifecycleStageId),
  );

  // Containers hosting assignments.
  const containerIds = [...new Set(assignmentsSorted.map((a) => a.containerId))].sort((a, b) => a - b);
  const containerSlot = new Map<number, number>();
  containerIds.forEach((id, i) => containerSlot.set(id, i));
  const nC = containerIds.length;

  // Temperatures: daily means over [base − 7, asOf + 7]; duplicates averaged order-independently.
  const tLen = length + 2 * TEMP_WINDOW_DAYS;
  const tempSum = new KeyedSum(Math.max(0, nC * tLen));
  for (const t of inputs.temperatures) {
    const c = containerSlot.get(t.containerId);
    if (c === undefined) continue;
    const o = dayIndex(t.date) - base + TEMP_WINDOW_DAYS;
    if (o < 0 || o >= tLen) continue;
    tempSum.add(c * tLen + o, t.avgC);
  }
  tempSum.finish();
  const profile = new TemperatureProfile(inputs.temperatureProfileDays);
  const containers: PreparedContainer[] = containerIds.map((id, c) => {
    const measured = new Float64Array(tLen);
    for (let i = 0; i < tLen; i++) {
      const k = c * tLen + i;
      const n = tempSum.count[k]!;
      measured[i] = n === 0 ? Number.NaN : n === 1 ? tempSum.sum[k]! : tempSum.sum[k]! / n;
    }
    return {
      id,
      temps: resolveContainerTemperatures(measured, length, profile, dayNumberOfFirst),
      feedKg: new Float64Array(length),
    };
  });

  // Unlinked feed.
  const containerFeed = new KeyedSum(nC * length);
  for (const f of inputs.feedByContainer) {
    const d = dayIndex(f.date);
    if (d > asOfIdx) continue;
    const c = containerSlot.get(f.containerId);
    const o = d - base;
    if (c === undefined || o < 0) {
      if (f.amountKg !== 0) {
        diag('UNATTRIBUTED_FEED', null, f.date, `container ${f.containerId}: ${f.amountKg} kg, no assignment`);
      }
      continue;
    }
    containerFeed.add(c * length + o, f.amountKg);
  }
  containerFeed.finish();
  for (let c = 0; c < nC; c++) containers[c]!.feedKg.set(containerFeed.sum.subarray(c * length, (c + 1) * length));

  // Assignments.
  const assignments: PreparedAssignment[] = assignmentsSorted.map((a, slot) => {
    const start = dayIndex(a.assignmentDate) - base;
    const departure = a.departureDate === null ? Number.NaN : dayIndex(a.departureDate) - base;
    const lastOffset = length - 1;
    const end = Number.isNaN(departure) ? lastOffset : Math.min(departure - 1, lastOffset);
    return {
      slot,
      id: a.id,
      containerId: a.containerId,
      containerSlot: containerSlot.get(a.containerId)!,
      stageSlot: stages.slotOf.get(a.lifecycleStageId)!,
      start,
      departure,
      end,
      outflow: new Int32Array(length),
      placementCount: new Int32Array(length),
      placementWeightSum: new Float64Array(length),
      recordedDeaths: new Int32Array(length),
      mortalityActual: new Uint8Array(length),
      linkedFeedKg: new Float64Array(length),
      anchorKind: new Uint8Array(length),
      anchorValue: new Float64Array(length),
      arrivalDays: [],
      segStart: [],
      segEnd: [],
      segTempSum: [],
    };
  });
  const inCoverage = (a: PreparedAssignment, o: number): boolean => o >= a.start && o <= a.end;
  const arrivalSets: Set<number>[] = assignments.map(() => new Set<number>());

  const placementsPerDay = new Int32Array(length);
  const harvestsPerDay = new Int32Array(length);
  const transferMortalityPerDay = new Int32Array(length);

  // Placements (count·weight sums in canonical order).
  const placements = [...inputs.placements].sort(
    byKeys(
      (p) => p.assignmentId,
      (p) => p.placementDate,
      (p) => p.count,
      (p) => p.avgWeightG,
    ),
  );
  for (const p of placements) {
    const slot = slotOfAssignment.get(p.assignmentId);
    const o = dayIndex(p.placementDate) - base;
    if (slot === undefined || !inCoverage(assignments[slot]!, o)) {
      diag('EVENT_OUTSIDE_RANGE', p.assignmentId, p.placementDate, `placement of ${p.count} fish outside coverage`);
      continue;
    }
    const a = assignments[slot]!;
    a.placementCount[o] += p.count;
    a.placementWeightSum[o] += p.count * p.avgWeightG;
    placementsPerDay[o] += p.count;
    if (p.count > 0) arrivalSets[slot]!.add(o);
  }

  // Transfers (§5.1): validate, book flows, collect source anchors on D − 1.
  const transfersByDay: (PreparedTransfer[] | undefined)[] = new Array<PreparedTransfer[] | undefined>(length);
  const transferAnchors = new Map<number, { weightSum: number; n: number; valueSum: number; k: number }>();
  const transfers = [...inputs.transfers].sort(
    byKeys<TransferInput>(
      (t) => t.id,
      (t) => t.executionDate,
      (t) => t.sourceAssignmentId,
      (t) => t.destAssignmentId,
    ),
  );
  for (const t of transfers) {
    const src = slotOfAssignment.get(t.sourceAssignmentId);
    const dst = slotOfAssignment.get(t.destAssignmentId);
    const day = dayIndex(t.executionDate) - base;
    if (src === undefined || dst === undefined || src === dst) {
      diag('INVALID_TRANSFER', t.sourceAssignmentId, t.executionDate, `transfer ${t.id}: unknown or identical assignments`);
      continue;
    }
    const d = assignments[dst]!;
    const s = assignments[src]!;
    const future = day > length - 1;
    const destOk = day >= d.start && (Number.isNaN(d.departure) || day < d.departure);
    if (!destOk) {
      diag(
        'INVALID_TRANSFER',
        t.sourceAssignmentId,
        t.executionDate,
        `transfer ${t.id}: outside the coverage of destination ${t.destAssignmentId}`,
      );
      continue;
    }
    if (future) {
      diag('EVENT_OUTSIDE_RANGE', t.sourceAssignmentId, t.executionDate, `transfer ${t.id} after asOf`);
    } else {
      s.outflow[day] += t.transferredCount + t.mortalityDuringTransfer;
      transferMortalityPerDay[day] += t.mortalityDuringTransfer;
      if (t.transferredCount > 0) arrivalSets[dst]!.add(day);
      let list = transfersByDay[day];
      if (!list) transfersByDay[day] = list = [];
      list.push({
        id: t.id,
        source: src,
        dest: dst,
        day,
        transferredCount: t.transferredCount,
        measuredAvgWeightG: t.measuredAvgWeightG,
      });
    }
    if (t.measuredAvgWeightG !== null) {
      const anchorDay = day - 1;
      if (!inCoverage(s, anchorDay)) {
        diag('ANCHOR_WITHOUT_ROW', t.sourceAssignmentId, dateAt(anchorDay), `transfer ${t.id}: no source row on D − 1`);
        continue;
      }
      // A transfer on the source's departure date moves the whole population: no selection bias.
      const factor = day === s.departure ? 1.0 : SELECTION_FACTOR[t.selectionMethod];
      const w = t.measuredSampleSize ?? t.transferredCount;
      const key = src * length + anchorDay;
      const acc = transferAnchors.get(key) ?? { weightSum: 0, n: 0, valueSum: 0, k: 0 };
      acc.weightSum += w * t.measuredAvgWeightG * factor;
      acc.n += w;
      acc.valueSum += t.measuredAvgWeightG * factor;
      acc.k += 1;
      transferAnchors.set(key, acc);
    }
  }

  // Harvests: outflows booked on any day up to asOf (§5.2).
  for (const h of [...inputs.harvests].sort(byKeys((h) => h.assignmentId, (h) => h.harvestDate, (h) => h.count))) {
    const slot = slotOfAssignment.get(h.assignmentId);
    const o = dayIndex(h.harvestDate) - base;
    if (slot === undefined || o > length - 1 || o < 0) {
      diag('EVENT_OUTSIDE_RANGE', h.assignmentId, h.harvestDate, `harvest of ${h.count} fish not booked`);
      continue;
    }
    assignments[slot]!.outflow[o] += h.count;
    harvestsPerDay[o] += h.count;
  }

  // Weighed anchors: growth samples and weighed treatments, Σ(n·W)/Σn per day.
  const weighed = (
    list: readonly { assignmentId: number; date: string; w: number; n: number }[],
    kind: number,
    label: string,
  ): void => {
    const acc = new Map<number, { ws: number; n: number; vs: number; k: number }>();
    const sorted = [...list].sort(byKeys((x) => x.assignmentId, (x) => x.date, (x) => x.w, (x) => x.n));
    for (const x of sorted) {
      const slot = slotOfAssignment.get(x.assignmentId);
      const o = dayIndex(x.date) - base;
      if (slot === undefined || !inCoverage(assignments[slot]!, o)) {
        diag('EVENT_OUTSIDE_RANGE', x.assignmentId, x.date, `${label} outside coverage`);
        continue;
      }
      const key = slot * length + o;
      const e = acc.get(key) ?? { ws: 0, n: 0, vs: 0, k: 0 };
      e.ws += x.n * x.w;
      e.n += x.n;
      e.vs += x.w;
      e.k += 1;
      acc.set(key, e);
    }
    for (const [key, e] of acc) {
      const a = assignments[Math.floor(key / length)]!;
      const o = key % length;
      const value = e.n > 0 ? e.ws / e.n : e.vs / e.k;
      if (a.anchorKind[o] === ANCHOR_NONE || a.anchorKind[o]! > kind) {
        a.anchorKind[o] = kind;
        a.anchorValue[o] = value;
      }
    }
  };
  weighed(
    inputs.growthSamples.map((s) => ({ assignmentId: s.assignmentId, date: s.sampleDate, w: s.avgWeightG, n: s.sampleSize })),
    ANCHOR_SAMPLE,
    'growth sample',
  );
  for (const [key, e] of transferAnchors) {
    const a = assignments[Math.floor(key / length)]!;
    const o = key % length;
    if (a.anchorKind[o] === ANCHOR_NONE || a.anchorKind[o]! > ANCHOR_TRANSFER) {
      a.anchorKind[o] = ANCHOR_TRANSFER;
      a.anchorValue[o] = e.n > 0 ? e.weightSum / e.n : e.valueSum / e.k;
    }
  }
  weighed(
    inputs.weighedTreatments.map((t) => ({
      assignmentId: t.assignmentId,
      date: t.treatmentDate,
      w: t.avgWeightG,
      n: t.weighedCount,
    })),
    ANCHOR_TREATMENT,
    'weighed treatment',
  );

  // Recorded mortality and reports.
  for (const m of inputs.mortalitySums) {
    const slot = slotOfAssignment.get(m.assignmentId);
    const o = dayIndex(m.date) - base;
    if (slot === undefined || !inCoverage(assignments[slot]!, o)) {
      if (m.count !== 0) diag('EVENT_OUTSIDE_RANGE', m.assignmentId, m.date, `${m.count} recorded deaths outside coverage`);
      continue;
    }
    const a = assignments[slot]!;
    a.recordedDeaths[o] += m.count;
    if (m.count > 0) a.mortalityActual[o] = 1;
  }
  for (const r of inputs.mortalityReports) {
    const slot = slotOfAssignment.get(r.assignmentId);
    const o = dayIndex(r.date) - base;
    if (slot === undefined || !inCoverage(assignments[slot]!, o)) {
      diag('EVENT_OUTSIDE_RANGE', r.assignmentId, r.date, 'mortality report outside coverage');
      continue;
    }
    assignments[slot]!.mortalityActual[o] = 1;
  }

  // Linked feed (attribution itself happens per day: §5.10).
  const nA = assignments.length;
  const linked = new KeyedSum(nA * length);
  for (const f of inputs.feedByAssignment) {
    const d = dayIndex(f.date);
    if (d > asOfIdx) continue;
    const slot = slotOfAssignment.get(f.assignmentId);
    const o = d - base;
    if (slot === undefined || o < 0) {
      if (f.amountKg !== 0) {
        diag('UNATTRIBUTED_FEED', f.assignmentId, f.date, `${f.amountKg} kg linked to an assignment without rows`);
      }
      continue;
    }
    linked.add(slot * length + o, f.amountKg);
  }
  linked.finish();
  for (const a of assignments) a.linkedFeedKg.set(linked.sum.subarray(a.slot * length, (a.slot + 1) * length));

  // Segment planning on the nominal coverage (§5.7).
  for (const a of assignments) {
    a.arrivalDays = [...arrivalSets[a.slot]!].sort((x, y) => x - y);
    planSegments(a, containers[a.containerSlot]!.temps.valueC);
  }

  return {
    batchId: batch.id,
    scenario,
    base,
    length,
    dayNumberOfFirst,
    dates,
    stages,
    assignments,
    containers,
    transfersByDay,
    placementsPerDay,
    harvestsPerDay,
    transferMortalityPerDay,
    diagnostics,
  };
}

/**
 * Segments start at the first day, the day after each anchor day and each arrival day; each ends
 * on the next anchor day, before the next start, or at the end of nominal coverage (§5.7).
 */
function planSegments(a: PreparedAssignment, tempC: Float64Array): void {
  if (a.end < a.start) return;
  const n = a.end - a.start + 1;
  const isStart = new Uint8Array(n);
  isStart[0] = 1;
  for (const d of a.arrivalDays) isStart[d - a.start] = 1;
  for (let o = a.start; o < a.end; o++) {
    if (a.anchorKind[o] !== ANCHOR_NONE) isStart[o + 1 - a.start] = 1;
  }
  let s = a.start;
  let sum = 0;
  for (let o = a.start; o <= a.end; o++) {
    const t = tempC[o]!;
    sum += t > 0 ? t : 0;
    if (o === a.end || isStart[o + 1 - a.start] === 1) {
      a.segStart.push(s);
      a.segEnd.push(o);
      a.segTempSum.push(sum);
      s = o + 1;
      sum = 0;
    }
  }
}
