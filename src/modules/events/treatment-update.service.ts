import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { UserErrorCode, UserErrorException, type UserError } from '../../graphql/common/user-error.js';
import { checkEditInput, datePath, deletedEventResult, editedEventResult, lockForEdit, type EventEditResult } from '../operations/edit.js';
import { assertInsideInterval, reject } from '../operations/rules.js';
import {
  addTreatmentFish,
  checkTreatmentInput,
  findVaccinationType,
  weighingColumns,
  weighingOf,
  type Weighing,
} from './treatment-create.service.js';
import type { TreatmentDeleteInput, TreatmentUpdateInput } from './treatment-update.inputs.js';
import { Treatment, TreatmentFish } from './treatment.entity.js';

const LABEL = 'treatment';

/** Checks on an update's changes alone (nothing read), all reported at once; the create rules for what is given. */
export function checkTreatmentUpdateInput(input: TreatmentUpdateInput): UserError[] {
  const edit = checkEditInput(input, ['assignmentId', 'treatmentDate', 'treatmentType', 'product', 'withholdingDays']);
  return [...edit.errors, ...checkTreatmentInput(input, { partial: true })];
}

const storedWeighing = (treatment: Treatment): Weighing | null =>
  treatment.includesWeighing ? { weighedCount: treatment.weighedCount!, avgWeightG: treatment.avgWeightG! } : null;

const sameWeighing = (a: Weighing | null, b: Weighing | null) =>
  a === b || (a != null && b != null && a.weighedCount === b.weighedCount && a.avgWeightG === b.avgWeightG);

/**
 * The weighing figures after the update: the given ones merged over the stored ones. Null when new individual fish
 * replace the weighing: their figures are computed from them.
 */
function mergedFigures(treatment: Treatment, input: TreatmentUpdateInput): { weighedCount: number | null; avgWeightG: number | null } | null {
  if (input.fish) return null;
  return {
    weighedCount: input.weighedCount !== undefined ? input.weighedCount : (treatment.weighedCount ?? null),
    avgWeightG: input.avgWeightG !== undefined ? input.avgWeightG : (treatment.avgWeightG ?? null),
  };
}

/**
 * Applies the weighing part of an update and returns the weighing now stored. New fish replace the old ones;
 * figures given on a treatment with individual fish are refused (they are computed from the fish), except both
 * null, which remove the weighing together with its fish.
 */
async function applyWeighing(tx: EntityManager, treatment: Treatment, input: TreatmentUpdateInput): Promise<Weighing | null> {
  if (input.fish) {
    await tx.nativeDelete(TreatmentFish, { treatment: treatment.id });
    addTreatmentFish(tx, treatment, input.fish);
    return weighingOf(input);
  }
  const givenField = (['weighedCount', 'avgWeightG'] as const).find((name) => input[name] !== undefined);
  if (!givenField) return storedWeighing(treatment);
  const figures = mergedFigures(treatment, input)!;
  const fishCount = await tx.count(TreatmentFish, { treatment: treatment.id });
  if (fishCount > 0) {
    if (figures.weighedCount != null || figures.avgWeightG != null) {
      reject(
        UserErrorCode.VALIDATION,
        `The treatment lists ${fishCount} individual fish, from which its weighing is computed: send fish[] to change them`,
        givenField,
      );
    }
    await tx.nativeDelete(TreatmentFish, { treatment: treatment.id });
  }
  return weighingOf(figures);
}

/**
 * Changes a treatment (data-model.md §6.4) with the create rules: a day inside the (new) assignment's interval, a
 * vaccine only for VACCINATION, and a weighing of individual fish or of both figures. A weighed treatment is a
 * weight anchor (growth-engine.md §5.6): when the weighing was or is there and its day, assignment or figures
 * changed (or it was added or removed), the old and new assignment are marked dirty from the earlier of the old and
 * new days. Other edits only bump the version.
 */
export async function updateTreatment(tx: EntityManager, input: TreatmentUpdateInput): Promise<EventEditResult> {
  const { event: treatment, owner, target } = await lockForEdit(tx, Treatment, 'treatment', LABEL, input);
  const before = { assignmentId: owner.assignmentId, date: treatment.treatmentDate, weighing: storedWeighing(treatment) };
  const treatmentDate = input.treatmentDate ?? treatment.treatmentDate;
  assertInsideInterval(target, treatmentDate, datePath(input.treatmentDate != null, 'treatmentDate'));

  const treatmentType = input.treatmentType ?? treatment.treatmentType;
  const storedVaccine = treatment.vaccinationType ? toGlobalId('VaccinationType', treatment.vaccinationType.id) : null;
  // The create rules that pair fields, on the merged treatment (e.g. a new type while a vaccine stays).
  const [error] = checkTreatmentInput({
    treatmentType,
    vaccinationTypeId: input.vaccinationTypeId !== undefined ? input.vaccinationTypeId : storedVaccine,
    ...mergedFigures(treatment, input),
  });
  if (error) throw new UserErrorException(error);
  const vaccinationType =
    input.vaccinationTypeId === undefined ? treatment.vaccinationType : input.vaccinationTypeId === null ? null : await findVaccinationType(tx, input.vaccinationTypeId);

  const weighing = await applyWeighing(tx, treatment, input);
  tx.assign(treatment, {
    assignment: target,
    treatmentDate,
    treatmentType,
    vaccinationType,
    product: input.product?.trim() ?? treatment.product,
    dosage: input.dosage !== undefined ? input.dosage : (treatment.dosage ?? null),
    withholdingDays: input.withholdingDays ?? treatment.withholdingDays,
    ...weighingColumns(weighing),
    updatedAt: new Date(),
  });
  await tx.flush();
  const anchorChanged =
    (before.weighing != null || weighing != null) &&
    (target.id !== before.assignmentId || treatmentDate !== before.date || !sameWeighing(before.weighing, weighing));
  return editedEventResult('Treatment', treatment.id, before, target, treatmentDate, anchorChanged);
}

/** Deletes a treatment and its weighed fish; a weighed one (an anchor) marks its assignment dirty from its day. */
export async function deleteTreatment(tx: EntityManager, input: TreatmentDeleteInput): Promise<EventEditResult> {
  const { event: treatment, owner } = await lockForEdit(tx, Treatment, 'treatment', LABEL, input);
  // treatment_fish rows go with it (ON DELETE CASCADE).
  tx.remove(treatment);
  await tx.flush();
  return deletedEventResult('Treatment', treatment.id, owner, treatment.treatmentDate, treatment.includesWeighing);
}
