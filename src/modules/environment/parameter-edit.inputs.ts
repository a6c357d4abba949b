import { Field, Float, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/common/user-error.js';
import { IdempotencyKeyField } from '../operations/payload.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';

@InputType({ description: 'Input of environmentalParameterCreate. Values are in the parameter unit, with at most 2 decimals stored.' })
export class EnvironmentalParameterCreateInput {
  @Field(() => String, { description: 'Stable code in SCREAMING_SNAKE_CASE (at most 32 characters), unique, e.g. TURBIDITY. Readings and queries name the parameter by it.' })
  code!: string;

  @Field(() => String, { description: 'Display name (at most 100 characters).' })
  name!: string;

  @Field(() => String, { description: 'Unit of the values (at most 20 characters), e.g. °C, mg/L, ppt.' })
  unit!: string;

  @Field(() => Float, { nullable: true, description: 'Lowest plausible value (below maxValue).' })
  minValue?: number | null;

  @Field(() => Float, { nullable: true, description: 'Highest plausible value (above minValue).' })
  maxValue?: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the optimal range (within [minValue, maxValue], not above optimalMax).' })
  optimalMin?: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound of the optimal range (within [minValue, maxValue]).' })
  optimalMax?: number | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of environmentalParameterCreate.' })
export class EnvironmentalParameterCreatePayload {
  @Field(() => EnvironmentalParameter, { nullable: true, description: 'The parameter (null when userErrors is not empty).' })
  environmentalParameter!: EnvironmentalParameter | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
