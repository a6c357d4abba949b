import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode } from '../../graphql/common/user-error.js';
import { todayUtc } from '../../shared/dates.js';
import type { WriteResult } from '../operations/operation.js';
import { InputChecks, reject, roundTo } from '../operations/rules.js';

/** Limits of the numeric columns (data-model.md §2.1): values must stay below them. */
export const LIMITS = {
  /** numeric(10,2): volumes (m³) and floor areas (m²). */
  numeric10: 1e8,
  /** numeric(12,2): container max biomass, kg. */
  numeric12: 1e10,
  /** numeric(14,2): area licence cap, kg. */
  numeric14: 1e12,
} as const;

/**
 * A decimal as its numeric(p,2) column stores it (null and undefined kept). Checks run on this value, so an input
 * that rounds to 0 or up to the limit is a VALIDATION, not a CHECK violation at flush.
 */
export const atScale2 = <V extends number | null | undefined>(value: V): V => (value == null ? value : (roundTo(value, 2) as V));

/** Description shared by every `version` argument of the infrastructure updates. */
export const VERSION_DESCRIPTION =
  'The version the change is based on (optimistic locking): when the stored version differs, the change is rejected with STALE_VERSION and nothing is written.';

/** What an infrastructure write did: the row it created or changed; reference data queues no recompute. */
export const written = (type: string, id: number): WriteResult => ({ resource: { type, id }, marks: [] });

/** Which containers a deactivation covers: one container, a hall's, an area's or a station's halls'. */
export type ContainerScope = { containerId: number } | { hallId: number } | { areaId: number } | { stationId: number };

function scopeSql(scope: ContainerScope): { where: string; id: number } {
  if ('containerId' in scope) return { where: 'c.id = $1', id: scope.containerId };
  if ('hallId' in scope) return { where: 'c.hall_id = $1', id: scope.hallId };
  if ('areaId' in scope) return { where: 'c.area_id = $1', id: scope.areaId };
  return { where: 'c.hall_id in (select h.id from hall h where h.station_id = $1)', id: scope.stationId };
}

/**
 * Refuses (VALIDATION on `active`) to take out of use a place where fish are or are booked: an assignment in one of
 * its containers without a departure or departing after today. The containers are locked first, in ascending id
 * order, against the FOR UPDATE every writer of a new assignment takes (lockFreeContainer, batchCreate), so no
 * assignment can slip in between this check and the commit. FOR NO KEY UPDATE, not FOR UPDATE: it still conflicts
 * with those writers but not with the FOR KEY SHARE that inserts referencing a container take (daily state rows of a
 * recompute, readings, feedings, sensors), which would otherwise wait on, and in another order deadlock with, the
 * deactivation of a whole hall, area or station.
 */
export async function assertNoFishIn(tx: EntityManager, scope: ContainerScope, what: string): Promise<void> {
  const { where, id } = scopeSql(scope);
  await txQuery(tx, `select c.id from container c where ${where} order by c.id for no key update`, [id]);
  const { rows } = await txQuery<{ container: string; batch_number: string }>(
    tx,
    `select c.name as container, b.batch_number from batch_container_assignment a
       join container c on c.id = a.container_id join batch b on b.id = a.batch_id
      where ${where} and (a.departure_date is null or a.departure_date > $2)
      order by c.name, a.assignment_date limit 1`,
    [id, todayUtc()],
  );
  if (rows[0]) {
    reject(
      UserErrorCode.VALIDATION,
      `${what} cannot be made inactive: container ${rows[0].container} holds or is booked for batch ${rows[0].batch_number} (close or move the assignment first)`,
      'active',
    );
  }
}

/** Checks on coordinates (WGS84 degrees), when given. */
export function checkCoordinates(checks: InputChecks, latitude: number | null | undefined, longitude: number | null | undefined): InputChecks {
  if (latitude != null) checks.check(latitude >= -90 && latitude <= 90, `latitude must be between −90 and 90 (got ${latitude})`, 'latitude');
  if (longitude != null) checks.check(longitude >= -180 && longitude <= 180, `longitude must be between −180 and 180 (got ${longitude})`, 'longitude');
  return checks;
}
