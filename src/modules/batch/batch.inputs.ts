import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { DateRange } from '../../graphql/common/date-range.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { BatchStatus, ContainerCategory } from '../enums.js';

@InputType({ description: 'An inclusive numeric range; either end may be left open.' })
export class NumberRange {
  @Field(() => Float, { nullable: true, description: 'Lowest value (inclusive).' })
  min?: number;

  @Field(() => Float, { nullable: true, description: 'Highest value (inclusive).' })
  max?: number;
}

@InputType({ description: 'Filters for `batches`; all given conditions must hold.' })
export class BatchFilter {
  @Field(() => [ID], { nullable: true, description: 'Only these batches (global ids).' })
  ids?: string[];

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the batch number or notes.' })
  search?: string;

  @Field(() => [BatchStatus], { nullable: true, description: 'Only batches in these statuses.' })
  statuses?: BatchStatus[];

  @Field(() => [ID], { nullable: true, description: 'Only batches of these species (global ids).' })
  speciesIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Only batches whose start date lies in this range.' })
  startDate?: DateRange;

  @Field(() => [ID], { nullable: true, description: 'Only batches with fish (an open assignment) in these geographies.' })
  geographyIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only batches with fish in these sea areas.' })
  areaIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only batches with fish in these freshwater stations.' })
  stationIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only batches with fish in these halls.' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only batches with fish in these containers.' })
  containerIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only batches whose current stage (the stage holding most fish today) is one of these.' })
  currentStageIds?: string[];

  @Field(() => NumberRange, { nullable: true, description: 'Only batches whose current population lies in this range (fish).' })
  population?: NumberRange;

  @Field(() => NumberRange, { nullable: true, description: 'Only batches whose current biomass lies in this range (kg).' })
  biomassKg?: NumberRange;
}

export enum BatchOrderField {
  BATCH_NUMBER = 'BATCH_NUMBER',
  START_DATE = 'START_DATE',
  STATUS = 'STATUS',
  POPULATION = 'POPULATION',
  BIOMASS_KG = 'BIOMASS_KG',
  AVG_WEIGHT_G = 'AVG_WEIGHT_G',
}
registerEnumType(BatchOrderField, {
  name: 'BatchOrderField',
  description: 'Sortable fields of batches.',
  valuesConfig: {
    POPULATION: { description: 'Current population (latest daily state on or before today); batches without one sort last.' },
    BIOMASS_KG: { description: 'Current biomass, kg (latest daily state on or before today); batches without one sort last.' },
    AVG_WEIGHT_G: { description: 'Current average weight, g (latest daily state on or before today); batches without one sort last.' },
  },
});

@InputType({ description: 'One sort key for `batches`; the id is always appended as a tie-breaker.' })
export class BatchOrder {
  @Field(() => BatchOrderField, { description: 'Field to sort by.' })
  field!: BatchOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'Conditions on the assignments of one batch (`Batch.assignments`); all given conditions must hold.' })
export class BatchAssignmentFilter {
  @Field(() => [ID], { nullable: true, description: 'Only assignments whose arrival stage is one of these (global ids).' })
  stageIds?: string[];

  @Field(() => [ContainerCategory], { nullable: true, description: 'Only assignments in containers of these categories.' })
  containerCategories?: ContainerCategory[];
}
