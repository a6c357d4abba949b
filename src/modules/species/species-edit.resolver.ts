import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import { versionResolver } from '../../graphql/common/version-resolver.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RecomputeReason } from '../enums.js';
import { runEdit } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import {
  LifecycleStageCreateInput,
  LifecycleStageCreatePayload,
  LifecycleStageUpdateInput,
  LifecycleStageUpdatePayload,
  SpeciesCreateInput,
  SpeciesCreatePayload,
} from './species-edit.inputs.js';
import {
  checkSpeciesCreateInput,
  checkStageCreateInput,
  checkStageUpdateInput,
  createLifecycleStage,
  createSpecies,
  SPECIES_CREATE_CONSTRAINTS,
  STAGE_CONSTRAINTS,
  updateLifecycleStage,
} from './species-edit.service.js';
import { LifecycleStage, Species } from './species.entity.js';

/**
 * Stage defaults are part of the growth model, like a scenario's parameters (growth-engine.md §6 lists them
 * together), so their recomputes carry the scenario reason.
 */
const STAGE_RECOMPUTE_REASON = RecomputeReason.SCENARIO_CHANGED;

@Resolver()
export class SpeciesEditResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => SpeciesCreatePayload, {
    description: 'Creates a species (global reference data, ADMIN). Name and scientific name are unique (CONFLICT). Its stages are added with lifecycleStageCreate.',
  })
  async speciesCreate(
    @Arg('input', () => SpeciesCreateInput, { description: 'The species.' }) input: SpeciesCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SpeciesCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Species, checkSpeciesCreateInput(input), {
      mutation: 'speciesCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createSpecies(tx, input),
      constraintErrors: SPECIES_CREATE_CONSTRAINTS,
    });
    return { species: row, userErrors };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LifecycleStageCreatePayload, {
    description:
      "Adds a lifecycle stage to a species (ADMIN). Code and order are unique within the species (CONFLICT). The new stage changes the stage sequence the growth engine steps through: every assignment of the species' batches (ended ones included) is marked dirty from its start and a recompute is queued per batch (reason SCENARIO_CHANGED).",
  })
  async lifecycleStageCreate(
    @Arg('input', () => LifecycleStageCreateInput, { description: 'The stage.' }) input: LifecycleStageCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LifecycleStageCreatePayload> {
    const empty = { lifecycleStage: null, recomputeJobs: [] };
    const errors = checkStageCreateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'lifecycleStageCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createLifecycleStage(tx, input),
      constraintErrors: STAGE_CONSTRAINTS,
      recomputeReason: STAGE_RECOMPUTE_REASON,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [lifecycleStage, recomputeJobs] = await Promise.all([loadById(ctx, LifecycleStage, outcome.resourceId), loadJobs(ctx, outcome.recomputeJobIds)]);
    return { lifecycleStage, recomputeJobs, userErrors: [] };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LifecycleStageUpdatePayload, {
    description:
      "Changes a lifecycle stage (ADMIN; optimistic locking on version). Code and order stay unique within the species (CONFLICT). A change of a growth-engine input (order, maxWeightG, defaultTgc, defaultDailyMortalityPct) marks every assignment of the species' batches (ended ones included) dirty from its start and queues a recompute per batch (reason SCENARIO_CHANGED); a descriptive change (code, name, minWeightG, typicalDurationDays, environment) only bumps the version.",
  })
  async lifecycleStageUpdate(
    @Arg('input', () => LifecycleStageUpdateInput, { description: 'The stage, its version and the changes.' }) input: LifecycleStageUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LifecycleStageUpdatePayload> {
    const empty = { lifecycleStage: null, recomputeJobs: [] };
    const errors = checkStageUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'lifecycleStageUpdate',
      write: (tx) => updateLifecycleStage(tx, input),
      constraintErrors: STAGE_CONSTRAINTS,
      recomputeReason: STAGE_RECOMPUTE_REASON,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [lifecycleStage, recomputeJobs] = await Promise.all([loadById(ctx, LifecycleStage, outcome.resourceId), loadJobs(ctx, outcome.recomputeJobIds)]);
    return { lifecycleStage, recomputeJobs, userErrors: [] };
  }
}

/** `version` of a lifecycle stage, the optimistic-locking counter lifecycleStageUpdate takes back. */
export const LifecycleStageVersionResolver = versionResolver(LifecycleStage, 'lifecycleStageUpdate');
