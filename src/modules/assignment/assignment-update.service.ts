import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { addDays } from '../../shared/dates.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import { Container } from '../infrastructure/container.entity.js';
import { containerOccupant, occupantSpan } from '../operations/containers.js';
import { assertVersion, checkEditInput, findRef } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, lockAssignment, reject, syncBatchEndDate } from '../operations/rules.js';
import { LifecycleStage } from '../species/species.entity.js';
import { refreshOpening } from '../transfer/transfer-edit.service.js';
import type { AssignmentUpdateInput } from './assignment-update.inputs.js';
import type { BatchContainerAssignment } from './assignment.entity.js';

export interface AssignmentUpdateResult extends WriteResult {
  batchId: number;
}

/** Checks of assignmentUpdate's input alone (nothing read). */
export function checkAssignmentUpdateInput(input: AssignmentUpdateInput): UserError[] {
  return checkEditInput(input, ['lifecycleStageId', 'assignmentDate', 'departureDate']).notFuture(input.departureDate, 'departureDate').errors;
}

/** A record of an assignment, named in messages. */
interface AssignmentRecord {
  kind: string;
  type_name: string | null;
  id: number | null;
  date: string;
}

const describeRecord = (r: AssignmentRecord): string =>
  `the ${r.kind} dated ${r.date}${r.type_name && r.id != null ? ` (${r.type_name} ${toGlobalId(r.type_name, Number(r.id))})` : ''}`;

/**
 * Changes an assignment's arrival stage and dates (data-model.md §6.4 "Dates, stage") under the batch lock, only
 * where the result stays consistent with everything recorded for it:
 * - the stage must be of the batch's species;
 * - the arrival day must be the day of its first arrival (placement or COMPLETED incoming transfer) when it has any,
 *   since the opening snapshot and the engine's population start there; without arrivals (a booking) it may move;
 * - the departure of a closed assignment may move unless an emptying transfer or a harvest on that day closed it;
 * - no record (event, mortality report, feeding, placement, transfer in or out, planned ones too, harvest) may fall
 *   outside the new interval, with the create rules' edges (outflows after the arrival and on or before the
 *   departure);
 * - days the interval gains book the container: it is locked FOR UPDATE after the batch and checked free (CONFLICT);
 *   the exclusion constraint stays the proof.
 * Marks the assignment dirty from the earliest day touched (old or new arrival for the stage and arrival, the day
 * before the old or new departure) and the sources of COMPLETED transfers into it from then on, each from the day
 * before its transfer (growth-engine.md §6). A COMPLETED or TERMINATED batch's actual end follows its last departure.
 */
export async function updateAssignment(tx: EntityManager, input: AssignmentUpdateInput): Promise<AssignmentUpdateResult> {
  const { assignment, batch } = await lockAssignment(tx, input.id, 'id');
  assertVersion('assignment', assignment.version, input.version);
  const result = { resource: { type: 'BatchContainerAssignment', id: assignment.id }, batchId: batch.id };

  let stage: LifecycleStage | null = null;
  if (input.lifecycleStageId != null) {
    const found = await findRef(tx, LifecycleStage, 'lifecycle stage', input.lifecycleStageId, 'lifecycleStageId');
    if (found.species.id !== batch.species.id) reject(UserErrorCode.VALIDATION, `Stage ${found.code} is not a stage of the batch's species`, 'lifecycleStageId');
    if (found.id !== assignment.lifecycleStage.id) stage = found;
  }

  const oldStart = assignment.assignmentDate;
  const oldEnd = assignment.departureDate ?? null;
  const start = input.assignmentDate ?? oldStart;
  if (input.departureDate != null && oldEnd == null) {
    reject(UserErrorCode.VALIDATION, 'The assignment is open: close it with assignmentClose', 'departureDate');
  }
  const end = input.departureDate ?? oldEnd;
  if (start < batch.startDate) {
    reject(UserErrorCode.VALIDATION, `assignmentDate ${start} is before batch ${batch.batchNumber} starts (${batch.startDate})`, 'assignmentDate');
  }
  if (end != null && end <= start) {
    const field = end !== oldEnd ? 'departureDate' : 'assignmentDate';
    reject(UserErrorCode.VALIDATION, `The departure (${end}) must be after the arrival (${start})`, field);
  }
  if (start !== oldStart) await assertOpensOn(tx, assignment, start);
  if (end !== oldEnd) await assertNotClosedByRecord(tx, assignment, oldEnd!);
  if (start !== oldStart || end !== oldEnd) {
    const outside = await recordOutside(tx, assignment.id, start, end);
    if (outside) {
      const field = outside.date <= start ? 'assignmentDate' : 'departureDate';
      reject(UserErrorCode.VALIDATION, `The assignment [${start}, ${end ?? 'open'}) would leave ${describeRecord(outside)} outside its interval`, field);
    }
    await bookContainer(tx, assignment, start < oldStart ? [start, oldStart] : null, end && oldEnd && end > oldEnd ? [oldEnd, end] : null);
  }
  if (stage == null && start === oldStart && end === oldEnd) return { ...result, marks: [] };

  if (stage) assignment.lifecycleStage = stage;
  assignment.assignmentDate = start;
  assignment.departureDate = end;
  if (start !== oldStart) await refreshOpening(tx, assignment);
  await tx.flush();
  if (end !== oldEnd) await syncBatchEndDate(tx, batch.id);

  const froms: string[] = [];
  if (stage || start !== oldStart) froms.push(start < oldStart ? start : oldStart);
  if (end !== oldEnd) froms.push(addDays(end! < oldEnd! ? end! : oldEnd!, -1));
  const from = froms.reduce((a, b) => (a < b ? a : b));
  // A date edit can make a transfer into the assignment valid or invalid for the engine (growth-engine.md §5.1):
  // its source is recomputed too, from where the transfer anchors.
  const { rows } = await txQuery<{ source_assignment_id: number; execution_date: string }>(
    tx,
    `select source_assignment_id, execution_date from transfer_action
      where dest_assignment_id = $1 and status = 'COMPLETED' and execution_date >= $2`,
    [assignment.id, from],
  );
  const marks: DirtyMarkInput[] = [
    { assignmentId: assignment.id, date: from },
    ...rows.map((row) => ({ assignmentId: Number(row.source_assignment_id), date: addDays(row.execution_date, -1) })),
  ];
  return { ...result, marks };
}

/**
 * The arrival day must be the day of the first arrival, when there is one: the opening snapshot counts the fish
 * arriving on it and the engine's population starts with them.
 */
async function assertOpensOn(tx: EntityManager, assignment: BatchContainerAssignment, day: string): Promise<void> {
  const { rows } = await txQuery<AssignmentRecord>(
    tx,
    `select kind, type_name, id, d as date from (
       select 'placement' as kind, 'BatchPlacement' as type_name, id, placement_date as d from batch_placement where assignment_id = $1
       union all select 'incoming transfer', 'TransferAction', id, execution_date from transfer_action
                  where dest_assignment_id = $1 and status = 'COMPLETED'
     ) arrivals order by d, id limit 1`,
    [assignment.id],
  );
  const first = rows[0];
  if (first && first.date !== day) {
    reject(
      UserErrorCode.VALIDATION,
      `The assignment opens with ${describeRecord(first)}: its arrival day is that record's day, so it cannot be ${day} (correct the record instead)`,
      'assignmentDate',
    );
  }
}

/** A departure made by a record on that day (an emptying transfer, a harvest that closed it) moves only with it. */
async function assertNotClosedByRecord(tx: EntityManager, assignment: BatchContainerAssignment, departure: string): Promise<void> {
  const { rows } = await txQuery<AssignmentRecord>(
    tx,
    `select 'emptying transfer' as kind, 'TransferAction' as type_name, id, execution_date as date from transfer_action
      where source_assignment_id = $1 and status = 'COMPLETED' and empties_source and execution_date = $2
     union all
     select 'harvest', 'HarvestEvent', h.id, h.harvest_date from harvest_event h join batch_container_assignment a on a.id = h.assignment_id
      where h.assignment_id = $1 and h.harvest_date = $2 and a.close_reason = 'HARVESTED'
     limit 1`,
    [assignment.id, departure],
  );
  if (rows[0]) {
    reject(
      UserErrorCode.VALIDATION,
      `The departure on ${departure} was made by ${describeRecord(rows[0])}: it cannot move on its own (correct that record instead)`,
      'departureDate',
    );
  }
}

/**
 * The first record of the assignment outside [start, end) (end null: open), with the create rules' edges: events,
 * reports, feedings and arrivals inside the interval; outflows (transfers out, harvests) may fall on the departure
 * day, and only after the arrival day (as transferCreate and harvestCreate require). PLANNED transfers count by their
 * planned day.
 */
async function recordOutside(tx: EntityManager, assignmentId: number, start: string, end: string | null): Promise<AssignmentRecord | null> {
  const { rows } = await txQuery<AssignmentRecord>(
    tx,
    `select kind, type_name, id, d as date from (
       select 'mortality event' as kind, 'MortalityEvent' as type_name, id, event_date as d, false as after_start, false as on_end
         from mortality_event where assignment_id = $1
       union all select 'mortality report', null, null, report_date, false, false from mortality_report where assignment_id = $1
       union all select 'growth sample', 'GrowthSample', id, sample_date, false, false from growth_sample where assignment_id = $1
       union all select 'treatment', 'Treatment', id, treatment_date, false, false from treatment where assignment_id = $1
       union all select 'lice count', 'LiceCount', id, count_date, false, false from lice_count where assignment_id = $1
       union all select 'feeding event', 'FeedingEvent', id, feeding_date, false, false from feeding_event where assignment_id = $1
       union all select 'placement', 'BatchPlacement', id, placement_date, false, false from batch_placement where assignment_id = $1
       union all select lower(status) || ' incoming transfer', 'TransferAction', id, coalesce(execution_date, planned_date), false, false
                   from transfer_action where dest_assignment_id = $1 and status <> 'CANCELLED'
       union all select lower(status) || ' outgoing transfer', 'TransferAction', id, coalesce(execution_date, planned_date), true, true
                   from transfer_action where source_assignment_id = $1 and status <> 'CANCELLED'
       union all select 'harvest', 'HarvestEvent', id, harvest_date, true, true from harvest_event where assignment_id = $1
     ) records
     where d < $2::date or (after_start and d = $2::date)
        or ($3::date is not null and (d > $3::date or (not on_end and d = $3::date)))
     order by d, kind limit 1`,
    [assignmentId, start, end],
  );
  return rows[0] ?? null;
}

/**
 * Books the days the interval gains, `[from, until)` before the old arrival and/or after the old departure: the
 * container is locked FOR UPDATE (after the batch lock the caller holds, like transferCreate's new destination) and
 * each range is checked free in its own statement, so a concurrent booking either waits or is seen (CONFLICT).
 */
async function bookContainer(tx: EntityManager, assignment: BatchContainerAssignment, before: [string, string] | null, after: [string, string] | null): Promise<void> {
  if (!before && !after) return;
  const container = await tx.findOneOrFail(Container, assignment.container.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  for (const [range, field] of [[before, 'assignmentDate'], [after, 'departureDate']] as const) {
    if (!range) continue;
    const occupant = await containerOccupant(tx, container.id, range[0], range[1], assignment.id);
    if (occupant) {
      reject(
        UserErrorCode.CONFLICT,
        `Container ${container.name} is occupied by ${occupant.batch_id === assignment.batch.id ? 'another assignment of this batch' : `batch ${occupant.batch_number}`} ${occupantSpan(occupant)}`,
        field,
      );
    }
  }
}

/** Database constraints a racing writer could still trip, as user errors. */
export const ASSIGNMENT_UPDATE_CONSTRAINTS = {
  batch_container_assignment_no_overlap: inputError(UserErrorCode.CONFLICT, 'The container was booked by another assignment concurrently for the added days', 'id'),
};
