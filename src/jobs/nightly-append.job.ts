import type { MikroORM } from '@mikro-orm/postgresql';
import { txQuery } from '../db/raw-sql.js';
import { RecomputeReason } from '../modules/enums.js';
import { markDirtyAndEnqueue } from '../modules/growth/recompute.service.js';
import type { Logger } from '../logger.js';

/**
 * Nightly append (growth-engine.md §6): open assignments of active batches are marked dirty from their last
 * stored row (their start when they have none), so the next recompute extends their series to today.
 */
export async function nightlyAppend(orm: MikroORM, log: Logger): Promise<number> {
  const enqueued = await orm.em.fork().transactional(async (tx) => {
    const { rows } = await txQuery<{ id: number; from_date: string }>(
      tx,
      `select a.id, coalesce(last_row.date, a.assignment_date) as from_date
         from batch_container_assignment a
         join batch b on b.id = a.batch_id and b.status = 'ACTIVE'
         left join lateral (select max(d.date) as date from daily_assignment_state d where d.assignment_id = a.id) last_row on true
        where a.departure_date is null`,
    );
    return markDirtyAndEnqueue(
      tx,
      rows.map((row) => ({ assignmentId: row.id, date: row.from_date })),
      RecomputeReason.NIGHTLY_APPEND,
    );
  });
  log.info({ batches: enqueued.length }, 'nightly append enqueued');
  return enqueued.length;
}
