import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261130000001 } from './Migration20261130000001.js';
import { Migration20261130000002 } from './Migration20261130000002.js';
import { Migration20261130000003 } from './Migration20261130000003.js';
import { Migration20261130000004 } from './Migration20261130000004.js';
import { Migration20261130000005 } from './Migration20261130000005.js';
import { Migration20261130000006 } from './Migration20261130000006.js';
import { Migration20261130000007 } from './Migration20261130000007.js';
import { Migration20261130000008 } from './Migration20261130000008.js';
import { Migration20261130000009 } from './Migration20261130000009.js';

/**
 * Committed migrations in order. Listed explicitly because vitest externalises MikroORM and Node 20 cannot
 * import `.ts` files dynamically (STACK.md pitfall 7). Never edit an applied migration: add a new one.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261130000001', class: Migration20261130000001 },
  { name: 'Migration20261130000002', class: Migration20261130000002 },
  { name: 'Migration20261130000003', class: Migration20261130000003 },
  { name: 'Migration20261130000004', class: Migration20261130000004 },
  { name: 'Migration20261130000005', class: Migration20261130000005 },
  { name: 'Migration20261130000006', class: Migration20261130000006 },
  { name: 'Migration20261130000007', class: Migration20261130000007 },
  { name: 'Migration20261130000008', class: Migration20261130000008 },
  { name: 'Migration20261130000009', class: Migration20261130000009 },
];
