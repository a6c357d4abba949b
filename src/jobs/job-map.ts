/** Every queue job by name with its payload type: the contract between enqueuers and handlers. */
export interface JobMap {
  /** Wakes a worker for a batch's QUEUED recompute job (the recompute_job row holds the scope). */
  recompute: { batchId: number };
  /** Marks open assignments dirty from their last row so their series reach today. */
  nightly_append: Record<string, never>;
  /** Keeps time-series partitions 12 months ahead and checks the DEFAULT partitions. */
  partition_maintenance: Record<string, never>;
}
export type JobName = keyof JobMap;
