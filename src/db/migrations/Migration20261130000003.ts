import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** Default reference data: Atlantic salmon and its lifecycle stages. */
export class Migration20261130000003 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0003_reference_data.sql'));
  }
}
