import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { SelectionMethod, TransferMethod, TransferStatus } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { TransferAction } from './transfer.entity.js';

@InputType({
  description:
    'Input of transferCreate. The destination is an existing assignment of the same batch (destAssignmentId) or a free container (destContainerId), in which a new assignment starts on the transfer day.',
})
export class TransferCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment the fish leave.' })
  sourceAssignmentId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of an existing assignment of the same batch receiving the fish.' })
  destAssignmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of a free HOLDING container for a new destination assignment.' })
  destContainerId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "With destContainerId: global id of the new assignment's stage on arrival (default: the source's stage).",
  })
  lifecycleStageId?: string | null;

  @Field(() => TransferStatus, { defaultValue: TransferStatus.COMPLETED, description: 'COMPLETED (default: the fish moved) or PLANNED.' })
  status!: TransferStatus;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Day the fish moved (required for COMPLETED, not after today; absent for PLANNED). The destination starts on it.',
  })
  executionDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Planned day (required for PLANNED).' })
  plannedDate?: string | null;

  @Field(() => Int, { description: 'Fish arriving alive in the destination (> 0).' })
  transferredCount!: number;

  @Field(() => Int, { defaultValue: 0, description: 'Fish that died in handling or transit (≥ 0; never also a mortality event).' })
  mortalityDuringTransfer!: number;

  @Field(() => Float, { nullable: true, description: 'Mean weight measured during the transfer, g (a weight anchor).' })
  measuredAvgWeightG?: number | null;

  @Field(() => Int, { nullable: true, description: 'Fish weighed for measuredAvgWeightG (≥ 1).' })
  measuredSampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: 'Standard deviation of the measured weights, g.' })
  measuredStdDevG?: number | null;

  @Field(() => SelectionMethod, { defaultValue: SelectionMethod.AVERAGE, description: 'Which fish a partial transfer selected.' })
  selectionMethod!: SelectionMethod;

  @Field(() => TransferMethod, { nullable: true, description: 'How the fish were moved.' })
  transferMethod?: TransferMethod | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Whether the transfer empties the source: a COMPLETED one ends the source assignment on executionDate (TRANSFERRED).',
  })
  emptiesSource!: boolean;

  @Field(() => String, { nullable: true, description: 'Who carried out the transfer (default: the API token name).' })
  executedBy?: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Global id of a workflow of the same batch (not CANCELLED) the transfer belongs to; the workflow's status and actual dates follow its transfers.",
  })
  workflowId?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of transferCreate.' })
export class TransferCreatePayload {
  @Field(() => TransferAction, { nullable: true, description: 'The transfer (null when userErrors is not empty).' })
  transferAction!: TransferAction | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The source assignment, as it is now.' })
  sourceAssignment!: BatchContainerAssignment | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The destination assignment (new or existing).' })
  destAssignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
