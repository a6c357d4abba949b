import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { childrenLoader, refId } from '../../graphql/common/loader-helpers.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { Scenario } from '../scenario/scenario.entity.js';
import { LifecycleStage, Species } from './species.entity.js';

const stagesBySpecies = (ctx: GraphQLContext) =>
  ctx.loaders.memoize('stagesBySpecies', () => childrenLoader(ctx.em, LifecycleStage, 'species', { order: 'asc' }));

@Resolver(() => Species)
export class SpeciesResolver {
  @Query(() => [Species], { description: 'All species, by name.' })
  species(@Ctx() ctx: GraphQLContext): Promise<Species[]> {
    return ctx.em.find(Species, {}, { orderBy: { name: 'asc' } });
  }

  @Query(() => [LifecycleStage], { description: 'Lifecycle stages of a species in lifecycle order (empty for an unknown id).' })
  async lifecycleStages(
    @Arg('speciesId', () => ID, { description: 'Global id of the species.' }) speciesId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LifecycleStage[]> {
    const id = decodeIdOf('Species', speciesId);
    return id == null ? [] : stagesBySpecies(ctx).load(id);
  }

  @FieldResolver(() => [LifecycleStage], { name: 'lifecycleStages', description: 'Lifecycle stages in order.' })
  stagesOfSpecies(@Root() species: Species, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage[]> {
    return stagesBySpecies(ctx).load(species.id);
  }

  @FieldResolver(() => Scenario, {
    nullable: true,
    description: 'Growth scenario the engine uses for batches of the species without their own; null when none is set.',
  })
  defaultScenario(@Root() species: Species, @Ctx() ctx: GraphQLContext): Promise<Scenario | null> {
    const id = refId(species.defaultScenario);
    return id == null ? Promise.resolve(null) : ctx.loaders.byId(Scenario).load(id);
  }
}

@Resolver(() => LifecycleStage)
export class LifecycleStageResolver {
  @FieldResolver(() => Species, { description: 'Species the stage belongs to.' })
  species(@Root() stage: LifecycleStage, @Ctx() ctx: GraphQLContext): Promise<Species> {
    return ctx.loaders.required(Species, stage.species.id);
  }
}
