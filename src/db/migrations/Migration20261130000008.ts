import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** daily_assignment_state: half-full pages for in-place (HOT) rewrites, one composite owner key instead of three. */
export class Migration20261130000008 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0008_daily_state_write_path.sql'));
  }
}
