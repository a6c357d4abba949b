import { pino } from 'pino';
import { expect } from 'vitest';
import { runQueuedRecompute } from '../../../src/modules/growth/recompute.service.js';
import { today, type MutationEnv, type UserErrorShape } from './mutation-fixtures.js';

/** The numeric id inside a global id. */
export const idOf = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString().split(':')[1]);

/** Runs mutation `name` with `{ input }` (as `ops`, or the token with `secret`), checks it raised no GraphQL error and returns its payload. */
export async function call<T>(
  env: MutationEnv,
  query: string,
  name: string,
  input: Record<string, unknown>,
  secret?: string,
): Promise<T & { userErrors: UserErrorShape[] }> {
  const res = await env.mutate<Record<string, T & { userErrors: UserErrorShape[] }>>(query, { input }, secret);
  expect(res.errors).toBeUndefined();
  return res.data![name]!;
}

/** Finishes the batches' queued jobs and clears their watermarks, so the next edit's job shows its own from_date. */
export async function settle(env: MutationEnv, ...batchIds: number[]): Promise<void> {
  await env.sql.query(`update recompute_job set status = 'SUCCEEDED', finished_at = now() where batch_id = any($1) and status = 'QUEUED'`, [batchIds]);
  await env.sql.query('update batch_container_assignment set dirty_from = null where batch_id = any($1)', [batchIds]);
}

/** Runs the batch's queued recompute job now (past its debounce), as the worker would. */
export async function runRecompute(env: MutationEnv, batchId: number): Promise<void> {
  await env.sql.query(`update recompute_job set not_before = now() where batch_id = $1 and status = 'QUEUED'`, [batchId]);
  const { outcome } = await runQueuedRecompute({ orm: env.app.orm, log: pino({ level: 'silent' }), today: () => today }, batchId);
  expect(outcome).toBe('done');
}

/** A row as JSON (null when gone), to prove a rejected edit left it as it was. */
export function snapshot(env: MutationEnv, table: string, id: number): Promise<{ row: Record<string, unknown> | null }> {
  return env.one(`select (select to_jsonb(t) from ${table} t where id = $1) as row`, [id]);
}

/** Runs `run` and checks it wrote nothing: every table count, the row itself and the recompute jobs are as before. */
export async function expectUnchanged(env: MutationEnv, table: string, id: number, run: () => Promise<void>): Promise<void> {
  // One after the other: the fixture's pg client runs one query at a time.
  const counts = await env.counts();
  const row = await snapshot(env, table, id);
  const jobs = await env.rows('select id, status, from_date from recompute_job order by id');
  await run();
  expect(await env.counts()).toEqual(counts);
  expect(await snapshot(env, table, id)).toEqual(row);
  expect(await env.rows('select id, status, from_date from recompute_job order by id')).toEqual(jobs);
}
