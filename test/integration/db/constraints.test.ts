import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { createBatch, createFarm, type Farm } from '../../helpers/fixtures.js';

let db: TestDatabase;
let orm: MikroORM;
let sql: pg.Client;
let farm: Farm;
let batchId: number;
let assignmentId: number;
let otherBatchId: number;
let stageId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  const em = orm.em.fork() as EntityManager;
  farm = await createFarm(em);
  const { batch, assignments } = await createBatch(em, farm, { batchNumber: 'FO-2024-001', startDate: '2024-01-01', containers: [farm.tanks[0]!] });
  assignmentId = assignments[0]!.id;
  const { batch: other } = await createBatch(em, farm, { batchNumber: 'FO-2024-002', startDate: '2024-02-01', containers: [farm.tanks[3]!] });
  batchId = batch.id;
  otherBatchId = other.id;
  stageId = farm.stages[0]!.id;
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql.end();
  await orm.close(true);
  await db.drop();
});

const insertAssignment = (containerId: number, from: string, to: string | null, batch = batchId) =>
  sql.query(
    `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, departure_date, opening_population)
     values ($1, $2, $3, $4, $5, 0) returning id`,
    [batch, containerId, stageId, from, to],
  );

describe('database guarantees', () => {
  it('rejects an assignment overlapping another in the same container (exclusion constraint)', async () => {
    const tank = farm.tanks[1]!.id;
    await insertAssignment(tank, '2024-03-01', '2024-04-01');
    await expect(insertAssignment(tank, '2024-03-31', '2024-05-01', otherBatchId)).rejects.toThrow(
      /batch_container_assignment_no_overlap/,
    );
    // An open-ended assignment overlaps everything after its start.
    await expect(insertAssignment(tank, '2024-02-01', null, otherBatchId)).rejects.toThrow(/no_overlap/);
  });

  it('allows the transfer-day hand-over: one interval ends where the next begins', async () => {
    const tank = farm.tanks[2]!.id;
    await insertAssignment(tank, '2024-03-01', '2024-04-01');
    await expect(insertAssignment(tank, '2024-04-01', null, otherBatchId)).resolves.toBeTruthy();
  });

  it('requires departure after arrival', async () => {
    await expect(insertAssignment(farm.rings[0]!.id, '2024-03-01', '2024-03-01')).rejects.toThrow(/departure_date_check/);
  });

  it('rejects negative or zero counts and weights', async () => {
    const { rows } = await sql.query('select id from batch_container_assignment where batch_id = $1 limit 1', [batchId]);
    const assignmentId = rows[0].id;
    await expect(
      sql.query(
        `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g) values ($1, $2, '2024-01-02', -5, 0.1)`,
        [batchId, assignmentId],
      ),
    ).rejects.toThrow(/batch_placement_count_check/);
    await expect(
      sql.query(
        `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g) values ($1, $2, '2024-01-02', 5, 0)`,
        [batchId, assignmentId],
      ),
    ).rejects.toThrow(/avg_weight_g_check/);
  });

  it('keeps batch-owned rows in their batch (composite foreign key to the assignment)', async () => {
    const { rows } = await sql.query('select id from batch_container_assignment where batch_id = $1 limit 1', [batchId]);
    await expect(
      sql.query(
        `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g) values ($1, $2, '2024-01-02', 5, 0.1)`,
        [otherBatchId, rows[0].id],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('places a container in exactly one of hall or area', async () => {
    const { rows } = await sql.query('select id from container_type limit 1');
    await expect(
      sql.query(
        `insert into container (name, container_type_id, hall_id, area_id, volume_m3, max_biomass_kg) values ('X', $1, $2, $3, 10, 10)`,
        [rows[0].id, farm.hall.id, farm.area.id],
      ),
    ).rejects.toThrow(/container_location_check/);
  });

  it('treats NULL parents as equal for area-group name uniqueness (NULLS NOT DISTINCT)', async () => {
    await sql.query(`insert into area_group (geography_id, parent_id, code, name) values ($1, null, 'N', 'North')`, [farm.geography.id]);
    await expect(
      sql.query(`insert into area_group (geography_id, parent_id, code, name) values ($1, null, 'N2', 'North')`, [farm.geography.id]),
    ).rejects.toThrow(/area_group_geography_parent_name_unique/);
  });

  it('rejects a TGC entered per degree-day instead of per 1000 °C·day', async () => {
    await expect(sql.query(`update lifecycle_stage set default_tgc = 0.00245 where id = $1`, [stageId])).rejects.toThrow(
      /default_tgc_check/,
    );
  });

  it('creates time partitions on demand, past months included, and keeps DEFAULT partitions empty', async () => {
    const created = await sql.query(`select ensure_time_partitions('environmental_reading', '2019-12-15', '2020-02-03') as n`);
    expect(created.rows[0].n).toBe(3);
    const again = await sql.query(`select ensure_time_partitions('environmental_reading', '2020-01-01', '2020-01-31') as n`);
    expect(again.rows[0].n).toBe(0);
    await sql.query(`select ensure_time_partitions('daily_assignment_state', '2024-01-01', '2024-12-31')`);
    const { rows: parts } = await sql.query(
      `select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'environmental_reading'::regclass and c.relname <> 'environmental_reading_default' order by 1`,
    );
    expect(parts.map((p) => p.relname)).toEqual([
      'environmental_reading_p2019_12',
      'environmental_reading_p2020_01',
      'environmental_reading_p2020_02',
    ]);
    // Bounds are UTC midnights whatever the session time zone.
    expect(parts[1].bound).toContain("'2020-01-01 00:00:00+00'");
    const { rows: quarters } = await sql.query(
      `select count(*)::int as n from pg_inherits where inhparent = 'daily_assignment_state'::regclass`,
    );
    expect(quarters[0].n).toBe(5); // four quarters + DEFAULT
    await expect(sql.query(`select ensure_time_partitions('batch', '2024-01-01', '2024-01-02')`)).rejects.toThrow(
      /not a time-partitioned table/,
    );
  });

  describe('daily_assignment_state (the engine-written series)', () => {
    const insertDailyRow = (row: { batch?: number; assignment?: number; container?: number; date: string }) =>
      sql.query(
        `insert into daily_assignment_state (assignment_id, date, batch_id, container_id, day_number, lifecycle_stage_id,
           population, inflow_count, outflow_count, mortality_count, avg_weight_g, biomass_kg, temp_c, feed_kg, growth_kg,
           tgc_used, sources, confidence, scenario_id, engine_version, computed_at)
         values ($1, $2, $3, $4, 1, $5, 100, 0, 0, 0, 0.1, 0.01, 8, 0, 0, 2.5, '{}', '{}', 1, '1.0.0', now())`,
        [row.assignment ?? assignmentId, row.date, row.batch ?? batchId, row.container ?? farm.tanks[0]!.id, stageId],
      );

    it('ties each row to its assignment and to that assignment’s batch and container (one composite owner key)', async () => {
      await sql.query(`select ensure_time_partitions('daily_assignment_state', '2024-01-01', '2024-03-31')`);
      await expect(insertDailyRow({ date: '2024-01-05' })).resolves.toBeTruthy();
      await expect(insertDailyRow({ date: '2024-01-06', container: farm.tanks[1]!.id })).rejects.toThrow(
        /daily_assignment_state_owner_foreign/,
      );
      await expect(insertDailyRow({ date: '2024-01-06', batch: otherBatchId })).rejects.toThrow(/daily_assignment_state_owner_foreign/);
      await expect(insertDailyRow({ date: '2024-01-06', assignment: 999_999 })).rejects.toThrow(/daily_assignment_state_owner_foreign/);
      const { rows } = await sql.query(`select count(*)::int as n from daily_assignment_state where batch_id = $1`, [batchId]);
      expect(rows[0].n).toBe(1);
    });

    it('keeps half of each partition page free, old and new partitions, so rewritten rows stay on their page (HOT)', async () => {
      await sql.query(`select ensure_time_partitions('daily_assignment_state', '2031-01-01', '2031-03-31')`);
      const { rows: options } = await sql.query<{ reloptions: string[] | null }>(
        `select c.reloptions from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'daily_assignment_state'::regclass`,
      );
      expect(options.length).toBeGreaterThan(1);
      for (const { reloptions } of options) expect(reloptions).toContain('fillfactor=50');
    });
  });
});
