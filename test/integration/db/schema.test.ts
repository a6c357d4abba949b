import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
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

describe('migrations and entity metadata', () => {
  it('agree: the ORM schema diff against a migrated database is empty', async () => {
    // A non-empty diff would mean a generated migration could drop hand-written objects (partitioning,
    // the exclusion constraint, NULLS NOT DISTINCT uniques) or that an entity and its table disagree.
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(diff.trim()).toBe('');
  });

  it('has no pending migrations after the template was migrated', async () => {
    expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('partitions the four time-series tables by range, each with an empty DEFAULT partition', async () => {
    const rows = await orm.em.fork().getConnection().execute<{ table_name: string; strategy: string; key: string }[]>(`
      select c.relname as table_name, p.partstrat as strategy, pg_get_partkeydef(c.oid) as key
      from pg_partitioned_table p join pg_class c on c.oid = p.partrelid order by 1`);
    expect(rows).toEqual([
      { table_name: 'daily_assignment_state', strategy: 'r', key: 'RANGE (date)' },
      { table_name: 'environmental_daily', strategy: 'r', key: 'RANGE (date)' },
      { table_name: 'environmental_reading', strategy: 'r', key: 'RANGE (reading_time)' },
      { table_name: 'feeding_event', strategy: 'r', key: 'RANGE (feeding_date)' },
    ]);
  });

  it('loads the default reference data: Atlantic salmon with six stages in order', async () => {
    const stages = await orm.em.fork().getConnection().execute<{ code: string; default_tgc: number }[]>(
      `select st.code, st.default_tgc from lifecycle_stage st join species s on s.id = st.species_id
       where s.name = 'Atlantic Salmon' order by st."order"`,
    );
    expect(stages).toEqual([
      { code: 'EGG_ALEVIN', default_tgc: 0 },
      { code: 'FRY', default_tgc: 2.25 },
      { code: 'PARR', default_tgc: 2.75 },
      { code: 'SMOLT', default_tgc: 2.75 },
      { code: 'POST_SMOLT', default_tgc: 3.25 },
      { code: 'ADULT', default_tgc: 3.1 },
    ]);
  });
});
