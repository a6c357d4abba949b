import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import type { DomainEvent } from '../../events/events.js';
import { publishEvents } from '../../events/publisher.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { UserError, UserErrorCode, UserErrorException } from '../../graphql/common/user-error.js';
import type { RecomputeReason } from '../enums.js';
import { markDirtyAndEnqueue, type DirtyMarkInput } from '../growth/recompute.service.js';

/** Longest accepted `idempotencyKey`. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 100;
/** Attempts of a write that lost a deadlock or serialization race (PostgreSQL picks a victim; we retry it). */
const MAX_ATTEMPTS = 3;

/** What a write did, as far as the runner is concerned. */
export interface WriteResult {
  /** The resource created or changed: stored for idempotent replays and returned to the resolver. */
  resource: { type: string; id: number } | null;
  /** Assignments whose growth inputs changed, from which day (growth-engine.md §6). */
  marks: DirtyMarkInput[];
}

export interface OperationSpec<W extends WriteResult> {
  /** GraphQL mutation name, e.g. `transferCreate`; an idempotency key is bound to it. */
  mutation: string;
  /** For create mutations: the optional key and the input it protects (hashed without the key). */
  idempotency?: { key: string | null | undefined; input: object };
  /** Work before the transaction, in short transactions of its own (partition creation). */
  before?: (em: EntityManager) => Promise<void>;
  /**
   * The write, inside the one transaction. Validation failures throw `UserErrorException` (the transaction rolls
   * back: nothing is written). Pending ORM changes are flushed by the runner before the dirty marks.
   */
  write: (tx: EntityManager) => Promise<W>;
  /**
   * Constraint violations the checks make unlikely but cannot exclude (a racing writer outside the locks), as
   * user errors keyed by constraint name. The exclusion constraint on assignments always maps to CONFLICT.
   */
  constraintErrors?: Record<string, UserError>;
  /** Reason of the recompute job the dirty marks enqueue (default INPUT_CHANGED; a scenario change is SCENARIO_CHANGED). */
  recomputeReason?: RecomputeReason;
}

export type OperationOutcome<W> =
  | {
      ok: true;
      /** Null on an idempotent replay (nothing ran). */
      write: W | null;
      resourceId: number | null;
      /** Recompute jobs queued or merged into by this write (on a replay: the first attempt's job). */
      recomputeJobIds: number[];
      replayed: boolean;
    }
  | { ok: false; userErrors: UserError[] };

interface StoredKey {
  mutation: string;
  request_hash: string;
  resource_id: number | null;
  recompute_job_id: number | null;
}

/**
 * Runs one operational write the way CONVENTIONS.md patterns 4–9 describe: one transaction (claiming the
 * idempotency key first, then the caller's locks and checks), dirty marks and the recompute enqueue in that same
 * transaction, events published after commit, and user errors as data. A transaction that loses a deadlock is
 * retried from scratch.
 */
export async function runOperation<W extends WriteResult>(ctx: GraphQLContext, spec: OperationSpec<W>): Promise<OperationOutcome<W>> {
  const key = spec.idempotency?.key ?? null;
  if (key !== null && (key.trim().length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH)) {
    return failure(
      UserError.of(UserErrorCode.VALIDATION, `idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`, ['input', 'idempotencyKey']),
    );
  }
  const requestHash = key === null ? '' : hashInput(spec.mutation, spec.idempotency!.input);
  if (spec.before) await spec.before(ctx.em);

  for (let attempt = 1; ; attempt++) {
    // A fork of its own: nothing the write loads lingers in the request's identity map, so the payload (loaded
    // through ctx.loaders after commit) shows the committed rows.
    const em = ctx.em.fork({ clear: true }) as EntityManager;
    try {
      const done = await em.transactional(async (tx) => {
        if (key !== null) {
          const stored = await claimKey(tx, ctx.viewer.name, key, spec.mutation, requestHash);
          if (stored) return { kind: 'replay' as const, stored };
        }
        const write = await spec.write(tx);
        await tx.flush();
        const enqueued = await markDirtyAndEnqueue(tx, write.marks, spec.recomputeReason);
        if (key !== null) {
          await txQuery(
            tx,
            `update mutation_idempotency set resource_type = $3, resource_id = $4, recompute_job_id = $5
              where viewer_name = $1 and idempotency_key = $2`,
            [ctx.viewer.name, key, write.resource?.type ?? null, write.resource?.id ?? null, enqueued[0]?.jobId ?? null],
          );
        }
        return { kind: 'written' as const, write, enqueued };
      });
      if (done.kind === 'replay') {
        return {
          ok: true,
          write: null,
          resourceId: done.stored.resource_id,
          recomputeJobIds: done.stored.recompute_job_id == null ? [] : [done.stored.recompute_job_id],
          replayed: true,
        };
      }
      const events: DomainEvent[] = done.enqueued.flatMap(({ batchId, fromDate, jobId }): DomainEvent[] => [
        { type: 'RECOMPUTE_PROGRESS', jobId, batchId, status: 'QUEUED' },
        { type: 'BATCH_UPDATED', batchId, fromDate, kind: 'INPUT' },
      ]);
      await publishEvents(ctx.em, events);
      return {
        ok: true,
        write: done.write,
        resourceId: done.write.resource?.id ?? null,
        recomputeJobIds: done.enqueued.map((e) => e.jobId),
        replayed: false,
      };
    } catch (error) {
      if (error instanceof UserErrorException) return failure(error.userError);
      const code = sqlState(error);
      if ((code === '40P01' || code === '40001') && attempt < MAX_ATTEMPTS) continue;
      const mapped = constraintUserError(error, spec.constraintErrors);
      if (mapped) return failure(mapped);
      throw error;
    }
  }
}

function failure(...userErrors: UserError[]): { ok: false; userErrors: UserError[] } {
  return { ok: false, userErrors };
}

/**
 * Forgets idempotency keys claimed more than `ttlDays` days ago (the nightly `idempotency_key_expiry` job), so the
 * table stays bounded: a retry within the window replays its first result, a request after it is new. Returns how
 * many keys were forgotten.
 */
export async function expireIdempotencyKeys(em: EntityManager, ttlDays: number): Promise<number> {
  if (!Number.isInteger(ttlDays) || ttlDays < 1) throw new Error(`expireIdempotencyKeys: ttlDays must be a positive integer (got ${ttlDays})`);
  return em.transactional(async (tx) => {
    const { rowCount } = await txQuery(tx, `delete from mutation_idempotency where created_at < now() - make_interval(days => $1)`, [ttlDays]);
    return rowCount ?? 0;
  });
}

/**
 * Claims (viewer, key) for this mutation. Returns null when this transaction now owns the key, or the first
 * attempt's stored result. A concurrent attempt holding the key makes the INSERT wait until it commits (then the
 * SELECT sees its row) or rolls back (then the INSERT succeeds): only one of them ever writes.
 */
async function claimKey(tx: EntityManager, viewerName: string, key: string, mutation: string, requestHash: string): Promise<StoredKey | null> {
  const claimed = await txQuery(
    tx,
    `insert into mutation_idempotency (viewer_name, idempotency_key, mutation, request_hash) values ($1, $2, $3, $4)
     on conflict (viewer_name, idempotency_key) do nothing returning 1`,
    [viewerName, key, mutation, requestHash],
  );
  if (claimed.rowCount === 1) return null;
  const { rows } = await txQuery<StoredKey>(
    tx,
    `select mutation, request_hash, resource_id, recompute_job_id from mutation_idempotency
      where viewer_name = $1 and idempotency_key = $2`,
    [viewerName, key],
  );
  const stored = rows[0]!;
  if (stored.mutation !== mutation) {
    throw new UserErrorException(
      UserError.of(UserErrorCode.VALIDATION, `idempotencyKey "${key}" was already used for ${stored.mutation}; use a new key`, [
        'input',
        'idempotencyKey',
      ]),
    );
  }
  if (stored.request_hash !== requestHash) {
    throw new UserErrorException(
      UserError.of(UserErrorCode.VALIDATION, `idempotencyKey "${key}" was already used with a different input; use a new key`, [
        'input',
        'idempotencyKey',
      ]),
    );
  }
  return stored;
}

/** SHA-256 of the mutation name and the input in canonical JSON (sorted keys), without the key itself. */
export function hashInput(mutation: string, input: object): string {
  return createHash('sha256').update(mutation).update('\n').update(canonicalJson(input, true)).digest('hex');
}

function canonicalJson(value: unknown, top = false): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([name, item]) => item !== undefined && item !== null && !(top && name === 'idempotencyKey'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SQLSTATE of a pg error, also when MikroORM wrapped it (its exceptions copy the driver error's fields). */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as { code?: unknown }).code as string | undefined) : undefined;
}

function constraintUserError(error: unknown, known: Record<string, UserError> | undefined): UserError | null {
  const code = sqlState(error);
  const constraint = (error as { constraint?: string }).constraint ?? '';
  if (code === '23P01' && constraint === 'batch_container_assignment_no_overlap') {
    return (
      known?.[constraint] ??
      UserError.of(UserErrorCode.CONFLICT, 'The container is occupied by another assignment on that day (it was taken concurrently)')
    );
  }
  if ((code === '23505' || code === '23P01') && known?.[constraint]) return known[constraint]!;
  return null;
}
