import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { PAGE_SIZE } from '../../graphql/common/connection.js';
import { DateRange } from '../../graphql/common/date-range.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import { ContainerCategory } from '../enums.js';

/** Arguments and inputs of the top-level `assignments` connection (data-model.md §6.3). */

@InputType({ description: 'Filters for `assignments`; all given conditions must hold.' })
export class AssignmentFilter {
  @Field(() => [ID], { nullable: true, description: 'Assignments of these batches.' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in these containers.' })
  containerIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in containers of these halls.' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in containers of the halls of these freshwater stations.' })
  stationIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in rings of these sea areas.' })
  areaIds?: string[];

  @Field(() => [ID], {
    nullable: true,
    description: "Assignments in containers of these geographies (a tank through its hall's station, a ring through its sea area).",
  })
  geographyIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments whose arrival stage is one of these.' })
  stageIds?: string[];

  @Field(() => [ContainerCategory], { nullable: true, description: 'Assignments in containers of these categories.' })
  containerCategories?: ContainerCategory[];

  @Field(() => DateScalar, { nullable: true, description: 'Assignments in their container on this day.' })
  activeOn?: string;

  @Field(() => DateRange, { nullable: true, description: 'Assignments overlapping this range.' })
  activeDuring?: DateRange;
}

export enum AssignmentOrderField {
  ASSIGNMENT_DATE = 'ASSIGNMENT_DATE',
  DEPARTURE_DATE = 'DEPARTURE_DATE',
  CONTAINER_NAME = 'CONTAINER_NAME',
  BATCH_NUMBER = 'BATCH_NUMBER',
}
registerEnumType(AssignmentOrderField, {
  name: 'AssignmentOrderField',
  description: 'Sortable fields of assignments.',
  valuesConfig: {
    ASSIGNMENT_DATE: { description: 'Day the fish arrived in the container.' },
    DEPARTURE_DATE: { description: 'Day the fish left; open assignments (no departure yet) sort last in both directions.' },
    CONTAINER_NAME: { description: 'Name of the container.' },
    BATCH_NUMBER: { description: 'Number of the batch.' },
  },
});

@InputType({ description: 'One sort key for `assignments`; the id is always appended as a tie-breaker.' })
export class AssignmentOrder {
  @Field(() => AssignmentOrderField, { description: 'Field to sort by.' })
  field!: AssignmentOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
export class AssignmentsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`; only valid with the same orderBy).' })
  after?: string;

  @Field(() => AssignmentFilter, { nullable: true, description: 'Conditions the assignments must meet.' })
  filter?: AssignmentFilter;

  @Field(() => [AssignmentOrder], {
    nullable: true,
    description: 'Sort keys (default: arrival date in `direction`, then id); with `orderBy`, leave `direction` at its default.',
  })
  orderBy?: AssignmentOrder[];

  @Field(() => SortDirection, {
    defaultValue: SortDirection.ASC,
    description: 'Order of arrival dates (id breaks ties) when `orderBy` is not given; DESC together with `orderBy` is refused.',
    deprecationReason: 'Use `orderBy: [{ field: ASSIGNMENT_DATE, direction }]`.',
  })
  direction: SortDirection = SortDirection.ASC;
}
