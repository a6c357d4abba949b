import { GraphQLError } from 'graphql';
import { Field, InputType } from 'type-graphql';
import { TimeBucket } from '../../modules/enums.js';
import { diffDays } from '../../shared/dates.js';
import { DateScalar, DateTimeScalar } from './scalars.js';

@InputType({ description: 'An inclusive range of calendar days.' })
export class DateRange {
  @Field(() => DateScalar, { description: 'First day (inclusive).' })
  from!: string;

  @Field(() => DateScalar, { description: 'Last day (inclusive).' })
  to!: string;
}

/** Rejects inverted ranges with a clear message naming the argument. */
export function assertDateRange(range: DateRange | null | undefined, argumentName: string): void {
  if (range && range.from > range.to) {
    throw new GraphQLError(`\`${argumentName}.from\` (${range.from}) is after \`${argumentName}.to\` (${range.to})`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName },
    });
  }
}

@InputType({ description: 'An inclusive range of instants.' })
export class DateTimeRange {
  @Field(() => DateTimeScalar, { description: 'First instant (inclusive).' })
  from!: Date;

  @Field(() => DateTimeScalar, { description: 'Last instant (inclusive).' })
  to!: Date;
}

/** Rejects inverted instant ranges with a clear message naming the argument. */
export function assertDateTimeRange(range: DateTimeRange | null | undefined, argumentName: string): void {
  if (range && range.from.getTime() > range.to.getTime()) {
    throw new GraphQLError(
      `\`${argumentName}.from\` (${range.from.toISOString()}) is after \`${argumentName}.to\` (${range.to.toISOString()})`,
      { extensions: { code: 'BAD_USER_INPUT', argumentName } },
    );
  }
}

/** A DAY series spans at most this many days (data-model.md §6.1: a daily series request spans at most 1,100 days). */
export const MAX_DAILY_SERIES_DAYS = 1_100;
/** A WEEK or MONTH series spans at most this many days (about ten years). */
export const MAX_SERIES_DAYS = 3_660;
/** The span rule of every series (growth and readings), for descriptions. */
export const SERIES_SPAN_RULE = `\`range\` spans at most ${MAX_DAILY_SERIES_DAYS.toLocaleString('en-US')} days with bucket DAY and ${MAX_SERIES_DAYS.toLocaleString('en-US')} days with WEEK or MONTH`;

/**
 * Rejects inverted ranges and ranges longer than the bucket allows: MAX_DAILY_SERIES_DAYS for DAY, MAX_SERIES_DAYS
 * for WEEK and MONTH (BAD_USER_INPUT naming the argument).
 */
export function assertSeriesRange(range: DateRange, argumentName: string, bucket: TimeBucket): void {
  assertDateRange(range, argumentName);
  const span = diffDays(range.to, range.from) + 1;
  const max = bucket === TimeBucket.DAY ? MAX_DAILY_SERIES_DAYS : MAX_SERIES_DAYS;
  if (span > max) {
    const hint = bucket === TimeBucket.DAY ? `; narrow \`${argumentName}\` or use WEEK or MONTH` : '';
    throw new GraphQLError(`A ${bucket} series spans at most ${max} days (asked ${span})${hint}`, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
  }
}
