import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserError } from '../../graphql/common/user-error.js';
import type { LiceSpecies, LiceStage } from '../enums.js';
import type { WriteResult } from '../operations/operation.js';
import { assertInsideInterval, InputChecks, lockAssignment } from '../operations/rules.js';
import type { LiceCountCreateInput } from './lice-count-create.inputs.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

/** The checked fields of a lice count (a create input, or an update's changes: fields left out are skipped). */
export interface LiceCountFields {
  countDate?: string | null;
  fishSampled?: number | null;
  entries?: ReadonlyArray<{ liceSpecies: LiceSpecies; liceStage: LiceStage; count: number }> | null;
}

/** Checks on the input alone (nothing read), all reported at once. */
export function checkLiceCountInput(input: LiceCountFields): UserError[] {
  const checks = new InputChecks()
    .notFuture(input.countDate, 'countDate')
    .check(input.fishSampled == null || input.fishSampled >= 1, `fishSampled must be at least 1 (got ${input.fishSampled})`, 'fishSampled');
  if (!input.entries) return checks.errors;
  checks.check(input.entries.length >= 1, 'entries must list at least one species and stage', 'entries');
  const seen = new Set<string>();
  input.entries.forEach((entry, i) => {
    const key = `${entry.liceSpecies}/${entry.liceStage}`;
    checks
      .check(entry.count >= 0, `count must be at least 0 (got ${entry.count})`, 'entries', i, 'count')
      .check(!seen.has(key), `${entry.liceSpecies} ${entry.liceStage} is listed twice`, 'entries', i);
    seen.add(key);
  });
  return checks.errors;
}

/** Stores the entries of a lice count. */
export function addLiceCountEntries(tx: EntityManager, liceCount: LiceCount, entries: NonNullable<LiceCountFields['entries']>): void {
  for (const entry of entries) {
    tx.create(LiceCountEntry, { liceCount, liceSpecies: entry.liceSpecies, liceStage: entry.liceStage, count: entry.count });
  }
}

/**
 * Records a lice count with its entries. Lice are no input of the growth engine, so nothing is marked dirty and
 * no recompute is queued; the batch lock still keeps the assignment interval settled while the day is checked.
 */
export async function createLiceCount(tx: EntityManager, input: LiceCountCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.countDate, 'countDate');
  const liceCount = tx.create(LiceCount, {
    assignment,
    countDate: input.countDate,
    fishSampled: input.fishSampled,
    method: input.method,
    recordedBy: viewerName,
  });
  addLiceCountEntries(tx, liceCount, input.entries);
  await tx.flush();
  return { resource: { type: 'LiceCount', id: liceCount.id }, marks: [] };
}
