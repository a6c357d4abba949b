import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { MortalityCause } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent, MortalityReport } from './mortality.entity.js';

@InputType({ description: 'One weighed (and optionally measured) fish of a growth sample.' })
export class GrowthSampleFishInput {
  @Field(() => Float, { description: 'Weight, g (> 0).' })
  weightG!: number;

  @Field(() => Float, { nullable: true, description: 'Fork length, cm (> 0).' })
  lengthCm?: number | null;
}

@InputType({
  description:
    'Input of growthSampleCreate: either individual fish (aggregates and condition factor computed server-side) or the aggregates (sampleSize and avgWeightG at least).',
})
export class GrowthSampleCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment sampled.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'Day of the sample: inside the assignment interval, not after today.' })
  sampleDate!: string;

  @Field(() => [GrowthSampleFishInput], { nullable: true, description: 'Individual fish (1 to 10,000); excludes the aggregate fields.' })
  fish?: GrowthSampleFishInput[] | null;

  @Field(() => Int, { nullable: true, description: 'Fish weighed (≥ 1), without fish[].' })
  sampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean weight, g (> 0), without fish[].' })
  avgWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: 'Standard deviation of the weights, g, without fish[].' })
  stdDevWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: 'Lightest fish, g, without fish[].' })
  minWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: 'Heaviest fish, g, without fish[].' })
  maxWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean fork length, cm, without fish[] (gives the condition factor from the means).' })
  avgLengthCm?: number | null;

  @Field(() => Float, { nullable: true, description: 'Standard deviation of the lengths, cm, without fish[].' })
  stdDevLengthCm?: number | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of growthSampleCreate.' })
export class GrowthSampleCreatePayload {
  @Field(() => GrowthSample, { nullable: true, description: 'The sample (null when userErrors is not empty).' })
  growthSample!: GrowthSample | null;

  @Field(() => [GrowthSampleFish], { description: 'Its fish, by number (empty for an aggregate sample).' })
  fish!: GrowthSampleFish[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment sampled.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of mortalityEventCreate.' })
export class MortalityEventCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment the fish died in.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'Day of the deaths: inside the assignment interval, not after today.' })
  eventDate!: string;

  @Field(() => Int, { description: 'Dead fish (> 0). Transfer deaths belong on the transfer, not here.' })
  count!: number;

  @Field(() => MortalityCause, { defaultValue: MortalityCause.UNKNOWN, description: 'Recorded cause of death.' })
  cause!: MortalityCause;

  @Field(() => Float, { nullable: true, description: 'Weight of the dead fish, kg (≥ 0).' })
  biomassKg?: number | null;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of mortalityEventCreate.' })
export class MortalityEventCreatePayload {
  @Field(() => MortalityEvent, { nullable: true, description: 'The event (null when userErrors is not empty).' })
  mortalityEvent!: MortalityEvent | null;

  @Field(() => MortalityReport, { nullable: true, description: "The day's mortality report (created with the first event of the day)." })
  mortalityReport!: MortalityReport | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: "Input of mortalityReportSet: states that an assignment's deaths on a day are complete (possibly zero)." })
export class MortalityReportSetInput {
  @Field(() => ID, { description: 'Global id of the assignment.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'The day: inside the assignment interval, not after today.' })
  reportDate!: string;
}

@ObjectType({ description: 'Result of mortalityReportSet.' })
export class MortalityReportSetPayload {
  @Field(() => MortalityReport, { nullable: true, description: 'The report (null when userErrors is not empty).' })
  mortalityReport!: MortalityReport | null;

  @Field(() => Boolean, { description: 'False when the day was already reported (nothing changed, nothing queued).' })
  created!: boolean;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into); null when nothing changed.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
