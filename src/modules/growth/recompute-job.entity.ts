import { Entity, Enum, Index, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { IdentifiedEntity } from '../../db/base.entity.js';
import type { DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar, DateTimeScalar } from '../../graphql/common/scalars.js';
import { Batch } from '../batch/batch.entity.js';
import { RecomputeJobStatus, RecomputeReason } from '../enums.js';

/** Counters of one recompute run. */
export interface RecomputeStats {
  rowsWritten: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  batchRowsWritten: number;
  durationMs: number;
}

/** A diagnostic of the engine (growth-engine.md §3.3), stored on the job. */
export interface RecomputeDiagnostic {
  code: string;
  assignmentId: number | null;
  date: string | null;
  detail: string;
}

/**
 * A queued run of the growth engine for one batch (growth-engine.md §6). Rows of this table are the source of
 * truth for status and coalescing; the graphile-worker job keyed by batch only wakes a worker.
 */
@Entity()
// Coalescing: at most one QUEUED job per batch; a new request merges into it.
@Unique({
  name: 'recompute_job_queued_unique',
  expression: `create unique index "recompute_job_queued_unique" on "recompute_job" ("batch_id") where "status" = 'QUEUED'`,
})
// Serialisation: at most one RUNNING job per batch.
@Unique({
  name: 'recompute_job_running_unique',
  expression: `create unique index "recompute_job_running_unique" on "recompute_job" ("batch_id") where "status" = 'RUNNING'`,
})
@Index({ properties: ['status', 'notBefore'] })
@Index({ properties: ['batch', 'requestedAt'] })
@ObjectType({ implements: Node, description: 'A queued or finished run of the growth engine for one batch.' })
export class RecomputeJob extends IdentifiedEntity {
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Earliest day to recompute; null = from the batch start.' })
  fromDate?: DateString | null;

  @Enum({ items: () => RecomputeReason })
  @Field(() => RecomputeReason, { description: 'Why the recompute was requested (of the first request coalesced).' })
  reason!: RecomputeReason;

  @Enum({ items: () => RecomputeJobStatus })
  @Field(() => RecomputeJobStatus, { description: 'Lifecycle status.' })
  status!: RecomputeJobStatus;

  /** Debounce: the job does not start before this instant, so bursts of edits coalesce. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Earliest start (a 2 s debounce lets bursts of edits coalesce).' })
  notBefore!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  @Field(() => DateTimeScalar, { description: 'When the job was first requested.' })
  requestedAt!: Opt<Date>;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a worker started it.' })
  startedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it reached a terminal status.' })
  finishedAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int, { description: 'Runs attempted so far.' })
  attempts: Opt<number> = 0;

  @Property({ type: 'string', length: 16, nullable: true })
  @Field(() => String, { nullable: true, description: 'Engine version that ran the job.' })
  engineVersion?: string | null;

  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  stats?: RecomputeStats | null;

  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  diagnostics?: RecomputeDiagnostic[] | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Failure message of a FAILED job.' })
  error?: string | null;
}
