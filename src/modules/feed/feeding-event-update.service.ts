import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { toGlobalId } from '../../graphql/common/global-id.js';
import { UserErrorCode, type UserError } from '../../graphql/common/user-error.js';
import { utcDate } from '../../shared/dates.js';
import type { DirtyMarkInput } from '../growth/recompute.service.js';
import { assertVersion, checkEditInput, type EventEditResult } from '../operations/edit.js';
import { decodeOrReject, lockBatches, reject, roundTo } from '../operations/rules.js';
import {
  checkFeedingInput,
  confirmAttribution,
  loadFeedingRefs,
  occupantOn,
  requireOccupant,
  type Occupant,
} from './feeding-event-create.service.js';
import type { FeedingEventDeleteInput, FeedingEventUpdateInput } from './feeding-event-update.inputs.js';
import { FeedingEvent } from './feeding-event.entity.js';

const LABEL = 'feeding event';

/** Checks on an update's changes alone (nothing read), all reported at once; the create rules for what is given. */
export function checkFeedingUpdateInput(input: FeedingEventUpdateInput): UserError[] {
  const edit = checkEditInput(input, ['containerId', 'feedId', 'fedAt', 'amountKg', 'method']);
  return [...edit.errors, ...checkFeedingInput(input)];
}

/** The feeding event of a global id, read fresh; NOT_FOUND on `input.id` when there is none. */
async function findFeeding(tx: EntityManager, globalId: string): Promise<FeedingEvent> {
  const id = decodeOrReject('FeedingEvent', globalId, LABEL, 'id');
  const event = await tx.findOne(FeedingEvent, { id }, { refresh: true });
  if (!event) reject(UserErrorCode.NOT_FOUND, `No ${LABEL} with id ${globalId}`, 'id');
  return event;
}

/**
 * After the batch locks: the event again, at the version the caller saw and still in the container and day read
 * before the locks, and the assignment it was attributed to, unchanged (else a concurrent edit: retry).
 */
async function reloadLocked(
  tx: EntityManager,
  input: { id: string; version: number },
  seen: { containerId: number; feedingDate: string },
  seenOccupant: Occupant | null,
): Promise<FeedingEvent> {
  const event = await findFeeding(tx, input.id);
  assertVersion(LABEL, event.version, input.version);
  const occupant = await occupantOn(tx, event.container.id, event.feedingDate);
  if (event.container.id !== seen.containerId || event.feedingDate !== seen.feedingDate || occupant?.id !== seenOccupant?.id) {
    reject(UserErrorCode.CONFLICT, `The ${LABEL} or the occupancy of its container changed concurrently; retry`, 'id');
  }
  return event;
}

/**
 * Changes a feeding event with the rules of feedingEventCreate: the container must be occupied on the UTC day of
 * `fedAt`, and a linked assignment must be its occupant. A new `fedAt` may move the row to another partition (the
 * feeding date is part of its key), so the row is rewritten by SQL. When the container, day, link or amount
 * changed, marks the assignments that were and are fed dirty, from the earlier day when they are the same one.
 */
export async function updateFeedingEvent(tx: EntityManager, input: FeedingEventUpdateInput): Promise<EventEditResult> {
  const seen = await findFeeding(tx, input.id);
  const refs = await loadFeedingRefs(tx, {
    containerId: input.containerId ?? toGlobalId('Container', seen.container.id),
    feedId: input.feedId ?? toGlobalId('Feed', seen.feed.id),
    feedContainerId: input.feedContainerId !== undefined ? input.feedContainerId : seen.feedContainer ? toGlobalId('FeedContainer', seen.feedContainer.id) : null,
  });
  const linkedId =
    input.assignmentId === undefined
      ? (seen.assignment?.id ?? null)
      : input.assignmentId === null
        ? null
        : decodeOrReject('BatchContainerAssignment', input.assignmentId, 'assignment', 'assignmentId');
  const fedAt = input.fedAt ?? seen.fedAt;
  const day = utcDate(fedAt);

  const seenOld = await occupantOn(tx, seen.container.id, seen.feedingDate);
  const seenNew = await requireOccupant(tx, refs.container, day);
  await lockBatches(tx, [seenNew.batch_id, ...(seenOld ? [seenOld.batch_id] : [])]);
  const event = await reloadLocked(tx, input, { containerId: seen.container.id, feedingDate: seen.feedingDate }, seenOld);
  const occupant = await confirmAttribution(tx, refs.container, day, seenNew, linkedId == null ? null : { id: linkedId, globalId: input.assignmentId ?? toGlobalId('BatchContainerAssignment', linkedId) });

  const amountKg = input.amountKg != null ? roundTo(input.amountKg, 4) : event.amountKg;
  const { rowCount } = await txQuery(
    tx,
    `update feeding_event
        set feeding_date = $3, container_id = $4, assignment_id = $5, feed_id = $6, feed_container_id = $7, fed_at = $8,
            amount_kg = $9, method = $10, notes = $11, updated_at = now(), version = version + 1
      where id = $1 and feeding_date = $2 and version = $12`,
    [
      event.id,
      event.feedingDate,
      day,
      refs.container.id,
      linkedId,
      refs.feed.id,
      refs.feedContainer?.id ?? null,
      fedAt,
      amountKg,
      input.method ?? event.method,
      input.notes !== undefined ? input.notes : (event.notes ?? null),
      event.version,
    ],
  );
  // Unreachable under the batch lock; a guard so a lost update can never pass silently.
  if (rowCount !== 1) reject(UserErrorCode.CONFLICT, `The ${LABEL} changed concurrently; retry`, 'id');

  const engineInputChanged =
    refs.container.id !== event.container.id || day !== event.feedingDate || linkedId !== (event.assignment?.id ?? null) || amountKg !== event.amountKg;
  const marks: DirtyMarkInput[] = [];
  if (engineInputChanged) {
    if (seenOld && seenOld.id === occupant.id) {
      marks.push({ assignmentId: occupant.id, date: event.feedingDate < day ? event.feedingDate : day });
    } else {
      if (seenOld) marks.push({ assignmentId: seenOld.id, date: event.feedingDate });
      marks.push({ assignmentId: occupant.id, date: day });
    }
  }
  return { resource: { type: 'FeedingEvent', id: event.id }, assignmentId: occupant.id, batchId: occupant.batch_id, marks };
}

/** Deletes a feeding event; marks the assignment it was attributed to (the container's occupant that day) dirty from its day. */
export async function deleteFeedingEvent(tx: EntityManager, input: FeedingEventDeleteInput): Promise<EventEditResult> {
  const seen = await findFeeding(tx, input.id);
  const occupant = await occupantOn(tx, seen.container.id, seen.feedingDate);
  if (occupant) await lockBatches(tx, [occupant.batch_id]);
  const event = await reloadLocked(tx, input, { containerId: seen.container.id, feedingDate: seen.feedingDate }, occupant);
  const { rowCount } = await txQuery(tx, 'delete from feeding_event where id = $1 and feeding_date = $2 and version = $3', [
    event.id,
    event.feedingDate,
    event.version,
  ]);
  if (rowCount !== 1) reject(UserErrorCode.CONFLICT, `The ${LABEL} changed concurrently; retry`, 'id');
  return {
    resource: { type: 'FeedingEvent', id: event.id },
    assignmentId: occupant?.id ?? null,
    batchId: occupant?.batch_id ?? null,
    marks: occupant ? [{ assignmentId: occupant.id, date: event.feedingDate }] : [],
  };
}
