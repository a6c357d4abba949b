import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { LiceCountMethod } from '../enums.js';
import { KEEP } from '../operations/payload.js';
import { VERSION_DESCRIPTION } from './event-update.inputs.js';
import { LiceCountEntryInput } from './lice-count-create.inputs.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

@InputType({ description: 'Input of liceCountUpdate: the fields to change (left out: unchanged). entries[] replaces every entry.' })
export class LiceCountUpdateInput {
  @Field(() => ID, { description: 'Global id of the lice count.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the assignment whose fish were counted (moves the count). ${KEEP}` })
  assignmentId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Day of the count: inside the assignment interval, not after today. ${KEEP}` })
  countDate?: string | null;

  @Field(() => Int, { nullable: true, description: `Fish examined (≥ 1). ${KEEP}` })
  fishSampled?: number | null;

  @Field(() => LiceCountMethod, { nullable: true, description: `How the lice were counted. ${KEEP}` })
  method?: LiceCountMethod | null;

  @Field(() => [LiceCountEntryInput], {
    nullable: true,
    description: `Replaces the entries: lice found, at most one entry per species and stage (at least one entry). ${KEEP}`,
  })
  entries?: LiceCountEntryInput[] | null;
}

@ObjectType({ description: 'Result of liceCountUpdate.' })
export class LiceCountUpdatePayload {
  @Field(() => LiceCount, { nullable: true, description: 'The count as stored now (null when userErrors is not empty).' })
  liceCount!: LiceCount | null;

  @Field(() => [LiceCountEntry], { description: 'Its entries, by species and stage.' })
  entries!: LiceCountEntry[];

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the count belongs to now.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of liceCountDelete.' })
export class LiceCountDeleteInput {
  @Field(() => ID, { description: 'Global id of the lice count.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;
}

@ObjectType({ description: 'Result of liceCountDelete.' })
export class LiceCountDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted count (null when userErrors is not empty).' })
  deletedId!: string | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the count belonged to.' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
