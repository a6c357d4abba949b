import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { txQuery } from '../src/db/raw-sql.js';
import { sqlStatementCounter } from '../src/db/sql-statement-counter.js';
import { RecomputeReason } from '../src/modules/enums.js';
import { computeBatch } from '../src/modules/growth/engine/index.js';
import { loadEngineInputs } from '../src/modules/growth/growth.repository.js';
import {
  enqueueRecompute,
  ensureDailyStatePartitions,
  markDirtyAndEnqueue,
  recomputeBatchInTransaction,
  runQueuedRecompute,
} from '../src/modules/growth/recompute.service.js';
import { benchBatchCount, BENCH_PREFIX, createBenchBatches } from './growth-dataset.js';

/**
 * `npm run bench:recompute [-- --batches N]`: recompute timings on 900-day batches with 65 assignments
 * (≈10,000 daily rows each). Uses DATABASE_URL, or an embedded PostgreSQL under .data/bench-pg that keeps the
 * dataset between runs. Prints figures and, last, one JSON line.
 */
const { values: args } = parseArgs({ options: { batches: { type: 'string', default: '20' } } });
const wanted = Number(args.batches);
const config = loadConfig({ PG_DATA_DIR: '.data/bench-pg', LOG_LEVEL: 'warn', ...process.env, PORT: '0' });
const log = pino({ level: 'warn' });
const database = await openDatabase(config, log);
const say = (line: string) => process.stdout.write(`${line}\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? 0;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

try {
  const em = database.orm.em.fork() as EntityManager;
  const have = await benchBatchCount(em);
  let asOf = '2026-06-18';
  if (have < wanted) {
    const started = performance.now();
    say(`building ${wanted - have} benchmark batches (kept in the database for later runs)…`);
    asOf = await createBenchBatches(em, have, wanted, (k) => process.stderr.write(`  batch ${k + 1}/${wanted}\r`));
    say(`dataset built in ${round((performance.now() - started) / 1000)} s`);
  }
  const batches = await em.execute<Array<{ id: number }>>(
    `select id from batch where batch_number like ? order by batch_number limit ?`,
    [`${BENCH_PREFIX}%`, wanted],
  );
  [{ as_of: asOf }] = await em.execute<Array<{ as_of: string }>>(
    `select max(date) as as_of from environmental_daily ed join batch_container_assignment a on a.container_id = ed.container_id where a.batch_id = ?`,
    [batches[0]!.id],
  ).then((rows) => rows.map((r) => ({ as_of: r.as_of })));

  const fresh: number[] = [];
  const unchanged: number[] = [];
  const rewritten: number[] = [];
  const pure: number[] = [];
  const job: number[] = [];
  const incremental: number[] = [];
  const incrementalRows: number[] = [];
  const statements: number[] = [];
  let rowsWritten = 0;
  let rows = 0;
  for (const { id } of batches) {
    await ensureDailyStatePartitions(em, id, asOf);
    // Fresh: no stored rows, so every row is written (what the first recompute of a batch costs).
    await em.transactional((tx) => txQuery(tx, `delete from daily_assignment_state where batch_id = $1`, [id]));
    const requestId = randomUUID();
    const counted = database.orm.em.fork({ loggerContext: { requestId } }) as EntityManager;
    sqlStatementCounter.start(requestId);
    let started = performance.now();
    const outcome = await counted.transactional((tx) =>
      recomputeBatchInTransaction(tx, id, { asOf, scope: { full: true }, computedAt: new Date() }),
    );
    fresh.push(performance.now() - started);
    statements.push(sqlStatementCounter.finish(requestId));
    rowsWritten += outcome.counts.rowsWritten;
    rows += outcome.result.rows.length;

    // Unchanged: the same recompute again; every row is compared and none is written.
    started = performance.now();
    await em.transactional((tx) => recomputeBatchInTransaction(tx, id, { asOf, scope: { full: true }, computedAt: new Date() }));
    unchanged.push(performance.now() - started);

    // Rewrite: every stored value is stale (as after a scenario change), so all rows are updated in place.
    await em.transactional((tx) => txQuery(tx, `update daily_assignment_state set avg_weight_g = avg_weight_g + 1 where batch_id = $1`, [id]));
    started = performance.now();
    const rewrite = await em.transactional((tx) =>
      recomputeBatchInTransaction(tx, id, { asOf, scope: { full: true }, computedAt: new Date() }),
    );
    rewritten.push(performance.now() - started);
    if (rewrite.counts.rowsWritten !== outcome.counts.rowsWritten) throw new Error('the rewrite did not rewrite every row');

    // Incremental: one new growth sample in the middle of a sea assignment, as a mutation would record it; the
    // run rewrites from the start of the weight segment it falls in.
    const [sea] = await em.execute<Array<{ id: number; date: string }>>(
      `select a.id, a.assignment_date + 200 as date from batch_container_assignment a
        where a.batch_id = ? order by a.assignment_date desc, a.id limit 1`,
      [id],
    );
    const [sample] = await em.execute<Array<{ id: number }>>(
      `insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by)
       select ?, ?::date, 30, avg_weight_g * 1.02, 'bench' from daily_assignment_state where assignment_id = ? and date = ?::date
       returning id`,
      [sea!.id, sea!.date, sea!.id, sea!.date],
    );
    await em.transactional((tx) => markDirtyAndEnqueue(tx, [{ assignmentId: sea!.id, date: sea!.date }]));
    started = performance.now();
    const step = await em.transactional((tx) =>
      recomputeBatchInTransaction(tx, id, { asOf, scope: { full: false }, computedAt: new Date() }),
    );
    incremental.push(performance.now() - started);
    incrementalRows.push(step.counts.rowsWritten);
    await em.execute(`delete from growth_sample where id = ?`, [sample!.id]);
    await em.execute(`delete from recompute_job where batch_id = ?`, [id]);

    // Pure compute on inputs already in memory.
    const { inputs } = await em.transactional((tx) => loadEngineInputs(tx, id, asOf));
    started = performance.now();
    computeBatch(inputs, { asOf });
    pure.push(performance.now() - started);

    // The whole queued job: claim, run, mark SUCCEEDED, publish (debounce skipped).
    await em.transactional((tx) => enqueueRecompute(tx, id, null, RecomputeReason.MANUAL, 0));
    started = performance.now();
    await runQueuedRecompute({ orm: database.orm, log, today: () => asOf }, id);
    job.push(performance.now() - started);
  }

  const totalFreshSeconds = fresh.reduce((a, b) => a + b, 0) / 1000;
  const figures = {
    bench: 'recompute',
    batches: batches.length,
    rows,
    rowsPerBatch: Math.round(rows / batches.length),
    medianBatchMs: round(median(fresh)),
    p95BatchMs: round(p95(fresh)),
    rowsPerSec: Math.round(rowsWritten / totalFreshSeconds),
    medianIncrementalMs: round(median(incremental)),
    medianIncrementalRows: median(incrementalRows),
    medianUnchangedMs: round(median(unchanged)),
    medianRewriteMs: round(median(rewritten)),
    p95RewriteMs: round(p95(rewritten)),
    medianPureComputeMs: round(median(pure)),
    medianJobMs: round(median(job)),
    p95JobMs: round(p95(job)),
    sqlPerBatch: median(statements),
  };
  say('');
  say(`batches                 ${figures.batches} × ${figures.rowsPerBatch} daily rows (900 days, 65 assignments)`);
  say(`fresh recompute         median ${figures.medianBatchMs} ms, p95 ${figures.p95BatchMs} ms (load + compute + write all rows)`);
  say(`                        ${figures.rowsPerSec.toLocaleString('en')} rows/s written`);
  say(`incremental recompute   median ${figures.medianIncrementalMs} ms for one new sample (${figures.medianIncrementalRows} rows rewritten)`);
  say(`unchanged recompute     median ${figures.medianUnchangedMs} ms (every row compared, none written)`);
  say(`full rewrite            median ${figures.medianRewriteMs} ms, p95 ${figures.p95RewriteMs} ms (every stored value stale: all rows updated in place)`);
  say(`pure computeBatch       median ${figures.medianPureComputeMs} ms`);
  say(`queued job end to end   median ${figures.medianJobMs} ms, p95 ${figures.p95JobMs} ms`);
  say(`SQL per batch           ${figures.sqlPerBatch} statements, whatever the number of days`);
  say(`vs 3.2 s per batch      ${round(3200 / figures.medianBatchMs)}× faster than the previous bulk engine`);
  say(JSON.stringify(figures));
} finally {
  await database.close();
}
