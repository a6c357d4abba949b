import { Check, Entity, Index, ManyToOne, Property, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch, BatchCreation } from './batch.entity.js';

/** Fish entering the batch from outside (egg delivery, purchase) into one assignment. */
@Entity()
@Index({
  name: 'batch_placement_assignment_id_placement_date_index',
  // Not `properties: ['assignment', …]`: that would expand the composite relation to (batch_id, assignment_id).
  expression:
    'create index "batch_placement_assignment_id_placement_date_index" on "batch_placement" ("assignment_id", "placement_date")',
})
@Check({ name: 'batch_placement_count_check', expression: 'count > 0' })
@Check({ name: 'batch_placement_avg_weight_g_check', expression: 'avg_weight_g > 0' })
@ObjectType({ implements: Node, description: 'Fish entering a batch from outside (egg delivery, purchase).' })
export class BatchPlacement extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade', index: true })
  batch!: Rel<Batch>;

  /** Composite key (batch_id, assignment_id) → batch_container_assignment (batch_id, id): same batch only. */
  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'assignment_id'],
    referencedColumnNames: ['batch_id', 'id'],
    deleteRule: 'no action',
  })
  assignment!: Rel<BatchContainerAssignment>;

  @ManyToOne(() => BatchCreation, { nullable: true, deleteRule: 'no action', index: true })
  creation?: Rel<BatchCreation> | null;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day the fish entered.' })
  placementDate!: DateString;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish (or eggs) placed.' })
  count!: number;

  @Property(numeric(10, 4))
  @Field(() => Float, { description: 'Mean weight on placement, g.' })
  avgWeightG!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;
}
