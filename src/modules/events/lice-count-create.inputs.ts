import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { LiceCountMethod, LiceSpecies, LiceStage } from '../enums.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

@InputType({ description: 'Lice of one species and stage found on all sampled fish together.' })
export class LiceCountEntryInput {
  @Field(() => LiceSpecies, { description: 'Lice species.' })
  liceSpecies!: LiceSpecies;

  @Field(() => LiceStage, { description: 'Development stage.' })
  liceStage!: LiceStage;

  @Field(() => Int, { description: 'Lice counted (≥ 0; zeros are kept: a stage looked for and not found).' })
  count!: number;
}

@InputType({ description: 'Input of liceCountCreate.' })
export class LiceCountCreateInput {
  @Field(() => ID, { description: 'Global id of the assignment whose fish were counted.' })
  assignmentId!: string;

  @Field(() => DateScalar, { description: 'Day of the count: inside the assignment interval, not after today.' })
  countDate!: string;

  @Field(() => Int, { description: 'Fish examined (≥ 1).' })
  fishSampled!: number;

  @Field(() => LiceCountMethod, { description: 'How the lice were counted.' })
  method!: LiceCountMethod;

  @Field(() => [LiceCountEntryInput], { description: 'Lice found, at most one entry per species and stage (at least one entry).' })
  entries!: LiceCountEntryInput[];

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of liceCountCreate.' })
export class LiceCountCreatePayload {
  @Field(() => LiceCount, { nullable: true, description: 'The count (null when userErrors is not empty).' })
  liceCount!: LiceCount | null;

  @Field(() => [LiceCountEntry], { description: 'Its entries, by species and stage.' })
  entries!: LiceCountEntry[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment counted.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
