/**
 * Deferred structures (synthetic-farm.md §8): the primary keys, unique constraints, secondary indexes and foreign
 * keys of the bulk-loaded tables are dropped before the load (per-row index maintenance and FK triggers on tens of
 * millions of rows would dominate it) and rebuilt afterwards over several connections. For the partitioned
 * time-series tables each partition gets its own copy first, then the parent definition is re-created, which
 * attaches the partitions' equivalents instead of building them again.
 *
 * Definitions are kept in `seed_run.deferred_structures` until the rebuild completes, so a resumed, cancelled or
 * superseded run can always restore them.
 */
import type pg from 'pg';
import { TIME_PARTITIONED_TABLES } from '../../../db/partitions.js';

/**
 * Tables whose structures are deferred: the four time-series tables, plus the plain event tables with a million
 * rows or more in `standard`. Parent entities (batch, assignment, workflow, container, growth sample, lice count)
 * keep their keys, because the kept foreign keys of the other tables reference them.
 */
export const DEFERRED_TABLES: readonly string[] = [
  ...TIME_PARTITIONED_TABLES,
  'mortality_event',
  'mortality_report',
  'growth_sample_fish',
  'lice_count_entry',
  'batch_daily_state',
];

/**
 * A structure dropped for the bulk load, or (kind `autovacuum`) a table or partition whose autovacuum is paused:
 * insert-triggered autovacuum would otherwise vacuum and analyze partitions while they are being filled.
 */
export interface DeferredStructure {
  kind: 'index' | 'constraint' | 'foreign_key' | 'autovacuum';
  table: string;
  name: string;
  /** `pg_get_indexdef` for indexes, `pg_get_constraintdef` for constraints and foreign keys. */
  definition: string;
}

/** Autovacuum entries for every table and partition of the deferred tables. */
export async function autovacuumEntries(client: pg.ClientBase): Promise<DeferredStructure[]> {
  const { rows } = await client.query<{ relation: string }>(
    `select c.relname as relation from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
        and (c.relname = any($1) or exists (select 1 from pg_inherits i join pg_class p on p.oid = i.inhparent
                                             where i.inhrelid = c.oid and p.relname = any($1)))
      order by 1`,
    [[...DEFERRED_TABLES]],
  );
  return rows.map((row) => ({ kind: 'autovacuum', table: row.relation, name: `${row.relation}.autovacuum`, definition: 'autovacuum_enabled = false' }));
}

/** Definitions of the structures currently present on the deferred tables (parents only). */
export async function captureStructures(client: pg.ClientBase): Promise<DeferredStructure[]> {
  const { rows } = await client.query<{ kind: DeferredStructure['kind']; table_name: string; name: string; definition: string }>(
    `select case c.contype when 'f' then 'foreign_key' else 'constraint' end as kind, t.relname as table_name,
            c.conname as name, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c join pg_class t on t.oid = c.conrelid
      where t.relname = any($1) and t.relnamespace = 'public'::regnamespace and c.contype in ('p', 'u', 'f')
     union all
     select 'index', t.relname, i.relname, pg_get_indexdef(i.oid)
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname = any($1) and t.relnamespace = 'public'::regnamespace
        and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid and c.conrelid = x.indrelid)
      order by 2, 1, 3`,
    [[...DEFERRED_TABLES]],
  );
  return rows.map((row) => ({ kind: row.kind, table: row.table_name, name: row.name, definition: row.definition }));
}

/** Merge two lists of deferred structures (by table and name; the first list's order first). */
export function mergeStructures(a: readonly DeferredStructure[], b: readonly DeferredStructure[]): DeferredStructure[] {
  const byKey = new Map<string, DeferredStructure>();
  for (const structure of [...a, ...b]) byKey.set(`${structure.table}.${structure.name}`, structure);
  return [...byKey.values()];
}

const DROP_ORDER = { foreign_key: 0, index: 1, constraint: 2, autovacuum: 3 } as const;
const BUILD_ORDER = { constraint: 0, index: 1, foreign_key: 2, autovacuum: 3 } as const;

/**
 * Drop the given structures (from a partitioned parent this drops them from every partition). Runs on the
 * caller's transaction, which must also persist the list.
 */
export async function dropStructures(client: pg.ClientBase, structures: readonly DeferredStructure[]): Promise<void> {
  const present = new Set((await captureStructures(client)).map((structure) => `${structure.table}.${structure.name}`));
  for (const structure of [...structures].sort((a, b) => DROP_ORDER[a.kind] - DROP_ORDER[b.kind])) {
    if (structure.kind === 'autovacuum') {
      await client.query(`alter table "${structure.table}" set (autovacuum_enabled = false)`);
      continue;
    }
    if (!present.has(`${structure.table}.${structure.name}`)) continue;
    if (structure.kind === 'index') await client.query(`drop index "${structure.name}"`);
    else await client.query(`alter table "${structure.table}" drop constraint "${structure.name}"`);
  }
}

/** A connection source for the parallel rebuild. */
export interface ConnectionPool {
  connect(): Promise<pg.PoolClient>;
}

export interface RestoreOptions {
  /** Concurrent connections for the builds. */
  parallelism: number;
  /** Session settings of the build connections (e.g. `maintenance_work_mem`). */
  sessionSettings?: Record<string, string>;
  /**
   * Runs between the key/index step and the foreign-key step. The post-load ANALYZE goes here: validating a
   * foreign key is one anti-join query, and without statistics on freshly loaded tables the planner picks a
   * nested loop over millions of rows.
   */
  beforeForeignKeys?: () => Promise<void>;
}

/** One physical table to build on: a partition of a partitioned parent, or a plain table. */
interface Target {
  relation: string;
  partitioned: boolean;
  structures: DeferredStructure[];
}

/**
 * Rebuild deferred structures in three steps: (1) keys and indexes on every partition and plain table, in
 * parallel, largest first; (2) foreign keys, added NOT VALID and then validated, in parallel (PostgreSQL 17
 * cannot add a NOT VALID foreign key to a partitioned table, so partitions get theirs one by one); (3) the
 * parent definitions of the partitioned tables, which attach what step 1 and 2 built. Idempotent.
 */
export async function restoreStructures(pool: ConnectionPool, deferred: readonly DeferredStructure[], options: RestoreOptions): Promise<void> {
  let structures = [...deferred];
  if (structures.length === 0) return;
  const paused = structures.filter((structure) => structure.kind === 'autovacuum');
  structures = structures.filter((structure) => structure.kind !== 'autovacuum');
  const tables = [...new Set(structures.map((structure) => structure.table))];
  const admin = await pool.connect();
  let targets: Target[];
  let partitionedTables: Set<string>;
  try {
    const { rows } = await admin.query<{ parent: string; relation: string; partitioned: boolean }>(
      `select p.relname as parent, c.relname as relation, true as partitioned, pg_relation_size(c.oid) as bytes
         from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = any($1) and p.relnamespace = 'public'::regnamespace and p.relkind = 'p'
       union all
       select c.relname, c.relname, false, pg_relation_size(c.oid)
         from pg_class c where c.relname = any($1) and c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
        order by 4 desc, 2`,
      [tables],
    );
    partitionedTables = new Set(rows.filter((row) => row.partitioned).map((row) => row.parent));
    targets = rows.map((row) => ({
      relation: row.relation,
      partitioned: row.partitioned,
      structures: structures.filter((structure) => structure.table === row.parent),
    }));
  } finally {
    admin.release();
  }

  const runParallel = async (step: (client: pg.PoolClient, target: Target) => Promise<void>) => {
    let next = 0;
    const worker = async () => {
      const client = await pool.connect();
      try {
        for (const [name, value] of Object.entries(options.sessionSettings ?? {})) await client.query('select set_config($1, $2, false)', [name, value]);
        for (let target = targets[next++]; target !== undefined; target = targets[next++]) await step(client, target);
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallelism, targets.length)) }, worker));
  };
  await runParallel((client, target) => buildKeysAndIndexes(client, target));
  await options.beforeForeignKeys?.();
  await runParallel((client, target) => buildForeignKeys(client, target));

  const client = await pool.connect();
  try {
    const present = new Set((await captureStructures(client)).map((structure) => `${structure.table}.${structure.name}`));
    for (const structure of [...structures].sort((a, b) => BUILD_ORDER[a.kind] - BUILD_ORDER[b.kind])) {
      if (!partitionedTables.has(structure.table) || present.has(`${structure.table}.${structure.name}`)) continue;
      // pg_get_indexdef spells a partitioned parent's index `ON ONLY`; without ONLY the statement attaches the
      // partitions' matching indexes and the parent index becomes valid.
      if (structure.kind === 'index') await client.query(structure.definition.replace(/ ON ONLY /, ' ON '));
      else await client.query(`alter table "${structure.table}" add constraint "${structure.name}" ${structure.definition}`);
    }
    for (const entry of paused) await client.query(`alter table if exists "${entry.table}" reset (autovacuum_enabled)`);
  } finally {
    client.release();
  }
}

interface ExistingStructure {
  name: string;
  definition: string;
  validated: boolean;
  contype: string;
}

async function existingStructures(client: pg.ClientBase, relation: string): Promise<ExistingStructure[]> {
  const { rows } = await client.query<ExistingStructure>(
    `select c.conname as name, pg_get_constraintdef(c.oid) as definition, c.convalidated as validated, c.contype::text as contype
       from pg_constraint c where c.conrelid = $1::regclass
     union all
     select i.relname, pg_get_indexdef(i.oid), true, 'i'
       from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = $1::regclass`,
    [`"${relation}"`],
  );
  return rows;
}

async function buildKeysAndIndexes(client: pg.ClientBase, target: Target): Promise<void> {
  const existing = await existingStructures(client, target.relation);
  const constraintDefs = new Set(existing.filter((row) => row.contype === 'p' || row.contype === 'u').map((row) => row.definition));
  const names = new Set(existing.map((row) => row.name));
  let ordinal = 0;
  for (const structure of target.structures) {
    ordinal++;
    if (structure.kind === 'constraint') {
      if (constraintDefs.has(structure.definition)) continue;
      const name = !target.partitioned
        ? structure.name
        : structure.definition.startsWith('PRIMARY KEY')
          ? partitionName(target.relation, 'pkey')
          : partitionName(target.relation, `${ordinal}_key`);
      await client.query(`alter table "${target.relation}" add constraint "${name}" ${structure.definition}`);
    } else if (structure.kind === 'index') {
      if (!target.partitioned) {
        if (!names.has(structure.name)) await client.query(structure.definition);
        continue;
      }
      const name = partitionName(target.relation, `${ordinal}_idx`);
      if (names.has(name)) continue;
      const match = /^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (USING .*)$/.exec(structure.definition);
      if (!match) throw new Error(`Cannot rebuild index ${structure.name}: unexpected definition ${structure.definition}`);
      await client.query(`create ${match[1] ?? ''}index "${name}" on "${target.relation}" ${match[2]}`);
    }
  }
}

async function buildForeignKeys(client: pg.ClientBase, target: Target): Promise<void> {
  const foreignKeys = target.structures.filter((structure) => structure.kind === 'foreign_key');
  if (foreignKeys.length === 0) return;
  const existing = new Map((await existingStructures(client, target.relation)).filter((row) => row.contype === 'f').map((row) => [row.definition, row]));
  for (const structure of foreignKeys) {
    const found = existing.get(structure.definition);
    // NOT VALID skips the check while adding (a short lock); VALIDATE then checks all rows set-based.
    if (!found) await client.query(`alter table "${target.relation}" add constraint "${structure.name}" ${structure.definition} not valid`);
    if (!found?.validated) await client.query(`alter table "${target.relation}" validate constraint "${found?.name ?? structure.name}"`);
  }
}

/** `<partition>_<suffix>` within PostgreSQL's 63-byte identifier limit. */
function partitionName(partition: string, suffix: string): string {
  const room = 63 - suffix.length - 1;
  return `${partition.slice(0, room)}_${suffix}`;
}
