import { createPubSub } from '@graphql-yoga/subscription';
import pg from 'pg';
import { EVENTS_CHANNEL, parseEvent, type BatchUpdatedEvent, type RecomputeProgressEvent } from '../events/events.js';
import type { Logger } from '../logger.js';
import { SEED_PROGRESS_CHANNEL } from '../modules/synthetic/run/coordinator.js';
import type { SeedRunProgress } from '../modules/synthetic/run/progress.js';

/** A seed-run progress snapshot from NOTIFY (the coordinator sends the whole snapshot as JSON). */
function parseSnapshot(payload: string | undefined): SeedRunProgress | null {
  try {
    const snapshot = payload ? (JSON.parse(payload) as SeedRunProgress) : null;
    return snapshot && typeof snapshot.runId === 'number' ? snapshot : null;
  } catch {
    return null;
  }
}

/** Typed topics of the in-process pub/sub that feeds GraphQL subscriptions. */
export interface Topics {
  [key: string]: [unknown];
  RECOMPUTE_PROGRESS: [RecomputeProgressEvent];
  BATCH_UPDATED: [BatchUpdatedEvent];
  SEED_RUN_PROGRESS: [SeedRunProgress];
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;

export function createAppPubSub() {
  return createPubSub<Topics>();
}

export interface EventRelay {
  stop(): Promise<void>;
}

/**
 * Relays domain events from PostgreSQL NOTIFY into this process's pub/sub, so events published by any process
 * (the in-process worker, `npm run worker` elsewhere, the seed CLI) reach this API's subscribers; seed-run progress
 * snapshots come on their own channel. Reconnects
 * with back-off when the listening connection drops.
 */
export async function startEventRelay(connectionString: string, pubSub: AppPubSub, log: Logger): Promise<EventRelay> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === SEED_PROGRESS_CHANNEL) {
        const snapshot = parseSnapshot(message.payload);
        if (snapshot) pubSub.publish('SEED_RUN_PROGRESS', snapshot);
        return;
      }
      const event = message.channel === EVENTS_CHANNEL ? parseEvent(message.payload) : null;
      if (event) pubSub.publish(event.type, event as never);
    });
    next.on('error', (error) => {
      log.warn({ err: error }, 'event relay connection lost; reconnecting');
      scheduleReconnect(1);
    });
    try {
      await next.connect();
      await next.query(`listen ${EVENTS_CHANNEL}; listen ${SEED_PROGRESS_CHANNEL}`);
      client = next;
    } catch (error) {
      await next.end().catch(() => undefined);
      if (attempt === 0) throw error;
      scheduleReconnect(attempt + 1);
    }
  };
  const scheduleReconnect = (attempt: number) => {
    if (stopped || retryTimer) return;
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect(attempt);
    }, Math.min(30_000, 250 * 2 ** attempt));
    retryTimer.unref();
  };

  await connect(0);
  return {
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
