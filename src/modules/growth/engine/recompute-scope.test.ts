import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { a27Inputs, a8Inputs, day, rowOn, rowsOf } from './fixtures.js';
import { planWeightSegments, rewriteFromDates, segmentStartOnOrBefore, type RewriteFrom } from './segments.js';
import type { DailyAssignmentStateRow, EngineInputs } from './types.js';

/**
 * Simulates an incremental job: keep the stored rows before each assignment's rewrite date, take
 * the new rows from it on (assignments without a rewrite date keep all stored rows).
 */
function applyRewrite(
  stored: readonly DailyAssignmentStateRow[],
  fresh: readonly DailyAssignmentStateRow[],
  scope: readonly RewriteFrom[],
): DailyAssignmentStateRow[] {
  const from = new Map(scope.map((s) => [s.assignmentId, s.fromDate]));
  const kept = stored.filter((r) => {
    const f = from.get(r.assignmentId);
    return f !== undefined && r.date < f;
  });
  const written = fresh.filter((r) => {
    const f = from.get(r.assignmentId);
    return f !== undefined && r.date >= f;
  });
  const untouched = stored.filter((r) => !from.has(r.assignmentId));
  return [...kept, ...written, ...untouched].sort((a, b) => a.assignmentId - b.assignmentId || (a.date < b.date ? -1 : 1));
}

function lastRows(rows: readonly DailyAssignmentStateRow[]): Map<number, string | null> {
  const m = new Map<number, string | null>();
  for (const r of rows) m.set(r.assignmentId, r.date);
  return m;
}

describe('recompute scope (§6)', () => {
  it('A21 — idempotence: computing twice gives identical output', () => {
    const first = computeBatch(a8Inputs(), { asOf: day(20) });
    const second = computeBatch(a8Inputs(), { asOf: day(20) });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    // Rows that a job would write (changed values) are none.
    const changed = second.rows.filter((r, i) => JSON.stringify(r) !== JSON.stringify(first.rows[i]));
    expect(changed).toHaveLength(0);
  });

  it('A21 — a sample added on day 12 rewrites from day 6 and equals a from-scratch recompute', () => {
    const before = a8Inputs();
    const after = a8Inputs();
    after.growthSamples = [...after.growthSamples, { assignmentId: 1, sampleDate: day(12), avgWeightG: 124.0, sampleSize: 30 }];
    expect(segmentStartOnOrBefore(before, day(20), 1, day(12))).toBe(day(6));
    expect(segmentStartOnOrBefore(after, day(20), 1, day(12))).toBe(day(6));
    const old = computeBatch(before, { asOf: day(20) });
    const scope = rewriteFromDates({
      before: { inputs: before, asOf: day(20) },
      after: { inputs: after, asOf: day(20) },
      dirty: [{ assignmentId: 1, date: day(12) }],
      lastStoredRowDate: lastRows(old.rows),
    });
    expect(scope).toEqual([{ assignmentId: 1, fromDate: day(6) }]);
    const fresh = computeBatch(after, { asOf: day(20) });
    expect(applyRewrite(old.rows, fresh.rows, scope)).toEqual(fresh.rows);
    // Days 1–5 are untouched; days 6–11 change (re-calibrated towards the new anchor).
    expect(fresh.rows.slice(0, 5)).toEqual(old.rows.slice(0, 5));
    expect(fresh.rows[5]).not.toEqual(old.rows[5]);
  });

  it('A21 — a top-up on day 12 splits segment 6–15; the job still rewrites from day 6', () => {
    const before = a8Inputs();
    const after = a8Inputs();
    after.placements = [...after.placements, { assignmentId: 1, placementDate: day(12), count: 2_000, avgWeightG: 125.0 }];
    expect(segmentStartOnOrBefore(after, day(20), 1, day(12))).toBe(day(12));
    expect(segmentStartOnOrBefore(before, day(20), 1, day(12))).toBe(day(6));
    expect(planWeightSegments(after, day(20), 1).map((s) => [s.startDate, s.endDate, s.endsInAnchor])).toEqual([
      [day(1), day(5), true],
      [day(6), day(11), false],
      [day(12), day(15), true],
      [day(16), day(20), false],
    ]);
    const old = computeBatch(before, { asOf: day(20) });
    const scope = rewriteFromDates({
      before: { inputs: before, asOf: day(20) },
      after: { inputs: after, asOf: day(20) },
      dirty: [{ assignmentId: 1, date: day(12) }],
      lastStoredRowDate: lastRows(old.rows),
    });
    expect(scope).toEqual([{ assignmentId: 1, fromDate: day(6) }]);
    const fresh = computeBatch(after, { asOf: day(20) });
    expect(applyRewrite(old.rows, fresh.rows, scope)).toEqual(fresh.rows);
    for (let n = 6; n <= 11; n++) {
      const row = rowOn(fresh.rows, 1, n)!;
      expect(row.tgcUsed).toBe(2.75);
      expect(row.sources.calibrated).toBe(false);
      expect(rowOn(old.rows, 1, n)!.sources.calibrated).toBe(true);
    }
    // Rewriting from day 12 would leave days 6–11 stale.
    expect(applyRewrite(old.rows, fresh.rows, [{ assignmentId: 1, fromDate: day(12) }])).not.toEqual(fresh.rows);
  });

  it('A27 — an arrival making a departure provisional rewrites from the day after the last row', () => {
    const before = a27Inputs(false);
    const after = a27Inputs(true);
    const old = computeBatch(before, { asOf: day(12) });
    expect(rowsOf(old.rows, 1).at(-1)!.date).toBe(day(4));
    // The segment rule alone gives day 8 (after the day-7 sample) and would leave days 5–7 missing.
    expect(segmentStartOnOrBefore(before, day(12), 1, day(9))).toBe(day(8));
    expect(segmentStartOnOrBefore(after, day(12), 1, day(9))).toBe(day(9));
    const scope = rewriteFromDates({
      before: { inputs: before, asOf: day(12) },
      after: { inputs: after, asOf: day(12) },
      dirty: [
        { assignmentId: 3, date: day(8) },
        { assignmentId: 1, date: day(9) },
      ],
      lastStoredRowDate: lastRows(old.rows),
    });
    expect(scope.find((s) => s.assignmentId === 1)!.fromDate).toBe(day(5));
    const fresh = computeBatch(after, { asOf: day(12) });
    expect(applyRewrite(old.rows, fresh.rows, scope)).toEqual(fresh.rows);
  });

  it('A27 — nightly append from asOf 8 to 12 with the arrival as a placement', () => {
    const inputs: EngineInputs = a27Inputs(true, true);
    const old = computeBatch(inputs, { asOf: day(8) });
    expect(rowsOf(old.rows, 1).at(-1)!.date).toBe(day(4));
    const last = lastRows(old.rows);
    const dirty = [...last].map(([assignmentId, date]) => ({ assignmentId, date: date! }));
    const scope = rewriteFromDates({
      before: { inputs, asOf: day(8) },
      after: { inputs, asOf: day(12) },
      dirty,
      lastStoredRowDate: last,
    });
    expect(scope.find((s) => s.assignmentId === 1)!.fromDate <= day(4)).toBe(true);
    const fresh = computeBatch(inputs, { asOf: day(12) });
    expect(applyRewrite(old.rows, fresh.rows, scope)).toEqual(fresh.rows);
    expect(rowsOf(fresh.rows, 1)).toHaveLength(12);
  });

  it('segment starts outside coverage clamp to it; unknown assignments give null', () => {
    expect(segmentStartOnOrBefore(a8Inputs(), day(20), 1, '2023-12-01')).toBe(day(1));
    expect(segmentStartOnOrBefore(a8Inputs(), day(20), 1, day(40))).toBe(day(16));
    expect(segmentStartOnOrBefore(a8Inputs(), day(20), 99, day(4))).toBeNull();
  });
});
