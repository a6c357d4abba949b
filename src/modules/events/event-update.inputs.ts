import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { MortalityCause } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { GrowthSampleFishInput } from './event-create.inputs.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent, MortalityReport } from './mortality.entity.js';
import { KEEP } from '../operations/payload.js';

export const VERSION_DESCRIPTION =
  'The version of the event the edit is based on (optimistic locking): when the stored version differs, the edit is rejected with STALE_VERSION and nothing is written.';
export const RECOMPUTE_JOB_DESCRIPTION =
  "The recompute job queued (or merged into) for the event's batch; null when no growth-engine input changed.";

@InputType({
  description:
    'Input of growthSampleUpdate: the fields to change (left out: unchanged). fish[] replaces the individual fish and recomputes every aggregate; the aggregate fields may only be changed on a sample without individual fish.',
})
export class GrowthSampleUpdateInput {
  @Field(() => ID, { description: 'Global id of the growth sample.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the assignment the sample belongs to (moves it). ${KEEP}` })
  assignmentId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Day of the sample: inside the assignment interval, not after today. ${KEEP}` })
  sampleDate?: string | null;

  @Field(() => [GrowthSampleFishInput], { nullable: true, description: 'Replaces the individual fish (1 to 10,000); excludes the aggregate fields.' })
  fish?: GrowthSampleFishInput[] | null;

  @Field(() => Int, { nullable: true, description: `Fish weighed (≥ 1), without fish[]. ${KEEP}` })
  sampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: `Mean weight, g (> 0), without fish[]. ${KEEP}` })
  avgWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: `Standard deviation of the weights, g, without fish[]; null clears it. ${KEEP}` })
  stdDevWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: `Lightest fish, g, without fish[]; null clears it. ${KEEP}` })
  minWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: `Heaviest fish, g, without fish[]; null clears it. ${KEEP}` })
  maxWeightG?: number | null;

  @Field(() => Float, { nullable: true, description: `Mean fork length, cm, without fish[] (the condition factor follows); null clears it. ${KEEP}` })
  avgLengthCm?: number | null;

  @Field(() => Float, { nullable: true, description: `Standard deviation of the lengths, cm, without fish[]; null clears it. ${KEEP}` })
  stdDevLengthCm?: number | null;
}

@ObjectType({ description: 'Result of growthSampleUpdate.' })
export class GrowthSampleUpdatePayload {
  @Field(() => GrowthSample, { nullable: true, description: 'The sample as stored now (null when userErrors is not empty).' })
  growthSample!: GrowthSample | null;

  @Field(() => [GrowthSampleFish], { description: 'Its fish, by number (empty for an aggregate sample).' })
  fish!: GrowthSampleFish[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the sample belongs to now.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: RECOMPUTE_JOB_DESCRIPTION })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of growthSampleDelete.' })
export class GrowthSampleDeleteInput {
  @Field(() => ID, { description: 'Global id of the growth sample.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;
}

@ObjectType({ description: 'Result of growthSampleDelete.' })
export class GrowthSampleDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted sample (null when userErrors is not empty).' })
  deletedId!: string | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the sample belonged to.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of mortalityEventUpdate: the fields to change (left out: unchanged).' })
export class MortalityEventUpdateInput {
  @Field(() => ID, { description: 'Global id of the mortality event.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the assignment the fish died in (moves the event). ${KEEP}` })
  assignmentId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Day of the deaths: inside the assignment interval, not after today. ${KEEP}` })
  eventDate?: string | null;

  @Field(() => Int, { nullable: true, description: `Dead fish (> 0). ${KEEP}` })
  count?: number | null;

  @Field(() => MortalityCause, { nullable: true, description: `Recorded cause of death. ${KEEP}` })
  cause?: MortalityCause | null;

  @Field(() => Float, { nullable: true, description: `Weight of the dead fish, kg (≥ 0); null clears it. ${KEEP}` })
  biomassKg?: number | null;

  @Field(() => String, { nullable: true, description: `Free-text description; null clears it. ${KEEP}` })
  description?: string | null;
}

@ObjectType({ description: 'Result of mortalityEventUpdate.' })
export class MortalityEventUpdatePayload {
  @Field(() => MortalityEvent, { nullable: true, description: 'The event as stored now (null when userErrors is not empty).' })
  mortalityEvent!: MortalityEvent | null;

  @Field(() => MortalityReport, { nullable: true, description: "The mortality report of the event's (new) day, created with it when missing." })
  mortalityReport!: MortalityReport | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the event belongs to now.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: RECOMPUTE_JOB_DESCRIPTION })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of mortalityEventDelete.' })
export class MortalityEventDeleteInput {
  @Field(() => ID, { description: 'Global id of the mortality event.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;
}

@ObjectType({ description: 'Result of mortalityEventDelete.' })
export class MortalityEventDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted event (null when userErrors is not empty).' })
  deletedId!: string | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the event belonged to.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
