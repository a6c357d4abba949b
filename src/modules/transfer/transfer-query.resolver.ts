import type { FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { paginate } from '../../graphql/common/keyset.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Batch } from '../batch/batch.entity.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { TransferWorkflowStatus } from '../enums.js';
import { LifecycleStage } from '../species/species.entity.js';
import { TransferAction, TransferWorkflow } from './transfer.entity.js';

export const TransferWorkflowConnection = connectionOf('TransferWorkflow', TransferWorkflow, 'A page of transfer workflows.');

@InputType({ description: 'Filters for `transferWorkflows`; all given conditions must hold.' })
class TransferWorkflowFilter {
  @Field(() => [ID], { nullable: true, description: 'Only workflows of these batches (global ids).' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only these workflows (global ids).' })
  workflowIds?: string[];

  @Field(() => [TransferWorkflowStatus], { nullable: true, description: 'Only workflows in these statuses.' })
  statuses?: TransferWorkflowStatus[];
}

export enum TransferWorkflowOrderField {
  PLANNED_DATE = 'PLANNED_DATE',
}
registerEnumType(TransferWorkflowOrderField, {
  name: 'TransferWorkflowOrderField',
  description: 'Sortable fields of transfer workflows (PLANNED_DATE: the planned start date).',
});

@InputType({ description: 'One sort key for `transferWorkflows`; the id is always appended as a tie-breaker.' })
class TransferWorkflowOrder {
  @Field(() => TransferWorkflowOrderField, { description: 'Field to sort by.' })
  field!: TransferWorkflowOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class TransferWorkflowsArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (`pageInfo.endCursor`).' })
  after?: string;

  @Field(() => TransferWorkflowFilter, { nullable: true, description: 'Conditions the workflows must meet.' })
  filter?: TransferWorkflowFilter;

  @Field(() => [TransferWorkflowOrder], { nullable: true, description: 'Sort keys (default: planned start date, newest first).' })
  orderBy?: TransferWorkflowOrder[];
}

@Resolver(() => TransferWorkflow)
export class TransferWorkflowResolver {
  @Query(() => TransferWorkflowConnection, { description: 'Transfer workflows across batches, filtered and sorted.' })
  async transferWorkflows(@Args(() => TransferWorkflowsArgs) args: TransferWorkflowsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const f = args.filter ?? {};
    const where: FilterQuery<TransferWorkflow>[] = [];
    if (f.batchIds) where.push({ batch: { $in: decodeIds('Batch', f.batchIds, 'filter.batchIds') } });
    if (f.workflowIds) where.push({ id: { $in: decodeIds('TransferWorkflow', f.workflowIds, 'filter.workflowIds') } });
    if (f.statuses) where.push({ status: { $in: f.statuses } });
    const order = args.orderBy?.length ? args.orderBy : [{ field: TransferWorkflowOrderField.PLANNED_DATE, direction: SortDirection.DESC }];
    const page = await paginate(
      ctx.em,
      TransferWorkflow,
      where.length ? { $and: where } : {},
      order.map((key) => ({ property: 'plannedStartDate' as const, direction: key.direction, read: (w: TransferWorkflow) => w.plannedStartDate })),
      first,
      args.after,
    );
    return new TransferWorkflowConnection(page);
  }

  @FieldResolver(() => Batch, { description: 'Batch whose fish the workflow moves.' })
  batch(@Root() workflow: TransferWorkflow, @Ctx() ctx: GraphQLContext): Promise<Batch> {
    return ctx.loaders.required(Batch, workflow.batch.id);
  }

  @FieldResolver(() => LifecycleStage, { description: 'Stage the fish leave.' })
  sourceStage(@Root() workflow: TransferWorkflow, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage> {
    return ctx.loaders.required(LifecycleStage, workflow.sourceStage.id);
  }

  @FieldResolver(() => LifecycleStage, { description: 'Stage the fish enter.' })
  destStage(@Root() workflow: TransferWorkflow, @Ctx() ctx: GraphQLContext): Promise<LifecycleStage> {
    return ctx.loaders.required(LifecycleStage, workflow.destStage.id);
  }

  @FieldResolver(() => [TransferAction], { description: 'Actions of the workflow, by execution date (planned ones without a date last).' })
  actions(@Root() workflow: TransferWorkflow, @Ctx() ctx: GraphQLContext): Promise<TransferAction[]> {
    return ctx.loaders
      .memoize('actionsByWorkflow', () => childrenLoader(ctx.em, TransferAction, 'workflow', { executionDate: 'asc', id: 'asc' }))
      .load(workflow.id);
  }
}
