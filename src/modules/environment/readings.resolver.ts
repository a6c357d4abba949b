import DataLoader from 'dataloader';
import { Arg, Args, ArgsType, Ctx, Extensions, Field, FieldResolver, Float, ID, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { seriesListSize } from '../../graphql/limits.js';
import { assertSeriesRange, DateRange, SERIES_SPAN_RULE } from '../../graphql/common/date-range.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { DateTimeScalar } from '../../graphql/common/scalars.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { TimeBucket } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { ReadingBucket, readingLoaders } from './readings.loaders.js';

/** How far back `latestReadings` looks, so the query stays inside a few monthly partitions. */
const LATEST_READING_WINDOW_DAYS = 31;

@ObjectType({ description: 'The most recent reading of one parameter in a container.' })
class LatestReading {
  @Field(() => String, { description: 'Parameter code, e.g. TEMPERATURE.' })
  parameterCode!: string;

  @Field(() => String, { description: 'Unit of the value.' })
  unit!: string;

  @Field(() => Float, { description: 'Value.' })
  value!: number;

  @Field(() => DateTimeScalar, { description: 'When it was measured.' })
  readingTime!: Date;
}

/** The arguments of a reading series, on `readingSeries` and on `Container.readings`. */
@ArgsType()
class ReadingSeriesArgs {
  @Field(() => String, { description: 'Parameter code, e.g. TEMPERATURE.' })
  parameterCode!: string;

  @Field(() => DateRange, { description: 'Inclusive days.' })
  range!: DateRange;

  @Field(() => TimeBucket, { defaultValue: TimeBucket.DAY, description: 'Bucket size.' })
  bucket!: TimeBucket;
}

function readingSeries(ctx: GraphQLContext, containerId: number, { parameterCode, range, bucket }: ReadingSeriesArgs): Promise<ReadingBucket[]> {
  return readingLoaders.readingSeriesByContainer(ctx.loaders).load({ containerId, parameterCode, from: range.from, to: range.to, bucket });
}

@Resolver()
export class ReadingSeriesResolver {
  @Query(() => [ReadingBucket], {
    description: `Readings of one parameter in one container, by day, ISO week or month (from environmental_daily); ${SERIES_SPAN_RULE}.`,
  })
  // Query cost: the range is required, so its days divided by the bucket (limits.ts).
  @Extensions({ listSize: seriesListSize(365) })
  async readingSeries(
    @Arg('containerId', () => ID, { description: 'Global id of the container.' }) containerId: string,
    @Args(() => ReadingSeriesArgs) args: ReadingSeriesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReadingBucket[]> {
    assertSeriesRange(args.range, 'range', args.bucket);
    const id = decodeIdOf('Container', containerId);
    return id == null ? [] : readingSeries(ctx, id, args);
  }
}

@Resolver(() => Container)
export class ContainerReadingsResolver {
  @FieldResolver(() => [ReadingBucket], {
    description: `Readings of one parameter in the container, by day, ISO week or month: the buckets of \`readingSeries\`; ${SERIES_SPAN_RULE}.`,
  })
  @Extensions({ listSize: seriesListSize(365) })
  readings(@Root() container: Container, @Args(() => ReadingSeriesArgs) args: ReadingSeriesArgs, @Ctx() ctx: GraphQLContext): Promise<ReadingBucket[]> {
    assertSeriesRange(args.range, 'range', args.bucket);
    return readingSeries(ctx, container.id, args);
  }

  @FieldResolver(() => [LatestReading], {
    description: `Latest reading per parameter in the last ${LATEST_READING_WINDOW_DAYS} days (all parameters, or the codes given).`,
  })
  latestReadings(
    @Root() container: Container,
    @Arg('parameterCodes', () => [String], { nullable: true, description: 'Parameter codes; default all.' }) parameterCodes: string[] | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LatestReading[]> {
    const codes = parameterCodes?.length ? [...parameterCodes].sort().join(',') : '';
    return ctx.loaders
      .memoize(
        `latestReadings:${codes}`,
        () =>
          new DataLoader<number, LatestReading[]>(async (ids) => {
            const rows = await ctx.em.execute<Array<{ container_id: number; code: string; unit: string; value: number; reading_time: string }>>(
              `select distinct on (r.container_id, r.parameter_id) r.container_id, p.code, p.unit, r.value, r.reading_time
                 from environmental_reading r join environmental_parameter p on p.id = r.parameter_id
                where r.container_id in (${ids.map(() => '?').join(',')})
                  and r.reading_time > now() - make_interval(days => ?)
                  ${codes ? `and p.code in (${codes.split(',').map(() => '?').join(',')})` : ''}
                order by r.container_id, r.parameter_id, r.reading_time desc`,
              [...ids, LATEST_READING_WINDOW_DAYS, ...(codes ? codes.split(',') : [])],
              'all',
              ctx.em.getLoggerContext(),
            );
            return ids.map((id) =>
              rows
                .filter((row) => row.container_id === id)
                .map((row) => ({ parameterCode: row.code, unit: row.unit, value: row.value, readingTime: new Date(row.reading_time) })),
            );
          }),
      )
      .load(container.id);
  }
}
