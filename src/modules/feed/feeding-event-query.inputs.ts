import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { PAGE_SIZE } from '../../graphql/common/connection.js';
import { DateRange } from '../../graphql/common/date-range.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { FeedingMethod } from '../enums.js';

@InputType({ description: 'Filters for `feedingEvents`; all given conditions must hold.' })
export class FeedingEventFilter {
  @Field(() => [ID], { nullable: true, description: 'Only feed given to these containers (global ids).' })
  containerIds?: string[];

  @Field(() => [ID], {
    nullable: true,
    description:
      'Only feed attributed to these assignments (global ids): linked to one of them, or unlinked and given to its container on a day it occupied it.',
  })
  assignmentIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only these feed products (global ids).' })
  feedIds?: string[];

  @Field(() => DateRange, { nullable: true, description: 'Only feed given on these UTC days (feedingDate); narrows the partitions read.' })
  dateRange?: DateRange;

  @Field(() => [FeedingMethod], { nullable: true, description: 'Only these delivery methods.' })
  methods?: FeedingMethod[];
}

export enum FeedingEventOrderField {
  FED_AT = 'FED_AT',
  AMOUNT_KG = 'AMOUNT_KG',
}
registerEnumType(FeedingEventOrderField, { name: 'FeedingEventOrderField', description: 'Sortable fields of feeding events.' });

@InputType({ description: 'One sort key for `feedingEvents`; the id is always appended as a tie-breaker.' })
export class FeedingEventOrder {
  @Field(() => FeedingEventOrderField, { description: 'Field to sort by.' })
  field!: FeedingEventOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
export class FeedingEventsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`).' })
  after?: string;

  @Field(() => FeedingEventFilter, { nullable: true, description: 'Conditions the feeding events must meet.' })
  filter?: FeedingEventFilter;

  @Field(() => [FeedingEventOrder], { nullable: true, description: 'Sort keys (default: time fed, newest first).' })
  orderBy?: FeedingEventOrder[];
}
