import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Extensions, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { refId } from '../../graphql/common/loader-helpers.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { sqlPaginate, type SqlFragment, type SqlOrderKey } from '../../graphql/common/keyset.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { assignmentLoaders } from '../assignment/assignment.loaders.js';
import { Species } from '../species/species.entity.js';
import { Batch, BatchCreation } from './batch.entity.js';
import { BatchPlacement } from './batch-placement.entity.js';
import { BatchAssignmentFilter, BatchFilter, BatchOrder, BatchOrderField } from './batch.inputs.js';
import { todayUtc } from '../../shared/dates.js';
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

/**
 * The current state of each batch `b` as `l`: its latest batch_daily_state row on or before the day given as the
 * parameter (all-null columns when it has none). Shared by the derived filters and the derived sort keys.
 */
const LATEST_STATE_JOIN = `left join lateral (select s.population, s.biomass_kg, s.avg_weight_g, s.dominant_stage_id
                                 from batch_daily_state s where s.batch_id = b.id and s.date <= ?
                                order by s.date desc limit 1) l on true`;

/** Sort keys over `batch b` and its current state `l`; derived ones are null for batches without a state. */
const ORDER_KEYS: Record<BatchOrderField, Omit<SqlOrderKey, 'direction'>> = {
  [BatchOrderField.BATCH_NUMBER]: { sql: 'b.batch_number', type: 'text' },
  [BatchOrderField.START_DATE]: { sql: 'b.start_date', type: 'date' },
  [BatchOrderField.STATUS]: { sql: 'b.status', type: 'text' },
  [BatchOrderField.POPULATION]: { sql: 'l.population', type: 'bigint', nullable: true },
  [BatchOrderField.BIOMASS_KG]: { sql: 'l.biomass_kg', type: 'numeric', nullable: true },
  [BatchOrderField.AVG_WEIGHT_G]: { sql: 'l.avg_weight_g', type: 'numeric', nullable: true },
};

/** Sort fields read from the current state (the lateral join `l`). */
const CURRENT_STATE_FIELDS = new Set([BatchOrderField.POPULATION, BatchOrderField.BIOMASS_KG, BatchOrderField.AVG_WEIGHT_G]);

/** An ORM condition on batches as an SQL condition on `b.id`, so it can join a hand-written page query. */
function batchIdCondition(em: EntityManager, where: FilterQuery<Batch>): SqlFragment | null {
  if (Object.keys(where).length === 0) return null;
  const { sql, bindings } = em.createQueryBuilder(Batch, 'f').select('f.id').where(where as QBFilterQuery<Batch>).getKnexQuery().toSQL();
  return { sql: `b.id in (${sql})`, params: [...bindings] };
}

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

/**
 * The ORM condition of a BatchFilter (shared by `batches` and the portfolio KPIs). Conditions on derived values
 * (location of the open assignments, current stage, current population or biomass, all as of today) are resolved
 * to batch ids with one SQL statement first.
 */
export async function batchWhere(em: EntityManager, filter: BatchFilter | undefined): Promise<FilterQuery<Batch>> {
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
  const derived = await derivedBatchIds(em, filter);
  if (derived) conditions.push({ id: { $in: derived } });
  return conditions.length ? { $and: conditions } : {};
}

/** Batch ids matching the derived conditions, or null when the filter has none. */
async function derivedBatchIds(em: EntityManager, filter: BatchFilter): Promise<number[] | null> {
  const where: string[] = [];
  const params: unknown[] = [todayUtc()];
  const location: string[] = [];
  const locationIds = (list: string[] | undefined, type: string, column: string, argument: string) => {
    if (!list) return;
    const ids = decodeIds(type, list, argument);
    location.push(`${column} in (${ids.map(() => '?').join(',') || 'null'})`);
    params.push(...ids);
  };
  locationIds(filter.geographyIds, 'Geography', 'coalesce(st.geography_id, ar.geography_id)', 'filter.geographyIds');
  locationIds(filter.areaIds, 'Area', 'c.area_id', 'filter.areaIds');
  locationIds(filter.stationIds, 'FreshwaterStation', 'h.station_id', 'filter.stationIds');
  locationIds(filter.hallIds, 'Hall', 'c.hall_id', 'filter.hallIds');
  locationIds(filter.containerIds, 'Container', 'c.id', 'filter.containerIds');
  if (location.length) {
    where.push(`exists (select 1 from batch_container_assignment a join container c on c.id = a.container_id
      left join hall h on h.id = c.hall_id left join freshwater_station st on st.id = h.station_id
      left join area ar on ar.id = c.area_id
      where a.batch_id = b.id and a.departure_date is null and ${location.join(' and ')})`);
  }
  if (filter.currentStageIds) {
    const ids = decodeIds('LifecycleStage', filter.currentStageIds, 'filter.currentStageIds');
    where.push(`l.dominant_stage_id in (${ids.map(() => '?').join(',') || 'null'})`);
    params.push(...ids);
  }
  for (const [range, column] of [[filter.population, 'l.population'], [filter.biomassKg, 'l.biomass_kg']] as const) {
    if (range?.min != null) {
      where.push(`${column} >= ?`);
      params.push(range.min);
    }
    if (range?.max != null) {
      where.push(`${column} <= ?`);
      params.push(range.max);
    }
  }
  if (where.length === 0) return null;
  // The first parameter (today) is used by the lateral join below, before the conditions' parameters.
  const rows = await em.execute<Array<{ id: number }>>(
    `select b.id from batch b ${LATEST_STATE_JOIN} where ${where.join(' and ')}`,
    params,
    'all',
    em.getLoggerContext(),
  );
  return rows.map((row) => row.id);
}

@Resolver(() => Batch)
export class BatchResolver {
  @Query(() => BatchConnection, { description: 'Batches, filtered and sorted, as a Relay connection.' })
  async batches(@Args(() => BatchesArgs) args: BatchesArgs, @Ctx() ctx: GraphQLContext): Promise<BatchConnection> {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const keys = args.orderBy?.length ? args.orderBy : [{ field: BatchOrderField.BATCH_NUMBER, direction: SortDirection.ASC }];
    const order = keys.map((key): SqlOrderKey => ({ ...ORDER_KEYS[key.field], direction: key.direction }));
    const where = await batchWhere(ctx.em, args.filter);
    const condition = batchIdCondition(ctx.em, where);
    // The current state is joined only when a sort key needs it (one index probe per batch).
    const derived = keys.some((key) => CURRENT_STATE_FIELDS.has(key.field));
    const page = await sqlPaginate(
      ctx.em,
      {
        entity: Batch,
        columns: 'b.*',
        from: derived ? { sql: `batch b ${LATEST_STATE_JOIN}`, params: [todayUtc()] } : { sql: 'batch b', params: [] },
        where: condition ? [condition] : [],
        order,
        idColumn: 'b.id',
        countTotal: () => ctx.em.count(Batch, where),
      },
      first,
      args.after,
    );
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
  species(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<Species> {
    return ctx.loaders.required(Species, batch.species.id);
  }

  // An id rather than the run: the SeedRun view is built by a mapper private to the runs module, and a page of
  // generated batches usually shares one run, which `node(id)` / `seedRun(id)` then loads once.
  @FieldResolver(() => BatchCreation, { nullable: true, description: 'The egg delivery that created the batch.' })
  creation(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchCreation | null> {
    return batchLoaders.creationByBatch(ctx.loaders).load(batch.id);
  }

  @FieldResolver(() => [BatchPlacement], { description: 'Fish that entered the batch from outside, by date.' })
  placements(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchPlacement[]> {
    return batchLoaders.placementsByBatch(ctx.loaders).load(batch.id);
  }

  @FieldResolver(() => [BatchContainerAssignment], {
    description:
      'Container assignments of the batch by arrival date, optionally only those active on a day or overlapping a range, and matching a filter.',
  })
  // A batch passes through dozens of containers over its life (splits at every stage); the query cost assumes 50.
  @Extensions({ listSize: 50 })
  assignments(
    @Root() batch: Batch,
    @Arg('activeOn', () => DateScalar, { nullable: true, description: 'Only assignments in their container on this day.' })
    activeOn: string | undefined,
    @Arg('range', () => DateRange, { nullable: true, description: 'Only assignments overlapping this range.' })
    range: DateRange | undefined,
    @Arg('filter', () => BatchAssignmentFilter, { nullable: true, description: 'Further conditions on the assignments.' })
    filter: BatchAssignmentFilter | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchContainerAssignment[]> {
    assertDateRange(range, 'range');
    const stageIds = filter?.stageIds ? decodeIds('LifecycleStage', filter.stageIds, 'filter.stageIds') : undefined;
    return assignmentLoaders
      .assignmentsByBatch(ctx.loaders)
      .load({ batchId: batch.id, activeOn, from: range?.from, to: range?.to, stageIds, containerCategories: filter?.containerCategories });
  }

  @FieldResolver(() => [BatchContainerAssignment], { description: 'Assignments without a departure date.' })
  activeAssignments(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment[]> {
    return assignmentLoaders.assignmentsByBatch(ctx.loaders).load({ batchId: batch.id, openOnly: true });
  }
}

@Resolver(() => BatchPlacement)
export class BatchPlacementResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment the fish were placed into.' })
  assignment(@Root() placement: BatchPlacement, @Ctx() ctx: GraphQLContext): Promise<BatchContainerAssignment> {
    return ctx.loaders.required(BatchContainerAssignment, placement.assignment.id);
  }

  @FieldResolver(() => Batch, { description: 'Batch the fish joined.' })
  batch(@Root() placement: BatchPlacement, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, placement.batch.id);
  }

  @FieldResolver(() => BatchCreation, { nullable: true, description: 'Egg delivery the placement belongs to; null for a placement outside it (e.g. a later top-up).' })
  creation(@Root() placement: BatchPlacement, @Ctx() ctx: GraphQLContext): Promise<BatchCreation | null> {
    const id = refId(placement.creation);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(BatchCreation).load(id);
  }
}

@Resolver(() => BatchCreation)
export class BatchCreationResolver {
  @FieldResolver(() => Batch, { description: 'Batch the delivery created.' })
  batch(@Root() creation: BatchCreation, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, creation.batch.id);
  }
}

