import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { paginate } from '../../graphql/common/keyset.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { LiceCountMethod, RecomputeJobStatus, TransferStatus, TreatmentType } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { TransferAction } from '../transfer/transfer.entity.js';
import { GrowthSampleConnection, MortalityEventConnection } from './events.resolver.js';
import { GrowthSample } from './growth-sample.entity.js';
import { HarvestEvent, HarvestLot } from './harvest.entity.js';
import { LiceCount } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';

/**
 * Top-level connections of operational events (data-model.md §6.3), newest first by their date column. They all
 * filter by batch (every event table can be reached by batch_id) and by a date range.
 */

@InputType({ description: 'Which events to list; all given conditions must hold.' })
class EventFilter {
  @Field(() => [ID], { nullable: true, description: 'Events of these batches.' })
  batchIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Events dated in this range.' })
  dateRange?: DateRange;
}

@ArgsType()
class EventListArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;

  @Field(() => EventFilter, { nullable: true, description: 'Conditions.' })
  filter?: EventFilter;
}

@InputType({ description: 'Which transfers to list.' })
class TransferFilter extends EventFilter {
  @Field(() => [TransferStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: TransferStatus[];
}

@ArgsType()
class TransferListArgs extends EventListArgs {
  @Field(() => TransferFilter, { nullable: true, description: 'Conditions.' })
  override filter?: TransferFilter;
}

@InputType({ description: 'Which recompute jobs to list.' })
class RecomputeJobFilter {
  @Field(() => [ID], { nullable: true, description: 'Jobs of these batches.' })
  batchIds?: string[];

  @Field(() => [RecomputeJobStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: RecomputeJobStatus[];
}

@ArgsType()
class RecomputeJobListArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;

  @Field(() => RecomputeJobFilter, { nullable: true, description: 'Conditions.' })
  filter?: RecomputeJobFilter;
}

/** Conditions shared by the events recorded on an assignment (treatments, lice counts). */
@InputType({ description: 'Which assignment events to list; all given conditions must hold.' })
class AssignmentEventFilter {
  @Field(() => [ID], { nullable: true, description: 'Only events of these batches (global ids).' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only events of these assignments (global ids).' })
  assignmentIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only events in these containers (global ids).' })
  containerIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Only events dated in this range.' })
  dateRange?: DateRange;
}

@InputType({ description: 'Which treatments to list; all given conditions must hold.' })
class TreatmentFilter extends AssignmentEventFilter {
  @Field(() => [TreatmentType], { nullable: true, description: 'Only these kinds of treatment.' })
  types?: TreatmentType[];
}

@InputType({ description: 'Which lice counts to list; all given conditions must hold.' })
class LiceCountFilter extends AssignmentEventFilter {
  @Field(() => [LiceCountMethod], { nullable: true, description: 'Only counts made with these methods.' })
  methods?: LiceCountMethod[];
}

export enum TreatmentOrderField {
  DATE = 'DATE',
}
registerEnumType(TreatmentOrderField, { name: 'TreatmentOrderField', description: 'Sortable fields of treatments (DATE: the treatment date).' });

export enum LiceCountOrderField {
  DATE = 'DATE',
}
registerEnumType(LiceCountOrderField, { name: 'LiceCountOrderField', description: 'Sortable fields of lice counts (DATE: the count date).' });

@InputType({ description: 'One sort key for `treatments`; the id is always appended as a tie-breaker.' })
class TreatmentOrder {
  @Field(() => TreatmentOrderField, { description: 'Field to sort by.' })
  field!: TreatmentOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `liceCounts`; the id is always appended as a tie-breaker.' })
class LiceCountOrder {
  @Field(() => LiceCountOrderField, { description: 'Field to sort by.' })
  field!: LiceCountOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class AssignmentEventListArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;
}

@ArgsType()
class TreatmentListArgs extends AssignmentEventListArgs {
  @Field(() => TreatmentFilter, { nullable: true, description: 'Conditions.' })
  filter?: TreatmentFilter;

  @Field(() => [TreatmentOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: TreatmentOrder[];
}

@ArgsType()
class LiceCountListArgs extends AssignmentEventListArgs {
  @Field(() => LiceCountFilter, { nullable: true, description: 'Conditions.' })
  filter?: LiceCountFilter;

  @Field(() => [LiceCountOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: LiceCountOrder[];
}

/** Keyset page of an event recorded on an assignment (it reaches batch and container through the assignment). */
async function assignmentEventPage<T extends { id: number; assignment: { id: number } }>(
  ctx: GraphQLContext,
  entity: EntityClass<T>,
  dateProperty: keyof T & string,
  args: AssignmentEventListArgs & { filter?: AssignmentEventFilter; orderBy?: Array<{ direction: SortDirection }> },
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
  // DATE is the only sort field, so each key contributes its direction on the date.
  const order = args.orderBy?.length ? args.orderBy : [{ direction: SortDirection.DESC }];
  return paginate(
    ctx.em,
    entity,
    (where.length ? { $and: where } : {}) as FilterQuery<T>,
    order.map((key) => ({ property: dateProperty, direction: key.direction, read: (row: T) => String(row[dateProperty]) })),
    first,
    args.after,
  );
}

const TreatmentConnection = connectionOf('Treatment', Treatment, 'A page of treatments.');
const LiceCountConnection = connectionOf('LiceCount', LiceCount, 'A page of lice counts.');
const TransferConnection = connectionOf('TransferAction', TransferAction, 'A page of transfer actions, newest first.');
const HarvestConnection = connectionOf('HarvestEvent', HarvestEvent, 'A page of harvests, newest first.');
const RecomputeJobConnection = connectionOf('RecomputeJob', RecomputeJob, 'A page of recompute jobs, newest first.');

/** Newest-first keyset page of an event entity filtered by batch and date. */
async function eventPage<T extends { id: number }>(
  ctx: GraphQLContext,
  entity: EntityClass<T>,
  dateProperty: keyof T & string,
  args: EventListArgs,
  extra: FilterQuery<T>[] = [],
) {
  const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
  const where: FilterQuery<T>[] = [...extra];
  if (args.filter?.batchIds) where.push({ batch: { $in: decodeIds('Batch', args.filter.batchIds, 'filter.batchIds') } } as unknown as FilterQuery<T>);
  if (args.filter?.dateRange) {
    assertDateRange(args.filter.dateRange, 'filter.dateRange');
    where.push({ [dateProperty]: { $gte: args.filter.dateRange.from, $lte: args.filter.dateRange.to } } as FilterQuery<T>);
  }
  return paginate(
    ctx.em,
    entity,
    (where.length ? { $and: where } : {}) as FilterQuery<T>,
    [{ property: dateProperty, direction: SortDirection.DESC, read: (row) => String(row[dateProperty]) }],
    first,
    args.after,
  );
}

@Resolver()
export class EventsQueryResolver {
  @Query(() => MortalityEventConnection, { description: 'Recorded deaths across batches, newest first.' })
  async mortalityEvents(@Args(() => EventListArgs) args: EventListArgs, @Ctx() ctx: GraphQLContext) {
    return new MortalityEventConnection(await eventPage(ctx, MortalityEvent, 'eventDate', args));
  }

  @Query(() => GrowthSampleConnection, { description: 'Growth samples across batches, newest first.' })
  async growthSamples(@Args(() => EventListArgs) args: EventListArgs, @Ctx() ctx: GraphQLContext) {
    const { batchIds, ...rest } = args.filter ?? {};
    // Samples reach their batch through the assignment.
    const extra: FilterQuery<GrowthSample>[] = batchIds
      ? [{ assignment: { batch: { $in: decodeIds('Batch', batchIds, 'filter.batchIds') } } }]
      : [];
    return new GrowthSampleConnection(await eventPage(ctx, GrowthSample, 'sampleDate', { ...args, filter: rest }, extra));
  }

  @Query(() => TransferConnection, { description: 'Transfer actions across batches, newest first (planned ones without a date last).' })
  async transfers(@Args(() => TransferListArgs) args: TransferListArgs, @Ctx() ctx: GraphQLContext) {
    const extra: FilterQuery<TransferAction>[] = [{ executionDate: { $ne: null } }];
    if (args.filter?.statuses) extra.push({ status: { $in: args.filter.statuses } });
    return new TransferConnection(await eventPage(ctx, TransferAction, 'executionDate', args, extra));
  }

  @Query(() => HarvestConnection, { description: 'Harvests across batches, newest first.' })
  async harvests(@Args(() => EventListArgs) args: EventListArgs, @Ctx() ctx: GraphQLContext) {
    return new HarvestConnection(await eventPage(ctx, HarvestEvent, 'harvestDate', args));
  }

  @Query(() => TreatmentConnection, { description: 'Treatments across batches, filtered and sorted (default: newest first).' })
  async treatments(@Args(() => TreatmentListArgs) args: TreatmentListArgs, @Ctx() ctx: GraphQLContext) {
    const extra: FilterQuery<Treatment>[] = args.filter?.types ? [{ treatmentType: { $in: args.filter.types } }] : [];
    return new TreatmentConnection(await assignmentEventPage(ctx, Treatment, 'treatmentDate', args, extra));
  }

  @Query(() => LiceCountConnection, { description: 'Lice counts across batches, filtered and sorted (default: newest first).' })
  async liceCounts(@Args(() => LiceCountListArgs) args: LiceCountListArgs, @Ctx() ctx: GraphQLContext) {
    const extra: FilterQuery<LiceCount>[] = args.filter?.methods ? [{ method: { $in: args.filter.methods } }] : [];
    return new LiceCountConnection(await assignmentEventPage(ctx, LiceCount, 'countDate', args, extra));
  }

  @Query(() => RecomputeJobConnection, { description: 'Recompute jobs, newest first.' })
  async recomputeJobs(@Args(() => RecomputeJobListArgs) args: RecomputeJobListArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const where: FilterQuery<RecomputeJob>[] = [];
    if (args.filter?.batchIds) where.push({ batch: { $in: decodeIds('Batch', args.filter.batchIds, 'filter.batchIds') } });
    if (args.filter?.statuses) where.push({ status: { $in: args.filter.statuses } });
    const page = await paginate(ctx.em, RecomputeJob, where.length ? { $and: where } : {}, [{ property: 'id', direction: SortDirection.DESC, read: (job) => job.id }], first, args.after);
    return new RecomputeJobConnection(page);
  }
}

@Resolver(() => HarvestEvent)
export class HarvestEventResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment harvested.' })
  async assignment(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.byId(BatchContainerAssignment).load(harvest.assignment.id))!;
  }

  @FieldResolver(() => Batch, { description: 'Batch harvested.' })
  async batch(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.byId(Batch).load(harvest.batch.id))!;
  }

  @FieldResolver(() => [HarvestLot], { description: 'Lots by size class.' })
  lots(@Root() harvest: HarvestEvent, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders
      .memoize('lotsByHarvest', () => childrenLoader(ctx.em, HarvestLot, 'harvestEvent', { sizeClass: 'asc' }))
      .load(harvest.id);
  }
}

