import { Arg, Ctx, Extensions, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { LifecycleStage, Species } from '../species/species.entity.js';
import { Scenario, ScenarioStageParameter, TemperatureProfile, TemperatureProfileDay } from './scenario.entity.js';

const stageParametersByScenario = (ctx: GraphQLContext) =>
  ctx.loaders.memoize('stageParametersByScenario', () => childrenLoader(ctx.em, ScenarioStageParameter, 'scenario', { lifecycleStage: 'asc' }));
const daysByProfile = (ctx: GraphQLContext) =>
  ctx.loaders.memoize('daysByProfile', () => childrenLoader(ctx.em, TemperatureProfileDay, 'temperatureProfile', { dayNumber: 'asc' }));

@Resolver(() => Scenario)
export class ScenarioResolver {
  @Query(() => [Scenario], { description: 'Growth scenarios, by name (all, or those of one species; empty for an unknown species id).' })
  scenarios(
    @Arg('speciesId', () => ID, { nullable: true, description: 'Global id of a species; default all species.' }) speciesId: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Scenario[]> {
    if (speciesId == null) return ctx.em.find(Scenario, {}, { orderBy: { name: 'asc' } });
    const id = decodeIdOf('Species', speciesId);
    return id == null ? Promise.resolve([]) : ctx.em.find(Scenario, { species: id }, { orderBy: { name: 'asc' } });
  }

  @FieldResolver(() => Species, { description: 'Species the scenario models.' })
  species(@Root() scenario: Scenario, @Ctx() ctx: GraphQLContext): Promise<Species> {
    return ctx.loaders.required(Species, scenario.species.id);
  }

  @FieldResolver(() => [ScenarioStageParameter], { description: 'Stage-specific parameters; stages without one use their stage defaults.' })
  stageParameters(@Root() scenario: Scenario, @Ctx() ctx: GraphQLContext): Promise<ScenarioStageParameter[]> {
    return stageParametersByScenario(ctx).load(scenario.id);
  }

  @FieldResolver(() => TemperatureProfile, { nullable: true, description: 'Temperature curve used where no readings are near; null = none.' })
  async temperatureProfile(@Root() scenario: Scenario, @Ctx() ctx: GraphQLContext): Promise<TemperatureProfile | null> {
    return scenario.temperatureProfile ? ctx.loaders.byId(TemperatureProfile).load(scenario.temperatureProfile.id) : null;
  }

  @FieldResolver(() => Int, {
    description: 'Optimistic-locking version, incremented by every change (stage parameters included); send it with scenarioUpdate or scenarioStageParameterSet.',
  })
  version(@Root() scenario: Scenario): number {
    return scenario.version;
  }
}

@Resolver(() => ScenarioStageParameter)
export class ScenarioStageParameterResolver {
  @FieldResolver(() => LifecycleStage, { description: 'The stage the parameters apply to.' })
  lifecycleStage(@Root() parameter: ScenarioStageParameter, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage> {
    return ctx.loaders.required(LifecycleStage, parameter.lifecycleStage.id);
  }
}

@Resolver(() => TemperatureProfile)
export class TemperatureProfileResolver {
  @FieldResolver(() => [TemperatureProfileDay], { description: 'The curve, by day number.' })
  @Extensions({ listSize: 365 })
  days(@Root() profile: TemperatureProfile, @Ctx() ctx: GraphQLContext): Promise<TemperatureProfileDay[]> {
    return daysByProfile(ctx).load(profile.id);
  }

  @FieldResolver(() => Int, { description: 'Optimistic-locking version, incremented by every change (days included); send it with temperatureProfileDaysSet.' })
  version(@Root() profile: TemperatureProfile): number {
    return profile.version;
  }
}
