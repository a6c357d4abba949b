import { Field } from 'type-graphql';
import type { EntityClass } from '@mikro-orm/core';
import type { GraphQLContext } from '../../graphql/context.js';
import { RecomputeJob } from '../growth/recompute-job.entity.js';

/**
 * Loads what a mutation payload shows after commit, through the request's loaders (the write ran in a fork of
 * its own, so these reads see the committed rows).
 */
export async function loadById<T extends { id: number }>(ctx: GraphQLContext, entity: EntityClass<T>, id: number | null | undefined): Promise<T | null> {
  return id == null ? null : ctx.loaders.byId(entity).load(id);
}

/** The recompute jobs a write queued (or merged into), in the order given. */
export async function loadJobs(ctx: GraphQLContext, ids: number[]): Promise<RecomputeJob[]> {
  const jobs = await Promise.all(ids.map((id) => ctx.loaders.byId(RecomputeJob).load(id)));
  return jobs.filter((job): job is RecomputeJob => job !== null);
}

/** Description suffix of an update input's optional fields. */
export const KEEP = 'Left out: unchanged.';

/** The optional `idempotencyKey` field of every create mutation's input. */
export const IdempotencyKeyField = () =>
  Field(() => String, {
    nullable: true,
    description: 'Optional key (at most 100 characters): a retry with the same key returns the first result and writes nothing.',
  });
