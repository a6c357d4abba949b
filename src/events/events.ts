/**
 * Domain events published after commit (CONVENTIONS.md pattern 7). They travel through PostgreSQL
 * LISTEN/NOTIFY, so a worker process (or machine) that publishes reaches subscribers on every API process.
 * Payloads carry ids and numbers only; subscribers load what they show with a fresh EntityManager fork.
 */
export const EVENTS_CHANNEL = 'aquagraph_events';

export type RecomputeStatusName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface RecomputeProgressEvent {
  type: 'RECOMPUTE_PROGRESS';
  jobId: number;
  batchId: number;
  status: RecomputeStatusName;
}

export interface BatchUpdatedEvent {
  type: 'BATCH_UPDATED';
  batchId: number;
  /** Earliest day that may have changed (for recomputes: the start of the rewritten range). */
  fromDate: string | null;
  kind: 'INPUT' | 'DAILY_STATE';
}

export type DomainEvent = RecomputeProgressEvent | BatchUpdatedEvent;

/** Parses a NOTIFY payload; null for anything that is not one of our events. */
export function parseEvent(payload: string | undefined): DomainEvent | null {
  if (!payload) return null;
  try {
    const event = JSON.parse(payload) as DomainEvent;
    return event && (event.type === 'RECOMPUTE_PROGRESS' || event.type === 'BATCH_UPDATED') ? event : null;
  } catch {
    return null;
  }
}
