/**
 * Stage table and parameter resolution (growth-engine.md §5.5, §5.11), keyed by stage id.
 * TGC: stage parameter → stage default → scenario base. Mortality likewise (stage default is daily).
 */
import { dailyMortalityFraction } from './mortality.js';
import type { LifecycleStageInput, ScenarioInput, ScenarioStageParameterInput } from './types.js';

/** Stages as dense slots in ascending `order`; unknown operational stage ids get extra slots. */
export interface StageTable {
  ids: number[];
  orders: number[];
  /** NaN when the stage has no max weight. */
  maxWeightG: Float64Array;
  /** Model TGC per 1000 °C·day. */
  tgc: Float64Array;
  /** Daily mortality fraction. */
  mortality: Float64Array;
  /** Slot of the next stage (next higher order), −1 when none. */
  next: Int32Array;
  slotOf: Map<number, number>;
}

/** Builds the stage table; `extraStageIds` are operational stage ids missing from `stages`. */
export function buildStageTable(
  stages: readonly LifecycleStageInput[],
  scenario: ScenarioInput,
  stageParameters: readonly ScenarioStageParameterInput[],
  extraStageIds: readonly number[],
): StageTable {
  const sorted = [...stages].sort((a, b) => a.order - b.order || a.id - b.id);
  const params = new Map<number, ScenarioStageParameterInput>();
  for (const p of [...stageParameters].sort((a, b) => a.lifecycleStageId - b.lifecycleStageId)) {
    if (!params.has(p.lifecycleStageId)) params.set(p.lifecycleStageId, p);
  }
  const known = new Set(sorted.map((s) => s.id));
  const extras = [...new Set(extraStageIds)].filter((id) => !known.has(id)).sort((a, b) => a - b);
  const n = sorted.length + extras.length;
  const table: StageTable = {
    ids: [],
    orders: [],
    maxWeightG: new Float64Array(n),
    tgc: new Float64Array(n),
    mortality: new Float64Array(n),
    next: new Int32Array(n),
    slotOf: new Map(),
  };
  const baseMortality = dailyMortalityFraction(scenario.baseMortalityRatePct, scenario.baseMortalityFrequency);
  sorted.forEach((s, i) => {
    const p = params.get(s.id);
    table.ids.push(s.id);
    table.orders.push(s.order);
    table.maxWeightG[i] = s.maxWeightG ?? Number.NaN;
    table.tgc[i] = p?.tgc ?? s.defaultTgc ?? scenario.baseTgc;
    if (p && p.mortalityRatePct !== null) {
      table.mortality[i] = dailyMortalityFraction(p.mortalityRatePct, p.mortalityFrequency);
    } else if (s.defaultDailyMortalityPct !== null) {
      table.mortality[i] = s.defaultDailyMortalityPct / 100;
    } else {
      table.mortality[i] = baseMortality;
    }
    table.next[i] = i + 1 < sorted.length ? i + 1 : -1;
    table.slotOf.set(s.id, i);
  });
  extras.forEach((id, j) => {
    const i = sorted.length + j;
    const p = params.get(id);
    table.ids.push(id);
    table.orders.push(Number.NEGATIVE_INFINITY);
    table.maxWeightG[i] = Number.NaN;
    table.tgc[i] = p?.tgc ?? scenario.baseTgc;
    table.mortality[i] =
      p && p.mortalityRatePct !== null
        ? dailyMortalityFraction(p.mortalityRatePct, p.mortalityFrequency)
        : baseMortality;
    table.next[i] = -1;
    table.slotOf.set(id, i);
  });
  return table;
}
