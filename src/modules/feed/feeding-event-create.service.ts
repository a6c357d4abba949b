import type { EntityManager } from '@mikro-orm/postgresql';
import { ensurePartitions } from '../../db/partitions.js';
import { txQuery } from '../../db/raw-sql.js';
import { UserError, UserErrorCode } from '../../graphql/common/user-error.js';
import { utcDate } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Container } from '../infrastructure/container.entity.js';
import type { WriteResult } from '../operations/operation.js';
import { decodeOrReject, InputChecks, lockBatch, reject, roundTo } from '../operations/rules.js';
import { Feed, FeedContainer } from './feed.entity.js';
import type { FeedingEventCreateInput } from './feeding-event-create.inputs.js';
import { FeedingEvent } from './feeding-event.entity.js';

export interface FeedingEventCreateResult extends WriteResult {
  assignmentId: number;
}

/** The checked fields of a feeding (a create input, or an update's changes: absent fields are skipped). */
export interface FeedingFields {
  amountKg?: number | null;
  fedAt?: Date | null;
}

export function checkFeedingInput(input: FeedingFields): UserError[] {
  const checks = new InputChecks().positiveBelow(input.amountKg, 1e6, 'amountKg');
  if (input.fedAt == null) return checks.errors;
  return checks
    .check(input.fedAt.getTime() >= Date.UTC(1990, 0, 1), 'fedAt is implausibly early', 'fedAt')
    .notFuture(utcDate(input.fedAt), 'fedAt').errors;
}

/** Creates the feeding_event partition of the day (own short transaction, before the write). */
export function prepareFeeding(em: EntityManager, input: { fedAt: Date }): Promise<number> {
  const day = utcDate(input.fedAt);
  return ensurePartitions(em, 'feeding_event', day, day);
}

/** An assignment occupying a container, with its batch. */
export interface Occupant {
  id: number;
  batch_id: number;
}

/** The assignment occupying a container on a day (at most one: the exclusion constraint), if any. */
export async function occupantOn(tx: EntityManager, containerId: number, day: string): Promise<Occupant | null> {
  const { rows } = await txQuery<Occupant>(
    tx,
    `select id, batch_id from batch_container_assignment
      where container_id = $1 and assignment_date <= $2 and (departure_date is null or departure_date > $2)`,
    [containerId, day],
  );
  return rows[0] ?? null;
}

/** The container, feed and feed store a feeding names (NOT_FOUND on the field of one that does not exist). */
export interface FeedingRefs {
  container: Container;
  feed: Feed;
  feedContainer: FeedContainer | null;
}

export async function loadFeedingRefs(
  tx: EntityManager,
  input: { containerId: string; feedId: string; feedContainerId?: string | null },
): Promise<FeedingRefs> {
  const container = await tx.findOne(Container, decodeOrReject('Container', input.containerId, 'container', 'containerId'));
  if (!container) reject(UserErrorCode.NOT_FOUND, `No container with id ${input.containerId}`, 'containerId');
  const feed = await tx.findOne(Feed, decodeOrReject('Feed', input.feedId, 'feed', 'feedId'));
  if (!feed) reject(UserErrorCode.NOT_FOUND, `No feed with id ${input.feedId}`, 'feedId');
  let feedContainer: FeedContainer | null = null;
  if (input.feedContainerId) {
    feedContainer = await tx.findOne(FeedContainer, decodeOrReject('FeedContainer', input.feedContainerId, 'feed container', 'feedContainerId'));
    if (!feedContainer) reject(UserErrorCode.NOT_FOUND, `No feed container with id ${input.feedContainerId}`, 'feedContainerId');
  }
  return { container, feed, feedContainer };
}

/** The occupant a feeding on `day` goes to, read before the batch lock; VALIDATION on fedAt when none. */
export async function requireOccupant(tx: EntityManager, container: Container, day: string): Promise<Occupant> {
  const seen = await occupantOn(tx, container.id, day);
  if (!seen) reject(UserErrorCode.VALIDATION, `No batch occupies container ${container.name} on ${day}`, 'fedAt');
  return seen;
}

/**
 * Under the batch lock, confirms the occupant seen before it (an assignment edit between the two reads means a
 * retry: CONFLICT) and that a linked assignment is that occupant (VALIDATION on assignmentId, NOT_FOUND when it
 * does not exist).
 */
export async function confirmAttribution(
  tx: EntityManager,
  container: Container,
  day: string,
  seen: Occupant,
  linked: { id: number; globalId: string } | null,
): Promise<Occupant> {
  const occupant = await occupantOn(tx, container.id, day);
  if (!occupant || occupant.id !== seen.id) reject(UserErrorCode.CONFLICT, `The occupancy of container ${container.name} changed concurrently; retry`, 'containerId');
  if (linked != null && linked.id !== occupant.id) {
    const assignment = await tx.findOne(BatchContainerAssignment, linked.id);
    if (!assignment) reject(UserErrorCode.NOT_FOUND, `No assignment with id ${linked.globalId}`, 'assignmentId');
    reject(UserErrorCode.VALIDATION, `The assignment does not occupy container ${container.name} on ${day}`, 'assignmentId');
  }
  return occupant;
}

/**
 * Records feed given to a container (data-model.md §2.2). The feeding date is the UTC day of `fedAt`; the feed
 * belongs to the assignment occupying the container that day (a linked assignment must be that one). Marks that
 * assignment dirty from the feeding day, under its batch's lock.
 */
export async function createFeedingEvent(tx: EntityManager, input: FeedingEventCreateInput, viewerName: string): Promise<FeedingEventCreateResult> {
  const day = utcDate(input.fedAt);
  const { container, feed, feedContainer } = await loadFeedingRefs(tx, input);
  const linkedId = input.assignmentId ? decodeOrReject('BatchContainerAssignment', input.assignmentId, 'assignment', 'assignmentId') : null;

  const seen = await requireOccupant(tx, container, day);
  await lockBatch(tx, seen.batch_id);
  // Under the batch lock the occupancy is settled.
  const occupant = await confirmAttribution(tx, container, day, seen, linkedId == null ? null : { id: linkedId, globalId: input.assignmentId! });
  const event = tx.create(FeedingEvent, {
    feedingDate: day,
    container,
    assignment: linkedId != null ? tx.getReference(BatchContainerAssignment, linkedId) : null,
    feed,
    feedContainer,
    fedAt: input.fedAt,
    amountKg: roundTo(input.amountKg, 4),
    method: input.method,
    recordedBy: viewerName,
    notes: input.notes ?? null,
  });
  await tx.flush();
  return { resource: { type: 'FeedingEvent', id: event.id }, assignmentId: occupant.id, marks: [{ assignmentId: occupant.id, date: day }] };
}
