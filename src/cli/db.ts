import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { ormConfig } from '../db/orm.js';

/**
 * Database chores: `npm run db -- migrate` applies pending migrations; `npm run db -- diff` prints the SQL that
 * would bring a freshly migrated scratch database in line with the entities (the starting point of a new
 * migration; empty when they agree).
 */
const command = process.argv[2];
const config = loadConfig();
const log = pino({ level: 'warn' });
const database = await openDatabase(config, log);
try {
  if (command === 'migrate') {
    process.stdout.write('migrations applied\n');
  } else if (command === 'diff') {
    const scratch = `aquagraph_diff_${process.pid}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create database ${scratch}`);
    try {
      const url = new URL(database.url);
      url.pathname = `/${scratch}`;
      const orm = await MikroORM.init(ormConfig({ clientUrl: url.toString() }));
      await orm.getMigrator().up();
      process.stdout.write(`${(await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim() || '-- no difference'}\n`);
      await orm.close(true);
    } finally {
      await admin.query(`drop database ${scratch} with (force)`);
      await admin.end();
    }
  } else {
    process.stderr.write('usage: npm run db -- migrate | diff\n');
    process.exitCode = 2;
  }
} finally {
  await database.close();
}
