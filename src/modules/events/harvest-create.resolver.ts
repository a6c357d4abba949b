import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { AssignmentCloseReason } from '../enums.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { prepareInlineRecompute } from '../operations/rules.js';
import { HarvestCreateInput, HarvestCreatePayload } from './harvest-create.inputs.js';
import { checkHarvestInput, createHarvest } from './harvest-create.service.js';
import { HarvestEvent, HarvestLot } from './harvest.entity.js';

@Resolver()
export class HarvestCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => HarvestCreatePayload, {
    description:
      'Records a harvest from an assignment, with its size-class lots. The count is checked against the fresh growth series (INSUFFICIENT_POPULATION); a harvest of every remaining fish closes the assignment (HARVESTED) and, when it was the last open one, completes the batch. Queues a recompute.',
  })
  async harvestCreate(
    @Arg('input', () => HarvestCreateInput, { description: 'The harvest.' }) input: HarvestCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<HarvestCreatePayload> {
    const empty = { harvest: null, lots: [], assignment: null, batch: null, assignmentClosed: false, recomputeJob: null };
    const errors = checkHarvestInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'harvestCreate',
      idempotency: { key: input.idempotencyKey, input },
      before: (em) => prepareInlineRecompute(em, input.assignmentId, input.harvestDate),
      write: (tx) => createHarvest(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const harvest = await loadById(ctx, HarvestEvent, outcome.resourceId);
    const [lots, assignment, batch, [recomputeJob]] = await Promise.all([
      harvest ? ctx.em.find(HarvestLot, { harvestEvent: harvest.id }, { orderBy: { sizeClass: 'asc' } }) : [],
      loadById(ctx, BatchContainerAssignment, harvest?.assignment.id),
      loadById(ctx, Batch, harvest?.batch.id),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    const assignmentClosed =
      !!assignment && assignment.closeReason === AssignmentCloseReason.HARVESTED && assignment.departureDate === harvest?.harvestDate;
    return { harvest, lots, assignment, batch, assignmentClosed, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }
}
