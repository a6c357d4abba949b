/** Every queue job by name with its payload type: the contract between enqueuers and handlers. */
export interface JobMap {
  /** Wakes a worker for a batch's QUEUED recompute job (the recompute_job row holds the scope). */
  recompute: { batchId: number };
  /** Marks open assignments dirty from their last row so their series reach today. */
  nightly_append: Record<string, never>;
  /** Keeps time-series partitions 12 months ahead and checks the DEFAULT partitions. */
  partition_maintenance: Record<string, never>;
  /** Executes (or resumes) a seed run: the seed_run row holds profile, seed and today. `workers` overrides the row's. */
  seed_run: { seedRunId: number; workers?: number };
  /** Verifies a seed run and stores the report on its row. */
  seed_run_verify: { seedRunId: number; deep: boolean; sampleBatches: number };
  /** Forgets idempotency keys older than IDEMPOTENCY_KEY_TTL_DAYS (nightly). */
  idempotency_key_expiry: Record<string, never>;
  /** Unlocks seed_run jobs of dead workers so they are resumed now (every minute and at every runner start). */
  seed_run_rescue: Record<string, never>;
}
export type JobName = keyof JobMap;
