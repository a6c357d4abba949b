import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { todayUtc } from '../../shared/dates.js';
import { EnvironmentalParameter } from '../environment/environmental-parameter.entity.js';
import { ContainerCategory, ContainerHierarchyRole } from '../enums.js';
import { assertUnique, checkEditInput, checkName, findRef, lockVersioned } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { InputChecks, inputError, reject, roundTo } from '../operations/rules.js';
import { Area } from './area.entity.js';
import type {
  ContainerCreateInput,
  ContainerTypeCreateInput,
  ContainerUpdateInput,
  SensorCreateInput,
  SensorUpdateInput,
} from './container-edit.inputs.js';
import { Container, ContainerType, Sensor } from './container.entity.js';
import { Hall } from './freshwater-station.entity.js';
import { assertNoFishIn, atScale2, LIMITS, written } from './infrastructure-edit.js';

// ---- Container type ----------------------------------------------------------------------------------------------

/** Checks on containerTypeCreate input alone. */
export function checkContainerTypeInput(input: ContainerTypeCreateInput): UserError[] {
  const checks = checkName(new InputChecks(), input.code, 32, 'code');
  return checkName(checks, input.name, 100, 'name').positiveBelow(atScale2(input.maxVolumeM3), LIMITS.numeric10, 'maxVolumeM3').errors;
}

/** Creates a container type; the code is unique (CONFLICT naming the type holding it). */
export async function createContainerType(tx: EntityManager, input: ContainerTypeCreateInput): Promise<WriteResult> {
  const code = input.code.trim();
  await assertUnique(tx, ContainerType, { code }, null, `Container type code ${code}`, 'code', (t) => `container type ${t.name}`);
  const type = tx.create(ContainerType, { code, name: input.name.trim(), category: input.category, maxVolumeM3: roundTo(input.maxVolumeM3, 2) });
  await tx.flush();
  return written('ContainerType', type.id);
}

export const CONTAINER_TYPE_CONSTRAINTS = {
  container_type_code_unique: inputError(UserErrorCode.CONFLICT, 'The container type code was taken concurrently', 'code'),
};

// ---- Container ---------------------------------------------------------------------------------------------------

/** Where a container stands: exactly one of hall and area (the CHECK `num_nonnulls(hall_id, area_id) = 1`). */
interface Place {
  hall: Hall | null;
  area: Area | null;
}

const placeName = (place: Place) => (place.hall ? `hall ${place.hall.name}` : `area ${place.area!.name}`);
const sameHallOrArea = (a: Container, place: Place) => (place.hall ? a.hall?.id === place.hall.id : a.area?.id === place.area!.id);

/** Categories a hall takes and a sea area takes (data-model.md §2.1: a container in an area is a ring, one in a hall a tank or tray). */
const CATEGORIES_IN_HALL: readonly ContainerCategory[] = [ContainerCategory.TANK, ContainerCategory.TRAY, ContainerCategory.OTHER];
const CATEGORIES_IN_AREA: readonly ContainerCategory[] = [ContainerCategory.PEN, ContainerCategory.OTHER];

/** Checks on containerCreate/containerUpdate input alone. */
export function checkContainerInput(input: ContainerCreateInput | ContainerUpdateInput): UserError[] {
  const update = 'version' in input;
  const checks = update ? checkEditInput(input, ['name', 'containerTypeId', 'hierarchyRole', 'volumeM3', 'maxBiomassKg', 'active']) : new InputChecks();
  const maxBiomassKg = atScale2(input.maxBiomassKg);
  checkName(checks, input.name, 100, 'name')
    .positiveBelow(atScale2(input.volumeM3), LIMITS.numeric10, 'volumeM3')
    .nonNegativeBelow(maxBiomassKg, LIMITS.numeric12, 'maxBiomassKg');
  const places = Number(input.hallId != null) + Number(input.areaId != null);
  if (update) checks.check(places <= 1, 'give at most one of hallId and areaId: a container stands in one hall or one sea area', 'hallId');
  else checks.check(places === 1, 'give exactly one of hallId and areaId: a container stands in one hall or one sea area', 'hallId');
  if (!update) {
    const structural = input.hierarchyRole === ContainerHierarchyRole.STRUCTURAL;
    if (structural) checks.check(!maxBiomassKg, 'a STRUCTURAL container holds no fish: maxBiomassKg is 0 or left out', 'maxBiomassKg');
    else checks.check(maxBiomassKg != null && maxBiomassKg > 0, 'a HOLDING container needs maxBiomassKg greater than 0', 'maxBiomassKg');
  }
  return checks.errors;
}

/** The hall or area named by the input (at most one is given): active, else VALIDATION. */
async function placeOf(tx: EntityManager, input: { hallId?: string | null; areaId?: string | null }): Promise<Place> {
  if (input.hallId != null) {
    const hall = await findRef(tx, Hall, 'hall', input.hallId, 'hallId');
    if (!hall.active) reject(UserErrorCode.VALIDATION, `Hall ${hall.name} is not active`, 'hallId');
    return { hall, area: null };
  }
  const area = await findRef(tx, Area, 'area', input.areaId!, 'areaId');
  if (!area.active) reject(UserErrorCode.VALIDATION, `Area ${area.name} is not active`, 'areaId');
  return { hall: null, area };
}

/** A type's category must fit the place (`field`: the input that changed the pair) and its max volume bound the volume. */
function assertTypeFits(type: ContainerType, place: Place, volumeM3: number, field: string): void {
  if (!(place.hall ? CATEGORIES_IN_HALL : CATEGORIES_IN_AREA).includes(type.category)) {
    reject(
      UserErrorCode.VALIDATION,
      `Container type ${type.code} is a ${type.category}: ${place.hall ? 'a hall takes TANK, TRAY or OTHER' : 'a sea area takes PEN (rings) or OTHER'}, so it cannot stand in ${placeName(place)}`,
      field,
    );
  }
  if (volumeM3 > type.maxVolumeM3) {
    reject(UserErrorCode.VALIDATION, `volumeM3 ${volumeM3} exceeds the ${type.maxVolumeM3} m³ allowed for container type ${type.code}`, 'volumeM3');
  }
}

/**
 * A parent is a STRUCTURAL container in the same hall or area, and (for an existing container `selfId`) neither
 * the container itself nor one of its descendants, so the hierarchy stays a tree. The parent is re-read FOR SHARE
 * first: a concurrent containerUpdate making it HOLDING (or moving it) holds it FOR UPDATE, so this waits for that
 * commit and judges the parent as committed, and that update, finding the new child, refuses in turn.
 */
async function assertParent(tx: EntityManager, parent: Container, place: Place, selfId: number | null): Promise<void> {
  await tx.findOneOrFail(Container, parent.id, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
  if (parent.hierarchyRole !== ContainerHierarchyRole.STRUCTURAL) {
    reject(UserErrorCode.VALIDATION, `Container ${parent.name} is a HOLDING container: a parent must be STRUCTURAL`, 'parentContainerId');
  }
  if (!sameHallOrArea(parent, place)) reject(UserErrorCode.VALIDATION, `Parent ${parent.name} is not in ${placeName(place)}`, 'parentContainerId');
  if (selfId === null) return;
  const { rows } = await txQuery(
    tx,
    `with recursive ancestors(id, parent_id) as (
       select id, parent_container_id from container where id = $1
       union select c.id, c.parent_container_id from container c join ancestors a on c.id = a.parent_id
     ) select 1 from ancestors where id = $2 limit 1`,
    [parent.id, selfId],
  );
  if (rows.length > 0) reject(UserErrorCode.VALIDATION, `Container ${parent.name} is this container or one of its descendants: that would make a cycle`, 'parentContainerId');
}

async function hasAssignments(tx: EntityManager, containerId: number): Promise<boolean> {
  const { rows } = await txQuery(tx, 'select 1 from batch_container_assignment where container_id = $1 limit 1', [containerId]);
  return rows.length > 0;
}

/**
 * The largest biomass an assignment of the container holds now or is booked to hold: for one open today, its
 * latest computed daily state up to today (its opening biomass before the engine has run); for a booking from a
 * later day, its opening biomass. Run it after locking the container, the lock new assignments take first.
 */
async function heaviestOccupant(tx: EntityManager, containerId: number): Promise<{ batch_number: string; biomass_kg: number } | null> {
  const { rows } = await txQuery<{ batch_number: string; biomass_kg: string }>(
    tx,
    `select b.batch_number, coalesce(
              (select d.biomass_kg from daily_assignment_state d where d.assignment_id = a.id and d.date <= $2 order by d.date desc limit 1),
              a.opening_population * coalesce(a.opening_avg_weight_g, 0) / 1000) as biomass_kg
       from batch_container_assignment a join batch b on b.id = a.batch_id
      where a.container_id = $1 and (a.departure_date is null or a.departure_date > $2)
      order by 2 desc limit 1`,
    [containerId, todayUtc()],
  );
  return rows[0] ? { batch_number: rows[0].batch_number, biomass_kg: Number(rows[0].biomass_kg) } : null;
}

const containerNameOf = (c: Container) => `container ${c.name}`;

async function assertContainerNameFree(tx: EntityManager, name: string, place: Place, exceptId: number | null): Promise<void> {
  const where = place.hall ? { hall: place.hall.id, name } : { area: place.area!.id, name };
  await assertUnique(tx, Container, where, exceptId, `Container name "${name}" in ${placeName(place)}`, 'name', containerNameOf);
}

/**
 * Creates a container in one active hall or sea area (data-model.md §2.1): its type's category fits the place, its
 * volume is within the type's max volume, a parent is STRUCTURAL in the same place, the name is unique there.
 */
export async function createContainer(tx: EntityManager, input: ContainerCreateInput): Promise<WriteResult> {
  const type = await findRef(tx, ContainerType, 'container type', input.containerTypeId, 'containerTypeId');
  const place = await placeOf(tx, input);
  const volumeM3 = roundTo(input.volumeM3, 2);
  assertTypeFits(type, place, volumeM3, 'containerTypeId');
  const parent = input.parentContainerId ? await findRef(tx, Container, 'container', input.parentContainerId, 'parentContainerId') : null;
  if (parent) await assertParent(tx, parent, place, null);
  const name = input.name.trim();
  await assertContainerNameFree(tx, name, place, null);
  const container = tx.create(Container, {
    name,
    containerType: type,
    hall: place.hall,
    area: place.area,
    parentContainer: parent,
    hierarchyRole: input.hierarchyRole ?? ContainerHierarchyRole.HOLDING,
    volumeM3,
    maxBiomassKg: roundTo(input.maxBiomassKg ?? 0, 2),
    active: input.active ?? true,
  });
  await tx.flush();
  return written('Container', container.id);
}

/**
 * Changes a container (optimistic locking), refusing (VALIDATION) what would contradict its recorded assignments:
 * a move to another place or to STRUCTURAL once it has any assignment, a max biomass below what an assignment holds
 * now (`heaviestOccupant`), deactivation while fish are in it or booked. The container row is locked FOR UPDATE,
 * the lock every writer of a new assignment takes, so these checks cannot be overtaken before commit.
 */
export async function updateContainer(tx: EntityManager, input: ContainerUpdateInput): Promise<WriteResult> {
  const container = await lockVersioned(tx, Container, 'container', input);
  const current: Place = {
    hall: container.hall ? await tx.findOneOrFail(Hall, container.hall.id) : null,
    area: container.area ? await tx.findOneOrFail(Area, container.area.id) : null,
  };
  let place = current;
  if (input.hallId != null || input.areaId != null) {
    place = await placeOf(tx, input);
    if (!sameHallOrArea(container, place)) {
      const field = input.hallId != null ? 'hallId' : 'areaId';
      if (await hasAssignments(tx, container.id)) {
        reject(UserErrorCode.VALIDATION, `Container ${container.name} has assignments recorded in ${placeName(current)}: it cannot move (create a new container instead)`, field);
      }
      if ((await tx.count(Container, { parentContainer: container.id })) > 0) {
        reject(UserErrorCode.VALIDATION, `Container ${container.name} has child containers in ${placeName(current)}: move or detach them first`, field);
      }
    }
  }
  const moved = place !== current && !sameHallOrArea(container, place);

  const type = input.containerTypeId != null ? await findRef(tx, ContainerType, 'container type', input.containerTypeId, 'containerTypeId') : await tx.findOneOrFail(ContainerType, container.containerType.id);
  const volumeM3 = input.volumeM3 != null ? roundTo(input.volumeM3, 2) : container.volumeM3;
  if (input.containerTypeId != null || input.volumeM3 != null || moved) {
    const field = input.containerTypeId != null ? 'containerTypeId' : input.hallId != null ? 'hallId' : input.areaId != null ? 'areaId' : 'volumeM3';
    assertTypeFits(type, place, volumeM3, field);
  }

  const role = input.hierarchyRole ?? container.hierarchyRole;
  let maxBiomassKg = input.maxBiomassKg != null ? roundTo(input.maxBiomassKg, 2) : container.maxBiomassKg;
  if (role !== container.hierarchyRole) {
    if (role === ContainerHierarchyRole.STRUCTURAL) {
      if (await hasAssignments(tx, container.id)) {
        reject(UserErrorCode.VALIDATION, `Container ${container.name} has assignments: it stays HOLDING`, 'hierarchyRole');
      }
      if (input.maxBiomassKg == null) maxBiomassKg = 0;
    } else if ((await tx.count(Container, { parentContainer: container.id })) > 0) {
      reject(UserErrorCode.VALIDATION, `Container ${container.name} is the parent of other containers: it stays STRUCTURAL`, 'hierarchyRole');
    }
  }
  if (role === ContainerHierarchyRole.STRUCTURAL && maxBiomassKg !== 0) {
    reject(UserErrorCode.VALIDATION, 'a STRUCTURAL container holds no fish: maxBiomassKg is 0', 'maxBiomassKg');
  }
  if (role === ContainerHierarchyRole.HOLDING && !(maxBiomassKg > 0)) {
    reject(UserErrorCode.VALIDATION, 'a HOLDING container needs maxBiomassKg greater than 0', 'maxBiomassKg');
  }
  if (role === ContainerHierarchyRole.HOLDING && maxBiomassKg < container.maxBiomassKg) {
    const heaviest = await heaviestOccupant(tx, container.id);
    if (heaviest && heaviest.biomass_kg > maxBiomassKg) {
      reject(
        UserErrorCode.VALIDATION,
        `maxBiomassKg ${maxBiomassKg} is below the ${heaviest.biomass_kg} kg batch ${heaviest.batch_number} holds in ${container.name}`,
        'maxBiomassKg',
      );
    }
  }

  let parent: Container | null = null;
  if (input.parentContainerId != null) parent = await findRef(tx, Container, 'container', input.parentContainerId, 'parentContainerId');
  else if (input.parentContainerId === undefined && container.parentContainer) parent = await tx.findOneOrFail(Container, container.parentContainer.id);
  if (parent && (input.parentContainerId != null || moved)) await assertParent(tx, parent, place, container.id);

  if (input.active != null && input.active !== container.active) {
    if (input.active) {
      const location = place.hall ?? place.area!;
      if (!location.active) reject(UserErrorCode.VALIDATION, `${placeName(place)} is not active: activate it first`, 'active');
    } else {
      await assertNoFishIn(tx, { containerId: container.id }, `Container ${container.name}`);
    }
  }

  const name = input.name?.trim() ?? container.name;
  if (input.name != null || moved) await assertContainerNameFree(tx, name, place, container.id);

  tx.assign(container, {
    name,
    containerType: type,
    hall: place.hall,
    area: place.area,
    parentContainer: parent,
    hierarchyRole: role,
    volumeM3,
    maxBiomassKg,
    active: input.active ?? container.active,
  });
  await tx.flush();
  return written('Container', container.id);
}

/** Duplicates a racing writer could still create, as the user error the checks would have given. */
export const CONTAINER_CONSTRAINTS = {
  container_hall_id_name_unique: inputError(UserErrorCode.CONFLICT, 'The container name was taken in this hall concurrently', 'name'),
  container_area_id_name_unique: inputError(UserErrorCode.CONFLICT, 'The container name was taken in this area concurrently', 'name'),
};

// ---- Sensor ------------------------------------------------------------------------------------------------------

/** A sensor is calibrated where it stands, so not before it was installed. */
function calibratedBeforeInstall(installedOn: string | null | undefined, lastCalibratedOn: string | null | undefined): boolean {
  return installedOn != null && lastCalibratedOn != null && lastCalibratedOn < installedOn;
}

function calibrationMessage(installedOn: string | null | undefined, lastCalibratedOn: string | null | undefined): string {
  return `lastCalibratedOn ${lastCalibratedOn} is before installedOn ${installedOn}`;
}

/** Checks on sensorCreate/sensorUpdate input alone. */
export function checkSensorInput(input: SensorCreateInput | SensorUpdateInput): UserError[] {
  const checks = 'version' in input ? checkEditInput(input, ['containerId', 'parameterId', 'serialNumber', 'installedOn', 'active']) : new InputChecks();
  return checkName(checks, input.serialNumber, 64, 'serialNumber')
    .maxLength(input.manufacturer, 100, 'manufacturer')
    .notFuture(input.installedOn, 'installedOn')
    .notFuture(input.lastCalibratedOn, 'lastCalibratedOn')
    .check(!calibratedBeforeInstall(input.installedOn, input.lastCalibratedOn), calibrationMessage(input.installedOn, input.lastCalibratedOn), 'lastCalibratedOn').errors;
}

async function activeContainer(tx: EntityManager, globalId: string): Promise<Container> {
  const container = await findRef(tx, Container, 'container', globalId, 'containerId');
  if (!container.active) reject(UserErrorCode.VALIDATION, `Container ${container.name} is not active`, 'containerId');
  return container;
}

const sensorNameOf = (s: Sensor) => `sensor ${s.serialNumber}`;

/** Installs a sensor for a parameter in an active container; the serial number is unique (CONFLICT). */
export async function createSensor(tx: EntityManager, input: SensorCreateInput): Promise<WriteResult> {
  const container = await activeContainer(tx, input.containerId);
  const parameter = await findRef(tx, EnvironmentalParameter, 'environmental parameter', input.parameterId, 'parameterId');
  const serialNumber = input.serialNumber.trim();
  await assertUnique(tx, Sensor, { serialNumber }, null, `Serial number ${serialNumber}`, 'serialNumber', sensorNameOf);
  const sensor = tx.create(Sensor, {
    container,
    parameter,
    serialNumber,
    manufacturer: input.manufacturer ?? null,
    installedOn: input.installedOn,
    lastCalibratedOn: input.lastCalibratedOn ?? null,
    active: input.active ?? true,
  });
  await tx.flush();
  return written('Sensor', sensor.id);
}

/**
 * Changes a sensor (optimistic locking). Once it has recorded readings its container and parameter are fixed
 * (VALIDATION): readings ingest requires a sensor to sit in its reading's container and parameter, so every
 * reading of a sensor names the pair it has now.
 */
export async function updateSensor(tx: EntityManager, input: SensorUpdateInput): Promise<WriteResult> {
  const sensor = await lockVersioned(tx, Sensor, 'sensor', input);
  const container = input.containerId != null ? await activeContainer(tx, input.containerId) : null;
  const parameter = input.parameterId != null ? await findRef(tx, EnvironmentalParameter, 'environmental parameter', input.parameterId, 'parameterId') : null;
  const movesContainer = container !== null && container.id !== sensor.container.id;
  const changesParameter = parameter !== null && parameter.id !== sensor.parameter.id;
  if (movesContainer || changesParameter) {
    // By the invariant above this probe uses the readings' unique key (container, parameter, sensor, time).
    const { rows } = await txQuery(
      tx,
      'select 1 from environmental_reading where container_id = $1 and parameter_id = $2 and sensor_id = $3 limit 1',
      [sensor.container.id, sensor.parameter.id, sensor.id],
    );
    if (rows.length > 0) {
      reject(
        UserErrorCode.VALIDATION,
        `Sensor ${sensor.serialNumber} has recorded readings: its container and parameter stay as they are (deactivate it instead)`,
        movesContainer ? 'containerId' : 'parameterId',
      );
    }
  }
  if (input.serialNumber != null) {
    const serialNumber = input.serialNumber.trim();
    await assertUnique(tx, Sensor, { serialNumber }, sensor.id, `Serial number ${serialNumber}`, 'serialNumber', sensorNameOf);
    sensor.serialNumber = serialNumber;
  }
  if (input.installedOn != null || input.lastCalibratedOn != null) {
    // checkSensorInput compared the dates only when both were given: compare a single one with the stored other.
    const installedOn = input.installedOn ?? sensor.installedOn;
    const lastCalibratedOn = input.lastCalibratedOn === undefined ? sensor.lastCalibratedOn : input.lastCalibratedOn;
    if (calibratedBeforeInstall(installedOn, lastCalibratedOn)) reject(UserErrorCode.VALIDATION, calibrationMessage(installedOn, lastCalibratedOn), 'lastCalibratedOn');
  }
  if (container) sensor.container = container;
  if (parameter) sensor.parameter = parameter;
  if (input.manufacturer !== undefined) sensor.manufacturer = input.manufacturer;
  if (input.installedOn != null) sensor.installedOn = input.installedOn;
  if (input.lastCalibratedOn !== undefined) sensor.lastCalibratedOn = input.lastCalibratedOn;
  if (input.active != null) sensor.active = input.active;
  await tx.flush();
  return written('Sensor', sensor.id);
}

export const SENSOR_CONSTRAINTS = {
  sensor_serial_number_unique: inputError(UserErrorCode.CONFLICT, 'The serial number was taken concurrently', 'serialNumber'),
};
