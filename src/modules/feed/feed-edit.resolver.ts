import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import { versionResolver } from '../../graphql/common/version-resolver.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Area } from '../infrastructure/area.entity.js';
import { Hall } from '../infrastructure/freshwater-station.entity.js';
import { runEdit } from '../operations/edit.js';
import { loadById } from '../operations/payload.js';
import {
  FeedContainerCreateInput,
  FeedContainerCreatePayload,
  FeedContainerUpdateInput,
  FeedContainerUpdatePayload,
  FeedCreateInput,
  FeedCreatePayload,
  FeedUpdateInput,
  FeedUpdatePayload,
} from './feed-edit.inputs.js';
import {
  checkFeedContainerCreateInput,
  checkFeedContainerUpdateInput,
  checkFeedCreateInput,
  checkFeedUpdateInput,
  createFeed,
  createFeedContainer,
  FEED_CONSTRAINTS,
  FEED_CONTAINER_CONSTRAINTS,
  updateFeed,
  updateFeedContainer,
} from './feed-edit.service.js';
import { Feed, FeedContainer } from './feed.entity.js';

@Resolver()
export class FeedEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedCreatePayload, { description: 'Creates a feed product. The name is unique (CONFLICT). Nothing is recomputed.' })
  async feedCreate(
    @Arg('input', () => FeedCreateInput, { description: 'The feed.' }) input: FeedCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Feed, checkFeedCreateInput(input), {
      mutation: 'feedCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createFeed(tx, input),
      constraintErrors: FEED_CONSTRAINTS,
    });
    return { feed: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedUpdatePayload, {
    description:
      'Changes a feed product (optimistic locking on version); the name stays unique (CONFLICT). Recorded feedings keep pointing at it. Nothing is recomputed: the growth engine reads feeding amounts, not feed properties.',
  })
  async feedUpdate(
    @Arg('input', () => FeedUpdateInput, { description: 'The feed, its version and the changes.' }) input: FeedUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Feed, checkFeedUpdateInput(input), { mutation: 'feedUpdate', write: (tx) => updateFeed(tx, input), constraintErrors: FEED_CONSTRAINTS });
    return { feed: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedContainerCreatePayload, {
    description: 'Creates a feed store (silo, barge, tank) in an active hall of a freshwater station or an active sea area (VALIDATION otherwise). The name is unique within that hall or area (CONFLICT).',
  })
  async feedContainerCreate(
    @Arg('input', () => FeedContainerCreateInput, { description: 'The feed store.' }) input: FeedContainerCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedContainerCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, FeedContainer, checkFeedContainerCreateInput(input), {
      mutation: 'feedContainerCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createFeedContainer(tx, input),
      constraintErrors: FEED_CONTAINER_CONSTRAINTS,
    });
    return { feedContainer: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedContainerUpdatePayload, {
    description:
      'Changes a feed store (optimistic locking on version), possibly moving it to another active hall or area (VALIDATION otherwise); the name stays unique there (CONFLICT). Nothing is recomputed.',
  })
  async feedContainerUpdate(
    @Arg('input', () => FeedContainerUpdateInput, { description: 'The feed store, its version and the changes.' }) input: FeedContainerUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedContainerUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, FeedContainer, checkFeedContainerUpdateInput(input), {
      mutation: 'feedContainerUpdate',
      write: (tx) => updateFeedContainer(tx, input),
      constraintErrors: FEED_CONTAINER_CONSTRAINTS,
    });
    return { feedContainer: row, userErrors };
  }
}

/** `version` of feeds and feed stores, the optimistic-locking counters feedUpdate and feedContainerUpdate take back. */
export const FeedVersionResolver = versionResolver(Feed, 'feedUpdate');
export const FeedContainerVersionResolver = versionResolver(FeedContainer, 'feedContainerUpdate');

/** Where a feed store is (the hall or area it was placed in). */
@Resolver(() => FeedContainer)
export class FeedContainerEditFieldsResolver {
  @FieldResolver(() => Hall, { nullable: true, description: 'Hall of a freshwater station the store is in (null for a store in a sea area).' })
  hall(@Root() store: FeedContainer, @Ctx() ctx: GraphQLContext): Promise<Hall | null> {
    return loadById(ctx, Hall, store.hall?.id);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'Sea area the store is in (null for a store in a hall).' })
  area(@Root() store: FeedContainer, @Ctx() ctx: GraphQLContext): Promise<Area | null> {
    return loadById(ctx, Area, store.area?.id);
  }
}
