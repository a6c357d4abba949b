import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { diffDays } from '../../shared/dates.js';
import type { Batch } from '../batch/batch.entity.js';
import { BatchStatus, TransferStatus, TransferWorkflowStatus, TransferWorkflowType } from '../enums.js';
import { assertVersion, checkEditInput, findRef } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { decodeOrReject, inputError, lockBatch, reject } from '../operations/rules.js';
import { LifecycleStage } from '../species/species.entity.js';
import { transferWorkflowNumber } from '../synthetic/sim/planner.js';
import type { TransferWorkflowCancelInput, TransferWorkflowCreateInput, TransferWorkflowUpdateInput } from './transfer-workflow.inputs.js';
import { TransferAction, TransferWorkflow } from './transfer.entity.js';

export interface TransferWorkflowResult extends WriteResult {
  batchId: number;
  /** Whether anything was written (a no-op update publishes nothing). */
  changed: boolean;
}

/** Checks of transferWorkflowUpdate's input alone (nothing read). */
export function checkTransferWorkflowUpdateInput(input: TransferWorkflowUpdateInput): UserError[] {
  return checkEditInput(input, ['workflowType', 'sourceStageId', 'destStageId', 'plannedStartDate']).errors;
}

/**
 * Creates a PLANNED workflow for a PLANNED or ACTIVE batch (data-model.md §2.4) under the batch lock, the lock every
 * write of the batch's transfers takes, so the number check below and the status its actions derive cannot race.
 * The number follows the seed data's format, `TRF-<batch>-D<day number of the planned start>`, fixed at creation;
 * a number already taken is a CONFLICT naming its workflow.
 */
export async function createTransferWorkflow(tx: EntityManager, input: TransferWorkflowCreateInput): Promise<TransferWorkflowResult> {
  const batchId = decodeOrReject('Batch', input.batchId, 'batch', 'batchId');
  const exists = await txQuery(tx, 'select 1 from batch where id = $1', [batchId]);
  if (exists.rows.length === 0) reject(UserErrorCode.NOT_FOUND, `No batch with id ${input.batchId}`, 'batchId');
  const batch = await lockBatch(tx, batchId);
  if (batch.status !== BatchStatus.PLANNED && batch.status !== BatchStatus.ACTIVE) {
    reject(UserErrorCode.CONFLICT, `Batch ${batch.batchNumber} is ${batch.status}: workflows are planned for PLANNED or ACTIVE batches`, 'batchId');
  }
  const { source, dest } = await workflowStages(tx, batch, input.workflowType, input.sourceStageId, input.destStageId);
  assertPlannedStart(batch, input.plannedStartDate);
  const workflowNumber = transferWorkflowNumber(batch.batchNumber, diffDays(input.plannedStartDate, batch.startDate));
  if (workflowNumber.length > 50) {
    reject(UserErrorCode.VALIDATION, `The derived workflow number ${workflowNumber} exceeds 50 characters (the batch number is too long)`, 'batchId');
  }
  const taken = await tx.findOne(TransferWorkflow, { workflowNumber });
  if (taken) {
    reject(
      UserErrorCode.CONFLICT,
      `Workflow ${workflowNumber} already exists (${taken.status}): workflow numbers derive from the planned start day; add actions to that workflow with transferCreate's workflowId, or plan another day`,
      'plannedStartDate',
    );
  }
  const workflow = tx.create(TransferWorkflow, {
    batch,
    workflowNumber,
    workflowType: input.workflowType,
    status: TransferWorkflowStatus.PLANNED,
    sourceStage: source,
    destStage: dest,
    plannedStartDate: input.plannedStartDate,
    notes: input.notes ?? null,
  });
  await tx.flush();
  return { resource: { type: 'TransferWorkflow', id: workflow.id }, batchId: batch.id, changed: true, marks: [] };
}

/**
 * Changes the descriptive fields and the planned start day of a workflow that is not CANCELLED (CONFLICT). The number
 * keeps the day it was created with: it identifies the workflow (and is printed on paperwork). Nothing is an engine
 * input: no recompute.
 */
export async function updateTransferWorkflow(tx: EntityManager, input: TransferWorkflowUpdateInput): Promise<TransferWorkflowResult> {
  const { workflow, batch } = await lockWorkflow(tx, input);
  if (workflow.status === TransferWorkflowStatus.CANCELLED) reject(UserErrorCode.CONFLICT, `Workflow ${workflow.workflowNumber} is CANCELLED and cannot be changed`, 'id');
  const workflowType = input.workflowType ?? workflow.workflowType;
  const { source, dest } = await workflowStages(
    tx,
    batch,
    workflowType,
    input.sourceStageId ?? null,
    input.destStageId ?? null,
    workflow.sourceStage.id,
    workflow.destStage.id,
  );
  if (input.plannedStartDate != null) assertPlannedStart(batch, input.plannedStartDate);
  const plannedStartDate = input.plannedStartDate ?? workflow.plannedStartDate;
  const notes = input.notes === undefined ? (workflow.notes ?? null) : input.notes;
  const changed =
    workflowType !== workflow.workflowType ||
    source.id !== workflow.sourceStage.id ||
    dest.id !== workflow.destStage.id ||
    plannedStartDate !== workflow.plannedStartDate ||
    notes !== (workflow.notes ?? null);
  if (changed) {
    tx.assign(workflow, { workflowType, sourceStage: source, destStage: dest, plannedStartDate, notes });
    await tx.flush();
  }
  return { resource: { type: 'TransferWorkflow', id: workflow.id }, batchId: batch.id, changed, marks: [] };
}

/**
 * Cancels a workflow and its PLANNED actions in one transaction. Plans have no engine effect, so nothing is
 * recomputed; the empty destinations the plans booked stay, as with transferCancel. A workflow with COMPLETED actions
 * is a CONFLICT: fish moved, which a cancellation cannot undo, and leaving those actions in a CANCELLED workflow would
 * break "status follows its actions" (cancel its remaining plans one by one with transferCancel: the workflow then
 * becomes COMPLETED).
 */
export async function cancelTransferWorkflow(tx: EntityManager, input: TransferWorkflowCancelInput): Promise<TransferWorkflowResult> {
  const { workflow, batch } = await lockWorkflow(tx, input);
  if (workflow.status === TransferWorkflowStatus.CANCELLED) reject(UserErrorCode.CONFLICT, `Workflow ${workflow.workflowNumber} is already CANCELLED`, 'id');
  const actions = await tx.find(TransferAction, { workflow: workflow.id }, { orderBy: { id: 'asc' }, refresh: true });
  const completed = actions.filter((action) => action.status === TransferStatus.COMPLETED);
  if (completed.length > 0) {
    reject(
      UserErrorCode.CONFLICT,
      `Workflow ${workflow.workflowNumber} has ${completed.length} COMPLETED transfer(s) (the first on ${completed[0]!.executionDate}): fish moved, so it cannot be cancelled; cancel its remaining planned transfers with transferCancel`,
      'id',
    );
  }
  for (const action of actions) {
    if (action.status === TransferStatus.PLANNED) action.status = TransferStatus.CANCELLED;
  }
  workflow.status = TransferWorkflowStatus.CANCELLED;
  await tx.flush();
  return { resource: { type: 'TransferWorkflow', id: workflow.id }, batchId: batch.id, changed: true, marks: [] };
}

/**
 * The workflow a new transfer joins (transferCreate's `workflowId`): of the transfer's batch (VALIDATION) and not
 * CANCELLED (CONFLICT). The caller holds the batch lock.
 */
export async function workflowForTransfer(tx: EntityManager, globalId: string, batch: Batch): Promise<TransferWorkflow> {
  const id = decodeOrReject('TransferWorkflow', globalId, 'transfer workflow', 'workflowId');
  const workflow = await tx.findOne(TransferWorkflow, id, { refresh: true });
  if (!workflow) reject(UserErrorCode.NOT_FOUND, `No transfer workflow with id ${globalId}`, 'workflowId');
  if (workflow.batch.id !== batch.id) reject(UserErrorCode.VALIDATION, `Workflow ${workflow.workflowNumber} belongs to another batch`, 'workflowId');
  if (workflow.status === TransferWorkflowStatus.CANCELLED) reject(UserErrorCode.CONFLICT, `Workflow ${workflow.workflowNumber} is CANCELLED`, 'workflowId');
  return workflow;
}

/**
 * Derives a workflow's status and actual dates from its actions (data-model.md §6.4 "status follows its actions"),
 * after an action of it was created, completed, cancelled or re-dated: CANCELLED when it has actions and all are
 * CANCELLED (nothing is left to do, as after transferWorkflowCancel), else PLANNED while none is COMPLETED, COMPLETED
 * when every action that is not CANCELLED is (first and last execution days as actual start and completion),
 * IN_PROGRESS in between. A CANCELLED workflow stays so. Callers hold the batch lock, so actions cannot change
 * underneath. By SQL, bumping the version only when something changed.
 */
export async function syncWorkflowStatus(tx: EntityManager, workflowId: number | null | undefined): Promise<void> {
  if (workflowId == null) return;
  await txQuery(
    tx,
    `with actions as (
       select count(*) as total, count(*) filter (where status <> 'CANCELLED') as live,
              count(*) filter (where status = 'COMPLETED') as done,
              min(execution_date) filter (where status = 'COMPLETED') as first_day,
              max(execution_date) filter (where status = 'COMPLETED') as last_day
         from transfer_action where workflow_id = $1
     ), derived as (
       select case when total > 0 and live = 0 then 'CANCELLED' when done = 0 then 'PLANNED'
                   when done = live then 'COMPLETED' else 'IN_PROGRESS' end as status,
              first_day, case when done > 0 and done = live then last_day end as completion
         from actions
     )
     update transfer_workflow w
        set status = d.status, actual_start_date = d.first_day, actual_completion_date = d.completion,
            version = w.version + 1, updated_at = now()
       from derived d
      where w.id = $1 and w.status <> 'CANCELLED'
        and (w.status, w.actual_start_date, w.actual_completion_date) is distinct from (d.status, d.first_day, d.completion)`,
    [workflowId],
  );
}

/** Reads the workflow's batch, locks it (like every transfer write), reloads the workflow and checks its version. */
async function lockWorkflow(tx: EntityManager, input: { id: string; version: number }): Promise<{ workflow: TransferWorkflow; batch: Batch }> {
  const id = decodeOrReject('TransferWorkflow', input.id, 'transfer workflow', 'id');
  const { rows } = await txQuery<{ batch_id: number }>(tx, 'select batch_id from transfer_workflow where id = $1', [id]);
  if (!rows[0]) reject(UserErrorCode.NOT_FOUND, `No transfer workflow with id ${input.id}`, 'id');
  const batch = await lockBatch(tx, Number(rows[0].batch_id));
  const workflow = await tx.findOneOrFail(TransferWorkflow, id, { refresh: true });
  assertVersion('transfer workflow', workflow.version, input.version);
  return { workflow, batch };
}

/** The planned start is a day of the batch (its day number names the workflow). */
function assertPlannedStart(batch: Batch, day: string): void {
  if (day < batch.startDate) {
    reject(UserErrorCode.VALIDATION, `plannedStartDate ${day} is before batch ${batch.batchNumber} starts (${batch.startDate})`, 'plannedStartDate');
  }
}

/**
 * The source and destination stages (given ids, else the current ones): of the batch's species (VALIDATION; an
 * unknown id is NOT_FOUND), and for a LIFECYCLE_TRANSITION the destination later than the source.
 */
async function workflowStages(
  tx: EntityManager,
  batch: Batch,
  workflowType: TransferWorkflowType,
  sourceGlobalId: string | null,
  destGlobalId: string | null,
  currentSourceId?: number,
  currentDestId?: number,
): Promise<{ source: LifecycleStage; dest: LifecycleStage }> {
  const stage = async (globalId: string | null, currentId: number | undefined, field: string): Promise<LifecycleStage> => {
    if (globalId == null) return tx.findOneOrFail(LifecycleStage, currentId!);
    const found = await findRef(tx, LifecycleStage, 'lifecycle stage', globalId, field);
    if (found.species.id !== batch.species.id) reject(UserErrorCode.VALIDATION, `Stage ${found.code} is not a stage of the batch's species`, field);
    return found;
  };
  const source = await stage(sourceGlobalId, currentSourceId, 'sourceStageId');
  const dest = await stage(destGlobalId, currentDestId, 'destStageId');
  if (workflowType === TransferWorkflowType.LIFECYCLE_TRANSITION && dest.order <= source.order) {
    reject(UserErrorCode.VALIDATION, `A LIFECYCLE_TRANSITION goes to a later stage: ${dest.code} does not follow ${source.code}`, 'destStageId');
  }
  return { source, dest };
}

/** Database constraints a racing writer could still trip, as user errors. */
export const TRANSFER_WORKFLOW_CREATE_CONSTRAINTS = {
  transfer_workflow_workflow_number_unique: inputError(UserErrorCode.CONFLICT, 'A workflow with the derived number was created concurrently', 'plannedStartDate'),
};
