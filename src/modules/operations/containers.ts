import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode } from '../../graphql/common/user-error.js';
import { ContainerHierarchyRole } from '../enums.js';
import { Container } from '../infrastructure/container.entity.js';
import { reject } from './rules.js';

/** An assignment holding a container on some day of an interval. */
export interface ContainerOccupant {
  id: number;
  batch_id: number;
  batch_number: string;
  assignment_date: string;
  departure_date: string | null;
}

/**
 * The first assignment holding `containerId` on some day of `[from, until)` (`until` null: open-ended), other than
 * `exceptAssignmentId`. Run it after locking the container: as its own statement it sees what an earlier lock
 * holder committed (STACK.md locking facts).
 */
export async function containerOccupant(
  tx: EntityManager,
  containerId: number,
  from: string,
  until: string | null,
  exceptAssignmentId: number | null = null,
): Promise<ContainerOccupant | null> {
  const { rows } = await txQuery<ContainerOccupant>(
    tx,
    `select a.id, a.batch_id, b.batch_number, a.assignment_date, a.departure_date
       from batch_container_assignment a join batch b on b.id = a.batch_id
      where a.container_id = $1 and (a.departure_date is null or a.departure_date > $2)
        and ($3::date is null or a.assignment_date < $3::date)
        and ($4::bigint is null or a.id <> $4::bigint)
      order by a.assignment_date limit 1`,
    [containerId, from, until, exceptAssignmentId],
  );
  return rows[0] ?? null;
}

/** "from … to …" of an occupant, for messages. */
export const occupantSpan = (o: ContainerOccupant): string => `from ${o.assignment_date}${o.departure_date ? ` to ${o.departure_date}` : ''}`;

/**
 * A container for a new assignment of `batchId` from `day` on (transferCreate's destination, placementCreate's new
 * container): locked FOR UPDATE (callers hold the batch lock first), an active HOLDING container, checked free on
 * [day, ∞). Concurrent writers into one container serialise on the lock, and all but the first find it occupied
 * (CONFLICT on `path`); the exclusion constraint stays the proof. An assignment of the same batch in it is
 * reported with `sameBatchHint` (how to add fish to it instead).
 */
export async function lockFreeContainer(
  tx: EntityManager,
  globalIdLabel: string,
  containerId: number,
  batchId: number,
  day: string,
  sameBatchHint: string,
  ...path: Array<string | number>
): Promise<Container> {
  const container = await tx.findOne(Container, containerId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!container) reject(UserErrorCode.NOT_FOUND, `No container with id ${globalIdLabel}`, ...path);
  if (container.hierarchyRole !== ContainerHierarchyRole.HOLDING) {
    reject(UserErrorCode.CONFLICT, `Container ${container.name} is STRUCTURAL and cannot hold fish`, ...path);
  }
  if (!container.active) reject(UserErrorCode.CONFLICT, `Container ${container.name} is not active`, ...path);
  const occupant = await containerOccupant(tx, container.id, day, null);
  if (occupant) {
    reject(
      UserErrorCode.CONFLICT,
      occupant.batch_id === batchId
        ? `Container ${container.name} already holds an assignment of this batch ${occupantSpan(occupant)}: ${sameBatchHint}`
        : `Container ${container.name} is occupied by batch ${occupant.batch_number} ${occupantSpan(occupant)}`,
      ...path,
    );
  }
  return container;
}
