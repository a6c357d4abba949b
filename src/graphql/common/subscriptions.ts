import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from '../context.js';
import { Loaders } from '../loaders.js';
import { decodeIdOf } from './global-id.js';

/**
 * The row id in a subscription's global-id argument, checked when the client subscribes (from `topics`): an id of
 * another type would match no event, and the subscription would be accepted and then stay silent forever.
 */
export function subscriptionId(type: string, globalId: string, argumentName: string): number {
  const id = decodeIdOf(type, globalId);
  if (id == null) {
    throw new GraphQLError(`\`${argumentName}\` is not a ${type} id: ${globalId}`, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
  }
  return id;
}

/**
 * Each event is resolved with a fresh EntityManager fork and fresh loaders: graphql-ws builds the context once
 * per subscription, and a long-lived identity map or loader cache would serve the rows of the first event
 * (CONVENTIONS.md pattern 2).
 */
export function refreshForEvent(ctx: GraphQLContext): void {
  const em = ctx.em.fork({ clear: true }) as EntityManager;
  ctx.em = em;
  ctx.loaders = new Loaders(em);
}
