import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { PAGE_SIZE } from '../../graphql/common/connection.js';
import { DateRange } from '../../graphql/common/date-range.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { LiceCountMethod, MortalityCause, TransferStatus, TreatmentType } from '../enums.js';

/** Arguments and inputs of the top-level event connections (data-model.md §6.3). */

/** Conditions shared by the events recorded on an assignment (mortality events, growth samples, treatments, lice counts). */
@InputType({ description: 'Which assignment events to list; all given conditions must hold.' })
export class AssignmentEventFilter {
  @Field(() => [ID], { nullable: true, description: 'Only events of these batches (global ids).' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only events of these assignments (global ids).' })
  assignmentIds?: string[];

  @Field(() => [ID], { nullable: true, description: "Only events in these containers (global ids; the assignment's container)." })
  containerIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Only events dated in this range.' })
  dateRange?: DateRange;
}

@InputType({ description: 'Which mortality events to list; all given conditions must hold.' })
export class MortalityEventFilter extends AssignmentEventFilter {
  @Field(() => [MortalityCause], { nullable: true, description: 'Only deaths with these recorded causes.' })
  causes?: MortalityCause[];
}

@InputType({ description: 'Which growth samples to list; all given conditions must hold.' })
export class GrowthSampleFilter extends AssignmentEventFilter {}

@InputType({ description: 'Which treatments to list; all given conditions must hold.' })
export class TreatmentFilter extends AssignmentEventFilter {
  @Field(() => [TreatmentType], { nullable: true, description: 'Only these kinds of treatment.' })
  types?: TreatmentType[];
}

@InputType({ description: 'Which lice counts to list; all given conditions must hold.' })
export class LiceCountFilter extends AssignmentEventFilter {
  @Field(() => [LiceCountMethod], { nullable: true, description: 'Only counts made with these methods.' })
  methods?: LiceCountMethod[];
}

@InputType({ description: 'Which harvests to list; all given conditions must hold.' })
export class HarvestFilter {
  @Field(() => [ID], { nullable: true, description: 'Only harvests of these batches (global ids).' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: "Only harvests from containers in these sea areas (global ids; the assignment's container)." })
  areaIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Only harvests dated in this range.' })
  dateRange?: DateRange;
}

@InputType({ description: "Which of a batch's transfer actions to list; all given conditions must hold." })
export class BatchTransferFilter {
  @Field(() => [ID], { nullable: true, description: 'Only transfers out of or into these assignments (global ids).' })
  assignmentIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only actions of these transfer workflows (global ids).' })
  workflowIds?: string[];

  @Field(() => [TransferStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: TransferStatus[];

  @Field(() => DateRange, { nullable: true, description: 'Only transfers executed in this range (excludes those without an execution date).' })
  dateRange?: DateRange;
}

/** `BatchTransferFilter` plus the batches: the conditions and their validation are shared (transfer-filter.ts). */
@InputType({ description: 'Which transfer actions to list; all given conditions must hold.' })
export class TransferFilter extends BatchTransferFilter {
  @Field(() => [ID], { nullable: true, description: 'Only transfers of these batches (global ids).' })
  batchIds?: string[];
}

export enum MortalityEventOrderField {
  DATE = 'DATE',
  COUNT = 'COUNT',
}
registerEnumType(MortalityEventOrderField, {
  name: 'MortalityEventOrderField',
  description: 'Sortable fields of mortality events.',
  valuesConfig: { DATE: { description: 'Day of the deaths.' }, COUNT: { description: 'Dead fish.' } },
});

export enum GrowthSampleOrderField {
  DATE = 'DATE',
  AVG_WEIGHT_G = 'AVG_WEIGHT_G',
}
registerEnumType(GrowthSampleOrderField, {
  name: 'GrowthSampleOrderField',
  description: 'Sortable fields of growth samples.',
  valuesConfig: { DATE: { description: 'Day of the sample.' }, AVG_WEIGHT_G: { description: 'Mean weight of the sample, g.' } },
});

export enum TreatmentOrderField {
  DATE = 'DATE',
}
registerEnumType(TreatmentOrderField, { name: 'TreatmentOrderField', description: 'Sortable fields of treatments (DATE: the treatment date).' });

export enum LiceCountOrderField {
  DATE = 'DATE',
}
registerEnumType(LiceCountOrderField, { name: 'LiceCountOrderField', description: 'Sortable fields of lice counts (DATE: the count date).' });

export enum HarvestOrderField {
  HARVEST_DATE = 'HARVEST_DATE',
  COUNT = 'COUNT',
}
registerEnumType(HarvestOrderField, {
  name: 'HarvestOrderField',
  description: 'Sortable fields of harvests.',
  valuesConfig: { HARVEST_DATE: { description: 'Day of the harvest.' }, COUNT: { description: 'Fish harvested.' } },
});

export enum TransferOrderField {
  EXECUTION_DATE = 'EXECUTION_DATE',
  PLANNED_DATE = 'PLANNED_DATE',
}
registerEnumType(TransferOrderField, {
  name: 'TransferOrderField',
  description: 'Sortable fields of transfer actions; actions without the date sort last in both directions.',
  valuesConfig: {
    EXECUTION_DATE: { description: 'Day the fish moved (none yet for planned actions).' },
    PLANNED_DATE: { description: 'Planned day (optional for completed actions).' },
  },
});

@InputType({ description: 'One sort key for `mortalityEvents`; the id is always appended as a tie-breaker.' })
export class MortalityEventOrder {
  @Field(() => MortalityEventOrderField, { description: 'Field to sort by.' })
  field!: MortalityEventOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `growthSamples`; the id is always appended as a tie-breaker.' })
export class GrowthSampleOrder {
  @Field(() => GrowthSampleOrderField, { description: 'Field to sort by.' })
  field!: GrowthSampleOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `treatments`; the id is always appended as a tie-breaker.' })
export class TreatmentOrder {
  @Field(() => TreatmentOrderField, { description: 'Field to sort by.' })
  field!: TreatmentOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `liceCounts`; the id is always appended as a tie-breaker.' })
export class LiceCountOrder {
  @Field(() => LiceCountOrderField, { description: 'Field to sort by.' })
  field!: LiceCountOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `harvests`; the id is always appended as a tie-breaker.' })
export class HarvestOrder {
  @Field(() => HarvestOrderField, { description: 'Field to sort by.' })
  field!: HarvestOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'One sort key for `transfers`; the id is always appended as a tie-breaker.' })
export class TransferOrder {
  @Field(() => TransferOrderField, { description: 'Field to sort by.' })
  field!: TransferOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
export class EventListArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`; only valid with the same orderBy).' })
  after?: string;
}

@ArgsType()
export class MortalityEventListArgs extends EventListArgs {
  @Field(() => MortalityEventFilter, { nullable: true, description: 'Conditions.' })
  filter?: MortalityEventFilter;

  @Field(() => [MortalityEventOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: MortalityEventOrder[];
}

@ArgsType()
export class GrowthSampleListArgs extends EventListArgs {
  @Field(() => GrowthSampleFilter, { nullable: true, description: 'Conditions.' })
  filter?: GrowthSampleFilter;

  @Field(() => [GrowthSampleOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: GrowthSampleOrder[];
}

@ArgsType()
export class TreatmentListArgs extends EventListArgs {
  @Field(() => TreatmentFilter, { nullable: true, description: 'Conditions.' })
  filter?: TreatmentFilter;

  @Field(() => [TreatmentOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: TreatmentOrder[];
}

@ArgsType()
export class LiceCountListArgs extends EventListArgs {
  @Field(() => LiceCountFilter, { nullable: true, description: 'Conditions.' })
  filter?: LiceCountFilter;

  @Field(() => [LiceCountOrder], { nullable: true, description: 'Sort keys (default: date, newest first).' })
  orderBy?: LiceCountOrder[];
}

@ArgsType()
export class HarvestListArgs extends EventListArgs {
  @Field(() => HarvestFilter, { nullable: true, description: 'Conditions.' })
  filter?: HarvestFilter;

  @Field(() => [HarvestOrder], { nullable: true, description: 'Sort keys (default: harvest date, newest first).' })
  orderBy?: HarvestOrder[];
}

@ArgsType()
export class TransferListArgs extends EventListArgs {
  @Field(() => TransferFilter, { nullable: true, description: 'Conditions.' })
  filter?: TransferFilter;

  @Field(() => [TransferOrder], { nullable: true, description: 'Sort keys (default: execution date, newest first; actions without one last).' })
  orderBy?: TransferOrder[];
}
