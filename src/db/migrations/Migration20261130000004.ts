import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** The recompute_job table. */
export class Migration20261130000004 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0004_recompute_job.sql'));
  }
}
