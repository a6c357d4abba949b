import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { dayIndex } from './dates.js';
import { baseInputs, day, lcg, stage } from './fixtures.js';
import type { EngineInputs, EngineResult, SelectionMethod } from './types.js';

const MAX_DAY = 45;

const weightArb = fc.integer({ min: 10, max: 50_000 }).map((x) => x / 100);
/** Event dates are offsets from their assignment's start, so that most fall inside coverage. */
const offsetArb = fc.integer({ min: -2, max: 24 });

/**
 * Random batches: assignments sharing containers, transfer graphs with back-transfers, partial and
 * emptying transfers, harvests, deaths, samples, feed and sparse temperatures.
 */
const batchArb = fc.integer({ min: 1, max: 6 }).chain((nA) => {
  const idArb = fc.integer({ min: 1, max: nA });
  return fc.record({
    asOf: fc.integer({ min: 2, max: MAX_DAY }),
    mortalityPct: fc.constantFrom(0, 0.05, 0.5, 3),
    assignments: fc.array(
      fc.record({
        container: fc.integer({ min: 1, max: nA + 1 }),
        stage: fc.integer({ min: 1, max: 3 }),
        start: fc.integer({ min: 1, max: 20 }),
        length: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
        opening: fc.option(fc.record({ count: fc.integer({ min: 1, max: 5_000 }), w: weightArb }), { nil: null, freq: 4 }),
      }),
      { minLength: nA, maxLength: nA },
    ),
    placements: fc.array(fc.record({ a: idArb, d: offsetArb, count: fc.integer({ min: 0, max: 5_000 }), w: weightArb }), {
      maxLength: 5,
    }),
    transfers: fc.array(
      fc.record({
        s: idArb,
        t: idArb,
        d: offsetArb,
        count: fc.integer({ min: 0, max: 3_000 }),
        mortality: fc.integer({ min: 0, max: 50 }),
        measured: fc.option(weightArb, { nil: null }),
        size: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
        method: fc.constantFrom<SelectionMethod>('AVERAGE', 'LARGEST', 'SMALLEST'),
        emptying: fc.boolean(),
      }),
      { maxLength: 10 },
    ),
    harvests: fc.array(fc.record({ a: idArb, d: offsetArb, count: fc.integer({ min: 1, max: 3_000 }) }), { maxLength: 4 }),
    samples: fc.array(fc.record({ a: idArb, d: offsetArb, w: weightArb, n: fc.integer({ min: 1, max: 40 }) }), { maxLength: 8 }),
    treatments: fc.array(fc.record({ a: idArb, d: offsetArb, w: weightArb, n: fc.integer({ min: 1, max: 40 }) }), { maxLength: 3 }),
    deaths: fc.array(fc.record({ a: idArb, d: offsetArb, count: fc.integer({ min: 0, max: 2_000 }) }), { maxLength: 8 }),
    reports: fc.array(fc.record({ a: idArb, d: offsetArb }), { maxLength: 8 }),
    feedC: fc.array(fc.record({ c: fc.integer({ min: 1, max: nA + 2 }), d: fc.integer({ min: -2, max: MAX_DAY }), kg: weightArb }), { maxLength: 10 }),
    feedA: fc.array(fc.record({ a: idArb, d: offsetArb, kg: weightArb }), { maxLength: 6 }),
    temps: fc.array(
      fc.record({ c: fc.integer({ min: 1, max: nA + 1 }), d: fc.integer({ min: -8, max: MAX_DAY + 8 }), t: fc.integer({ min: -300, max: 1_800 }).map((x) => x / 100) }),
      { maxLength: 60 },
    ),
    profile: fc.array(fc.record({ n: fc.integer({ min: 1, max: 60 }), t: fc.integer({ min: 0, max: 1_500 }).map((x) => x / 100) }), {
      maxLength: 3,
    }),
  });
});

type Spec = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

function build(spec: Spec): { inputs: EngineInputs; asOf: string } {
  const inputs = baseInputs({
    mortalityPct: spec.mortalityPct,
    stages: [stage(1, 1, 2.25, 0.1, 6), stage(2, 2, 2.75, null, 60), stage(3, 3, 3.0, 0.02, null)],
  });
  const start = (id: number): number => spec.assignments[id - 1]!.start;
  const at = (id: number, offset: number): string => day(start(id) + offset);
  inputs.assignments = spec.assignments.map((a, i) => ({
    id: i + 1,
    containerId: a.container,
    lifecycleStageId: a.stage,
    assignmentDate: day(a.start),
    departureDate: a.length === null ? null : day(a.start + a.length),
  }));
  inputs.placements = [
    ...spec.assignments.flatMap((a, i) =>
      a.opening === null ? [] : [{ assignmentId: i + 1, placementDate: day(a.start), count: a.opening.count, avgWeightG: a.opening.w }],
    ),
    ...spec.placements.map((p) => ({ assignmentId: p.a, placementDate: at(p.a, p.d), count: p.count, avgWeightG: p.w })),
  ];
  inputs.transfers = spec.transfers.map((t, i) => {
    // Emptying transfers land on the source's departure date; others relative to the destination.
    const src = inputs.assignments[t.s - 1]!;
    const date = t.emptying && src.departureDate !== null ? src.departureDate : at(t.t, t.d);
    return {
      id: i + 1,
      sourceAssignmentId: t.s,
      destAssignmentId: t.t,
      executionDate: date,
      transferredCount: t.count,
      mortalityDuringTransfer: t.mortality,
      measuredAvgWeightG: t.measured,
      measuredSampleSize: t.size,
      selectionMethod: t.method,
    };
  });
  inputs.harvests = spec.harvests.map((h) => ({ assignmentId: h.a, harvestDate: at(h.a, h.d), count: h.count }));
  inputs.growthSamples = spec.samples.map((s) => ({ assignmentId: s.a, sampleDate: at(s.a, s.d), avgWeightG: s.w, sampleSize: s.n }));
  inputs.weighedTreatments = spec.treatments.map((s) => ({ assignmentId: s.a, treatmentDate: at(s.a, s.d), avgWeightG: s.w, weighedCount: s.n }));
  inputs.mortalitySums = spec.deaths.map((m) => ({ assignmentId: m.a, date: at(m.a, m.d), count: m.count }));
  inputs.mortalityReports = spec.reports.map((m) => ({ assignmentId: m.a, date: at(m.a, m.d) }));
  inputs.feedByContainer = spec.feedC.map((f) => ({ containerId: f.c, date: day(f.d), amountKg: f.kg }));
  inputs.feedByAssignment = spec.feedA.map((f) => ({ assignmentId: f.a, date: at(f.a, f.d), amountKg: f.kg }));
  inputs.temperatures = spec.temps.map((t) => ({ containerId: t.c, date: day(t.d), avgC: t.t }));
  inputs.temperatureProfileDays = spec.profile.map((p) => ({ dayNumber: p.n, temperatureC: p.t }));
  return { inputs, asOf: day(spec.asOf) };
}

const key = (assignmentId: number, date: string): string => `${assignmentId}|${date}`;

/** Checks every invariant of §3.1, §5.2, §5.3.4, §5.8, §5.11 and §7 on one result. */
function checkInvariants(inputs: EngineInputs, asOf: string, r: EngineResult): void {
  const asOfIdx = dayIndex(asOf);
  const rowAt = new Map(r.rows.map((row) => [key(row.assignmentId, row.date), row]));
  const adj = new Map<string, number>();
  for (const a of r.adjustments) adj.set(key(a.assignmentId, a.date), (adj.get(key(a.assignmentId, a.date)) ?? 0) + a.count);
  const byId = new Map(inputs.assignments.map((a) => [a.id, a]));
  const nominalEnd = (id: number): number => {
    const a = byId.get(id)!;
    return Math.min(a.departureDate === null ? asOfIdx : dayIndex(a.departureDate) - 1, asOfIdx);
  };
  const order = new Map(inputs.stages.map((s) => [s.id, s.order]));

  // Sorted, contiguous from the assignment date, inside nominal coverage, exact per-row balance,
  // stage order never decreasing, finite values.
  let prevId = -1;
  let prevPop = 0;
  let prevIdx = 0;
  let prevOrder = -Infinity;
  for (const row of r.rows) {
    const a = byId.get(row.assignmentId)!;
    const idx = dayIndex(row.date);
    if (row.assignmentId !== prevId) {
      expect(row.assignmentId).toBeGreaterThan(prevId);
      expect(row.date).toBe(a.assignmentDate);
      prevPop = 0;
      prevOrder = -Infinity;
    } else {
      expect(idx).toBe(prevIdx + 1);
    }
    expect(idx).toBeLessThanOrEqual(nominalEnd(row.assignmentId));
    expect(row.population).toBe(prevPop + row.inflowCount - row.outflowCount - row.mortalityCount - (adj.get(key(row.assignmentId, row.date)) ?? 0));
    expect(row.population).toBeGreaterThanOrEqual(0);
    expect(row.dayNumber).toBe(idx - dayIndex(inputs.batch.startDate) + 1);
    const o = order.get(row.lifecycleStageId)!;
    expect(o).toBeGreaterThanOrEqual(prevOrder);
    for (const v of [row.avgWeightG, row.biomassKg, row.tempC, row.feedKg, row.growthKg, row.tgcUsed, ...Object.values(row.confidence)]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(row.avgWeightG).toBeGreaterThanOrEqual(0);
    expect(row.growthKg).toBeGreaterThanOrEqual(0);
    for (const c of Object.values(row.confidence)) {
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    prevId = row.assignmentId;
    prevPop = row.population;
    prevIdx = idx;
    prevOrder = o;
  }

  // Valid transfers (§5.1) dated up to asOf.
  const valid = inputs.transfers.filter((t) => {
    const d = byId.get(t.destAssignmentId);
    const idx = dayIndex(t.executionDate);
    return (
      d !== undefined &&
      byId.has(t.sourceAssignmentId) &&
      t.sourceAssignmentId !== t.destAssignmentId &&
      idx >= dayIndex(d.assignmentDate) &&
      idx <= nominalEnd(d.id)
    );
  });

  // Transfer-day identity (§5.3.4).
  const transferDays = new Set(valid.map((t) => t.executionDate));
  for (const date of transferDays) {
    const onDay = valid.filter((t) => t.executionDate === date);
    const members = new Set(onDay.flatMap((t) => [t.sourceAssignmentId, t.destAssignmentId]));
    const dIdx = dayIndex(date);
    const prevDate = day(dIdx - dayIndex(inputs.batch.startDate));
    let lhs = 0;
    let rhs = -onDay.reduce((s, t) => s + t.mortalityDuringTransfer, 0);
    for (const u of members) {
      const row = rowAt.get(key(u, date));
      lhs += row?.population ?? 0;
      rhs += rowAt.get(key(u, prevDate))?.population ?? 0;
      const a = byId.get(u)!;
      if (dIdx >= dayIndex(a.assignmentDate) && dIdx <= nominalEnd(u)) {
        rhs += inputs.placements.filter((p) => p.assignmentId === u && p.placementDate === date).reduce((s, p) => s + p.count, 0);
      }
      rhs -= inputs.harvests.filter((h) => h.assignmentId === u && h.harvestDate === date).reduce((s, h) => s + h.count, 0);
      rhs -= row?.mortalityCount ?? 0;
      rhs -= adj.get(key(u, date)) ?? 0;
    }
    expect(lhs).toBe(rhs);
  }

  // Batch balance (§7), contiguous aggregate rows matching the row sums.
  let prev = 0;
  let prevBatchIdx: number | null = null;
  const popByDate = new Map<string, number>();
  for (const row of r.rows) popByDate.set(row.date, (popByDate.get(row.date) ?? 0) + row.population);
  for (const b of r.batchDaily) {
    const idx = dayIndex(b.date);
    if (prevBatchIdx !== null) expect(idx).toBe(prevBatchIdx + 1);
    prevBatchIdx = idx;
    expect(idx).toBeLessThanOrEqual(asOfIdx);
    expect(b.population).toBe(prev + b.placementCount - b.mortalityCount - b.transferMortalityCount - b.harvestCount - b.countAdjustment);
    expect(b.population).toBe(popByDate.get(b.date) ?? 0);
    prev = b.population;
  }
  for (const a of r.adjustments) expect(dayIndex(a.date)).toBeLessThanOrEqual(asOfIdx);

  // Weight continuity: a first day with arrivals starts from the arrivals' weights (§5.8).
  const trace = r.trace!;
  const traceAt = new Map(trace.map((t) => [key(t.assignmentId, t.date), t]));
  const lastTraceBefore = (id: number, idx: number) => {
    let best: (typeof trace)[number] | undefined;
    for (const t of trace) if (t.assignmentId === id && dayIndex(t.date) <= idx) best = t;
    return best;
  };
  for (const a of inputs.assignments) {
    const first = traceAt.get(key(a.id, a.assignmentDate));
    if (!first || first.empty) continue;
    let num = 0;
    let den = 0;
    for (const p of inputs.placements) {
      if (p.assignmentId === a.id && p.placementDate === a.assignmentDate && p.count > 0) {
        num += p.count * p.avgWeightG;
        den += p.count;
      }
    }
    for (const t of valid) {
      if (t.destAssignmentId !== a.id || t.executionDate !== a.assignmentDate || t.transferredCount <= 0) continue;
      let w: number | null = t.measuredAvgWeightG;
      if (w === null) {
        const s = lastTraceBefore(t.sourceAssignmentId, dayIndex(t.executionDate) - 1);
        w = s && s.weightKnown ? s.weightG : null;
      }
      if (w === null) continue;
      num += t.transferredCount * w;
      den += t.transferredCount;
    }
    if (den === 0) continue;
    expect(Math.abs(first.startWeightG - num / den)).toBeLessThanOrEqual(1e-9 * Math.max(1, num / den));
  }
}

/** Deterministic Fisher–Yates shuffle of every input array. */
function shuffled(inputs: EngineInputs, seed: number): EngineInputs {
  const rand = lcg(seed);
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return {
    ...inputs,
    stages: shuffle(inputs.stages),
    stageParameters: shuffle(inputs.stageParameters),
    temperatureProfileDays: shuffle(inputs.temperatureProfileDays),
    assignments: shuffle(inputs.assignments),
    placements: shuffle(inputs.placements),
    transfers: shuffle(inputs.transfers),
    harvests: shuffle(inputs.harvests),
    growthSamples: shuffle(inputs.growthSamples),
    weighedTreatments: shuffle(inputs.weighedTreatments),
    mortalitySums: shuffle(inputs.mortalitySums),
    mortalityReports: shuffle(inputs.mortalityReports),
    feedByContainer: shuffle(inputs.feedByContainer),
    feedByAssignment: shuffle(inputs.feedByAssignment),
    temperatures: shuffle(inputs.temperatures),
  };
}

describe('properties over random transfer graphs', () => {
  it('balances, coverage, transfer-day identity, batch balance, stage order and weight continuity hold', () => {
    fc.assert(
      fc.property(batchArb, (spec) => {
        const { inputs, asOf } = build(spec);
        const r = computeBatch(inputs, { asOf, trace: true });
        checkInvariants(inputs, asOf, r);
      }),
      { numRuns: 300, seed: 424242 },
    );
  });

  it('is deterministic and independent of input array order', () => {
    fc.assert(
      fc.property(batchArb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (spec, seed) => {
        const { inputs, asOf } = build(spec);
        const a = computeBatch(inputs, { asOf });
        expect(computeBatch(inputs, { asOf })).toEqual(a);
        expect(computeBatch(shuffled(inputs, seed), { asOf })).toEqual(a);
      }),
      { numRuns: 200, seed: 1717 },
    );
  });
});
