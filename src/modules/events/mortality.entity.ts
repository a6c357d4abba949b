import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  PrimaryKeyProp,
  Property,
  type Rel,
} from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { MortalityCause } from '../enums.js';

/**
 * Fish found dead in an assignment's container on one day. Transfer deaths are recorded on the transfer, never
 * here. The composite key (batch_id, assignment_id) keeps the event inside its batch.
 */
@Entity()
@Index({
  name: 'mortality_event_assignment_id_event_date_index',
  // Not `properties: ['assignment', …]`: that would expand the composite relation to (batch_id, assignment_id).
  expression:
    'create index "mortality_event_assignment_id_event_date_index" on "mortality_event" ("assignment_id", "event_date")',
})
@Index({ properties: ['batch', 'eventDate'] })
@Check({ name: 'mortality_event_count_check', expression: 'count > 0' })
@Check({ name: 'mortality_event_biomass_kg_check', expression: 'biomass_kg >= 0' })
@ObjectType({ implements: Node, description: 'Fish found dead in a container on one day.' })
export class MortalityEvent extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @ManyToOne(() => BatchContainerAssignment, {
    joinColumns: ['batch_id', 'assignment_id'],
    referencedColumnNames: ['batch_id', 'id'],
    deleteRule: 'no action',
  })
  assignment!: Rel<BatchContainerAssignment>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day of the deaths (inside the assignment interval).' })
  eventDate!: DateString;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Dead fish.' })
  count!: number;

  @Enum({ items: () => MortalityCause })
  @Field(() => MortalityCause, { description: 'Recorded cause of death.' })
  cause!: MortalityCause;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Weight of the dead fish, kg.' })
  biomassKg?: number | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the event (API token name; `seed` for generated data).' })
  recordedBy!: string;
}

/**
 * "Deaths for this day are complete" for one assignment, possibly zero. Created implicitly with every mortality
 * event and explicitly for zero-death days; without it the growth engine models mortality for the day.
 */
@Entity()
@ObjectType({ description: "The operator's statement that an assignment's deaths on a day were counted (possibly zero)." })
export class MortalityReport {
  [PrimaryKeyProp]?: ['assignment', 'reportDate'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => BatchContainerAssignment, { primary: true, deleteRule: 'cascade' })
  assignment!: Rel<BatchContainerAssignment>;

  @PrimaryKey({ type: 'date' })
  @Field(() => DateScalar, { description: 'The day whose deaths are complete.' })
  reportDate!: DateString;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who reported (API token name; `seed` for generated data).' })
  recordedBy!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onCreate: () => new Date() })
  @Field(() => DateTimeScalar, { description: 'Instant the report was stored.' })
  createdAt!: Date;
}
