import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { MortalityFrequency } from '../enums.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import { checkEditInput, findRef, lockVersioned } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, InputChecks, lockBatches, reject, roundTo } from '../operations/rules.js';
import { LifecycleStage, Species } from '../species/species.entity.js';
import {
  MAX_PROFILE_DAYS,
  type ScenarioCreateInput,
  type ScenarioStageParameterSetInput,
  type ScenarioUpdateInput,
  type TemperatureProfileCreateInput,
  type TemperatureProfileDayInput,
  type TemperatureProfileDaysSetInput,
} from './scenario-edit.inputs.js';
import { Scenario, ScenarioStageParameter, TemperatureProfile } from './scenario.entity.js';

/** Scale of the numeric columns: TGC numeric(6,4), mortality numeric(7,4), temperature numeric(5,2). */
const TGC_DIGITS = 4;
const MORTALITY_DIGITS = 4;
const TEMPERATURE_DIGITS = 2;
/** Largest magnitude numeric(5,2) holds; the table has no other bound on temperature_c. */
const MAX_ABS_TEMPERATURE_C = 999.99;


/** Unique-name violations a concurrent create can still cause after the name check (no lock covers a new name). */
export const SCENARIO_CONSTRAINTS = {
  scenario_name_unique: inputError(UserErrorCode.CONFLICT, 'Another scenario took this name concurrently', 'name'),
};
export const TEMPERATURE_PROFILE_CONSTRAINTS = {
  temperature_profile_name_unique: inputError(UserErrorCode.CONFLICT, 'Another temperature profile took this name concurrently', 'name'),
};

const result = (type: 'Scenario' | 'TemperatureProfile', id: number, marks: DirtyMarkInput[] = []): WriteResult => ({ resource: { type, id }, marks });

// ---- Input checks (nothing read) ----

function checkName(checks: InputChecks, name: string | null | undefined): void {
  if (name == null) return;
  checks.check(name.trim().length > 0, 'name must not be blank', 'name').maxLength(name.trim(), 100, 'name');
}

/** TGC per 1000 °C·day (growth-engine.md §2): the tables' check is `0 or 0.1–10`, so per-degree-day values fail. */
function checkTgc(checks: InputChecks, value: number | null | undefined, field: string): void {
  if (value == null) return;
  checks.check(
    Number.isFinite(value) && (value === 0 || (value >= 0.1 && value <= 10)),
    `${field} must be 0 or between 0.1 and 10 per 1000 °C·day (got ${value}; a per-°C·day coefficient must be multiplied by 1000)`,
    field,
  );
}

/** A mortality percentage below 100 (the stage defaults' range; a weekly rate of 100 % or more has no daily equivalent). */
function checkMortality(checks: InputChecks, value: number | null | undefined, field: string): void {
  checks.nonNegativeBelow(value, 100, field);
}

/** Day numbers ≥ 1 (the table's check), each once, and temperatures that fit numeric(5,2). */
function checkDays(checks: InputChecks, days: readonly TemperatureProfileDayInput[] | null | undefined): void {
  if (days == null) return;
  checks.check(days.length <= MAX_PROFILE_DAYS, `days may hold at most ${MAX_PROFILE_DAYS} entries (got ${days.length})`, 'days');
  const seen = new Set<number>();
  days.forEach((day, i) => {
    checks.check(day.dayNumber >= 1, `dayNumber must be at least 1 (got ${day.dayNumber})`, 'days', i, 'dayNumber');
    checks.check(!seen.has(day.dayNumber), `day ${day.dayNumber} is given more than once`, 'days', i, 'dayNumber');
    seen.add(day.dayNumber);
    checks.check(
      Number.isFinite(day.temperatureC) && Math.abs(roundTo(day.temperatureC, TEMPERATURE_DIGITS)) <= MAX_ABS_TEMPERATURE_C,
      `temperatureC must be between −${MAX_ABS_TEMPERATURE_C} and ${MAX_ABS_TEMPERATURE_C} °C (got ${day.temperatureC})`,
      'days',
      i,
      'temperatureC',
    );
  });
}

export function checkScenarioCreateInput(input: ScenarioCreateInput): UserError[] {
  const checks = new InputChecks();
  checkName(checks, input.name);
  checkTgc(checks, input.baseTgc, 'baseTgc');
  checkMortality(checks, input.baseMortalityRatePct, 'baseMortalityRatePct');
  return checks.errors;
}

export function checkScenarioUpdateInput(input: ScenarioUpdateInput): UserError[] {
  const checks = checkEditInput(input, ['name', 'baseTgc', 'baseMortalityRatePct', 'baseMortalityFrequency']);
  checkName(checks, input.name);
  checkTgc(checks, input.baseTgc, 'baseTgc');
  checkMortality(checks, input.baseMortalityRatePct, 'baseMortalityRatePct');
  return checks.errors;
}

export function checkStageParameterSetInput(input: ScenarioStageParameterSetInput): UserError[] {
  const checks = checkEditInput(input, []);
  checkTgc(checks, input.tgc, 'tgc');
  checkMortality(checks, input.mortalityRatePct, 'mortalityRatePct');
  return checks.errors;
}

export function checkTemperatureProfileCreateInput(input: TemperatureProfileCreateInput): UserError[] {
  const checks = new InputChecks();
  checkName(checks, input.name);
  checkDays(checks, input.days);
  return checks.errors;
}

export function checkTemperatureProfileDaysSetInput(input: TemperatureProfileDaysSetInput): UserError[] {
  const checks = checkEditInput(input, []);
  checkDays(checks, input.days);
  return checks.errors;
}

// ---- Shared steps ----

/**
 * Dirty marks for every assignment, from its start, of every batch the engine drives with the selected scenarios,
 * ended ones included (data-model.md §6.4: "Marks every batch using the scenario dirty"; a CANCELLED batch never
 * booked a container, so it has no assignment). The engine resolves a batch's scenario as its own, else its
 * species' default (`loadEngineInputs`), so the same `coalesce` finds the batches falling back to a default
 * scenario. The batches are locked in ascending id order before their assignments are marked, as every writer of a
 * batch's assignments locks it first: marking them unlocked could deadlock with a recompute clearing its marks.
 */
async function marksOfBatchesUsing(tx: EntityManager, by: { scenarioId: number } | { temperatureProfileId: number }): Promise<DirtyMarkInput[]> {
  const [column, id] = 'scenarioId' in by ? ['id', by.scenarioId] : ['temperature_profile_id', by.temperatureProfileId];
  const { rows } = await txQuery<{ batch_id: number; assignment_id: number; date: string }>(
    tx,
    `select b.id as batch_id, a.id as assignment_id, a.assignment_date::text as date
       from batch b
       join species sp on sp.id = b.species_id
       join scenario sc on sc.id = coalesce(b.scenario_id, sp.default_scenario_id)
       join batch_container_assignment a on a.batch_id = b.id
      where sc.${column} = $1
      order by a.id`,
    [id],
  );
  await lockBatches(tx, rows.map((r) => Number(r.batch_id)));
  return rows.map((r) => ({ assignmentId: Number(r.assignment_id), date: r.date }));
}

/**
 * Records a change of rows the scenario or profile owns (stage parameters, profile days) on the owner itself:
 * they have no version of their own, so the owner's version guards them; MikroORM bumps it on flush.
 */
function touch(tx: EntityManager, owner: Scenario | TemperatureProfile): void {
  tx.assign(owner, { updatedAt: new Date() });
}

/** CONFLICT on `name` when another row of the table already has it (the unique key; checked first for a clear message). */
async function assertNameFree(tx: EntityManager, entity: typeof Scenario | typeof TemperatureProfile, label: string, name: string, selfId?: number): Promise<void> {
  const taken = await tx.count(entity, selfId === undefined ? { name } : { name, id: { $ne: selfId } });
  if (taken > 0) reject(UserErrorCode.CONFLICT, `A ${label} named "${name}" already exists`, 'name');
}

const findProfile = (tx: EntityManager, globalId: string): Promise<TemperatureProfile> =>
  findRef(tx, TemperatureProfile, 'temperature profile', globalId, 'temperatureProfileId');

/**
 * Writes profile days: inserts or overwrites `days` (skipping equal values) and, with `replace`, deletes the
 * profile's other days. Returns whether any stored value changed.
 */
async function writeDays(tx: EntityManager, profileId: number, days: readonly TemperatureProfileDayInput[], replace: boolean): Promise<boolean> {
  const dayNumbers = days.map((d) => d.dayNumber);
  let changed = 0;
  if (replace) {
    const deleted = await txQuery(tx, 'delete from temperature_profile_day where temperature_profile_id = $1 and day_number <> all($2::int[])', [
      profileId,
      dayNumbers,
    ]);
    changed += deleted.rowCount ?? 0;
  }
  if (days.length > 0) {
    const upserted = await txQuery(
      tx,
      `insert into temperature_profile_day (temperature_profile_id, day_number, temperature_c)
       select $1, d, t from unnest($2::int[], $3::numeric[]) as u(d, t)
       on conflict (temperature_profile_id, day_number) do update set temperature_c = excluded.temperature_c
        where temperature_profile_day.temperature_c is distinct from excluded.temperature_c`,
      [profileId, dayNumbers, days.map((d) => roundTo(d.temperatureC, TEMPERATURE_DIGITS))],
    );
    changed += upserted.rowCount ?? 0;
  }
  return changed > 0;
}

// ---- Writes ----

/** Creates a scenario of a species (NOT_FOUND for an unknown species or profile, CONFLICT for a taken name). */
export async function createScenario(tx: EntityManager, input: ScenarioCreateInput): Promise<WriteResult> {
  const species = await findRef(tx, Species, 'species', input.speciesId, 'speciesId');
  const temperatureProfile = input.temperatureProfileId != null ? await findProfile(tx, input.temperatureProfileId) : null;
  const name = input.name.trim();
  await assertNameFree(tx, Scenario, 'scenario', name);
  const scenario = tx.create(Scenario, {
    name,
    species,
    description: input.description ?? null,
    baseTgc: roundTo(input.baseTgc, TGC_DIGITS),
    baseMortalityRatePct: roundTo(input.baseMortalityRatePct, MORTALITY_DIGITS),
    baseMortalityFrequency: input.baseMortalityFrequency ?? MortalityFrequency.DAILY,
    temperatureProfile,
  });
  await tx.flush();
  return result('Scenario', scenario.id);
}

/**
 * Changes a scenario. Base TGC, base mortality (rate or period) and the temperature-profile link are engine
 * inputs: changing one marks every batch (ended ones included) using the scenario dirty from its start. Name and
 * description only bump the version. Setting stored values again is a no-op.
 */
export async function updateScenario(tx: EntityManager, input: ScenarioUpdateInput): Promise<WriteResult> {
  const scenario = await lockVersioned(tx, Scenario, 'scenario', input);
  const engine: Partial<Pick<Scenario, 'baseTgc' | 'baseMortalityRatePct' | 'baseMortalityFrequency' | 'temperatureProfile'>> = {};
  if (input.baseTgc != null && roundTo(input.baseTgc, TGC_DIGITS) !== scenario.baseTgc) engine.baseTgc = roundTo(input.baseTgc, TGC_DIGITS);
  if (input.baseMortalityRatePct != null && roundTo(input.baseMortalityRatePct, MORTALITY_DIGITS) !== scenario.baseMortalityRatePct) {
    engine.baseMortalityRatePct = roundTo(input.baseMortalityRatePct, MORTALITY_DIGITS);
  }
  if (input.baseMortalityFrequency != null && input.baseMortalityFrequency !== scenario.baseMortalityFrequency) {
    engine.baseMortalityFrequency = input.baseMortalityFrequency;
  }
  if (input.temperatureProfileId !== undefined) {
    const profile = input.temperatureProfileId === null ? null : await findProfile(tx, input.temperatureProfileId);
    if ((profile?.id ?? null) !== (scenario.temperatureProfile?.id ?? null)) engine.temperatureProfile = profile;
  }
  const descriptive: Partial<Pick<Scenario, 'name' | 'description'>> = {};
  if (input.name != null && input.name.trim() !== scenario.name) {
    descriptive.name = input.name.trim();
    await assertNameFree(tx, Scenario, 'scenario', descriptive.name, scenario.id);
  }
  if (input.description !== undefined && input.description !== (scenario.description ?? null)) descriptive.description = input.description;

  const engineChanged = Object.keys(engine).length > 0;
  if (!engineChanged && Object.keys(descriptive).length === 0) return result('Scenario', scenario.id);
  tx.assign(scenario, { ...engine, ...descriptive });
  await tx.flush();
  return result('Scenario', scenario.id, engineChanged ? await marksOfBatchesUsing(tx, { scenarioId: scenario.id }) : []);
}

/**
 * Sets the scenario's parameters for one stage of its species (VALIDATION for a stage of another species): the
 * stage parameter becomes exactly the input, or is removed when both values are null (the stage then falls back to
 * its defaults). A change bumps the scenario's version and marks every batch (ended ones included) using the scenario dirty from
 * its start.
 */
export async function setStageParameter(tx: EntityManager, input: ScenarioStageParameterSetInput): Promise<WriteResult & { lifecycleStageId: number }> {
  const scenario = await lockVersioned(tx, Scenario, 'scenario', { id: input.scenarioId, version: input.version }, 'scenarioId');
  const stage = await findRef(tx, LifecycleStage, 'lifecycle stage', input.lifecycleStageId, 'lifecycleStageId');
  if (stage.species.id !== scenario.species.id) {
    reject(UserErrorCode.VALIDATION, `Stage ${stage.code} is not a stage of the species of scenario ${scenario.name}`, 'lifecycleStageId');
  }
  const next = {
    tgc: input.tgc == null ? null : roundTo(input.tgc, TGC_DIGITS),
    mortalityRatePct: input.mortalityRatePct == null ? null : roundTo(input.mortalityRatePct, MORTALITY_DIGITS),
    mortalityFrequency: input.mortalityFrequency ?? MortalityFrequency.DAILY,
  };
  const remove = next.tgc === null && next.mortalityRatePct === null;
  const stored = await tx.findOne(ScenarioStageParameter, { scenario: scenario.id, lifecycleStage: stage.id });
  const same = stored
    ? !remove &&
      (stored.tgc ?? null) === next.tgc &&
      (stored.mortalityRatePct ?? null) === next.mortalityRatePct &&
      stored.mortalityFrequency === next.mortalityFrequency
    : remove;
  if (same) return { ...result('Scenario', scenario.id), lifecycleStageId: stage.id };
  if (remove) tx.remove(stored!);
  else if (stored) tx.assign(stored, next);
  else tx.create(ScenarioStageParameter, { scenario, lifecycleStage: stage, ...next });
  touch(tx, scenario);
  await tx.flush();
  return { ...result('Scenario', scenario.id, await marksOfBatchesUsing(tx, { scenarioId: scenario.id })), lifecycleStageId: stage.id };
}

/** Creates a temperature profile, optionally with its curve (CONFLICT for a taken name). */
export async function createTemperatureProfile(tx: EntityManager, input: TemperatureProfileCreateInput): Promise<WriteResult> {
  const name = input.name.trim();
  await assertNameFree(tx, TemperatureProfile, 'temperature profile', name);
  const profile = tx.create(TemperatureProfile, { name, description: input.description ?? null });
  await tx.flush();
  await writeDays(tx, profile.id, input.days ?? [], false);
  return result('TemperatureProfile', profile.id);
}

/**
 * Sets day values of a temperature profile (upsert, or the whole curve with `replace`). A change bumps the
 * profile's version and marks every batch (ended ones included) whose scenario uses the profile dirty from its start.
 */
export async function setTemperatureProfileDays(tx: EntityManager, input: TemperatureProfileDaysSetInput): Promise<WriteResult> {
  const profile = await lockVersioned(tx, TemperatureProfile, 'temperature profile', input);
  if (!(await writeDays(tx, profile.id, input.days, input.replace))) return result('TemperatureProfile', profile.id);
  touch(tx, profile);
  await tx.flush();
  return result('TemperatureProfile', profile.id, await marksOfBatchesUsing(tx, { temperatureProfileId: profile.id }));
}
