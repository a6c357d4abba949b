import type { FilterQuery } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange } from '../../graphql/common/date-range.js';
import { entityIdCondition, paginate, sqlPaginate, type SqlOrderKey } from '../../graphql/common/keyset.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { BatchContainerAssignment } from './assignment.entity.js';
import { AssignmentOrderField, AssignmentsArgs, type AssignmentFilter } from './assignment-query.inputs.js';

export const AssignmentConnection = connectionOf('BatchContainerAssignment', BatchContainerAssignment, 'A page of assignments.');

/**
 * Sort keys over the assignment `a`, its container `c` and its batch `b` (the joins are added only when a key
 * needs them). Open assignments have no departure date: that key is nullable, so they sort last either way.
 */
const ORDER_KEYS: Record<AssignmentOrderField, Omit<SqlOrderKey, 'direction'>> = {
  [AssignmentOrderField.ASSIGNMENT_DATE]: { sql: 'a.assignment_date', type: 'date' },
  [AssignmentOrderField.DEPARTURE_DATE]: { sql: 'a.departure_date', type: 'date', nullable: true },
  [AssignmentOrderField.CONTAINER_NAME]: { sql: 'c.name', type: 'text' },
  [AssignmentOrderField.BATCH_NUMBER]: { sql: 'b.batch_number', type: 'text' },
};

/** The ORM condition of an AssignmentFilter; every id is decoded (and a wrong one refused) before any SQL runs. */
function assignmentWhere(filter: AssignmentFilter | undefined): FilterQuery<BatchContainerAssignment> {
  const f = filter ?? {};
  const where: FilterQuery<BatchContainerAssignment>[] = [];
  if (f.batchIds) where.push({ batch: { $in: decodeIds('Batch', f.batchIds, 'filter.batchIds') } });
  if (f.containerIds) where.push({ container: { $in: decodeIds('Container', f.containerIds, 'filter.containerIds') } });
  if (f.hallIds) where.push({ container: { hall: { $in: decodeIds('Hall', f.hallIds, 'filter.hallIds') } } });
  if (f.stationIds) where.push({ container: { hall: { station: { $in: decodeIds('FreshwaterStation', f.stationIds, 'filter.stationIds') } } } });
  if (f.areaIds) where.push({ container: { area: { $in: decodeIds('Area', f.areaIds, 'filter.areaIds') } } });
  if (f.geographyIds) {
    // A container sits either in a hall (of a station of a geography) or in a sea area (of a geography).
    const ids = decodeIds('Geography', f.geographyIds, 'filter.geographyIds');
    where.push({ $or: [{ container: { area: { geography: { $in: ids } } } }, { container: { hall: { station: { geography: { $in: ids } } } } }] });
  }
  if (f.stageIds) where.push({ lifecycleStage: { $in: decodeIds('LifecycleStage', f.stageIds, 'filter.stageIds') } });
  if (f.containerCategories) where.push({ container: { containerType: { category: { $in: f.containerCategories } } } });
  // Intervals are half-open: [assignment_date, departure_date).
  if (f.activeOn) {
    where.push({ assignmentDate: { $lte: f.activeOn } }, { $or: [{ departureDate: null }, { departureDate: { $gt: f.activeOn } }] });
  }
  if (f.activeDuring) {
    assertDateRange(f.activeDuring, 'filter.activeDuring');
    where.push(
      { assignmentDate: { $lte: f.activeDuring.to } },
      { $or: [{ departureDate: null }, { departureDate: { $gt: f.activeDuring.from } }] },
    );
  }
  return where.length ? { $and: where } : {};
}

@Resolver(() => BatchContainerAssignment)
export class AssignmentQueryResolver {
  @Query(() => AssignmentConnection, {
    description: 'Assignments across batches and containers, filtered and sorted (default: by arrival date, oldest first).',
  })
  async assignments(@Args(() => AssignmentsArgs) args: AssignmentsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    if (args.orderBy?.length && args.direction !== SortDirection.ASC) {
      throw new GraphQLError('`direction` is deprecated and cannot be combined with `orderBy`; give each key its direction in `orderBy`', {
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'direction' },
      });
    }
    const where = assignmentWhere(args.filter);
    if (!args.orderBy?.length) {
      // The deprecated `direction` order, paged over entity columns exactly as before orderBy existed (its cursors stay valid).
      const order = [{ property: 'assignmentDate' as const, direction: args.direction, read: (a: BatchContainerAssignment) => a.assignmentDate }];
      return new AssignmentConnection(await paginate(ctx.em, BatchContainerAssignment, where, order, first, args.after));
    }
    const fields = new Set(args.orderBy.map((key) => key.field));
    const condition = entityIdCondition(ctx.em, BatchContainerAssignment, where, 'a.id');
    const page = await sqlPaginate(
      ctx.em,
      {
        entity: BatchContainerAssignment,
        columns: 'a.*',
        from: {
          sql: [
            'batch_container_assignment a',
            fields.has(AssignmentOrderField.CONTAINER_NAME) ? 'join container c on c.id = a.container_id' : '',
            fields.has(AssignmentOrderField.BATCH_NUMBER) ? 'join batch b on b.id = a.batch_id' : '',
          ].join(' '),
          params: [],
        },
        where: condition ? [condition] : [],
        order: args.orderBy.map((key): SqlOrderKey => ({ ...ORDER_KEYS[key.field], direction: key.direction })),
        idColumn: 'a.id',
        countTotal: () => ctx.em.count(BatchContainerAssignment, where),
      },
      first,
      args.after,
    );
    return new AssignmentConnection(page);
  }
}
