import { registerEnumType } from 'type-graphql';

/**
 * The enums of data-model.md §3. Stored as upper-case text codes with CHECK constraints (values can be added
 * in a migration without locking); GraphQL exposes them under the same names.
 */

export enum StationType {
  FRESHWATER = 'FRESHWATER',
  BROODSTOCK = 'BROODSTOCK',
}
export enum ContainerHierarchyRole {
  HOLDING = 'HOLDING',
  STRUCTURAL = 'STRUCTURAL',
}
export enum FeedContainerType {
  SILO = 'SILO',
  BARGE = 'BARGE',
  TANK = 'TANK',
  OTHER = 'OTHER',
}
export enum ContainerCategory {
  TANK = 'TANK',
  PEN = 'PEN',
  TRAY = 'TRAY',
  OTHER = 'OTHER',
}
export enum StageEnvironment {
  FRESHWATER = 'FRESHWATER',
  SEA = 'SEA',
}
export enum BatchStatus {
  PLANNED = 'PLANNED',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  TERMINATED = 'TERMINATED',
  CANCELLED = 'CANCELLED',
}
export enum BatchType {
  STANDARD = 'STANDARD',
  MIXED = 'MIXED',
}
export enum EggSource {
  INTERNAL = 'INTERNAL',
  EXTERNAL = 'EXTERNAL',
}
export enum AssignmentCloseReason {
  TRANSFERRED = 'TRANSFERRED',
  HARVESTED = 'HARVESTED',
  CULLED = 'CULLED',
  OTHER = 'OTHER',
}
export enum TransferStatus {
  PLANNED = 'PLANNED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
export enum TransferWorkflowType {
  LIFECYCLE_TRANSITION = 'LIFECYCLE_TRANSITION',
  CONTAINER_REDISTRIBUTION = 'CONTAINER_REDISTRIBUTION',
  EMERGENCY = 'EMERGENCY',
}
export enum TransferWorkflowStatus {
  PLANNED = 'PLANNED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
export enum TransferMethod {
  NET = 'NET',
  PUMP = 'PUMP',
  GRAVITY = 'GRAVITY',
  MANUAL = 'MANUAL',
}
export enum SelectionMethod {
  AVERAGE = 'AVERAGE',
  LARGEST = 'LARGEST',
  SMALLEST = 'SMALLEST',
}
export enum MortalityCause {
  DISEASE = 'DISEASE',
  HANDLING = 'HANDLING',
  PREDATION = 'PREDATION',
  ENVIRONMENTAL = 'ENVIRONMENTAL',
  UNKNOWN = 'UNKNOWN',
  OTHER = 'OTHER',
}
export enum MortalityFrequency {
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
}
export enum FeedingMethod {
  MANUAL = 'MANUAL',
  AUTOMATIC = 'AUTOMATIC',
  BROADCAST = 'BROADCAST',
}
export enum FeedSizeCategory {
  MICRO = 'MICRO',
  SMALL = 'SMALL',
  MEDIUM = 'MEDIUM',
  LARGE = 'LARGE',
}
export enum TreatmentType {
  MEDICATION = 'MEDICATION',
  VACCINATION = 'VACCINATION',
  DELICING = 'DELICING',
  PHYSICAL = 'PHYSICAL',
  OTHER = 'OTHER',
}
export enum LiceCountMethod {
  MANUAL = 'MANUAL',
  CAMERA = 'CAMERA',
  AUTOMATED = 'AUTOMATED',
}
export enum LiceSpecies {
  L_SALMONIS = 'L_SALMONIS',
  C_ELONGATUS = 'C_ELONGATUS',
}
export enum LiceStage {
  CHALIMUS = 'CHALIMUS',
  PRE_ADULT = 'PRE_ADULT',
  ADULT_MALE = 'ADULT_MALE',
  ADULT_FEMALE = 'ADULT_FEMALE',
}
export enum AnchorType {
  GROWTH_SAMPLE = 'GROWTH_SAMPLE',
  TRANSFER = 'TRANSFER',
  TREATMENT = 'TREATMENT',
}
export enum AdjustmentReason {
  TRANSFER_COUNT_RECONCILIATION = 'TRANSFER_COUNT_RECONCILIATION',
  CLAMP = 'CLAMP',
}
export enum TimeBucket {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

const descriptions: Array<[object, string, string]> = [
  [StationType, 'StationType', 'Kind of freshwater station.'],
  [ContainerHierarchyRole, 'ContainerHierarchyRole', 'HOLDING containers hold fish; STRUCTURAL ones (racks) only group them.'],
  [FeedContainerType, 'FeedContainerType', 'Kind of feed store.'],
  [ContainerCategory, 'ContainerCategory', 'Physical kind of container.'],
  [StageEnvironment, 'StageEnvironment', 'Water a lifecycle stage lives in.'],
  [BatchStatus, 'BatchStatus', 'Lifecycle status of a batch.'],
  [BatchType, 'BatchType', 'STANDARD batches have one origin; MIXED ones merge several.'],
  [EggSource, 'EggSource', 'Origin of the eggs of a batch.'],
  [AssignmentCloseReason, 'AssignmentCloseReason', 'Why an assignment ended.'],
  [TransferStatus, 'TransferStatus', 'Status of a transfer action; the growth engine reads COMPLETED ones only.'],
  [TransferWorkflowType, 'TransferWorkflowType', 'Purpose of a transfer workflow.'],
  [TransferWorkflowStatus, 'TransferWorkflowStatus', 'Status of a transfer workflow, following its actions.'],
  [TransferMethod, 'TransferMethod', 'How fish were moved.'],
  [SelectionMethod, 'SelectionMethod', 'Which fish a partial transfer selected (biases the measured weight).'],
  [MortalityCause, 'MortalityCause', 'Recorded cause of death.'],
  [MortalityFrequency, 'MortalityFrequency', 'Period a mortality rate refers to.'],
  [FeedingMethod, 'FeedingMethod', 'How feed was delivered.'],
  [FeedSizeCategory, 'FeedSizeCategory', 'Pellet size class.'],
  [TreatmentType, 'TreatmentType', 'Kind of treatment.'],
  [LiceCountMethod, 'LiceCountMethod', 'How lice were counted.'],
  [LiceSpecies, 'LiceSpecies', 'Sea lice species.'],
  [LiceStage, 'LiceStage', 'Sea lice development stage.'],
  [AnchorType, 'AnchorType', 'Kind of measured weight a daily state is anchored to.'],
  [AdjustmentReason, 'AdjustmentReason', 'Why the engine booked a population adjustment.'],
  [TimeBucket, 'TimeBucket', 'Calendar bucket for downsampled series (WEEK = ISO week, Monday–Sunday).'],
];
for (const [enumObject, name, description] of descriptions) registerEnumType(enumObject, { name, description });

export enum RecomputeReason {
  INPUT_CHANGED = 'INPUT_CHANGED',
  SCENARIO_CHANGED = 'SCENARIO_CHANGED',
  MANUAL = 'MANUAL',
  NIGHTLY_APPEND = 'NIGHTLY_APPEND',
  SEED = 'SEED',
  ENGINE_UPGRADE = 'ENGINE_UPGRADE',
}
export enum RecomputeJobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(RecomputeReason, { name: 'RecomputeReason', description: 'Why a recompute of the growth series was requested.' });
registerEnumType(RecomputeJobStatus, { name: 'RecomputeJobStatus', description: 'Lifecycle of a recompute job.' });
