import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** ensure_time_partitions takes the locks of a partition creation with NOWAIT and retries, so it cannot deadlock. */
export class Migration20261130000007 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0007_partition_creation_nowait.sql'));
  }
}
