import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { AssignmentUpdateInput, AssignmentUpdatePayload } from './assignment-update.inputs.js';
import { ASSIGNMENT_UPDATE_CONSTRAINTS, checkAssignmentUpdateInput, updateAssignment } from './assignment-update.service.js';
import { BatchContainerAssignment } from './assignment.entity.js';

@Resolver(() => BatchContainerAssignment)
export class AssignmentUpdateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => AssignmentUpdatePayload, {
    description:
      "Corrects an assignment's stage on arrival and its dates (optimistic locking on version), only where the result stays consistent with what is recorded: the stage must be of the batch's species; the arrival day must be the day of the first placement or incoming transfer (a booking without arrivals may move); the departure of a closed assignment may move unless an emptying transfer or a harvest on that day closed it; no event, report, feeding, placement, transfer or harvest may fall outside the new interval (VALIDATION naming the record). Days the interval gains must find the container free (CONFLICT). Marks the assignment dirty from the earlier of the old and new days (the day before for a departure) and the sources of transfers into it from then on, and queues a recompute of the batch.",
  })
  async assignmentUpdate(
    @Arg('input', () => AssignmentUpdateInput, { description: 'The assignment, its version and the changes.' }) input: AssignmentUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AssignmentUpdatePayload> {
    const errors = checkAssignmentUpdateInput(input);
    if (errors.length > 0) return { assignment: null, recomputeJob: null, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'assignmentUpdate',
      write: (tx) => updateAssignment(tx, input),
      constraintErrors: ASSIGNMENT_UPDATE_CONSTRAINTS,
    });
    if (!outcome.ok) return { assignment: null, recomputeJob: null, userErrors: outcome.userErrors };
    const [assignment, [recomputeJob]] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, outcome.resourceId),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }

  @FieldResolver(() => Int, {
    description: 'Optimistic-locking version, incremented by every change; send it with assignmentUpdate (STALE_VERSION when it is no longer current).',
  })
  version(@Root() assignment: BatchContainerAssignment): number {
    return assignment.version;
  }
}
