import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { AssignmentResolver } from '../modules/assignment/assignment.resolver.js';
import { BatchContainerAssignment } from '../modules/assignment/assignment.entity.js';
import { Batch, BatchCreation } from '../modules/batch/batch.entity.js';
import { BatchPlacement } from '../modules/batch/batch-placement.entity.js';
import { BatchCreationResolver, BatchPlacementResolver, BatchResolver } from '../modules/batch/batch.resolver.js';
import { Area } from '../modules/infrastructure/area.entity.js';
import { Container, ContainerType, Sensor } from '../modules/infrastructure/container.entity.js';
import { FreshwaterStation, Hall } from '../modules/infrastructure/freshwater-station.entity.js';
import { AreaGroup, Geography } from '../modules/infrastructure/geography.entity.js';
import {
  AreaGroupResolver,
  AreaResolver,
  ContainerResolver,
  ContainerTypeResolver,
  FreshwaterStationResolver,
  GeographyResolver,
  HallResolver,
  EnvironmentalParameterResolver,
  SensorResolver,
} from '../modules/infrastructure/infrastructure.resolver.js';
import { LifecycleStage, Species } from '../modules/species/species.entity.js';
import { EnvironmentalParameter } from '../modules/environment/environmental-parameter.entity.js';
import { LifecycleStageResolver, SpeciesResolver } from '../modules/species/species.resolver.js';
import {
  AssignmentGrowthResolver,
  BatchDailyPointResolver,
  BatchGrowthResolver,
  BatchKpisResolver,
  DailyAssignmentStateResolver,
  GrowthMutationResolver,
  GrowthSubscriptionResolver,
  RecomputeJobResolver,
} from '../modules/growth/growth.resolver.js';
import { RecomputeJob } from '../modules/growth/recompute-job.entity.js';
import {
  AssignmentEventsResolver,
  BatchEventsResolver,
  GrowthSampleResolver,
  LiceCountResolver,
  MortalityEventResolver,
  MortalityReportResolver,
  TransferActionResolver,
  TreatmentResolver,
} from '../modules/events/events.resolver.js';
import { GrowthSample } from '../modules/events/growth-sample.entity.js';
import {
  AreaSummaryResolver,
  ContainerOccupancyResolver,
  GeographySummaryResolver,
  HallSummaryResolver,
  OccupancyRelationsResolver,
  StationSummaryResolver,
} from '../modules/analytics/analytics.resolver.js';
import { MortalityEvent } from '../modules/events/mortality.entity.js';
import { TransferAction } from '../modules/transfer/transfer.entity.js';
import { authChecker } from './auth.js';
import { BatchSeedRunResolver, SeedRunBatchResolver, SeedRunClassUtilisationResolver, SeedRunResolver } from '../modules/runs/seed-run.resolver.js';
import { ContainerQueryResolver } from '../modules/infrastructure/container-query.resolver.js';
import { AssignmentQueryResolver } from '../modules/assignment/assignment-query.resolver.js';
import { EventsQueryResolver, HarvestEventResolver } from '../modules/events/events-query.resolver.js';
import { ContainerReadingsResolver, ReadingSeriesResolver } from '../modules/environment/readings.resolver.js';
import { createNodeResolver } from './node.resolver.js';
import { createAppPubSub, type AppPubSub } from './pubsub.js';
import { ViewerResolver } from './viewer.resolver.js';
import { DateTimeScalar } from './common/scalars.js';
import { AssignmentCloseResolver } from '../modules/assignment/assignment-close.resolver.js';
import { AssignmentUpdateResolver } from '../modules/assignment/assignment-update.resolver.js';
import { BatchCreateResolver } from '../modules/batch/batch-create.resolver.js';
import { BatchEditResolver, BatchVersionResolver } from '../modules/batch/batch-edit.resolver.js';
import { ReadingsIngestResolver } from '../modules/environment/readings-ingest.resolver.js';
import { EventCreateResolver } from '../modules/events/event-create.resolver.js';
import { HarvestCreateResolver } from '../modules/events/harvest-create.resolver.js';
import { HarvestEvent } from '../modules/events/harvest.entity.js';
import { FeedingEventCreateResolver } from '../modules/feed/feeding-event-create.resolver.js';
import { FeedingEventUpdateResolver } from '../modules/feed/feeding-event-update.resolver.js';
import { EventUpdateResolver } from '../modules/events/event-update.resolver.js';
import { EVENT_VERSION_RESOLVERS } from '../modules/events/event-version.resolver.js';
import { LiceCountCreateResolver } from '../modules/events/lice-count-create.resolver.js';
import { TreatmentCreateResolver } from '../modules/events/treatment-create.resolver.js';
import { TreatmentUpdateResolver } from '../modules/events/treatment-update.resolver.js';
import { LiceCountUpdateResolver } from '../modules/events/lice-count-update.resolver.js';
import { FeedingEvent } from '../modules/feed/feeding-event.entity.js';
import { TransferCreateResolver } from '../modules/transfer/transfer-create.resolver.js';
import { TransferEditResolver } from '../modules/transfer/transfer-edit.resolver.js';
import { TransferWorkflowEditResolver } from '../modules/transfer/transfer-workflow.resolver.js';
import { PlacementCreateResolver } from '../modules/batch/placement-create.resolver.js';
import { TransferWorkflowResolver } from '../modules/transfer/transfer-query.resolver.js';
import { TransferWorkflow } from '../modules/transfer/transfer.entity.js';
import { FeedingEventResolver, FeedQueryResolver } from '../modules/feed/feeding-event-query.resolver.js';
import { Feed } from '../modules/feed/feed.entity.js';
import { EnvironmentalReadingResolver, ReadingsQueryResolver } from '../modules/environment/readings-query.resolver.js';
import { EnvironmentalReading } from '../modules/environment/environmental-reading.entity.js';
import { LiceCount } from '../modules/events/lice-count.entity.js';
import { Treatment } from '../modules/events/treatment.entity.js';
import { ScenarioResolver, ScenarioStageParameterResolver, TemperatureProfileResolver } from '../modules/scenario/scenario.resolver.js';
import { Scenario, TemperatureProfile } from '../modules/scenario/scenario.entity.js';
import { ScenarioEditResolver } from '../modules/scenario/scenario-edit.resolver.js';
import { ParameterEditResolver } from '../modules/environment/parameter-edit.resolver.js';
import { FeedContainerEditFieldsResolver, FeedContainerVersionResolver, FeedEditResolver, FeedVersionResolver } from '../modules/feed/feed-edit.resolver.js';
import { FeedContainer } from '../modules/feed/feed.entity.js';
import { LifecycleStageVersionResolver, SpeciesEditResolver } from '../modules/species/species-edit.resolver.js';
import { SiteEditResolver } from '../modules/infrastructure/site-edit.resolver.js';
import { ContainerEditResolver } from '../modules/infrastructure/container-edit.resolver.js';
import { INFRASTRUCTURE_VERSION_RESOLVERS } from '../modules/infrastructure/infrastructure-version.resolver.js';

/** Entity types reachable through `node(id)`. */
const NODE_TYPES = [
  Geography,
  AreaGroup,
  Area,
  FreshwaterStation,
  Hall,
  ContainerType,
  Container,
  Sensor,
  EnvironmentalParameter,
  Species,
  LifecycleStage,
  Batch,
  BatchCreation,
  BatchPlacement,
  BatchContainerAssignment,
  RecomputeJob,
  GrowthSample,
  MortalityEvent,
  TransferAction,
  HarvestEvent,
  FeedingEvent,
  Feed,
  FeedContainer,
  EnvironmentalReading,
  Treatment,
  LiceCount,
  TransferWorkflow,
  Scenario,
  TemperatureProfile,
];

const RESOLVERS: NonEmptyArray<Function> = [
  createNodeResolver(NODE_TYPES),
  GeographyResolver,
  AreaGroupResolver,
  AreaResolver,
  FreshwaterStationResolver,
  HallResolver,
  ContainerTypeResolver,
  ContainerResolver,
  SensorResolver,
  EnvironmentalParameterResolver,
  SpeciesResolver,
  LifecycleStageResolver,
  BatchResolver,
  BatchPlacementResolver,
  BatchCreationResolver,
  AssignmentResolver,
  AssignmentGrowthResolver,
  BatchGrowthResolver,
  DailyAssignmentStateResolver,
  BatchDailyPointResolver,
  BatchKpisResolver,
  RecomputeJobResolver,
  GrowthMutationResolver,
  GrowthSubscriptionResolver,
  BatchEventsResolver,
  AssignmentEventsResolver,
  GrowthSampleResolver,
  MortalityEventResolver,
  MortalityReportResolver,
  TransferActionResolver,
  GeographySummaryResolver,
  AreaSummaryResolver,
  StationSummaryResolver,
  HallSummaryResolver,
  ContainerOccupancyResolver,
  OccupancyRelationsResolver,
  ViewerResolver,
  BatchCreateResolver,
  BatchEditResolver,
  BatchVersionResolver,
  TransferCreateResolver,
  TransferEditResolver,
  TransferWorkflowEditResolver,
  PlacementCreateResolver,
  HarvestCreateResolver,
  AssignmentCloseResolver,
  AssignmentUpdateResolver,
  EventCreateResolver,
  FeedingEventCreateResolver,
  EventUpdateResolver,
  FeedingEventUpdateResolver,
  TreatmentCreateResolver,
  LiceCountCreateResolver,
  TreatmentUpdateResolver,
  LiceCountUpdateResolver,
  ...EVENT_VERSION_RESOLVERS,
  ReadingsIngestResolver,
  SeedRunResolver,
  SeedRunBatchResolver,
  BatchSeedRunResolver,
  SeedRunClassUtilisationResolver,
  ContainerQueryResolver,
  AssignmentQueryResolver,
  EventsQueryResolver,
  HarvestEventResolver,
  ReadingSeriesResolver,
  ContainerReadingsResolver,
  ReadingsQueryResolver,
  EnvironmentalReadingResolver,
  FeedQueryResolver,
  FeedingEventResolver,
  TreatmentResolver,
  LiceCountResolver,
  TransferWorkflowResolver,
  ScenarioResolver,
  ScenarioStageParameterResolver,
  TemperatureProfileResolver,
  ScenarioEditResolver,
  ParameterEditResolver,
  FeedEditResolver,
  FeedVersionResolver,
  FeedContainerVersionResolver,
  FeedContainerEditFieldsResolver,
  SpeciesEditResolver,
  LifecycleStageVersionResolver,
  SiteEditResolver,
  ContainerEditResolver,
  ...INFRASTRUCTURE_VERSION_RESOLVERS,
];

/** The executable schema, built from the resolver classes; subscriptions listen on `pubSub`. */
export function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: NODE_TYPES,
    // Dates are strings end to end; instants are JS Dates (STACK.md: map both explicitly).
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker,
    pubSub,
    validate: false,
  });
}

/** SDL as committed in `schema.graphql` (sorted, so the file diffs cleanly). */
export async function printSchemaSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema(createAppPubSub())))}\n`;
}
