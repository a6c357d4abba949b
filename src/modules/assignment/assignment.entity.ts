import { Check, Entity, Enum, Index, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { bigintColumn, numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { AssignmentCloseReason } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { LifecycleStage } from '../species/species.entity.js';

/**
 * One batch's fish in one container over [assignmentDate, departureDate). The database keeps a container from
 * holding two assignments on one day with an exclusion constraint (hand-written in the migration). Opening
 * columns are immutable snapshots for display; the growth engine never reads them.
 */
@Entity()
@Unique({ name: 'batch_container_assignment_batch_id_id_unique', properties: ['batch', 'id'] })
// Target of the daily series' owner key (batch, assignment, container): one check ties a daily row to its
// assignment and proves its denormalised batch and container are the assignment's.
@Unique({ name: 'batch_container_assignment_batch_id_id_container_id_unique', properties: ['batch', 'id', 'container'] })
// No double booking: a container holds at most one assignment on any day; intervals are half-open, so the
// departing assignment of a transfer day ends exactly where the arriving one begins.
@Index({
  name: 'batch_container_assignment_no_overlap',
  expression:
    'alter table "batch_container_assignment" add constraint "batch_container_assignment_no_overlap" exclude using gist ("container_id" with =, daterange("assignment_date", "departure_date", \'[)\') with &&)',
})
// Implied by the exclusion constraint; kept as a cheap explicit guard and the lookup index for open assignments.
@Unique({
  name: 'batch_container_assignment_open_unique',
  expression:
    'create unique index "batch_container_assignment_open_unique" on "batch_container_assignment" ("batch_id", "container_id") where "departure_date" is null',
})
@Index({ properties: ['batch', 'assignmentDate'] })
@Index({ properties: ['batch', 'departureDate'] })
@Index({ properties: ['container', 'assignmentDate'] })
@Check({ name: 'batch_container_assignment_departure_date_check', expression: 'departure_date > assignment_date' })
@Check({ name: 'batch_container_assignment_opening_population_check', expression: 'opening_population >= 0' })
@Check({ name: 'batch_container_assignment_opening_avg_weight_g_check', expression: 'opening_avg_weight_g > 0' })
@ObjectType({
  implements: Node,
  description: "One batch's stay in one container over [assignmentDate, departureDate).",
})
export class BatchContainerAssignment extends MutableEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @ManyToOne(() => Container, { deleteRule: 'restrict' })
  container!: Rel<Container>;

  @ManyToOne(() => LifecycleStage, { deleteRule: 'restrict' })
  lifecycleStage!: Rel<LifecycleStage>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Arrival day (first day in the container).' })
  assignmentDate!: DateString;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Exit day (not a day in the container); null while active.' })
  departureDate?: DateString | null;

  @Enum({ items: () => AssignmentCloseReason, nullable: true })
  @Field(() => AssignmentCloseReason, { nullable: true, description: 'Why the assignment ended.' })
  closeReason?: AssignmentCloseReason | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish arriving on the assignment date (snapshot; never read by the engine).' })
  openingPopulation!: number;

  @Property(numeric(10, 4, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Mean weight on arrival, g (snapshot).' })
  openingAvgWeightG?: number | null;

  /** Recompute watermark: rows from this day on are stale (growth-engine.md §6). */
  @Property({ type: 'date', nullable: true })
  dirtyFrom?: DateString | null;

  /** Incremented on every dirty mark, so a job clears the watermark with compare-and-set. */
  @Property(bigintColumn({ default: 0 }))
  dirtySeq: Opt<number> = 0;
}
