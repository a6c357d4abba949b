import {
  Check,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  PrimaryKeyProp,
  Property,
  Unique,
  type Rel,
} from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { IdType, numeric, type DateString } from '../../db/types.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { Node } from '../../graphql/common/node.js';
import { DateTimeScalar } from '../../graphql/common/scalars.js';
import { Container, Sensor } from '../infrastructure/container.entity.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';

/**
 * One sensor or manual reading. Range-partitioned by month on `reading_time`, so the primary key includes it.
 * The partitioning is hand-written in the migration (MikroORM cannot describe it).
 */
@Entity()
// Idempotent ingest key; NULLS NOT DISTINCT so manual readings without a sensor are deduplicated too.
@Unique({
  name: 'environmental_reading_container_parameter_sensor_time_unique',
  expression:
    'alter table "environmental_reading" add constraint "environmental_reading_container_parameter_sensor_time_unique" unique nulls not distinct ("container_id", "parameter_id", "sensor_id", "reading_time")',
})
@Index({
  name: 'environmental_reading_container_parameter_time_idx',
  // MikroORM 6 cannot express DESC through `properties`; "latest reading" queries walk this index backwards.
  expression:
    'create index "environmental_reading_container_parameter_time_idx" on "environmental_reading" ("container_id", "parameter_id", "reading_time" desc)',
})
@ObjectType({ implements: Node, description: 'One environmental reading of a parameter in a container.' })
export class EnvironmentalReading {
  [PrimaryKeyProp]?: ['id', 'readingTime'];
  [OptionalProps]?: 'isManual' | 'ingestedAt' | 'nodeId';

  /**
   * Identity, declared before the partition key on purpose: MikroORM 6.6 writes a generated insert id into the
   * first primary-key property (with (reading_time, id) an ORM insert overwrites readingTime), so the key is
   * (id, reading_time); a lookup by id alone probes each partition's key index. MikroORM's own CREATE TABLE
   * omits a composite key containing an identity column: the hand-written partitioned table declares it.
   */
  @PrimaryKey({ type: IdType, columnType: 'bigint', generated: 'by default as identity', autoincrement: true })
  id!: number;

  /** Partition key, second in the primary key. */
  @PrimaryKey({ type: 'datetime', columnType: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Instant the value was measured (UTC).' })
  readingTime!: Date;

  @ManyToOne(() => Container, { deleteRule: 'restrict' })
  container!: Rel<Container>;

  @ManyToOne(() => EnvironmentalParameter, { deleteRule: 'restrict' })
  parameter!: Rel<EnvironmentalParameter>;

  @ManyToOne(() => Sensor, { nullable: true, deleteRule: 'restrict' })
  sensor?: Rel<Sensor> | null;

  @Property(numeric(10, 4))
  @Field(() => Float, { description: 'Measured value, in the unit of the parameter.' })
  value!: number;

  @Property({ type: 'boolean', default: false })
  @Field(() => Boolean, { description: 'True when entered by hand rather than by a sensor.' })
  isManual: boolean = false;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Who entered a manual reading (API token name).' })
  recordedBy?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onCreate: () => new Date() })
  @Field(() => DateTimeScalar, { description: 'Instant the reading was stored.' })
  ingestedAt!: Date;

  /** Opaque Relay id; the GraphQL `Node.id` field resolves from here. */
  get nodeId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}

/**
 * Daily statistics of one parameter in one container (UTC day), rewritten inside the ingest transaction for
 * every touched (container, parameter, day). The growth engine reads TEMPERATURE means from here.
 * Range-partitioned by year on `date` (hand-written in the migration).
 */
@Entity()
@Check({ name: 'environmental_daily_reading_count_check', expression: 'reading_count > 0' })
export class EnvironmentalDaily {
  [PrimaryKeyProp]?: ['container', 'parameter', 'date'];

  @ManyToOne(() => Container, { primary: true, deleteRule: 'restrict' })
  container!: Rel<Container>;

  @ManyToOne(() => EnvironmentalParameter, { primary: true, deleteRule: 'restrict' })
  parameter!: Rel<EnvironmentalParameter>;

  @PrimaryKey({ type: 'date' })
  date!: DateString;

  /** Mean of the day's readings, in the parameter unit. */
  @Property(numeric(10, 4))
  avgValue!: number;

  /** Lowest reading of the day, in the parameter unit. */
  @Property(numeric(10, 4))
  minValue!: number;

  /** Highest reading of the day, in the parameter unit. */
  @Property(numeric(10, 4))
  maxValue!: number;

  /** Readings behind the statistics. */
  @Property({ type: 'integer' })
  readingCount!: number;
}
