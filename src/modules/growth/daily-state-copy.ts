/**
 * Daily rows in COPY text format, one encoder for every writer of the derived series (the recompute's writes and
 * the seed run's loader), spelled exactly as PostgreSQL prints them back: the seed run's batch hash is defined
 * over these bytes, and a recompute writes tens of thousands of rows per batch, so the jsonb columns are spelled
 * from their fixed key sets instead of through `JSON.stringify`.
 */
import { flatJsonbEncoder, intText, nullableNumericText, nullableTextText, numericText, textText, type FlatJson } from '../../db/pg-text.js';
import type { DailyAssignmentStateRow } from './engine/index.js';

/** Columns of daily_assignment_state in the order `dailyStateCopyLine` spells them. */
export const DAILY_STATE_COPY_COLUMNS = [
  'assignment_id', 'date', 'batch_id', 'container_id', 'day_number', 'lifecycle_stage_id', 'population', 'inflow_count',
  'outflow_count', 'mortality_count', 'avg_weight_g', 'biomass_kg', 'temp_c', 'feed_kg', 'growth_kg', 'fcr', 'tgc_used',
  'anchor_type', 'sources', 'confidence', 'scenario_id', 'engine_version', 'computed_at',
] as const;

/** jsonb spelling of the engine's provenance and confidence objects (fixed key sets). */
export const sourcesJsonb = flatJsonbEncoder(['weight', 'temp', 'mortality', 'feed', 'fcr', 'calibrated']);
export const confidenceJsonb = flatJsonbEncoder(['weight', 'temp', 'mortality', 'feed', 'fcr', 'overall']);

/**
 * One daily row as a COPY line (ending in "\n"). `batchText` and `computedAtText` are already spelled, since
 * callers reuse them across many rows.
 */
export function dailyStateCopyLine(batchText: string, row: DailyAssignmentStateRow, computedAtText: string): string {
  return `${intText(row.assignmentId)}\t${row.date}\t${batchText}\t${row.containerId}\t${row.dayNumber}\t${row.lifecycleStageId}\t${row.population}\t${row.inflowCount}\t${row.outflowCount}\t${row.mortalityCount}\t${numericText(row.avgWeightG, 2)}\t${numericText(row.biomassKg, 2)}\t${numericText(row.tempC, 2)}\t${numericText(row.feedKg, 2)}\t${numericText(row.growthKg, 2)}\t${nullableNumericText(row.fcr, 3)}\t${numericText(row.tgcUsed, 4)}\t${nullableTextText(row.anchorType)}\t${sourcesJsonb(row.sources as unknown as FlatJson)}\t${confidenceJsonb(row.confidence as unknown as FlatJson)}\t${row.scenarioId}\t${textText(row.engineVersion)}\t${computedAtText}\n`;
}
