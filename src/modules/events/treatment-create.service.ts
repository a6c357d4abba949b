import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { TreatmentType } from '../enums.js';
import type { WriteResult } from '../operations/operation.js';
import { assertInsideInterval, decodeOrReject, InputChecks, lockAssignment, reject, roundTo } from '../operations/rules.js';
import { aggregateFish, checkWeighedFish, MAX_SAMPLE_FISH, WEIGHT_LIMIT_G } from './event-create.service.js';
import type { TreatmentCreateInput } from './treatment-create.inputs.js';
import { Treatment, TreatmentFish, VaccinationType } from './treatment.entity.js';

/** Longest withholding period accepted, days (ten years: anything longer is a typo). */
const MAX_WITHHOLDING_DAYS = 3_650;

/** The checked fields of a treatment: a create input, an update's changes, or an update merged over the stored row. */
export interface TreatmentFields {
  treatmentDate?: string | null;
  treatmentType?: TreatmentType | null;
  vaccinationTypeId?: string | null;
  product?: string | null;
  dosage?: string | null;
  withholdingDays?: number | null;
  fish?: ReadonlyArray<{ weightG: number; lengthCm?: number | null }> | null;
  weighedCount?: number | null;
  avgWeightG?: number | null;
}

/**
 * Checks on the input alone (nothing read), all reported at once; fields left out are skipped. `partial` (an
 * update's changes, before they are merged over the stored treatment): the rules that pair fields (a vaccine with
 * its treatment type, the count with the mean weight) wait for the merged treatment.
 */
export function checkTreatmentInput(input: TreatmentFields, options: { partial?: boolean } = {}): UserError[] {
  const checks = new InputChecks()
    .notFuture(input.treatmentDate, 'treatmentDate')
    .check(input.product == null || input.product.trim().length > 0, 'product must not be empty', 'product')
    .maxLength(input.product, 100, 'product')
    .maxLength(input.dosage, 100, 'dosage')
    .check(
      input.withholdingDays == null || (input.withholdingDays >= 0 && input.withholdingDays <= MAX_WITHHOLDING_DAYS),
      `withholdingDays must be between 0 and ${MAX_WITHHOLDING_DAYS} (got ${input.withholdingDays})`,
      'withholdingDays',
    );
  if (!options.partial) {
    checks.check(
      input.vaccinationTypeId == null || input.treatmentType === TreatmentType.VACCINATION,
      'vaccinationTypeId is only for VACCINATION treatments',
      'vaccinationTypeId',
    );
  }
  if (input.fish) {
    checks.check(input.fish.length >= 1 && input.fish.length <= MAX_SAMPLE_FISH, `fish must list 1 to ${MAX_SAMPLE_FISH} fish`, 'fish');
    for (const name of ['weighedCount', 'avgWeightG'] as const) {
      checks.check(input[name] == null, `${name} is computed from fish[]: give either fish or weighedCount and avgWeightG`, name);
    }
    return checkWeighedFish(checks, input.fish).errors;
  }
  if (!options.partial) {
    checks
      .check(input.weighedCount == null || input.avgWeightG != null, 'avgWeightG is required with weighedCount', 'avgWeightG')
      .check(input.avgWeightG == null || input.weighedCount != null, 'weighedCount is required with avgWeightG', 'weighedCount');
  }
  return checks
    .check(input.weighedCount == null || input.weighedCount >= 1, `weighedCount must be at least 1 (got ${input.weighedCount})`, 'weighedCount')
    .check(
      input.avgWeightG == null || (input.avgWeightG >= 0.005 && input.avgWeightG < WEIGHT_LIMIT_G),
      `avgWeightG must be at least 0.01 and below ${WEIGHT_LIMIT_G}`,
      'avgWeightG',
    ).errors;
}

/** A treatment's weighing as stored: the fish weighed and their mean weight, g (rounded to the column scale). */
export interface Weighing {
  weighedCount: number;
  avgWeightG: number;
}

/** The weighing of individual fish (count and mean computed server-side) or of the two figures; null without one. */
export function weighingOf(input: Pick<TreatmentFields, 'fish' | 'weighedCount' | 'avgWeightG'>): Weighing | null {
  if (input.fish) return { weighedCount: input.fish.length, avgWeightG: aggregateFish(input.fish).avgWeightG };
  if (input.weighedCount != null && input.avgWeightG != null) return { weighedCount: input.weighedCount, avgWeightG: roundTo(input.avgWeightG, 2) };
  return null;
}

/** The columns of a weighing; all cleared without one (the CHECK ties includes_weighing to both figures). */
export const weighingColumns = (weighing: Weighing | null) => ({
  includesWeighing: weighing != null,
  weighedCount: weighing?.weighedCount ?? null,
  avgWeightG: weighing?.avgWeightG ?? null,
});

/** The vaccine product of a global id; NOT_FOUND on `vaccinationTypeId` when there is none. */
export async function findVaccinationType(tx: EntityManager, globalId: string): Promise<VaccinationType> {
  const vaccinationType = await tx.findOne(VaccinationType, decodeOrReject('VaccinationType', globalId, 'vaccination type', 'vaccinationTypeId'));
  if (!vaccinationType) reject(UserErrorCode.NOT_FOUND, `No vaccination type with id ${globalId}`, 'vaccinationTypeId');
  return vaccinationType;
}

/** Stores a treatment's weighed fish, numbered from 1 in the order given. */
export function addTreatmentFish(tx: EntityManager, treatment: Treatment, fish: ReadonlyArray<{ weightG: number; lengthCm?: number | null }>): void {
  fish.forEach((f, i) =>
    tx.create(TreatmentFish, { treatment, fishNo: i + 1, weightG: roundTo(f.weightG, 2), lengthCm: f.lengthCm == null ? null : roundTo(f.lengthCm, 2) }),
  );
}

/**
 * Records a treatment. With a weighing (individual fish, whose count and mean weight are computed server-side, or
 * the two figures) it is a weight anchor of the growth engine (growth-engine.md §5.6), so the assignment is marked
 * dirty from the treatment day; without one the engine never reads it and nothing is queued.
 */
export async function createTreatment(tx: EntityManager, input: TreatmentCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.treatmentDate, 'treatmentDate');
  const vaccinationType = input.vaccinationTypeId ? await findVaccinationType(tx, input.vaccinationTypeId) : null;
  const weighing = weighingOf(input);
  const treatment = tx.create(Treatment, {
    assignment,
    treatmentDate: input.treatmentDate,
    treatmentType: input.treatmentType,
    vaccinationType,
    product: input.product.trim(),
    dosage: input.dosage ?? null,
    withholdingDays: input.withholdingDays,
    ...weighingColumns(weighing),
    recordedBy: viewerName,
  });
  if (input.fish) addTreatmentFish(tx, treatment, input.fish);
  await tx.flush();
  return {
    resource: { type: 'Treatment', id: treatment.id },
    marks: weighing ? [{ assignmentId: assignment.id, date: input.treatmentDate }] : [],
  };
}
