import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateTimeRange, DateTimeRange } from '../../graphql/common/date-range.js';
import { sqlIn, sqlPaginate, type SqlFragment, type SqlPageSpec } from '../../graphql/common/keyset.js';
import { refId } from '../../graphql/common/loader-helpers.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { Container, Sensor } from '../infrastructure/container.entity.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';
import { EnvironmentalReading } from './environmental-reading.entity.js';

export const EnvironmentalReadingConnection = connectionOf('EnvironmentalReading', EnvironmentalReading, 'A page of environmental readings.');

@InputType({ description: 'Filters for `environmentalReadings`; all given conditions must hold. The time range is required.' })
export class EnvironmentalReadingFilter {
  @Field(() => DateTimeRange, {
    description: 'Only readings measured in this range (required: readings are partitioned by month on their time).',
  })
  timeRange!: DateTimeRange;

  @Field(() => [ID], { nullable: true, description: 'Only readings in these containers (global ids).' })
  containerIds?: string[];

  @Field(() => [String], { nullable: true, description: 'Only these parameter codes, e.g. TEMPERATURE (unknown codes match nothing).' })
  parameterCodes?: string[];

  @Field(() => Boolean, { nullable: true, description: 'true: only readings entered by hand; false: only sensor readings.' })
  isManual?: boolean;
}

export enum EnvironmentalReadingOrderField {
  READING_TIME = 'READING_TIME',
}
registerEnumType(EnvironmentalReadingOrderField, {
  name: 'EnvironmentalReadingOrderField',
  description: 'Sortable fields of environmental readings.',
});

@InputType({ description: 'One sort key for `environmentalReadings`; the id is always appended as a tie-breaker.' })
export class EnvironmentalReadingOrder {
  @Field(() => EnvironmentalReadingOrderField, { description: 'Field to sort by.' })
  field!: EnvironmentalReadingOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class EnvironmentalReadingsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEvents}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`).' })
  after?: string;

  @Field(() => EnvironmentalReadingFilter, { description: 'Conditions the readings must meet (with the required time range).' })
  filter!: EnvironmentalReadingFilter;

  @Field(() => [EnvironmentalReadingOrder], { nullable: true, description: 'Sort keys (default: reading time, newest first).' })
  orderBy?: EnvironmentalReadingOrder[];
}

/**
 * The SQL of an `environmentalReadings` list. The required time range and the cursor both bound reading_time, the
 * partition key, so only the months in reach are read. Exported for the partition-pruning test.
 */
export function readingPageSpec(filter: EnvironmentalReadingFilter, orderBy: EnvironmentalReadingOrder[] | undefined): SqlPageSpec<EnvironmentalReading> {
  assertDateTimeRange(filter.timeRange, 'filter.timeRange');
  const where: SqlFragment[] = [
    {
      sql: 'e.reading_time between ?::timestamptz and ?::timestamptz',
      params: [filter.timeRange.from.toISOString(), filter.timeRange.to.toISOString()],
    },
  ];
  if (filter.containerIds) where.push(sqlIn('e.container_id', decodeIds('Container', filter.containerIds, 'filter.containerIds')));
  if (filter.parameterCodes) {
    const codes = sqlIn('p.code', filter.parameterCodes);
    where.push({ sql: `e.parameter_id in (select p.id from environmental_parameter p where ${codes.sql})`, params: codes.params });
  }
  if (filter.isManual != null) where.push({ sql: 'e.is_manual = ?', params: [filter.isManual] });
  const order = orderBy?.length ? orderBy : [{ field: EnvironmentalReadingOrderField.READING_TIME, direction: SortDirection.DESC }];
  return {
    entity: EnvironmentalReading,
    columns: 'e.*',
    from: { sql: 'environmental_reading e', params: [] },
    where,
    order: order.map((key) => ({ sql: 'e.reading_time', type: 'timestamptz', direction: key.direction })),
    idColumn: 'e.id',
  };
}

@Resolver()
export class ReadingsQueryResolver {
  @Query(() => EnvironmentalReadingConnection, {
    description: 'Individual readings in a time range (required), filtered by container, parameter and source; default newest first.',
  })
  async environmentalReadings(@Args(() => EnvironmentalReadingsArgs) args: EnvironmentalReadingsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEvents);
    return new EnvironmentalReadingConnection(await sqlPaginate(ctx.em, readingPageSpec(args.filter, args.orderBy), first, args.after));
  }
}

@Resolver(() => EnvironmentalReading)
export class EnvironmentalReadingResolver {
  @FieldResolver(() => Container, { description: 'Container measured.' })
  container(@Root() reading: EnvironmentalReading, @Ctx() ctx: GraphQLContext): Promise<Container> {
    return ctx.loaders.required(Container, reading.container.id);
  }

  @FieldResolver(() => EnvironmentalParameter, { description: 'Parameter measured.' })
  parameter(@Root() reading: EnvironmentalReading, @Ctx() ctx: GraphQLContext): Promise<EnvironmentalParameter> {
    return ctx.loaders.required(EnvironmentalParameter, reading.parameter.id);
  }

  @FieldResolver(() => Sensor, { nullable: true, description: 'Sensor that took the reading; null for manual readings without one.' })
  sensor(@Root() reading: EnvironmentalReading, @Ctx() ctx: GraphQLContext): Promise<Sensor | null> {
    const id = refId(reading.sensor);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(Sensor).load(id);
  }
}
