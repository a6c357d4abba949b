import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { StationType } from '../enums.js';
import { assertUnique, checkEditInput, checkName, findRef, lockVersioned } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { InputChecks, inputError, reject, roundTo } from '../operations/rules.js';
import { Area } from './area.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { AreaGroup, Geography } from './geography.entity.js';
import { assertNoFishIn, atScale2, checkCoordinates, LIMITS, written } from './infrastructure-edit.js';
import type {
  AreaCreateInput,
  AreaUpdateInput,
  FreshwaterStationCreateInput,
  FreshwaterStationUpdateInput,
  GeographyCreateInput,
  GeographyUpdateInput,
  HallCreateInput,
  HallUpdateInput,
} from './site-edit.inputs.js';

// ---- Geography ---------------------------------------------------------------------------------------------------

/** Checks on geographyCreate/geographyUpdate input alone. */
export function checkGeographyInput(input: GeographyCreateInput | GeographyUpdateInput): UserError[] {
  const checks = 'version' in input ? checkEditInput(input, ['code', 'name']) : new InputChecks();
  return checkName(checkName(checks, input.code, 8, 'code'), input.name, 100, 'name').errors;
}

async function assertGeographyUnique(tx: EntityManager, code: string | null, name: string | null, exceptId: number | null): Promise<void> {
  const nameOf = (g: Geography) => `${g.code} (${g.name})`;
  if (code !== null) await assertUnique(tx, Geography, { code }, exceptId, `Geography code ${code}`, 'code', nameOf);
  if (name !== null) await assertUnique(tx, Geography, { name }, exceptId, `Geography name "${name}"`, 'name', nameOf);
}

/** Creates a geography; code and name are unique (CONFLICT naming the geography holding them). */
export async function createGeography(tx: EntityManager, input: GeographyCreateInput): Promise<WriteResult> {
  const code = input.code.trim();
  const name = input.name.trim();
  await assertGeographyUnique(tx, code, name, null);
  const geography = tx.create(Geography, { code, name, description: input.description ?? null });
  await tx.flush();
  return written('Geography', geography.id);
}

/** Changes a geography's code, name or description (optimistic locking). */
export async function updateGeography(tx: EntityManager, input: GeographyUpdateInput): Promise<WriteResult> {
  const geography = await lockVersioned(tx, Geography, 'geography', input);
  const code = input.code?.trim() ?? null;
  const name = input.name?.trim() ?? null;
  await assertGeographyUnique(tx, code, name, geography.id);
  if (code !== null) geography.code = code;
  if (name !== null) geography.name = name;
  if (input.description !== undefined) geography.description = input.description;
  await tx.flush();
  return written('Geography', geography.id);
}

/** A racing writer's duplicate, as the user error the checks would have given. */
export const GEOGRAPHY_CONSTRAINTS = {
  geography_code_unique: inputError(UserErrorCode.CONFLICT, 'The geography code was taken concurrently', 'code'),
  geography_name_unique: inputError(UserErrorCode.CONFLICT, 'The geography name was taken concurrently', 'name'),
};

// ---- Area (sea site) ---------------------------------------------------------------------------------------------

/** Checks on areaCreate/areaUpdate input alone. */
export function checkAreaInput(input: AreaCreateInput | AreaUpdateInput): UserError[] {
  const checks = 'version' in input ? checkEditInput(input, ['name', 'latitude', 'longitude', 'active']) : new InputChecks();
  checkName(checks, input.name, 100, 'name');
  checkCoordinates(checks, input.latitude, input.longitude);
  return checks.positiveBelow(atScale2(input.maxBiomassKg), LIMITS.numeric14, 'maxBiomassKg').errors;
}

/** The area group of an area: a leaf group (areas hang on leaves of the reporting tree) of the area's geography. */
async function leafGroupOf(tx: EntityManager, globalId: string, geography: Geography): Promise<AreaGroup> {
  const group = await findRef(tx, AreaGroup, 'area group', globalId, 'areaGroupId');
  if (group.geography.id !== geography.id) {
    reject(UserErrorCode.VALIDATION, `Area group ${group.name} belongs to another geography than ${geography.name}`, 'areaGroupId');
  }
  if ((await tx.count(AreaGroup, { parent: group.id })) > 0) {
    reject(UserErrorCode.VALIDATION, `Area group ${group.name} has child groups: areas hang on leaf groups only`, 'areaGroupId');
  }
  return group;
}

const areaNameOf = (a: Area) => `area ${a.name}`;

/** Creates a sea site in a geography; the name is unique within the geography (CONFLICT). */
export async function createArea(tx: EntityManager, input: AreaCreateInput): Promise<WriteResult> {
  const geography = await findRef(tx, Geography, 'geography', input.geographyId, 'geographyId');
  const areaGroup = input.areaGroupId ? await leafGroupOf(tx, input.areaGroupId, geography) : null;
  const name = input.name.trim();
  await assertUnique(tx, Area, { geography: geography.id, name }, null, `Area name "${name}" in ${geography.name}`, 'name', areaNameOf);
  const area = tx.create(Area, {
    geography,
    areaGroup,
    name,
    latitude: roundTo(input.latitude, 6),
    longitude: roundTo(input.longitude, 6),
    maxBiomassKg: input.maxBiomassKg == null ? null : roundTo(input.maxBiomassKg, 2),
    active: input.active ?? true,
  });
  await tx.flush();
  return written('Area', area.id);
}

/**
 * Changes a sea site (optimistic locking). Deactivating it while one of its rings holds or is booked for fish is a
 * VALIDATION (`assertNoFishIn`).
 */
export async function updateArea(tx: EntityManager, input: AreaUpdateInput): Promise<WriteResult> {
  const area = await lockVersioned(tx, Area, 'area', input);
  const geography = await tx.findOneOrFail(Geography, area.geography.id);
  // Every ORM read before the first change: the AUTO flush mode would otherwise write (and version) the area twice.
  const areaGroup = input.areaGroupId == null ? input.areaGroupId : await leafGroupOf(tx, input.areaGroupId, geography);
  if (input.name != null) {
    const name = input.name.trim();
    await assertUnique(tx, Area, { geography: geography.id, name }, area.id, `Area name "${name}" in ${geography.name}`, 'name', areaNameOf);
    area.name = name;
  }
  if (areaGroup !== undefined) area.areaGroup = areaGroup;
  if (input.latitude != null) area.latitude = roundTo(input.latitude, 6);
  if (input.longitude != null) area.longitude = roundTo(input.longitude, 6);
  if (input.maxBiomassKg !== undefined) area.maxBiomassKg = input.maxBiomassKg === null ? null : roundTo(input.maxBiomassKg, 2);
  if (input.active != null) {
    if (area.active && !input.active) await assertNoFishIn(tx, { areaId: area.id }, `Area ${area.name}`);
    area.active = input.active;
  }
  await tx.flush();
  return written('Area', area.id);
}

export const AREA_CONSTRAINTS = {
  area_geography_id_name_unique: inputError(UserErrorCode.CONFLICT, 'The area name was taken in this geography concurrently', 'name'),
};

// ---- Freshwater station ------------------------------------------------------------------------------------------

/** Checks on freshwaterStationCreate/freshwaterStationUpdate input alone. */
export function checkStationInput(input: FreshwaterStationCreateInput | FreshwaterStationUpdateInput): UserError[] {
  const checks = 'version' in input ? checkEditInput(input, ['name', 'stationType', 'latitude', 'longitude', 'active']) : new InputChecks();
  checkName(checks, input.name, 100, 'name');
  return checkCoordinates(checks, input.latitude, input.longitude).errors;
}

const stationNameOf = (s: FreshwaterStation) => `station ${s.name}`;

/** Creates a freshwater station in a geography; the name is unique within the geography (CONFLICT). */
export async function createStation(tx: EntityManager, input: FreshwaterStationCreateInput): Promise<WriteResult> {
  const geography = await findRef(tx, Geography, 'geography', input.geographyId, 'geographyId');
  const name = input.name.trim();
  await assertUnique(tx, FreshwaterStation, { geography: geography.id, name }, null, `Station name "${name}" in ${geography.name}`, 'name', stationNameOf);
  const station = tx.create(FreshwaterStation, {
    geography,
    name,
    stationType: input.stationType ?? StationType.FRESHWATER,
    latitude: roundTo(input.latitude, 6),
    longitude: roundTo(input.longitude, 6),
    active: input.active ?? true,
  });
  await tx.flush();
  return written('FreshwaterStation', station.id);
}

/** Changes a station (optimistic locking); deactivating it while a tank of its halls holds or is booked for fish is a VALIDATION. */
export async function updateStation(tx: EntityManager, input: FreshwaterStationUpdateInput): Promise<WriteResult> {
  const station = await lockVersioned(tx, FreshwaterStation, 'freshwater station', input);
  if (input.name != null) {
    const name = input.name.trim();
    const geography = await tx.findOneOrFail(Geography, station.geography.id);
    await assertUnique(tx, FreshwaterStation, { geography: geography.id, name }, station.id, `Station name "${name}" in ${geography.name}`, 'name', stationNameOf);
    station.name = name;
  }
  if (input.stationType != null) station.stationType = input.stationType;
  if (input.latitude != null) station.latitude = roundTo(input.latitude, 6);
  if (input.longitude != null) station.longitude = roundTo(input.longitude, 6);
  if (input.active != null) {
    if (station.active && !input.active) await assertNoFishIn(tx, { stationId: station.id }, `Station ${station.name}`);
    station.active = input.active;
  }
  await tx.flush();
  return written('FreshwaterStation', station.id);
}

export const STATION_CONSTRAINTS = {
  freshwater_station_geography_id_name_unique: inputError(UserErrorCode.CONFLICT, 'The station name was taken in this geography concurrently', 'name'),
};

// ---- Hall --------------------------------------------------------------------------------------------------------

/** Checks on hallCreate/hallUpdate input alone. */
export function checkHallInput(input: HallCreateInput | HallUpdateInput): UserError[] {
  const checks = 'version' in input ? checkEditInput(input, ['name', 'active']) : new InputChecks();
  return checkName(checks, input.name, 100, 'name').positiveBelow(atScale2(input.areaSqm), LIMITS.numeric10, 'areaSqm').errors;
}

const hallNameOf = (h: Hall) => `hall ${h.name}`;

/** Creates a hall in an active station; the name is unique within the station (CONFLICT). */
export async function createHall(tx: EntityManager, input: HallCreateInput): Promise<WriteResult> {
  const station = await findRef(tx, FreshwaterStation, 'freshwater station', input.stationId, 'stationId');
  if (!station.active) reject(UserErrorCode.VALIDATION, `Station ${station.name} is not active`, 'stationId');
  const name = input.name.trim();
  await assertUnique(tx, Hall, { station: station.id, name }, null, `Hall name "${name}" in ${station.name}`, 'name', hallNameOf);
  const hall = tx.create(Hall, {
    station,
    name,
    areaSqm: input.areaSqm == null ? null : roundTo(input.areaSqm, 2),
    active: input.active ?? true,
  });
  await tx.flush();
  return written('Hall', hall.id);
}

/**
 * Changes a hall (optimistic locking). Reactivating it needs an active station; deactivating it while one of its
 * tanks holds or is booked for fish is a VALIDATION.
 */
export async function updateHall(tx: EntityManager, input: HallUpdateInput): Promise<WriteResult> {
  const hall = await lockVersioned(tx, Hall, 'hall', input);
  const station = await tx.findOneOrFail(FreshwaterStation, hall.station.id);
  if (input.name != null) {
    const name = input.name.trim();
    await assertUnique(tx, Hall, { station: station.id, name }, hall.id, `Hall name "${name}" in ${station.name}`, 'name', hallNameOf);
    hall.name = name;
  }
  if (input.areaSqm !== undefined) hall.areaSqm = input.areaSqm === null ? null : roundTo(input.areaSqm, 2);
  if (input.active != null && input.active !== hall.active) {
    if (input.active && !station.active) reject(UserErrorCode.VALIDATION, `Station ${station.name} is not active: activate it first`, 'active');
    if (!input.active) await assertNoFishIn(tx, { hallId: hall.id }, `Hall ${hall.name}`);
    hall.active = input.active;
  }
  await tx.flush();
  return written('Hall', hall.id);
}

export const HALL_CONSTRAINTS = {
  hall_station_id_name_unique: inputError(UserErrorCode.CONFLICT, 'The hall name was taken in this station concurrently', 'name'),
};
