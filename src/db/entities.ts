import { Area } from '../modules/infrastructure/area.entity.js';
import { Container, ContainerType, Sensor } from '../modules/infrastructure/container.entity.js';
import { FreshwaterStation, Hall } from '../modules/infrastructure/freshwater-station.entity.js';
import { AreaGroup, Geography } from '../modules/infrastructure/geography.entity.js';
import { EnvironmentalParameter } from '../modules/environment/environmental-parameter.entity.js';
import { EnvironmentalDaily, EnvironmentalReading } from '../modules/environment/environmental-reading.entity.js';
import { Feed, FeedContainer } from '../modules/feed/feed.entity.js';
import { FeedingEvent } from '../modules/feed/feeding-event.entity.js';
import { LifecycleStage, Species } from '../modules/species/species.entity.js';
import {
  Scenario,
  ScenarioStageParameter,
  TemperatureProfile,
  TemperatureProfileDay,
} from '../modules/scenario/scenario.entity.js';
import { Batch, BatchCreation } from '../modules/batch/batch.entity.js';
import { BatchPlacement } from '../modules/batch/batch-placement.entity.js';
import { BatchContainerAssignment } from '../modules/assignment/assignment.entity.js';
import { TransferAction, TransferWorkflow } from '../modules/transfer/transfer.entity.js';
import { MortalityEvent, MortalityReport } from '../modules/events/mortality.entity.js';
import { GrowthSample, GrowthSampleFish } from '../modules/events/growth-sample.entity.js';
import { Treatment, TreatmentFish, VaccinationType } from '../modules/events/treatment.entity.js';
import { LiceCount, LiceCountEntry } from '../modules/events/lice-count.entity.js';
import { HarvestEvent, HarvestLot } from '../modules/events/harvest.entity.js';
import { DailyAssignmentState } from '../modules/growth/daily-assignment-state.entity.js';
import { BatchDailyState } from '../modules/growth/batch-daily-state.entity.js';
import { PopulationAdjustment } from '../modules/growth/population-adjustment.entity.js';
import { RecomputeJob } from '../modules/growth/recompute-job.entity.js';
import { ContainerReservation, SeedUtilisationDaily } from '../modules/synthetic/container-reservation.entity.js';
import { SeedRun, SeedRunBatch } from '../modules/synthetic/seed-run.entity.js';
import { MutationIdempotency } from '../modules/operations/idempotency.entity.js';

/** Every entity, listed explicitly (no folder scanning: the same list works under tsx, tsc and vitest). */
export const ALL_ENTITIES = [
  // infrastructure
  Geography,
  AreaGroup,
  Area,
  FreshwaterStation,
  Hall,
  ContainerType,
  Container,
  Sensor,
  // environment
  EnvironmentalParameter,
  EnvironmentalReading,
  EnvironmentalDaily,
  // feed
  Feed,
  FeedContainer,
  FeedingEvent,
  // species
  Species,
  LifecycleStage,
  // scenario
  Scenario,
  ScenarioStageParameter,
  TemperatureProfile,
  TemperatureProfileDay,
  // batch
  Batch,
  BatchCreation,
  BatchPlacement,
  // assignment
  BatchContainerAssignment,
  // transfer
  TransferWorkflow,
  TransferAction,
  // events
  MortalityEvent,
  MortalityReport,
  GrowthSample,
  GrowthSampleFish,
  VaccinationType,
  Treatment,
  TreatmentFish,
  LiceCount,
  LiceCountEntry,
  HarvestEvent,
  HarvestLot,
  // growth (derived)
  DailyAssignmentState,
  BatchDailyState,
  PopulationAdjustment,
  RecomputeJob,
  // seed runs (generator-owned control tables)
  SeedRun,
  SeedRunBatch,
  ContainerReservation,
  SeedUtilisationDaily,
  // mutation bookkeeping
  MutationIdempotency,
];
