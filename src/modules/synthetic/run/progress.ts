import type { SeedRunPhase, SeedRunStatus } from '../seed-run.entity.js';

/** Rows written to one table so far. */
export interface TableRows {
  table: string;
  rows: number;
}

/**
 * A progress snapshot of a seed run (synthetic-farm.md §9). Stored in `seed_run.progress`, sent as the payload of
 * `NOTIFY seed_run_progress` and handed to the caller's progress sink, at most every 500 ms and on every phase
 * change.
 */
export interface SeedRunProgress {
  runId: number;
  status: SeedRunStatus;
  phase: SeedRunPhase;
  batchesTotal: number;
  /** Waiting to be claimed. */
  batchesPlanned: number;
  batchesClaimed: number;
  batchesDone: number;
  batchesFailed: number;
  /** Rows of the §4.3 "All rows" categories written so far (derived tables are in `rowsByTable` only). */
  rowsWritten: number;
  /** Σ of the plan's per-batch estimates of the same categories. */
  rowsEstimated: number;
  /** Every table written by the run, derived tables included. */
  rowsByTable: TableRows[];
  /** Exponential moving average over 5 s of `rowsWritten` per second. */
  rowsPerSec: number;
  /** Remaining estimated rows ÷ rowsPerSec; null while the rate is unknown. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  workers: number;
  message: string | null;
  /** ISO-8601 instant of the snapshot. */
  timestamp: string;
}

/** Time constant of the rows/s moving average (synthetic-farm.md §9). */
const RATE_WINDOW_SECONDS = 5;

/**
 * Exponential moving average of a rate over a 5 s time constant, fed with cumulative counts: each sample moves
 * the average towards the instantaneous rate by 1 − e^(−Δt/5 s).
 */
export class RateEstimator {
  private lastCount: number | null = null;
  private lastAt = 0;
  private value = 0;

  /**
   * @param count cumulative rows so far
   * @param atMs wall-clock milliseconds of the sample
   * @returns the smoothed rate, rows per second
   */
  sample(count: number, atMs: number): number {
    if (this.lastCount === null) {
      this.lastCount = count;
      this.lastAt = atMs;
      return this.value;
    }
    const seconds = (atMs - this.lastAt) / 1000;
    if (seconds <= 0) return this.value;
    const instant = (count - this.lastCount) / seconds;
    const alpha = 1 - Math.exp(-seconds / RATE_WINDOW_SECONDS);
    this.value += alpha * (instant - this.value);
    this.lastCount = count;
    this.lastAt = atMs;
    return this.value;
  }

  get rate(): number {
    return this.value;
  }
}
