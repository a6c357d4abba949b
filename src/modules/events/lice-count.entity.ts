import { Check, Entity, Enum, Index, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { IdentifiedEntity, MutableEntity } from '../../db/base.entity.js';
import { type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { LiceCountMethod, LiceSpecies, LiceStage } from '../enums.js';

/** Sea lice counted on a sample of fish; adult females per fish drives regulation. */
@Entity()
@Index({ properties: ['assignment', 'countDate'] })
@Check({ name: 'lice_count_fish_sampled_check', expression: 'fish_sampled >= 1' })
@ObjectType({ implements: Node, description: 'Sea lice counted on a sample of fish of an assignment.' })
export class LiceCount extends MutableEntity {
  /** CASCADE: the table has no batch_id, so deleting a batch reaches its counts through the assignments. */
  @ManyToOne(() => BatchContainerAssignment, { deleteRule: 'cascade' })
  assignment!: Rel<BatchContainerAssignment>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day of the count (inside the assignment interval).' })
  countDate!: DateString;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish examined.' })
  fishSampled!: number;

  @Enum({ items: () => LiceCountMethod })
  @Field(() => LiceCountMethod, { description: 'How the lice were counted.' })
  method!: LiceCountMethod;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the count (API token name; `seed` for generated data).' })
  recordedBy!: string;
}

/** Lice of one species and stage found in a lice count; zero counts are kept. */
@Entity()
@Unique({ properties: ['liceCount', 'liceSpecies', 'liceStage'] })
@Check({ name: 'lice_count_entry_count_check', expression: 'count >= 0' })
@ObjectType({ implements: Node, description: 'Lice of one species and stage found in a lice count.' })
export class LiceCountEntry extends IdentifiedEntity {
  @ManyToOne(() => LiceCount, { deleteRule: 'cascade' })
  liceCount!: Rel<LiceCount>;

  @Enum({ items: () => LiceSpecies })
  @Field(() => LiceSpecies, { description: 'Lice species.' })
  liceSpecies!: LiceSpecies;

  @Enum({ items: () => LiceStage })
  @Field(() => LiceStage, { description: 'Development stage.' })
  liceStage!: LiceStage;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Lice counted on all sampled fish together (zero kept).' })
  count!: number;
}
