import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { checkEditInput } from '../operations/edit.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import { LiceCountDeleteInput, LiceCountDeletePayload, LiceCountUpdateInput, LiceCountUpdatePayload } from './lice-count-update.inputs.js';
import { checkLiceCountUpdateInput, deleteLiceCount, updateLiceCount } from './lice-count-update.service.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

@Resolver()
export class LiceCountUpdateResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => LiceCountUpdatePayload, {
    description:
      'Changes a sea-lice count (optimistic locking on version), with the create rules; entries[] replaces every entry. Lice do not affect the growth series: nothing is recomputed.',
  })
  async liceCountUpdate(
    @Arg('input', () => LiceCountUpdateInput, { description: 'The count, its version and the changes.' }) input: LiceCountUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LiceCountUpdatePayload> {
    const empty = { liceCount: null, entries: [], assignment: null };
    const errors = checkLiceCountUpdateInput(input);
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'liceCountUpdate', write: (tx) => updateLiceCount(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const [liceCount, entries, assignment] = await Promise.all([
      loadById(ctx, LiceCount, outcome.resourceId),
      ctx.em.find(LiceCountEntry, { liceCount: outcome.resourceId! }, { orderBy: { liceSpecies: 'asc', liceStage: 'asc' } }),
      loadById(ctx, BatchContainerAssignment, outcome.write!.assignmentId),
    ]);
    return { liceCount, entries, assignment, userErrors: [] };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => LiceCountDeletePayload, {
    description: 'Deletes a sea-lice count and its entries (optimistic locking on version). Nothing is recomputed.',
  })
  async liceCountDelete(
    @Arg('input', () => LiceCountDeleteInput, { description: 'The count and its version.' }) input: LiceCountDeleteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LiceCountDeletePayload> {
    const empty = { deletedId: null, assignment: null };
    const errors = checkEditInput(input, []).errors;
    if (errors.length > 0) return { ...empty, userErrors: errors };
    const outcome = await runOperation(ctx, { mutation: 'liceCountDelete', write: (tx) => deleteLiceCount(tx, input) });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const assignment = await loadById(ctx, BatchContainerAssignment, outcome.write!.assignmentId);
    return { deletedId: toGlobalId('LiceCount', outcome.resourceId!), assignment, userErrors: [] };
  }
}
