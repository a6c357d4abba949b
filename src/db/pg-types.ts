import pg from 'pg';

/**
 * One decision for every pg client in the process (ORM, queue, COPY, tests): bigint and numeric arrive as
 * JS numbers (ids stay below 2^53 by construction, synthetic-farm.md §7), dates as 'YYYY-MM-DD' strings, so
 * day arithmetic never drifts across time zones.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export {};
