import { Migration } from '@mikro-orm/migrations';
import { readMigrationSql } from './read-sql.js';

/** Schema v1: every table of data-model.md §2 (generated DDL plus hand-written partitioning and constraints). */
export class Migration20261130000001 extends Migration {
  override async up(): Promise<void> {
    this.addSql(readMigrationSql('0001_schema.sql'));
  }
}
