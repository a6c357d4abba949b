import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from './context.js';
import { fromGlobalId } from './common/global-id.js';
import { Node } from './common/node.js';

const MAX_NODES = 200;

type NodeClass = new () => { id: number };

/** Loads a Node that is not an entity class of NODE_TYPES, by its numeric id; null when not found. */
export type NodeLoader = (ctx: GraphQLContext, id: number) => Promise<object | null>;

const nodeLoaders = new Map<string, NodeLoader>();

/**
 * Makes `node(id)` / `nodes(ids)` answer global ids of `typeName` with `loader`: for GraphQL types that implement
 * Node but are views, not entities (e.g. SeedRun). `Node` resolves the concrete type from `value.constructor.name`,
 * so the loader must return instances of a class whose name is `typeName`.
 */
export function registerNodeLoader(typeName: string, loader: NodeLoader): void {
  nodeLoaders.set(typeName, loader);
}

/** `node(id)` / `nodes(ids)` over every entity type that implements Node (Relay object identification). */
export function createNodeResolver(nodeTypes: NodeClass[]) {
  const byTypeName = new Map(nodeTypes.map((type) => [type.name, type]));

  const load = (ctx: GraphQLContext, globalId: string) => {
    const decoded = fromGlobalId(globalId);
    if (!decoded) return Promise.resolve(null);
    const type = byTypeName.get(decoded.typeName);
    if (type) return ctx.loaders.byId(type).load(decoded.id);
    const loader = nodeLoaders.get(decoded.typeName);
    return loader ? loader(ctx, decoded.id) : Promise.resolve(null);
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
