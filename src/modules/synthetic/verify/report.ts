/**
 * Shape of a seed-run verification report (synthetic-farm.md §10): `ok` is true iff no check FAILs, and a check's
 * `ok` means status ≠ FAIL. Stored on `seed_run.verification` and returned by `verifySeedRun`.
 */

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export type CheckName = 'V1' | 'V2' | 'V3' | 'V4' | 'V5' | 'V6' | 'V7' | 'V8' | 'V9' | 'V10' | 'V11' | 'V12';

/** Plain JSON value (measured/expected figures of a check). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface VerificationCheck {
  name: CheckName;
  title: string;
  ok: boolean;
  status: CheckStatus;
  measured: JsonValue;
  expected: JsonValue;
  /** Names the offending batch, container, date or table when not PASS. */
  message: string;
  durationMs: number;
}

export interface VerificationReport {
  runId: number;
  ok: boolean;
  /** The run hash recomputed by the check (deep: from the database rows). */
  contentHash: string | null;
  deep: boolean;
  sampleBatches: number;
  /** ISO-8601 instant the report was produced. */
  verifiedAt: string;
  durationMs: number;
  checks: VerificationCheck[];
}
