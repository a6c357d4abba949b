import type { VerificationReport } from './report.js';

/** The verification report as a text table: one line per check, then the messages of non-passing checks. */
export function formatCheckTable(report: VerificationReport): string {
  const lines = [`seed run ${report.runId} verification${report.deep ? ' (deep)' : ''}: ${report.ok ? 'PASSED' : 'FAILED'}`, `content hash ${report.contentHash ?? '-'}`, ''];
  for (const check of report.checks) {
    lines.push(`${check.name.padEnd(4)} ${check.status.padEnd(5)} ${check.title.padEnd(26)} ${`${(check.durationMs / 1000).toFixed(1)} s`.padStart(7)}  ${check.message}`);
  }
  return lines.join('\n');
}
