import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** mutation_idempotency by age, for the nightly expiry of old keys. */
export class Migration20261130000009 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0009_idempotency_key_expiry.sql'));
  }
}
