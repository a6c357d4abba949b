import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { addDays } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { BatchStatus } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { lockFreeContainer } from '../operations/containers.js';
import type { WriteResult } from '../operations/operation.js';
import { assertInsideInterval, decodeOrReject, freshPopulation, InputChecks, inputError, reject, roundTo } from '../operations/rules.js';
import { LifecycleStage } from '../species/species.entity.js';
import { addArrivalToOpening } from '../transfer/transfer-create.service.js';
import { BatchPlacement } from './batch-placement.entity.js';
import type { PlacementCreateInput } from './placement-create.inputs.js';
import { Batch } from './batch.entity.js';

export interface PlacementCreateResult extends WriteResult {
  batchId: number;
  assignmentId: number;
}

/** Checks on the input alone (nothing read), all reported at once. */
export function checkPlacementCreateInput(input: PlacementCreateInput): UserError[] {
  return new InputChecks()
    .positive(input.count, 'count')
    .positiveBelow(input.avgWeightG, 1e6, 'avgWeightG')
    .notFuture(input.placementDate, 'placementDate')
    .check(!input.assignmentId !== !input.containerId, 'Give exactly one of assignmentId (a top-up) and containerId (a new assignment)', 'assignmentId')
    .check(!input.containerId || !!input.lifecycleStageId, 'lifecycleStageId (the stage on arrival) is required with containerId', 'lifecycleStageId')
    .check(!input.lifecycleStageId || !!input.containerId, 'lifecycleStageId is the stage of a new assignment: give it with containerId', 'lifecycleStageId').errors;
}

/**
 * Adds fish from outside to a batch (data-model.md §2.4 BatchPlacement, §6.4 placementCreate). Locks the batch row
 * first (every write of its inputs does), then either tops up an assignment of the batch in place on the day — the
 * fish present on the eve (fresh series, recomputed inline under the batch lock) plus the placed biomass must fit
 * the container (CAPACITY_EXCEEDED) — or starts a new assignment in a free container with batchCreate's rules
 * (`lockFreeContainer`: locked FOR UPDATE after the batch, active HOLDING, free from the day on, else CONFLICT; the
 * placed biomass within max_biomass_kg). Marks the assignment dirty from the placement day (growth-engine.md §6).
 */
export async function createPlacement(tx: EntityManager, input: PlacementCreateInput): Promise<PlacementCreateResult> {
  const batchId = decodeOrReject('Batch', input.batchId, 'batch', 'batchId');
  const batch = await tx.findOne(Batch, batchId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!batch) reject(UserErrorCode.NOT_FOUND, `No batch with id ${input.batchId}`, 'batchId');
  if (batch.status !== BatchStatus.PLANNED && batch.status !== BatchStatus.ACTIVE) {
    reject(UserErrorCode.CONFLICT, `Batch ${batch.batchNumber} is ${batch.status}: fish can only be placed into a PLANNED or ACTIVE batch`, 'batchId');
  }
  const day = input.placementDate;
  if (day < batch.startDate) reject(UserErrorCode.VALIDATION, `placementDate ${day} is before the batch starts (${batch.startDate})`, 'placementDate');
  const biomassKg = (input.count * input.avgWeightG) / 1000;

  let assignment: BatchContainerAssignment;
  if (input.assignmentId) {
    const found = await tx.findOne(BatchContainerAssignment, decodeOrReject('BatchContainerAssignment', input.assignmentId, 'assignment', 'assignmentId'), {
      refresh: true,
    });
    if (!found) reject(UserErrorCode.NOT_FOUND, `No assignment with id ${input.assignmentId}`, 'assignmentId');
    if (found.batch.id !== batch.id) reject(UserErrorCode.VALIDATION, 'The assignment belongs to another batch', 'assignmentId');
    assertInsideInterval(found, day, 'placementDate');
    const container = await tx.findOneOrFail(Container, found.container.id);
    const fresh = await freshPopulation(tx, batch.id, found.id, day, 'count');
    const presentKg = fresh.rowOf(found.id, addDays(day, -1))?.biomassKg ?? 0;
    if (presentKg + biomassKg > container.maxBiomassKg) {
      reject(
        UserErrorCode.CAPACITY_EXCEEDED,
        `${input.count} fish of ${input.avgWeightG} g (${biomassKg.toFixed(2)} kg) on top of ${presentKg.toFixed(2)} kg already there exceed the ${container.maxBiomassKg} kg allowed in ${container.name}`,
        'count',
      );
    }
    addArrivalToOpening(found, day, input.count, input.avgWeightG);
    assignment = found;
  } else {
    const stage = await tx.findOne(LifecycleStage, decodeOrReject('LifecycleStage', input.lifecycleStageId!, 'lifecycle stage', 'lifecycleStageId'));
    if (!stage) reject(UserErrorCode.NOT_FOUND, `No lifecycle stage with id ${input.lifecycleStageId}`, 'lifecycleStageId');
    if (stage.species.id !== batch.species.id) reject(UserErrorCode.VALIDATION, `Stage ${stage.code} is not a stage of the batch's species`, 'lifecycleStageId');
    const containerId = decodeOrReject('Container', input.containerId!, 'container', 'containerId');
    const container = await lockFreeContainer(tx, input.containerId!, containerId, batch.id, day, 'top it up with assignmentId', 'containerId');
    if (biomassKg > container.maxBiomassKg) {
      reject(
        UserErrorCode.CAPACITY_EXCEEDED,
        `${input.count} fish of ${input.avgWeightG} g are ${biomassKg.toFixed(2)} kg, above the ${container.maxBiomassKg} kg allowed in ${container.name}`,
        'count',
      );
    }
    assignment = tx.create(BatchContainerAssignment, {
      batch,
      container,
      lifecycleStage: stage,
      assignmentDate: day,
      openingPopulation: input.count,
      openingAvgWeightG: roundTo(input.avgWeightG, 4),
    });
    // The placement references (batch_id, assignment_id): the assignment needs its id first.
    await tx.flush();
  }

  const placement = tx.create(BatchPlacement, {
    batch,
    assignment,
    creation: null,
    placementDate: day,
    count: input.count,
    avgWeightG: roundTo(input.avgWeightG, 4),
    notes: input.notes ?? null,
  });
  await tx.flush();
  return {
    resource: { type: 'BatchPlacement', id: placement.id },
    batchId: batch.id,
    assignmentId: assignment.id,
    marks: [{ assignmentId: assignment.id, date: day }],
  };
}

/** Database constraints a racing writer could still trip, as user errors. */
export const PLACEMENT_CREATE_CONSTRAINTS = {
  batch_container_assignment_no_overlap: inputError(UserErrorCode.CONFLICT, 'The container was taken by another assignment concurrently', 'containerId'),
};
