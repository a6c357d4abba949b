import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { addDays, todayUtc } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import type { Batch } from '../batch/batch.entity.js';
import { TransferStatus } from '../enums.js';
import { ensureDailyStatePartitions, markDirtyAndEnqueue, type DirtyMarkInput } from '../growth/recompute.service.js';
import { Container } from '../infrastructure/container.entity.js';
import { containerOccupant, occupantSpan } from '../operations/containers.js';
import { assertVersion, checkEditInput } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import {
  activityFrom,
  decodeOrReject,
  freshPopulation,
  InputChecks,
  inputError,
  lockBatch,
  reject,
  roundTo,
} from '../operations/rules.js';
import { LockMode } from '@mikro-orm/core';
import {
  addArrivalToOpening,
  assertDestinationDay,
  assertSourceDay,
  checkCompletedTransfer,
  transferMarks,
} from './transfer-create.service.js';
import type { TransferCancelInput, TransferCompleteInput, TransferUpdateInput } from './transfer-edit.inputs.js';
import { syncWorkflowStatus } from './transfer-workflow.service.js';
import { TransferAction } from './transfer.entity.js';

export interface TransferEditResult extends WriteResult {
  batchId: number;
  sourceAssignmentId: number;
  destAssignmentId: number;
}

/** Checks of transferComplete's input alone (nothing read), with the create rules for the values given. */
export function checkTransferCompleteInput(input: TransferCompleteInput): UserError[] {
  const checks = new InputChecks().check(input.version >= 1, `version must be at least 1 (got ${input.version})`, 'version');
  countChecks(checks, input);
  return checks.check(input.executionDate != null, 'executionDate is required', 'executionDate').notFuture(input.executionDate, 'executionDate').errors;
}

/** Checks of transferUpdate's input alone (nothing read): fields that cannot be cleared, the create rules for the rest. */
export function checkTransferUpdateInput(input: TransferUpdateInput): UserError[] {
  const checks = checkEditInput(input, ['plannedDate', 'executionDate', 'transferredCount', 'mortalityDuringTransfer', 'selectionMethod', 'emptiesSource']);
  countChecks(checks, input);
  return checks.notFuture(input.executionDate, 'executionDate').errors;
}

function countChecks(
  checks: InputChecks,
  input: {
    transferredCount?: number | null;
    mortalityDuringTransfer?: number | null;
    measuredAvgWeightG?: number | null;
    measuredSampleSize?: number | null;
    measuredStdDevG?: number | null;
    executedBy?: string | null;
  },
): void {
  if (input.transferredCount != null) checks.positive(input.transferredCount, 'transferredCount');
  checks
    .check(input.mortalityDuringTransfer == null || input.mortalityDuringTransfer >= 0, `mortalityDuringTransfer must not be negative (got ${input.mortalityDuringTransfer})`, 'mortalityDuringTransfer')
    .positiveBelow(input.measuredAvgWeightG, 1e8, 'measuredAvgWeightG')
    .check(input.measuredSampleSize == null || input.measuredSampleSize >= 1, 'measuredSampleSize must be at least 1', 'measuredSampleSize')
    .nonNegativeBelow(input.measuredStdDevG, 1e8, 'measuredStdDevG')
    .maxLength(input.executedBy, 100, 'executedBy');
}

/** Daily-state partitions the inline recompute of the transfer's batch may write (own short transaction, before the write). */
export async function prepareTransferInlineRecompute(em: EntityManager, transferGlobalId: string, day: string | null | undefined): Promise<void> {
  const id = decodeIdOf('TransferAction', transferGlobalId);
  if (id == null) return;
  const [row] = await em.execute<Array<{ batch_id: number; execution_date: string | null }>>(
    'select batch_id, execution_date from transfer_action where id = ?',
    [id],
    'all',
    em.getLoggerContext(),
  );
  const until = day ?? row?.execution_date;
  if (!row || !until) return;
  const today = todayUtc();
  await ensureDailyStatePartitions(em, Number(row.batch_id), until > today ? until : today);
}

/**
 * Loads a transfer for a change: reads its batch, locks the batch (every write of a batch's inputs takes it first,
 * so the count checks cannot go stale), reloads the transfer at the version the caller saw, and its assignments,
 * fresh. NOT_FOUND on `input.id` for a malformed id, one of another type or an unknown transfer.
 */
async function lockTransfer(
  tx: EntityManager,
  input: { id: string; version: number },
): Promise<{ action: TransferAction; batch: Batch; source: BatchContainerAssignment; dest: BatchContainerAssignment }> {
  const id = decodeOrReject('TransferAction', input.id, 'transfer', 'id');
  const { rows } = await txQuery<{ batch_id: number }>(tx, 'select batch_id from transfer_action where id = $1', [id]);
  if (!rows[0]) reject(UserErrorCode.NOT_FOUND, `No transfer with id ${input.id}`, 'id');
  const batch = await lockBatch(tx, Number(rows[0].batch_id));
  const action = await tx.findOneOrFail(TransferAction, id, { refresh: true });
  assertVersion('transfer', action.version, input.version);
  const source = await tx.findOneOrFail(BatchContainerAssignment, action.sourceAssignment.id, { refresh: true });
  const dest = await tx.findOneOrFail(BatchContainerAssignment, action.destAssignment.id, { refresh: true });
  return { action, batch, source, dest };
}

/**
 * Whether `dest` is the empty booking a PLANNED transfer made in a free container (transferCreate stores a plan
 * into a container as a new assignment from the planned day, opening population 0, so the container is reserved):
 * open, no fish on arrival, and nothing recorded in it — no placement, event, feeding, harvest or COMPLETED
 * transfer in or out. Other PLANNED transfers may name it; they have no engine effect.
 */
async function isEmptyBooking(tx: EntityManager, dest: BatchContainerAssignment): Promise<boolean> {
  if (dest.openingPopulation !== 0 || dest.departureDate) return false;
  if (await activityFrom(tx, dest.id, dest.assignmentDate)) return false;
  const { rows } = await txQuery(
    tx,
    `select 1 from transfer_action where status = 'COMPLETED' and (source_assignment_id = $1 or dest_assignment_id = $1) limit 1`,
    [dest.id],
  );
  return rows.length === 0;
}

/**
 * Moves an empty booking to start on `day`, the day the fish actually arrive. Later is a shrink and always fits;
 * earlier books more days of the container: it is locked FOR UPDATE (after the batch, like transferCreate's new
 * destination) and checked free on [day, old start) in a separate statement (CONFLICT); the exclusion constraint
 * stays the proof.
 */
async function moveEmptyBooking(tx: EntityManager, dest: BatchContainerAssignment, day: string): Promise<void> {
  if (day < dest.assignmentDate) {
    const container = await tx.findOneOrFail(Container, dest.container.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const occupant = await containerOccupant(tx, container.id, day, dest.assignmentDate, dest.id);
    if (occupant) {
      reject(
        UserErrorCode.CONFLICT,
        `The destination ${container.name} is booked from ${dest.assignmentDate}; before that it is occupied by batch ${occupant.batch_number} ${occupantSpan(occupant)}`,
        'executionDate',
      );
    }
  }
  dest.assignmentDate = day;
  // Flushed now: a racing booking trips the exclusion constraint here, before the count check's inline recompute.
  await tx.flush();
}

/**
 * PLANNED → COMPLETED (data-model.md §6.4): the fish move on `executionDate` with exactly transferCreate's checks
 * and effects for a COMPLETED transfer (`checkCompletedTransfer`: count against the fresh series, destination
 * capacity, emptiesSource). The plan's destination is always an assignment: when it is the empty booking the plan
 * made, it is moved to start on the execution day (see `moveEmptyBooking`); any other destination must be in place
 * on that day. Marks the source from the day before and the destination from the day (from its old start when
 * the booking moved later, so rows computed for it are dropped).
 */
export async function completeTransfer(tx: EntityManager, input: TransferCompleteInput, viewerName: string): Promise<TransferEditResult> {
  const { action, batch, source, dest } = await lockTransfer(tx, input);
  if (action.status !== TransferStatus.PLANNED) {
    reject(UserErrorCode.CONFLICT, `The transfer is ${action.status}: only a PLANNED transfer can be completed`, 'id');
  }
  const day = input.executionDate;
  assertSourceDay(source, day, 'executionDate');
  const oldDestStart = dest.assignmentDate;
  if (day !== dest.assignmentDate && (await isEmptyBooking(tx, dest))) await moveEmptyBooking(tx, dest, day);
  assertDestinationDay(dest, day, 'executionDate');

  const facts = {
    transferredCount: input.transferredCount ?? action.transferredCount,
    mortalityDuringTransfer: input.mortalityDuringTransfer ?? action.mortalityDuringTransfer,
    measuredAvgWeightG: input.measuredAvgWeightG ?? action.measuredAvgWeightG ?? null,
    emptiesSource: input.emptiesSource ?? action.emptiesSource,
  };
  const container = await tx.findOneOrFail(Container, dest.container.id);
  const checked = await checkCompletedTransfer(tx, batch, source, { container, existing: dest, stage: null }, day, facts);
  addArrivalToOpening(dest, day, facts.transferredCount, checked.arrivalWeightG);

  tx.assign(action, {
    status: TransferStatus.COMPLETED,
    executionDate: day,
    transferredCount: facts.transferredCount,
    mortalityDuringTransfer: facts.mortalityDuringTransfer,
    measuredAvgWeightG: facts.measuredAvgWeightG != null ? roundTo(facts.measuredAvgWeightG, 2) : null,
    measuredSampleSize: input.measuredSampleSize ?? action.measuredSampleSize ?? null,
    measuredStdDevG: input.measuredStdDevG != null ? roundTo(input.measuredStdDevG, 2) : (action.measuredStdDevG ?? null),
    emptiesSource: facts.emptiesSource,
    transferMethod: input.transferMethod ?? action.transferMethod ?? null,
    executedBy: input.executedBy ?? action.executedBy ?? viewerName,
    notes: input.notes ?? action.notes ?? null,
    sourcePopulationBefore: checked.sourcePopulationBefore,
    transferredBiomassKg: checked.transferredBiomassKg,
  });
  await tx.flush();
  await syncWorkflowStatus(tx, action.workflow?.id);
  const marks = transferMarks(source.id, dest.id, day);
  if (oldDestStart < day) marks.push({ assignmentId: dest.id, date: oldDestStart });
  return { resource: { type: 'TransferAction', id: action.id }, batchId: batch.id, sourceAssignmentId: source.id, destAssignmentId: dest.id, marks };
}

/**
 * PLANNED → CANCELLED. A plan has no engine effect (growth-engine.md reads COMPLETED transfers only), so nothing is
 * marked dirty and no recompute is queued.
 *
 * The destination stays, also when it is the empty booking the plan made in a free container: transfer_action's
 * (batch_id, dest_assignment_id) key is NOT NULL, so the cancelled action (kept as the record of the plan) must keep
 * naming it, and deleting the action instead would lose that record. The booking holds no fish, rows or events;
 * the batch may still use it (a transfer with destAssignmentId), and freeing the container for other batches
 * needs a schema change (a nullable destination for cancelled plans) that this mutation does not make.
 */
export async function cancelTransfer(tx: EntityManager, input: TransferCancelInput): Promise<TransferEditResult> {
  const { action, batch, source, dest } = await lockTransfer(tx, input);
  if (action.status !== TransferStatus.PLANNED) {
    reject(UserErrorCode.CONFLICT, `The transfer is ${action.status}: only a PLANNED transfer can be cancelled`, 'id');
  }
  action.status = TransferStatus.CANCELLED;
  await tx.flush();
  await syncWorkflowStatus(tx, action.workflow?.id);
  return { resource: { type: 'TransferAction', id: action.id }, batchId: batch.id, sourceAssignmentId: source.id, destAssignmentId: dest.id, marks: [] };
}

/**
 * Changes a transfer (data-model.md §6.4). A PLANNED one changes its plan: no engine effect, nothing marked. A
 * COMPLETED one corrects counts, weights and its day with the create rules, checked against the fresh series after
 * the change (the source's population at the end of the day before must cover every outflow booked on the day,
 * this one included; the destination must hold the arriving biomass); source and destination are re-marked from
 * the earlier of the old and new days. Changes that would move a container booking are refused (VALIDATION): the
 * day of a transfer that opened its destination or emptied its source, and emptiesSource of a COMPLETED transfer;
 * a plan moved before its booked destination begins. CANCELLED transfers cannot change (CONFLICT).
 */
export async function updateTransfer(tx: EntityManager, input: TransferUpdateInput): Promise<TransferEditResult> {
  const { action, batch, source, dest } = await lockTransfer(tx, input);
  const result = { resource: { type: 'TransferAction', id: action.id }, batchId: batch.id, sourceAssignmentId: source.id, destAssignmentId: dest.id };
  if (action.status === TransferStatus.CANCELLED) reject(UserErrorCode.CONFLICT, 'The transfer is CANCELLED and cannot be changed', 'id');
  const common = {
    transferredCount: input.transferredCount ?? action.transferredCount,
    mortalityDuringTransfer: input.mortalityDuringTransfer ?? action.mortalityDuringTransfer,
    measuredAvgWeightG: input.measuredAvgWeightG === undefined ? (action.measuredAvgWeightG ?? null) : input.measuredAvgWeightG == null ? null : roundTo(input.measuredAvgWeightG, 2),
    measuredSampleSize: input.measuredSampleSize === undefined ? (action.measuredSampleSize ?? null) : input.measuredSampleSize,
    measuredStdDevG: input.measuredStdDevG === undefined ? (action.measuredStdDevG ?? null) : input.measuredStdDevG == null ? null : roundTo(input.measuredStdDevG, 2),
    selectionMethod: input.selectionMethod ?? action.selectionMethod,
    transferMethod: input.transferMethod === undefined ? (action.transferMethod ?? null) : input.transferMethod,
    executedBy: input.executedBy === undefined ? (action.executedBy ?? null) : input.executedBy,
    notes: input.notes === undefined ? (action.notes ?? null) : input.notes,
    plannedDate: input.plannedDate ?? action.plannedDate ?? null,
  };

  if (action.status === TransferStatus.PLANNED) {
    if (input.executionDate != null) {
      reject(UserErrorCode.VALIDATION, 'A PLANNED transfer has no executionDate: complete it with transferComplete', 'executionDate');
    }
    if (input.plannedDate != null) {
      assertSourceDay(source, input.plannedDate, 'plannedDate');
      if (input.plannedDate < dest.assignmentDate) {
        reject(
          UserErrorCode.VALIDATION,
          `plannedDate ${input.plannedDate} is before the destination assignment begins (${dest.assignmentDate}); booking its container for earlier days is not done by transferUpdate: cancel the transfer and plan it again`,
          'plannedDate',
        );
      }
      assertDestinationDay(dest, input.plannedDate, 'plannedDate');
    }
    tx.assign(action, { ...common, emptiesSource: input.emptiesSource ?? action.emptiesSource });
    await tx.flush();
    return { ...result, marks: [] };
  }

  if (input.emptiesSource != null && input.emptiesSource !== action.emptiesSource) {
    reject(
      UserErrorCode.VALIDATION,
      "emptiesSource of a COMPLETED transfer cannot be changed: it ends or reopens the source assignment (use assignmentClose, or correct the transfer's counts)",
      'emptiesSource',
    );
  }
  const oldDay = action.executionDate!;
  const day = input.executionDate ?? oldDay;
  if (day !== oldDay) {
    if (dest.assignmentDate === oldDay) {
      reject(
        UserErrorCode.VALIDATION,
        `The transfer opened its destination assignment on ${oldDay}: moving it would move that assignment's container booking, which transferUpdate does not do`,
        'executionDate',
      );
    }
    if (action.emptiesSource) {
      reject(UserErrorCode.VALIDATION, `The transfer emptied its source on ${oldDay}: moving it would move the source's departure, which transferUpdate does not do`, 'executionDate');
    }
    assertSourceDay(source, day, 'executionDate');
    assertDestinationDay(dest, day, 'executionDate');
  }
  const engineChanged =
    day !== oldDay ||
    common.transferredCount !== action.transferredCount ||
    common.mortalityDuringTransfer !== action.mortalityDuringTransfer ||
    common.measuredAvgWeightG !== (action.measuredAvgWeightG ?? null) ||
    // The source's anchor on D − 1 (growth-engine.md §5.6): the selection bias factor of a partial transfer, and the
    // weighting when several measured transfers leave it that day.
    common.selectionMethod !== action.selectionMethod ||
    common.measuredSampleSize !== (action.measuredSampleSize ?? null);
  tx.assign(action, { ...common, executionDate: day });
  await tx.flush();
  if (day !== oldDay) await syncWorkflowStatus(tx, action.workflow?.id);
  if (!engineChanged) return { ...result, marks: [] };

  // Marked before the check, so its inline recompute saves the corrected rows (the job recomputes them too).
  const marks: DirtyMarkInput[] = transferMarks(source.id, dest.id, day < oldDay ? day : oldDay);
  await markDirtyAndEnqueue(tx, marks);
  const eve = addDays(day, -1);
  const fresh = await freshPopulation(tx, batch.id, source.id, day, 'transferredCount');
  if (fresh.bookedOutflows > fresh.populationBefore) {
    const leaving = common.transferredCount + common.mortalityDuringTransfer;
    const others = fresh.bookedOutflows - leaving;
    reject(
      UserErrorCode.INSUFFICIENT_POPULATION,
      `The source holds ${fresh.populationBefore} fish at the end of ${eve}` +
        (others > 0 ? ` and ${others} of them leave on ${day} by other outflows` : '') +
        `: ${Math.max(0, fresh.populationBefore - others)} can leave, not ${leaving} (${common.transferredCount} transferred + ${common.mortalityDuringTransfer} died in transfer)`,
      'transferredCount',
    );
  }
  const arrivalWeightG = common.measuredAvgWeightG ?? fresh.avgWeightG;
  let transferredBiomassKg: number | null = null;
  if (arrivalWeightG != null) {
    const container = await tx.findOneOrFail(Container, dest.container.id);
    const arrivingKg = (common.transferredCount * arrivalWeightG) / 1000;
    const presentKg = fresh.rowOf(dest.id, eve)?.biomassKg ?? 0;
    if (presentKg + arrivingKg > container.maxBiomassKg) {
      reject(
        UserErrorCode.CAPACITY_EXCEEDED,
        `${common.transferredCount} fish of ${roundTo(arrivalWeightG, 2)} g (${arrivingKg.toFixed(2)} kg)` +
          (presentKg > 0 ? ` on top of ${presentKg.toFixed(2)} kg already there` : '') +
          ` exceed the ${container.maxBiomassKg} kg allowed in ${container.name}`,
        'transferredCount',
      );
    }
    transferredBiomassKg = roundTo(arrivingKg, 2);
  }
  // The informational snapshots by SQL: a second ORM flush of the action would bump its version twice for one edit.
  await txQuery(tx, 'update transfer_action set source_population_before = $2, transferred_biomass_kg = $3 where id = $1', [
    action.id,
    fresh.populationBefore,
    transferredBiomassKg,
  ]);
  if (dest.assignmentDate === day) await refreshOpening(tx, dest);
  await tx.flush();
  return { ...result, marks };
}

/**
 * Recomputes an assignment's opening snapshot from what arrived on its first day (placements and COMPLETED incoming
 * transfers: the consistency rule of data-model.md §2.4), after a correction of one of them.
 */
export async function refreshOpening(tx: EntityManager, assignment: BatchContainerAssignment): Promise<void> {
  const { rows } = await txQuery<{ n: number; kg: number | null; weighed: number }>(
    tx,
    `select coalesce(sum(n), 0)::int as n, sum(n * w) filter (where w is not null) / 1000 as kg,
            coalesce(sum(n) filter (where w is not null), 0)::int as weighed
       from (select count as n, avg_weight_g as w from batch_placement where assignment_id = $1 and placement_date = $2
             union all
             select transferred_count, coalesce(measured_avg_weight_g, transferred_biomass_kg * 1000 / transferred_count)
               from transfer_action where dest_assignment_id = $1 and status = 'COMPLETED' and execution_date = $2) arrivals`,
    [assignment.id, assignment.assignmentDate],
  );
  const row = rows[0]!;
  assignment.openingPopulation = Number(row.n);
  if (row.kg != null && Number(row.weighed) > 0) assignment.openingAvgWeightG = roundTo((Number(row.kg) * 1000) / Number(row.weighed), 4);
}

/** Database constraints a racing writer could still trip, as user errors. */
export const TRANSFER_COMPLETE_CONSTRAINTS = {
  batch_container_assignment_no_overlap: inputError(
    UserErrorCode.CONFLICT,
    "The destination's container was taken by another assignment concurrently",
    'executionDate',
  ),
};
