import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from './context.js';
import { fromGlobalId } from './common/global-id.js';
import { Node } from './common/node.js';

const MAX_NODES = 200;

type NodeClass = new () => { id: number };

/** `node(id)` / `nodes(ids)` over every entity type that implements Node (Relay object identification). */
export function createNodeResolver(nodeTypes: NodeClass[]) {
  const byTypeName = new Map(nodeTypes.map((type) => [type.name, type]));

  const load = (ctx: GraphQLContext, globalId: string) => {
    const decoded = fromGlobalId(globalId);
    const type = decoded && byTypeName.get(decoded.typeName);
    return type && decoded ? ctx.loaders.byId(type).load(decoded.id) : Promise.resolve(null);
  };

  @Resolver()
  class NodeResolver {
    @Query(() => Node, { nullable: true, description: 'Any object by global id; null when not found.' })
    node(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: GraphQLContext) {
      return load(ctx, id);
    }

    @Query(() => [Node], { nullable: 'items', description: 'Objects by global ids, in order; null for ids not found.' })
    nodes(@Arg('ids', () => [ID], { description: `Global ids (at most ${MAX_NODES}).` }) ids: string[], @Ctx() ctx: GraphQLContext) {
      if (ids.length > MAX_NODES) {
        throw new GraphQLError(`\`ids\` may hold at most ${MAX_NODES} ids, got ${ids.length}`, {
          extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids' },
        });
      }
      return Promise.all(ids.map((id) => load(ctx, id)));
    }
  }
  return NodeResolver;
}
