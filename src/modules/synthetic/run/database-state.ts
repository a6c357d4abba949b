/**
 * What a seed run needs to know about, or do to, the whole database: the emptiness check, the wipe, partition
 * creation, and the post-load steps (ANALYZE, sequences past the explicit ids, the utilisation report).
 */
import type pg from 'pg';
import { TIME_PARTITIONED_TABLES } from '../../../db/partitions.js';
import { IDENTITY_TABLES } from '../load/tables.js';

/**
 * Tables a wipe keeps: reference data every database has (migration 0003), seed-run history and migrations.
 * Everything else in the public schema is operational, infrastructure or derived data.
 */
const KEPT_TABLES = new Set(['species', 'lifecycle_stage', 'seed_run', 'seed_run_batch', 'mikro_orm_migrations']);

/**
 * Scenario tables are emptied with DELETE: species (kept) references scenario through default_scenario_id, and
 * TRUNCATE refuses a table referenced from a table it does not truncate.
 */
const DELETED_TABLES = ['scenario_stage_parameter', 'scenario', 'temperature_profile_day', 'temperature_profile'];

async function operationalTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      order by 1`,
  );
  return rows.map((row) => row.name).filter((name) => !KEPT_TABLES.has(name));
}

/** The first operational table holding a row, or null when the database is empty for a seed run. */
export async function firstNonEmptyTable(client: pg.ClientBase): Promise<string | null> {
  const tables = await operationalTables(client);
  if (tables.length === 0) return null;
  const { rows } = await client.query<{ name: string }>(
    tables.map((table) => `select '${table}' as name where exists (select 1 from "${table}")`).join(' union all ') + ' limit 1',
  );
  return rows[0]?.name ?? null;
}

/**
 * Empty every operational table (synthetic-farm.md §1 `--wipe`) on the caller's transaction. Seed-run history,
 * species and lifecycle stages stay.
 */
export async function wipeOperationalData(client: pg.ClientBase): Promise<void> {
  const tables = (await operationalTables(client)).filter((table) => !DELETED_TABLES.includes(table));
  if (tables.length > 0) await client.query(`truncate ${tables.map((table) => `"${table}"`).join(', ')} restart identity`);
  await client.query('update species set default_scenario_id = null where default_scenario_id is not null');
  for (const table of DELETED_TABLES) await client.query(`delete from "${table}"`);
}

/** Create the partitions of every time-series table covering [from, to] (inclusive dates). */
export async function ensureRunPartitions(client: pg.ClientBase, from: string, to: string): Promise<number> {
  let created = 0;
  for (const table of TIME_PARTITIONED_TABLES) {
    const { rows } = await client.query<{ created: number }>('select ensure_time_partitions($1, $2::date, $3::date) as created', [table, from, to]);
    created += rows[0]?.created ?? 0;
  }
  return created;
}

/** Move each identity sequence past the largest explicit id, so API inserts never collide with seed ids. */
export async function advanceSequences(client: pg.ClientBase): Promise<void> {
  for (const table of IDENTITY_TABLES) {
    await client.query(
      `select setval(pg_get_serial_sequence($1, 'id'), coalesce((select max(id) from "${table}"), 0) + 1, false)`,
      [`"${table}"`],
    );
  }
}

/**
 * The ANALYZE statements that end a load, one per loaded table. jsonb columns (provenance, confidence) are left
 * out of the column list: the planner never uses their statistics, and sorting a million jsonb values for them
 * costs more than the rest of the table's statistics together.
 */
export async function analyzeStatements(client: pg.ClientBase): Promise<string[]> {
  const tables = (await operationalTables(client)).filter((table) => table !== 'seed_utilisation_daily');
  const { rows } = await client.query<{ table_name: string; columns: string[]; has_jsonb: boolean }>(
    `select table_name, array_agg(column_name::text order by ordinal_position) filter (where data_type <> 'jsonb') as columns,
            bool_or(data_type = 'jsonb') as has_jsonb
       from information_schema.columns where table_schema = 'public' and table_name = any($1) group by 1`,
    [tables],
  );
  const byTable = new Map(rows.map((row) => [row.table_name, row]));
  return tables.map((table) => {
    const row = byTable.get(table);
    return row?.has_jsonb ? `analyze "${table}" (${row.columns.map((column) => `"${column}"`).join(', ')})` : `analyze "${table}"`;
  });
}

/**
 * Fill `seed_utilisation_daily` for a run with one set-based statement (synthetic-farm.md §5.4): per date,
 * geography and container class (container type code) the holding containers, those holding fish, Σ biomass
 * and Σ max biomass, over [from, to].
 */
export async function fillUtilisation(client: pg.ClientBase, runId: number, from: string, to: string): Promise<number> {
  await client.query('delete from seed_utilisation_daily where seed_run_id = $1', [runId]);
  const result = await client.query(
    `insert into seed_utilisation_daily (seed_run_id, date, geography_id, container_class, containers, occupied, biomass_kg, max_biomass_kg)
     with holding as (
       select c.id, ct.code as container_class, coalesce(s.geography_id, a.geography_id) as geography_id, c.max_biomass_kg
         from container c
         join container_type ct on ct.id = c.container_type_id
         left join hall h on h.id = c.hall_id
         left join freshwater_station s on s.id = h.station_id
         left join area a on a.id = c.area_id
        where c.hierarchy_role = 'HOLDING'
     ), classes as (
       select geography_id, container_class, count(*)::int as containers, sum(max_biomass_kg) as max_biomass_kg
         from holding group by 1, 2
     ), used as (
       select d.date, h.geography_id, h.container_class,
              count(*) filter (where d.population > 0)::int as occupied, sum(d.biomass_kg) as biomass_kg
         from daily_assignment_state d
         join batch b on b.id = d.batch_id and b.seed_run_id = $1
         join holding h on h.id = d.container_id
        group by 1, 2, 3
     )
     select $1, day::date, c.geography_id, c.container_class, c.containers, coalesce(u.occupied, 0), coalesce(u.biomass_kg, 0), c.max_biomass_kg
       from generate_series($2::date, $3::date, interval '1 day') as day
      cross join classes c
       left join used u on u.date = day::date and u.geography_id = c.geography_id and u.container_class = c.container_class`,
    [runId, from, to],
  );
  return result.rowCount ?? 0;
}
