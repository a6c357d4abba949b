import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { FeedingMethod } from '../enums.js';
import { RECOMPUTE_JOB_DESCRIPTION, VERSION_DESCRIPTION } from '../events/event-update.inputs.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { FeedingEvent } from './feeding-event.entity.js';
import { KEEP } from '../operations/payload.js';


@InputType({ description: 'Input of feedingEventUpdate: the fields to change (left out: unchanged), checked with the rules of feedingEventCreate.' })
export class FeedingEventUpdateInput {
  @Field(() => ID, { description: 'Global id of the feeding event.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the container fed. ${KEEP}` })
  containerId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: `Global id of the assignment fed (explicit attribution); it must occupy the container that UTC day. null removes the link (the occupying assignment is fed). ${KEEP}`,
  })
  assignmentId?: string | null;

  @Field(() => ID, { nullable: true, description: `Global id of the feed product. ${KEEP}` })
  feedId?: string | null;

  @Field(() => ID, { nullable: true, description: `Global id of the feed store the feed came from; null clears it. ${KEEP}` })
  feedContainerId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: `Instant the feed was given; its UTC day is the feeding date (not after today). ${KEEP}` })
  fedAt?: Date | null;

  @Field(() => Float, { nullable: true, description: `Feed given, kg (> 0). ${KEEP}` })
  amountKg?: number | null;

  @Field(() => FeedingMethod, { nullable: true, description: `How the feed was delivered. ${KEEP}` })
  method?: FeedingMethod | null;

  @Field(() => String, { nullable: true, description: `Free-text notes; null clears them. ${KEEP}` })
  notes?: string | null;
}

@ObjectType({ description: 'Result of feedingEventUpdate.' })
export class FeedingEventUpdatePayload {
  @Field(() => FeedingEvent, { nullable: true, description: 'The feeding as stored now (null when userErrors is not empty).' })
  feedingEvent!: FeedingEvent | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the feed is attributed to now (the one occupying the container that day).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: RECOMPUTE_JOB_DESCRIPTION })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of feedingEventDelete.' })
export class FeedingEventDeleteInput {
  @Field(() => ID, { description: 'Global id of the feeding event.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;
}

@ObjectType({ description: 'Result of feedingEventDelete.' })
export class FeedingEventDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted feeding (null when userErrors is not empty).' })
  deletedId!: string | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the feed was attributed to (null when none occupied the container that day).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: "The recompute job queued (or merged into) for that assignment's batch." })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
