import { Check, Entity, Enum, Index, ManyToOne, Property, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import {
  SelectionMethod,
  TransferMethod,
  TransferStatus,
  TransferWorkflowStatus,
  TransferWorkflowType,
} from '../enums.js';
import { LifecycleStage } from '../species/species.entity.js';

/** Groups the transfer actions of one operation, e.g. a stage transition. Its status follows its actions. */
@Entity()
@Index({ properties: ['batch', 'status'] })
@Check({
  name: 'transfer_workflow_actual_completion_date_check',
  expression: 'actual_completion_date >= actual_start_date',
})
@ObjectType({ implements: Node, description: 'A group of transfer actions forming one operation (e.g. a stage transition).' })
export class TransferWorkflow extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @Property({ type: 'string', length: 50, unique: true })
  @Field(() => String, { description: 'Unique number, e.g. TRF-FO-2024-001-D091.' })
  workflowNumber!: string;

  @Enum({ items: () => TransferWorkflowType })
  @Field(() => TransferWorkflowType, { description: 'Purpose of the workflow.' })
  workflowType!: TransferWorkflowType;

  @Enum({ items: () => TransferWorkflowStatus, default: TransferWorkflowStatus.PLANNED })
  @Field(() => TransferWorkflowStatus, { description: 'Status, following the actions.' })
  status: TransferWorkflowStatus = TransferWorkflowStatus.PLANNED;

  @ManyToOne(() => LifecycleStage, { deleteRule: 'restrict' })
  sourceStage!: Rel<LifecycleStage>;

  @ManyToOne(() => LifecycleStage, { deleteRule: 'restrict' })
  destStage!: Rel<LifecycleStage>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Planned first day.' })
  plannedStartDate!: DateString;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Day the first action was executed.' })
  actualStartDate?: DateString | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Day the last action was executed.' })
  actualCompletionDate?: DateString | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;
}

/**
 * One movement of counted fish from one assignment to another of the same batch. The composite keys
 * (batch_id, source_assignment_id) and (batch_id, dest_assignment_id) → batch_container_assignment (batch_id, id)
 * make a cross-batch transfer impossible. The growth engine reads COMPLETED actions only.
 */
@Entity()
@Index({ properties: ['batch', 'executionDate'] })
@Index({
  name: 'transfer_action_source_assignment_id_execution_date_index',
  expression:
    'create index "transfer_action_source_assignment_id_execution_date_index" on "transfer_action" ("source_assignment_id", "execution_date") where status = \'COMPLETED\'',
})
@Index({
  name: 'transfer_action_dest_assignment_id_execution_date_index',
  expression:
    'create index "transfer_action_dest_assignment_id_execution_date_index" on "transfer_action" ("dest_assignment_id", "execution_date") where status = \'COMPLETED\'',
})
@Check({ name: 'transfer_action_assignments_check', expression: 'source_assignment_id <> dest_assignment_id' })
@Check({
  name: 'transfer_action_execution_date_check',
  expression: "status <> 'COMPLETED' or execution_date is not null",
})
@Check({ name: 'transfer_action_transferred_count_check', expression: 'transferred_count > 0' })
@Check({ name: 'transfer_action_mortality_during_transfer_check', expression: 'mortality_during_transfer >= 0' })
@Check({ name: 'transfer_action_measured_avg_weight_g_check', expression: 'measured_avg_weight_g > 0' })
@Check({ name: 'transfer_action_measured_sample_size_check', expression: 'measured_sample_size > 0' })
@ObjectType({ implements: Node, description: 'One movement of counted fish between two assignments of the same batch.' })
export class TransferAction extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @ManyToOne(() => TransferWorkflow, { nullable: true, deleteRule: 'no action', index: true })
  workflow?: Rel<TransferWorkflow> | null;

  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'source_assignment_id'],
    referencedColumnNames: ['batch_id', 'id'],
    deleteRule: 'no action',
  })
  sourceAssignment!: Rel<BatchContainerAssignment>;

  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'dest_assignment_id'],
    referencedColumnNames: ['batch_id', 'id'],
    deleteRule: 'no action',
  })
  destAssignment!: Rel<BatchContainerAssignment>;

  @Enum({ items: () => TransferStatus })
  @Field(() => TransferStatus, { description: 'PLANNED, COMPLETED or CANCELLED; the growth engine reads COMPLETED only.' })
  status!: TransferStatus;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Planned day.' })
  plannedDate?: DateString | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, {
    nullable: true,
    description: 'Day the fish moved (set when COMPLETED); the destination starts and an emptied source ends on it.',
  })
  executionDate?: DateString | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish arriving alive in the destination.' })
  transferredCount!: number;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int, { description: 'Fish that died in handling or transit (never also a mortality event).' })
  mortalityDuringTransfer: number = 0;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Fish in the source before the transfer (informational snapshot).' })
  sourcePopulationBefore?: number | null;

  @Property(numeric(12, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Biomass moved, kg (informational snapshot).' })
  transferredBiomassKg?: number | null;

  @Enum({ items: () => TransferMethod, nullable: true })
  @Field(() => TransferMethod, { nullable: true, description: 'How the fish were moved.' })
  transferMethod?: TransferMethod | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Mean weight measured during the transfer, g (a weight anchor).' })
  measuredAvgWeightG?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Fish weighed for measuredAvgWeightG.' })
  measuredSampleSize?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Standard deviation of the measured weights, g.' })
  measuredStdDevG?: number | null;

  @Enum({ items: () => SelectionMethod, default: SelectionMethod.AVERAGE })
  @Field(() => SelectionMethod, { description: 'Which fish a partial transfer selected.' })
  selectionMethod: SelectionMethod = SelectionMethod.AVERAGE;

  @Property({ type: 'boolean', default: false })
  @Field(() => Boolean, { description: 'Whether the transfer empties the source (its departure date = executionDate).' })
  emptiesSource: boolean = false;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Who carried out the transfer.' })
  executedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;
}
