import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';
import { BatchContainerAssignment } from './assignment.entity.js';
import { KEEP } from '../operations/payload.js';

const KEEP_REQUIRED = `${KEEP.slice(0, -1)}; cannot be cleared.`;

@InputType({
  description:
    'Input of assignmentUpdate: the arrival stage and the dates (left out: unchanged). The container is not edited (moving fish is a transfer), an open assignment is closed with assignmentClose and a closed one is not reopened.',
})
export class AssignmentUpdateInput {
  @Field(() => ID, { description: 'Global id of the assignment.' })
  id!: string;

  @Field(() => Int, {
    description:
      'The version of the assignment the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.',
  })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of the operational stage on arrival (a stage of the batch's species). ${KEEP_REQUIRED}` })
  lifecycleStageId?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: `Arrival day (on or after the batch start, before the departure). With arrivals recorded it must be the day of the first one (the placement or transfer that opens the assignment; refused otherwise, VALIDATION: correct that record instead); without any (a booking), any day that keeps every record inside the interval. Earlier days book the container: it must be free then (CONFLICT). ${KEEP_REQUIRED}`,
  })
  assignmentDate?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: `Departure day of a closed assignment (after the arrival, not after today; an open assignment is closed with assignmentClose: VALIDATION). Refused (VALIDATION) when the departure was made by a record on that day, an emptying transfer or a harvest that closed it (correct that record instead), or when a record would fall after it. Later days book the container: it must be free then (CONFLICT). ${KEEP_REQUIRED}`,
  })
  departureDate?: string | null;
}

@ObjectType({ description: 'Result of assignmentUpdate.' })
export class AssignmentUpdatePayload {
  @Field(() => BatchContainerAssignment, { nullable: true, description: 'The assignment as stored now (null when userErrors is not empty).' })
  assignment!: BatchContainerAssignment | null;

  @Field(() => RecomputeJob, {
    nullable: true,
    description: 'The recompute job queued (or merged into) for the batch; null when nothing changed.',
  })
  recomputeJob!: RecomputeJob | null;

  @Field(() => [UserError], { description: 'Why nothing was written, if so.' })
  userErrors!: UserError[];
}
