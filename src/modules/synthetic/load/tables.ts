/**
 * The tables a seed run writes with COPY, their column lists and their fixed order. The order is the write order
 * inside a batch transaction (parents before children, because the foreign keys of the plain event tables stay
 * enforced during the load) and the order of the batch hash (synthetic-farm.md §7). `deepSelect` spells the query
 * that reads one batch's rows back in generation order, for `verify --deep`.
 */
import { DAILY_STATE_COPY_COLUMNS } from '../../growth/daily-state-copy.js';

export interface CopyTable {
  table: string;
  columns: readonly string[];
  /** Counted in synthetic-farm.md §4.3 "All rows" (derived and helper tables are not). */
  counted: boolean;
  /**
   * SELECT of one batch's rows in generation order. Parameters: $1 = first id of the batch's id block, $2 = first
   * id after it, $3 = batch id, $4 = the run's today.
   */
  deepSelect: string;
}

const byIdBlock = (table: string, columns: readonly string[]) =>
  `select ${columns.map(quote).join(', ')} from "${table}" where id >= $1 and id < $2 order by id`;

function quote(column: string): string {
  return `"${column}"`;
}

function table(
  name: string,
  columns: readonly string[],
  counted: boolean,
  deepSelect: (columns: readonly string[]) => string = (cols) => byIdBlock(name, cols),
): CopyTable {
  return { table: name, columns, counted, deepSelect: deepSelect(columns) };
}

const MUTABLE = ['id', 'created_at', 'updated_at', 'version'] as const;

/** Batch tables in write (and hash) order. */
export const BATCH_TABLES: readonly CopyTable[] = [
  table('temperature_profile', [...MUTABLE, 'name', 'description'], false),
  table('temperature_profile_day', ['temperature_profile_id', 'day_number', 'temperature_c'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from temperature_profile_day where temperature_profile_id = $3 order by day_number`,
  ),
  table('scenario', [...MUTABLE, 'name', 'species_id', 'description', 'base_tgc', 'base_mortality_rate_pct', 'base_mortality_frequency', 'temperature_profile_id'], true),
  table('scenario_stage_parameter', ['scenario_id', 'lifecycle_stage_id', 'tgc', 'mortality_rate_pct', 'mortality_frequency'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from scenario_stage_parameter where scenario_id = $3 order by lifecycle_stage_id`,
  ),
  // seed_run_id is set by an UPDATE in the same transaction: the content hash must not depend on the run's id.
  table('batch', [...MUTABLE, 'batch_number', 'species_id', 'batch_type', 'status', 'start_date', 'expected_end_date', 'actual_end_date', 'scenario_id', 'notes'], true),
  table('batch_creation', [...MUTABLE, 'batch_id', 'creation_number', 'egg_source', 'supplier', 'broodstock_ref', 'planned_egg_count'], true),
  table(
    'batch_container_assignment',
    [...MUTABLE, 'batch_id', 'container_id', 'lifecycle_stage_id', 'assignment_date', 'departure_date', 'close_reason', 'opening_population', 'opening_avg_weight_g', 'dirty_from', 'dirty_seq'],
    true,
  ),
  table('batch_placement', [...MUTABLE, 'batch_id', 'assignment_id', 'creation_id', 'placement_date', 'count', 'avg_weight_g', 'notes'], true),
  table(
    'transfer_workflow',
    [...MUTABLE, 'batch_id', 'workflow_number', 'workflow_type', 'status', 'source_stage_id', 'dest_stage_id', 'planned_start_date', 'actual_start_date', 'actual_completion_date', 'notes'],
    true,
  ),
  table(
    'transfer_action',
    [
      ...MUTABLE,
      'batch_id', 'workflow_id', 'source_assignment_id', 'dest_assignment_id', 'status', 'planned_date', 'execution_date', 'transferred_count',
      'mortality_during_transfer', 'source_population_before', 'transferred_biomass_kg', 'transfer_method', 'measured_avg_weight_g',
      'measured_sample_size', 'measured_std_dev_g', 'selection_method', 'empties_source', 'executed_by', 'notes',
    ],
    true,
  ),
  table('mortality_event', [...MUTABLE, 'batch_id', 'assignment_id', 'event_date', 'count', 'cause', 'biomass_kg', 'description', 'recorded_by'], true),
  table('mortality_report', ['assignment_id', 'report_date', 'recorded_by', 'created_at'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from mortality_report where assignment_id >= $1 and assignment_id < $2 order by assignment_id, report_date`,
  ),
  table(
    'growth_sample',
    [...MUTABLE, 'assignment_id', 'sample_date', 'sample_size', 'avg_weight_g', 'std_dev_weight_g', 'min_weight_g', 'max_weight_g', 'avg_length_cm', 'std_dev_length_cm', 'condition_factor', 'recorded_by'],
    true,
  ),
  table('growth_sample_fish', ['id', 'growth_sample_id', 'fish_no', 'weight_g', 'length_cm'], true),
  table(
    'treatment',
    [...MUTABLE, 'assignment_id', 'treatment_date', 'treatment_type', 'vaccination_type_id', 'product', 'dosage', 'withholding_days', 'includes_weighing', 'weighed_count', 'avg_weight_g', 'recorded_by'],
    true,
  ),
  table('treatment_fish', ['id', 'treatment_id', 'fish_no', 'weight_g', 'length_cm'], true),
  table('lice_count', [...MUTABLE, 'assignment_id', 'count_date', 'fish_sampled', 'method', 'recorded_by'], true),
  table('lice_count_entry', ['id', 'lice_count_id', 'lice_species', 'lice_stage', 'count'], true),
  table('harvest_event', [...MUTABLE, 'batch_id', 'assignment_id', 'harvest_date', 'count', 'live_biomass_kg', 'recorded_by'], true),
  table('harvest_lot', ['id', 'harvest_event_id', 'size_class', 'count', 'avg_weight_g'], true),
  table(
    'feeding_event',
    ['id', 'feeding_date', 'container_id', 'assignment_id', 'feed_id', 'feed_container_id', 'fed_at', 'amount_kg', 'method', 'recorded_by', 'notes', 'created_at', 'updated_at', 'version'],
    true,
  ),
  table('environmental_reading', ['id', 'reading_time', 'container_id', 'parameter_id', 'sensor_id', 'value', 'is_manual', 'recorded_by', 'ingested_at'], true),
  table('environmental_daily', ['container_id', 'parameter_id', 'date', 'avg_value', 'min_value', 'max_value', 'reading_count'], false, (cols) =>
    `select ${cols.map((c) => `ed.${quote(c)}`).join(', ')}
       from environmental_daily ed
       join batch_container_assignment a
         on a.container_id = ed.container_id and ed.date >= a.assignment_date and ed.date < coalesce(a.departure_date, $4::date + 1)
      where a.batch_id = $3
      order by a.id, ed.date, ed.parameter_id`,
  ),
  table(
    'daily_assignment_state',
    DAILY_STATE_COPY_COLUMNS,
    true,
    (cols) => `select ${cols.map(quote).join(', ')} from daily_assignment_state where batch_id = $3 order by assignment_id, date`,
  ),
  table(
    'batch_daily_state',
    [
      'batch_id', 'date', 'population', 'biomass_kg', 'avg_weight_g', 'temp_c', 'feed_kg', 'growth_kg', 'mortality_count', 'placement_count',
      'transfer_mortality_count', 'harvest_count', 'count_adjustment', 'fcr', 'container_count', 'anchor_count', 'dominant_stage_id', 'min_confidence',
    ],
    false,
    (cols) => `select ${cols.map(quote).join(', ')} from batch_daily_state where batch_id = $3 order by date`,
  ),
  table('population_adjustment', ['assignment_id', 'date', 'reason', 'batch_id', 'count'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from population_adjustment where batch_id = $3 order by assignment_id, date, reason`,
  ),
];

/** Index of each batch table in `BATCH_TABLES`. */
export const BATCH_TABLE_INDEX = new Map(BATCH_TABLES.map((spec, index) => [spec.table, index]));

/** Infrastructure and master-data tables in write (and hash) order; all rows, ordered by id. */
export const INFRASTRUCTURE_TABLES: readonly CopyTable[] = [
  table('geography', [...MUTABLE, 'code', 'name', 'description'], false, (cols) => `select ${cols.map(quote).join(', ')} from geography order by id`),
  table('area_group', [...MUTABLE, 'geography_id', 'parent_id', 'code', 'name'], false, (cols) => `select ${cols.map(quote).join(', ')} from area_group order by id`),
  table('area', [...MUTABLE, 'geography_id', 'area_group_id', 'name', 'latitude', 'longitude', 'max_biomass_kg', 'active'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from area order by id`,
  ),
  table('freshwater_station', [...MUTABLE, 'geography_id', 'name', 'station_type', 'latitude', 'longitude', 'active'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from freshwater_station order by id`,
  ),
  table('hall', [...MUTABLE, 'station_id', 'name', 'area_sqm', 'active'], false, (cols) => `select ${cols.map(quote).join(', ')} from hall order by id`),
  table('container_type', [...MUTABLE, 'code', 'name', 'category', 'max_volume_m3'], false, (cols) => `select ${cols.map(quote).join(', ')} from container_type order by id`),
  table(
    'container',
    [...MUTABLE, 'name', 'container_type_id', 'hall_id', 'area_id', 'parent_container_id', 'hierarchy_role', 'volume_m3', 'max_biomass_kg', 'active'],
    false,
    (cols) => `select ${cols.map(quote).join(', ')} from container order by id`,
  ),
  table('feed_container', [...MUTABLE, 'name', 'feed_container_type', 'hall_id', 'area_id', 'capacity_kg', 'active'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from feed_container order by id`,
  ),
  table('environmental_parameter', [...MUTABLE, 'code', 'name', 'unit', 'min_value', 'max_value', 'optimal_min', 'optimal_max'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from environmental_parameter order by id`,
  ),
  table('sensor', [...MUTABLE, 'container_id', 'parameter_id', 'serial_number', 'manufacturer', 'installed_on', 'last_calibrated_on', 'active'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from sensor order by id`,
  ),
  table('species', [...MUTABLE, 'name', 'scientific_name', 'default_scenario_id'], false, (cols) => `select ${cols.map(quote).join(', ')} from species order by id`),
  table(
    'lifecycle_stage',
    [...MUTABLE, 'species_id', 'code', 'name', 'order', 'min_weight_g', 'max_weight_g', 'typical_duration_days', 'default_tgc', 'default_daily_mortality_pct', 'environment'],
    false,
    (cols) => `select ${cols.map(quote).join(', ')} from lifecycle_stage order by id`,
  ),
  table('feed', [...MUTABLE, 'name', 'brand', 'size_category', 'pellet_size_mm', 'protein_pct', 'fat_pct', 'active'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from feed order by id`,
  ),
  table('vaccination_type', [...MUTABLE, 'name', 'manufacturer'], false, (cols) => `select ${cols.map(quote).join(', ')} from vaccination_type order by id`),
  table(
    'scenario',
    [...MUTABLE, 'name', 'species_id', 'description', 'base_tgc', 'base_mortality_rate_pct', 'base_mortality_frequency', 'temperature_profile_id'],
    false,
    // Templates only: batch scenarios carry ids of their batch's id block (≥ 2^32).
    (cols) => `select ${cols.map(quote).join(', ')} from scenario where id < 4294967296 order by id`,
  ),
  table('scenario_stage_parameter', ['scenario_id', 'lifecycle_stage_id', 'tgc', 'mortality_rate_pct', 'mortality_frequency'], false, (cols) =>
    `select ${cols.map(quote).join(', ')} from scenario_stage_parameter where scenario_id < 4294967296 order by scenario_id, lifecycle_stage_id`,
  ),
];

/** Tables of the infrastructure whose ids come from an identity sequence (setval after the load). */
export const IDENTITY_TABLES = [
  ...new Set(
    [...INFRASTRUCTURE_TABLES, ...BATCH_TABLES].filter((spec) => spec.columns[0] === 'id').map((spec) => spec.table),
  ),
];

/** The header line that frames one table's COPY bytes inside a hash. */
export function hashFrame(tableName: string): string {
  return `-- ${tableName}\n`;
}
