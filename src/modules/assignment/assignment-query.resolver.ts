import type { FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, ID, InputType, Int, Query, Resolver } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { paginate } from '../../graphql/common/keyset.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { ContainerCategory } from '../enums.js';
import { BatchContainerAssignment } from './assignment.entity.js';

export const AssignmentConnection = connectionOf('BatchContainerAssignment', BatchContainerAssignment, 'A page of assignments, by arrival date.');

@InputType({ description: 'Filters for `assignments`; all given conditions must hold.' })
class AssignmentFilter {
  @Field(() => [ID], { nullable: true, description: 'Assignments of these batches.' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in these containers.' })
  containerIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in containers of these halls.' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments in rings of these sea areas.' })
  areaIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Assignments whose arrival stage is one of these.' })
  stageIds?: string[];

  @Field(() => [ContainerCategory], { nullable: true, description: 'Assignments in containers of these categories.' })
  containerCategories?: ContainerCategory[];

  @Field(() => DateScalar, { nullable: true, description: 'Assignments in their container on this day.' })
  activeOn?: string;

  @Field(() => DateRange, { nullable: true, description: 'Assignments overlapping this range.' })
  activeDuring?: DateRange;
}

@ArgsType()
class AssignmentsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;

  @Field(() => AssignmentFilter, { nullable: true, description: 'Conditions the assignments must meet.' })
  filter?: AssignmentFilter;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Order of arrival dates (id breaks ties).' })
  direction: SortDirection = SortDirection.ASC;
}

@Resolver(() => BatchContainerAssignment)
export class AssignmentQueryResolver {
  @Query(() => AssignmentConnection, { description: 'Assignments across batches and containers, by arrival date.' })
  async assignments(@Args(() => AssignmentsArgs) args: AssignmentsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const f = args.filter ?? {};
    const where: FilterQuery<BatchContainerAssignment>[] = [];
    if (f.batchIds) where.push({ batch: { $in: decodeIds('Batch', f.batchIds, 'filter.batchIds') } });
    if (f.containerIds) where.push({ container: { $in: decodeIds('Container', f.containerIds, 'filter.containerIds') } });
    if (f.hallIds) where.push({ container: { hall: { $in: decodeIds('Hall', f.hallIds, 'filter.hallIds') } } });
    if (f.areaIds) where.push({ container: { area: { $in: decodeIds('Area', f.areaIds, 'filter.areaIds') } } });
    if (f.stageIds) where.push({ lifecycleStage: { $in: decodeIds('LifecycleStage', f.stageIds, 'filter.stageIds') } });
    if (f.containerCategories) where.push({ container: { containerType: { category: { $in: f.containerCategories } } } });
    // Intervals are half-open: [assignment_date, departure_date).
    if (f.activeOn) {
      where.push({ assignmentDate: { $lte: f.activeOn } }, { $or: [{ departureDate: null }, { departureDate: { $gt: f.activeOn } }] });
    }
    if (f.activeDuring) {
      assertDateRange(f.activeDuring, 'filter.activeDuring');
      where.push(
        { assignmentDate: { $lte: f.activeDuring.to } },
        { $or: [{ departureDate: null }, { departureDate: { $gt: f.activeDuring.from } }] },
      );
    }
    const page = await paginate(
      ctx.em,
      BatchContainerAssignment,
      where.length ? { $and: where } : {},
      [{ property: 'assignmentDate', direction: args.direction, read: (a) => a.assignmentDate }],
      first,
      args.after,
    );
    return new AssignmentConnection(page);
  }
}
