import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** Seed runs: seed_run, seed_run_batch, container_reservation, seed_utilisation_daily and batch.seed_run_id's FK. */
export class Migration20261130000005 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0005_seed_runs.sql'));
  }
}
