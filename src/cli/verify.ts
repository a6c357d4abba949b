import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { SeedRun } from '../modules/synthetic/seed-run.entity.js';
import { formatCheckTable } from '../modules/synthetic/verify/format.js';
import { verifySeedRun } from '../modules/synthetic/verify/verify.js';

const USAGE = `usage: npm run verify [-- --run <id>] [--deep] [--json] [--sample N] [--expect-hash H]

Verifies a seed run (synthetic-farm.md §10, checks V1–V12; the latest run by default) and stores the report on it.
--deep recomputes every batch with the growth engine and the content hash from the database rows. --json prints
one JSON object. Exit code 0 iff no check FAILs; 2 on bad arguments.`;

/** `npm run verify`: a thin wrapper over verifySeedRun. */
async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        run: { type: 'string' },
        deep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        sample: { type: 'string' },
        'expect-hash': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const runId = args.run === undefined ? undefined : Number(args.run);
  const sample = args.sample === undefined ? undefined : Number(args.sample);
  const problems = [
    runId !== undefined && !Number.isInteger(runId) ? '--run must be a run id' : null,
    sample !== undefined && (!Number.isInteger(sample) || sample < 1) ? '--sample must be a positive integer' : null,
  ].filter(Boolean);
  if (args.help || problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}${problems.length ? '\n' : ''}${USAGE}\n`);
    return args.help ? 0 : 2;
  }
  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const database = await openDatabase(config, log);
  try {
    const em = database.orm.em.fork();
    const run = runId === undefined ? await em.findOne(SeedRun, { id: { $gt: 0 } }, { orderBy: { id: 'desc' } }) : await em.findOne(SeedRun, runId);
    if (!run) {
      process.stderr.write(runId === undefined ? 'no seed run in this database\n' : `seed run ${runId} does not exist\n`);
      return 1;
    }
    const report = await verifySeedRun(em, run.id, { deep: args.deep, sampleBatches: sample, expectHash: args['expect-hash'] });
    process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatCheckTable(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

const code = await main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  return 1;
});
process.stdout.write('', () => process.exit(code));
