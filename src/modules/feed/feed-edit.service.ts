import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { Area } from '../infrastructure/area.entity.js';
import { Hall } from '../infrastructure/freshwater-station.entity.js';
import { changedFields, checkEditInput, checkName, findRef, lockVersioned } from '../operations/edit.js';
import type { WriteResult } from '../operations/operation.js';
import { inputError, InputChecks, reject, roundTo } from '../operations/rules.js';
import type { FeedContainerCreateInput, FeedContainerUpdateInput, FeedCreateInput, FeedUpdateInput } from './feed-edit.inputs.js';
import { Feed, FeedContainer } from './feed.entity.js';

/** Unique keys a racing writer could still hit after the checks, as the user errors of those checks. */
export const FEED_CONSTRAINTS: Record<string, UserError> = {
  feed_name_unique: inputError(UserErrorCode.CONFLICT, 'A feed with this name was just created or renamed', 'name'),
};
export const FEED_CONTAINER_CONSTRAINTS: Record<string, UserError> = {
  feed_container_hall_id_name_unique: inputError(UserErrorCode.CONFLICT, 'A feed store with this name was just added to the hall', 'name'),
  feed_container_area_id_name_unique: inputError(UserErrorCode.CONFLICT, 'A feed store with this name was just added to the area', 'name'),
};

/** Fields of a create, or an update's changes (absent or null: not given). */
type FeedFields = { [K in keyof Omit<FeedCreateInput, 'idempotencyKey'>]?: FeedCreateInput[K] | null };

/** Checks on feed fields alone (absent or null ones are skipped), within the columns' CHECK constraints. */
function checkFeedFields(input: FeedFields, checks: InputChecks): UserError[] {
  checkName(checks, input.name, 100, 'name');
  // Sizes are checked as numeric(·,2) stores them: a value that rounds to 0 (or up to the limit) is refused here.
  checks.maxLength(input.brand?.trim(), 100, 'brand').positiveBelow(input.pelletSizeMm == null ? null : roundTo(input.pelletSizeMm, 2), 1000, 'pelletSizeMm');
  for (const field of ['proteinPct', 'fatPct'] as const) {
    const value = input[field];
    if (value != null) checks.check(Number.isFinite(value) && value >= 0 && value <= 100, `${field} must be between 0 and 100 (got ${value})`, field);
  }
  return checks.errors;
}

export const checkFeedCreateInput = (input: FeedCreateInput): UserError[] => checkFeedFields(input, new InputChecks());

export const checkFeedUpdateInput = (input: FeedUpdateInput): UserError[] =>
  checkFeedFields(input, checkEditInput(input, ['name', 'sizeCategory', 'pelletSizeMm', 'proteinPct', 'fatPct', 'active']));

/** Protein and fat are shares of the same feed weight: together at most 100 %. */
function assertComposition(proteinPct: number, fatPct: number): void {
  if (proteinPct + fatPct > 100) {
    reject(UserErrorCode.VALIDATION, `proteinPct (${proteinPct}) + fatPct (${fatPct}) exceed 100 % of the feed weight`, 'fatPct');
  }
}

async function assertFeedNameFree(tx: EntityManager, name: string, self?: number): Promise<void> {
  const taken = await tx.findOne(Feed, { name, ...(self === undefined ? {} : { id: { $ne: self } }) });
  if (taken) reject(UserErrorCode.CONFLICT, `Feed ${name} already exists${taken.brand ? ` (${taken.brand})` : ''}`, 'name');
}

/** Creates a feed product; its name is unique (CONFLICT naming the feed that has it). */
export async function createFeed(tx: EntityManager, input: FeedCreateInput): Promise<WriteResult> {
  const name = input.name.trim();
  const proteinPct = roundTo(input.proteinPct, 2);
  const fatPct = roundTo(input.fatPct, 2);
  assertComposition(proteinPct, fatPct);
  await assertFeedNameFree(tx, name);
  const feed = tx.create(Feed, {
    name,
    brand: input.brand?.trim() || null,
    sizeCategory: input.sizeCategory,
    pelletSizeMm: roundTo(input.pelletSizeMm, 2),
    proteinPct,
    fatPct,
    active: input.active ?? true,
  });
  await tx.flush();
  return { resource: { type: 'Feed', id: feed.id }, marks: [] };
}

/** Changes a feed product. Feeds are no growth-engine input (the engine reads feeding amounts): nothing is recomputed. */
export async function updateFeed(tx: EntityManager, input: FeedUpdateInput): Promise<WriteResult> {
  const feed = await lockVersioned(tx, Feed, 'feed', input);
  const next: Partial<Feed> = {};
  if (input.name != null) next.name = input.name.trim();
  if (input.brand !== undefined) next.brand = input.brand?.trim() || null;
  if (input.sizeCategory != null) next.sizeCategory = input.sizeCategory;
  if (input.pelletSizeMm != null) next.pelletSizeMm = roundTo(input.pelletSizeMm, 2);
  if (input.proteinPct != null) next.proteinPct = roundTo(input.proteinPct, 2);
  if (input.fatPct != null) next.fatPct = roundTo(input.fatPct, 2);
  if (input.active != null) next.active = input.active;
  const changes = changedFields(feed, next);
  const resource = { type: 'Feed', id: feed.id };
  if (Object.keys(changes).length === 0) return { resource, marks: [] };
  assertComposition(changes.proteinPct ?? feed.proteinPct, changes.fatPct ?? feed.fatPct);
  if (changes.name !== undefined) await assertFeedNameFree(tx, changes.name, feed.id);
  tx.assign(feed, changes);
  await tx.flush();
  return { resource, marks: [] };
}

type FeedContainerFields = { [K in keyof Omit<FeedContainerCreateInput, 'idempotencyKey'>]?: FeedContainerCreateInput[K] | null };

function checkFeedContainerFields(input: FeedContainerFields, checks: InputChecks): UserError[] {
  checkName(checks, input.name, 100, 'name');
  return checks.positiveBelow(input.capacityKg == null ? null : roundTo(input.capacityKg, 2), 1e10, 'capacityKg').errors;
}

/** A feed store is in exactly one hall or sea area (data-model.md §2.2, CHECK num_nonnulls(hall_id, area_id) = 1). */
export function checkFeedContainerCreateInput(input: FeedContainerCreateInput): UserError[] {
  const checks = new InputChecks().check((input.hallId != null) !== (input.areaId != null), 'Give exactly one of hallId and areaId', 'hallId');
  return checkFeedContainerFields(input, checks);
}

export function checkFeedContainerUpdateInput(input: FeedContainerUpdateInput): UserError[] {
  const checks = checkEditInput(input, ['name', 'feedContainerType', 'hallId', 'areaId', 'capacityKg', 'active']).check(
    input.hallId == null || input.areaId == null,
    'Give at most one of hallId and areaId (a store is in one place)',
    'hallId',
  );
  return checkFeedContainerFields(input, checks);
}

/**
 * The hall or area a store is placed in (NOT_FOUND on its field): active, else VALIDATION, as for containers — an
 * inactive place is out of use, so nothing new is put there.
 */
async function location(tx: EntityManager, input: { hallId?: string | null; areaId?: string | null }): Promise<{ hall: Hall | null; area: Area | null }> {
  if (input.hallId != null) {
    const hall = await findRef(tx, Hall, 'hall', input.hallId, 'hallId');
    if (!hall.active) reject(UserErrorCode.VALIDATION, `Hall ${hall.name} is not active`, 'hallId');
    return { hall, area: null };
  }
  const area = await findRef(tx, Area, 'area', input.areaId!, 'areaId');
  if (!area.active) reject(UserErrorCode.VALIDATION, `Area ${area.name} is not active`, 'areaId');
  return { hall: null, area };
}

/** Where a stored feed store is (its hall or area, loaded for messages). */
async function placeOf(tx: EntityManager, store: FeedContainer): Promise<{ hall: Hall | null; area: Area | null }> {
  return {
    hall: store.hall ? await tx.findOneOrFail(Hall, store.hall.id) : null,
    area: store.area ? await tx.findOneOrFail(Area, store.area.id) : null,
  };
}

/** Rejects a name another store of the same hall or area already has (CONFLICT naming that store). */
async function assertStoreNameFree(tx: EntityManager, name: string, place: { hall: Hall | null; area: Area | null }, self?: number): Promise<void> {
  const where = place.hall ? { hall: place.hall.id } : { area: place.area!.id };
  const taken = await tx.findOne(FeedContainer, { name, ...where, ...(self === undefined ? {} : { id: { $ne: self } }) });
  if (taken) {
    const label = place.hall ? `Hall ${place.hall.name}` : `Area ${place.area!.name}`;
    reject(UserErrorCode.CONFLICT, `${label} already has a feed store named ${name} (${taken.feedContainerType})`, 'name');
  }
}

/** Creates a feed store in an active hall or sea area; its name is unique there. */
export async function createFeedContainer(tx: EntityManager, input: FeedContainerCreateInput): Promise<WriteResult> {
  const place = await location(tx, input);
  const name = input.name.trim();
  await assertStoreNameFree(tx, name, place);
  const store = tx.create(FeedContainer, {
    name,
    feedContainerType: input.feedContainerType,
    ...place,
    capacityKg: roundTo(input.capacityKg, 2),
    active: input.active ?? true,
  });
  await tx.flush();
  return { resource: { type: 'FeedContainer', id: store.id }, marks: [] };
}

/** Changes a feed store, possibly moving it to another hall or area. Nothing is recomputed. */
export async function updateFeedContainer(tx: EntityManager, input: FeedContainerUpdateInput): Promise<WriteResult> {
  const store = await lockVersioned(tx, FeedContainer, 'feed store', input);
  const moved = input.hallId != null || input.areaId != null ? await location(tx, input) : null;
  const next: Partial<FeedContainer> = {};
  if (input.name != null) next.name = input.name.trim();
  if (input.feedContainerType != null) next.feedContainerType = input.feedContainerType;
  if (input.capacityKg != null) next.capacityKg = roundTo(input.capacityKg, 2);
  if (input.active != null) next.active = input.active;
  const changes = changedFields(store, next);
  const relocated =
    moved !== null && ((moved.hall?.id ?? null) !== (store.hall?.id ?? null) || (moved.area?.id ?? null) !== (store.area?.id ?? null));
  const resource = { type: 'FeedContainer', id: store.id };
  if (Object.keys(changes).length === 0 && !relocated) return { resource, marks: [] };
  if (changes.name !== undefined || relocated) {
    await assertStoreNameFree(tx, changes.name ?? store.name, relocated ? moved! : await placeOf(tx, store), store.id);
  }
  tx.assign(store, relocated ? { ...changes, ...moved } : changes);
  await tx.flush();
  return { resource, marks: [] };
}
