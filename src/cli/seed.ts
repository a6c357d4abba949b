import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { isIsoDate } from '../graphql/common/scalars.js';
import {
  cancelSeedRun,
  planSeed,
  resumeSeed,
  SeedRunError,
  startSeed,
  type SeedRunHandle,
  type SeedRunResult,
} from '../modules/synthetic/run/coordinator.js';
import { SeedRun, SeedRunPhase, SeedRunStatus } from '../modules/synthetic/seed-run.entity.js';
import { formatIsoDate } from '../modules/synthetic/sim/index.js';
import { formatCheckTable } from '../modules/synthetic/verify/format.js';
import { verifySeedRun } from '../modules/synthetic/verify/verify.js';
import { createSeedProgressPrinter, formatRunSummary } from './seed-output.js';

const USAGE = `usage:
  npm run seed -- [run] --profile demo|standard|full|<file> [--workers N] [--seed S] [--today YYYY-MM-DD] [--wipe]
                         [--verify] [--deep] [--json] [--allow-production]
  npm run seed -- resume <runId> [--workers N] [--verify] [--deep] [--json]
  npm run seed -- cancel <runId>
  npm run seed -- plan --profile P [--seed S] [--today YYYY-MM-DD] [--json]
  npm run seed -- verify <runId> [--deep] [--json] [--expect-hash H]

Generates the synthetic farm (synthetic-farm.md). Progress: a bar on a TTY, a line every 5 s otherwise, NDJSON
snapshots with --json. Ctrl-C cancels the run (resume it later). Exit code 0 only when the run is DONE (and the
verification passed, with --verify); 1 otherwise; 2 on bad arguments.`;

/** `npm run seed`: a thin wrapper over runSeed/resumeSeed/cancelSeedRun/planSeed (synthetic-farm.md §1). */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        today: { type: 'string' },
        wipe: { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        deep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'allow-production': { type: 'boolean', default: false },
        'expect-hash': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: args, positionals } = parsed;
  const command = positionals[0] ?? 'run';
  const runIdArg = positionals[1];
  const runId = runIdArg === undefined ? NaN : Number(runIdArg);
  const workers = args.workers === undefined ? undefined : Number(args.workers);
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  const problems = [
    !['run', 'resume', 'cancel', 'plan', 'verify'].includes(command) ? `unknown command ${command}` : null,
    (command === 'run' || command === 'plan') && !args.profile ? '--profile is required' : null,
    ['resume', 'cancel', 'verify'].includes(command) && !Number.isInteger(runId) ? `${command} needs a run id` : null,
    workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 16) ? '--workers must be 1–16' : null,
    seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) ? '--seed must be a uint32' : null,
    args.today !== undefined && !isIsoDate(args.today) ? '--today must be YYYY-MM-DD' : null,
  ].filter(Boolean);
  if (args.help || problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}${problems.length ? '\n' : ''}${USAGE}\n`);
    return args.help ? 0 : 2;
  }
  const out = (text: string) => process.stdout.write(text);

  if (command === 'plan') {
    try {
      const { profileName, today, prepared } = planSeed(args.profile!, seed ?? 1, args.today);
      const plan = prepared.plan;
      const summary = {
        profile: profileName,
        seed: seed ?? 1,
        today,
        batches: plan.batches.length,
        firstStart: formatIsoDate(plan.firstSimulatedDay),
        estimatedRows: plan.estimatedRows,
        containers: prepared.topology.containers.length,
        sensors: prepared.topology.sensors.length,
        reservations: plan.reservations.length,
      };
      if (args.json) {
        out(`${JSON.stringify({ ...summary, plan: plan.batches.map((b) => ({ batchKey: b.batchKey, batchNumber: b.batchNumber, startDate: b.startDate, ageDays: b.ageDays, rings: b.ringCount, predictedHarvestDay: b.predictedHarvestDay, estRows: b.estRows.total })) })}\n`);
      } else {
        out(`${Object.entries(summary).map(([key, value]) => `${key.padEnd(16)} ${value}`).join('\n')}\n\n`);
        out(`${'key'.padStart(4)}  ${'batch'.padEnd(14)} ${'start'.padEnd(10)} ${'age'.padStart(5)} ${'R'.padStart(3)} ${'H_pred'.padStart(6)} ${'est rows'.padStart(9)}\n`);
        for (const b of plan.batches) {
          out(`${String(b.batchKey).padStart(4)}  ${b.batchNumber.padEnd(14)} ${b.startDate} ${String(b.ageDays).padStart(5)} ${String(b.ringCount).padStart(3)} ${String(b.predictedHarvestDay).padStart(6)} ${String(b.estRows.total).padStart(9)}\n`);
        }
      }
      return 0;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }

  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const database = await openDatabase(config, log);
  try {
    if (command === 'cancel') {
      const status = await cancelSeedRun(database.orm.em.fork(), runId);
      const final = status === SeedRunStatus.CANCELLING ? await waitTerminal(database.orm.em.fork(), runId, 10_000) : status;
      out(`seed run ${runId}: ${final}\n`);
      return final === SeedRunStatus.CANCELLED ? 0 : 1;
    }
    if (command === 'verify') {
      const report = await verifySeedRun(database.orm.em.fork(), runId, { deep: args.deep, expectHash: args['expect-hash'] });
      out(args.json ? `${JSON.stringify(report)}\n` : `${formatCheckTable(report)}\n`);
      return report.ok ? 0 : 1;
    }

    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      process.stderr.write('\ncancelling… (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    const printer = createSeedProgressPrinter({ json: args.json, tty: Boolean(process.stdout.isTTY) && !args.json, write: out });
    const verify = args.verify || args.deep ? { deep: args.deep } : false;
    let handle: SeedRunHandle;
    try {
      handle =
        command === 'resume'
          ? await resumeSeed({ orm: database.orm, runId, workers: workers ?? config.seed.workers, verify, log, signal: controller.signal, maintenanceWorkMem: config.seed.maintenanceWorkMem }, printer.sink)
          : await startSeed(
              {
                orm: database.orm,
                profile: args.profile!,
                seed,
                today: args.today,
                workers: workers ?? config.seed.workers,
                wipe: args.wipe,
                verify,
                production: config.env === 'production',
                allowProduction: args['allow-production'],
                requestedBy: 'cli',
                log,
                signal: controller.signal,
                maintenanceWorkMem: config.seed.maintenanceWorkMem,
              },
              printer.sink,
            );
    } catch (error) {
      if (error instanceof SeedRunError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    if (!args.json) process.stderr.write(`seed run ${handle.runId} started (${command === 'resume' ? 'resumed' : args.profile})\n`);
    const result: SeedRunResult = await handle.finished;
    process.off('SIGINT', onSigint);
    printer.finish();
    if (args.json) out(`${JSON.stringify({ result: { ...result, progress: undefined } })}\n`);
    else out(formatRunSummary(result));
    const done = result.status === SeedRunStatus.SUCCEEDED && result.phase === SeedRunPhase.DONE;
    return done && (result.verification === null || result.verification.ok) ? 0 : 1;
  } finally {
    await database.close();
  }
}

async function waitTerminal(em: EntityManager, runId: number, timeoutMs: number): Promise<SeedRunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await em.fork().findOne(SeedRun, runId);
    if (!run) return SeedRunStatus.FAILED;
    if (run.status !== SeedRunStatus.CANCELLING && run.status !== SeedRunStatus.RUNNING) return run.status;
    if (Date.now() > deadline) return run.status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const code = await main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  return 1;
});
// Exit explicitly: a stray handle (a pool timer, a stdout pipe) must not keep a finished CLI alive.
process.stdout.write('', () => process.exit(code));
