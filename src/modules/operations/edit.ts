import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import type { RecomputeJob } from '../growth/recompute-job.entity.js';
import { runOperation, type OperationSpec, type WriteResult } from './operation.js';
import { loadById, loadJobs } from './payload.js';
import { batchIdOfAssignment, decodeOrReject, InputChecks, lockBatches, reject } from './rules.js';

/** What an update or delete of an operational event did, for its payload. */
export interface EventEditResult extends WriteResult {
  /** The event's assignment after the edit (before it, for a delete); null for a feeding nobody occupied. */
  assignmentId: number | null;
  /** Batch of that assignment: its recompute job is the payload's `recomputeJob`. */
  batchId: number | null;
}

/** Event tables whose rows key their assignment by `assignment_id` (identifiers, never user input). */
type AssignmentEventTable = 'growth_sample' | 'mortality_event' | 'treatment' | 'lice_count';

/**
 * The assignment and batch an event belongs to, read without a lock (to know which batch to lock). The global
 * id must name `typeName`; a malformed id, one of another type or an unknown row is NOT_FOUND on `input.id`.
 */
export async function eventOwner(
  tx: EntityManager,
  table: AssignmentEventTable,
  typeName: string,
  label: string,
  globalId: string,
): Promise<{ id: number; assignmentId: number; batchId: number }> {
  const id = decodeOrReject(typeName, globalId, label, 'id');
  const { rows } = await txQuery<{ assignment_id: number; batch_id: number }>(
    tx,
    `select e.assignment_id, a.batch_id from ${table} e join batch_container_assignment a on a.id = e.assignment_id where e.id = $1`,
    [id],
  );
  if (!rows[0]) reject(UserErrorCode.NOT_FOUND, `No ${label} with id ${globalId}`, 'id');
  return { id, assignmentId: Number(rows[0].assignment_id), batchId: Number(rows[0].batch_id) };
}

/** The assignment an event moves to (`assignmentId` of an update) and its batch; NOT_FOUND on that field. */
export async function moveTarget(tx: EntityManager, globalId: string): Promise<{ assignmentId: number; batchId: number }> {
  const assignmentId = decodeOrReject('BatchContainerAssignment', globalId, 'assignment', 'assignmentId');
  const batchId = await batchIdOfAssignment(tx, assignmentId);
  if (batchId == null) reject(UserErrorCode.NOT_FOUND, `No assignment with id ${globalId}`, 'assignmentId');
  return { assignmentId, batchId: Number(batchId) };
}

/**
 * Optimistic locking (data-model.md §1): an edit names the version it was based on; another stored version means
 * someone changed the row since the caller read it. STALE_VERSION on `input.version`, so nothing is written.
 */
export function assertVersion(label: string, stored: number, given: number): void {
  if (stored !== given) {
    reject(
      UserErrorCode.STALE_VERSION,
      `The ${label} is at version ${stored}, not ${given}: it changed since it was read; reload it and retry`,
      'version',
    );
  }
}

/** An operational event stored with its assignment (growth sample, mortality event, treatment, lice count). */
interface AssignmentEvent {
  id: number;
  version: number;
  assignment: { id: number };
}

/**
 * The event after the batch locks: reloaded, at the version the caller saw, and still where it was read before
 * the locks (a move by a concurrent edit in between means a retry).
 */
async function reloadLocked<T extends AssignmentEvent>(
  tx: EntityManager,
  entity: EntityClass<T>,
  label: string,
  owner: { id: number; assignmentId: number },
  input: { id: string; version: number },
): Promise<T> {
  const event = await tx.findOne(entity, { id: owner.id } as FilterQuery<T>, { refresh: true });
  if (!event) reject(UserErrorCode.NOT_FOUND, `No ${label} with id ${input.id}`, 'id');
  assertVersion(label, event.version, input.version);
  if (event.assignment.id !== owner.assignmentId) reject(UserErrorCode.CONFLICT, `The ${label} was moved concurrently; retry`, 'id');
  return event;
}

/**
 * Locks what an edit touches and loads the event: the batches of its assignment and of the assignment it moves
 * to (ascending id order), then the event, checked against the version the caller saw, and the target
 * assignment, fresh.
 */
export async function lockForEdit<T extends AssignmentEvent>(
  tx: EntityManager,
  entity: EntityClass<T>,
  table: AssignmentEventTable,
  label: string,
  input: { id: string; version: number; assignmentId?: string | null },
): Promise<{ event: T; owner: { assignmentId: number; batchId: number }; target: BatchContainerAssignment }> {
  const owner = await eventOwner(tx, table, entity.name, label, input.id);
  const moveTo = input.assignmentId != null ? await moveTarget(tx, input.assignmentId) : owner;
  await lockBatches(tx, [owner.batchId, moveTo.batchId]);
  const event = await reloadLocked(tx, entity, label, owner, input);
  const target = await tx.findOneOrFail(BatchContainerAssignment, moveTo.assignmentId, { refresh: true });
  return { event, owner, target };
}

/** The path of a date that falls outside the (new) assignment: the date when it changed, else the assignment. */
export const datePath = (dateGiven: boolean, dateField: string) => (dateGiven ? dateField : 'assignmentId');

/** Input checks every edit shares: a plausible version, and no null for fields that cannot be cleared. */
export function checkEditInput(input: object & { version: number }, requiredFields: readonly string[]): InputChecks {
  const checks = new InputChecks().check(input.version >= 1, `version must be at least 1 (got ${input.version})`, 'version');
  const values = input as Record<string, unknown>;
  for (const name of requiredFields) checks.check(values[name] !== null, `${name} cannot be cleared (leave it out to keep it)`, name);
  return checks;
}

/**
 * Dirty marks of an edit (growth-engine.md §6): the old assignment from the old day and the new one from the new
 * day; an event that stays in its assignment marks it once, from the earlier day. None when no engine input
 * changed.
 */
export function editMarks(
  before: { assignmentId: number; date: string },
  after: { assignmentId: number; date: string } | null,
  engineInputChanged: boolean,
): DirtyMarkInput[] {
  if (!engineInputChanged) return [];
  if (!after) return [before];
  if (after.assignmentId === before.assignmentId) {
    return [{ assignmentId: before.assignmentId, date: before.date < after.date ? before.date : after.date }];
  }
  return [before, after];
}

/**
 * The result of an edit that leaves the event in `target` on `day` (moved from `before`): dirty marks from
 * `editMarks` when an engine input changed.
 */
export function editedEventResult(
  type: string,
  id: number,
  before: { assignmentId: number; date: string },
  target: BatchContainerAssignment,
  day: string,
  engineInputChanged: boolean,
): EventEditResult {
  return {
    resource: { type, id },
    assignmentId: target.id,
    batchId: target.batch.id,
    marks: editMarks(before, { assignmentId: target.id, date: day }, engineInputChanged),
  };
}

/** The result of deleting an event that was in `owner`'s assignment on `day`: marked when it was an engine input. */
export function deletedEventResult(
  type: string,
  id: number,
  owner: { assignmentId: number; batchId: number },
  day: string,
  wasEngineInput: boolean,
): EventEditResult {
  return {
    resource: { type, id },
    assignmentId: owner.assignmentId,
    batchId: owner.batchId,
    marks: editMarks({ assignmentId: owner.assignmentId, date: day }, null, wasEngineInput),
  };
}

/**
 * The recompute job of the event's batch among those an edit queued (an event moved to another batch queues one
 * for each batch; the payload shows the one of the batch it now belongs to).
 */
export async function jobOfBatch(ctx: GraphQLContext, jobIds: number[], batchId: number | null): Promise<RecomputeJob | null> {
  const jobs = await loadJobs(ctx, jobIds);
  return jobs.find((job) => job.batch.id === batchId) ?? jobs[0] ?? null;
}

/** Stable codes are SCREAMING_SNAKE_CASE, like the reference data (EGG_ALEVIN, POST_SMOLT). */
export const CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** Checks on a name (when given): not blank, at most `max` characters. */
export function checkName(checks: InputChecks, value: string | null | undefined, max: number, field: string): InputChecks {
  if (value == null) return checks;
  return checks.check(value.trim().length > 0, `${field} must not be empty`, field).maxLength(value.trim(), max, field);
}

/** Keeps the fields whose value differs from the row's (no change, no write, no version bump). */
export function changedFields<T extends object>(row: T, next: Partial<T>): Partial<T> {
  const current = row as Record<string, unknown>;
  return Object.fromEntries(Object.entries(next).filter(([field, value]) => value !== (current[field] ?? null))) as Partial<T>;
}

/**
 * The row behind a global id, locked and re-read (edits of one row serialise), at the version the client
 * sent: NOT_FOUND on `path` when there is none, STALE_VERSION when it moved on. For rows edited on their own
 * (reference data, scenarios); events lock their batches first (`lockForEdit`).
 */
export async function lockVersioned<T extends { id: number; version: number }>(
  tx: EntityManager,
  entity: EntityClass<T>,
  label: string,
  input: { id: string; version: number },
  ...path: string[]
): Promise<T> {
  const fieldPath = path.length > 0 ? path : ['id'];
  const id = decodeOrReject(entity.name, input.id, label, ...fieldPath);
  // FOR NO KEY UPDATE, not FOR UPDATE: edits never change the key, and FOR UPDATE would also block the key-share
  // locks that inserts referencing the row take (a placement pointing at a stage), a deadlock with writers that
  // hold assignment locks and then insert.
  const table = tx.getMetadata().get(entity.name).tableName;
  const { rowCount } = await txQuery(tx, `select 1 from "${table}" where id = $1 for no key update`, [id]);
  const row = rowCount ? await tx.findOne(entity, { id } as FilterQuery<T>, { refresh: true }) : null;
  if (!row) reject(UserErrorCode.NOT_FOUND, `No ${label} with id ${input.id}`, ...fieldPath);
  assertVersion(label, row.version, input.version);
  return row;
}

/** Any edited row: the id and the optimistic-locking version of MutableEntity. */
interface Versioned {
  id: number;
  version: number;
}

/**
 * Runs an edit mutation (reference data, infrastructure, scenarios): the input checks' errors, else the write in one transaction (runOperation:
 * errors as data, idempotency keys of creates), then the row as committed, for the payload.
 */
export async function runEdit<T extends Versioned>(
  ctx: GraphQLContext,
  entity: EntityClass<T>,
  inputErrors: UserError[],
  spec: OperationSpec<WriteResult>,
): Promise<{ row: T | null; userErrors: UserError[] }> {
  if (inputErrors.length > 0) return { row: null, userErrors: inputErrors };
  const outcome = await runOperation(ctx, spec);
  if (!outcome.ok) return { row: null, userErrors: outcome.userErrors };
  return { row: await loadById(ctx, entity, outcome.resourceId), userErrors: [] };
}

/** A referenced row by global id; NOT_FOUND on `field` when there is none. */
export async function findRef<T extends Versioned>(tx: EntityManager, entity: EntityClass<T>, label: string, globalId: string, field: string): Promise<T> {
  const row = await tx.findOne(entity, { id: decodeOrReject(entity.name, globalId, label, field) } as FilterQuery<T>);
  if (!row) reject(UserErrorCode.NOT_FOUND, `No ${label} with id ${globalId}`, field);
  return row;
}

/**
 * CONFLICT on `field` when another row (not `exceptId`) matches `where`: names the existing row, so the caller can
 * use it instead. The unique key in the database backs this check against racing writers.
 */
export async function assertUnique<T extends Versioned>(
  tx: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  exceptId: number | null,
  describe: string,
  field: string,
  nameOf: (existing: T) => string,
): Promise<void> {
  const existing = await tx.findOne(entity, where);
  if (existing && existing.id !== exceptId) {
    reject(UserErrorCode.CONFLICT, `${describe} is already taken by ${nameOf(existing)} (id ${toGlobalId(entity.name, existing.id)})`, field);
  }
}
