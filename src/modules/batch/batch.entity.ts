import { Check, Entity, Enum, Index, ManyToOne, OneToOne, Property, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import type { DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchStatus, BatchType, EggSource } from '../enums.js';
import type { Scenario } from '../scenario/scenario.entity.js';
import { Species } from '../species/species.entity.js';

/**
 * A cohort of fish of one origin and start date, followed from egg to harvest. Population, weight, biomass and
 * current stage are never stored here: they are read from the daily series (data-model.md §1).
 */
@Entity()
@Check({ name: 'batch_expected_end_date_check', expression: 'expected_end_date >= start_date' })
@Check({ name: 'batch_actual_end_date_check', expression: 'actual_end_date >= start_date' })
@ObjectType({ implements: Node, description: 'A cohort of fish of one origin and start date, followed from egg to harvest.' })
export class Batch extends MutableEntity {
  @Property({ type: 'string', length: 50, unique: true })
  @Field(() => String, { description: 'Unique batch number, e.g. FO-2024-001.' })
  batchNumber!: string;

  @ManyToOne(() => Species, { deleteRule: 'restrict', index: true })
  species!: Rel<Species>;

  @Enum({ items: () => BatchType, default: BatchType.STANDARD })
  @Field(() => BatchType, { description: 'STANDARD (one origin) or MIXED.' })
  batchType: Opt<BatchType> = BatchType.STANDARD;

  @Enum({ items: () => BatchStatus })
  @Index()
  @Field(() => BatchStatus, { description: 'Lifecycle status.' })
  status!: BatchStatus;

  @Property({ type: 'date' })
  @Index()
  @Field(() => DateScalar, { description: 'Day 1 of the batch; day number = date − startDate + 1.' })
  startDate!: DateString;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Planned end date.' })
  expectedEndDate?: DateString | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Day the last assignment departed (set on COMPLETED).' })
  actualEndDate?: DateString | null;

  /** Growth model for the engine; null falls back to the species default (growth-engine.md §4). */
  @ManyToOne({ entity: 'Scenario', nullable: true, deleteRule: 'restrict', index: true })
  scenario?: Rel<Scenario> | null;

  /** Set for generated data so a seed run can be cleaned up (the seed run's id; the relation is mapped to it). */
  @ManyToOne({ entity: 'SeedRun', nullable: true, deleteRule: 'restrict', index: true, mapToPk: true, fieldName: 'seed_run_id' })
  seedRunId?: number | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;
}

/** The egg delivery header of a batch (one per batch). */
@Entity()
@Check({ name: 'batch_creation_planned_egg_count_check', expression: 'planned_egg_count > 0' })
@ObjectType({ implements: Node, description: 'The egg delivery behind a batch ("creation workflow").' })
export class BatchCreation extends MutableEntity {
  @OneToOne(() => Batch, { owner: true, deleteRule: 'cascade', unique: true })
  batch!: Rel<Batch>;

  @Property({ type: 'string', length: 50, unique: true })
  @Field(() => String, { description: 'Unique number, e.g. CRT-FO-2024-001.' })
  creationNumber!: string;

  @Enum({ items: () => EggSource })
  @Field(() => EggSource, { description: 'Internal broodstock or external supplier.' })
  eggSource!: EggSource;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Egg supplier.' })
  supplier?: string | null;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Broodstock reference.' })
  broodstockRef?: string | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Eggs ordered.' })
  plannedEggCount!: number;
}
