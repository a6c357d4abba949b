import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { initOrm } from '../src/db/orm.js';
import { runSeed } from '../src/modules/synthetic/run/coordinator.js';
import { verifySeedRun } from '../src/modules/synthetic/verify/verify.js';

/**
 * `npm run bench:seed [-- --profile standard] [--workers N] [--seed S] [--today D]`: one seed run into a fresh
 * database, then the standard (non-deep) verification. Uses DATABASE_URL, or an embedded PostgreSQL under
 * .data/bench-seed-pg (durable settings, like a developer machine). Prints wall time (start to DONE, as
 * synthetic-farm.md §8 defines it), rows/s per table, verification time, database size and peak RSS; the last
 * line is one JSON object.
 */
const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', default: 'demo' },
    workers: { type: 'string' },
    seed: { type: 'string', default: '42' },
    today: { type: 'string', default: '2025-12-31' },
  },
});
const config = loadConfig({ PG_DATA_DIR: '.data/bench-seed-pg', LOG_LEVEL: 'warn', ...process.env, PORT: '0' });
const workers = Number(args.workers ?? config.seed.workers);
const log = pino({ level: 'warn' });
const say = (line: string) => process.stdout.write(`${line}\n`);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const BENCH_DATABASE = 'aquagraph_seed_bench';

const server = await openDatabase(config, log);
const benchUrl = new URL(server.url);
benchUrl.pathname = `/${BENCH_DATABASE}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`drop database if exists ${BENCH_DATABASE} with (force)`);
await admin.query(`create database ${BENCH_DATABASE}`);
await admin.end();

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
const orm = await initOrm({ clientUrl: benchUrl.toString(), migrate: true });
let exitCode = 1;
try {
  say(`seed benchmark: profile ${args.profile}, ${workers} workers, seed ${args.seed}, today ${args.today}`);
  const started = performance.now();
  let lastLine = 0;
  const result = await runSeed(
    { orm, profile: args.profile, seed: Number(args.seed), today: args.today, workers, log, maintenanceWorkMem: config.seed.maintenanceWorkMem },
    (snapshot) => {
      if (performance.now() - lastLine < 10_000 && snapshot.phase === 'GENERATING') return;
      lastLine = performance.now();
      say(`  ${round((performance.now() - started) / 1000)} s ${snapshot.phase} ${snapshot.batchesDone}/${snapshot.batchesTotal} batches, ${snapshot.rowsWritten} rows, ${snapshot.rowsPerSec} rows/s${snapshot.message ? ` (${snapshot.message})` : ''}`);
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 'SUCCEEDED') throw new Error(`seed run ${result.runId} ended ${result.status}: ${result.error}`);
  const verifyStarted = performance.now();
  const report = await verifySeedRun(orm.em.fork(), result.runId);
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  clearInterval(sampler);
  const [size] = await orm.em.fork().getConnection().execute<{ bytes: number }[]>('select pg_database_size(current_database()) as bytes');
  const rows = result.progress?.rowsWritten ?? 0;
  say('');
  say(`${'table'.padEnd(28)} ${'rows'.padStart(12)} ${'rows/s'.padStart(10)}`);
  for (const table of result.progress?.rowsByTable ?? []) {
    if (table.rows === 0) continue;
    say(`${table.table.padEnd(28)} ${table.rows.toLocaleString('en-US').padStart(12)} ${Math.round(table.rows / wallSeconds).toLocaleString('en-US').padStart(10)}`);
  }
  say('');
  say(`run ${result.runId}: ${result.status}, hash ${result.contentHash}`);
  say(`wall time to DONE      ${round(wallSeconds)} s (${Math.round(rows / wallSeconds).toLocaleString('en-US')} rows/s over ${rows.toLocaleString('en-US')} rows)`);
  say(`verification           ${round(verifySeconds)} s, ${report.ok ? 'passed' : 'FAILED'} (${report.checks.map((check) => `${check.name} ${check.status}`).join(', ')})`);
  say(`total incl. verify     ${round(wallSeconds + verifySeconds)} s`);
  say(`database size          ${round(Number(size!.bytes) / 2 ** 30, 2)} GiB`);
  say(`peak RSS (coordinator and worker threads) ${Math.round(peakRss / 2 ** 20)} MiB`);
  for (const check of report.checks.filter((candidate) => candidate.status !== 'PASS')) say(`  ${check.name} ${check.status}: ${check.message}`);
  say(
    JSON.stringify({
      bench: 'seed',
      profile: args.profile,
      workers,
      wallSeconds: round(wallSeconds),
      rows,
      rowsPerSec: Math.round(rows / wallSeconds),
      verified: report.ok,
      verifySeconds: round(verifySeconds),
      totalSeconds: round(wallSeconds + verifySeconds),
      databaseBytes: Number(size!.bytes),
      peakRssMb: Math.round(peakRss / 2 ** 20),
      contentHash: result.contentHash,
    }),
  );
  exitCode = report.ok ? 0 : 1;
} finally {
  clearInterval(sampler);
  await orm.close(true);
  await server.close();
}
process.exit(exitCode);
