import { Entity, Enum, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { type DateString } from '../../db/types.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { AdjustmentReason } from '../enums.js';

/**
 * A population correction booked by the growth engine (growth-engine.md §5.3.4): a transfer count reconciliation
 * of an emptied source or a clamp at zero. Derived; rewritten with the daily rows.
 */
@Entity()
@Index({ properties: ['batch', 'date'] })
export class PopulationAdjustment {
  [PrimaryKeyProp]?: ['assignment', 'date', 'reason'];

  @ManyToOne(() => BatchContainerAssignment, { primary: true, deleteRule: 'cascade' })
  assignment!: Rel<BatchContainerAssignment>;

  /** The day (UTC). */
  @PrimaryKey({ type: 'date' })
  date!: DateString;

  @Enum({ items: () => AdjustmentReason, primary: true })
  reason!: AdjustmentReason;

  /** For batch cleanup and batch sums. */
  @ManyToOne(() => Batch, { deleteRule: 'cascade' })
  batch!: Rel<Batch>;

  /** Fish subtracted from the population, signed: > 0 unaccounted loss, < 0 fish found (or a clamp excess). */
  @Property({ type: 'integer' })
  count!: number;
}
