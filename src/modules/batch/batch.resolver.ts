import type { FilterQuery } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { paginate, type OrderKey } from '../../graphql/common/keyset.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { assignmentLoaders } from '../assignment/assignment.loaders.js';
import { Species } from '../species/species.entity.js';
import { Batch, BatchCreation } from './batch.entity.js';
import { BatchPlacement } from './batch-placement.entity.js';
import { BatchFilter, BatchOrder, BatchOrderField } from './batch.inputs.js';
import { batchLoaders } from './batch.loaders.js';

export const BatchConnection = connectionOf('Batch', Batch, 'A page of batches.');
export type BatchConnection = InstanceType<typeof BatchConnection>;

@ArgsType()
class BatchesArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`).' })
  after?: string;

  @Field(() => BatchFilter, { nullable: true, description: 'Conditions the batches must meet.' })
  filter?: BatchFilter;

  @Field(() => [BatchOrder], { nullable: true, description: 'Sort keys (default: batch number ascending).' })
  orderBy?: BatchOrder[];
}

const ORDER_KEYS: Record<BatchOrderField, (direction: SortDirection) => OrderKey<Batch>> = {
  [BatchOrderField.BATCH_NUMBER]: (direction) => ({ property: 'batchNumber', direction, read: (b) => b.batchNumber }),
  [BatchOrderField.START_DATE]: (direction) => ({ property: 'startDate', direction, read: (b) => b.startDate }),
  [BatchOrderField.STATUS]: (direction) => ({ property: 'status', direction, read: (b) => b.status }),
};

/** Decodes a list of global ids of one type; any id of another type is a client error naming the argument. */
export function decodeIds(typeName: string, ids: string[], argumentName: string): number[] {
  return ids.map((id) => {
    const decoded = decodeIdOf(typeName, id);
    if (decoded == null) {
      throw new GraphQLError(`\`${argumentName}\` contains ${JSON.stringify(id)}, which is not a ${typeName} id`, {
        extensions: { code: 'BAD_USER_INPUT', argumentName },
      });
    }
    return decoded;
  });
}

/** The ORM condition of a BatchFilter (shared by `batches` and the portfolio KPIs). */
export function batchWhere(filter: BatchFilter | undefined): FilterQuery<Batch> {
  if (!filter) return {};
  const conditions: FilterQuery<Batch>[] = [];
  if (filter.ids) conditions.push({ id: { $in: decodeIds('Batch', filter.ids, 'filter.ids') } });
  if (filter.statuses) conditions.push({ status: { $in: filter.statuses } });
  if (filter.speciesIds) conditions.push({ species: { $in: decodeIds('Species', filter.speciesIds, 'filter.speciesIds') } });
  if (filter.startDate) {
    assertDateRange(filter.startDate, 'filter.startDate');
    conditions.push({ startDate: { $gte: filter.startDate.from, $lte: filter.startDate.to } });
  }
  if (filter.search?.trim()) {
    const pattern = `%${filter.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push({ $or: [{ batchNumber: { $ilike: pattern } }, { notes: { $ilike: pattern } }] });
  }
  return conditions.length ? { $and: conditions } : {};
}

@Resolver(() => Batch)
export class BatchResolver {
  @Query(() => BatchConnection, { description: 'Batches, filtered and sorted, as a Relay connection.' })
  async batches(@Args(() => BatchesArgs) args: BatchesArgs, @Ctx() ctx: GraphQLContext): Promise<BatchConnection> {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const order = (args.orderBy?.length ? args.orderBy : [{ field: BatchOrderField.BATCH_NUMBER, direction: SortDirection.ASC }]).map(
      (key) => ORDER_KEYS[key.field](key.direction),
    );
    const page = await paginate(ctx.em, Batch, batchWhere(args.filter), order, first, args.after);
    return new BatchConnection(page);
  }

  @Query(() => Batch, { nullable: true, description: 'A batch by global id or by batch number; null when not found.' })
  async batch(
    @Arg('id', () => ID, { nullable: true, description: 'Global id.' }) id: string | undefined,
    @Arg('batchNumber', () => String, { nullable: true, description: 'Batch number, e.g. FO-2024-001.' })
    batchNumber: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Batch | null> {
    if ((id == null) === (batchNumber == null)) {
      throw new GraphQLError('Pass exactly one of `id` and `batchNumber`', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    if (id != null) {
      const batchId = decodeIdOf('Batch', id);
      return batchId == null ? null : ctx.loaders.byId(Batch).load(batchId);
    }
    return ctx.em.findOne(Batch, { batchNumber });
  }

  @FieldResolver(() => Species, { description: 'Species of the batch.' })
  async species(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<Species> {
    return (await ctx.loaders.byId(Species).load(batch.species.id))!;
  }

  @FieldResolver(() => BatchCreation, { nullable: true, description: 'The egg delivery that created the batch.' })
  creation(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchCreation | null> {
    return batchLoaders.creationByBatch(ctx.loaders).load(batch.id);
  }

  @FieldResolver(() => [BatchPlacement], { description: 'Fish that entered the batch from outside, by date.' })
  placements(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchPlacement[]> {
    return batchLoaders.placementsByBatch(ctx.loaders).load(batch.id);
  }

  @FieldResolver(() => [BatchContainerAssignment], {
    description: 'Container assignments of the batch by arrival date, optionally only those active on a day or overlapping a range.',
  })
  assignments(
    @Root() batch: Batch,
    @Arg('activeOn', () => DateScalar, { nullable: true, description: 'Only assignments in their container on this day.' })
    activeOn: string | undefined,
    @Arg('range', () => DateRange, { nullable: true, description: 'Only assignments overlapping this range.' })
    range: DateRange | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchContainerAssignment[]> {
    assertDateRange(range, 'range');
    return assignmentLoaders
      .assignmentsByBatch(ctx.loaders)
      .load({ batchId: batch.id, activeOn, from: range?.from, to: range?.to });
  }

  @FieldResolver(() => [BatchContainerAssignment], { description: 'Assignments without a departure date.' })
  activeAssignments(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment[]> {
    return assignmentLoaders.assignmentsByBatch(ctx.loaders).load({ batchId: batch.id, openOnly: true });
  }
}

@Resolver(() => BatchPlacement)
export class BatchPlacementResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment the fish were placed into.' })
  async assignment(@Root() placement: BatchPlacement, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment> {
    return (await ctx.loaders.byId(BatchContainerAssignment).load(placement.assignment.id))!;
  }
}

