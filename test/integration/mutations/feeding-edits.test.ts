import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { expectUnchanged, idOf, runRecompute, settle, snapshot } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
/** Long enough ago that its feedings span several quarterly feeding_event partitions. */
const start = daysAgo(200);
/** Batch FE-001 in tank T01 from `start`. */
let batch: { id: number; assignments: number[] };
/** Batch FE-002 in tank T02 from `start`, departed on start + 20. */
let other: { id: number; assignments: number[] };

beforeAll(async () => {
  env = await MutationEnv.start();
  batch = await env.batch('FE-001', start, [env.ids.tanks[0]!], 1_000, 50);
  other = await env.batch('FE-002', start, [env.ids.tanks[1]!], 1_000, 50);
  await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [other.assignments[0], addDays(start, 20)]);
});

afterAll(async () => {
  await env.stop();
});

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const T01 = () => gid('Container', env.ids.tanks[0]!);
const T02 = () => gid('Container', env.ids.tanks[1]!);
const at = (day: string) => `${day}T06:00:00.000Z`;

const CREATE = `mutation($input: FeedingEventCreateInput!) { feedingEventCreate(input: $input) { feedingEvent { id version } ${USER_ERRORS} } }`;
const UPDATE = `mutation($input: FeedingEventUpdateInput!) {
  feedingEventUpdate(input: $input) {
    feedingEvent { id version feedingDate fedAt amountKg method notes }
    assignment { id }
    recomputeJob { status fromDate batch { id } }
    ${USER_ERRORS}
  }
}`;
const DELETE = `mutation($input: FeedingEventDeleteInput!) {
  feedingEventDelete(input: $input) { deletedId assignment { id } recomputeJob { status fromDate batch { id } } ${USER_ERRORS} }
}`;

type Job = { status: string; fromDate: string; batch: { id: string } } | null;
type UpdateResult = {
  feedingEventUpdate: {
    feedingEvent: { id: string; version: number; feedingDate: string; fedAt: string; amountKg: number; method: string; notes: string | null } | null;
    assignment: { id: string } | null;
    recomputeJob: Job;
    userErrors: UserErrorShape[];
  };
};
type DeleteResult = { feedingEventDelete: { deletedId: string | null; assignment: { id: string } | null; recomputeJob: Job; userErrors: UserErrorShape[] } };

async function feed(day: string, extra: Record<string, unknown> = {}) {
  const res = await env.mutate<{ feedingEventCreate: { feedingEvent: { id: string; version: number }; userErrors: UserErrorShape[] } }>(CREATE, {
    input: { containerId: T01(), feedId: gid('Feed', env.ids.feed), fedAt: at(day), amountKg: 10, method: 'AUTOMATIC', notes: 'morning', ...extra },
  });
  expect(res.data!.feedingEventCreate.userErrors).toEqual([]);
  return res.data!.feedingEventCreate.feedingEvent;
}
async function update(input: Record<string, unknown>) {
  const res = await env.mutate<UpdateResult>(UPDATE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.feedingEventUpdate;
}
async function remove(input: Record<string, unknown>) {
  const res = await env.mutate<DeleteResult>(DELETE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.feedingEventDelete;
}
const partitionOf = async (id: number) =>
  (await env.one<{ part: string }>('select tableoid::regclass::text as part from feeding_event where id = $1', [id])).part;

describe('feedingEventUpdate', () => {
  it('moves a feeding to another day (and partition), bumps the version and queues a recompute from the earlier day', async () => {
    const event = await feed(addDays(start, 150));
    const id = idOf(event.id);
    const oldPartition = await partitionOf(id);
    await settle(env, batch.id);

    const earlier = await update({ id: event.id, version: 1, fedAt: at(addDays(start, 10)), amountKg: 20.123456 });
    expect(earlier.userErrors).toEqual([]);
    expect(earlier.feedingEvent).toMatchObject({ id: event.id, version: 2, feedingDate: addDays(start, 10), fedAt: at(addDays(start, 10)), amountKg: 20.1235, notes: 'morning' });
    expect(earlier.assignment).toEqual({ id: aGid(batch.assignments[0]!) });
    expect(earlier.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 10), batch: { id: gid('Batch', batch.id) } });
    expect(await env.one('select feeding_date, amount_kg, version from feeding_event where id = $1', [id])).toEqual({
      feeding_date: addDays(start, 10),
      amount_kg: 20.1235,
      version: 2,
    });
    expect(await partitionOf(id)).not.toBe(oldPartition);

    await settle(env, batch.id);
    const later = await update({ id: event.id, version: 2, fedAt: at(addDays(start, 30)), notes: null });
    expect(later.feedingEvent).toMatchObject({ version: 3, feedingDate: addDays(start, 30), notes: null });
    expect(later.recomputeJob).toMatchObject({ fromDate: addDays(start, 10) });
    expect((await env.assignment(batch.assignments[0]!)).dirty_from).toBe(addDays(start, 10));

    // Method and notes are no engine input: the version moves, nothing is queued.
    await settle(env, batch.id);
    const method = await update({ id: event.id, version: 3, method: 'MANUAL', notes: 'by hand' });
    expect(method).toMatchObject({ feedingEvent: { version: 4, method: 'MANUAL', notes: 'by hand' }, recomputeJob: null, userErrors: [] });
    expect(await env.queuedJob(batch.id)).toBeUndefined();
  });

  it("moves a feeding to another container: the old occupant from the old day, the new occupant's batch from the new day", async () => {
    const event = await feed(addDays(start, 12));
    await settle(env, batch.id, other.id);
    const moved = await update({ id: event.id, version: 1, containerId: T02(), fedAt: at(addDays(start, 8)) });
    expect(moved.userErrors).toEqual([]);
    expect(moved.assignment).toEqual({ id: aGid(other.assignments[0]!) });
    expect(moved.recomputeJob).toMatchObject({ fromDate: addDays(start, 8), batch: { id: gid('Batch', other.id) } });
    expect((await env.queuedJob(batch.id))!.from_date).toBe(addDays(start, 12));
    expect((await env.assignment(other.assignments[0]!)).dirty_from).toBe(addDays(start, 8));
  });

  it('keeps the create rules: a linked assignment must occupy the (new) container that day; clearing the link moves freely', async () => {
    const event = await feed(addDays(start, 14), { assignmentId: aGid(batch.assignments[0]!) });
    await expectUnchanged(env, 'feeding_event', idOf(event.id), async () => {
      const linked = await update({ id: event.id, version: 1, containerId: T02() });
      expect(linked.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'assignmentId'] });
    });
    const unlinked = await update({ id: event.id, version: 1, containerId: T02(), assignmentId: null });
    expect(unlinked.userErrors).toEqual([]);
    expect(unlinked.assignment).toEqual({ id: aGid(other.assignments[0]!) });
    expect((await env.one<{ assignment_id: number | null }>('select assignment_id from feeding_event where id = $1', [idOf(event.id)])).assignment_id).toBeNull();
  });

  it('rejects a stale version, bad amounts, empty containers, future days and wrong ids, writing nothing', async () => {
    const event = await feed(addDays(start, 16));
    await update({ id: event.id, version: 1, amountKg: 11 });
    const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
      [{ version: 1, amountKg: 12 }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
      [{ amountKg: -1 }, { code: 'VALIDATION', field: ['input', 'amountKg'] }],
      [{ amountKg: null }, { code: 'VALIDATION', field: ['input', 'amountKg'] }],
      [{ fedAt: at(addDays(today, 2)) }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      // T02's assignment departed on start + 20; T01 was empty before start.
      [{ containerId: T02(), fedAt: at(addDays(start, 25)) }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      [{ fedAt: at(addDays(start, -3)) }, { code: 'VALIDATION', field: ['input', 'fedAt'] }],
      [{ assignmentId: aGid(other.assignments[0]!) }, { code: 'VALIDATION', field: ['input', 'assignmentId'] }],
      [{ feedId: gid('Feed', 9_999) }, { code: 'NOT_FOUND', field: ['input', 'feedId'] }],
      [{ containerId: gid('Container', 9_999) }, { code: 'NOT_FOUND', field: ['input', 'containerId'] }],
      [{ id: gid('MortalityEvent', idOf(event.id)) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('FeedingEvent', 99_999) }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
    ];
    await expectUnchanged(env, 'feeding_event', idOf(event.id), async () => {
      for (const [change, expected] of cases) {
        const result = await update({ id: event.id, version: 2, ...change });
        expect(result.feedingEvent, JSON.stringify(change)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(change)).toMatchObject(expected);
      }
      const stale = await remove({ id: event.id, version: 1 });
      expect(stale.userErrors[0]).toMatchObject({ code: 'STALE_VERSION', field: ['input', 'version'] });
      const wrongType = await remove({ id: gid('Feed', env.ids.feed), version: 1 });
      expect(wrongType.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
  });

  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const event = await feed(addDays(start, 17));
    await expectUnchanged(env, 'feeding_event', idOf(event.id), async () => {
      const res = await env.mutate(UPDATE, { input: { id: event.id, version: 1, amountKg: 99 } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await env.mutate(DELETE, { input: { id: event.id, version: 1 } }, SECRETS.alice);
      expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});

describe('feedingEventDelete', () => {
  it('deletes a feeding; after the recompute the feed of that day is back to 0', async () => {
    const day = addDays(start, 40);
    const event = await feed(day, { amountKg: 15 });
    await runRecompute(env, batch.id);
    const feedKg = async () =>
      (await env.one<{ feed_kg: number }>('select feed_kg from daily_assignment_state where assignment_id = $1 and date = $2', [batch.assignments[0], day])).feed_kg;
    expect(await feedKg()).toBe(15);

    const result = await remove({ id: event.id, version: 1 });
    expect(result).toMatchObject({ deletedId: event.id, assignment: { id: aGid(batch.assignments[0]!) }, userErrors: [] });
    expect(result.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: day, batch: { id: gid('Batch', batch.id) } });
    expect(await snapshot(env, 'feeding_event', idOf(event.id))).toEqual({ row: null });

    await runRecompute(env, batch.id);
    expect(await feedKg()).toBe(0);
    const again = await remove({ id: event.id, version: 1 });
    expect(again.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
  });
});
