/**
 * Daily rows in COPY text format, one encoder for every writer of the derived series (the recompute's writes and
 * the seed run's loader), spelled exactly as PostgreSQL prints them back: the seed run's batch hash is defined
 * over these bytes, and a recompute writes tens of thousands of rows per batch, so the jsonb columns are spelled
 * from their fixed key sets instead of through `JSON.stringify`.
 */
import { flatJsonbEncoder, intText, jsonbNumber, NULL, textText } from '../../db/pg-text.js';
import type { ConfidenceComponents, DailyAssignmentStateRow, RowSources } from './engine/index.js';

/** Columns of daily_assignment_state in the order `dailyStateCopyLine` spells them. */
export const DAILY_STATE_COPY_COLUMNS = [
  'assignment_id', 'date', 'batch_id', 'container_id', 'day_number', 'lifecycle_stage_id', 'population', 'inflow_count',
  'outflow_count', 'mortality_count', 'avg_weight_g', 'biomass_kg', 'temp_c', 'feed_kg', 'growth_kg', 'fcr', 'tgc_used',
  'anchor_type', 'sources', 'confidence', 'scenario_id', 'engine_version', 'computed_at',
] as const;

/** jsonb spelling of the batch aggregate's minimum confidence (same keys as a row's confidence). */
export const confidenceJsonb = flatJsonbEncoder(['weight', 'temp', 'mortality', 'feed', 'fcr', 'overall']);

/**
 * A row's provenance as jsonb prints it: keys shortest first, then bytewise. Every value is a word of the fixed
 * vocabulary (growth-engine.md §3.2), so nothing needs escaping; `flatJsonbEncoder` is the general spelling, and a
 * test holds the two equal.
 */
export function rowSourcesJsonb(s: RowSources): string {
  return `{"fcr": "${s.fcr}", "feed": "${s.feed}", "temp": "${s.temp}", "weight": "${s.weight}", "mortality": "${s.mortality}", "calibrated": ${s.calibrated}}`;
}

/** A row's confidence as jsonb prints it (numbers rounded to 3 dp print as `String` does). */
export function rowConfidenceJsonb(c: ConfidenceComponents): string {
  return `{"fcr": ${jsonbNumber(c.fcr)}, "feed": ${jsonbNumber(c.feed)}, "temp": ${jsonbNumber(c.temp)}, "weight": ${jsonbNumber(c.weight)}, "overall": ${jsonbNumber(c.overall)}, "mortality": ${jsonbNumber(c.mortality)}}`;
}

/**
 * One daily row as a COPY line (ending in "\n"). `batchText` and `computedAtText` are already spelled, since
 * callers reuse them across many rows. The engine emits numbers already rounded half-even to their column's scale
 * (growth-engine.md §5.13), so `toFixed` prints them exactly (a double within 1e-12 of its decimal cannot round
 * differently) and rounding again would only cost time.
 */
export function dailyStateCopyLine(batchText: string, row: DailyAssignmentStateRow, computedAtText: string): string {
  return `${intText(row.assignmentId)}\t${row.date}\t${batchText}\t${row.containerId}\t${row.dayNumber}\t${row.lifecycleStageId}\t${row.population}\t${row.inflowCount}\t${row.outflowCount}\t${row.mortalityCount}\t${row.avgWeightG.toFixed(2)}\t${row.biomassKg.toFixed(2)}\t${row.tempC.toFixed(2)}\t${row.feedKg.toFixed(2)}\t${row.growthKg.toFixed(2)}\t${row.fcr === null ? NULL : row.fcr.toFixed(3)}\t${row.tgcUsed.toFixed(4)}\t${row.anchorType ?? NULL}\t${rowSourcesJsonb(row.sources)}\t${rowConfidenceJsonb(row.confidence)}\t${row.scenarioId}\t${textText(row.engineVersion)}\t${computedAtText}\n`;
}
