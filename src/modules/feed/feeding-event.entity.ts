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
import { Field, Float, ObjectType } from 'type-graphql';
import { IdType, numeric, type DateString } from '../../db/types.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { FeedingMethod } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { Feed, FeedContainer } from './feed.entity.js';

/**
 * Feed given to a container. Range-partitioned by quarter on `feeding_date` (hand-written in the migration), so
 * the primary key includes it. An event without an assignment is attributed by the growth engine to the
 * assignment occupying the container that day; a linked assignment must occupy it on `feeding_date`.
 *
 * Mutable like the other operational events, but with its own keys (it cannot extend MutableEntity, whose
 * primary key is `id` alone).
 */
@Entity()
@Index({ properties: ['container', 'feedingDate'] })
@Index({
  name: 'feeding_event_assignment_id_feeding_date_index',
  expression:
    'create index "feeding_event_assignment_id_feeding_date_index" on "feeding_event" ("assignment_id", "feeding_date") where "assignment_id" is not null',
})
// = (fed_at at time zone 'UTC')::date, written so the schema diff stays empty: PostgreSQL 15 deparses AT TIME ZONE
// as timezone() while 16+ keeps the syntax (a timezone() call deparses the same everywhere), and MikroORM's
// introspection mistakes a check starting with `column = … 'literal'::type` for an enum check.
@Check({ name: 'feeding_event_feeding_date_check', expression: "timezone('UTC', fed_at)::date = feeding_date" })
@Check({ name: 'feeding_event_amount_kg_check', expression: 'amount_kg > 0' })
@ObjectType({ implements: Node, description: 'Feed given to a container at one instant.' })
export class FeedingEvent {
  [PrimaryKeyProp]?: ['id', 'feedingDate'];
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'version' | 'nodeId';

  /**
   * Identity, declared before the partition key on purpose: MikroORM 6.6 writes a generated insert id into the
   * first primary-key property (with (feeding_date, id) an ORM insert overwrites feedingDate), so the key is
   * (id, feeding_date); a lookup by id alone probes each partition's key index. MikroORM's own CREATE TABLE
   * omits a composite key containing an identity column: the hand-written partitioned table declares it.
   */
  @PrimaryKey({ type: IdType, columnType: 'bigint', generated: 'by default as identity', autoincrement: true })
  id!: number;

  /** Partition key, second in the primary key: the UTC day of `fedAt` (CHECK). */
  @PrimaryKey({ type: 'date' })
  @Field(() => DateScalar, { description: 'UTC day of fedAt.' })
  feedingDate!: DateString;

  @ManyToOne(() => Container, { deleteRule: 'restrict' })
  container!: Rel<Container>;

  /**
   * Explicit attribution. Nullable, so a single-column key (the batch is not stored on the event). CASCADE:
   * deleting a batch (PLANNED or seed data) removes its assignments and with them the feed linked to them.
   */
  @ManyToOne(() => BatchContainerAssignment, { nullable: true, deleteRule: 'cascade' })
  assignment?: Rel<BatchContainerAssignment> | null;

  @ManyToOne(() => Feed, { deleteRule: 'restrict' })
  feed!: Rel<Feed>;

  @ManyToOne(() => FeedContainer, { nullable: true, deleteRule: 'restrict' })
  feedContainer?: Rel<FeedContainer> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Instant the feed was given.' })
  fedAt!: Date;

  @Property(numeric(10, 4))
  @Field(() => Float, { description: 'Feed given, kg.' })
  amountKg!: number;

  @Enum({ items: () => FeedingMethod })
  @Field(() => FeedingMethod, { description: 'How the feed was delivered.' })
  method!: FeedingMethod;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the event (API token name; `seed` for generated data).' })
  recordedBy!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onCreate: () => new Date() })
  createdAt!: Date;

  @Property({
    type: 'datetime',
    columnType: 'timestamptz',
    defaultRaw: 'now()',
    onCreate: () => new Date(),
    onUpdate: () => new Date(),
  })
  updatedAt!: Date;

  @Property({ type: 'integer', version: true, default: 1 })
  version!: number;

  /** Opaque Relay id; the GraphQL `Node.id` field resolves from here. */
  get nodeId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}
