import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { defaultPartitionRows, maintainPartitions } from '../../../src/db/partitions.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
});

afterAll(async () => {
  await orm.close(true);
  await db.drop();
});

describe('partition maintenance', () => {
  it('keeps 12 months ahead for every time-series table, idempotently', async () => {
    const em = orm.em.fork() as EntityManager;
    const first = await maintainPartitions(em, '2026-11-30');
    // readings: Nov 2026 … Nov 2027 (13 months); feeding and daily states: 2026Q4 … 2027Q4 (5); daily env: 2026, 2027.
    expect(first.created).toBe(13 + 5 + 5 + 2);
    expect(first.defaultPartitionRows).toEqual({});
    expect((await maintainPartitions(em, '2026-11-30')).created).toBe(0);
  });

  it('reports rows that reached a DEFAULT partition', async () => {
    const em = orm.em.fork() as EntityManager;
    const conn = em.getConnection();
    const [container] = await conn.execute(
      `insert into container_type (code, name, category, max_volume_m3) values ('T', 'T', 'TANK', 10) returning id`,
    );
    const [geo] = await conn.execute(`insert into geography (code, name) values ('XX', 'X') returning id`);
    const [station] = await conn.execute(
      `insert into freshwater_station (geography_id, name, latitude, longitude) values (?, 'S', 1, 1) returning id`,
      [geo.id],
    );
    const [hall] = await conn.execute(`insert into hall (station_id, name) values (?, 'H') returning id`, [station.id]);
    const [tank] = await conn.execute(
      `insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ('T1', ?, ?, 10, 10) returning id`,
      [container.id, hall.id],
    );
    const [param] = await conn.execute(
      `insert into environmental_parameter (code, name, unit) values ('TEMPERATURE', 'Temperature', '°C') returning id`,
    );
    // 1990 has no partition, so the row lands in DEFAULT.
    await conn.execute(
      `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
       values (?, ?, '1990-01-01', 1, 1, 1, 1)`,
      [tank.id, param.id],
    );
    expect(await defaultPartitionRows(em)).toEqual({ environmental_daily: 1 });
  });
});
