import DataLoader from 'dataloader';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { mapReadOnly } from '../../db/read-only-entities.js';
import { pgArray } from '../../db/raw-sql.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import type { Loaders } from '../../graphql/loaders.js';
import { fromDayIndex, isoWeekStart, monthBounds, toDayIndex } from '../../shared/dates.js';
import { TimeBucket } from '../enums.js';
import { EnvironmentalReading } from './environmental-reading.entity.js';

@ObjectType({ description: 'Sensor readings of one parameter aggregated over a bucket (from the daily aggregates).' })
export class ReadingBucket {
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

/** Calendar bucket start of a day index: the day, its ISO week's Monday, or the 1st of its month. */
function bucketStartOf(dayIndex: number, bucket: TimeBucket): number {
  if (bucket === TimeBucket.DAY) return dayIndex;
  return bucket === TimeBucket.WEEK ? isoWeekStart(dayIndex) : monthBounds(dayIndex).start;
}

interface DailyRow {
  container_id: number;
  date: string;
  avg_value: number;
  min_value: number;
  max_value: number;
  reading_count: number;
}

/** Daily aggregates (ordered by date) folded into calendar buckets cut to the range start. */
function toBuckets(days: readonly DailyRow[], from: string, bucket: TimeBucket): ReadingBucket[] {
  const buckets = new Map<number, ReadingBucket & { sum: number }>();
  for (const day of days) {
    const start = Math.max(bucketStartOf(toDayIndex(day.date), bucket), toDayIndex(from));
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

/** Key of `readingSeriesByContainer`: the container and every argument of the series (range already validated). */
export interface ReadingSeriesKey {
  containerId: number;
  parameterCode: string;
  from: string;
  to: string;
  bucket: TimeBucket;
}

const seriesArgs = (key: ReadingSeriesKey) => `${key.parameterCode}|${key.from}|${key.to}|${key.bucket}`;

export const readingLoaders = {
  /**
   * Bucketed daily aggregates per container: EnvironmentalDaily `container_id = ANY(…) AND date BETWEEN …` for one
   * parameter code, one statement per distinct (code, range, bucket) in a request.
   */
  readingSeriesByContainer: (l: Loaders) =>
    l.memoize(
      'readingSeriesByContainer',
      () =>
        new DataLoader<ReadingSeriesKey, ReadingBucket[], string>(
          async (keys) => {
            const results = new Map<string, ReadingBucket[]>();
            for (const [args, group] of groupBy(keys, seriesArgs)) {
              const { parameterCode, from, to, bucket } = group[0]!;
              const days = await l.em.execute<DailyRow[]>(
                `select d.container_id, d.date, d.avg_value, d.min_value, d.max_value, d.reading_count
                   from environmental_daily d join environmental_parameter p on p.id = d.parameter_id
                  where d.container_id = any(?::bigint[]) and p.code = ? and d.date between ? and ?
                  order by d.container_id, d.date`,
                [pgArray(group.map((key) => key.containerId)), parameterCode, from, to],
                'all',
                l.em.getLoggerContext(),
              );
              const byContainer = groupBy(days, (day) => Number(day.container_id));
              for (const key of group) results.set(`${key.containerId}#${args}`, toBuckets(byContainer.get(key.containerId) ?? [], from, bucket));
            }
            return keys.map((key) => results.get(`${key.containerId}#${seriesArgs(key)}`) ?? []);
          },
          { cacheKeyFn: (key) => `${key.containerId}#${seriesArgs(key)}` },
        ),
    ),

  /**
   * The newest reading of each sensor, one statement per batch of sensors. A sensor's readings always carry its
   * current container and parameter (sensorUpdate refuses to change them once it has readings), so each lookup
   * walks the unique (container_id, parameter_id, sensor_id, reading_time) index backwards. The last 31 days are
   * probed first (the months in reach, by run-time pruning); only a sensor silent that long walks every partition.
   */
  latestReadingBySensor: (l: Loaders) =>
    l.memoize(
      'latestReadingBySensor',
      () =>
        new DataLoader<{ sensorId: number; containerId: number; parameterId: number }, EnvironmentalReading | null, number>(
          async (keys) => {
            const rows = await l.em.execute<Array<Record<string, unknown>>>(
              `select r.* from unnest(?::bigint[], ?::bigint[], ?::bigint[]) s(sensor_id, container_id, parameter_id)
                 cross join lateral (
                   (select e.* from environmental_reading e
                     where e.container_id = s.container_id and e.parameter_id = s.parameter_id and e.sensor_id = s.sensor_id
                       and e.reading_time >= now() - interval '31 days'
                     order by e.reading_time desc limit 1)
                   union all
                   (select e.* from environmental_reading e
                     where e.container_id = s.container_id and e.parameter_id = s.parameter_id and e.sensor_id = s.sensor_id
                     order by e.reading_time desc limit 1)
                   limit 1) r`,
              [pgArray(keys.map((k) => k.sensorId)), pgArray(keys.map((k) => k.containerId)), pgArray(keys.map((k) => k.parameterId))],
              'all',
              l.em.getLoggerContext(),
            );
            const readings = mapReadOnly(l.em, EnvironmentalReading, rows);
            const bySensor = new Map(readings.map((reading) => [Number(reading.sensor?.id), reading]));
            return keys.map((key) => bySensor.get(key.sensorId) ?? null);
          },
          { cacheKeyFn: (key) => key.sensorId },
        ),
    ),
};
