/**
 * Session settings every connection of the app starts with, whatever the server's defaults. Stored daily rows
 * are compared, and seed content hashed, in PostgreSQL's text spelling (`pg-text.ts`), and dates come back as
 * text: both depend on TimeZone and DateStyle. On a server configured otherwise (an external `DATABASE_URL` with
 * `timezone = 'Europe/Oslo'` or `datestyle = 'SQL, DMY'`), every unchanged row would look changed and every deep
 * verification would fail.
 */
export const PG_SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,MDY';
