import type { EntityManager } from '@mikro-orm/postgresql';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { addDays } from '../../shared/dates.js';
import type { WriteResult } from '../operations/operation.js';
import { assertNoActivityFrom, completeBatchIfClosed, InputChecks, lockAssignment, reject } from '../operations/rules.js';
import type { AssignmentCloseInput } from './assignment-close.inputs.js';

export interface AssignmentCloseResult extends WriteResult {
  batchId: number;
  batchCompleted: boolean;
}

export function checkAssignmentCloseInput(input: AssignmentCloseInput): UserError[] {
  return new InputChecks().notFuture(input.date, 'date').errors;
}

/**
 * Ends an open assignment on `date` (its departure day). Fish the series still shows on the day before become
 * the engine's count adjustment (growth-engine.md §5.3.4). Marks the assignment dirty from the day before (the
 * departure moves the end of coverage and the last segment); completes the batch when this was its last open
 * assignment.
 */
export async function closeAssignment(tx: EntityManager, input: AssignmentCloseInput): Promise<AssignmentCloseResult> {
  const { assignment, batch } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  if (assignment.departureDate) {
    reject(UserErrorCode.CONFLICT, `The assignment is already closed (departed ${assignment.departureDate})`, 'assignmentId');
  }
  if (input.date <= assignment.assignmentDate) {
    reject(UserErrorCode.VALIDATION, `date ${input.date} must be after the assignment began (${assignment.assignmentDate})`, 'date');
  }
  await assertNoActivityFrom(tx, assignment, input.date, 'date');
  assignment.departureDate = input.date;
  assignment.closeReason = input.reason;
  await tx.flush();
  const batchCompleted = await completeBatchIfClosed(tx, batch.id);
  return {
    resource: { type: 'BatchContainerAssignment', id: assignment.id },
    batchId: batch.id,
    batchCompleted,
    marks: [{ assignmentId: assignment.id, date: addDays(input.date, -1) }],
  };
}
