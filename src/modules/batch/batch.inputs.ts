import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { DateRange } from '../../graphql/common/date-range.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { BatchStatus } from '../enums.js';

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
}

export enum BatchOrderField {
  BATCH_NUMBER = 'BATCH_NUMBER',
  START_DATE = 'START_DATE',
  STATUS = 'STATUS',
}
registerEnumType(BatchOrderField, { name: 'BatchOrderField', description: 'Sortable fields of batches.' });

@InputType({ description: 'One sort key for `batches`; the id is always appended as a tie-breaker.' })
export class BatchOrder {
  @Field(() => BatchOrderField, { description: 'Field to sort by.' })
  field!: BatchOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}
