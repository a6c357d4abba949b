import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { prepareInlineRecompute } from '../operations/rules.js';
import { BatchPlacement } from './batch-placement.entity.js';
import { PlacementCreateInput, PlacementCreatePayload } from './placement-create.inputs.js';
import { checkPlacementCreateInput, createPlacement, PLACEMENT_CREATE_CONSTRAINTS } from './placement-create.service.js';

@Resolver()
export class PlacementCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => PlacementCreatePayload, {
    description:
      'Adds fish from outside to a batch: a top-up of an assignment of the batch in place on placementDate (assignmentId; the fish present plus the placed biomass must fit the container, CAPACITY_EXCEEDED), or a new assignment from placementDate in a free, active HOLDING container (containerId and lifecycleStageId; occupied: CONFLICT). Queues a recompute of the batch from placementDate.',
  })
  async placementCreate(
    @Arg('input', () => PlacementCreateInput, { description: 'The placement.' }) input: PlacementCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlacementCreatePayload> {
    const empty = { placement: null, assignment: null, recomputeJob: null };
    const errors = checkPlacementCreateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'placementCreate',
      idempotency: { key: input.idempotencyKey, input },
      before: (em) => (input.assignmentId ? prepareInlineRecompute(em, input.assignmentId, input.placementDate) : Promise.resolve()),
      write: (tx) => createPlacement(tx, input),
      constraintErrors: PLACEMENT_CREATE_CONSTRAINTS,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const placement = await loadById(ctx, BatchPlacement, outcome.resourceId);
    const [assignment, [recomputeJob]] = await Promise.all([
      loadById(ctx, BatchContainerAssignment, placement?.assignment.id),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { placement, assignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
