import type { EntityManager } from '@mikro-orm/postgresql';
import { EVENTS_CHANNEL, type DomainEvent } from './events.js';

/**
 * Sends events with `pg_notify`. Call it only after the transaction that made them true has committed
 * (with a non-transactional EntityManager): a NOTIFY sent inside a transaction would be delivered at commit,
 * but publishing after commit keeps the rule obvious at every call site.
 */
export async function publishEvents(em: EntityManager, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await em.execute(
    events.map(() => 'select pg_notify(?, ?)').join(' union all '),
    events.flatMap((event) => [EVENTS_CHANNEL, JSON.stringify(event)]),
    'all',
    em.getLoggerContext(),
  );
}
