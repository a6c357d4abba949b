import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserError } from '../../graphql/common/user-error.js';
import { checkEditInput, datePath, deletedEventResult, lockForEdit, type EventEditResult } from '../operations/edit.js';
import { assertInsideInterval } from '../operations/rules.js';
import { addLiceCountEntries, checkLiceCountInput } from './lice-count-create.service.js';
import type { LiceCountDeleteInput, LiceCountUpdateInput } from './lice-count-update.inputs.js';
import { LiceCount, LiceCountEntry } from './lice-count.entity.js';

const LABEL = 'lice count';

/** Checks on an update's changes alone (nothing read), all reported at once; the create rules for what is given. */
export function checkLiceCountUpdateInput(input: LiceCountUpdateInput): UserError[] {
  const edit = checkEditInput(input, ['assignmentId', 'countDate', 'fishSampled', 'method', 'entries']);
  return [...edit.errors, ...checkLiceCountInput(input)];
}

/**
 * Changes a lice count with the create rules (a day inside the (new) assignment's interval; entries, which replace
 * the stored ones, unique per species and stage). Lice are no input of the growth engine: nothing is marked dirty.
 * The batch locks still keep the assignment intervals settled while the day is checked.
 */
export async function updateLiceCount(tx: EntityManager, input: LiceCountUpdateInput): Promise<EventEditResult> {
  const { event: liceCount, target } = await lockForEdit(tx, LiceCount, 'lice_count', LABEL, input);
  const countDate = input.countDate ?? liceCount.countDate;
  assertInsideInterval(target, countDate, datePath(input.countDate != null, 'countDate'));
  if (input.entries) {
    // Deleted first, so a replacement listing a stored species and stage again does not hit the unique key.
    await tx.nativeDelete(LiceCountEntry, { liceCount: liceCount.id });
    addLiceCountEntries(tx, liceCount, input.entries);
  }
  tx.assign(liceCount, {
    assignment: target,
    countDate,
    fishSampled: input.fishSampled ?? liceCount.fishSampled,
    method: input.method ?? liceCount.method,
    updatedAt: new Date(),
  });
  await tx.flush();
  return { resource: { type: 'LiceCount', id: liceCount.id }, assignmentId: target.id, batchId: target.batch.id, marks: [] };
}

/** Deletes a lice count and its entries; nothing is marked dirty. */
export async function deleteLiceCount(tx: EntityManager, input: LiceCountDeleteInput): Promise<EventEditResult> {
  const { event: liceCount, owner } = await lockForEdit(tx, LiceCount, 'lice_count', LABEL, input);
  // lice_count_entry rows go with it (ON DELETE CASCADE).
  tx.remove(liceCount);
  await tx.flush();
  return deletedEventResult('LiceCount', liceCount.id, owner, liceCount.countDate, false);
}
