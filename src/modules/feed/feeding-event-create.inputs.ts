import { IdempotencyKeyField } from '../operations/payload.js';
import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { FeedingMethod } from '../enums.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { FeedingEvent } from './feeding-event.entity.js';

@InputType({ description: 'Input of feedingEventCreate.' })
export class FeedingEventCreateInput {
  @Field(() => ID, { description: 'Global id of the container fed.' })
  containerId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Global id of the assignment fed (explicit attribution); it must occupy the container that UTC day. Default: the occupying assignment.',
  })
  assignmentId?: string | null;

  @Field(() => ID, { description: 'Global id of the feed product.' })
  feedId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the feed store the feed came from.' })
  feedContainerId?: string | null;

  @Field(() => DateTimeScalar, { description: 'Instant the feed was given; its UTC day is the feeding date (not after today).' })
  fedAt!: Date;

  @Field(() => Float, { description: 'Feed given, kg (> 0).' })
  amountKg!: number;

  @Field(() => FeedingMethod, { description: 'How the feed was delivered.' })
  method!: FeedingMethod;

  @Field(() => String, { nullable: true, description: 'Free-text notes.' })
  notes?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of feedingEventCreate.' })
export class FeedingEventCreatePayload {
  @Field(() => FeedingEvent, { nullable: true, description: 'The feeding (null when userErrors is not empty).' })
  feedingEvent!: FeedingEvent | null;

  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment the feed is attributed to (the one occupying the container that day).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, { nullable: true, description: 'The recompute job queued (or merged into) for the batch.' })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
