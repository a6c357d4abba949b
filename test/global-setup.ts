import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { initOrm } from '../src/db/orm.js';
import { migrateQueue } from '../src/jobs/queue.js';
import { TEMPLATE_DATABASE, withDatabase } from './helpers/constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a database on the test server that may create and drop databases. */
    pgAdminUrl: string;
  }
}

let embedded: EmbeddedPostgres | undefined;

/**
 * Starts PostgreSQL once for the whole run (embedded, or the server of DATABASE_URL), migrates a template
 * database, and hands its admin URL to the test files, which clone the template (CONVENTIONS.md pattern 11).
 */
export default async function setup(project: TestProject) {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // One cluster per run, so two test runs on one machine never share a data directory.
    const dataDir = path.resolve(`.data/test-pg-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    embedded = await startEmbeddedPostgres({ dataDir, port: 0, database: 'postgres', ephemeral: true, log });
    adminUrl = embedded.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DATABASE);
  const orm = await initOrm({ clientUrl: templateUrl, migrate: true });
  await orm.close(true);
  await migrateQueue(templateUrl, log);
  project.provide('pgAdminUrl', adminUrl);

  return async () => {
    await embedded?.stop();
    if (embedded) {
      fs.rmSync(embedded.dataDir, { recursive: true, force: true });
      fs.rmSync(`${embedded.dataDir}.password`, { force: true });
    }
  };
}
