import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RecomputeReason } from '../enums.js';
import { runEdit } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById, loadJobs } from '../operations/payload.js';
import {
  ScenarioCreateInput,
  ScenarioCreatePayload,
  ScenarioStageParameterSetInput,
  ScenarioStageParameterSetPayload,
  ScenarioUpdateInput,
  ScenarioUpdatePayload,
  TemperatureProfileCreateInput,
  TemperatureProfileCreatePayload,
  TemperatureProfileDaysSetInput,
  TemperatureProfileDaysSetPayload,
} from './scenario-edit.inputs.js';
import {
  checkScenarioCreateInput,
  checkScenarioUpdateInput,
  checkStageParameterSetInput,
  checkTemperatureProfileCreateInput,
  checkTemperatureProfileDaysSetInput,
  createScenario,
  createTemperatureProfile,
  SCENARIO_CONSTRAINTS,
  setStageParameter,
  setTemperatureProfileDays,
  TEMPERATURE_PROFILE_CONSTRAINTS,
  updateScenario,
} from './scenario-edit.service.js';
import { Scenario, ScenarioStageParameter, TemperatureProfile } from './scenario.entity.js';

const MARKS =
  'marks every batch using the scenario (ended ones included) (its own, or its species\' default when it has none) dirty from its start and queues a recompute per batch (reason SCENARIO_CHANGED)';

/** Growth-model edits by farm planners (data-model.md §6.4): scenarios, their stage parameters and temperature profiles. */
@Resolver()
export class ScenarioEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => ScenarioCreatePayload, {
    description:
      'Creates a growth scenario of a species: base TGC per 1000 °C·day, base mortality and optionally a temperature profile. The name is unique (CONFLICT). Add stage parameters with scenarioStageParameterSet; batches use it through batchScenarioSet.',
  })
  async scenarioCreate(
    @Arg('input', () => ScenarioCreateInput, { description: 'The scenario.' }) input: ScenarioCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ScenarioCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Scenario, checkScenarioCreateInput(input), {
      mutation: 'scenarioCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createScenario(tx, input),
      constraintErrors: SCENARIO_CONSTRAINTS,
    });
    return { scenario: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ScenarioUpdatePayload, {
    description: `Changes a scenario (optimistic locking on version; the name stays unique, CONFLICT). Changing base TGC, base mortality or the temperature profile ${MARKS}; name and description changes only bump the version.`,
  })
  async scenarioUpdate(
    @Arg('input', () => ScenarioUpdateInput, { description: 'The scenario, its version and the changes.' }) input: ScenarioUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ScenarioUpdatePayload> {
    const empty = { scenario: null, recomputeJobs: [] };
    const errors = checkScenarioUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'scenarioUpdate',
      write: (tx) => updateScenario(tx, input),
      constraintErrors: SCENARIO_CONSTRAINTS,
      recomputeReason: RecomputeReason.SCENARIO_CHANGED,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [scenario, recomputeJobs] = await Promise.all([loadById(ctx, Scenario, outcome.resourceId), loadJobs(ctx, outcome.recomputeJobIds)]);
    return { scenario, recomputeJobs, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ScenarioStageParameterSetPayload, {
    description: `Sets a scenario's TGC and mortality for one lifecycle stage of its species (VALIDATION for another species' stage; optimistic locking on the scenario's version, which a change bumps). Null values fall back to the stage defaults; both null removes the stage parameter. A change ${MARKS}.`,
  })
  async scenarioStageParameterSet(
    @Arg('input', () => ScenarioStageParameterSetInput, { description: 'The scenario, its version, the stage and its parameters.' })
    input: ScenarioStageParameterSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ScenarioStageParameterSetPayload> {
    const empty = { scenario: null, scenarioStageParameter: null, recomputeJobs: [] };
    const errors = checkStageParameterSetInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'scenarioStageParameterSet',
      write: (tx) => setStageParameter(tx, input),
      recomputeReason: RecomputeReason.SCENARIO_CHANGED,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [scenario, scenarioStageParameter, recomputeJobs] = await Promise.all([
      loadById(ctx, Scenario, outcome.resourceId),
      ctx.em.findOne(ScenarioStageParameter, { scenario: outcome.resourceId!, lifecycleStage: outcome.write!.lifecycleStageId }),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { scenario, scenarioStageParameter, recomputeJobs, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TemperatureProfileCreatePayload, {
    description:
      'Creates a temperature profile (the engine\'s temperature by batch day number where no readings are near), optionally with its days. The name is unique (CONFLICT). Scenarios use it through scenarioCreate or scenarioUpdate.',
  })
  async temperatureProfileCreate(
    @Arg('input', () => TemperatureProfileCreateInput, { description: 'The profile and its days.' }) input: TemperatureProfileCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TemperatureProfileCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, TemperatureProfile, checkTemperatureProfileCreateInput(input), {
      mutation: 'temperatureProfileCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createTemperatureProfile(tx, input),
      constraintErrors: TEMPERATURE_PROFILE_CONSTRAINTS,
    });
    return { temperatureProfile: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => TemperatureProfileDaysSetPayload, {
    description:
      "Inserts or overwrites day values of a temperature profile, or with replace sets its whole curve (optimistic locking on the profile's version, which a change bumps). Day numbers are at least 1 and given once; temperatures fit −999.99 to 999.99 °C. A change marks every batch (ended ones included) whose scenario (its own, or its species' default) uses the profile dirty from its start and queues a recompute per batch (reason SCENARIO_CHANGED).",
  })
  async temperatureProfileDaysSet(
    @Arg('input', () => TemperatureProfileDaysSetInput, { description: 'The profile, its version and the day values.' }) input: TemperatureProfileDaysSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TemperatureProfileDaysSetPayload> {
    const empty = { temperatureProfile: null, recomputeJobs: [] };
    const errors = checkTemperatureProfileDaysSetInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'temperatureProfileDaysSet',
      write: (tx) => setTemperatureProfileDays(tx, input),
      recomputeReason: RecomputeReason.SCENARIO_CHANGED,
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [temperatureProfile, recomputeJobs] = await Promise.all([
      loadById(ctx, TemperatureProfile, outcome.resourceId),
      loadJobs(ctx, outcome.recomputeJobIds),
    ]);
    return { temperatureProfile, recomputeJobs, userErrors: [] };
  }
}
