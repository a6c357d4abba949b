import { Entity, Index, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { bigintColumn } from '../../db/types.js';

/**
 * The first result of a create mutation sent with an `idempotencyKey` (data-model.md §6.4). Keys are scoped to
 * the API token (`viewer_name`); the row is claimed with INSERT … ON CONFLICT inside the mutation's own
 * transaction, so a concurrent retry waits for the first attempt and then replays its result, and a failed
 * attempt (rolled back) releases the key. Keys older than IDEMPOTENCY_KEY_TTL_DAYS are forgotten nightly.
 */
@Entity({ tableName: 'mutation_idempotency' })
@Index({ properties: ['createdAt'] })
export class MutationIdempotency {
  [PrimaryKeyProp]?: ['viewerName', 'idempotencyKey'];
  [OptionalProps]?: 'createdAt';

  /** The API token's name: keys of different callers never collide. */
  @PrimaryKey({ type: 'string', length: 100 })
  viewerName!: string;

  @PrimaryKey({ type: 'string', length: 100 })
  idempotencyKey!: string;

  /** Mutation that claimed the key, e.g. `transferCreate`; another mutation reusing it is rejected. */
  @Property({ type: 'string', length: 64 })
  mutation!: string;

  /** SHA-256 of the canonical input (without the key): a retry must send the same input. */
  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  /** GraphQL type of the resource created, e.g. `TransferAction`. */
  @Property({ type: 'string', length: 64, nullable: true })
  resourceType?: string | null;

  @Property(bigintColumn({ nullable: true }))
  resourceId?: number | null;

  /** The recompute job the first attempt queued (or merged into). */
  @Property(bigintColumn({ nullable: true }))
  recomputeJobId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
