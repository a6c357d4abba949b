/**
 * Input builders for the engine's unit tests: a batch starting 2024-01-01 (day 1), a scenario,
 * a stage table and helpers to address days by number. Test support only; not used by the engine.
 */
import { addDays } from './dates.js';
import type {
  AssignmentInput,
  EngineInputs,
  LifecycleStageInput,
  ScenarioInput,
  TransferInput,
} from './types.js';

export const START = '2024-01-01';

/** Date of batch day number `n` (day 1 = 2024-01-01). */
export function day(n: number): string {
  return addDays(START, n - 1);
}

export interface FixtureOptions {
  tgc?: number;
  mortalityPct?: number;
  mortalityFrequency?: 'DAILY' | 'WEEKLY';
  stages?: LifecycleStageInput[];
}

/** A stage with the given model parameters and no max weight. */
export function stage(id: number, order: number, tgc: number | null, mortalityPct: number | null, maxWeightG: number | null = null): LifecycleStageInput {
  return { id, order, maxWeightG, defaultTgc: tgc, defaultDailyMortalityPct: mortalityPct };
}

/** Empty inputs with one scenario and (by default) one stage (id 1) carrying the model parameters. */
export function baseInputs(opts: FixtureOptions = {}): EngineInputs {
  const scenario: ScenarioInput = {
    id: 7,
    baseTgc: opts.tgc ?? 2.75,
    baseMortalityRatePct: opts.mortalityPct ?? 0,
    baseMortalityFrequency: opts.mortalityFrequency ?? 'DAILY',
  };
  return {
    batch: { id: 1, startDate: START, scenarioId: 7 },
    stages: opts.stages ?? [stage(1, 1, null, null)],
    scenario,
    stageParameters: [],
    temperatureProfileDays: [],
    assignments: [],
    placements: [],
    transfers: [],
    harvests: [],
    growthSamples: [],
    weighedTreatments: [],
    mortalitySums: [],
    mortalityReports: [],
    feedByContainer: [],
    feedByAssignment: [],
    temperatures: [],
  };
}

/** An assignment in container `containerId` (default: its own id + 100) from day `from` (to `until`, exclusive). */
export function assignment(id: number, from: number, until: number | null = null, stageId = 1, containerId = id + 100): AssignmentInput {
  return {
    id,
    containerId,
    lifecycleStageId: stageId,
    assignmentDate: day(from),
    departureDate: until === null ? null : day(until),
  };
}

/** Daily temperature readings for a container over day numbers [from, to]. */
export function dailyTemps(containerId: number, from: number, to: number, avgC: number | ((d: number) => number)): EngineInputs['temperatures'] {
  const out: { containerId: number; date: string; avgC: number }[] = [];
  for (let d = from; d <= to; d++) out.push({ containerId, date: day(d), avgC: typeof avgC === 'number' ? avgC : avgC(d) });
  return out;
}

/** Rows of one assignment, by day number. */
export function rowsOf<T extends { assignmentId: number; dayNumber: number }>(rows: readonly T[], assignmentId: number): T[] {
  return rows.filter((r) => r.assignmentId === assignmentId);
}

/** The row of one assignment on day number `n`, or undefined. */
export function rowOn<T extends { assignmentId: number; dayNumber: number }>(rows: readonly T[], assignmentId: number, n: number): T | undefined {
  return rows.find((r) => r.assignmentId === assignmentId && r.dayNumber === n);
}

/** The trace entry of one assignment on day number `n`. */
export function traceOn<T extends { assignmentId: number; date: string }>(trace: readonly T[] | undefined, assignmentId: number, n: number): T | undefined {
  const date = day(n);
  return trace?.find((t) => t.assignmentId === assignmentId && t.date === date);
}

/** A COMPLETED transfer on day number `n` (measured sample size 30 when a weight is given). */
export function transfer(
  id: number,
  source: number,
  dest: number,
  n: number,
  count: number,
  opts: Partial<Pick<TransferInput, 'mortalityDuringTransfer' | 'measuredAvgWeightG' | 'selectionMethod'>> = {},
): TransferInput {
  return {
    id,
    sourceAssignmentId: source,
    destAssignmentId: dest,
    executionDate: day(n),
    transferredCount: count,
    mortalityDuringTransfer: opts.mortalityDuringTransfer ?? 0,
    measuredAvgWeightG: opts.measuredAvgWeightG ?? null,
    measuredSampleSize: opts.measuredAvgWeightG == null ? null : 30,
    selectionMethod: opts.selectionMethod ?? 'AVERAGE',
  };
}

/** Daily 10 °C (or `tempC`) readings for every container of the inputs over days 1..`to`. */
export function withTemps(inputs: EngineInputs, to: number, tempC = 10): void {
  const containers = [...new Set(inputs.assignments.map((a) => a.containerId))];
  inputs.temperatures = containers.flatMap((c) => dailyTemps(c, 1, to, tempC));
}

/** A8: 10,000 fish at 100.0 g, TGC 2.75, 10 °C, no mortality, samples on days 5 (A7) and 15. */
export function a8Inputs(): EngineInputs {
  const inputs = baseInputs({ tgc: 2.75, mortalityPct: 0 });
  inputs.assignments = [assignment(1, 1)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 10_000, avgWeightG: 100 }];
  inputs.temperatures = dailyTemps(101, 1, 30, 10);
  inputs.growthSamples = [
    { assignmentId: 1, sampleDate: day(5), avgWeightG: 111.0, sampleSize: 30 },
    { assignmentId: 1, sampleDate: day(5), avgWeightG: 113.0, sampleSize: 10 },
    { assignmentId: 1, sampleDate: day(15), avgWeightG: 130.0, sampleSize: 40 },
  ];
  return inputs;
}

/**
 * A27: A (1) and C (3) open on day 1; on day 5 A sends 400 fish to new B (2, measured 12.0 g) and
 * harvests 600; feed linked to A on day 6, a sample of A on day 7; optionally 2,000 fish arrive in A
 * on day 9 (from C at a measured 50.0 g, or as a placement).
 */
export function a27Inputs(withArrival: boolean, asPlacement = false): EngineInputs {
  const inputs = baseInputs({ tgc: 2.75, mortalityPct: 0 });
  inputs.assignments = [assignment(1, 1), assignment(2, 5), assignment(3, 1)];
  inputs.placements = [
    { assignmentId: 1, placementDate: day(1), count: 1_000, avgWeightG: 10 },
    { assignmentId: 3, placementDate: day(1), count: 5_000, avgWeightG: 45 },
  ];
  inputs.transfers = [transfer(1, 1, 2, 5, 400, { measuredAvgWeightG: 12.0 })];
  inputs.harvests = [{ assignmentId: 1, harvestDate: day(5), count: 600 }];
  inputs.feedByAssignment = [{ assignmentId: 1, date: day(6), amountKg: 2.0 }];
  inputs.growthSamples = [{ assignmentId: 1, sampleDate: day(7), avgWeightG: 13.0, sampleSize: 30 }];
  if (withArrival) {
    if (asPlacement) {
      inputs.placements = [...inputs.placements, { assignmentId: 1, placementDate: day(9), count: 2_000, avgWeightG: 50 }];
    } else {
      inputs.transfers = [...inputs.transfers, transfer(2, 3, 1, 9, 2_000, { measuredAvgWeightG: 50.0 })];
    }
  }
  withTemps(inputs, 12);
  return inputs;
}

/** A deterministic pseudo-random sequence in [0, 1) (LCG); tests never use Math.random. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export interface SyntheticBatch {
  inputs: EngineInputs;
  asOf: string;
  /** Expected number of rows (Σ coverage lengths). */
  expectedRows: number;
  /** End-of-day population per assignment on its last row, as tracked by the generator. */
  finalPopulation: Map<number, number>;
}

/**
 * A generated 900-day batch with 65 assignments (~10,000 rows): 10 egg trays → 10 Fry → 10 Parr →
 * 10 Smolt → 10 Post-smolt tanks (90 days each), each emptied by a 1:1 transfer, then 10 Post-smolt
 * tanks split into 15 sea pens harvested from day 750 on. Every container-day has readings, recorded
 * deaths with a MortalityReport and unlinked feed; samples every 30 days, measured transfers and a
 * weighed vaccination. Counts are tracked so that transfers and harvests match populations exactly.
 */
export function syntheticBatch(): SyntheticBatch {
  const rand = lcg(20240101);
  const stages: LifecycleStageInput[] = [
    stage(1, 1, 0, 0.15),
    stage(2, 2, 2.25, 0.05, 6),
    stage(3, 3, 2.75, 0.03, 60),
    stage(4, 4, 2.75, 0.02, 180),
    stage(5, 5, 3.0, 0.02, 500),
    stage(6, 6, 3.1, 0.03),
  ];
  const inputs = baseInputs({ stages, tgc: 2.5, mortalityPct: 0.02 });
  const days = 900;
  interface Plan {
    id: number;
    containerId: number;
    stageId: number;
    from: number;
    until: number | null; // departure day number
  }
  const plans: Plan[] = [];
  for (let s = 0; s < 5; s++) {
    for (let i = 0; i < 10; i++) {
      const id = s * 10 + i + 1;
      plans.push({ id, containerId: id, stageId: s + 1, from: s * 90 + 1, until: (s + 1) * 90 + 1 });
    }
  }
  for (let j = 0; j < 15; j++) {
    plans.push({ id: 51 + j, containerId: 51 + j, stageId: 6, from: 451, until: 750 + 10 * j });
  }
  inputs.assignments = plans.map((p) => ({
    id: p.id,
    containerId: p.containerId,
    lifecycleStageId: p.stageId,
    assignmentDate: day(p.from),
    departureDate: p.until === null ? null : day(p.until),
  }));
  const pop = new Map<number, number>();
  const weight = new Map<number, number>();
  const tgcOf = (stageId: number): number => stages.find((s) => s.id === stageId)!.defaultTgc!;
  const tempOf = (containerId: number, d: number): number =>
    containerId <= 50 ? 12 + 0.5 * Math.sin(d / 7) : 9 + 4 * Math.sin((2 * Math.PI * (d - 100)) / 365);
  let transferId = 1;
  const temps: EngineInputs['temperatures'][number][] = [];
  const feed: EngineInputs['feedByContainer'][number][] = [];
  const sums: EngineInputs['mortalitySums'][number][] = [];
  const reports: EngineInputs['mortalityReports'][number][] = [];
  const samples: EngineInputs['growthSamples'][number][] = [];
  const transfers: TransferInput[] = [];
  const harvests: EngineInputs['harvests'][number][] = [];
  for (let i = 1; i <= 10; i++) {
    inputs.placements = [...inputs.placements, { assignmentId: i, placementDate: day(1), count: 350_000, avgWeightG: 0.1 }];
    pop.set(i, 350_000);
    weight.set(i, 0.1);
  }
  for (let d = 1; d <= days; d++) {
    // Transfers and harvests at the start of the day, from the state at the end of d − 1.
    for (const p of plans) {
      if (p.until !== d) continue;
      const n = pop.get(p.id)!;
      const w = weight.get(p.id)!;
      if (p.id <= 40) {
        const dead = Math.floor(rand() * 20);
        transfers.push(mkTransfer(transferId++, p.id, p.id + 10, d, n - dead, dead, roundTo2(w * (1 + (rand() - 0.5) * 0.04))));
        pop.set(p.id + 10, n - dead);
        weight.set(p.id + 10, w);
      } else if (p.id <= 50) {
        const i = p.id - 41;
        const half = Math.floor(n / 2);
        const pens = i < 5 ? [51 + i, 61 + i] : [51 + i, 51 + i - 5];
        transfers.push(mkTransfer(transferId++, p.id, pens[0]!, d, half, 0, null));
        transfers.push(mkTransfer(transferId++, p.id, pens[1]!, d, n - half, 0, roundTo2(w)));
        for (const [pen, count] of [
          [pens[0]!, half],
          [pens[1]!, n - half],
        ] as const) {
          const before = pop.get(pen) ?? 0;
          const wb = weight.get(pen) ?? w;
          pop.set(pen, before + count);
          weight.set(pen, (before * wb + count * w) / (before + count));
        }
      } else {
        harvests.push({ assignmentId: p.id, harvestDate: day(d), count: n });
      }
      pop.set(p.id, 0);
    }
    for (const p of plans) {
      if (d < p.from || (p.until !== null && d >= p.until)) continue;
      const t = tempOf(p.containerId, d);
      temps.push({ containerId: p.containerId, date: day(d), avgC: Math.round(t * 100) / 100 });
      const n = pop.get(p.id)!;
      const rate = (stages.find((s) => s.id === p.stageId)!.defaultDailyMortalityPct ?? 0) / 100;
      const deaths = Math.min(n, Math.floor(n * rate * (0.5 + rand())));
      if (deaths > 0) sums.push({ assignmentId: p.id, date: day(d), count: deaths });
      reports.push({ assignmentId: p.id, date: day(d) });
      pop.set(p.id, n - deaths);
      const w0 = weight.get(p.id)!;
      const c = Math.cbrt(w0) + (tgcOf(p.stageId) / 1000) * Math.max(0, t);
      const w = c * c * c;
      weight.set(p.id, w);
      if (p.stageId > 1) feed.push({ containerId: p.containerId, date: day(d), amountKg: roundTo2(((n - deaths) * w * 0.012) / 1000) });
      if ((d - p.from) % 30 === 29) {
        samples.push({ assignmentId: p.id, sampleDate: day(d), avgWeightG: roundTo2(w * (1 + (rand() - 0.5) * 0.06)), sampleSize: 30 });
      }
    }
  }
  inputs.transfers = transfers;
  inputs.harvests = harvests;
  inputs.temperatures = temps;
  inputs.feedByContainer = feed;
  inputs.mortalitySums = sums;
  inputs.mortalityReports = reports;
  inputs.growthSamples = samples;
  inputs.weighedTreatments = Array.from({ length: 10 }, (_, i) => ({
    assignmentId: 21 + i,
    treatmentDate: day(225),
    avgWeightG: 35,
    weighedCount: 30,
  }));
  const expectedRows = plans.reduce((s, p) => s + Math.min(p.until === null ? days + 1 : p.until, days + 1) - p.from, 0);
  const finalPopulation = new Map<number, number>();
  return { inputs, asOf: day(days), expectedRows, finalPopulation };

  function mkTransfer(id: number, source: number, dest: number, d: number, count: number, dead: number, measured: number | null): TransferInput {
    return {
      id,
      sourceAssignmentId: source,
      destAssignmentId: dest,
      executionDate: day(d),
      transferredCount: count,
      mortalityDuringTransfer: dead,
      measuredAvgWeightG: measured,
      measuredSampleSize: measured === null ? null : 30,
      selectionMethod: 'AVERAGE',
    };
  }
}

function roundTo2(x: number): number {
  return Math.round(x * 100) / 100;
}
