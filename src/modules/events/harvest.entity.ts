import { Check, Entity, Index, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { IdentifiedEntity, MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';

/**
 * Fish removed for slaughter: an outflow for the growth engine. Like a transfer it may fall on the departure
 * date; a harvest that empties the assignment closes it (departure = harvest date, HARVESTED). The composite
 * key (batch_id, assignment_id) keeps the event inside its batch.
 */
@Entity()
@Index({
  name: 'harvest_event_assignment_id_harvest_date_index',
  // Not `properties: ['assignment', …]`: that would expand the composite relation to (batch_id, assignment_id).
  expression:
    'create index "harvest_event_assignment_id_harvest_date_index" on "harvest_event" ("assignment_id", "harvest_date")',
})
@Check({ name: 'harvest_event_count_check', expression: 'count > 0' })
@Check({ name: 'harvest_event_live_biomass_kg_check', expression: 'live_biomass_kg > 0' })
@ObjectType({ implements: Node, description: 'Fish removed from an assignment for slaughter.' })
export class HarvestEvent extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'assignment_id'],
    referencedColumnNames: ['batch_id', 'id'],
    deleteRule: 'no action',
  })
  assignment!: Rel<BatchContainerAssignment>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day of the harvest (inside the assignment interval or on its departure day).' })
  harvestDate!: DateString;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish harvested.' })
  count!: number;

  @Property(numeric(12, 2))
  @Field(() => Float, { description: 'Live weight of the harvested fish, kg.' })
  liveBiomassKg!: number;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the harvest (API token name; `seed` for generated data).' })
  recordedBy!: string;
}

/** The fish of one size class in a harvest; the lot counts sum to the event count (checked by the mutation). */
@Entity()
@Unique({ properties: ['harvestEvent', 'sizeClass'] })
@Check({ name: 'harvest_lot_count_check', expression: 'count > 0' })
@Check({ name: 'harvest_lot_avg_weight_g_check', expression: 'avg_weight_g > 0' })
@ObjectType({ implements: Node, description: 'The fish of one size class in a harvest.' })
export class HarvestLot extends IdentifiedEntity {
  @ManyToOne(() => HarvestEvent, { deleteRule: 'cascade' })
  harvestEvent!: Rel<HarvestEvent>;

  @Property({ type: 'string', length: 16 })
  @Field(() => String, { description: 'Size class, e.g. 4-5kg; unique within the harvest.' })
  sizeClass!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish in the lot.' })
  count!: number;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Mean weight of the lot, g.' })
  avgWeightG!: number;
}
