import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import { versionResolver } from '../../graphql/common/version-resolver.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Area } from '../infrastructure/area.entity.js';
import { Hall } from '../infrastructure/freshwater-station.entity.js';
import { runOperation } from '../operations/operation.js';
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
    const errors = checkFeedCreateInput(input);
    if (errors.length > 0) return { feed: null, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'feedCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createFeed(tx, input),
      constraintErrors: FEED_CONSTRAINTS,
    });
    if (!outcome.ok) return { feed: null, userErrors: outcome.userErrors };
    return { feed: await loadById(ctx, Feed, outcome.resourceId), userErrors: [] };
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
    const errors = checkFeedUpdateInput(input);
    if (errors.length > 0) return { feed: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'feedUpdate', write: (tx) => updateFeed(tx, input), constraintErrors: FEED_CONSTRAINTS });
    if (!outcome.ok) return { feed: null, userErrors: outcome.userErrors };
    return { feed: await loadById(ctx, Feed, outcome.resourceId), userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FeedContainerCreatePayload, {
    description: 'Creates a feed store (silo, barge, tank) in an active hall of a freshwater station or an active sea area (VALIDATION otherwise). The name is unique within that hall or area (CONFLICT).',
  })
  async feedContainerCreate(
    @Arg('input', () => FeedContainerCreateInput, { description: 'The feed store.' }) input: FeedContainerCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FeedContainerCreatePayload> {
    const errors = checkFeedContainerCreateInput(input);
    if (errors.length > 0) return { feedContainer: null, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'feedContainerCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createFeedContainer(tx, input),
      constraintErrors: FEED_CONTAINER_CONSTRAINTS,
    });
    if (!outcome.ok) return { feedContainer: null, userErrors: outcome.userErrors };
    return { feedContainer: await loadById(ctx, FeedContainer, outcome.resourceId), userErrors: [] };
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
    const errors = checkFeedContainerUpdateInput(input);
    if (errors.length > 0) return { feedContainer: null, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'feedContainerUpdate',
      write: (tx) => updateFeedContainer(tx, input),
      constraintErrors: FEED_CONTAINER_CONSTRAINTS,
    });
    if (!outcome.ok) return { feedContainer: null, userErrors: outcome.userErrors };
    return { feedContainer: await loadById(ctx, FeedContainer, outcome.resourceId), userErrors: [] };
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
