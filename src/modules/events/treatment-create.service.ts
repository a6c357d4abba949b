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

/** Checks on the input alone (nothing read), all reported at once. */
export function checkTreatmentInput(input: TreatmentCreateInput): UserError[] {
  const checks = new InputChecks()
    .notFuture(input.treatmentDate, 'treatmentDate')
    .check(input.product.trim().length > 0, 'product must not be empty', 'product')
    .maxLength(input.product, 100, 'product')
    .maxLength(input.dosage, 100, 'dosage')
    .check(
      input.withholdingDays >= 0 && input.withholdingDays <= MAX_WITHHOLDING_DAYS,
      `withholdingDays must be between 0 and ${MAX_WITHHOLDING_DAYS} (got ${input.withholdingDays})`,
      'withholdingDays',
    )
    .check(
      input.vaccinationTypeId == null || input.treatmentType === TreatmentType.VACCINATION,
      'vaccinationTypeId is only for VACCINATION treatments',
      'vaccinationTypeId',
    );
  if (input.fish) {
    checks.check(input.fish.length >= 1 && input.fish.length <= MAX_SAMPLE_FISH, `fish must list 1 to ${MAX_SAMPLE_FISH} fish`, 'fish');
    for (const name of ['weighedCount', 'avgWeightG'] as const) {
      checks.check(input[name] == null, `${name} is computed from fish[]: give either fish or weighedCount and avgWeightG`, name);
    }
    return checkWeighedFish(checks, input.fish).errors;
  }
  return checks
    .check(input.weighedCount == null || input.avgWeightG != null, 'avgWeightG is required with weighedCount', 'avgWeightG')
    .check(input.avgWeightG == null || input.weighedCount != null, 'weighedCount is required with avgWeightG', 'weighedCount')
    .check(input.weighedCount == null || input.weighedCount >= 1, `weighedCount must be at least 1 (got ${input.weighedCount})`, 'weighedCount')
    .check(
      input.avgWeightG == null || (input.avgWeightG >= 0.005 && input.avgWeightG < WEIGHT_LIMIT_G),
      `avgWeightG must be at least 0.01 and below ${WEIGHT_LIMIT_G}`,
      'avgWeightG',
    ).errors;
}

/**
 * Records a treatment. With a weighing (individual fish, whose count and mean weight are computed server-side, or
 * the two figures) it is a weight anchor of the growth engine (growth-engine.md §5.6), so the assignment is marked
 * dirty from the treatment day; without one the engine never reads it and nothing is queued.
 */
export async function createTreatment(tx: EntityManager, input: TreatmentCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.treatmentDate, 'treatmentDate');
  let vaccinationType: VaccinationType | null = null;
  if (input.vaccinationTypeId) {
    vaccinationType = await tx.findOne(VaccinationType, decodeOrReject('VaccinationType', input.vaccinationTypeId, 'vaccination type', 'vaccinationTypeId'));
    if (!vaccinationType) reject(UserErrorCode.NOT_FOUND, `No vaccination type with id ${input.vaccinationTypeId}`, 'vaccinationTypeId');
  }
  const weighing = input.fish
    ? { weighedCount: input.fish.length, avgWeightG: aggregateFish(input.fish).avgWeightG }
    : input.weighedCount != null && input.avgWeightG != null
      ? { weighedCount: input.weighedCount, avgWeightG: roundTo(input.avgWeightG, 2) }
      : null;
  const treatment = tx.create(Treatment, {
    assignment,
    treatmentDate: input.treatmentDate,
    treatmentType: input.treatmentType,
    vaccinationType,
    product: input.product.trim(),
    dosage: input.dosage ?? null,
    withholdingDays: input.withholdingDays,
    includesWeighing: weighing != null,
    weighedCount: weighing?.weighedCount ?? null,
    avgWeightG: weighing?.avgWeightG ?? null,
    recordedBy: viewerName,
  });
  input.fish?.forEach((fish, i) =>
    tx.create(TreatmentFish, {
      treatment,
      fishNo: i + 1,
      weightG: roundTo(fish.weightG, 2),
      lengthCm: fish.lengthCm == null ? null : roundTo(fish.lengthCm, 2),
    }),
  );
  await tx.flush();
  return {
    resource: { type: 'Treatment', id: treatment.id },
    marks: weighing ? [{ assignmentId: assignment.id, date: input.treatmentDate }] : [],
  };
}
