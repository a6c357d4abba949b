import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { TransferStatus } from '../enums.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { prepareInlineRecompute } from '../operations/rules.js';
import { TransferCreateInput, TransferCreatePayload } from './transfer-create.inputs.js';
import { checkTransferInput, createTransfer, TRANSFER_CREATE_CONSTRAINTS } from './transfer-create.service.js';
import { TransferAction } from './transfer.entity.js';

@Resolver()
export class TransferCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => TransferCreatePayload, {
    description:
      'Moves counted fish from one assignment to another of the same batch: into an existing assignment (destAssignmentId) or into a free container, where a new assignment starts on the transfer day (destContainerId). A COMPLETED transfer is checked against the fresh growth series (INSUFFICIENT_POPULATION) and the destination capacity (CAPACITY_EXCEEDED); an occupied container is a CONFLICT. emptiesSource ends the source on the transfer day. Queues a recompute of the batch.',
  })
  async transferCreate(
    @Arg('input', () => TransferCreateInput, { description: 'The transfer.' }) input: TransferCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TransferCreatePayload> {
    const errors = checkTransferInput(input);
    if (errors.length > 0) return { ...EMPTY_TRANSFER_PAYLOAD, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'transferCreate',
      idempotency: { key: input.idempotencyKey, input },
      before: (em) => (input.status === TransferStatus.COMPLETED ? prepareInlineRecompute(em, input.sourceAssignmentId, input.executionDate) : Promise.resolve()),
      write: (tx) => createTransfer(tx, input, ctx.viewer.name),
      constraintErrors: TRANSFER_CREATE_CONSTRAINTS,
    });
    if (!outcome.ok) return { ...EMPTY_TRANSFER_PAYLOAD, userErrors: outcome.userErrors };
    return transferPayload(ctx, outcome.resourceId, outcome.recomputeJobIds);
  }
}

/** A transfer payload without a transfer (userErrors added by the caller). */
export const EMPTY_TRANSFER_PAYLOAD = { transferAction: null, sourceAssignment: null, destAssignment: null, recomputeJob: null };

/** The payload of a transfer mutation after commit: the action as stored, its two assignments and the job queued. */
export async function transferPayload(ctx: GraphQLContext, transferId: number | null, recomputeJobIds: number[]): Promise<TransferCreatePayload> {
  const transferAction = await loadById(ctx, TransferAction, transferId);
  const [sourceAssignment, destAssignment, [recomputeJob]] = await Promise.all([
    loadById(ctx, BatchContainerAssignment, transferAction?.sourceAssignment.id),
    loadById(ctx, BatchContainerAssignment, transferAction?.destAssignment.id),
    loadJobs(ctx, recomputeJobIds),
  ]);
  return { transferAction, sourceAssignment, destAssignment, recomputeJob: recomputeJob ?? null, userErrors: [] };
}
