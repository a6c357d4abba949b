import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { BatchType, EggSource } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { Batch } from './batch.entity.js';

@InputType({ description: 'The egg delivery behind a new batch.' })
export class BatchCreationInput {
  @Field(() => String, { nullable: true, description: 'Unique creation number (at most 50 characters); default `CRT-<batchNumber>`.' })
  creationNumber?: string | null;

  @Field(() => EggSource, { description: 'Internal broodstock or external supplier.' })
  eggSource!: EggSource;

  @Field(() => String, { nullable: true, description: 'Egg supplier (at most 100 characters).' })
  supplier?: string | null;

  @Field(() => String, { nullable: true, description: 'Broodstock reference (at most 100 characters).' })
  broodstockRef?: string | null;

  @Field(() => Int, { nullable: true, description: 'Eggs ordered; default: the sum of the placement counts.' })
  plannedEggCount?: number | null;
}

@InputType({ description: 'Fish (or eggs) placed into one container on the batch start date.' })
export class BatchPlacementInput {
  @Field(() => ID, { description: 'Global id of a free, active HOLDING container.' })
  containerId!: string;

  @Field(() => Int, { description: 'Fish or eggs placed (> 0).' })
  count!: number;

  @Field(() => Float, { description: 'Mean weight on placement, g (> 0).' })
  avgWeightG!: number;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;
}

@InputType({ description: 'Input of batchCreate.' })
export class BatchCreateInput {
  @Field(() => String, { description: 'Unique batch number, e.g. FO-2024-001 (at most 50 characters).' })
  batchNumber!: string;

  @Field(() => ID, { description: 'Global id of the species.' })
  speciesId!: string;

  @Field(() => DateScalar, { description: 'Day 1 of the batch; the placements and assignments start on it.' })
  startDate!: string;

  @Field(() => DateScalar, { nullable: true, description: 'Planned end date (not before startDate).' })
  expectedEndDate?: string | null;

  @Field(() => BatchType, { nullable: true, description: 'STANDARD (default) or MIXED.' })
  batchType?: BatchType | null;

  @Field(() => ID, { nullable: true, description: "Global id of the growth scenario; default: the species' default scenario." })
  scenarioId?: string | null;

  @Field(() => ID, { nullable: true, description: "Global id of the stage on arrival; default: the species' first stage." })
  lifecycleStageId?: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @Field(() => BatchCreationInput, { description: 'The egg delivery.' })
  creation!: BatchCreationInput;

  @Field(() => [BatchPlacementInput], { description: 'One placement per container (1 to 200 containers, each at most once).' })
  placements!: BatchPlacementInput[];

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of batchCreate.' })
export class BatchCreatePayload {
  @Field(() => Batch, { nullable: true, description: 'The new batch (null when userErrors is not empty).' })
  batch!: Batch | null;

  @Field(() => [BatchContainerAssignment], { description: 'Its assignments, one per placement container, in the order of the placements.' })
  assignments!: BatchContainerAssignment[];

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job computing its first growth series.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was created, if so.' })
  userErrors!: UserError[];
}
