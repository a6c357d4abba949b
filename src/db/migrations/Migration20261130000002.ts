import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** Time-series partition management (ensure_time_partitions) and the DEFAULT partitions. */
export class Migration20261130000002 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0002_partitions.sql'));
  }
}
