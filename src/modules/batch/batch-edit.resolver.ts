import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { publishEvents } from '../../events/publisher.js';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { RecomputeReason } from '../enums.js';
import { checkEditInput } from '../operations/edit.js';
import { runOperation, type OperationOutcome } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import { Scenario } from '../scenario/scenario.entity.js';
import {
  BatchDeleteInput,
  BatchDeletePayload,
  BatchScenarioSetInput,
  BatchScenarioSetPayload,
  BatchStatusSetInput,
  BatchStatusSetPayload,
  BatchUpdateInput,
  BatchUpdatePayload,
} from './batch-edit.inputs.js';
import { checkBatchUpdateInput, deleteBatch, setBatchScenario, setBatchStatus, updateBatch, type BatchEditResult } from './batch-edit.service.js';
import { Batch } from './batch.entity.js';

/**
 * batchUpdated (kind INPUT) for a committed change that queued no recompute; a change that queued one was
 * published by runOperation.
 */
async function publishInputChange(ctx: GraphQLContext, outcome: OperationOutcome<BatchEditResult>): Promise<void> {
  if (outcome.ok && outcome.write && outcome.write.changed && outcome.recomputeJobIds.length === 0) {
    await publishEvents(ctx.em, [{ type: 'BATCH_UPDATED', batchId: outcome.write.batchId, fromDate: null, kind: 'INPUT' }]);
  }
}

@Resolver()
export class BatchEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => BatchUpdatePayload, {
    description:
      'Changes the descriptive fields of a batch (batch type, expected end date, notes; optimistic locking on version). None of them is a growth-engine input: nothing is recomputed.',
  })
  async batchUpdate(
    @Arg('input', () => BatchUpdateInput, { description: 'The batch, its version and the changes.' }) input: BatchUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchUpdatePayload> {
    const errors = checkBatchUpdateInput(input);
    if (errors.length > 0) return { batch: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'batchUpdate', write: (tx) => updateBatch(tx, input) });
    if (!outcome.ok) return { batch: null, userErrors: outcome.userErrors };
    await publishInputChange(ctx, outcome);
    return { batch: await loadById(ctx, Batch, outcome.resourceId), userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => BatchStatusSetPayload, {
    description:
      'Moves a batch along its status machine (optimistic locking on version): PLANNED → ACTIVE (once its start date has come) or CANCELLED (only when it books no container; otherwise use batchDelete); ACTIVE → COMPLETED or TERMINATED (only when all its assignments have departed; the actual end date becomes the last departure); COMPLETED ↔ TERMINATED (reclassifies an ended batch). CANCELLED is final. Any other transition is a CONFLICT; the current status is a no-op. Nothing is recomputed.',
  })
  async batchStatusSet(
    @Arg('input', () => BatchStatusSetInput, { description: 'The batch, its version and the new status.' }) input: BatchStatusSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchStatusSetPayload> {
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { batch: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'batchStatusSet', write: (tx) => setBatchStatus(tx, input) });
    if (!outcome.ok) return { batch: null, userErrors: outcome.userErrors };
    await publishInputChange(ctx, outcome);
    return { batch: await loadById(ctx, Batch, outcome.resourceId), userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => BatchScenarioSetPayload, {
    description:
      "Sets the growth scenario driving the batch's series (optimistic locking on version); null falls back to the species' default scenario. The scenario must be of the batch's species (VALIDATION). A change marks every assignment of the batch dirty from its start and queues a recompute (reason SCENARIO_CHANGED).",
  })
  async batchScenarioSet(
    @Arg('input', () => BatchScenarioSetInput, { description: 'The batch, its version and the scenario.' }) input: BatchScenarioSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchScenarioSetPayload> {
    const empty = { batch: null, recomputeJob: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'batchScenarioSet',
      write: (tx) => setBatchScenario(tx, input),
      recomputeReason: RecomputeReason.SCENARIO_CHANGED,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    await publishInputChange(ctx, outcome);
    const [batch, [recomputeJob]] = await Promise.all([loadById(ctx, Batch, outcome.resourceId), loadJobs(ctx, outcome.recomputeJobIds)]);
    return { batch, recomputeJob: recomputeJob ?? null, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => BatchDeletePayload, {
    description:
      'Deletes a PLANNED batch or a batch of seed data (optimistic locking on version) with everything it owns: creation, assignments, placements, events, transfers, daily states and recompute jobs. Any other batch is a CONFLICT: its records are history.',
  })
  async batchDelete(
    @Arg('input', () => BatchDeleteInput, { description: 'The batch and its version.' }) input: BatchDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchDeletePayload> {
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { deletedId: null, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'batchDelete', write: (tx) => deleteBatch(tx, input) });
    if (!outcome.ok) return { deletedId: null, userErrors: outcome.userErrors };
    // No batchUpdated: its subscribers would have no batch to load.
    return { deletedId: toGlobalId('Batch', outcome.resourceId!), userErrors: [] };
  }
}

/** Batch fields of the batch edits: `version` (optimistic locking) and the `scenario` batchScenarioSet sets. */
@Resolver(() => Batch)
export class BatchVersionResolver {
  @FieldResolver(() => Scenario, {
    nullable: true,
    description: "The growth scenario set on the batch; null when the engine uses the species' default scenario.",
  })
  async scenario(@Root() batch: Batch, @Ctx() ctx: GraphQLContext): Promise<Scenario | null> {
    return batch.scenario ? ctx.loaders.byId(Scenario).load(batch.scenario.id) : null;
  }

  @FieldResolver(() => Int, {
    description: 'Optimistic-locking version, incremented by every change; send it with batchUpdate, batchStatusSet, batchScenarioSet or batchDelete (STALE_VERSION when it is no longer current).',
  })
  version(@Root() batch: Batch): number {
    return batch.version;
  }
}
