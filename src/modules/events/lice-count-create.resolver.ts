import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import { LiceCountCreateInput, LiceCountCreatePayload } from './lice-count-create.inputs.js';
import { checkLiceCountInput, createLiceCount } from './lice-count-create.service.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

@Resolver()
export class LiceCountCreateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => LiceCountCreatePayload, {
    description:
      'Records a sea-lice count of an assignment with its entries by species and stage (zeros kept). Lice do not affect the growth series: nothing is recomputed.',
  })
  async liceCountCreate(
    @Arg('input', () => LiceCountCreateInput, { description: 'The count.' }) input: LiceCountCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LiceCountCreatePayload> {
    const empty = { liceCount: null, entries: [], assignment: null };
    const errors = checkLiceCountInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'liceCountCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createLiceCount(tx, input, ctx.viewer.name),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const liceCount = await loadById(ctx, LiceCount, outcome.resourceId);
    const [entries, assignment] = await Promise.all([
      liceCount ? ctx.em.find(LiceCountEntry, { liceCount: liceCount.id }, { orderBy: { liceSpecies: 'asc', liceStage: 'asc' } }) : [],
      loadById(ctx, BatchContainerAssignment, liceCount?.assignment.id),
    ]);
    return { liceCount, entries, assignment, userErrors: [] };
  }
}
