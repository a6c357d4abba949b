import { IdempotencyKeyField, KEEP } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { SelectionMethod, TransferMethod } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { TransferAction } from './transfer.entity.js';

const VERSION =
  'The version of the transfer the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.';
const PLANNED_VALUE = 'Left out: the planned value.';

@InputType({ description: 'Input of transferComplete: the day the fish moved and, where they differ from the plan, the counts and weight.' })
export class TransferCompleteInput {
  @Field(() => ID, { description: 'Global id of the PLANNED transfer.' })
  id!: string;

  @Field(() => Int, { description: VERSION })
  version!: number;

  @Field(() => DateScalar, {
    description:
      'Day the fish moved (not after today, after the source began). A destination the plan reserved in a free container starts on it; an existing destination must be in place on it.',
  })
  executionDate!: string;

  @Field(() => Int, { nullable: true, description: `Fish arriving alive in the destination (> 0). ${PLANNED_VALUE}` })
  transferredCount?: number | null;

  @Field(() => Int, { nullable: true, description: `Fish that died in handling or transit (≥ 0). ${PLANNED_VALUE}` })
  mortalityDuringTransfer?: number | null;

  @Field(() => Float, { nullable: true, description: `Mean weight measured during the transfer, g (a weight anchor). ${PLANNED_VALUE}` })
  measuredAvgWeightG?: number | null;

  @Field(() => Int, { nullable: true, description: `Fish weighed for measuredAvgWeightG (≥ 1). ${PLANNED_VALUE}` })
  measuredSampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: `Standard deviation of the measured weights, g. ${PLANNED_VALUE}` })
  measuredStdDevG?: number | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the transfer empties the source (it ends on executionDate, TRANSFERRED). ${PLANNED_VALUE}` })
  emptiesSource?: boolean | null;

  @Field(() => TransferMethod, { nullable: true, description: `How the fish were moved. ${PLANNED_VALUE}` })
  transferMethod?: TransferMethod | null;

  @Field(() => String, { nullable: true, description: 'Who carried out the transfer (default: the planned value, else the API token name).' })
  executedBy?: string | null;

  @Field(() => String, { nullable: true, description: `Free-text notes. ${PLANNED_VALUE}` })
  notes?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of transferCancel.' })
export class TransferCancelInput {
  @Field(() => ID, { description: 'Global id of the PLANNED transfer.' })
  id!: string;

  @Field(() => Int, { description: VERSION })
  version!: number;
}

@InputType({
  description:
    'Input of transferUpdate: the fields to change (left out: unchanged). A PLANNED transfer changes its plan; a COMPLETED one corrects counts, weights and its day (with the create rules). Changes that would move a container booking (the day of a transfer that opened its destination or emptied its source, emptiesSource itself) are refused (VALIDATION).',
})
export class TransferUpdateInput {
  @Field(() => ID, { description: 'Global id of the transfer (PLANNED or COMPLETED).' })
  id!: string;

  @Field(() => Int, { description: VERSION })
  version!: number;

  @Field(() => DateScalar, { nullable: true, description: `Planned day (a PLANNED transfer's day; informational once COMPLETED). ${KEEP}` })
  plannedDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Day the fish moved (COMPLETED only; not after today). ${KEEP}` })
  executionDate?: string | null;

  @Field(() => Int, { nullable: true, description: `Fish arriving alive in the destination (> 0). ${KEEP}` })
  transferredCount?: number | null;

  @Field(() => Int, { nullable: true, description: `Fish that died in handling or transit (≥ 0). ${KEEP}` })
  mortalityDuringTransfer?: number | null;

  @Field(() => Float, { nullable: true, description: `Mean weight measured during the transfer, g; null clears it. ${KEEP}` })
  measuredAvgWeightG?: number | null;

  @Field(() => Int, { nullable: true, description: `Fish weighed for measuredAvgWeightG (≥ 1); null clears it. ${KEEP}` })
  measuredSampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: `Standard deviation of the measured weights, g; null clears it. ${KEEP}` })
  measuredStdDevG?: number | null;

  @Field(() => SelectionMethod, { nullable: true, description: `Which fish a partial transfer selected. ${KEEP}` })
  selectionMethod?: SelectionMethod | null;

  @Field(() => TransferMethod, { nullable: true, description: `How the fish were moved; null clears it. ${KEEP}` })
  transferMethod?: TransferMethod | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the transfer empties the source (PLANNED only: a COMPLETED transfer keeps it). ${KEEP}` })
  emptiesSource?: boolean | null;

  @Field(() => String, { nullable: true, description: `Who carried out the transfer; null clears it. ${KEEP}` })
  executedBy?: string | null;

  @Field(() => String, { nullable: true, description: `Free-text notes; null clears them. ${KEEP}` })
  notes?: string | null;
}

/** Fields shared by the payloads of transferComplete and transferUpdate (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of TransferCompletePayload and TransferUpdatePayload.' })
export abstract class TransferEditPayload {
  @Field(() => TransferAction, { nullable: true, description: 'The transfer as stored now (null when userErrors is not empty).' })
  transferAction!: TransferAction | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The source assignment, as it is now.' })
  sourceAssignment!: BatchContainerAssignment | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The destination assignment, as it is now.' })
  destAssignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, {
    nullable: true,
    description: "The recompute job queued (or merged into) for the batch; null when no growth-engine input changed (a plan's edit).",
  })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of transferComplete.' })
export class TransferCompletePayload extends TransferEditPayload {}

@ObjectType({ description: 'Result of transferUpdate.' })
export class TransferUpdatePayload extends TransferEditPayload {}

@ObjectType({ description: 'Result of transferCancel.' })
export class TransferCancelPayload {
  @Field(() => TransferAction, { nullable: true, description: 'The CANCELLED transfer (null when userErrors is not empty).' })
  transferAction!: TransferAction | null;

  @Field(() => BatchContainerAssignment, {
    nullable: true,
    description: "The destination assignment the plan named; it stays (see transferCancel's description).",
  })
  destAssignment!: BatchContainerAssignment | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
