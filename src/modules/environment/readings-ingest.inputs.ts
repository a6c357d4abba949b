import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';

@InputType({ description: 'One environmental reading.' })
export class EnvironmentalReadingInput {
  @Field(() => ID, { description: 'Global id of the container measured.' })
  containerId!: string;

  @Field(() => String, { description: 'Parameter code, e.g. TEMPERATURE, OXYGEN, PH, SALINITY.' })
  parameterCode!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the sensor (installed in that container, measuring that parameter).' })
  sensorId?: string | null;

  @Field(() => DateTimeScalar, { description: 'Instant of the measurement (its UTC day is the reading day; not after today).' })
  readingTime!: Date;

  @Field(() => Float, { description: 'Measured value in the unit of the parameter (|value| < 1,000,000; stored with 4 decimals).' })
  value!: number;

  @Field(() => Boolean, { defaultValue: false, description: 'True when entered by hand rather than by a sensor.' })
  isManual!: boolean;
}

@InputType({ description: 'Input of environmentalReadingsIngest.' })
export class EnvironmentalReadingsIngestInput {
  @Field(() => [EnvironmentalReadingInput], { description: 'Up to 10,000 readings. Readings already stored (same container, parameter, sensor and time) are skipped.' })
  readings!: EnvironmentalReadingInput[];
}

@ObjectType({ description: 'Result of environmentalReadingsIngest.' })
export class EnvironmentalReadingsIngestPayload {
  @Field(() => Int, { description: 'Readings stored.' })
  inserted!: number;

  @Field(() => Int, { description: 'Readings skipped because they were already stored (or repeated within the call).' })
  duplicates!: number;

  @Field(() => Int, { description: 'Daily statistics rows (container, parameter, UTC day) rewritten.' })
  dailyRowsWritten!: number;

  @Field(() => [RecomputeJob], { description: 'Recompute jobs queued (or merged into) because temperatures changed, one per batch.' })
  recomputeJobs!: RecomputeJob[];

  @Field(() => [UserError], { description: 'Why nothing was stored, if so (at most 20, each naming the reading index).' })
  userErrors!: UserError[];
}
