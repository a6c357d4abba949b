import type { EntityManager } from '@mikro-orm/postgresql';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { addDays } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import type { Batch } from '../batch/batch.entity.js';
import { AssignmentCloseReason, TransferStatus } from '../enums.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import { Container } from '../infrastructure/container.entity.js';
import { lockFreeContainer } from '../operations/containers.js';
import type { WriteResult } from '../operations/operation.js';
import {
  assertNoActivityFrom,
  decodeOrReject,
  freshPopulation,
  InputChecks,
  inputError,
  lockAssignment,
  reject,
  roundTo,
} from '../operations/rules.js';
import { LifecycleStage } from '../species/species.entity.js';
import type { TransferCreateInput } from './transfer-create.inputs.js';
import { syncWorkflowStatus, workflowForTransfer } from './transfer-workflow.service.js';
import { TransferAction } from './transfer.entity.js';

export interface TransferCreateResult extends WriteResult {
  sourceAssignmentId: number;
  destAssignmentId: number;
}

/** Checks on the input alone (nothing read), all reported at once. */
export function checkTransferInput(input: TransferCreateInput): UserError[] {
  const checks = new InputChecks()
    .positive(input.transferredCount, 'transferredCount')
    .check(input.mortalityDuringTransfer >= 0, `mortalityDuringTransfer must not be negative (got ${input.mortalityDuringTransfer})`, 'mortalityDuringTransfer')
    .positiveBelow(input.measuredAvgWeightG, 1e8, 'measuredAvgWeightG')
    .check(input.measuredSampleSize == null || input.measuredSampleSize >= 1, 'measuredSampleSize must be at least 1', 'measuredSampleSize')
    .nonNegativeBelow(input.measuredStdDevG, 1e8, 'measuredStdDevG')
    .check(input.status !== TransferStatus.CANCELLED, 'status must be PLANNED or COMPLETED', 'status')
    .check(!input.destAssignmentId !== !input.destContainerId, 'Give exactly one of destAssignmentId and destContainerId', 'destAssignmentId')
    .check(!input.lifecycleStageId || !!input.destContainerId, 'lifecycleStageId is the stage of a new destination: give it with destContainerId', 'lifecycleStageId')
    .maxLength(input.executedBy, 100, 'executedBy');
  if (input.status === TransferStatus.COMPLETED) {
    checks.check(input.executionDate != null, 'executionDate is required for a COMPLETED transfer', 'executionDate').notFuture(input.executionDate, 'executionDate');
  } else if (input.status === TransferStatus.PLANNED) {
    checks
      .check(input.plannedDate != null, 'plannedDate is required for a PLANNED transfer', 'plannedDate')
      .check(input.executionDate == null, 'A PLANNED transfer has no executionDate yet (it is set when it completes)', 'executionDate');
  }
  return checks.errors;
}

/**
 * Records a transfer (data-model.md §2.4 rules, §6.4): locks the batch row first, then (for a new destination)
 * the destination container, so concurrent transfers into one container serialise and all but the first find
 * it occupied. For a COMPLETED transfer the count is checked against a fresh series (`checkCompletedTransfer`).
 * Marks the source dirty from the day before and the destination from the transfer day (growth-engine.md §6).
 * With `workflowId` the transfer joins that workflow, whose status and actual dates then follow it.
 */
export async function createTransfer(tx: EntityManager, input: TransferCreateInput, viewerName: string): Promise<TransferCreateResult> {
  const completed = input.status === TransferStatus.COMPLETED;
  const dayField = completed ? 'executionDate' : 'plannedDate';
  const day = (completed ? input.executionDate : input.plannedDate)!;
  const { assignment: source, batch } = await lockAssignment(tx, input.sourceAssignmentId, 'sourceAssignmentId');
  assertSourceDay(source, day, dayField);
  const workflow = input.workflowId ? await workflowForTransfer(tx, input.workflowId, batch) : null;

  const destination = input.destAssignmentId
    ? await existingDestination(tx, input.destAssignmentId, batch, source, day, dayField)
    : await newDestination(tx, input, source, day);

  const checked = completed ? await checkCompletedTransfer(tx, batch, source, destination, day, input) : null;

  let dest: BatchContainerAssignment;
  if (destination.existing) {
    dest = destination.existing;
    if (checked) addArrivalToOpening(dest, day, input.transferredCount, checked.arrivalWeightG);
  } else {
    dest = tx.create(BatchContainerAssignment, {
      batch,
      container: destination.container,
      lifecycleStage: destination.stage!,
      assignmentDate: day,
      openingPopulation: checked ? input.transferredCount : 0,
      openingAvgWeightG: checked && checked.arrivalWeightG != null ? roundTo(checked.arrivalWeightG, 4) : null,
    });
  }

  const action = tx.create(TransferAction, {
    batch,
    workflow,
    sourceAssignment: source,
    destAssignment: dest,
    status: input.status,
    plannedDate: input.plannedDate ?? null,
    executionDate: completed ? day : null,
    transferredCount: input.transferredCount,
    mortalityDuringTransfer: input.mortalityDuringTransfer,
    sourcePopulationBefore: checked?.sourcePopulationBefore ?? null,
    transferredBiomassKg: checked?.transferredBiomassKg ?? null,
    transferMethod: input.transferMethod ?? null,
    measuredAvgWeightG: input.measuredAvgWeightG != null ? roundTo(input.measuredAvgWeightG, 2) : null,
    measuredSampleSize: input.measuredSampleSize ?? null,
    measuredStdDevG: input.measuredStdDevG != null ? roundTo(input.measuredStdDevG, 2) : null,
    selectionMethod: input.selectionMethod,
    emptiesSource: input.emptiesSource,
    executedBy: input.executedBy ?? viewerName,
    notes: input.notes ?? null,
  });
  await tx.flush();
  await syncWorkflowStatus(tx, workflow?.id);
  return {
    resource: { type: 'TransferAction', id: action.id },
    sourceAssignmentId: source.id,
    destAssignmentId: dest.id,
    marks: transferMarks(source.id, dest.id, day),
  };
}

/** Dirty marks of a transfer on `day` (growth-engine.md §6): the source from the day before, the destination from the day. */
export function transferMarks(sourceId: number, destId: number, day: string): DirtyMarkInput[] {
  return [
    { assignmentId: sourceId, date: addDays(day, -1) },
    { assignmentId: destId, date: day },
  ];
}

/** The transfer day must fall after the source began and not after it departed (VALIDATION on `dayField`). */
export function assertSourceDay(source: BatchContainerAssignment, day: string, dayField: string): void {
  if (day <= source.assignmentDate) {
    reject(UserErrorCode.VALIDATION, `${dayField} ${day} must be after the source assignment began (${source.assignmentDate})`, dayField);
  }
  if (source.departureDate && day > source.departureDate) {
    reject(UserErrorCode.VALIDATION, `${dayField} ${day} is after the source assignment departed (${source.departureDate})`, dayField);
  }
}

/** The engine-relevant facts of a COMPLETED transfer. */
export interface CompletedTransferFacts {
  transferredCount: number;
  mortalityDuringTransfer: number;
  measuredAvgWeightG?: number | null;
  emptiesSource: boolean;
}

/** What the checks of a COMPLETED transfer found, for its snapshots. */
export interface CompletedTransferCheck {
  /** Source population at the end of the day before (informational snapshot). */
  sourcePopulationBefore: number;
  /** Biomass moved, kg (null without any weight). */
  transferredBiomassKg: number | null;
  /** Arrival weight, g: the measured one, else the source's on the day before. */
  arrivalWeightG: number | null;
}

/**
 * The checks and source effects of fish moving on `day` (transferCreate with status COMPLETED, transferComplete):
 * the batch is recomputed inline under its lock (the caller holds it) and the source's population at the end of the
 * day before, less what is already booked out that day, must cover transferred fish plus transfer deaths
 * (INSUFFICIENT_POPULATION); the destination's biomass on the eve plus the arriving fish must fit its container
 * (CAPACITY_EXCEEDED); `emptiesSource` ends the source on the day (TRANSFERRED) when nothing of it is dated later.
 */
export async function checkCompletedTransfer(
  tx: EntityManager,
  batch: Batch,
  source: BatchContainerAssignment,
  destination: Destination,
  day: string,
  facts: CompletedTransferFacts,
): Promise<CompletedTransferCheck> {
  const eve = addDays(day, -1);
  const fresh = await freshPopulation(tx, batch.id, source.id, day, 'transferredCount');
  const leaving = facts.transferredCount + facts.mortalityDuringTransfer;
  if (leaving > fresh.available) {
    reject(
      UserErrorCode.INSUFFICIENT_POPULATION,
      `The source holds ${fresh.populationBefore} fish at the end of ${eve}` +
        (fresh.bookedOutflows > 0 ? ` and ${fresh.bookedOutflows} of them already leave on ${day}` : '') +
        `: ${fresh.available} can leave, not ${leaving} (${facts.transferredCount} transferred + ${facts.mortalityDuringTransfer} died in transfer)`,
      'transferredCount',
    );
  }
  const arrivalWeightG = facts.measuredAvgWeightG ?? fresh.avgWeightG;
  let transferredBiomassKg: number | null = null;
  if (arrivalWeightG != null) {
    const arrivingKg = (facts.transferredCount * arrivalWeightG) / 1000;
    const presentKg = destination.existing ? (fresh.rowOf(destination.existing.id, eve)?.biomassKg ?? 0) : 0;
    if (presentKg + arrivingKg > destination.container.maxBiomassKg) {
      reject(
        UserErrorCode.CAPACITY_EXCEEDED,
        `${facts.transferredCount} fish of ${roundTo(arrivalWeightG, 2)} g (${arrivingKg.toFixed(2)} kg)` +
          (presentKg > 0 ? ` on top of ${presentKg.toFixed(2)} kg already there` : '') +
          ` exceed the ${destination.container.maxBiomassKg} kg allowed in ${destination.container.name}`,
        'transferredCount',
      );
    }
    transferredBiomassKg = roundTo(arrivingKg, 2);
  }
  if (facts.emptiesSource) {
    if (source.departureDate && source.departureDate !== day) {
      reject(UserErrorCode.VALIDATION, `The source assignment already departed on ${source.departureDate}`, 'emptiesSource');
    }
    await assertNoActivityFrom(tx, source, day, 'emptiesSource');
    source.departureDate = day;
    source.closeReason = AssignmentCloseReason.TRANSFERRED;
  }
  return { sourcePopulationBefore: fresh.populationBefore, transferredBiomassKg, arrivalWeightG };
}

/**
 * Adds fish arriving on an existing assignment's first day to its opening snapshot: it counts every arrival on
 * that day (placements and incoming transfers, a merge of several sources). Later arrivals are top-ups.
 */
export function addArrivalToOpening(dest: BatchContainerAssignment, day: string, count: number, avgWeightG: number | null): void {
  if (day !== dest.assignmentDate) return;
  const before = dest.openingPopulation;
  dest.openingPopulation = before + count;
  if (avgWeightG != null) {
    dest.openingAvgWeightG =
      dest.openingAvgWeightG != null && before > 0
        ? roundTo((dest.openingAvgWeightG * before + avgWeightG * count) / dest.openingPopulation, 4)
        : roundTo(avgWeightG, 4);
  }
}

/** Where a transfer's fish go. */
export interface Destination {
  container: Container;
  /** The existing destination assignment, or null for a new one in `container`. */
  existing: BatchContainerAssignment | null;
  /** Stage on arrival of a new destination. */
  stage: LifecycleStage | null;
}

/** An existing assignment of the same batch that is in place on the transfer day. */
async function existingDestination(
  tx: EntityManager,
  globalId: string,
  batch: Batch,
  source: BatchContainerAssignment,
  day: string,
  dayField: string,
): Promise<Destination> {
  const id = decodeOrReject('BatchContainerAssignment', globalId, 'assignment', 'destAssignmentId');
  const dest = await tx.findOne(BatchContainerAssignment, id, { refresh: true });
  if (!dest) reject(UserErrorCode.NOT_FOUND, `No assignment with id ${globalId}`, 'destAssignmentId');
  if (dest.batch.id !== batch.id) reject(UserErrorCode.VALIDATION, 'The destination assignment belongs to another batch', 'destAssignmentId');
  if (dest.id === source.id) reject(UserErrorCode.VALIDATION, 'The source and destination are the same assignment', 'destAssignmentId');
  assertDestinationDay(dest, day, dayField);
  return { container: await tx.findOneOrFail(Container, dest.container.id), existing: dest, stage: null };
}

/** The transfer day must lie inside the destination's interval [assignmentDate, departureDate) (VALIDATION on `dayField`). */
export function assertDestinationDay(dest: BatchContainerAssignment, day: string, dayField: string): void {
  if (day < dest.assignmentDate) {
    reject(UserErrorCode.VALIDATION, `${dayField} ${day} is before the destination assignment began (${dest.assignmentDate})`, dayField);
  }
  if (dest.departureDate && day >= dest.departureDate) {
    reject(UserErrorCode.VALIDATION, `${dayField} ${day} is not before the destination assignment departed (${dest.departureDate})`, dayField);
  }
}

/**
 * A container for a new destination assignment from the transfer day (`lockFreeContainer`: locked after the batch,
 * then checked free on [day, ∞)), with the stage on arrival (default: the source's).
 */
async function newDestination(tx: EntityManager, input: TransferCreateInput, source: BatchContainerAssignment, day: string): Promise<Destination> {
  const sourceStage = await tx.findOneOrFail(LifecycleStage, source.lifecycleStage.id);
  let stage = sourceStage;
  if (input.lifecycleStageId) {
    const found = await tx.findOne(LifecycleStage, decodeOrReject('LifecycleStage', input.lifecycleStageId, 'lifecycle stage', 'lifecycleStageId'));
    if (!found) reject(UserErrorCode.NOT_FOUND, `No lifecycle stage with id ${input.lifecycleStageId}`, 'lifecycleStageId');
    if (found.species.id !== sourceStage.species.id) reject(UserErrorCode.VALIDATION, `Stage ${found.code} is of another species`, 'lifecycleStageId');
    stage = found;
  }
  const containerId = decodeOrReject('Container', input.destContainerId!, 'container', 'destContainerId');
  if (containerId === source.container.id) {
    reject(UserErrorCode.VALIDATION, 'The destination container is the source assignment\'s own container', 'destContainerId');
  }
  const container = await lockFreeContainer(
    tx,
    input.destContainerId!,
    containerId,
    source.batch.id,
    day,
    'transfer into it with destAssignmentId',
    'destContainerId',
  );
  return { container, existing: null, stage };
}

/** Database constraints a racing writer could still trip, as user errors. */
export const TRANSFER_CREATE_CONSTRAINTS = {
  batch_container_assignment_no_overlap: inputError(
    UserErrorCode.CONFLICT,
    'The destination container was taken by another assignment concurrently',
    'destContainerId',
  ),
};
