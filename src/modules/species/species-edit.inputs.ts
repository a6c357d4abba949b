import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/common/user-error.js';
import { StageEnvironment } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { IdempotencyKeyField, KEEP } from '../operations/payload.js';
import { LifecycleStage, Species } from './species.entity.js';

const TGC = 'Default thermal growth coefficient, per 1000 °C·day: 0 (no growth) or 0.1–10';
const MORTALITY = 'Default daily mortality, % of fish per day, in [0, 100)';

@InputType({ description: 'Input of speciesCreate.' })
export class SpeciesCreateInput {
  @Field(() => String, { description: 'Common name (at most 100 characters), unique.' })
  name!: string;

  @Field(() => String, { description: 'Scientific name (at most 200 characters), unique.' })
  scientificName!: string;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of speciesCreate.' })
export class SpeciesCreatePayload {
  @Field(() => Species, { nullable: true, description: 'The species (null when userErrors is not empty).' })
  species!: Species | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of lifecycleStageCreate.' })
export class LifecycleStageCreateInput {
  @Field(() => ID, { description: 'Global id of the species the stage belongs to.' })
  speciesId!: string;

  @Field(() => String, { description: 'Stable code in SCREAMING_SNAKE_CASE (at most 32 characters), unique within the species, e.g. FRY.' })
  code!: string;

  @Field(() => String, { description: 'Display name (at most 100 characters).' })
  name!: string;

  @Field(() => Int, { description: 'Position in the lifecycle (1 = first), unique within the species.' })
  order!: number;

  @Field(() => Float, { nullable: true, description: 'Typical weight entering the stage, g (> 0; below maxWeightG).' })
  minWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: 'Weight at which fish advance to the next stage, g (> 0); null: they never advance by weight.' })
  maxWeightG?: number | null;

  @Field(() => Int, { nullable: true, description: 'Typical days spent in the stage (> 0).' })
  typicalDurationDays?: number | null;

  @Field(() => Float, { nullable: true, description: `${TGC}; null: the scenario's TGC applies.` })
  defaultTgc?: number | null;

  @Field(() => Float, { nullable: true, description: `${MORTALITY}; null: the scenario's rate applies.` })
  defaultDailyMortalityPct?: number | null;

  @Field(() => StageEnvironment, { description: 'Freshwater or sea.' })
  environment!: StageEnvironment;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'Input of lifecycleStageUpdate (left out: unchanged). Order, maxWeightG, defaultTgc and defaultDailyMortalityPct are growth-engine inputs: changing one recomputes the batches of the species.',
})
export class LifecycleStageUpdateInput {
  @Field(() => ID, { description: 'Global id of the stage.' })
  id!: string;

  @Field(() => Int, {
    description:
      'The version of the stage the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.',
  })
  version!: number;

  @Field(() => String, { nullable: true, description: `Stable code in SCREAMING_SNAKE_CASE, unique within the species. ${KEEP}` })
  code?: string | null;

  @Field(() => String, { nullable: true, description: `Display name. ${KEEP}` })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: `Position in the lifecycle (1 = first), unique within the species. ${KEEP}` })
  order?: number | null;

  @Field(() => Float, { nullable: true, description: `Typical weight entering the stage, g (> 0); null clears it. ${KEEP}` })
  minWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: `Weight at which fish advance to the next stage, g (> 0); null clears it. ${KEEP}` })
  maxWeightG?: number | null;

  @Field(() => Int, { nullable: true, description: `Typical days spent in the stage (> 0); null clears it. ${KEEP}` })
  typicalDurationDays?: number | null;

  @Field(() => Float, { nullable: true, description: `${TGC}; null clears it (the scenario's TGC applies). ${KEEP}` })
  defaultTgc?: number | null;

  @Field(() => Float, { nullable: true, description: `${MORTALITY}; null clears it (the scenario's rate applies). ${KEEP}` })
  defaultDailyMortalityPct?: number | null;

  @Field(() => StageEnvironment, { nullable: true, description: `Freshwater or sea. ${KEEP}` })
  environment?: StageEnvironment | null;
}

const STAGE_RESULT = 'The stage as stored now (null when userErrors is not empty).';
const STAGE_JOBS =
  'Recompute jobs queued (or merged into) because a growth-engine input of the species changed: one per batch of the species (ended ones included), each from the batch start. Empty for a descriptive change (on an idempotent replay: at most the first).';

@ObjectType({ description: 'Result of lifecycleStageCreate.' })
export class LifecycleStageCreatePayload {
  @Field(() => LifecycleStage, { nullable: true, description: STAGE_RESULT })
  lifecycleStage!: LifecycleStage | null;

  @Field(() => [RecomputeJob], { description: STAGE_JOBS })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of lifecycleStageUpdate.' })
export class LifecycleStageUpdatePayload {
  @Field(() => LifecycleStage, { nullable: true, description: STAGE_RESULT })
  lifecycleStage!: LifecycleStage | null;

  @Field(() => [RecomputeJob], { description: STAGE_JOBS })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
