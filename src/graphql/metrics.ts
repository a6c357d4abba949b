import type { WorkerEvents } from 'graphile-worker';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Process-wide Prometheus metrics, served on `GET /metrics` by the API process. Modules record through the
 * `metrics` object below; nothing else touches prom-client.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const requestDuration = new Histogram({
  name: 'aquagraph_graphql_request_duration_seconds',
  help: 'GraphQL HTTP request latency, from receipt to response, by operation name, type and outcome.',
  labelNames: ['operation', 'type', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers: [metricsRegistry],
});

const sqlStatements = new Histogram({
  name: 'aquagraph_graphql_sql_statements',
  help: 'SQL statements issued while serving one GraphQL HTTP request, by operation name.',
  labelNames: ['operation'] as const,
  buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100, 200, 500, 1000],
  registers: [metricsRegistry],
});

const authFailures = new Counter({
  name: 'aquagraph_auth_failures_total',
  help: 'Requests and WebSocket connections refused for a missing or invalid API token.',
  labelNames: ['transport', 'reason'] as const,
  registers: [metricsRegistry],
});

const limitRejections = new Counter({
  name: 'aquagraph_graphql_limit_rejections_total',
  help: 'Operations refused for exceeding a query limit (depth, cost, aliases, directives).',
  labelNames: ['limit'] as const,
  registers: [metricsRegistry],
});

const wsConnections = new Gauge({
  name: 'aquagraph_ws_connections',
  help: 'Open graphql-ws connections that passed authentication.',
  registers: [metricsRegistry],
});

const wsOperations = new Counter({
  name: 'aquagraph_ws_operations_total',
  help: 'Operations started over graphql-ws, by type.',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

const jobs = new Counter({
  name: 'aquagraph_jobs_total',
  help: 'Queue job runs by kind and status (success; error = an attempt failed; failed = no attempts left).',
  labelNames: ['kind', 'status'] as const,
  registers: [metricsRegistry],
});

const jobDuration = new Histogram({
  name: 'aquagraph_job_duration_seconds',
  help: 'Queue job run time by kind and status.',
  labelNames: ['kind', 'status'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  registers: [metricsRegistry],
});

const seedRunRows = new Counter({
  name: 'aquagraph_seed_run_rows_written_total',
  help: 'Rows written by seed runs, by table.',
  labelNames: ['table'] as const,
  registers: [metricsRegistry],
});

/** Operation names come from clients: keep the label set bounded. */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const operationLabels = new Set<string>();

function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  if (operationLabels.has(name)) return name;
  if (operationLabels.size >= MAX_OPERATION_LABELS) return 'other';
  operationLabels.add(name);
  return name;
}

export type JobStatus = 'success' | 'error' | 'failed';

export const metrics = {
  /** One GraphQL HTTP request. `type`: query, mutation, subscription or `invalid` (parse/validation failed). */
  graphqlRequest(request: {
    operationName: string | null | undefined;
    type: string;
    outcome: 'ok' | 'error';
    durationMs: number;
    sqlStatements: number;
  }): void {
    const operation = operationLabel(request.operationName);
    requestDuration.observe({ operation, type: request.type, outcome: request.outcome }, request.durationMs / 1000);
    sqlStatements.observe({ operation }, request.sqlStatements);
  },

  authFailure(transport: 'http' | 'ws', reason: 'missing' | 'invalid'): void {
    authFailures.inc({ transport, reason });
  },

  limitRejected(limit: string): void {
    limitRejections.inc({ limit });
  },

  wsConnectionOpened(): void {
    wsConnections.inc();
  },

  wsConnectionClosed(): void {
    wsConnections.dec();
  },

  wsOperation(type: string): void {
    wsOperations.inc({ type });
  },

  /**
   * One run of a queue job. Call it for work that does not run as a graphile-worker task; tasks of a runner
   * passed to `observeQueue` are counted already.
   */
  jobCompleted(kind: string, status: JobStatus, durationMs: number): void {
    jobs.inc({ kind, status });
    jobDuration.observe({ kind, status }, durationMs / 1000);
  },

  /** Rows a seed run wrote to one table (call per committed chunk). */
  seedRunRowsWritten(table: string, rows: number): void {
    if (rows > 0) seedRunRows.inc({ table }, rows);
  },

  /**
   * Counts and times every job of a graphile-worker runner by task identifier: `observeQueue(runner.events)`.
   * Returns a function that detaches the listeners.
   */
  observeQueue(events: WorkerEvents): () => void {
    const startedAt = new Map<string, number>();
    const elapsedMs = (id: string) => {
      const start = startedAt.get(id);
      startedAt.delete(id);
      return start === undefined ? 0 : performance.now() - start;
    };
    const onStart = ({ job }: { job: { id: string } }) => startedAt.set(job.id, performance.now());
    const onSuccess = ({ job }: { job: { id: string; task_identifier: string } }) =>
      metrics.jobCompleted(job.task_identifier, 'success', elapsedMs(job.id));
    const onError = ({ job }: { job: { id: string; task_identifier: string; attempts: number; max_attempts: number } }) =>
      metrics.jobCompleted(job.task_identifier, job.attempts >= job.max_attempts ? 'failed' : 'error', elapsedMs(job.id));
    events.on('job:start', onStart);
    events.on('job:success', onSuccess);
    events.on('job:error', onError);
    return () => {
      events.off('job:start', onStart);
      events.off('job:success', onSuccess);
      events.off('job:error', onError);
    };
  },

  contentType: metricsRegistry.contentType,

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return metricsRegistry.metrics();
  },
};
