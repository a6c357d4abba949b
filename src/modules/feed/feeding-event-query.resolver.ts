import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange } from '../../graphql/common/date-range.js';
import { sqlIn, sqlPaginate, type SqlFragment, type SqlOrderKey, type SqlPageSpec } from '../../graphql/common/keyset.js';
import { refId } from '../../graphql/common/loader-helpers.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { Container } from '../infrastructure/container.entity.js';
import { Feed, FeedContainer } from './feed.entity.js';
import { FeedingEvent } from './feeding-event.entity.js';
import { FeedingEventOrderField, FeedingEventsArgs, type FeedingEventFilter, type FeedingEventOrder } from './feeding-event-query.inputs.js';

export const FeedingEventConnection = connectionOf('FeedingEvent', FeedingEvent, 'A page of feeding events.');

/**
 * FED_AT sorts on (feeding_date, fed_at): the same order, since feeding_date is the UTC day of fed_at (CHECK), but
 * with the partition key leading, so a cursor bounds feeding_date and PostgreSQL prunes the partitions behind it.
 */
const ORDER_KEYS: Record<FeedingEventOrderField, (direction: SortDirection) => SqlOrderKey[]> = {
  [FeedingEventOrderField.FED_AT]: (direction) => [
    { sql: 'e.feeding_date', type: 'date', direction },
    { sql: 'e.fed_at', type: 'timestamptz', direction },
  ],
  [FeedingEventOrderField.AMOUNT_KG]: (direction) => [{ sql: 'e.amount_kg', type: 'numeric', direction }],
};

/**
 * The SQL of a `feedingEvents` list. Every date condition is on feeding_date, the partition key, so the partitions
 * outside the range are pruned. Exported for the partition-pruning test.
 */
export function feedingEventPageSpec(filter: FeedingEventFilter | undefined, orderBy: FeedingEventOrder[] | undefined): SqlPageSpec<FeedingEvent> {
  const f = filter ?? {};
  const where: SqlFragment[] = [];
  if (f.dateRange) {
    assertDateRange(f.dateRange, 'filter.dateRange');
    where.push({ sql: 'e.feeding_date between ?::date and ?::date', params: [f.dateRange.from, f.dateRange.to] });
  }
  if (f.containerIds) where.push(sqlIn('e.container_id', decodeIds('Container', f.containerIds, 'filter.containerIds')));
  if (f.assignmentIds) {
    // The growth engine's attribution: linked to the assignment, or unlinked in its container while it was there
    // (a linked assignment always occupies the container that day, so the interval condition holds for both).
    const ids = sqlIn('a.id', decodeIds('BatchContainerAssignment', f.assignmentIds, 'filter.assignmentIds'));
    where.push({
      sql: `exists (select 1 from batch_container_assignment a
                     where ${ids.sql} and a.container_id = e.container_id and e.feeding_date >= a.assignment_date
                       and e.feeding_date < coalesce(a.departure_date, 'infinity'::date)
                       and (e.assignment_id is null or e.assignment_id = a.id))`,
      params: ids.params,
    });
  }
  if (f.feedIds) where.push(sqlIn('e.feed_id', decodeIds('Feed', f.feedIds, 'filter.feedIds')));
  if (f.methods) where.push(sqlIn('e.method', f.methods));
  const order = orderBy?.length ? orderBy : [{ field: FeedingEventOrderField.FED_AT, direction: SortDirection.DESC }];
  return {
    entity: FeedingEvent,
    columns: 'e.*',
    from: { sql: 'feeding_event e', params: [] },
    where,
    order: order.flatMap((key) => ORDER_KEYS[key.field](key.direction)),
    idColumn: 'e.id',
  };
}

@Resolver()
export class FeedQueryResolver {
  @Query(() => [Feed], { description: 'Feed products, by name.' })
  feeds(
    @Arg('activeOnly', () => Boolean, { nullable: true, description: 'true: only feeds in use; default all.' }) activeOnly: boolean | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Feed[]> {
    return ctx.em.find(Feed, activeOnly ? { active: true } : {}, { orderBy: { name: 'asc' } });
  }

  @Query(() => FeedingEventConnection, { description: 'Feed given to containers, filtered and sorted (default: newest first).' })
  async feedingEvents(@Args(() => FeedingEventsArgs) args: FeedingEventsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new FeedingEventConnection(await sqlPaginate(ctx.em, feedingEventPageSpec(args.filter, args.orderBy), first, args.after));
  }
}

@Resolver(() => FeedingEvent)
export class FeedingEventResolver {
  @FieldResolver(() => Container, { description: 'Container fed.' })
  container(@Root() event: FeedingEvent, @Ctx() ctx: GraphQLContext): Promise<Container> {
    return ctx.loaders.required(Container, event.container.id);
  }

  @FieldResolver(() => BatchContainerAssignment, {
    nullable: true,
    description: 'Assignment the feed is explicitly linked to; null when it is attributed to the occupant of the container that day.',
  })
  assignment(@Root() event: FeedingEvent, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment | null> {
    const id = refId(event.assignment);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(BatchContainerAssignment).load(id);
  }

  @FieldResolver(() => Feed, { description: 'Feed product given.' })
  feed(@Root() event: FeedingEvent, @Ctx() ctx: GraphQLContext): Promise<Feed> {
    return ctx.loaders.required(Feed, event.feed.id);
  }

  @FieldResolver(() => FeedContainer, { nullable: true, description: 'Feed store the feed came from, when recorded.' })
  feedContainer(@Root() event: FeedingEvent, @Ctx() ctx: GraphQLContext): Promise<FeedContainer | null> {
    const id = refId(event.feedContainer);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(FeedContainer).load(id);
  }
}
