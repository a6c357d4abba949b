import { NotFoundError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { BatchStatus } from '../enums.js';
import { assertVersion, checkEditInput, findRef } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { decodeOrReject, lastDepartureDate, lockBatch, reject } from '../operations/rules.js';
import { todayUtc } from '../../shared/dates.js';
import { Scenario } from '../scenario/scenario.entity.js';
import { Species } from '../species/species.entity.js';
import type { BatchDeleteInput, BatchScenarioSetInput, BatchStatusSetInput, BatchUpdateInput } from './batch-edit.inputs.js';
import type { Batch } from './batch.entity.js';

export interface BatchEditResult extends WriteResult {
  batchId: number;
  /** Whether anything was written (a no-op change publishes nothing). */
  changed: boolean;
}

/**
 * Status machine of batchStatusSet (data-model.md §3 BatchStatus). COMPLETED is also set automatically when the
 * last assignment departs; CANCELLED is terminal.
 */
export const BATCH_STATUS_TRANSITIONS: Readonly<Record<BatchStatus, readonly BatchStatus[]>> = {
  [BatchStatus.PLANNED]: [BatchStatus.ACTIVE, BatchStatus.CANCELLED],
  [BatchStatus.ACTIVE]: [BatchStatus.COMPLETED, BatchStatus.TERMINATED],
  [BatchStatus.COMPLETED]: [BatchStatus.TERMINATED],
  [BatchStatus.TERMINATED]: [BatchStatus.COMPLETED],
  [BatchStatus.CANCELLED]: [],
};

/**
 * Locks the batch row (FOR UPDATE, like every write of the batch) and checks the version the caller saw.
 * A malformed id, one of another type or an unknown batch is NOT_FOUND on `id`.
 */
async function lockForEdit(tx: EntityManager, input: { id: string; version: number }): Promise<Batch> {
  const id = decodeOrReject('Batch', input.id, 'batch', 'id');
  let batch: Batch;
  try {
    batch = await lockBatch(tx, id);
  } catch (error) {
    if (error instanceof NotFoundError) reject(UserErrorCode.NOT_FOUND, `No batch with id ${input.id}`, 'id');
    throw error;
  }
  assertVersion('batch', batch.version, input.version);
  return batch;
}

const result = (batch: Batch, changed: boolean, marks: WriteResult['marks'] = []): BatchEditResult => ({
  resource: { type: 'Batch', id: batch.id },
  batchId: batch.id,
  changed,
  marks,
});

/** Checks on batchUpdate's input alone (nothing read). */
export function checkBatchUpdateInput(input: BatchUpdateInput): UserError[] {
  return checkEditInput(input, ['batchType']).errors;
}

/** Changes the descriptive fields of a batch (none is a growth-engine input: nothing is recomputed). */
export async function updateBatch(tx: EntityManager, input: BatchUpdateInput): Promise<BatchEditResult> {
  const batch = await lockForEdit(tx, input);
  const changes: Partial<Pick<Batch, 'batchType' | 'expectedEndDate' | 'notes'>> = {};
  if (input.batchType != null) changes.batchType = input.batchType;
  if (input.expectedEndDate !== undefined) {
    if (input.expectedEndDate !== null && input.expectedEndDate < batch.startDate) {
      reject(UserErrorCode.VALIDATION, `expectedEndDate ${input.expectedEndDate} is before the batch starts (${batch.startDate})`, 'expectedEndDate');
    }
    changes.expectedEndDate = input.expectedEndDate;
  }
  if (input.notes !== undefined) changes.notes = input.notes;
  const changed =
    (changes.batchType !== undefined && changes.batchType !== batch.batchType) ||
    (changes.expectedEndDate !== undefined && changes.expectedEndDate !== (batch.expectedEndDate ?? null)) ||
    (changes.notes !== undefined && changes.notes !== (batch.notes ?? null));
  if (changed) {
    tx.assign(batch, changes);
    await tx.flush();
  }
  return result(batch, changed);
}

/**
 * Moves a batch along its status machine (`BATCH_STATUS_TRANSITIONS`): PLANNED → ACTIVE once its start date has
 * come; PLANNED → CANCELLED when it books no container (else delete it with batchDelete); ACTIVE → COMPLETED or
 * TERMINATED when all its assignments have departed (actual end = the last departure); COMPLETED ↔ TERMINATED
 * reclassifies an ended batch. Anything else is a CONFLICT. Setting the current status is a no-op.
 */
export async function setBatchStatus(tx: EntityManager, input: BatchStatusSetInput): Promise<BatchEditResult> {
  const batch = await lockForEdit(tx, input);
  const from = batch.status;
  const to = input.status;
  if (from === to) return result(batch, false);
  const allowed = BATCH_STATUS_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    const options = allowed.length > 0 ? `allowed from ${from}: ${allowed.join(', ')}` : `${from} is final`;
    reject(UserErrorCode.CONFLICT, `Batch ${batch.batchNumber} cannot go from ${from} to ${to} (${options})`, 'status');
  }
  const open = await tx.count(BatchContainerAssignment, { batch: batch.id, departureDate: null });
  if (to === BatchStatus.ACTIVE && batch.startDate > todayUtc()) {
    reject(UserErrorCode.CONFLICT, `Batch ${batch.batchNumber} starts on ${batch.startDate}: it can become ACTIVE from then on`, 'status');
  }
  if (to === BatchStatus.CANCELLED && open > 0) {
    reject(
      UserErrorCode.CONFLICT,
      `Batch ${batch.batchNumber} still books ${open} container(s): a PLANNED batch that will not happen is removed with batchDelete`,
      'status',
    );
  }
  if ((to === BatchStatus.COMPLETED || to === BatchStatus.TERMINATED) && open > 0) {
    reject(
      UserErrorCode.CONFLICT,
      `Batch ${batch.batchNumber} still has fish in ${open} container(s): close its assignments (harvestCreate, assignmentClose) before it can be ${to}`,
      'status',
    );
  }
  const actualEndDate = from === BatchStatus.ACTIVE ? await lastDepartureDate(tx, batch.id) : (batch.actualEndDate ?? null);
  tx.assign(batch, { status: to, actualEndDate });
  await tx.flush();
  return result(batch, true);
}

/**
 * Sets (or clears, back to the species default) the batch's growth scenario. The scenario must be of the batch's
 * species. A change marks every assignment of the batch dirty from its start, so the queued recompute
 * (SCENARIO_CHANGED, run by the caller's runOperation) rewrites the whole series.
 */
export async function setBatchScenario(tx: EntityManager, input: BatchScenarioSetInput): Promise<BatchEditResult> {
  const batch = await lockForEdit(tx, input);
  let scenario: Scenario | null = null;
  if (input.scenarioId != null) {
    scenario = await findRef(tx, Scenario, 'scenario', input.scenarioId, 'scenarioId');
    if (scenario.species.id !== batch.species.id) {
      reject(UserErrorCode.VALIDATION, `Scenario ${scenario.name} is not for the species of batch ${batch.batchNumber}`, 'scenarioId');
    }
  } else {
    const species = await tx.findOneOrFail(Species, batch.species.id);
    if (!species.defaultScenario) {
      reject(UserErrorCode.VALIDATION, `${species.name} has no default scenario: name a scenario for batch ${batch.batchNumber}`, 'scenarioId');
    }
  }
  if ((batch.scenario?.id ?? null) === (scenario?.id ?? null)) return result(batch, false);
  tx.assign(batch, { scenario });
  await tx.flush();
  const assignments = await tx.find(BatchContainerAssignment, { batch: batch.id }, { fields: ['id', 'assignmentDate'], orderBy: { id: 'asc' } });
  return result(
    batch,
    true,
    assignments.map((a) => ({ assignmentId: a.id, date: a.assignmentDate })),
  );
}

/**
 * Deletes a PLANNED batch or a batch of seed data (data-model.md §6.4) with everything it owns. Rows keyed by
 * `batch_id` go by ON DELETE CASCADE; the keys between batch-owned rows are NO ACTION (transfers, harvests,
 * mortality events and placements referencing assignments, placements referencing the creation, transfers
 * referencing workflows), so those rows are deleted first, in this transaction. Anything else is a CONFLICT.
 */
export async function deleteBatch(tx: EntityManager, input: BatchDeleteInput): Promise<BatchEditResult> {
  const batch = await lockForEdit(tx, input);
  if (batch.status !== BatchStatus.PLANNED && batch.seedRunId == null) {
    reject(
      UserErrorCode.CONFLICT,
      `Batch ${batch.batchNumber} is ${batch.status}: only PLANNED batches and seed data can be deleted (its records are history)`,
      'id',
    );
  }
  const id = batch.id;
  // NO ACTION references inside the batch, children first (harvest lots go with their harvest by CASCADE).
  for (const table of ['transfer_action', 'harvest_event', 'mortality_event', 'batch_placement']) {
    await txQuery(tx, `delete from ${table} where batch_id = $1`, [id]);
  }
  await txQuery(tx, 'delete from batch where id = $1', [id]);
  // The recompute wake-up of a deleted batch has nothing to do.
  await txQuery(tx, 'select graphile_worker.remove_job($1)', [`recompute:${id}`]);
  tx.getUnitOfWork().unsetIdentity(batch);
  return result(batch, true);
}
