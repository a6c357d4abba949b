/**
 * Recompute scope helpers (growth-engine.md §5.7, §6). A new anchor changes rows back to the start
 * of its weight segment, and top-ups and departure edits move segment boundaries, so a recompute
 * must rewrite from the start of the segment containing the earliest dirty date, in the
 * segmentation before or after the change, whichever starts earlier, and no later than the day
 * after the assignment's last stored row.
 */
import { dateOf, dayIndex } from './dates.js';
import { prepareBatch, type PreparedBatch } from './prepare.js';
import type { EngineInputs } from './types.js';

/** A weight segment of one assignment, planned on its nominal coverage. */
export interface WeightSegment {
  startDate: string;
  endDate: string;
  /** True when the segment ends on an anchor day (calibrated unless out of range). */
  endsInAnchor: boolean;
}

function segmentsOf(pb: PreparedBatch, assignmentId: number): WeightSegment[] | null {
  const a = pb.assignments.find((x) => x.id === assignmentId);
  if (!a) return null;
  return a.segStart.map((s, i) => ({
    startDate: dateOf(pb.base + s),
    endDate: dateOf(pb.base + a.segEnd[i]!),
    endsInAnchor: a.anchorKind[a.segEnd[i]!] !== 0,
  }));
}

/** The planned weight segments of one assignment for a run up to `asOf` (empty without coverage). */
export function planWeightSegments(inputs: EngineInputs, asOf: string, assignmentId: number): WeightSegment[] {
  return segmentsOf(prepareBatch(inputs, asOf), assignmentId) ?? [];
}

function startOnOrBefore(segments: readonly WeightSegment[], date: string): string | null {
  if (segments.length === 0) return null;
  // Dates before the first day fall into the first segment, dates after coverage into the last.
  let found = segments[0]!.startDate;
  for (const s of segments) {
    if (s.startDate <= date) found = s.startDate;
    else break;
  }
  return found;
}

/**
 * Start date of the weight segment containing `date` for one assignment (§5.7), the segments being
 * planned on the nominal coverage `[assignmentDate, min(departureDate − 1, asOf)]`. Dates outside
 * coverage are clamped to it. Null when the assignment is unknown or has no coverage.
 */
export function segmentStartOnOrBefore(
  inputs: EngineInputs,
  asOf: string,
  assignmentId: number,
  date: string,
): string | null {
  return startOnOrBefore(planWeightSegments(inputs, asOf, assignmentId), date);
}

export interface DirtyMark {
  assignmentId: number;
  /** Earliest dirty date of the assignment (its watermark). */
  date: string;
}

export interface RewriteScopeArgs {
  /** Inputs and asOf of the stored rows (before the change); null when nothing is stored. */
  before: { inputs: EngineInputs; asOf: string } | null;
  /** Inputs and asOf of the run about to be written. */
  after: { inputs: EngineInputs; asOf: string };
  /** Dirty watermarks; several marks of one assignment collapse to the earliest. */
  dirty: readonly DirtyMark[];
  /** Date of each assignment's last stored row; absent or null = no stored row. */
  lastStoredRowDate: ReadonlyMap<number, string | null>;
}

export interface RewriteFrom {
  assignmentId: number;
  fromDate: string;
}

/**
 * For each dirty assignment present after the change, the earliest date its rows must be rewritten
 * from (§6): the start of the segment containing the dirty date in the segmentation before or after
 * the change, whichever is earlier, and no later than the day after its last stored row (its start
 * when it has none). Sorted by assignment id.
 */
export function rewriteFromDates(args: RewriteScopeArgs): RewriteFrom[] {
  const earliest = new Map<number, string>();
  for (const m of args.dirty) {
    const prev = earliest.get(m.assignmentId);
    if (prev === undefined || m.date < prev) earliest.set(m.assignmentId, m.date);
  }
  const after = prepareBatch(args.after.inputs, args.after.asOf);
  const before = args.before ? prepareBatch(args.before.inputs, args.before.asOf) : null;
  const out: RewriteFrom[] = [];
  for (const [assignmentId, date] of [...earliest].sort((x, y) => x[0] - y[0])) {
    const assignment = args.after.inputs.assignments.find((a) => a.id === assignmentId);
    if (!assignment) continue;
    let from = date;
    const candidates: (string | null)[] = [
      startOnOrBefore(segmentsOf(after, assignmentId) ?? [], date),
      before ? startOnOrBefore(segmentsOf(before, assignmentId) ?? [], date) : null,
    ];
    for (const c of candidates) if (c !== null && c < from) from = c;
    const last = args.lastStoredRowDate.get(assignmentId) ?? null;
    const limit = last === null ? assignment.assignmentDate : dateOf(dayIndex(last) + 1);
    if (limit < from) from = limit;
    out.push({ assignmentId, fromDate: from });
  }
  return out;
}
