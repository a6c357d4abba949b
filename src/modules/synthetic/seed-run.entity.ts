import { Check, Entity, Enum, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { IdentifiedEntity } from '../../db/base.entity.js';
import { bigintColumn, type DateString } from '../../db/types.js';
import type { SeedRunProgress } from './run/progress.js';
import type { DeferredStructure } from './run/deferred-structures.js';
import type { VerificationReport } from './verify/report.js';

// This file imports no other module's entities: seed worker threads load it without the GraphQL-decorated model.

/** Lifecycle of a seed run (data-model.md §3). QUEUED, RUNNING and CANCELLING are the non-terminal ones. */
export enum SeedRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  CANCELLING = 'CANCELLING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** Phases of a seed run (synthetic-farm.md §1). */
export enum SeedRunPhase {
  PLANNING = 'PLANNING',
  INFRASTRUCTURE = 'INFRASTRUCTURE',
  GENERATING = 'GENERATING',
  POST_LOAD = 'POST_LOAD',
  VERIFYING = 'VERIFYING',
  DONE = 'DONE',
}

/** Work-item status of one planned batch (synthetic-farm.md §6.1). */
export enum SeedRunBatchStatus {
  PLANNED = 'PLANNED',
  CLAIMED = 'CLAIMED',
  DONE = 'DONE',
  FAILED = 'FAILED',
}

export const NON_TERMINAL_SEED_RUN_STATUSES = [SeedRunStatus.QUEUED, SeedRunStatus.RUNNING, SeedRunStatus.CANCELLING] as const;

/**
 * One generation of synthetic farm data from a profile, a PRNG seed and a pinned "today" (data-model.md §2.7).
 * Progress, deferred index definitions and the verification report live in jsonb so any process (CLI, API,
 * a resuming coordinator) sees the latest state.
 */
@Entity()
// At most one run may be in flight: the partial unique index on a constant makes a second start fail in the
// database even when two coordinators race past the application check.
@Unique({
  name: 'seed_run_one_active_unique',
  expression: `create unique index "seed_run_one_active_unique" on "seed_run" ((true)) where "status" in ('QUEUED', 'RUNNING', 'CANCELLING')`,
})
@Check({ name: 'seed_run_workers_check', expression: 'workers >= 1 and workers <= 16' })
@Check({ name: 'seed_run_prng_seed_check', expression: 'prng_seed >= 0 and prng_seed <= 4294967295' })
export class SeedRun extends IdentifiedEntity {
  /** demo, standard, full or custom. */
  @Property({ type: 'string', length: 32 })
  profileName!: string;

  /** The resolved, validated profile (every number the generator used). */
  @Property({ type: 'json', columnType: 'jsonb' })
  profile!: unknown;

  /** SHA-256 of the profile's canonical JSON (hex). */
  @Property({ type: 'string', length: 64 })
  profileHash!: string;

  /** uint32 PRNG seed. */
  @Property(bigintColumn())
  prngSeed!: number;

  /** Last simulated day (inclusive) and the growth engine's asOf. */
  @Property({ type: 'date' })
  today!: DateString;

  @Property({ type: 'boolean', default: false })
  wipe: Opt<boolean> = false;

  /** Worker threads of the latest (re)start, 1–16. */
  @Property({ type: 'smallint' })
  workers!: number;

  @Enum({ items: () => SeedRunStatus })
  status!: SeedRunStatus;

  @Enum({ items: () => SeedRunPhase })
  phase!: SeedRunPhase;

  @Property({ type: 'string', length: 16 })
  generatorVersion!: string;

  @Property({ type: 'string', length: 16 })
  engineVersion!: string;

  /** SHA-256 over the COPY streams of infrastructure and master data (synthetic-farm.md §7). */
  @Property({ type: 'string', length: 64, nullable: true })
  infrastructureHash?: string | null;

  /** The run hash (synthetic-farm.md §7); set when the load is complete. */
  @Property({ type: 'string', length: 64, nullable: true })
  contentHash?: string | null;

  /** Latest progress snapshot (synthetic-farm.md §9), so a late subscriber starts from it. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  progress?: SeedRunProgress | null;

  /** Secondary structures of the time-series tables dropped for the load and not yet rebuilt. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  deferredStructures?: DeferredStructure[] | null;

  /** Latest verification report (synthetic-farm.md §10). */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  verification?: VerificationReport | null;

  @Property({ type: 'string', length: 100, nullable: true })
  requestedBy?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  requestedAt!: Opt<Date>;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  /** Liveness of the coordinator, refreshed with the progress snapshots. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  heartbeatAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;
}

/** One planned batch of a run: the work item workers claim (synthetic-farm.md §6.1). */
@Entity()
@Check({ name: 'seed_run_batch_attempt_check', expression: 'attempt >= 0' })
export class SeedRunBatch {
  [PrimaryKeyProp]?: ['seedRun', 'batchKey'];

  @ManyToOne(() => SeedRun, { primary: true, deleteRule: 'cascade' })
  seedRun!: Rel<SeedRun>;

  /** Chronological global index of the batch (synthetic-farm.md §5.1). */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  batchKey!: number;

  @Property({ type: 'string', length: 50 })
  batchNumber!: string;

  /** The batch's plan (`BatchPlan`: geography, dates, containers, targets, estimates). */
  @Property({ type: 'json', columnType: 'jsonb' })
  plan!: unknown;

  /** Estimated rows (§4.3 "All rows"), the claim order's balancing key. */
  @Property({ type: 'integer' })
  estRows!: number;

  @Enum({ items: () => SeedRunBatchStatus })
  status!: SeedRunBatchStatus;

  @Property({ type: 'integer', default: 0 })
  attempt: Opt<number> = 0;

  @Property({ type: 'string', length: 64, nullable: true })
  claimedBy?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  heartbeatAt?: Date | null;

  @Property(bigintColumn({ nullable: true }))
  rowsWritten?: number | null;

  /** SHA-256 over the batch's COPY byte streams (hex). */
  @Property({ type: 'string', length: 64, nullable: true })
  batchHash?: string | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;
}
