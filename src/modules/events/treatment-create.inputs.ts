import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { TreatmentType } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { Treatment, TreatmentFish } from './treatment.entity.js';

@InputType({ description: 'One fish weighed (and optionally measured) during a treatment.' })
export class TreatmentFishInput {
  @Field(() => Float, { description: 'Weight, g (> 0).' })
  weightG!: number;

  @Field(() => Float, { nullable: true, description: 'Fork length, cm (> 0).' })
  lengthCm?: number | null;
}

@InputType({
  description:
    'Input of treatmentCreate. A treatment includes a weighing (a weight anchor of the growth engine) when it lists individual fish (weighedCount and avgWeightG computed server-side) or gives weighedCount and avgWeightG.',
})
export class TreatmentCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment treated.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'Day of the treatment: inside the assignment interval, not after today.' })
  treatmentDate!: string;

  @Field(() => TreatmentType, { description: 'Kind of treatment.' })
  treatmentType!: TreatmentType;

  @Field(() => ID, { nullable: true, description: 'Global id of the vaccine product (VACCINATION only).' })
  vaccinationTypeId?: string | null;

  @Field(() => String, { description: 'Product or method used (1 to 100 characters).' })
  product!: string;

  @Field(() => String, { nullable: true, description: 'Dosage as given, free text (at most 100 characters).' })
  dosage?: string | null;

  @Field(() => Int, { defaultValue: 0, description: 'Days before the fish may be harvested (0 to 3,650).' })
  withholdingDays!: number;

  @Field(() => [TreatmentFishInput], { nullable: true, description: 'Individual fish weighed (1 to 10,000); excludes weighedCount and avgWeightG.' })
  fish?: TreatmentFishInput[] | null;

  @Field(() => Int, { nullable: true, description: 'Fish weighed (≥ 1), with avgWeightG, without fish[].' })
  weighedCount?: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean weight of the weighed fish, g (> 0), with weighedCount, without fish[].' })
  avgWeightG?: number | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of treatmentCreate.' })
export class TreatmentCreatePayload {
  @Field(() => Treatment, { nullable: true, description: 'The treatment (null when userErrors is not empty).' })
  treatment!: Treatment | null;

  @Field(() => [TreatmentFish], { description: 'Its weighed fish, by number (empty without individual fish).' })
  fish!: TreatmentFish[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment treated.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, {
    nullable: true,
    description: 'The recompute job queued (or merged into) for the batch when the treatment includes a weighing (a weight anchor); null otherwise.',
  })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
