import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { publishEvents } from '../../events/publisher.js';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { checkEditInput } from '../operations/edit.js';
import { runOperation, type OperationOutcome } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import {
  TransferCancelInput,
  TransferCancelPayload,
  TransferCompleteInput,
  TransferCompletePayload,
  TransferEditPayload,
  TransferUpdateInput,
  TransferUpdatePayload,
} from './transfer-edit.inputs.js';
import {
  cancelTransfer,
  checkTransferCompleteInput,
  checkTransferUpdateInput,
  completeTransfer,
  prepareTransferInlineRecompute,
  TRANSFER_COMPLETE_CONSTRAINTS,
  updateTransfer,
  type TransferEditResult,
} from './transfer-edit.service.js';
import { EMPTY_TRANSFER_PAYLOAD, transferPayload } from './transfer-create.resolver.js';
import { TransferAction } from './transfer.entity.js';


@Resolver()
export class TransferEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferCompletePayload, {
    description:
      "Completes a PLANNED transfer (optimistic locking on version): the fish move on executionDate with transferCreate's checks for a COMPLETED transfer — the count against the fresh growth series (INSUFFICIENT_POPULATION), the destination capacity (CAPACITY_EXCEEDED), emptiesSource ends the source. The empty destination the plan booked in a free container starts on executionDate (booking earlier days needs the container free: CONFLICT). A transfer that is not PLANNED is a CONFLICT. Queues a recompute of the batch.",
  })
  async transferComplete(
    @Arg('input', () => TransferCompleteInput, { description: 'The planned transfer, its version and what actually happened.' }) input: TransferCompleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferCompletePayload> {
    const errors = checkTransferCompleteInput(input);
    if (errors.length > 0) return { ...EMPTY_TRANSFER_PAYLOAD, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'transferComplete',
      idempotency: { key: input.idempotencyKey, input },
      before: (em) => prepareTransferInlineRecompute(em, input.id, input.executionDate),
      write: (tx) => completeTransfer(tx, input, ctx.viewer.name),
      constraintErrors: TRANSFER_COMPLETE_CONSTRAINTS,
    });
    return editPayload(ctx, outcome);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferUpdatePayload, {
    description:
      "Changes a transfer (optimistic locking on version). A PLANNED transfer changes its plan (no recompute). A COMPLETED one corrects counts, weights and its day with the create rules, checked against the fresh series after the change (INSUFFICIENT_POPULATION, CAPACITY_EXCEEDED), and queues a recompute of source and destination from the earlier of the old and new days. Changes that would move a container booking are refused (VALIDATION): the day of a transfer that opened its destination or emptied its source, emptiesSource of a COMPLETED transfer, a plan moved before its destination begins. A CANCELLED transfer is a CONFLICT.",
  })
  async transferUpdate(
    @Arg('input', () => TransferUpdateInput, { description: 'The transfer, its version and the changes.' }) input: TransferUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferUpdatePayload> {
    const errors = checkTransferUpdateInput(input);
    if (errors.length > 0) return { ...EMPTY_TRANSFER_PAYLOAD, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'transferUpdate',
      before: (em) => prepareTransferInlineRecompute(em, input.id, input.executionDate),
      write: (tx) => updateTransfer(tx, input),
    });
    return editPayload(ctx, outcome);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferCancelPayload, {
    description:
      'Cancels a PLANNED transfer (optimistic locking on version); a COMPLETED or CANCELLED one is a CONFLICT. A plan has no growth-engine effect: nothing is recomputed. The destination the plan named stays, including an empty one it booked in a free container (the cancelled transfer keeps naming it); the batch can still transfer into it with destAssignmentId.',
  })
  async transferCancel(
    @Arg('input', () => TransferCancelInput, { description: 'The planned transfer and its version.' }) input: TransferCancelInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferCancelPayload> {
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { transferAction: null, destAssignment: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'transferCancel', write: (tx) => cancelTransfer(tx, input) });
    if (!outcome.ok) return { transferAction: null, destAssignment: null, userErrors: outcome.userErrors };
    await publishInputChange(ctx, outcome.write!);
    const [transferAction, destAssignment] = await Promise.all([
      loadById(ctx, TransferAction, outcome.resourceId),
      loadById(ctx, BatchContainerAssignment, outcome.write!.destAssignmentId),
    ]);
    return { transferAction, destAssignment, userErrors: [] };
  }
}

/**
 * batchUpdated (kind INPUT) for a change that queued no recompute (a plan's edit or cancellation): the batch's
 * transfers changed all the same. After commit; a change that queued a recompute was published by runOperation.
 */
async function publishInputChange(ctx: GraphQLContext, write: TransferEditResult | null): Promise<void> {
  if (write && write.marks.length === 0) {
    await publishEvents(ctx.em, [{ type: 'BATCH_UPDATED', batchId: write.batchId, fromDate: null, kind: 'INPUT' }]);
  }
}

async function editPayload(ctx: GraphQLContext, outcome: OperationOutcome<TransferEditResult>): Promise<TransferEditPayload> {
  if (!outcome.ok) return { ...EMPTY_TRANSFER_PAYLOAD, userErrors: outcome.userErrors };
  await publishInputChange(ctx, outcome.write);
  return transferPayload(ctx, outcome.resourceId, outcome.recomputeJobIds);
}
