import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/common/user-error.js';
import { MortalityFrequency } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { IdempotencyKeyField, KEEP } from '../operations/payload.js';
import { Scenario, ScenarioStageParameter, TemperatureProfile } from './scenario.entity.js';

/** Most days one call may send: a profile covers a batch's life (about three years for salmon), with room to spare. */
export const MAX_PROFILE_DAYS = 3_660;

const TGC = 'Thermal growth coefficient per 1000 °C·day: 0 or 0.1–10 (a per-degree-day value such as 0.00245 is rejected, never rescaled)';
const MORTALITY = 'Mortality, % of fish per mortality period (0 ≤ value < 100)';
const SCENARIO_VERSION =
  'The version of the scenario the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.';
const JOBS = 'Recompute jobs queued (or merged into), one per batch whose series the change affects (ended ones included); empty when no growth-engine input changed.';

@InputType({ description: 'Input of scenarioCreate.' })
export class ScenarioCreateInput {
  @Field(() => String, { description: 'Name, unique (1–100 characters).' })
  name!: string;

  @Field(() => ID, { description: 'Global id of the species the scenario models.' })
  speciesId!: string;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @Field(() => Float, { description: `Base ${TGC}; used for stages without a stage parameter or stage default.` })
  baseTgc!: number;

  @Field(() => Float, { description: `Base ${MORTALITY}.` })
  baseMortalityRatePct!: number;

  @Field(() => MortalityFrequency, { nullable: true, description: 'Period baseMortalityRatePct refers to; default DAILY.' })
  baseMortalityFrequency?: MortalityFrequency | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the temperature profile used where no readings are near; default none.' })
  temperatureProfileId?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of scenarioCreate. A new scenario drives no batch yet, so nothing is recomputed.' })
export class ScenarioCreatePayload {
  @Field(() => Scenario, { nullable: true, description: 'The scenario created (null when userErrors is not empty).' })
  scenario!: Scenario | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of scenarioUpdate; left-out fields are unchanged. The species cannot change (stage parameters and batches depend on it).' })
export class ScenarioUpdateInput {
  @Field(() => ID, { description: 'Global id of the scenario.' })
  id!: string;

  @Field(() => Int, { description: SCENARIO_VERSION })
  version!: number;

  @Field(() => String, { nullable: true, description: `Name, unique (1–100 characters). ${KEEP}` })
  name?: string | null;

  @Field(() => String, { nullable: true, description: `Free-text description; null clears it. ${KEEP}` })
  description?: string | null;

  @Field(() => Float, { nullable: true, description: `Base ${TGC}. ${KEEP}` })
  baseTgc?: number | null;

  @Field(() => Float, { nullable: true, description: `Base ${MORTALITY}. ${KEEP}` })
  baseMortalityRatePct?: number | null;

  @Field(() => MortalityFrequency, { nullable: true, description: `Period baseMortalityRatePct refers to. ${KEEP}` })
  baseMortalityFrequency?: MortalityFrequency | null;

  @Field(() => ID, { nullable: true, description: `Global id of the temperature profile; null unlinks it. ${KEEP}` })
  temperatureProfileId?: string | null;
}

@ObjectType({ description: 'Result of scenarioUpdate.' })
export class ScenarioUpdatePayload {
  @Field(() => Scenario, { nullable: true, description: 'The scenario as stored now (null when userErrors is not empty).' })
  scenario!: Scenario | null;

  @Field(() => [RecomputeJob], { description: JOBS })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({
  description:
    "Input of scenarioStageParameterSet: the scenario's parameters for one stage become exactly these; a null (or left-out) value falls back to the stage default, and with both values null the stage parameter is removed.",
})
export class ScenarioStageParameterSetInput {
  @Field(() => ID, { description: 'Global id of the scenario.' })
  scenarioId!: string;

  @Field(() => Int, { description: `${SCENARIO_VERSION} Stage parameters have no version of their own: setting one changes the scenario's.` })
  version!: number;

  @Field(() => ID, { description: "Global id of a lifecycle stage of the scenario's species." })
  lifecycleStageId!: string;

  @Field(() => Float, { nullable: true, description: `${TGC}; null = the stage default.` })
  tgc?: number | null;

  @Field(() => Float, { nullable: true, description: `${MORTALITY}; null = the stage default.` })
  mortalityRatePct?: number | null;

  @Field(() => MortalityFrequency, { nullable: true, description: 'Period mortalityRatePct refers to; default DAILY.' })
  mortalityFrequency?: MortalityFrequency | null;
}

@ObjectType({ description: 'Result of scenarioStageParameterSet.' })
export class ScenarioStageParameterSetPayload {
  @Field(() => Scenario, { nullable: true, description: 'The scenario as stored now, with its new version (null when userErrors is not empty).' })
  scenario!: Scenario | null;

  @Field(() => ScenarioStageParameter, { nullable: true, description: 'The stage parameter as stored now; null when it was removed or userErrors is not empty.' })
  scenarioStageParameter!: ScenarioStageParameter | null;

  @Field(() => [RecomputeJob], { description: JOBS })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'The temperature of a profile on one batch day number.' })
export class TemperatureProfileDayInput {
  @Field(() => Int, { description: 'Batch day number, at least 1 (1 = batch start date).' })
  dayNumber!: number;

  @Field(() => Float, { description: 'Water temperature, °C (−999.99 to 999.99, stored to 0.01 °C).' })
  temperatureC!: number;
}

@InputType({ description: 'Input of temperatureProfileCreate.' })
export class TemperatureProfileCreateInput {
  @Field(() => String, { description: 'Name, unique (1–100 characters).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @Field(() => [TemperatureProfileDayInput], {
    nullable: true,
    description: `The curve, each day number at most once (at most ${MAX_PROFILE_DAYS}); default none (add them with temperatureProfileDaysSet).`,
  })
  days?: TemperatureProfileDayInput[] | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of temperatureProfileCreate. No scenario uses a new profile yet, so nothing is recomputed.' })
export class TemperatureProfileCreatePayload {
  @Field(() => TemperatureProfile, { nullable: true, description: 'The profile created (null when userErrors is not empty).' })
  temperatureProfile!: TemperatureProfile | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of temperatureProfileDaysSet.' })
export class TemperatureProfileDaysSetInput {
  @Field(() => ID, { description: 'Global id of the temperature profile.' })
  id!: string;

  @Field(() => Int, {
    description:
      'The version of the profile the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.',
  })
  version!: number;

  @Field(() => [TemperatureProfileDayInput], { description: `Day values, each day number at most once (at most ${MAX_PROFILE_DAYS}).` })
  days!: TemperatureProfileDayInput[];

  @Field(() => Boolean, {
    defaultValue: false,
    description: "true: the profile's curve becomes exactly `days` (other days are deleted); false: `days` are inserted or overwritten, other days kept.",
  })
  replace!: boolean;
}

@ObjectType({ description: 'Result of temperatureProfileDaysSet.' })
export class TemperatureProfileDaysSetPayload {
  @Field(() => TemperatureProfile, { nullable: true, description: 'The profile as stored now, with its new version (null when userErrors is not empty).' })
  temperatureProfile!: TemperatureProfile | null;

  @Field(() => [RecomputeJob], {
    description:
      'Recompute jobs queued (or merged into), one per batch whose scenario uses the profile (ended ones included); empty when no day value changed.',
  })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
