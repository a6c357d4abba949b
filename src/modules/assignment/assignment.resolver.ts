import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { Batch } from '../batch/batch.entity.js';
import { BatchPlacement } from '../batch/batch-placement.entity.js';
import { batchLoaders } from '../batch/batch.loaders.js';
import { Container } from '../infrastructure/container.entity.js';
import { LifecycleStage } from '../species/species.entity.js';
import { addDays } from '../../shared/dates.js';
import { BatchContainerAssignment } from './assignment.entity.js';

@Resolver(() => BatchContainerAssignment)
export class AssignmentResolver {
  @Query(() => BatchContainerAssignment, { nullable: true, description: 'An assignment by global id; null when not found.' })
  assignment(
    @Arg('id', () => ID, { description: 'Global id of the assignment.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchContainerAssignment | null> | null {
    const assignmentId = decodeIdOf('BatchContainerAssignment', id);
    return assignmentId == null ? null : ctx.loaders.byId(BatchContainerAssignment).load(assignmentId);
  }

  @FieldResolver(() => Batch, { description: 'Batch whose fish these are.' })
  batch(@Root() assignment: BatchContainerAssignment, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, assignment.batch.id);
  }

  @FieldResolver(() => Container, { description: 'Container the fish are in.' })
  container(@Root() assignment: BatchContainerAssignment, @Ctx() ctx: GraphQLContext): Promise<Container> {
    return ctx.loaders.required(Container, assignment.container.id);
  }

  @FieldResolver(() => LifecycleStage, {
    description: 'Operational stage on arrival; the current stage comes from the daily series.',
  })
  lifecycleStage(@Root() assignment: BatchContainerAssignment, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage> {
    return ctx.loaders.required(LifecycleStage, assignment.lifecycleStage.id);
  }

  @FieldResolver(() => DateScalar, {
    nullable: true,
    description: "Departure date, else arrival + the arrival stage's typical duration (data-model.md §5).",
  })
  async expectedDepartureDate(
    @Root() assignment: BatchContainerAssignment,
    @Ctx() ctx: GraphQLContext,
  ): Promise<string | null> {
    if (assignment.departureDate) return assignment.departureDate;
    const stage = await ctx.loaders.byId(LifecycleStage).load(assignment.lifecycleStage.id);
    return stage?.typicalDurationDays ? addDays(assignment.assignmentDate, stage.typicalDurationDays) : null;
  }

  @FieldResolver(() => [BatchPlacement], { description: 'Fish placed into this assignment from outside the batch.' })
  placements(@Root() assignment: BatchContainerAssignment, @Ctx() ctx: GraphQLContext): Promise<BatchPlacement[]> {
    return batchLoaders.placementsByAssignment(ctx.loaders).load(assignment.id);
  }
}
