import { GraphQLError } from 'graphql';
import { Field, InputType } from 'type-graphql';
import { DateScalar } from './scalars.js';

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
