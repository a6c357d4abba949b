import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** The mutation_idempotency table (idempotency keys of create mutations). */
export class Migration20261130000006 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0006_mutation_idempotency.sql'));
  }
}
