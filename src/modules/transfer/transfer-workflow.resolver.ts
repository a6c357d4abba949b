import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { publishEvents } from '../../events/publisher.js';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { checkEditInput } from '../operations/edit.js';
import { runOperation, type OperationOutcome } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import {
  TransferWorkflowCancelInput,
  TransferWorkflowCancelPayload,
  TransferWorkflowCreateInput,
  TransferWorkflowCreatePayload,
  TransferWorkflowPayload,
  TransferWorkflowUpdateInput,
  TransferWorkflowUpdatePayload,
} from './transfer-workflow.inputs.js';
import {
  cancelTransferWorkflow,
  checkTransferWorkflowUpdateInput,
  createTransferWorkflow,
  TRANSFER_WORKFLOW_CREATE_CONSTRAINTS,
  updateTransferWorkflow,
  type TransferWorkflowResult,
} from './transfer-workflow.service.js';
import { TransferWorkflow } from './transfer.entity.js';

@Resolver(() => TransferWorkflow)
export class TransferWorkflowEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferWorkflowCreatePayload, {
    description:
      "Creates a PLANNED transfer workflow for a PLANNED or ACTIVE batch (another status is a CONFLICT), numbered TRF-<batch number>-D<day number of plannedStartDate>; a number already taken (a workflow created for the same day) is a CONFLICT. Both stages must be of the batch's species and a LIFECYCLE_TRANSITION must go to a later stage (VALIDATION). Transfers join it through transferCreate's workflowId; its status and actual dates then follow them. Nothing is recomputed.",
  })
  async transferWorkflowCreate(
    @Arg('input', () => TransferWorkflowCreateInput, { description: 'The workflow.' }) input: TransferWorkflowCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferWorkflowCreatePayload> {
    const outcome = await runOperation(ctx, {
      mutation: 'transferWorkflowCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createTransferWorkflow(tx, input),
      constraintErrors: TRANSFER_WORKFLOW_CREATE_CONSTRAINTS,
    });
    return workflowPayload(ctx, outcome);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferWorkflowUpdatePayload, {
    description:
      "Changes a workflow's type, stages, planned start day and notes (optimistic locking on version); the number, status and actual dates are not edited (status and actual dates follow the actions). A CANCELLED workflow is a CONFLICT. Nothing is recomputed.",
  })
  async transferWorkflowUpdate(
    @Arg('input', () => TransferWorkflowUpdateInput, { description: 'The workflow, its version and the changes.' }) input: TransferWorkflowUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferWorkflowUpdatePayload> {
    const errors = checkTransferWorkflowUpdateInput(input);
    if (errors.length > 0) return { transferWorkflow: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'transferWorkflowUpdate', write: (tx) => updateTransferWorkflow(tx, input) });
    return workflowPayload(ctx, outcome);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferWorkflowCancelPayload, {
    description:
      'Cancels a workflow and all its PLANNED transfers in one transaction (optimistic locking on version). A workflow with a COMPLETED transfer is a CONFLICT (fish moved; cancel its remaining plans with transferCancel, after which it is COMPLETED), as is one already CANCELLED. Plans have no growth-engine effect: nothing is recomputed; destinations the plans booked stay, as with transferCancel.',
  })
  async transferWorkflowCancel(
    @Arg('input', () => TransferWorkflowCancelInput, { description: 'The workflow and its version.' }) input: TransferWorkflowCancelInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferWorkflowCancelPayload> {
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { transferWorkflow: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'transferWorkflowCancel', write: (tx) => cancelTransferWorkflow(tx, input) });
    return workflowPayload(ctx, outcome);
  }

  @FieldResolver(() => Int, {
    description:
      'Optimistic-locking version, incremented by every change (also when its actions move its status); send it with transferWorkflowUpdate or transferWorkflowCancel (STALE_VERSION when it is no longer current).',
  })
  version(@Root() workflow: TransferWorkflow): number {
    return workflow.version;
  }
}

/** The payload after commit; batchUpdated (kind INPUT) for a change, which never queues a recompute. */
async function workflowPayload(ctx: GraphQLContext, outcome: OperationOutcome<TransferWorkflowResult>): Promise<TransferWorkflowPayload> {
  if (!outcome.ok) return { transferWorkflow: null, userErrors: outcome.userErrors };
  if (outcome.write?.changed) {
    await publishEvents(ctx.em, [{ type: 'BATCH_UPDATED', batchId: outcome.write.batchId, fromDate: null, kind: 'INPUT' }]);
  }
  return { transferWorkflow: await loadById(ctx, TransferWorkflow, outcome.resourceId), userErrors: [] };
}
