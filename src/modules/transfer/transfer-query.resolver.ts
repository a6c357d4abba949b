import { Args, ArgsType, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { sqlIn, sqlPaginate, type SqlFragment, type SqlOrderKey, type SqlPageSpec } from '../../graphql/common/keyset.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Batch } from '../batch/batch.entity.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { TransferStatus, TransferWorkflowStatus } from '../enums.js';
import { LifecycleStage } from '../species/species.entity.js';
import { TransferAction, TransferWorkflow } from './transfer.entity.js';
import { roundHalfEven } from '../growth/engine/index.js';

export const TransferWorkflowConnection = connectionOf('TransferWorkflow', TransferWorkflow, 'A page of transfer workflows.');

@InputType({ description: 'Filters for `transferWorkflows`; all given conditions must hold.' })
class TransferWorkflowFilter {
  @Field(() => [ID], { nullable: true, description: 'Only workflows of these batches (global ids).' })
  batchIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only these workflows (global ids).' })
  workflowIds?: string[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Only workflows with an action out of or into one of these assignments (global ids; any action status).',
  })
  assignmentIds?: string[];

  @Field(() => [TransferWorkflowStatus], { nullable: true, description: 'Only workflows in these statuses.' })
  statuses?: TransferWorkflowStatus[];

  @Field(() => DateRange, {
    nullable: true,
    description:
      "Only workflows with an action executed in this range (the actions' execution dates, as `transfers` filters them; workflows with no executed action are excluded).",
  })
  dateRange?: DateRange;
}

export enum TransferWorkflowOrderField {
  EXECUTION_DATE = 'EXECUTION_DATE',
  PLANNED_DATE = 'PLANNED_DATE',
}
registerEnumType(TransferWorkflowOrderField, {
  name: 'TransferWorkflowOrderField',
  description: 'Sortable fields of transfer workflows; workflows without the date sort last in both directions.',
  valuesConfig: {
    EXECUTION_DATE: {
      description: 'Day the first action was executed (`actualStartDate`, kept in step with the actions); none yet for a workflow without a completed action.',
    },
    PLANNED_DATE: { description: 'Planned start date.' },
  },
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

/** `actualStartDate` is null until an action completes: it sorts last, as `transfers` sorts its undated actions. */
const WORKFLOW_KEYS: Record<TransferWorkflowOrderField, (direction: SortDirection) => SqlOrderKey> = {
  [TransferWorkflowOrderField.EXECUTION_DATE]: (direction) => ({ sql: 'w.actual_start_date', type: 'date', direction, nullable: true }),
  [TransferWorkflowOrderField.PLANNED_DATE]: (direction) => ({ sql: 'w.planned_start_date', type: 'date', direction }),
};

/** `exists` an action of workflow `w` meeting `condition` (an SQL condition on `t`), through the workflow_id index. */
function withAction(condition: SqlFragment): SqlFragment {
  return { sql: `exists (select 1 from transfer_action t where t.workflow_id = w.id and ${condition.sql})`, params: condition.params };
}

/**
 * The SQL of a `transferWorkflows` page (exported for tests). Validates as it goes: an id of the wrong type or an
 * inverted date range is a BAD_USER_INPUT error naming the argument.
 */
export function transferWorkflowPageSpec(filter: TransferWorkflowFilter | undefined, orderBy: TransferWorkflowOrder[] | undefined): SqlPageSpec<TransferWorkflow> {
  const f = filter ?? {};
  const where: SqlFragment[] = [];
  if (f.batchIds) where.push(sqlIn('w.batch_id', decodeIds('Batch', f.batchIds, 'filter.batchIds')));
  if (f.workflowIds) where.push(sqlIn('w.id', decodeIds('TransferWorkflow', f.workflowIds, 'filter.workflowIds')));
  // Conditions on actions hold for one and the same action, as in the `transfers` filter: "assignment X in
  // range R" matches a workflow only through an action of X executed in R.
  const actionConditions: SqlFragment[] = [];
  if (f.assignmentIds) {
    const ids = decodeIds('BatchContainerAssignment', f.assignmentIds, 'filter.assignmentIds');
    const source = sqlIn('t.source_assignment_id', ids);
    const dest = sqlIn('t.dest_assignment_id', ids);
    actionConditions.push({ sql: `(${source.sql} or ${dest.sql})`, params: [...source.params, ...dest.params] });
  }
  if (f.dateRange) {
    assertDateRange(f.dateRange, 'filter.dateRange');
    actionConditions.push({ sql: 't.execution_date between ?::date and ?::date', params: [f.dateRange.from, f.dateRange.to] });
  }
  if (actionConditions.length > 0) {
    where.push(withAction({ sql: actionConditions.map((c) => c.sql).join(' and '), params: actionConditions.flatMap((c) => c.params) }));
  }
  if (f.statuses) where.push(sqlIn('w.status', f.statuses));
  const order = orderBy?.length ? orderBy : [{ field: TransferWorkflowOrderField.PLANNED_DATE, direction: SortDirection.DESC }];
  return {
    entity: TransferWorkflow,
    columns: 'w.*',
    from: { sql: 'transfer_workflow w', params: [] },
    where,
    order: order.map((key) => WORKFLOW_KEYS[key.field](key.direction)),
    idColumn: 'w.id',
  };
}

const actionsByWorkflow = (ctx: GraphQLContext) =>
  ctx.loaders.memoize('actionsByWorkflow', () => childrenLoader(ctx.em, TransferAction, 'workflow', { executionDate: 'asc', id: 'asc' }));

@Resolver(() => TransferWorkflow)
export class TransferWorkflowResolver {
  @Query(() => TransferWorkflowConnection, { description: 'Transfer workflows across batches, filtered and sorted (default: newest planned start first).' })
  async transferWorkflows(@Args(() => TransferWorkflowsArgs) args: TransferWorkflowsArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    return new TransferWorkflowConnection(await sqlPaginate(ctx.em, transferWorkflowPageSpec(args.filter, args.orderBy), first, args.after));
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
    return actionsByWorkflow(ctx).load(workflow.id);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'Share of the actions done, %: COMPLETED actions / actions not CANCELLED × 100, by number of actions (not fish), rounded to 2 decimals; null when no action is left (none yet, or all cancelled).',
  })
  async progressPct(@Root() workflow: TransferWorkflow, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    // The same loader as `actions`: a page costs one statement for both fields.
    const live = (await actionsByWorkflow(ctx).load(workflow.id)).filter((action) => action.status !== TransferStatus.CANCELLED);
    if (live.length === 0) return null;
    const done = live.filter((action) => action.status === TransferStatus.COMPLETED).length;
    return roundHalfEven((100 * done) / live.length, 2);
  }
}
