import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { recomputeBatch } from '../modules/growth/recompute.service.js';
import { isIsoDate } from '../graphql/common/scalars.js';
import { todayUtc } from '../shared/dates.js';
import { createProgress } from './progress.js';

const USAGE = `usage: npm run recompute -- --batch <batch number> | --all [--workers N] [--as-of YYYY-MM-DD] [--from YYYY-MM-DD]

Recomputes the daily growth series of one batch or of all batches now (outside the queue). Rows whose values
do not change are not rewritten. --as-of is the last day computed (default: today, UTC).`;

/**
 * `npm run recompute`: a thin wrapper over recomputeBatch with a progress bar and a summary. Exit code 1 when any
 * batch failed, 2 on bad arguments.
 */
async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        batch: { type: 'string', multiple: true },
        all: { type: 'boolean', default: false },
        workers: { type: 'string', default: '2' },
        'as-of': { type: 'string' },
        from: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const workers = Number(args.workers);
  const problems = [
    !args.help && !args.all && !args.batch?.length ? 'pass --batch <number> or --all' : null,
    !Number.isInteger(workers) || workers < 1 || workers > 16 ? '--workers must be 1–16' : null,
    args['as-of'] && !isIsoDate(args['as-of']) ? '--as-of must be YYYY-MM-DD' : null,
    args.from && !isIsoDate(args.from) ? '--from must be YYYY-MM-DD' : null,
  ].filter(Boolean);
  if (args.help || problems.length) {
    process.stderr.write(`${problems.join('\n')}${problems.length ? '\n' : ''}${USAGE}\n`);
    return args.help ? 0 : 2;
  }

  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, log);
  try {
    const em = database.orm.em.fork();
    const batches = await em.execute<Array<{ id: number; batch_number: string }>>(
      args.all
        ? 'select id, batch_number from batch order by start_date, id'
        : 'select id, batch_number from batch where batch_number in (?) order by start_date, id',
      args.all ? [] : [args.batch],
    );
    const unknown = (args.batch ?? []).filter((n) => !batches.some((b) => b.batch_number === n));
    if (unknown.length) {
      process.stderr.write(`unknown batch number(s): ${unknown.join(', ')}\n`);
      return 2;
    }
    const asOf = args['as-of'] ?? todayUtc();
    const deps = { orm: database.orm, log, today: () => asOf };
    const progress = createProgress('recompute', batches.length);
    const durations: number[] = [];
    const totals = { rowsWritten: 0, rowsUnchanged: 0, rowsDeleted: 0 };
    const failures: string[] = [];
    let next = 0;
    let done = 0;
    const started = performance.now();
    // N concurrent recomputes; each batch is serialised by its own row lock.
    await Promise.all(
      Array.from({ length: Math.min(workers, batches.length) }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          try {
            const { stats } = await recomputeBatch(deps, batch.id, { from: args.from ?? null, asOf });
            durations.push(stats.durationMs);
            totals.rowsWritten += stats.rowsWritten;
            totals.rowsUnchanged += stats.rowsUnchanged;
            totals.rowsDeleted += stats.rowsDeleted;
          } catch (error) {
            failures.push(`${batch.batch_number}: ${(error as Error).message}`);
          }
          done++;
          progress.update(done, `${batch.batch_number} | ${totals.rowsWritten.toLocaleString('en')} rows written`);
        }
      }),
    );
    progress.stop();
    durations.sort((a, b) => a - b);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      [
        `batches      ${batches.length} (${failures.length} failed) as of ${asOf}`,
        `rows         ${totals.rowsWritten} written, ${totals.rowsUnchanged} unchanged, ${totals.rowsDeleted} deleted`,
        `per batch    median ${durations[Math.floor(durations.length / 2)] ?? 0} ms, max ${durations.at(-1) ?? 0} ms`,
        `wall time    ${seconds.toFixed(1)} s`,
        ...failures.map((f) => `FAILED       ${f}`),
      ].join('\n') + '\n',
    );
    return failures.length ? 1 : 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
