import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { TransferWorkflowType } from '../enums.js';
import { IdempotencyKeyField, KEEP } from '../operations/payload.js';
import { TransferWorkflow } from './transfer.entity.js';

const VERSION =
  'The version of the workflow the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.';
const STAGES =
  "Both stages must be of the batch's species; a LIFECYCLE_TRANSITION goes to a later stage than it leaves.";

@InputType({
  description: `Input of transferWorkflowCreate. The workflow number is derived: TRF-<batch number>-D<day number of plannedStartDate>. ${STAGES}`,
})
export class TransferWorkflowCreateInput {
  @Field(() => ID, { description: 'Global id of the batch (PLANNED or ACTIVE) whose fish the workflow moves.' })
  batchId!: string;

  @Field(() => TransferWorkflowType, { description: 'Purpose of the workflow.' })
  workflowType!: TransferWorkflowType;

  @Field(() => ID, { description: 'Global id of the stage the fish leave.' })
  sourceStageId!: string;

  @Field(() => ID, { description: 'Global id of the stage the fish enter.' })
  destStageId!: string;

  @Field(() => DateScalar, {
    description: 'Planned first day (on or after the batch start). The workflow number is derived from it and must be unused (CONFLICT naming the workflow that has it); a later change of the day keeps the number.',
  })
  plannedStartDate!: string;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({
  description: `Input of transferWorkflowUpdate: the descriptive fields and the planned start day (left out: unchanged). The workflow number, status and actual dates are not edited: the number identifies the workflow, status and actual dates follow its actions. ${STAGES}`,
})
export class TransferWorkflowUpdateInput {
  @Field(() => ID, { description: 'Global id of the workflow (not CANCELLED).' })
  id!: string;

  @Field(() => Int, { description: VERSION })
  version!: number;

  @Field(() => TransferWorkflowType, { nullable: true, description: `Purpose of the workflow. ${KEEP}` })
  workflowType?: TransferWorkflowType | null;

  @Field(() => ID, { nullable: true, description: `Global id of the stage the fish leave. ${KEEP}` })
  sourceStageId?: string | null;

  @Field(() => ID, { nullable: true, description: `Global id of the stage the fish enter. ${KEEP}` })
  destStageId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Planned first day (on or after the batch start; the number keeps its first day). ${KEEP}` })
  plannedStartDate?: string | null;

  @Field(() => String, { nullable: true, description: `Free-text notes; null clears them. ${KEEP}` })
  notes?: string | null;
}

@InputType({ description: 'Input of transferWorkflowCancel.' })
export class TransferWorkflowCancelInput {
  @Field(() => ID, { description: 'Global id of the workflow (PLANNED: none of its actions is COMPLETED).' })
  id!: string;

  @Field(() => Int, { description: VERSION })
  version!: number;
}

/** Fields shared by the workflow mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the transfer workflow mutation payloads.' })
export abstract class TransferWorkflowPayload {
  @Field(() => TransferWorkflow, { nullable: true, description: 'The workflow as stored now (null when userErrors is not empty).' })
  transferWorkflow!: TransferWorkflow | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of transferWorkflowCreate.' })
export class TransferWorkflowCreatePayload extends TransferWorkflowPayload {}

@ObjectType({ description: 'Result of transferWorkflowUpdate.' })
export class TransferWorkflowUpdatePayload extends TransferWorkflowPayload {}

@ObjectType({ description: 'Result of transferWorkflowCancel.' })
export class TransferWorkflowCancelPayload extends TransferWorkflowPayload {}
