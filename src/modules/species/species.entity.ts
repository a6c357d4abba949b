import { Check, Entity, Enum, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { StageEnvironment } from '../enums.js';
import type { Scenario } from '../scenario/scenario.entity.js';

@Entity()
@ObjectType({ implements: Node, description: 'A farmed species, e.g. Atlantic salmon.' })
export class Species extends MutableEntity {
  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Common name, unique.' })
  name!: string;

  @Property({ type: 'string', length: 200, unique: true })
  @Field(() => String, { description: 'Scientific name, unique.' })
  scientificName!: string;

  /** Fallback growth model for batches without their own scenario (growth-engine.md §4). */
  @ManyToOne({ entity: 'Scenario', nullable: true, deleteRule: 'set null' })
  defaultScenario?: Rel<Scenario> | null;
}

/**
 * A lifecycle stage of a species. `maxWeightG` only triggers the transition to the next stage; TGC is stored per
 * 1000 °C·day and must be 0 or within 0.1–10 so a per-degree-day value entered by mistake is rejected.
 */
@Entity()
@Unique({ properties: ['species', 'order'] })
@Unique({ properties: ['species', 'code'] })
@Check({ name: 'lifecycle_stage_order_check', expression: '"order" >= 1' })
@Check({ name: 'lifecycle_stage_weight_range_check', expression: 'min_weight_g < max_weight_g' })
@Check({ name: 'lifecycle_stage_default_tgc_check', expression: 'default_tgc = 0 or default_tgc >= 0.1 and default_tgc <= 10' })
@Check({
  name: 'lifecycle_stage_default_daily_mortality_pct_check',
  expression: 'default_daily_mortality_pct >= 0 and default_daily_mortality_pct < 100',
})
@Check({ name: 'lifecycle_stage_typical_duration_days_check', expression: 'typical_duration_days > 0' })
@ObjectType({ implements: Node, description: 'A lifecycle stage of a species (Egg&Alevin, Fry, Parr, …).' })
export class LifecycleStage extends MutableEntity {
  @ManyToOne(() => Species, { deleteRule: 'restrict' })
  species!: Rel<Species>;

  @Property({ type: 'string', length: 32 })
  @Field(() => String, { description: 'Stable code, e.g. FRY.' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Property({ type: 'smallint', fieldName: 'order' })
  @Field(() => Int, { description: 'Position in the lifecycle, 1 = first.' })
  order!: number;

  @Property(numeric(10, 4, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Typical weight entering the stage, g.' })
  minWeightG?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Weight at which fish advance to the next stage, g.' })
  maxWeightG?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Typical days spent in the stage.' })
  typicalDurationDays?: number | null;

  @Property(numeric(6, 4, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Default thermal growth coefficient, per 1000 °C·day.' })
  defaultTgc?: number | null;

  @Property(numeric(7, 4, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Default daily mortality, % of fish per day.' })
  defaultDailyMortalityPct?: number | null;

  @Enum({ items: () => StageEnvironment })
  @Field(() => StageEnvironment, { description: 'Freshwater or sea.' })
  environment!: StageEnvironment;
}
