import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { BatchStatus, BatchType, ContainerHierarchyRole } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import type { WriteResult } from '../operations/operation.js';
import { decodeOrReject, InputChecks, inputError, reject } from '../operations/rules.js';
import { todayUtc } from '../../shared/dates.js';
import { Scenario } from '../scenario/scenario.entity.js';
import { LifecycleStage, Species } from '../species/species.entity.js';
import { BatchPlacement } from './batch-placement.entity.js';
import type { BatchCreateInput } from './batch-create.inputs.js';
import { Batch, BatchCreation } from './batch.entity.js';

/** Most containers one batchCreate may fill. */
export const MAX_PLACEMENTS = 200;

export interface BatchCreateResult extends WriteResult {
  assignmentIds: number[];
}

/** Checks on the input alone (nothing read), all reported at once. */
export function checkBatchCreateInput(input: BatchCreateInput): UserError[] {
  const checks = new InputChecks()
    .check(input.batchNumber.trim().length > 0, 'batchNumber must not be empty', 'batchNumber')
    .maxLength(input.batchNumber.trim(), 50, 'batchNumber')
    .check(!input.expectedEndDate || input.expectedEndDate >= input.startDate, 'expectedEndDate must not be before startDate', 'expectedEndDate')
    .maxLength(input.creation.creationNumber?.trim(), 50, 'creation', 'creationNumber')
    .maxLength(input.creation.supplier, 100, 'creation', 'supplier')
    .maxLength(input.creation.broodstockRef, 100, 'creation', 'broodstockRef')
    .check(input.creation.plannedEggCount == null || input.creation.plannedEggCount > 0, 'plannedEggCount must be greater than 0', 'creation', 'plannedEggCount')
    .check(input.placements.length >= 1 && input.placements.length <= MAX_PLACEMENTS, `placements must hold 1 to ${MAX_PLACEMENTS} containers`, 'placements');
  const seen = new Map<string, number>();
  input.placements.forEach((placement, i) => {
    checks
      .positive(placement.count, 'placements', i, 'count')
      .positiveBelow(placement.avgWeightG, 1e6, 'placements', i, 'avgWeightG')
      .check(!seen.has(placement.containerId), `container ${placement.containerId} is listed twice (placements ${seen.get(placement.containerId)} and ${i})`, 'placements', i, 'containerId');
    seen.set(placement.containerId, i);
  });
  return checks.errors;
}

/**
 * Creates a batch atomically (data-model.md §6.4): batch, creation, one assignment and one placement per
 * container, all from the start date. Containers are locked FOR UPDATE in ascending id order, then checked free
 * on [startDate, ∞) in a separate statement (it sees what an earlier lock holder committed, STACK.md); the
 * exclusion constraint backs the check.
 */
export async function createBatch(tx: EntityManager, input: BatchCreateInput): Promise<BatchCreateResult> {
  const batchNumber = input.batchNumber.trim();
  const speciesId = decodeOrReject('Species', input.speciesId, 'species', 'speciesId');
  const species = await tx.findOne(Species, speciesId);
  if (!species) reject(UserErrorCode.NOT_FOUND, `No species with id ${input.speciesId}`, 'speciesId');

  const stage = await arrivalStage(tx, species, input.lifecycleStageId);

  let scenario: Scenario | null = null;
  if (input.scenarioId) {
    scenario = await tx.findOne(Scenario, decodeOrReject('Scenario', input.scenarioId, 'scenario', 'scenarioId'));
    if (!scenario) reject(UserErrorCode.NOT_FOUND, `No scenario with id ${input.scenarioId}`, 'scenarioId');
    if (scenario.species.id !== species.id) reject(UserErrorCode.VALIDATION, `Scenario ${scenario.name} is not for ${species.name}`, 'scenarioId');
  }

  if (await tx.count(Batch, { batchNumber })) reject(UserErrorCode.CONFLICT, `Batch number ${batchNumber} is already taken`, 'batchNumber');
  const creationNumber = input.creation.creationNumber?.trim() || `CRT-${batchNumber}`;
  if (await tx.count(BatchCreation, { creationNumber })) {
    reject(UserErrorCode.CONFLICT, `Creation number ${creationNumber} is already taken`, 'creation', 'creationNumber');
  }

  // Lock the containers in ascending id order: concurrent creators and transfers cannot deadlock on them.
  const containerIds = input.placements.map((p, i) => decodeOrReject('Container', p.containerId, 'container', 'placements', i, 'containerId'));
  const locked = await tx.find(Container, { id: { $in: containerIds } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, refresh: true });
  const byId = new Map(locked.map((container) => [container.id, container]));
  const containers = input.placements.map((placement, i) => {
    const container = byId.get(containerIds[i]!);
    if (!container) reject(UserErrorCode.NOT_FOUND, `No container with id ${placement.containerId}`, 'placements', i, 'containerId');
    if (container.hierarchyRole !== ContainerHierarchyRole.HOLDING) {
      reject(UserErrorCode.CONFLICT, `Container ${container.name} is STRUCTURAL and cannot hold fish`, 'placements', i, 'containerId');
    }
    if (!container.active) reject(UserErrorCode.CONFLICT, `Container ${container.name} is not active`, 'placements', i, 'containerId');
    const biomassKg = (placement.count * placement.avgWeightG) / 1000;
    if (biomassKg > container.maxBiomassKg) {
      reject(
        UserErrorCode.CAPACITY_EXCEEDED,
        `${placement.count} fish of ${placement.avgWeightG} g are ${biomassKg.toFixed(2)} kg, above the ${container.maxBiomassKg} kg allowed in ${container.name}`,
        'placements',
        i,
      );
    }
    return container;
  });

  // Free from the start date on: no assignment of any batch overlapping [startDate, ∞).
  const { rows: occupied } = await txQuery<{ container_id: number; batch_number: string; assignment_date: string; departure_date: string | null }>(
    tx,
    `select a.container_id, b.batch_number, a.assignment_date, a.departure_date
       from batch_container_assignment a join batch b on b.id = a.batch_id
      where a.container_id = any($1::bigint[]) and (a.departure_date is null or a.departure_date > $2)
      order by a.assignment_date limit 1`,
    [containerIds, input.startDate],
  );
  if (occupied[0]) {
    const o = occupied[0];
    const i = containerIds.indexOf(o.container_id);
    reject(
      UserErrorCode.CONFLICT,
      `Container ${byId.get(o.container_id)!.name} is occupied by batch ${o.batch_number} from ${o.assignment_date}${o.departure_date ? ` to ${o.departure_date}` : ''}`,
      'placements',
      i,
      'containerId',
    );
  }

  const batch = tx.create(Batch, {
    batchNumber,
    species,
    batchType: input.batchType ?? BatchType.STANDARD,
    status: input.startDate > todayUtc() ? BatchStatus.PLANNED : BatchStatus.ACTIVE,
    startDate: input.startDate,
    expectedEndDate: input.expectedEndDate ?? null,
    scenario,
    notes: input.notes ?? null,
  });
  const creation = tx.create(BatchCreation, {
    batch,
    creationNumber,
    eggSource: input.creation.eggSource,
    supplier: input.creation.supplier ?? null,
    broodstockRef: input.creation.broodstockRef ?? null,
    plannedEggCount: input.creation.plannedEggCount ?? input.placements.reduce((sum, p) => sum + p.count, 0),
  });
  const assignments = input.placements.map((placement, i) =>
    tx.create(BatchContainerAssignment, {
      batch,
      container: containers[i]!,
      lifecycleStage: stage,
      assignmentDate: input.startDate,
      openingPopulation: placement.count,
      openingAvgWeightG: placement.avgWeightG,
    }),
  );
  // Placements reference (batch_id, assignment_id): the assignments need their ids first.
  await tx.flush();
  input.placements.forEach((placement, i) =>
    tx.create(BatchPlacement, {
      batch,
      assignment: assignments[i]!,
      creation,
      placementDate: input.startDate,
      count: placement.count,
      avgWeightG: placement.avgWeightG,
      notes: placement.notes ?? null,
    }),
  );
  await tx.flush();
  return {
    resource: { type: 'Batch', id: batch.id },
    assignmentIds: assignments.map((a) => a.id),
    marks: assignments.map((a) => ({ assignmentId: a.id, date: input.startDate })),
  };
}

/** The stage named by the input (of the batch's species), else the species' first stage. */
async function arrivalStage(tx: EntityManager, species: Species, globalId: string | null | undefined): Promise<LifecycleStage> {
  if (!globalId) {
    const first = await tx.findOne(LifecycleStage, { species }, { orderBy: { order: 'asc' } });
    if (!first) reject(UserErrorCode.VALIDATION, `${species.name} has no lifecycle stages`, 'speciesId');
    return first;
  }
  const stage = await tx.findOne(LifecycleStage, decodeOrReject('LifecycleStage', globalId, 'lifecycle stage', 'lifecycleStageId'));
  if (!stage) reject(UserErrorCode.NOT_FOUND, `No lifecycle stage with id ${globalId}`, 'lifecycleStageId');
  if (stage.species.id !== species.id) reject(UserErrorCode.VALIDATION, `Stage ${stage.code} is not a stage of ${species.name}`, 'lifecycleStageId');
  return stage;
}

/** Database constraints a racing writer could still trip, as the user errors the checks would have given. */
export const BATCH_CREATE_CONSTRAINTS = {
  batch_batch_number_unique: inputError(UserErrorCode.CONFLICT, 'The batch number is already taken', 'batchNumber'),
  batch_creation_creation_number_unique: inputError(UserErrorCode.CONFLICT, 'The creation number is already taken', 'creation', 'creationNumber'),
  batch_container_assignment_no_overlap: inputError(UserErrorCode.CONFLICT, 'A container was taken by another batch concurrently', 'placements'),
};
