import { assertDateRange } from '../../graphql/common/date-range.js';
import { sqlIn, type SqlFragment } from '../../graphql/common/keyset.js';
import { decodeIds } from '../batch/batch.resolver.js';
import type { BatchTransferFilter, TransferFilter } from './events-query.inputs.js';

/**
 * SQL conditions on `transfer_action e` for a transfer filter, shared by the top-level `transfers` connection and
 * `Batch.transfers`. Validates as it goes: an id of the wrong type or an inverted date range is a BAD_USER_INPUT
 * error naming the argument (`filter.…`).
 */
export function transferFilterWhere(filter: TransferFilter | BatchTransferFilter | null | undefined): SqlFragment[] {
  const f: TransferFilter = filter ?? {};
  const where: SqlFragment[] = [];
  if (f.dateRange) {
    assertDateRange(f.dateRange, 'filter.dateRange');
    where.push({ sql: 'e.execution_date between ?::date and ?::date', params: [f.dateRange.from, f.dateRange.to] });
  }
  if (f.batchIds) where.push(sqlIn('e.batch_id', decodeIds('Batch', f.batchIds, 'filter.batchIds')));
  if (f.assignmentIds) {
    const ids = decodeIds('BatchContainerAssignment', f.assignmentIds, 'filter.assignmentIds');
    const source = sqlIn('e.source_assignment_id', ids);
    const dest = sqlIn('e.dest_assignment_id', ids);
    where.push({ sql: `(${source.sql} or ${dest.sql})`, params: [...source.params, ...dest.params] });
  }
  if (f.workflowIds) where.push(sqlIn('e.workflow_id', decodeIds('TransferWorkflow', f.workflowIds, 'filter.workflowIds')));
  if (f.statuses) where.push(sqlIn('e.status', f.statuses));
  return where;
}
