import { Check, Entity, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, Unique, type Rel } from '@mikro-orm/core';
import { IdentifiedEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Container } from '../infrastructure/container.entity.js';
import { Geography } from '../infrastructure/geography.entity.js';
import { SeedRun } from './seed-run.entity.js';

/**
 * A container held for one stage of one planned batch over `[from, to)` in simulated dates. The exclusion
 * constraint is the backstop behind the workers' ordered row locks: no two reservations of one container overlap.
 */
@Entity()
@Unique({ name: 'container_reservation_run_batch_container_stage_unique', properties: ['seedRun', 'batchKey', 'container', 'stageOrder'] })
@Index({
  name: 'container_reservation_no_overlap',
  expression:
    'alter table "container_reservation" add constraint "container_reservation_no_overlap" exclude using gist ("container_id" with =, "during" with &&)',
})
@Check({ name: 'container_reservation_stage_order_check', expression: 'stage_order >= 1' })
export class ContainerReservation extends IdentifiedEntity {
  @ManyToOne(() => Container, { deleteRule: 'restrict' })
  container!: Rel<Container>;

  @ManyToOne(() => SeedRun, { deleteRule: 'cascade' })
  seedRun!: Rel<SeedRun>;

  @Property({ type: 'integer' })
  batchKey!: number;

  @Property({ type: 'smallint' })
  stageOrder!: number;

  /** Half-open reserved interval, PostgreSQL text form `[YYYY-MM-DD,YYYY-MM-DD)`. */
  @Property({ type: 'string', columnType: 'daterange' })
  during!: string;
}

/**
 * Instantaneous utilisation per day, geography and container class, filled by one set-based statement after the
 * load (synthetic-farm.md §5.4). `containerClass` is the container type code (tray, fry … post-smolt tank, ring).
 */
@Entity()
export class SeedUtilisationDaily {
  [PrimaryKeyProp]?: ['seedRun', 'date', 'geography', 'containerClass'];

  @ManyToOne(() => SeedRun, { primary: true, deleteRule: 'cascade' })
  seedRun!: Rel<SeedRun>;

  @PrimaryKey({ type: 'date' })
  date!: DateString;

  @ManyToOne(() => Geography, { primary: true, deleteRule: 'cascade' })
  geography!: Rel<Geography>;

  @PrimaryKey({ type: 'string', length: 32 })
  containerClass!: string;

  /** Holding containers of the class. */
  @Property({ type: 'integer' })
  containers!: number;

  /** Containers holding fish at the end of the day. */
  @Property({ type: 'integer' })
  occupied!: number;

  @Property(numeric(16, 2))
  biomassKg!: number;

  /** Σ max biomass of the class's containers, kg. */
  @Property(numeric(16, 2))
  maxBiomassKg!: number;
}
