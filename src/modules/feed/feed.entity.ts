import { Check, Entity, Enum, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { FeedContainerType, FeedSizeCategory } from '../enums.js';
import { Area } from '../infrastructure/area.entity.js';
import { Hall } from '../infrastructure/freshwater-station.entity.js';

/** A feed product. Purchases, stock and costing are out of scope for v1. */
@Entity()
@Check({ name: 'feed_pellet_size_mm_check', expression: 'pellet_size_mm > 0' })
@Check({ name: 'feed_protein_pct_check', expression: 'protein_pct >= 0 and protein_pct <= 100' })
@Check({ name: 'feed_fat_pct_check', expression: 'fat_pct >= 0 and fat_pct <= 100' })
@ObjectType({ implements: Node, description: 'A feed product.' })
export class Feed extends MutableEntity {
  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Product name, unique.' })
  name!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Brand or manufacturer.' })
  brand?: string | null;

  @Enum({ items: () => FeedSizeCategory })
  @Field(() => FeedSizeCategory, { description: 'Pellet size class.' })
  sizeCategory!: FeedSizeCategory;

  @Property(numeric(5, 2))
  @Field(() => Float, { description: 'Pellet diameter, mm.' })
  pelletSizeMm!: number;

  @Property(numeric(5, 2))
  @Field(() => Float, { description: 'Protein content, % of feed weight (0–100).' })
  proteinPct!: number;

  @Property(numeric(5, 2))
  @Field(() => Float, { description: 'Fat content, % of feed weight (0–100).' })
  fatPct!: number;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the feed is in use.' })
  active: Opt<boolean> = true;
}

/**
 * A feed store (silo, barge, …) in exactly one hall or sea area (CHECK). The plain unique keys suffice: rows
 * with a null hall_id (area stores) never collide on (hall_id, name), and vice versa.
 */
@Entity()
@Unique({ properties: ['hall', 'name'] })
@Unique({ properties: ['area', 'name'] })
@Check({ name: 'feed_container_location_check', expression: 'num_nonnulls(hall_id, area_id) = 1' })
@Check({ name: 'feed_container_capacity_kg_check', expression: 'capacity_kg > 0' })
@ObjectType({ implements: Node, description: 'A feed store (silo, barge, tank) in a hall or a sea area.' })
export class FeedContainer extends MutableEntity {
  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Name, unique within its hall or area.' })
  name!: string;

  @Enum({ items: () => FeedContainerType })
  @Field(() => FeedContainerType, { description: 'Kind of feed store.' })
  feedContainerType!: FeedContainerType;

  @ManyToOne(() => Hall, { nullable: true, deleteRule: 'restrict' })
  hall?: Rel<Hall> | null;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict' })
  area?: Rel<Area> | null;

  @Property(numeric(12, 2))
  @Field(() => Float, { description: 'Storage capacity, kg.' })
  capacityKg!: number;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the store is in use.' })
  active: Opt<boolean> = true;
}
