import { GraphQLError } from 'graphql';
import { Field, InputType } from 'type-graphql';
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
