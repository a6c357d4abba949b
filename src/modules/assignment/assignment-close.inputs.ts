import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { Batch } from '../batch/batch.entity.js';
import { AssignmentCloseReason } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { BatchContainerAssignment } from './assignment.entity.js';

@InputType({ description: 'Input of assignmentClose.' })
export class AssignmentCloseInput {
  @Field(() => ID, { description: 'Global id of the open assignment.' })
  assignmentId!: string;

  @Field(() => DateScalar, {
    description: 'Departure day (the first day no longer in the container): after the arrival day, not after today, and after every event of the assignment.',
  })
  date!: string;

  @Field(() => AssignmentCloseReason, { description: 'Why the assignment ends (harvests are recorded with harvestCreate).' })
  reason!: AssignmentCloseReason;
}

@ObjectType({ description: 'Result of assignmentClose.' })
export class AssignmentClosePayload {
  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The closed assignment (null when userErrors is not empty).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => Batch, { nullable: true, description: 'Its batch (COMPLETED when this was its last open assignment).' })
  batch!: Batch | null;

  @Field(() => Boolean, { description: 'Whether closing this assignment completed the batch.' })
  batchCompleted!: boolean;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
