import { Args, ArgsType, Ctx, Extensions, Field, FieldResolver, Float, Int, Resolver, Root } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { Container } from '../infrastructure/container.entity.js';
import { LiceStage } from '../enums.js';
import { FeedingEventConnection } from '../feed/feeding-event-query.resolver.js';
import { FeedingEvent } from '../feed/feeding-event.entity.js';
import { TransferAction, TransferWorkflow } from '../transfer/transfer.entity.js';
import { BatchTransferFilter } from './events-query.inputs.js';
import { batchEventPages, eventPages, type PageKey } from './events.loaders.js';
import { transferFilterWhere } from './transfer-filter.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { HarvestEvent } from './harvest.entity.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';
import { MortalityEvent, MortalityReport } from './mortality.entity.js';
import { Treatment, VaccinationType } from './treatment.entity.js';
import { childrenLoader, refId } from '../../graphql/common/loader-helpers.js';
import { roundHalfEven } from '../growth/engine/index.js';

export const GrowthSampleConnection = connectionOf('GrowthSample', GrowthSample, 'A page of growth samples, by date.');
export const MortalityEventConnection = connectionOf('MortalityEvent', MortalityEvent, 'A page of mortality events, by date.');
export const TreatmentConnection = connectionOf('Treatment', Treatment, 'A page of treatments.');
export const LiceCountConnection = connectionOf('LiceCount', LiceCount, 'A page of lice counts.');
export const TransferConnection = connectionOf('TransferAction', TransferAction, 'A page of transfer actions.');
export const HarvestConnection = connectionOf('HarvestEvent', HarvestEvent, 'A page of harvests.');

@ArgsType()
class EventPageArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;
}

@ArgsType()
class BatchTransferArgs extends EventPageArgs {
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

  @FieldResolver(() => TransferConnection, {
    description: 'Transfer actions of the batch (all statuses unless filtered), by execution date (planned ones without a date last), then id.',
  })
  async transfers(@Root() batch: Batch, @Args(() => BatchTransferArgs) args: BatchTransferArgs, @Ctx() ctx: GraphQLContext) {
    const key = { ...pageKey(batch.id, args), where: transferFilterWhere(args.filter) };
    return new TransferConnection(await eventPages.transfersByBatch(ctx.loaders).load(key));
  }
}

/** The loader key of a per-parent event connection from its arguments (page size checked against the events cap). */
function pageKey(id: number, args: EventPageArgs): PageKey {
  return { id, first: resolvePageSize(args.first, PAGE_SIZE.maxEvents), after: args.after ?? null };
}

/** Connections of the assignment's events, each one statement per page of assignments and distinct page arguments. */
@Resolver(() => BatchContainerAssignment)
export class AssignmentEventsResolver {
  @FieldResolver(() => GrowthSampleConnection, { description: 'Growth samples of the assignment, by date, then id.' })
  async growthSamples(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new GrowthSampleConnection(await eventPages.growthSamplesByAssignment(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => MortalityEventConnection, { description: 'Recorded deaths of the assignment, by date, then id.' })
  async mortalityEvents(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new MortalityEventConnection(await eventPages.mortalityEventsByAssignment(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => TreatmentConnection, { description: 'Treatments of the assignment, by date, then id.' })
  async treatments(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new TreatmentConnection(await eventPages.treatmentsByAssignment(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => LiceCountConnection, { description: 'Lice counts of the assignment, by date, then id.' })
  async liceCounts(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new LiceCountConnection(await eventPages.liceCountsByAssignment(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => HarvestConnection, { description: 'Harvests from the assignment, by date, then id.' })
  async harvests(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new HarvestConnection(await eventPages.harvestsByAssignment(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => TransferConnection, {
    description: 'Transfers into the assignment, by execution date (planned ones without a date last), then id.',
  })
  async incomingTransfers(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new TransferConnection(await eventPages.incomingTransfers(ctx.loaders).load(pageKey(a.id, args)));
  }

  @FieldResolver(() => TransferConnection, {
    description: 'Transfers out of the assignment, by execution date (planned ones without a date last), then id.',
  })
  async outgoingTransfers(@Root() a: BatchContainerAssignment, @Args(() => EventPageArgs) args: EventPageArgs, @Ctx() ctx: GraphQLContext) {
    return new TransferConnection(await eventPages.outgoingTransfers(ctx.loaders).load(pageKey(a.id, args)));
  }
}

/** The assignment behind an event (every event table keys its assignment by `assignment_id`). */
function assignmentOf(ctx: GraphQLContext, event: { assignment: { id: number } }): Promise<BatchContainerAssignment> {
  return ctx.loaders.required(BatchContainerAssignment, event.assignment.id);
}

/**
 * The batch of an event through its assignment: the assignment by its id loader, then the batch by its own, so a
 * page of events costs one statement for all assignments and one for all batches.
 */
function batchOf(ctx: GraphQLContext, event: { assignment: { id: number } }): Promise<Batch> {
  return assignmentOf(ctx, event).then((assignment) => ctx.loaders.required(Batch, assignment.batch.id));
}

/** The container of an event through its assignment (two batched loads, as `batchOf`). */
function containerOf(ctx: GraphQLContext, event: { assignment: { id: number } }): Promise<Container> {
  return assignmentOf(ctx, event).then((assignment) => ctx.loaders.required(Container, assignment.container.id));
}

const entriesByLiceCount = (ctx: GraphQLContext) =>
  ctx.loaders.memoize('entriesByLiceCount', () => childrenLoader(ctx.em, LiceCountEntry, 'liceCount', { liceSpecies: 'asc', liceStage: 'asc' }));

@Resolver(() => GrowthSample)
export class GrowthSampleResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment sampled.' })
  assignment(@Root() sample: GrowthSample, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, sample);
  }

  @FieldResolver(() => Batch, { description: 'Batch sampled (that of the assignment).' })
  batch(@Root() sample: GrowthSample, @Ctx() ctx: GraphQLContext) {
    return batchOf(ctx, sample);
  }

  @FieldResolver(() => Container, { description: 'Container the fish were sampled in (that of the assignment).' })
  container(@Root() sample: GrowthSample, @Ctx() ctx: GraphQLContext) {
    return containerOf(ctx, sample);
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

  // The event stores its batch, and the composite key (batch_id, assignment_id) makes it the assignment's batch:
  // loaded directly, in the same tick as the assignment rather than after it.
  @FieldResolver(() => Batch, { description: 'Batch the dead fish belonged to (that of the assignment).' })
  batch(@Root() event: MortalityEvent, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(Batch, event.batch.id);
  }

  @FieldResolver(() => Container, { description: 'Container the deaths occurred in (that of the assignment).' })
  container(@Root() event: MortalityEvent, @Ctx() ctx: GraphQLContext) {
    return containerOf(ctx, event);
  }
}

@Resolver(() => MortalityReport)
export class MortalityReportResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment whose deaths of the day are complete.' })
  assignment(@Root() report: MortalityReport, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, report);
  }
}

@Resolver(() => Treatment)
export class TreatmentResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment treated.' })
  assignment(@Root() treatment: Treatment, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, treatment);
  }

  @FieldResolver(() => Batch, { description: 'Batch treated (that of the assignment).' })
  batch(@Root() treatment: Treatment, @Ctx() ctx: GraphQLContext) {
    return batchOf(ctx, treatment);
  }

  @FieldResolver(() => Container, { description: 'Container the fish were treated in (that of the assignment).' })
  container(@Root() treatment: Treatment, @Ctx() ctx: GraphQLContext) {
    return containerOf(ctx, treatment);
  }

  @FieldResolver(() => VaccinationType, { nullable: true, description: 'Vaccine given, for a vaccination that records it.' })
  vaccinationType(@Root() treatment: Treatment, @Ctx() ctx: GraphQLContext): Promise<VaccinationType | null> {
    const id = refId(treatment.vaccinationType);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(VaccinationType).load(id);
  }
}

@Resolver(() => LiceCount)
export class LiceCountResolver {
  @FieldResolver(() => BatchContainerAssignment, { description: 'Assignment whose fish were counted.' })
  assignment(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return assignmentOf(ctx, count);
  }

  @FieldResolver(() => Batch, { description: 'Batch whose fish were counted (that of the assignment).' })
  batch(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return batchOf(ctx, count);
  }

  @FieldResolver(() => Container, { description: 'Container whose fish were counted (that of the assignment).' })
  container(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return containerOf(ctx, count);
  }

  @FieldResolver(() => [LiceCountEntry], { description: 'Lice found, by species and stage (zero counts kept).' })
  entries(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext) {
    return entriesByLiceCount(ctx).load(count.id);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'Adult female lice per fish examined (data-model.md §5): Σ ADULT_FEMALE entries (both lice species) / fishSampled, rounded to 4 decimals; null when the count has no ADULT_FEMALE entry (the stage was not counted).',
  })
  async adultFemalesPerFish(@Root() count: LiceCount, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    // The same loader as `entries`: a page costs one statement for both fields.
    const adultFemales = (await entriesByLiceCount(ctx).load(count.id)).filter((entry) => entry.liceStage === LiceStage.ADULT_FEMALE);
    if (adultFemales.length === 0) return null;
    const total = adultFemales.reduce((sum, entry) => sum + entry.count, 0);
    return roundHalfEven(total / count.fishSampled, 4);
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

