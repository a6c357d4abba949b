/**
 * Session settings every connection of the app starts with, whatever the server's defaults. Stored daily rows
 * are compared, and seed content hashed, in PostgreSQL's text spelling (`pg-text.ts`), and dates come back as
 * text: both depend on TimeZone and DateStyle. On a server configured otherwise (an external `DATABASE_URL` with
 * `timezone = 'Europe/Oslo'` or `datestyle = 'SQL, DMY'`), every unchanged row would look changed and every deep
 * verification would fail.
 *
 * They travel in the startup packet's `options`, so each pooled connection has them before its first statement.
 * A connection pooler must pass that parameter on (PgBouncer: `ignore_startup_parameters` must not list
 * `options`, or it refuses the connection).
 */
export const PG_SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,MDY';

/**
 * node-pg client settings for `url` with the session options. An `options` parameter in the URL is kept, ahead of
 * ours (later `-c` settings win), and taken out of the string, where node-pg would let it replace ours.
 */
export function pgSessionConfig(url: string): { connectionString: string; options: string } {
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: own ? `${own} ${PG_SESSION_OPTIONS}` : PG_SESSION_OPTIONS };
}
