import { Args, ArgsType, Ctx, Extensions, Field, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { FeedingEventConnection } from '../feed/feeding-event-query.resolver.js';
import { FeedingEvent } from '../feed/feeding-event.entity.js';
import { TransferAction, TransferWorkflow } from '../transfer/transfer.entity.js';
import { BatchTransferFilter } from './events-query.inputs.js';
import { batchEventPages, eventLoaders } from './events.loaders.js';
import { transferFilterWhere } from './transfer-filter.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { HarvestEvent } from './harvest.entity.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';
import { childrenLoader, refId } from '../../graphql/common/loader-helpers.js';

export const GrowthSampleConnection = connectionOf('GrowthSample', GrowthSample, 'A page of growth samples, by date.');
export const MortalityEventConnection = connectionOf('MortalityEvent', MortalityEvent, 'A page of mortality events, by date.');

@ArgsType()
class EventPageArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;
}

@ArgsType()
class BatchTransferArgs {
  @Field(() => BatchTransferFilter, { nullable: true, description: 'Conditions (none: every transfer action of the batch).' })
  filter?: BatchTransferFilter;
}

const samplePages = (ctx: GraphQLContext) =>
  batchEventPages(ctx.loaders, 'samplePagesByBatch', GrowthSample, 'growth_sample e join batch_container_assignment b on b.id = e.assignment_id', 'sample_date');
const mortalityPages = (ctx: GraphQLContext) =>
  batchEventPages(ctx.loaders, 'mortalityPagesByBatch', MortalityEvent, 'mortality_event e join batch_container_assignment b on b.id = e.assignment_id', 'event_date');
/**
 * Feed attributed to a batch the way the growth engine attributes it: events linked to one of its assignments, and
 * unlinked events given to a container on a day one of its assignments occupied it. A linked assignment always
 * occupies the container that day (feedingEventCreate checks it), so the occupancy join finds both. Both ends of
 * the interval are plain bounds on feeding_date (an open one is 'infinity'), so the (container_id, feeding_date)
 * index takes them and PostgreSQL skips the partitions outside the assignment at run time.
 */
const feedingPages = (ctx: GraphQLContext) =>
  batchEventPages(
    ctx.loaders,
    'feedingPagesByBatch',
    FeedingEvent,
    `batch_container_assignment b join feeding_event e
       on e.container_id = b.container_id and e.feeding_date >= b.assignment_date
      and e.feeding_date < coalesce(b.departure_date, 'infinity'::date)
      and (e.assignment_id is null or e.assignment_id = b.id)`,
    'fed_at',
    'timestamptz',
  );

@Resolver(() => Batch)
export class BatchEventsResolver {
  @FieldResolver(() => GrowthSampleConnection, { description: 'Growth samples of all assignments of the batch, by date.' })
  async growthSamples(@Root() batch: Batch, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new GrowthSampleConnection(await samplePages(ctx).load({ id: batch.id, first, after: args.after ?? null }));
  }

  @FieldResolver(() => MortalityEventConnection, { description: 'Recorded deaths of all assignments of the batch, by date.' })
  async mortalityEvents(@Root() batch: Batch, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new MortalityEventConnection(await mortalityPages(ctx).load({ id: batch.id, first, after: args.after ?? null }));
  }

  @FieldResolver(() => FeedingEventConnection, {
    description: 'Feed attributed to the batch (linked to its assignments, or given to a container it occupied that day), by time fed.',
  })
  async feedingEvents(@Root() batch: Batch, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new FeedingEventConnection(await feedingPages(ctx).load({ id: batch.id, first, after: args.after ?? null }));
  }

  @FieldResolver(() => [TransferAction], {
    description: 'Transfer actions of the batch (all statuses unless filtered), by execution date (planned ones without a date last).',
  })
  async transfers(@Root() batch: Batch, @Args(() => BatchTransferArgs) args: BatchTransferArgs, @Ctx() ctx: GraphQLContext): Promise<TransferAction[]> {
    return eventLoaders.transfersByBatch(ctx.loaders).load({ batchId: batch.id, where: transferFilterWhere(args.filter) });
  }
}

@Resolver(() => BatchContainerAssignment)
export class AssignmentEventsResolver {
  // Plain lists (data-model.md §6.2), so the query cost assumes what a long stay holds (limits.ts): samples every
  // week or two, deaths recorded daily, lice counted weekly.
  @FieldResolver(() => [GrowthSample], { description: 'Growth samples of the assignment, by date.' })
  @Extensions({ listSize: 30 })
  growthSamples(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.growthSamplesByAssignment(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [MortalityEvent], { description: 'Recorded deaths of the assignment, by date.' })
  @Extensions({ listSize: 400 })
  mortalityEvents(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.mortalityEventsByAssignment(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [Treatment], { description: 'Treatments of the assignment, by date.' })
  treatments(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.treatmentsByAssignment(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [LiceCount], { description: 'Lice counts of the assignment, by date.' })
  @Extensions({ listSize: 60 })
  liceCounts(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.liceCountsByAssignment(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [HarvestEvent], { description: 'Harvests from the assignment, by date.' })
  harvests(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.harvestsByAssignment(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [TransferAction], { description: 'Transfers into the assignment, by execution date.' })
  incomingTransfers(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.incomingTransfers(ctx.loaders).load(a.id);
  }

  @FieldResolver(() => [TransferAction], { description: 'Transfers out of the assignment, by execution date.' })
  outgoingTransfers(@Root() a: BatchContainerAssignment, @Ctx() ctx: GraphQLContext) {
    return eventLoaders.outgoingTransfers(ctx.loaders).load(a.id);
  }
}

/** The assignment behind an event (every event table keys its assignment by `assignment_id`). */
function assignmentOf(ctx: GraphQLContext, event: { assignment: { id: number } }): Promise<BatchContainerAssignment> {
  return ctx.loaders.required(BatchContainerAssignment, event.assignment.id);
}

@Resolver(() => GrowthSample)
export class GrowthSampleResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment sampled.' })
  assignment(@Root() sample: GrowthSample, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, sample);
  }

  @FieldResolver(() => [GrowthSampleFish], { description: 'Individual fish, when recorded.' })
  @Extensions({ listSize: 50 })
  fish(@Root() sample: GrowthSample, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders
      .memoize('fishBySample', () => childrenLoader(ctx.em, GrowthSampleFish, 'growthSample', { fishNo: 'asc' }))
      .load(sample.id);
  }
}

@Resolver(() => MortalityEvent)
export class MortalityEventResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment the deaths occurred in.' })
  assignment(@Root() event: MortalityEvent, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, event);
  }
}

@Resolver(() => Treatment)
export class TreatmentResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment treated.' })
  assignment(@Root() treatment: Treatment, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, treatment);
  }
}

@Resolver(() => LiceCount)
export class LiceCountResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment whose fish were counted.' })
  assignment(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, count);
  }

  @FieldResolver(() => [LiceCountEntry], { description: 'Lice found, by species and stage (zero counts kept).' })
  entries(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders
      .memoize('entriesByLiceCount', () => childrenLoader(ctx.em, LiceCountEntry, 'liceCount', { liceSpecies: 'asc', liceStage: 'asc' }))
      .load(count.id);
  }
}

@Resolver(() => TransferAction)
export class TransferActionResolver {
  @FieldResolver(() => TransferWorkflow, { nullable: true, description: 'Workflow the action belongs to, if any.' })
  workflow(@Root() action: TransferAction, @Ctx() ctx: GraphQLContext): Promise<TransferWorkflow | null> {
    const id = refId(action.workflow);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(TransferWorkflow).load(id);
  }

  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment the fish left.' })
  sourceAssignment(@Root() action: TransferAction, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(BatchContainerAssignment, action.sourceAssignment.id);
  }

  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment the fish arrived in.' })
  destAssignment(@Root() action: TransferAction, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(BatchContainerAssignment, action.destAssignment.id);
  }

  @FieldResolver(() => Batch, { description: 'Batch of the fish.' })
  batch(@Root() action: TransferAction, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(Batch, action.batch.id);
  }
}

