import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange } from '../../graphql/common/date-range.js';
import { paginate, sqlIn, sqlPaginate, type OrderKey, type SqlFragment, type SqlOrderKey, type SqlPageSpec } from '../../graphql/common/keyset.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { RecomputeJobStatus } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { TransferAction } from '../transfer/transfer.entity.js';
import {
  GrowthSampleListArgs,
  GrowthSampleOrderField,
  HarvestListArgs,
  HarvestOrderField,
  LiceCountListArgs,
  LiceCountOrderField,
  MortalityEventListArgs,
  MortalityEventOrderField,
  TransferListArgs,
  TransferOrderField,
  TreatmentListArgs,
  TreatmentOrderField,
  type AssignmentEventFilter,
  type EventListArgs,
  type HarvestFilter,
  type HarvestOrder,
  type MortalityEventFilter,
  type MortalityEventOrder,
  type TransferFilter,
  type TransferOrder,
} from './events-query.inputs.js';
import {
  GrowthSampleConnection,
  HarvestConnection,
  LiceCountConnection,
  MortalityEventConnection,
  TransferConnection,
  TreatmentConnection,
} from './events.resolver.js';
import { GrowthSample } from './growth-sample.entity.js';
import { HarvestEvent, HarvestLot } from './harvest.entity.js';
import { LiceCount } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { transferFilterWhere } from './transfer-filter.js';

/**
 * Top-level connections of operational events (data-model.md §6.3), filtered and sorted; by default newest first
 * by their date column, like before sorting was selectable. Events with a plain assignment foreign key (growth
 * samples, treatments, lice counts) are paged over entity columns with `paginate`. Mortality events, harvests and
 * transfers reference assignments through composite keys (batch_id, assignment_id), which MikroORM cannot filter
 * with `$in`, so they are paged over SQL with `sqlPaginate` (which also sorts nullable transfer dates last).
 */

@InputType({ description: 'Which recompute jobs to list.' })
class RecomputeJobFilter {
  @Field(() => [ID], { nullable: true, description: 'Jobs of these batches.' })
  batchIds?: string[];

  @Field(() => [RecomputeJobStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: RecomputeJobStatus[];
}

export enum RecomputeJobOrderField {
  REQUESTED_AT = 'REQUESTED_AT',
}
registerEnumType(RecomputeJobOrderField, {
  name: 'RecomputeJobOrderField',
  description: 'Sortable fields of recompute jobs.',
  valuesConfig: { REQUESTED_AT: { description: 'When the job was queued (microsecond precision).' } },
});

@InputType({ description: 'One sort key for `recomputeJobs`; the id is always appended as a tie-breaker.' })
class RecomputeJobOrder {
  @Field(() => RecomputeJobOrderField, { description: 'Field to sort by.' })
  field!: RecomputeJobOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class RecomputeJobListArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`; only valid with the same orderBy).' })
  after?: string;

  @Field(() => RecomputeJobFilter, { nullable: true, description: 'Conditions.' })
  filter?: RecomputeJobFilter;

  @Field(() => [RecomputeJobOrder], { nullable: true, description: 'Sort keys (default: newest first, by id).' })
  orderBy?: RecomputeJobOrder[];
}

const isDay = (value: string | number | null) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
const isNumber = (value: string | number | null) => typeof value === 'number' && Number.isFinite(value);

/** A sort key on a date column of an entity (the cursor holds the YYYY-MM-DD string). */
const dateKey =
  <T>(property: keyof T & string) =>
  (direction: SortDirection): OrderKey<T> => ({ property, direction, read: (row: T) => String(row[property]), accepts: isDay });

/**
 * Keyset page of an event with a plain assignment foreign key: it reaches batch and container through the
 * assignment. `keys` maps each order field to its sort key; by default the page is newest first by `dateProperty`.
 */
async function assignmentEventPage<T extends { id: number; assignment: { id: number } }, F extends string>(
  ctx: GraphQLContext,
  entity: EntityClass<T>,
  dateProperty: keyof T & string,
  keys: Record<F, (direction: SortDirection) => OrderKey<T>>,
  args: EventListArgs & { filter?: AssignmentEventFilter; orderBy?: Array<{ field: F; direction: SortDirection }> },
  extra: FilterQuery<T>[],
) {
  const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
  const f = args.filter ?? {};
  const where: FilterQuery<T>[] = [...extra];
  if (f.dateRange) {
    assertDateRange(f.dateRange, 'filter.dateRange');
    where.push({ [dateProperty]: { $gte: f.dateRange.from, $lte: f.dateRange.to } } as FilterQuery<T>);
  }
  if (f.batchIds) where.push({ assignment: { batch: { $in: decodeIds('Batch', f.batchIds, 'filter.batchIds') } } } as unknown as FilterQuery<T>);
  if (f.assignmentIds) {
    where.push({ assignment: { $in: decodeIds('BatchContainerAssignment', f.assignmentIds, 'filter.assignmentIds') } } as unknown as FilterQuery<T>);
  }
  if (f.containerIds) {
    where.push({ assignment: { container: { $in: decodeIds('Container', f.containerIds, 'filter.containerIds') } } } as unknown as FilterQuery<T>);
  }
  const order = args.orderBy?.length ? args.orderBy.map((key) => keys[key.field](key.direction)) : [dateKey<T>(dateProperty)(SortDirection.DESC)];
  return paginate(ctx.em, entity, (where.length ? { $and: where } : {}) as FilterQuery<T>, order, first, args.after);
}

const GROWTH_SAMPLE_KEYS: Record<GrowthSampleOrderField, (direction: SortDirection) => OrderKey<GrowthSample>> = {
  [GrowthSampleOrderField.DATE]: dateKey<GrowthSample>('sampleDate'),
  [GrowthSampleOrderField.AVG_WEIGHT_G]: (direction) => ({ property: 'avgWeightG', direction, read: (sample) => sample.avgWeightG, accepts: isNumber }),
};
const TREATMENT_KEYS = { [TreatmentOrderField.DATE]: dateKey<Treatment>('treatmentDate') };
const LICE_COUNT_KEYS = { [LiceCountOrderField.DATE]: dateKey<LiceCount>('countDate') };

/** `column` among the assignments (`a`) meeting a condition; `join` may add relations such as the container `c`. */
function assignmentsWhere(column: string, condition: SqlFragment, join = ''): SqlFragment {
  return { sql: `${column} in (select a.id from batch_container_assignment a ${join} where ${condition.sql})`, params: condition.params };
}

/** `column between from and to` for a validated inclusive date range. */
function sqlDateRange(column: string, range: { from: string; to: string }, argumentName: string): SqlFragment {
  assertDateRange(range, argumentName);
  return { sql: `${column} between ?::date and ?::date`, params: [range.from, range.to] };
}

/** A raw-SQL keyset list over one event table `e`, sorted by `orderBy` (when empty: by `fallback`). */
function eventPageSpec<T, F extends string>(
  entity: EntityClass<T>,
  table: string,
  where: SqlFragment[],
  keys: Record<F, (direction: SortDirection) => SqlOrderKey>,
  orderBy: Array<{ field: F; direction: SortDirection }> | undefined,
  fallback: { field: F; direction: SortDirection },
): SqlPageSpec<T> {
  const order = orderBy?.length ? orderBy : [fallback];
  return {
    entity,
    columns: 'e.*',
    from: { sql: `${table} e`, params: [] },
    where,
    order: order.map((key) => keys[key.field](key.direction)),
    idColumn: 'e.id',
  };
}

const MORTALITY_KEYS: Record<MortalityEventOrderField, (direction: SortDirection) => SqlOrderKey> = {
  [MortalityEventOrderField.DATE]: (direction) => ({ sql: 'e.event_date', type: 'date', direction }),
  [MortalityEventOrderField.COUNT]: (direction) => ({ sql: 'e.count', type: 'bigint', direction }),
};

/** The SQL of a `mortalityEvents` list (exported for tests). */
export function mortalityEventPageSpec(filter: MortalityEventFilter | undefined, orderBy: MortalityEventOrder[] | undefined): SqlPageSpec<MortalityEvent> {
  const f = filter ?? {};
  const where: SqlFragment[] = [];
  if (f.dateRange) where.push(sqlDateRange('e.event_date', f.dateRange, 'filter.dateRange'));
  if (f.batchIds) where.push(sqlIn('e.batch_id', decodeIds('Batch', f.batchIds, 'filter.batchIds')));
  if (f.assignmentIds) where.push(sqlIn('e.assignment_id', decodeIds('BatchContainerAssignment', f.assignmentIds, 'filter.assignmentIds')));
  if (f.containerIds) {
    where.push(assignmentsWhere('e.assignment_id', sqlIn('a.container_id', decodeIds('Container', f.containerIds, 'filter.containerIds'))));
  }
  if (f.causes) where.push(sqlIn('e.cause', f.causes));
  return eventPageSpec(MortalityEvent, 'mortality_event', where, MORTALITY_KEYS, orderBy, {
    field: MortalityEventOrderField.DATE,
    direction: SortDirection.DESC,
  });
}

const HARVEST_KEYS: Record<HarvestOrderField, (direction: SortDirection) => SqlOrderKey> = {
  [HarvestOrderField.HARVEST_DATE]: (direction) => ({ sql: 'e.harvest_date', type: 'date', direction }),
  [HarvestOrderField.COUNT]: (direction) => ({ sql: 'e.count', type: 'bigint', direction }),
};

/** The SQL of a `harvests` list (exported for tests). */
export function harvestPageSpec(filter: HarvestFilter | undefined, orderBy: HarvestOrder[] | undefined): SqlPageSpec<HarvestEvent> {
  const f = filter ?? {};
  const where: SqlFragment[] = [];
  if (f.dateRange) where.push(sqlDateRange('e.harvest_date', f.dateRange, 'filter.dateRange'));
  if (f.batchIds) where.push(sqlIn('e.batch_id', decodeIds('Batch', f.batchIds, 'filter.batchIds')));
  if (f.areaIds) {
    const areas = sqlIn('c.area_id', decodeIds('Area', f.areaIds, 'filter.areaIds'));
    where.push(assignmentsWhere('e.assignment_id', areas, 'join container c on c.id = a.container_id'));
  }
  return eventPageSpec(HarvestEvent, 'harvest_event', where, HARVEST_KEYS, orderBy, {
    field: HarvestOrderField.HARVEST_DATE,
    direction: SortDirection.DESC,
  });
}

/** Planned actions have no execution date yet and completed ones need no planned date: both keys are nullable. */
const TRANSFER_KEYS: Record<TransferOrderField, (direction: SortDirection) => SqlOrderKey> = {
  [TransferOrderField.EXECUTION_DATE]: (direction) => ({ sql: 'e.execution_date', type: 'date', direction, nullable: true }),
  [TransferOrderField.PLANNED_DATE]: (direction) => ({ sql: 'e.planned_date', type: 'date', direction, nullable: true }),
};

/** The SQL of a `transfers` list (exported for tests). */
export function transferPageSpec(filter: TransferFilter | undefined, orderBy: TransferOrder[] | undefined): SqlPageSpec<TransferAction> {
  const where = transferFilterWhere(filter);
  return eventPageSpec(TransferAction, 'transfer_action', where, TRANSFER_KEYS, orderBy, {
    field: TransferOrderField.EXECUTION_DATE,
    direction: SortDirection.DESC,
  });
}

const RecomputeJobConnection = connectionOf('RecomputeJob', RecomputeJob, 'A page of recompute jobs.');

@Resolver()
export class EventsQueryResolver {
  @Query(() => MortalityEventConnection, { description: 'Recorded deaths across batches, filtered and sorted (default: newest first).' })
  async mortalityEvents(@Args(() => MortalityEventListArgs) args: MortalityEventListArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new MortalityEventConnection(await sqlPaginate(ctx.em, mortalityEventPageSpec(args.filter, args.orderBy), first, args.after));
  }

  @Query(() => GrowthSampleConnection, { description: 'Growth samples across batches, filtered and sorted (default: newest first).' })
  async growthSamples(@Args(() => GrowthSampleListArgs) args: GrowthSampleListArgs, @Ctx() ctx: GraphQLContext) {
    return new GrowthSampleConnection(await assignmentEventPage(ctx, GrowthSample, 'sampleDate', GROWTH_SAMPLE_KEYS, args, []));
  }

  @Query(() => TransferConnection, {
    description: 'Transfer actions across batches, filtered and sorted (default: newest execution first; planned ones without a date last).',
  })
  async transfers(@Args(() => TransferListArgs) args: TransferListArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new TransferConnection(await sqlPaginate(ctx.em, transferPageSpec(args.filter, args.orderBy), first, args.after));
  }

  @Query(() => HarvestConnection, { description: 'Harvests across batches, filtered and sorted (default: newest first).' })
  async harvests(@Args(() => HarvestListArgs) args: HarvestListArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new HarvestConnection(await sqlPaginate(ctx.em, harvestPageSpec(args.filter, args.orderBy), first, args.after));
  }

  @Query(() => TreatmentConnection, { description: 'Treatments across batches, filtered and sorted (default: newest first).' })
  async treatments(@Args(() => TreatmentListArgs) args: TreatmentListArgs, @Ctx() ctx: GraphQLContext) {
    const extra: FilterQuery<Treatment>[] = args.filter?.types ? [{ treatmentType: { $in: args.filter.types } }] : [];
    return new TreatmentConnection(await assignmentEventPage(ctx, Treatment, 'treatmentDate', TREATMENT_KEYS, args, extra));
  }

  @Query(() => LiceCountConnection, { description: 'Lice counts across batches, filtered and sorted (default: newest first).' })
  async liceCounts(@Args(() => LiceCountListArgs) args: LiceCountListArgs, @Ctx() ctx: GraphQLContext) {
    const extra: FilterQuery<LiceCount>[] = args.filter?.methods ? [{ method: { $in: args.filter.methods } }] : [];
    return new LiceCountConnection(await assignmentEventPage(ctx, LiceCount, 'countDate', LICE_COUNT_KEYS, args, extra));
  }

  @Query(() => RecomputeJobConnection, { description: 'Recompute jobs, filtered and sorted (default: newest first).' })
  async recomputeJobs(@Args(() => RecomputeJobListArgs) args: RecomputeJobListArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const batchIds = args.filter?.batchIds ? decodeIds('Batch', args.filter.batchIds, 'filter.batchIds') : undefined;
    const statuses = args.filter?.statuses;
    if (args.orderBy?.length) {
      // requested_at has microseconds, which a JavaScript Date would round: this order pages over SQL with text cursors.
      const where: SqlFragment[] = [];
      if (batchIds) where.push(sqlIn('e.batch_id', batchIds));
      if (statuses) where.push(sqlIn('e.status', statuses));
      const order = args.orderBy.map((key): SqlOrderKey => ({ sql: 'e.requested_at', type: 'timestamptz', direction: key.direction }));
      const spec: SqlPageSpec<RecomputeJob> = { entity: RecomputeJob, columns: 'e.*', from: { sql: 'recompute_job e', params: [] }, where, order, idColumn: 'e.id' };
      return new RecomputeJobConnection(await sqlPaginate(ctx.em, spec, first, args.after));
    }
    const where: FilterQuery<RecomputeJob>[] = [];
    if (batchIds) where.push({ batch: { $in: batchIds } });
    if (statuses) where.push({ status: { $in: statuses } });
    const page = await paginate(ctx.em, RecomputeJob, where.length ? { $and: where } : {}, [{ property: 'id', direction: SortDirection.DESC, read: (job) => job.id }], first, args.after);
    return new RecomputeJobConnection(page);
  }
}

@Resolver(() => HarvestEvent)
export class HarvestEventResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment harvested.' })
  assignment(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(BatchContainerAssignment, harvest.assignment.id);
  }

  @FieldResolver(() => Batch, { description: 'Batch harvested.' })
  batch(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(Batch, harvest.batch.id);
  }

  @FieldResolver(() => [HarvestLot], { description: 'Lots by size class.' })
  lots(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders
      .memoize('lotsByHarvest', () => childrenLoader(ctx.em, HarvestLot, 'harvestEvent', { sizeClass: 'asc' }))
      .load(harvest.id);
  }
}

