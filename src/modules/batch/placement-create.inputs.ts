import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { BatchPlacement } from './batch-placement.entity.js';

@InputType({
  description:
    'Input of placementCreate: fish entering a batch from outside, either as a top-up of an assignment of the batch (assignmentId) or into a free container, where a new assignment starts on placementDate (containerId with lifecycleStageId).',
})
export class PlacementCreateInput {
  @Field(() => ID, { description: 'Global id of the batch.' })
  batchId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of an assignment of the batch in place on placementDate (a top-up).' })
  assignmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of a free, active HOLDING container for a new assignment.' })
  containerId?: string | null;

  @Field(() => ID, { nullable: true, description: "With containerId: global id of the new assignment's stage on arrival (a stage of the batch's species)." })
  lifecycleStageId?: string | null;

  @Field(() => DateScalar, { description: 'Day the fish entered (not after today, not before the batch start).' })
  placementDate!: string;

  @Field(() => Int, { description: 'Fish (or eggs) placed (> 0).' })
  count!: number;

  @Field(() => Float, { description: 'Mean weight on placement, g (> 0).' })
  avgWeightG!: number;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of placementCreate.' })
export class PlacementCreatePayload {
  @Field(() => BatchPlacement, { nullable: true, description: 'The placement (null when userErrors is not empty).' })
  placement!: BatchPlacement | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment that received the fish (new or topped up).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
