import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../../src/db/orm.js';
import { loadNamedProfile } from '../../../src/modules/synthetic/profile-file.js';
import { runSeed, type ProgressSink, type RunSeedOptions, type SeedRunResult } from '../../../src/modules/synthetic/run/coordinator.js';
import { loadProfile, type Profile } from '../../../src/modules/synthetic/sim/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

/** Pinned inputs of the seed tests: a run never reads the clock. */
export const TODAY = '2025-12-31';
export const SEED = 42;

export interface SeedTestDatabase {
  db: TestDatabase;
  orm: MikroORM;
  close(): Promise<void>;
}

/** A fresh migrated database (own clone of the template) with an ORM on it. */
export async function openSeedDatabase(): Promise<SeedTestDatabase> {
  const db = await createTestDatabase();
  const orm = await MikroORM.init(ormConfig({ clientUrl: db.url, poolMax: 6 }));
  return {
    db,
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}

/** Run a seed with the test's pinned seed and today. */
export function seed(orm: MikroORM, options: Partial<RunSeedOptions> & { profile: RunSeedOptions['profile'] }, sink?: ProgressSink): Promise<SeedRunResult> {
  return runSeed({ orm, seed: SEED, today: TODAY, workers: 2, ...options }, sink);
}

/** The demo profile with overrides (objects merged one level deep), validated like a custom profile file. */
export function demoWith(overrides: Record<string, unknown>): Profile {
  const demo = loadNamedProfile('demo') as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...demo, name: 'test-custom', expectations: null };
  for (const [key, value] of Object.entries(overrides)) {
    const base = demo[key];
    merged[key] = isObject(base) && isObject(value) ? { ...base, ...value } : value;
  }
  return loadProfile(merged);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
