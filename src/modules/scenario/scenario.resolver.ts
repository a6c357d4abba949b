import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Scenario } from './scenario.entity.js';

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
}
