import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { diffDays, fromDayIndex, isoWeekStart, monthBounds, toDayIndex } from '../../shared/dates.js';
import { TimeBucket } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';

/** How far back `latestReadings` looks, so the query stays inside a few monthly partitions. */
const LATEST_READING_WINDOW_DAYS = 31;
/** A series request spans at most this many days whatever the bucket. */
const MAX_SERIES_DAYS = 3_660;

@ObjectType({ description: 'Sensor readings of one parameter aggregated over a bucket (from the daily aggregates).' })
class ReadingBucket {
  @Field(() => DateScalar, { description: 'First day of the bucket (cut to the range).' })
  bucketStart!: string;

  @Field(() => DateScalar, { description: 'Last day of the bucket (cut to the range).' })
  bucketEnd!: string;

  @Field(() => Float, { description: 'Mean of the readings (weighted by their count per day).' })
  avgValue!: number;

  @Field(() => Float, { description: 'Lowest reading.' })
  minValue!: number;

  @Field(() => Float, { description: 'Highest reading.' })
  maxValue!: number;

  @Field(() => Int, { description: 'Readings in the bucket.' })
  readingCount!: number;
}

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

/** Calendar bucket start of a day index: the day, its ISO week's Monday, or the 1st of its month. */
function bucketStartOf(dayIndex: number, bucket: TimeBucket): number {
  if (bucket === TimeBucket.DAY) return dayIndex;
  return bucket === TimeBucket.WEEK ? isoWeekStart(dayIndex) : monthBounds(dayIndex).start;
}

@Resolver()
export class ReadingSeriesResolver {
  @Query(() => [ReadingBucket], {
    description: 'Readings of one parameter in one container, by day, ISO week or month (from environmental_daily; at most 3,660 days).',
  })
  async readingSeries(
    @Arg('containerId', () => ID, { description: 'Global id of the container.' }) containerId: string,
    @Arg('parameterCode', () => String, { description: 'Parameter code, e.g. TEMPERATURE.' }) parameterCode: string,
    @Arg('range', () => DateRange, { description: 'Inclusive days.' }) range: DateRange,
    @Arg('bucket', () => TimeBucket, { defaultValue: TimeBucket.DAY, description: 'Bucket size.' }) bucket: TimeBucket,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReadingBucket[]> {
    assertDateRange(range, 'range');
    if (diffDays(range.to, range.from) + 1 > MAX_SERIES_DAYS) {
      throw new GraphQLError(`\`range\` spans at most ${MAX_SERIES_DAYS} days`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'range' } });
    }
    const id = decodeIdOf('Container', containerId);
    if (id == null) return [];
    const days = await ctx.em.execute<Array<{ date: string; avg_value: number; min_value: number; max_value: number; reading_count: number }>>(
      `select d.date, d.avg_value, d.min_value, d.max_value, d.reading_count
         from environmental_daily d join environmental_parameter p on p.id = d.parameter_id
        where d.container_id = ? and p.code = ? and d.date between ? and ? order by d.date`,
      [id, parameterCode, range.from, range.to],
      'all',
      ctx.em.getLoggerContext(),
    );
    const buckets = new Map<number, ReadingBucket & { sum: number }>();
    for (const day of days) {
      const start = Math.max(bucketStartOf(toDayIndex(day.date), bucket), toDayIndex(range.from));
      const current = buckets.get(start);
      if (!current) {
        buckets.set(start, {
          bucketStart: fromDayIndex(start),
          bucketEnd: day.date,
          avgValue: 0,
          minValue: day.min_value,
          maxValue: day.max_value,
          readingCount: day.reading_count,
          sum: day.avg_value * day.reading_count,
        });
      } else {
        current.bucketEnd = day.date;
        current.minValue = Math.min(current.minValue, day.min_value);
        current.maxValue = Math.max(current.maxValue, day.max_value);
        current.readingCount += day.reading_count;
        current.sum += day.avg_value * day.reading_count;
      }
    }
    return [...buckets.values()].map(({ sum, ...b }) => ({ ...b, avgValue: Math.round((sum / b.readingCount) * 10_000) / 10_000 }));
  }
}

@Resolver(() => Container)
export class ContainerReadingsResolver {
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
