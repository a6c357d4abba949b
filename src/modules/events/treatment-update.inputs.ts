import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { TreatmentType } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { KEEP } from '../operations/payload.js';
import { RECOMPUTE_JOB_DESCRIPTION, VERSION_DESCRIPTION } from './event-update.inputs.js';
import { TreatmentFishInput } from './treatment-create.inputs.js';
import { Treatment, TreatmentFish } from './treatment.entity.js';

@InputType({
  description:
    'Input of treatmentUpdate: the fields to change (left out: unchanged). fish[] replaces the weighing with individual fish (count and mean weight computed server-side); weighedCount and avgWeightG may only be changed on a treatment without individual fish; both null remove the weighing (and any fish).',
})
export class TreatmentUpdateInput {
  @Field(() => ID, { description: 'Global id of the treatment.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the assignment treated (moves the treatment). ${KEEP}` })
  assignmentId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Day of the treatment: inside the assignment interval, not after today. ${KEEP}` })
  treatmentDate?: string | null;

  @Field(() => TreatmentType, { nullable: true, description: `Kind of treatment. ${KEEP}` })
  treatmentType?: TreatmentType | null;

  @Field(() => ID, { nullable: true, description: `Global id of the vaccine product (VACCINATION only); null clears it. ${KEEP}` })
  vaccinationTypeId?: string | null;

  @Field(() => String, { nullable: true, description: `Product or method used (1 to 100 characters). ${KEEP}` })
  product?: string | null;

  @Field(() => String, { nullable: true, description: `Dosage as given, free text (at most 100 characters); null clears it. ${KEEP}` })
  dosage?: string | null;

  @Field(() => Int, { nullable: true, description: `Days before the fish may be harvested (0 to 3,650). ${KEEP}` })
  withholdingDays?: number | null;

  @Field(() => [TreatmentFishInput], { nullable: true, description: 'Replaces the weighing with individual fish (1 to 10,000); excludes weighedCount and avgWeightG.' })
  fish?: TreatmentFishInput[] | null;

  @Field(() => Int, { nullable: true, description: `Fish weighed (≥ 1), without fish[]; null (with avgWeightG null) removes the weighing. ${KEEP}` })
  weighedCount?: number | null;

  @Field(() => Float, { nullable: true, description: `Mean weight of the weighed fish, g (> 0), without fish[]; null (with weighedCount null) removes the weighing. ${KEEP}` })
  avgWeightG?: number | null;
}

@ObjectType({ description: 'Result of treatmentUpdate.' })
export class TreatmentUpdatePayload {
  @Field(() => Treatment, { nullable: true, description: 'The treatment as stored now (null when userErrors is not empty).' })
  treatment!: Treatment | null;

  @Field(() => [TreatmentFish], { description: 'Its weighed fish, by number (empty without individual fish).' })
  fish!: TreatmentFish[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the treatment belongs to now.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: RECOMPUTE_JOB_DESCRIPTION })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of treatmentDelete.' })
export class TreatmentDeleteInput {
  @Field(() => ID, { description: 'Global id of the treatment.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;
}

@ObjectType({ description: 'Result of treatmentDelete.' })
export class TreatmentDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted treatment (null when userErrors is not empty).' })
  deletedId!: string | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the treatment belonged to.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, {
    nullable: true,
    description: 'The recompute job queued (or merged into) for the batch when the treatment included a weighing (a weight anchor); null otherwise.',
  })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
