/** Migrated once per test run by global-setup; each test file clones it. */
export const TEMPLATE_DATABASE = 'aquagraph_template';

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
