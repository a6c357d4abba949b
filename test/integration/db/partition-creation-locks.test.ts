import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { TIME_PARTITIONED_TABLES, type TimePartitionedTable } from '../../../src/db/partitions.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { createBatch, createFarm } from '../../helpers/fixtures.js';

/**
 * ensure_time_partitions against concurrent writers (migration 0007): creating a partition must never deadlock
 * with a transaction that wrote to a table the partitioned table's foreign keys reference and then writes to the
 * partitioned table itself. Every scenario runs on real, separate connections.
 */

let db: TestDatabase;
let orm: MikroORM;
let observer: pg.Client;
const clients: pg.Client[] = [];
let containerId: number;
let assignmentId: number;

/** A connection on which a deadlock is reported after 100 ms instead of 1 s, and nothing hangs for long. */
async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`set deadlock_timeout = '100ms'; set statement_timeout = '30s'`);
  clients.push(client);
  return client;
}

async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]!.pid;
}

/** Waits until `pid` is blocked: on a heavyweight lock (the old, deadlocking behaviour) or in its back-off sleep. */
async function waitUntilWaiting(pid: number): Promise<{ waitEventType: string; waitEvent: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await observer.query<{ wait_event_type: string | null; wait_event: string | null }>(
      'select wait_event_type, wait_event from pg_stat_activity where pid = $1',
      [pid],
    );
    const row = rows[0];
    if (row?.wait_event_type === 'Lock' || row?.wait_event === 'PgSleep') {
      return { waitEventType: row.wait_event_type!, waitEvent: row.wait_event! };
    }
    if (Date.now() > deadline) throw new Error(`backend ${pid} never started waiting (${JSON.stringify(row)})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Locks `pid` holds or awaits on tables and indexes of the public schema (catalog locks are left out). */
async function publicLocksOf(pid: number): Promise<Array<{ relation: string; mode: string; granted: boolean }>> {
  const { rows } = await observer.query<{ relation: string; mode: string; granted: boolean }>(
    `select c.relname as relation, l.mode, l.granted from pg_locks l join pg_class c on c.oid = l.relation
      where l.pid = $1 and l.locktype = 'relation' and c.relnamespace = 'public'::regnamespace order by 1, 2`,
    [pid],
  );
  return rows;
}

/** Settles a promise into its value or its error, so both sides of a race can be asserted after it. */
function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  return promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
}

function byRelationThenMode(a: { relation: string; mode: string }, b: { relation: string; mode: string }): number {
  if (a.relation !== b.relation) return a.relation < b.relation ? -1 : 1;
  return a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0;
}

async function partitionExists(name: string): Promise<boolean> {
  const { rows } = await observer.query<{ exists: boolean }>('select to_regclass($1) is not null as exists', [name]);
  return rows[0]!.exists;
}

/** The raw DDL of a partition of `table` starting on `year`-01-01 (no ensure_time_partitions involved). */
function createPartitionDdl(table: TimePartitionedTable, name: string, year: number): string {
  const bounds: Record<TimePartitionedTable, string> = {
    environmental_reading: `from ('${year}-01-01 00:00:00+00') to ('${year}-02-01 00:00:00+00')`,
    environmental_daily: `from ('${year}-01-01') to ('${year + 1}-01-01')`,
    feeding_event: `from ('${year}-01-01') to ('${year}-04-01')`,
    daily_assignment_state: `from ('${year}-01-01') to ('${year}-04-01')`,
  };
  return `create table ${name} partition of ${table} for values ${bounds[table]}`;
}

/** What ensure_time_partitions pre-locks for `table`: the parent, its DEFAULT partition and the FK-referenced tables. */
async function preLockedRelations(table: TimePartitionedTable): Promise<{ parent: string; defaultPartition: string; referenced: string[] }> {
  const { rows } = await observer.query<{ default_partition: string; referenced: string[] }>(
    `select p.partdefid::regclass::text as default_partition,
            (select array_agg(distinct k.confrelid::regclass::text order by k.confrelid::regclass::text)
               from pg_constraint k where k.conrelid = p.partrelid and k.contype = 'f') as referenced
       from pg_partitioned_table p where p.partrelid = $1::regclass`,
    [table],
  );
  return { parent: table, defaultPartition: rows[0]!.default_partition, referenced: rows[0]!.referenced };
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  const em = orm.em.fork() as EntityManager;
  const farm = await createFarm(em, { tanks: 1, rings: 0 });
  const { assignments } = await createBatch(em, farm, { batchNumber: 'FO-2026-001', startDate: '2026-04-01', containers: [farm.tanks[0]!] });
  containerId = farm.tanks[0]!.id;
  assignmentId = assignments[0]!.id;
  observer = await connect();
  // The partition the writer writes into exists; 2026 Q3, the one the creator creates, does not.
  await observer.query(`select ensure_time_partitions('feeding_event', '2026-04-01', '2026-06-30')`);
});

afterEach(async () => {
  // A failed scenario may leave a transaction open; never let it block the next one.
  for (const client of clients) await client.query('rollback').catch(() => undefined);
});

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await orm.close(true);
  await db.drop();
});

describe('ensure_time_partitions and concurrent writers', () => {
  it('does not deadlock with a writer that wrote to an FK-referenced table and then writes to the parent', async () => {
    expect(await partitionExists('feeding_event_p2026_q3')).toBe(false);
    const creator = await connect();
    const writer = await connect();
    const creatorPid = await backendPid(creator);

    // B: a writer's transaction holds ROW EXCLUSIVE on feed, a table feeding_event's foreign keys reference.
    await writer.query('begin');
    const { rows: feedRows } = await writer.query<{ id: number }>(
      `insert into feed (name, size_category, pellet_size_mm, protein_pct, fat_pct)
       values ('Grower 3mm', 'SMALL', 3, 45, 22) returning id`,
    );
    const feedId = feedRows[0]!.id;

    // A: a seed run creates 2026 Q3; it needs SHARE ROW EXCLUSIVE on feed, which B's lock conflicts with.
    const creation = settle(
      creator.query<{ created: number }>(`select ensure_time_partitions('feeding_event', '2026-07-01', '2026-09-30') as created`),
    );
    const creatorWait = await waitUntilWaiting(creatorPid);
    const creatorLocksWhileWaiting = await publicLocksOf(creatorPid);

    // B: writes a feeding event into an existing partition (2026 Q2) and commits. Under the old definition A held
    // ACCESS EXCLUSIVE on feeding_event while waiting for feed, so this insert closed the cycle: deadlock.
    const write = await settle(
      (async () => {
        await writer.query(
          `insert into feeding_event (feeding_date, container_id, assignment_id, feed_id, fed_at, amount_kg, method, recorded_by)
           values ('2026-05-15', $1, $2, $3, '2026-05-15T08:00:00Z', 12.5, 'AUTOMATIC', 'feeder')`,
          [containerId, assignmentId, feedId],
        );
        await writer.query('commit');
      })(),
    );
    const created = await creation;

    expect(write.error).toBeUndefined();
    expect(created.error).toBeUndefined();
    // A backed off (slept) instead of queueing for the lock, and held nothing of the public schema meanwhile.
    expect(creatorWait).toEqual({ waitEventType: 'Timeout', waitEvent: 'PgSleep' });
    expect(creatorLocksWhileWaiting).toEqual([]);
    expect(created.value?.rows[0]?.created).toBe(1);
    expect(await partitionExists('feeding_event_p2026_q3')).toBe(true);
    const { rows } = await observer.query<{ n: number }>(
      `select count(*)::int as n from feeding_event_p2026_q2 where feed_id = $1`,
      [feedId],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it.each(TIME_PARTITIONED_TABLES)(
    '%s: CREATE TABLE … PARTITION OF locks only what ensure_time_partitions pre-locks (PostgreSQL 17)',
    async (table) => {
      const probe = await connect();
      const { parent, defaultPartition, referenced } = await preLockedRelations(table);
      const { rows: indexes } = await observer.query<{ name: string }>(
        `select indexrelid::regclass::text as name from pg_index where indrelid = $1::regclass`,
        [table],
      );
      await probe.query('begin');
      const { rows: before } = await probe.query<{ oid: number }>('select oid::int8 as oid from pg_class');
      const existed = before.map((row) => row.oid);
      await probe.query(createPartitionDdl(table, 'partition_lock_probe', 2031));
      const { rows: taken } = await probe.query<{ relation: string; mode: string }>(
        `select l.relation::regclass::text as relation, l.mode from pg_locks l
          where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.relation::int8 = any($1::int8[])
            and l.relation::regclass::text not like 'pg\\_%'`,
        [existed],
      );
      await probe.query('rollback');
      taken.sort(byRelationThenMode);

      // The parent and its DEFAULT partition: ACCESS EXCLUSIVE (pre-locked as such). Each FK-referenced table:
      // SHARE ROW EXCLUSIVE, plus ACCESS SHARE that it implies (pre-locked SHARE ROW EXCLUSIVE). The parent's
      // partitioned indexes: SHARE UPDATE EXCLUSIVE, which LOCK TABLE cannot take but holding the parent covers.
      const expected = [
        { relation: parent, mode: 'AccessExclusiveLock' },
        { relation: defaultPartition, mode: 'AccessExclusiveLock' },
        ...referenced.flatMap((relation) => [
          { relation, mode: 'AccessShareLock' },
          { relation, mode: 'ShareRowExclusiveLock' },
        ]),
        ...indexes.map(({ name }) => ({ relation: name, mode: 'ShareUpdateExclusiveLock' })),
      ].sort(byRelationThenMode);
      expect(referenced.length).toBeGreaterThan(0);
      expect(taken).toEqual(expected);
    },
  );

  let year = 2040;
  it.each(TIME_PARTITIONED_TABLES)(
    '%s: while any relation the creation locks is in use elsewhere, the creator backs off holding nothing',
    async (table) => {
      const { parent, defaultPartition, referenced } = await preLockedRelations(table);
      // The weakest lock an ordinary session holds on each: writers on the parent and on referenced tables, a
      // reader on the DEFAULT partition (the maintenance check reads it directly).
      const busy = [
        { relation: parent, mode: 'row exclusive' },
        { relation: defaultPartition, mode: 'access share' },
        ...referenced.map((relation) => ({ relation, mode: 'row exclusive' })),
      ];
      const holder = await connect();
      const creator = await connect();
      const creatorPid = await backendPid(creator);
      for (const { relation, mode } of busy) {
        year += 1;
        const from = `${year}-01-01`;
        await holder.query('begin');
        await holder.query(`lock table only ${relation} in ${mode} mode`);
        const creation = settle(
          creator.query<{ created: number }>('select ensure_time_partitions($1, $2::date, $2::date) as created', [table, from]),
        );
        const wait = await waitUntilWaiting(creatorPid);
        const locks = await publicLocksOf(creatorPid);
        await holder.query('commit');
        const created = await creation;
        expect({ relation, wait, locks }).toEqual({ relation, wait: { waitEventType: 'Timeout', waitEvent: 'PgSleep' }, locks: [] });
        expect(created.error).toBeUndefined();
        expect(created.value?.rows[0]?.created).toBe(1);
      }
    },
  );

  it('racing creators of one partition create it once, without errors', async () => {
    const creators = await Promise.all(Array.from({ length: 4 }, () => connect()));
    const results = await Promise.all(
      creators.map((client) =>
        settle(client.query<{ created: number }>(`select ensure_time_partitions('daily_assignment_state', '2035-01-01', '2035-12-31') as created`)),
      ),
    );
    expect(results.map((result) => result.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(results.reduce((sum, result) => sum + (result.value?.rows[0]?.created ?? 0), 0)).toBe(4);
    for (const quarter of [1, 2, 3, 4]) expect(await partitionExists(`daily_assignment_state_p2035_q${quarter}`)).toBe(true);
  });
});
