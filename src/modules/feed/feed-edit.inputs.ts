import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/common/user-error.js';
import { FeedContainerType, FeedSizeCategory } from '../enums.js';
import { IdempotencyKeyField, KEEP } from '../operations/payload.js';
import { Feed, FeedContainer } from './feed.entity.js';

const versionDescription = (label: string) =>
  `The version of the ${label} the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.`;

@InputType({ description: 'Input of feedCreate.' })
export class FeedCreateInput {
  @Field(() => String, { description: 'Product name (at most 100 characters), unique.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Brand or manufacturer (at most 100 characters).' })
  brand?: string | null;

  @Field(() => FeedSizeCategory, { description: 'Pellet size class.' })
  sizeCategory!: FeedSizeCategory;

  @Field(() => Float, { description: 'Pellet diameter, mm (> 0, below 1000).' })
  pelletSizeMm!: number;

  @Field(() => Float, { description: 'Protein content, % of feed weight (0–100; protein + fat ≤ 100).' })
  proteinPct!: number;

  @Field(() => Float, { description: 'Fat content, % of feed weight (0–100; protein + fat ≤ 100).' })
  fatPct!: number;

  @Field(() => Boolean, { nullable: true, description: 'Whether the feed is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of feedCreate.' })
export class FeedCreatePayload {
  @Field(() => Feed, { nullable: true, description: 'The feed (null when userErrors is not empty).' })
  feed!: Feed | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of feedUpdate: the fields to change (left out: unchanged), checked with the rules of feedCreate.' })
export class FeedUpdateInput {
  @Field(() => ID, { description: 'Global id of the feed.' })
  id!: string;

  @Field(() => Int, { description: versionDescription('feed') })
  version!: number;

  @Field(() => String, { nullable: true, description: `Product name, unique. ${KEEP}` })
  name?: string | null;

  @Field(() => String, { nullable: true, description: `Brand or manufacturer; null clears it. ${KEEP}` })
  brand?: string | null;

  @Field(() => FeedSizeCategory, { nullable: true, description: `Pellet size class. ${KEEP}` })
  sizeCategory?: FeedSizeCategory | null;

  @Field(() => Float, { nullable: true, description: `Pellet diameter, mm. ${KEEP}` })
  pelletSizeMm?: number | null;

  @Field(() => Float, { nullable: true, description: `Protein content, % of feed weight. ${KEEP}` })
  proteinPct?: number | null;

  @Field(() => Float, { nullable: true, description: `Fat content, % of feed weight. ${KEEP}` })
  fatPct?: number | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the feed is in use. ${KEEP}` })
  active?: boolean | null;
}

@ObjectType({ description: 'Result of feedUpdate.' })
export class FeedUpdatePayload {
  @Field(() => Feed, { nullable: true, description: 'The feed as stored now (null when userErrors is not empty).' })
  feed!: Feed | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of feedContainerCreate: a feed store in exactly one of a hall (freshwater station) or a sea area.' })
export class FeedContainerCreateInput {
  @Field(() => String, { description: 'Name (at most 100 characters), unique within its hall or area.' })
  name!: string;

  @Field(() => FeedContainerType, { description: 'Kind of feed store.' })
  feedContainerType!: FeedContainerType;

  @Field(() => ID, { nullable: true, description: 'Global id of the hall the store is in (give this or areaId).' })
  hallId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the sea area the store is in (give this or hallId).' })
  areaId?: string | null;

  @Field(() => Float, { description: 'Storage capacity, kg (> 0).' })
  capacityKg!: number;

  @Field(() => Boolean, { nullable: true, description: 'Whether the store is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of feedContainerCreate.' })
export class FeedContainerCreatePayload {
  @Field(() => FeedContainer, { nullable: true, description: 'The feed store (null when userErrors is not empty).' })
  feedContainer!: FeedContainer | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of feedContainerUpdate: the fields to change (left out: unchanged), checked with the rules of feedContainerCreate.' })
export class FeedContainerUpdateInput {
  @Field(() => ID, { description: 'Global id of the feed store.' })
  id!: string;

  @Field(() => Int, { description: versionDescription('feed store') })
  version!: number;

  @Field(() => String, { nullable: true, description: `Name, unique within its hall or area. ${KEEP}` })
  name?: string | null;

  @Field(() => FeedContainerType, { nullable: true, description: `Kind of feed store. ${KEEP}` })
  feedContainerType?: FeedContainerType | null;

  @Field(() => ID, { nullable: true, description: `Global id of a hall to move the store to (not together with areaId). ${KEEP}` })
  hallId?: string | null;

  @Field(() => ID, { nullable: true, description: `Global id of a sea area to move the store to (not together with hallId). ${KEEP}` })
  areaId?: string | null;

  @Field(() => Float, { nullable: true, description: `Storage capacity, kg (> 0). ${KEEP}` })
  capacityKg?: number | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the store is in use. ${KEEP}` })
  active?: boolean | null;
}

@ObjectType({ description: 'Result of feedContainerUpdate.' })
export class FeedContainerUpdatePayload {
  @Field(() => FeedContainer, { nullable: true, description: 'The feed store as stored now (null when userErrors is not empty).' })
  feedContainer!: FeedContainer | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
