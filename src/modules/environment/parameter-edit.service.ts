import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, InputChecks, reject, roundTo } from '../operations/rules.js';
import { CODE_PATTERN } from '../operations/edit.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';
import type { EnvironmentalParameterCreateInput } from './parameter-edit.inputs.js';

/** numeric(10,2): magnitudes below 10^8. */
const VALUE_LIMIT = 1e8;
const BOUNDS = ['minValue', 'maxValue', 'optimalMin', 'optimalMax'] as const;

/** The code key a racing writer could still hit after the check, as the user error of that check. */
export const PARAMETER_CREATE_CONSTRAINTS: Record<string, UserError> = {
  environmental_parameter_code_unique: inputError(UserErrorCode.CONFLICT, 'A parameter with this code was just created', 'code'),
};

/**
 * Checks on environmentalParameterCreate's input alone: text lengths, the code pattern, and bounds that nest
 * (min < max, the optimal range ordered and inside [min, max]).
 */
export function checkParameterCreateInput(input: EnvironmentalParameterCreateInput): UserError[] {
  const code = input.code.trim();
  const checks = new InputChecks()
    .check(CODE_PATTERN.test(code), 'code must be SCREAMING_SNAKE_CASE (A–Z, 0–9 and _, starting with a letter)', 'code')
    .maxLength(code, 32, 'code')
    .check(input.name.trim().length > 0, 'name must not be empty', 'name')
    .maxLength(input.name.trim(), 100, 'name')
    .check(input.unit.trim().length > 0, 'unit must not be empty', 'unit')
    .maxLength(input.unit.trim(), 20, 'unit');
  for (const bound of BOUNDS) {
    const value = input[bound];
    if (value != null) checks.check(Number.isFinite(value) && Math.abs(value) < VALUE_LIMIT, `${bound} must be between −10^8 and 10^8 (got ${value})`, bound);
  }
  // Ordered as stored (2 decimals), so two bounds that round to one value are not taken as min < max.
  const [min, max, optimalMin, optimalMax] = BOUNDS.map((bound) => (input[bound] == null ? null : roundTo(input[bound], 2)));
  if (min != null && max != null) checks.check(min < max, `minValue (${min}) must be below maxValue (${max})`, 'maxValue');
  if (optimalMin != null && optimalMax != null) checks.check(optimalMin <= optimalMax, `optimalMin (${optimalMin}) must not be above optimalMax (${optimalMax})`, 'optimalMax');
  if (min != null && optimalMin != null) checks.check(optimalMin >= min, `optimalMin (${optimalMin}) must not be below minValue (${min})`, 'optimalMin');
  if (max != null && optimalMax != null) checks.check(optimalMax <= max, `optimalMax (${optimalMax}) must not be above maxValue (${max})`, 'optimalMax');
  // A one-sided optimal range must still lie inside [min, max] (with both sides, the checks above imply it).
  if (max != null && optimalMin != null && optimalMax == null) checks.check(optimalMin <= max, `optimalMin (${optimalMin}) must not be above maxValue (${max})`, 'optimalMin');
  if (min != null && optimalMax != null && optimalMin == null) checks.check(optimalMax >= min, `optimalMax (${optimalMax}) must not be below minValue (${min})`, 'optimalMax');
  return checks.errors;
}

/** Creates an environmental parameter; its code is unique (CONFLICT naming the parameter that has it). */
export async function createParameter(tx: EntityManager, input: EnvironmentalParameterCreateInput): Promise<WriteResult> {
  const code = input.code.trim();
  const taken = await tx.findOne(EnvironmentalParameter, { code });
  if (taken) reject(UserErrorCode.CONFLICT, `Parameter code ${code} is already taken by ${taken.name} (${taken.unit})`, 'code');
  const bounds = Object.fromEntries(BOUNDS.map((bound) => [bound, input[bound] == null ? null : roundTo(input[bound], 2)]));
  const parameter = tx.create(EnvironmentalParameter, { code, name: input.name.trim(), unit: input.unit.trim(), ...bounds });
  await tx.flush();
  return { resource: { type: 'EnvironmentalParameter', id: parameter.id }, marks: [] };
}
