import type { EntityManager } from '@mikro-orm/postgresql';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { addDays } from '../../shared/dates.js';
import { AssignmentCloseReason } from '../enums.js';
import type { WriteResult } from '../operations/operation.js';
import {
  assertNoActivityFrom,
  completeBatchIfClosed,
  freshPopulation,
  InputChecks,
  lockAssignment,
  reject,
  roundTo,
} from '../operations/rules.js';
import type { HarvestCreateInput } from './harvest-create.inputs.js';
import { HarvestEvent, HarvestLot } from './harvest.entity.js';

/** Most size classes in one harvest. */
const MAX_LOTS = 100;

/** Checks on the input alone (nothing read), all reported at once. */
export function checkHarvestInput(input: HarvestCreateInput): UserError[] {
  const checks = new InputChecks()
    .positive(input.count, 'count')
    .positiveBelow(input.liveBiomassKg, 1e10, 'liveBiomassKg')
    .notFuture(input.harvestDate, 'harvestDate')
    .check(input.lots.length >= 1 && input.lots.length <= MAX_LOTS, `lots must hold 1 to ${MAX_LOTS} size classes`, 'lots');
  const seen = new Set<string>();
  input.lots.forEach((lot, i) => {
    const sizeClass = lot.sizeClass.trim();
    checks
      .check(sizeClass.length >= 1 && sizeClass.length <= 16, 'sizeClass must be 1 to 16 characters', 'lots', i, 'sizeClass')
      .check(!seen.has(sizeClass), `size class ${sizeClass} is listed twice`, 'lots', i, 'sizeClass')
      .positive(lot.count, 'lots', i, 'count')
      .positiveBelow(lot.avgWeightG, 1e8, 'lots', i, 'avgWeightG');
    seen.add(sizeClass);
  });
  const lotTotal = input.lots.reduce((sum, lot) => sum + lot.count, 0);
  checks.check(input.lots.length === 0 || lotTotal === input.count, `The lot counts sum to ${lotTotal}, not to count (${input.count})`, 'lots');
  return checks.errors;
}

/**
 * Records a harvest: an outflow out of the batch (growth-engine.md §5.3.2), checked like a transfer against a
 * fresh series under the batch lock. A harvest that takes every remaining fish ends the assignment on the
 * harvest day (HARVESTED), and the batch is COMPLETED when that was its last open assignment. Marks the
 * assignment dirty from the harvest day.
 */
export async function createHarvest(tx: EntityManager, input: HarvestCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment, batch } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  const day = input.harvestDate;
  if (day <= assignment.assignmentDate) {
    reject(UserErrorCode.VALIDATION, `harvestDate ${day} must be after the assignment began (${assignment.assignmentDate})`, 'harvestDate');
  }
  if (assignment.departureDate && day > assignment.departureDate) {
    reject(UserErrorCode.VALIDATION, `harvestDate ${day} is after the assignment departed (${assignment.departureDate})`, 'harvestDate');
  }
  const fresh = await freshPopulation(tx, batch.id, assignment.id, day, 'count');
  if (input.count > fresh.available) {
    reject(
      UserErrorCode.INSUFFICIENT_POPULATION,
      `The assignment holds ${fresh.populationBefore} fish at the end of ${addDays(day, -1)}` +
        (fresh.bookedOutflows > 0 ? ` and ${fresh.bookedOutflows} of them already leave on ${day}` : '') +
        `: ${fresh.available} can be harvested, not ${input.count}`,
      'count',
    );
  }
  const emptied = input.count === fresh.available && !assignment.departureDate;
  if (emptied) {
    await assertNoActivityFrom(tx, assignment, day, 'harvestDate');
    assignment.departureDate = day;
    assignment.closeReason = AssignmentCloseReason.HARVESTED;
  }
  const harvest = tx.create(HarvestEvent, {
    batch,
    assignment,
    harvestDate: day,
    count: input.count,
    liveBiomassKg: roundTo(input.liveBiomassKg, 2),
    recordedBy: viewerName,
  });
  for (const lot of input.lots) {
    tx.create(HarvestLot, { harvestEvent: harvest, sizeClass: lot.sizeClass.trim(), count: lot.count, avgWeightG: roundTo(lot.avgWeightG, 2) });
  }
  await tx.flush();
  if (emptied) await completeBatchIfClosed(tx, batch.id);
  return { resource: { type: 'HarvestEvent', id: harvest.id }, marks: [{ assignmentId: assignment.id, date: day }] };
}
