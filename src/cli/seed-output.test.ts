import { describe, expect, it } from 'vitest';
import type { SeedRunProgress } from '../modules/synthetic/run/progress.js';
import { SeedRunPhase, SeedRunStatus } from '../modules/synthetic/seed-run.entity.js';
import { clock, compactCount, progressLine } from './seed-output.js';

describe('seed progress line', () => {
  it('matches synthetic-farm.md §9', () => {
    const snapshot: SeedRunProgress = {
      runId: 1,
      status: SeedRunStatus.RUNNING,
      phase: SeedRunPhase.GENERATING,
      batchesTotal: 144,
      batchesPlanned: 45,
      batchesClaimed: 2,
      batchesDone: 97,
      batchesFailed: 0,
      rowsWritten: 21_300_000,
      rowsEstimated: 29_200_000,
      rowsByTable: [],
      rowsPerSec: 183_000,
      etaSeconds: 41,
      elapsedSeconds: 120,
      workers: 4,
      message: null,
      timestamp: '2025-12-31T00:00:00.000Z',
    };
    expect(progressLine(snapshot, 14)).toBe('GENERATING [#########-----] 97/144 batches | 21.3M rows | 183k rows/s | ETA 0:41');
    expect(compactCount(950)).toBe('950');
    expect(compactCount(12_345)).toBe('12.3k');
    expect(clock(3_725)).toBe('1:02:05');
  });
});
