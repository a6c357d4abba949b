import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import { changedFields, checkEditInput, checkName, CODE_PATTERN, findRef, lockVersioned } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, InputChecks, lockBatches, reject, roundTo } from '../operations/rules.js';
import type { LifecycleStageCreateInput, LifecycleStageUpdateInput, SpeciesCreateInput } from './species-edit.inputs.js';
import { LifecycleStage, Species } from './species.entity.js';

/** Largest `order` a smallint holds. */
const MAX_ORDER = 32_767;

/** Unique keys a racing writer could still hit after the checks, as the user errors of those checks. */
export const SPECIES_CREATE_CONSTRAINTS: Record<string, UserError> = {
  species_name_unique: inputError(UserErrorCode.CONFLICT, 'A species with this name was just created', 'name'),
  species_scientific_name_unique: inputError(UserErrorCode.CONFLICT, 'A species with this scientific name was just created', 'scientificName'),
};
export const STAGE_CONSTRAINTS: Record<string, UserError> = {
  lifecycle_stage_species_id_code_unique: inputError(UserErrorCode.CONFLICT, 'Another stage of the species just took this code', 'code'),
  lifecycle_stage_species_id_order_unique: inputError(UserErrorCode.CONFLICT, 'Another stage of the species just took this order', 'order'),
};

/** Checks on speciesCreate's input alone (nothing read). */
export function checkSpeciesCreateInput(input: SpeciesCreateInput): UserError[] {
  return checkName(checkName(new InputChecks(), input.name, 100, 'name'), input.scientificName, 200, 'scientificName').errors;
}

/** Creates a species; its name and scientific name are unique (CONFLICT naming the species that has them). */
export async function createSpecies(tx: EntityManager, input: SpeciesCreateInput): Promise<WriteResult> {
  const name = input.name.trim();
  const scientificName = input.scientificName.trim();
  if (await tx.count(Species, { name })) reject(UserErrorCode.CONFLICT, `Species ${name} already exists`, 'name');
  const sameScientific = await tx.findOne(Species, { scientificName });
  if (sameScientific) reject(UserErrorCode.CONFLICT, `${scientificName} is already the scientific name of ${sameScientific.name}`, 'scientificName');
  const species = tx.create(Species, { name, scientificName });
  await tx.flush();
  return { resource: { type: 'Species', id: species.id }, marks: [] };
}

/** The stage fields both stage mutations check (absent or null ones are skipped). */
type StageFields = { [K in keyof Omit<LifecycleStageCreateInput, 'speciesId' | 'environment' | 'idempotencyKey'>]?: LifecycleStageCreateInput[K] | null };

/** Checks on stage fields alone: text lengths, the code pattern and the ranges of the table's CHECK constraints. */
function checkStageFields(input: StageFields, checks: InputChecks): UserError[] {
  if (input.code != null) {
    const code = input.code.trim();
    checks.check(CODE_PATTERN.test(code), 'code must be SCREAMING_SNAKE_CASE (A–Z, 0–9 and _, starting with a letter)', 'code').maxLength(code, 32, 'code');
  }
  checkName(checks, input.name, 100, 'name');
  if (input.order != null) checks.check(input.order >= 1 && input.order <= MAX_ORDER, `order must be between 1 and ${MAX_ORDER} (got ${input.order})`, 'order');
  // Decimals are checked as their columns store them (`stored`): one that rounds to 0 or up to the limit is refused.
  const values = stored(input);
  checks.positiveBelow(values.minWeightG, 1e6, 'minWeightG').positiveBelow(values.maxWeightG, 1e8, 'maxWeightG');
  if (input.typicalDurationDays != null) checks.positive(input.typicalDurationDays, 'typicalDurationDays');
  if (input.defaultTgc != null) {
    // Stored per 1000 °C·day: a per-degree-day value (e.g. 0.00275) entered by mistake falls outside.
    const tgc = input.defaultTgc;
    checks.check(tgc === 0 || (tgc >= 0.1 && tgc <= 10), `defaultTgc is per 1000 °C·day: 0 or between 0.1 and 10 (got ${tgc})`, 'defaultTgc');
  }
  checks.nonNegativeBelow(values.defaultDailyMortalityPct, 100, 'defaultDailyMortalityPct');
  return checks.errors;
}

export function checkStageCreateInput(input: LifecycleStageCreateInput): UserError[] {
  return checkStageFields(input, new InputChecks());
}

export function checkStageUpdateInput(input: LifecycleStageUpdateInput): UserError[] {
  return checkStageFields(input, checkEditInput(input, ['code', 'name', 'order', 'environment']));
}

/** Weights, TGC and mortality at their column scales, so a change is judged on what would be stored. */
function stored(input: StageFields): Partial<Pick<LifecycleStage, 'minWeightG' | 'maxWeightG' | 'defaultTgc' | 'defaultDailyMortalityPct'>> {
  const round = (value: number | null | undefined, digits: number) => (value == null ? value : roundTo(value, digits));
  return {
    minWeightG: round(input.minWeightG, 4),
    maxWeightG: round(input.maxWeightG, 2),
    defaultTgc: round(input.defaultTgc, 4),
    defaultDailyMortalityPct: round(input.defaultDailyMortalityPct, 4),
  };
}

/** Rejects a code or order another stage of the species already has (CONFLICT naming that stage). */
async function assertStageKeysFree(tx: EntityManager, species: Species, keys: { code?: string; order?: number }, self?: number): Promise<void> {
  const others = self === undefined ? {} : { id: { $ne: self } };
  if (keys.code !== undefined) {
    const taken = await tx.findOne(LifecycleStage, { species: species.id, code: keys.code, ...others });
    if (taken) reject(UserErrorCode.CONFLICT, `${species.name} already has a stage ${keys.code} (${taken.name}, order ${taken.order})`, 'code');
  }
  if (keys.order !== undefined) {
    const taken = await tx.findOne(LifecycleStage, { species: species.id, order: keys.order, ...others });
    if (taken) reject(UserErrorCode.CONFLICT, `Order ${keys.order} of ${species.name} is already stage ${taken.code} (${taken.name})`, 'order');
  }
}

function assertWeightRange(minWeightG: number | null | undefined, maxWeightG: number | null | undefined, path: string): void {
  if (minWeightG != null && maxWeightG != null && minWeightG >= maxWeightG) {
    reject(UserErrorCode.VALIDATION, `minWeightG (${minWeightG} g) must be below maxWeightG (${maxWeightG} g)`, path);
  }
}

/**
 * Dirty marks of a stage config change (growth-engine.md §6: all affected batches from their start; data-model.md
 * §6.4: "marks all batches of the species dirty"): every assignment of every batch of the species, ended ones
 * included, from its arrival, read in one statement. A CANCELLED batch never booked a container, so it has none.
 * The batches are locked in ascending id order first, as every writer of a batch's assignments does.
 */
async function speciesBatchMarks(tx: EntityManager, speciesId: number): Promise<DirtyMarkInput[]> {
  const { rows } = await txQuery<{ id: number; batch_id: number; assignment_date: string }>(
    tx,
    `select a.id, a.batch_id, a.assignment_date from batch_container_assignment a join batch b on b.id = a.batch_id
      where b.species_id = $1 order by a.id`,
    [speciesId],
  );
  await lockBatches(tx, rows.map((row) => Number(row.batch_id)));
  return rows.map((row) => ({ assignmentId: row.id, date: row.assignment_date }));
}

/**
 * Creates a stage of a species. A new stage changes the stage sequence the engine steps through (the next stage
 * after each one), so every batch of the species is marked dirty from its start.
 */
export async function createLifecycleStage(tx: EntityManager, input: LifecycleStageCreateInput): Promise<WriteResult> {
  const species = await findRef(tx, Species, 'species', input.speciesId, 'speciesId');
  const code = input.code.trim();
  await assertStageKeysFree(tx, species, { code, order: input.order });
  const values = stored(input);
  assertWeightRange(values.minWeightG, values.maxWeightG, 'maxWeightG');
  const stage = tx.create(LifecycleStage, {
    species,
    code,
    name: input.name.trim(),
    order: input.order,
    ...values,
    typicalDurationDays: input.typicalDurationDays ?? null,
    environment: input.environment,
  });
  await tx.flush();
  return { resource: { type: 'LifecycleStage', id: stage.id }, marks: await speciesBatchMarks(tx, species.id) };
}

/** Stage fields the growth engine reads (growth.repository loadEngineInputs); the others are descriptive. */
const ENGINE_FIELDS = ['order', 'maxWeightG', 'defaultTgc', 'defaultDailyMortalityPct'] as const;

/**
 * Changes a stage (row lock, then the version the caller saw). A change of a growth-engine input marks every
 * batch of the species dirty from its start; a descriptive change only bumps the version; no change writes nothing.
 */
export async function updateLifecycleStage(tx: EntityManager, input: LifecycleStageUpdateInput): Promise<WriteResult> {
  const stage = await lockVersioned(tx, LifecycleStage, 'lifecycle stage', input);

  const values = stored(input);
  const next: Partial<LifecycleStage> = {};
  if (input.code != null) next.code = input.code.trim();
  if (input.name != null) next.name = input.name.trim();
  if (input.order != null) next.order = input.order;
  for (const field of ['minWeightG', 'maxWeightG', 'defaultTgc', 'defaultDailyMortalityPct'] as const) {
    if (values[field] !== undefined) next[field] = values[field];
  }
  if (input.typicalDurationDays !== undefined) next.typicalDurationDays = input.typicalDurationDays;
  if (input.environment != null) next.environment = input.environment;
  const changes = changedFields(stage, next);
  const resource = { type: 'LifecycleStage', id: stage.id };
  if (Object.keys(changes).length === 0) return { resource, marks: [] };

  const species = await tx.findOneOrFail(Species, stage.species.id);
  await assertStageKeysFree(tx, species, { code: changes.code, order: changes.order }, stage.id);
  const path = changes.maxWeightG !== undefined ? 'maxWeightG' : 'minWeightG';
  assertWeightRange(changes.minWeightG !== undefined ? changes.minWeightG : stage.minWeightG, changes.maxWeightG !== undefined ? changes.maxWeightG : stage.maxWeightG, path);
  tx.assign(stage, changes);
  await tx.flush();
  const engineInputChanged = ENGINE_FIELDS.some((field) => field in changes);
  return { resource, marks: engineInputChanged ? await speciesBatchMarks(tx, species.id) : [] };
}
