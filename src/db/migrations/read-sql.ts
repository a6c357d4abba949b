import fs from 'node:fs';

/** Reads a committed SQL migration body that sits beside the migration classes. */
export function readMigrationSql(file: string): string {
  return fs.readFileSync(new URL(`./sql/${file}`, import.meta.url), 'utf8');
}
