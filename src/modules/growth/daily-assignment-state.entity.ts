import { Check, Entity, Enum, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { bigintColumn, numeric, type DateString } from '../../db/types.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { Container } from '../infrastructure/container.entity.js';
import { LifecycleStage } from '../species/species.entity.js';

/** Stored anchor kinds, lower case like the provenance vocabulary (growth-engine.md §3.1). */
export const STORED_ANCHOR_TYPES = ['growth_sample', 'transfer', 'treatment'] as const;
export type StoredAnchorType = (typeof STORED_ANCHOR_TYPES)[number];

/** Provenance per component of a daily row (growth-engine.md §3.2), stored lower case in jsonb. */
export interface DailyStateSources {
  weight: 'measured' | 'tgc_computed' | 'unchanged';
  temp: 'measured' | 'interpolated' | 'nearest_before' | 'nearest_after' | 'profile' | 'default';
  mortality: 'actual' | 'model';
  feed: 'actual' | 'none';
  fcr: 'calculated' | 'insufficient_data';
  /** True only on tgc_computed days of a calibrated segment (growth-engine.md §5.7). */
  calibrated: boolean;
}

/** Confidence 0–1 (3 dp) per component (growth-engine.md §3.2); overall = min(weight, temp, mortality). */
export interface DailyStateConfidence {
  weight: number;
  temp: number;
  mortality: number;
  feed: number;
  fcr: number;
}

/**
 * One assignment on one day, as computed by the growth engine (growth-engine.md §3.1); the row describes the end
 * of the day. Written only by the engine. Range-partitioned by quarter on `date` (hand-written in the migration).
 * Per-row balance: population = previous population + inflow − outflow − mortality − that day's adjustment.
 * Deleted with its assignment (and so with the batch).
 */
@Entity()
@Index({ properties: ['batch', 'date'] })
@Index({ properties: ['container', 'date'] })
@Check({ name: 'daily_assignment_state_day_number_check', expression: 'day_number >= 1' })
@Check({ name: 'daily_assignment_state_population_check', expression: 'population >= 0' })
@Check({ name: 'daily_assignment_state_inflow_count_check', expression: 'inflow_count >= 0' })
@Check({ name: 'daily_assignment_state_outflow_count_check', expression: 'outflow_count >= 0' })
@Check({ name: 'daily_assignment_state_mortality_count_check', expression: 'mortality_count >= 0' })
@Check({ name: 'daily_assignment_state_avg_weight_g_check', expression: 'avg_weight_g >= 0' })
@Check({ name: 'daily_assignment_state_biomass_kg_check', expression: 'biomass_kg >= 0' })
@Check({ name: 'daily_assignment_state_feed_kg_check', expression: 'feed_kg >= 0' })
@Check({ name: 'daily_assignment_state_growth_kg_check', expression: 'growth_kg >= 0' })
export class DailyAssignmentState {
  [PrimaryKeyProp]?: ['assignment', 'date'];

  /** Checked by `owner`, not by a foreign key of its own. */
  @ManyToOne(() => BatchContainerAssignment, { primary: true, createForeignKeyConstraint: false })
  assignment!: Rel<BatchContainerAssignment>;

  /** The day (UTC); partition key. */
  @PrimaryKey({ type: 'date' })
  date!: DateString;

  /** Denormalised owner, for batch series; checked by `owner`. */
  @ManyToOne(() => Batch, { createForeignKeyConstraint: false })
  batch!: Rel<Batch>;

  /** Denormalised container, for occupancy; checked by `owner`. */
  @ManyToOne(() => Container, { createForeignKeyConstraint: false })
  container!: Rel<Container>;

  /**
   * The row's one foreign key over (batch_id, assignment_id, container_id): the assignment exists, and the
   * denormalised batch and container are the assignment's. One check per written row instead of three: foreign-key
   * checks were ~35 ms each of a 10,000-row recompute write. Deleting the assignment (and so the batch) deletes the
   * rows; a container with rows has assignments, whose own key restricts its deletion.
   */
  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'assignment_id', 'container_id'],
    referencedColumnNames: ['batch_id', 'id', 'container_id'],
    deleteRule: 'cascade',
    foreignKeyName: 'daily_assignment_state_owner_foreign',
  })
  owner!: Rel<BatchContainerAssignment>;

  /** date − batch.start_date + 1. */
  @Property({ type: 'integer' })
  dayNumber!: number;

  /** Stage at the end of the day (after the transition check). */
  @ManyToOne(() => LifecycleStage, { deleteRule: 'restrict' })
  lifecycleStage!: Rel<LifecycleStage>;

  /** End-of-day fish count. */
  @Property({ type: 'integer' })
  population!: number;

  /** Fish arriving alive that day (placements + incoming transferred counts). */
  @Property({ type: 'integer' })
  inflowCount!: number;

  /** Fish leaving that day (outgoing transferred + transfer mortality + harvested). */
  @Property({ type: 'integer' })
  outflowCount!: number;

  /** Deaths in the container that day (recorded or modelled), transfer mortality excluded. */
  @Property({ type: 'integer' })
  mortalityCount!: number;

  /** End-of-day mean weight, g (2 dp). */
  @Property(numeric(10, 2))
  avgWeightG!: number;

  /** population × weight / 1000, kg (2 dp, from the full-precision weight). */
  @Property(numeric(12, 2))
  biomassKg!: number;

  /** Temperature used for the day, °C (never null). */
  @Property(numeric(5, 2))
  tempC!: number;

  /** Feed attributed to the assignment that day, kg (0 if none). */
  @Property(numeric(10, 2))
  feedKg!: number;

  /** Biological growth that day, kg. */
  @Property(numeric(12, 2))
  growthKg!: number;

  /** feedKg / growthKg when computable, capped at 10, kg/kg (3 dp). */
  @Property(numeric(8, 3, { nullable: true }))
  fcr?: number | null;

  /** TGC applied that day (model or calibrated), per 1000 °C·day (4 dp). */
  @Property(numeric(8, 4))
  tgcUsed!: number;

  /** Set on anchor days: text with a CHECK of the lower-case values. */
  @Enum({ items: () => [...STORED_ANCHOR_TYPES], nullable: true })
  anchorType?: StoredAnchorType | null;

  @Property({ type: 'json', columnType: 'jsonb' })
  sources!: DailyStateSources;

  @Property({ type: 'json', columnType: 'jsonb' })
  confidence!: DailyStateConfidence;

  /**
   * Scenario whose parameters produced the row (growth-engine.md §3.1 lists it as a plain bigint, not a foreign
   * key: a per-row FK check on every engine write would cost ~15 % of a full rewrite for a derived value).
   */
  @Property(bigintColumn())
  scenarioId!: number;

  /** Semver of the engine that computed the row, e.g. 1.0.0. */
  @Property({ type: 'string', length: 16 })
  engineVersion!: string;

  /** Last time the row's values changed. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  computedAt!: Date;
}
