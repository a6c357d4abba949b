/**
 * Terminal output of `npm run seed`: a one-line progress bar on a TTY, a line every 5 s otherwise, NDJSON with
 * --json (synthetic-farm.md §9), and the final summary table.
 */
import type { ProgressSink, SeedRunResult } from '../modules/synthetic/run/coordinator.js';
import type { SeedRunProgress } from '../modules/synthetic/run/progress.js';

export interface SeedProgressPrinter {
  sink: ProgressSink;
  /** Ends the progress line. */
  finish(): void;
}

/** Rows with a metric suffix: 21.3M, 183k. */
export function compactCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)}k`;
  return String(Math.round(value));
}

/** Seconds as m:ss (or h:mm:ss). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** `GENERATING [########------] 97/144 batches | 21.3M rows | 183k rows/s | ETA 0:41` */
export function progressLine(p: SeedRunProgress, width = 20): string {
  const fraction = p.batchesTotal > 0 ? (p.batchesDone + p.batchesFailed) / p.batchesTotal : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = p.etaSeconds === null ? '' : ` | ETA ${clock(p.etaSeconds)}`;
  const failed = p.batchesFailed > 0 ? ` (${p.batchesFailed} failed)` : '';
  const note = p.message ? ` | ${p.message}` : '';
  return `${p.phase} ${bar} ${p.batchesDone}/${p.batchesTotal} batches${failed} | ${compactCount(p.rowsWritten)} rows | ${compactCount(p.rowsPerSec)} rows/s${eta}${note}`;
}

export function createSeedProgressPrinter(options: { json: boolean; tty: boolean; write: (text: string) => void }): SeedProgressPrinter {
  let lastLine = 0;
  let lastPhase = '';
  let open = false;
  return {
    sink: (snapshot) => {
      if (options.json) {
        options.write(`${JSON.stringify(snapshot)}\n`);
        return;
      }
      const line = progressLine(snapshot);
      if (options.tty) {
        options.write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      const now = Date.now();
      if (snapshot.phase !== lastPhase || now - lastLine >= 5000) {
        lastPhase = snapshot.phase;
        lastLine = now;
        options.write(`${new Date(now).toISOString().slice(11, 19)} ${line}\n`);
      }
    },
    finish: () => {
      if (open) options.write('\n');
      open = false;
    },
  };
}

/** The summary table printed when a run ends. */
export function formatRunSummary(result: SeedRunResult): string {
  const p = result.progress;
  const lines = [
    '',
    `seed run      ${result.runId}`,
    `status        ${result.status} (phase ${result.phase})`,
    `content hash  ${result.contentHash ?? '-'}`,
  ];
  if (p) {
    lines.push(`batches       ${p.batchesDone} done, ${p.batchesFailed} failed of ${p.batchesTotal}`);
    lines.push(`rows          ${p.rowsWritten.toLocaleString('en-US')} (estimate ${p.rowsEstimated.toLocaleString('en-US')})`);
    lines.push(`elapsed       ${clock(p.elapsedSeconds)} (${p.workers} workers)`);
    if (p.rowsByTable.length > 0) {
      lines.push('', `${'table'.padEnd(28)} ${'rows'.padStart(12)}`);
      for (const row of p.rowsByTable) lines.push(`${row.table.padEnd(28)} ${row.rows.toLocaleString('en-US').padStart(12)}`);
    }
  }
  if (result.verification) lines.push('', `verification  ${result.verification.ok ? 'PASSED' : 'FAILED'}`);
  if (result.error) lines.push('', `error         ${result.error}`);
  return `${lines.join('\n')}\n`;
}
