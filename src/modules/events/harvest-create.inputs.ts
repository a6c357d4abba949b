import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { HarvestEvent, HarvestLot } from './harvest.entity.js';

@InputType({ description: 'The fish of one size class in a harvest.' })
export class HarvestLotInput {
  @Field(() => String, { description: 'Size class, e.g. 4-5kg (1 to 16 characters; unique within the harvest).' })
  sizeClass!: string;

  @Field(() => Int, { description: 'Fish in the lot (> 0).' })
  count!: number;

  @Field(() => Float, { description: 'Mean weight of the lot, g (> 0).' })
  avgWeightG!: number;
}

@InputType({ description: 'Input of harvestCreate.' })
export class HarvestCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment harvested.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'Day of the harvest: after the assignment began, not after its departure or today.' })
  harvestDate!: string;

  @Field(() => Int, { description: 'Fish harvested (> 0); at most the fish present (checked against a fresh series).' })
  count!: number;

  @Field(() => Float, { description: 'Live weight of the harvested fish, kg (> 0).' })
  liveBiomassKg!: number;

  @Field(() => [HarvestLotInput], { description: 'Size classes; their counts sum to count.' })
  lots!: HarvestLotInput[];

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of harvestCreate.' })
export class HarvestCreatePayload {
  @Field(() => HarvestEvent, { nullable: true, description: 'The harvest (null when userErrors is not empty).' })
  harvest!: HarvestEvent | null;

  @Field(() => [HarvestLot], { description: 'Its lots, by size class.' })
  lots!: HarvestLot[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment harvested, as it is now (closed when emptied).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => Batch, { nullable: true, description: 'Its batch (COMPLETED when this harvest emptied its last open assignment).' })
  batch!: Batch | null;

  @Field(() => Boolean, { description: 'Whether the harvest took every remaining fish and closed the assignment (HARVESTED).' })
  assignmentClosed!: boolean;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
