import { Check, Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { bigintColumn, numeric, type DateString } from '../../db/types.js';
import { Batch } from '../batch/batch.entity.js';
import { LifecycleStage } from '../species/species.entity.js';
import type { DailyStateConfidence } from './daily-assignment-state.entity.js';

/**
 * One batch on one day (growth-engine.md §7), computed by the engine from the rounded assignment rows so SQL can
 * reproduce it, and written in the same transaction. Batch balance: population = previous population +
 * placementCount − mortalityCount − transferMortalityCount − harvestCount − countAdjustment.
 */
@Entity()
@Check({ name: 'batch_daily_state_population_check', expression: 'population >= 0' })
@Check({ name: 'batch_daily_state_biomass_kg_check', expression: 'biomass_kg >= 0' })
@Check({ name: 'batch_daily_state_feed_kg_check', expression: 'feed_kg >= 0' })
@Check({ name: 'batch_daily_state_growth_kg_check', expression: 'growth_kg >= 0' })
@Check({ name: 'batch_daily_state_mortality_count_check', expression: 'mortality_count >= 0' })
@Check({ name: 'batch_daily_state_placement_count_check', expression: 'placement_count >= 0' })
@Check({ name: 'batch_daily_state_transfer_mortality_count_check', expression: 'transfer_mortality_count >= 0' })
@Check({ name: 'batch_daily_state_harvest_count_check', expression: 'harvest_count >= 0' })
@Check({ name: 'batch_daily_state_container_count_check', expression: 'container_count >= 0' })
@Check({ name: 'batch_daily_state_anchor_count_check', expression: 'anchor_count >= 0' })
export class BatchDailyState {
  [PrimaryKeyProp]?: ['batch', 'date'];

  @ManyToOne(() => Batch, { primary: true, deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  /** The day (UTC). */
  @PrimaryKey({ type: 'date' })
  date!: DateString;

  /** Σ population of the day's rows; bigint because batch sums can exceed 2^31. */
  @Property(bigintColumn())
  population!: number;

  /** Σ biomass, kg. */
  @Property(numeric(14, 2))
  biomassKg!: number;

  /** Σ(population · avgWeightG) / Σ population over rows with fish, g (2 dp); null when the batch has no fish. */
  @Property(numeric(10, 2, { nullable: true }))
  avgWeightG?: number | null;

  /** Population-weighted mean temperature, °C (2 dp); null when the batch has no fish. */
  @Property(numeric(5, 2, { nullable: true }))
  tempC?: number | null;

  /** Σ feed, kg. */
  @Property(numeric(12, 2))
  feedKg!: number;

  /** Σ biological growth, kg. */
  @Property(numeric(14, 2))
  growthKg!: number;

  /** Σ deaths in containers (recorded or modelled), transfer mortality excluded. */
  @Property({ type: 'integer' })
  mortalityCount!: number;

  /** Σ BatchPlacement.count that day (fish entering the batch from outside). */
  @Property({ type: 'integer' })
  placementCount!: number;

  /** Σ mortalityDuringTransfer of the transfers executed that day. */
  @Property({ type: 'integer' })
  transferMortalityCount!: number;

  /** Σ HarvestEvent.count that day. */
  @Property({ type: 'integer' })
  harvestCount!: number;

  /** Σ PopulationAdjustment.count that day (signed: > 0 fish lost unaccounted, < 0 fish found). */
  @Property({ type: 'integer' })
  countAdjustment!: number;

  /** Σ feedKg / Σ growthKg with the growth-engine §5.10 rule, kg/kg (3 dp). */
  @Property(numeric(8, 3, { nullable: true }))
  fcr?: number | null;

  /** Rows with population > 0. */
  @Property({ type: 'integer' })
  containerCount!: number;

  /** Rows with an anchor. */
  @Property({ type: 'integer' })
  anchorCount!: number;

  /** Stage holding the largest population that day (ties: higher order); null on a day without rows. */
  @ManyToOne(() => LifecycleStage, { deleteRule: 'restrict', nullable: true })
  dominantStage?: Rel<LifecycleStage> | null;

  /** Per component, the minimum confidence over the day's rows; null on a day without rows. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  minConfidence?: DailyStateConfidence | null;
}
