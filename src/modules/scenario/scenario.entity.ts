import {
  Check,
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  PrimaryKeyProp,
  Property,
  type Rel,
} from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { MortalityFrequency } from '../enums.js';
import { LifecycleStage, Species } from '../species/species.entity.js';

/** A daily temperature curve indexed by batch day number, the engine's fallback when no readings are near. */
@Entity()
@ObjectType({ implements: Node, description: 'A temperature curve by batch day number, used when no readings are near.' })
export class TemperatureProfile extends MutableEntity {
  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Name, unique.' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;
}

/** One day of a temperature profile. */
@Entity()
@Check({ name: 'temperature_profile_day_day_number_check', expression: 'day_number >= 1' })
@ObjectType({ description: 'The temperature of a profile on one batch day number.' })
export class TemperatureProfileDay {
  [PrimaryKeyProp]?: ['temperatureProfile', 'dayNumber'];

  @ManyToOne(() => TemperatureProfile, { primary: true, deleteRule: 'cascade' })
  temperatureProfile!: Rel<TemperatureProfile>;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  @Field(() => Int, { description: 'Batch day number (1 = batch start date).' })
  dayNumber!: number;

  @Property(numeric(5, 2))
  @Field(() => Float, { description: 'Water temperature, °C.' })
  temperatureC!: number;
}

/**
 * A growth model for the engine: TGC and mortality per stage plus a temperature profile. TGC is stored per
 * 1000 °C·day and must be 0 or within 0.1–10, so a per-degree-day value entered by mistake is rejected.
 * Parameters resolve stage parameter → stage default → scenario base (growth-engine.md §5.5).
 */
@Entity()
@Check({ name: 'scenario_base_tgc_check', expression: 'base_tgc = 0 or base_tgc >= 0.1 and base_tgc <= 10' })
@Check({ name: 'scenario_base_mortality_rate_pct_check', expression: 'base_mortality_rate_pct >= 0' })
@ObjectType({ implements: Node, description: 'A growth model: TGC and mortality per stage plus a temperature profile.' })
export class Scenario extends MutableEntity {
  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Name, unique.' })
  name!: string;

  @ManyToOne(() => Species, { deleteRule: 'restrict', index: true })
  species!: Rel<Species>;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @Property(numeric(6, 4))
  @Field(() => Float, { description: 'Base thermal growth coefficient, per 1000 °C·day (0 or 0.1–10).' })
  baseTgc!: number;

  @Property(numeric(7, 4))
  @Field(() => Float, { description: 'Base mortality, % of fish per baseMortalityFrequency period.' })
  baseMortalityRatePct!: number;

  @Enum({ items: () => MortalityFrequency, default: MortalityFrequency.DAILY })
  @Field(() => MortalityFrequency, { description: 'Period baseMortalityRatePct refers to.' })
  baseMortalityFrequency: MortalityFrequency = MortalityFrequency.DAILY;

  @ManyToOne(() => TemperatureProfile, { nullable: true, deleteRule: 'restrict', index: true })
  temperatureProfile?: Rel<TemperatureProfile> | null;
}

/** Stage-specific parameters of a scenario; the stage must belong to the scenario's species (mutation check). */
@Entity()
@Check({ name: 'scenario_stage_parameter_tgc_check', expression: 'tgc = 0 or tgc >= 0.1 and tgc <= 10' })
@Check({ name: 'scenario_stage_parameter_mortality_rate_pct_check', expression: 'mortality_rate_pct >= 0' })
@ObjectType({ description: 'Growth and mortality parameters of a scenario for one lifecycle stage.' })
export class ScenarioStageParameter {
  [PrimaryKeyProp]?: ['scenario', 'lifecycleStage'];
  [OptionalProps]?: 'mortalityFrequency';

  @ManyToOne(() => Scenario, { primary: true, deleteRule: 'cascade' })
  scenario!: Rel<Scenario>;

  @ManyToOne(() => LifecycleStage, { primary: true, deleteRule: 'restrict' })
  lifecycleStage!: Rel<LifecycleStage>;

  @Property(numeric(6, 4, { nullable: true }))
  @Field(() => Float, {
    nullable: true,
    description: 'Thermal growth coefficient for the stage, per 1000 °C·day (0 or 0.1–10); null = stage default.',
  })
  tgc?: number | null;

  @Property(numeric(7, 4, { nullable: true }))
  @Field(() => Float, {
    nullable: true,
    description: 'Mortality, % of fish per mortalityFrequency period; null = stage default.',
  })
  mortalityRatePct?: number | null;

  @Enum({ items: () => MortalityFrequency, default: MortalityFrequency.DAILY })
  @Field(() => MortalityFrequency, { description: 'Period mortalityRatePct refers to.' })
  mortalityFrequency: MortalityFrequency = MortalityFrequency.DAILY;
}
