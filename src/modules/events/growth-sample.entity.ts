import { Check, Entity, Index, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { IdentifiedEntity, MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';

/**
 * A weighing of a sample of fish: a weight anchor of the growth engine. When individual fish are recorded the
 * aggregates are recomputed from them server-side (condition factor K = 100 × W / L³).
 */
@Entity()
@Index({ properties: ['assignment', 'sampleDate'] })
@Check({ name: 'growth_sample_sample_size_check', expression: 'sample_size >= 1' })
@Check({ name: 'growth_sample_avg_weight_g_check', expression: 'avg_weight_g > 0' })
@ObjectType({ implements: Node, description: 'A weighing of a sample of fish (a weight anchor of the growth curve).' })
export class GrowthSample extends MutableEntity {
  /** CASCADE: the table has no batch_id, so deleting a batch reaches its samples through the assignments. */
  @ManyToOne(() => BatchContainerAssignment, { deleteRule: 'cascade' })
  assignment!: Rel<BatchContainerAssignment>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day of the sample (inside the assignment interval).' })
  sampleDate!: DateString;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Fish weighed.' })
  sampleSize!: number;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Mean weight, g.' })
  avgWeightG!: number;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Standard deviation of the weights, g.' })
  stdDevWeightG?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Lightest fish, g.' })
  minWeightG?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Heaviest fish, g.' })
  maxWeightG?: number | null;

  @Property(numeric(6, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Mean fork length, cm.' })
  avgLengthCm?: number | null;

  @Property(numeric(6, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Standard deviation of the lengths, cm.' })
  stdDevLengthCm?: number | null;

  @Property(numeric(6, 3, { nullable: true }))
  @Field(() => Float, { nullable: true, description: "Fulton's condition factor K = 100 × weight (g) / length (cm)³ (derived)." })
  conditionFactor?: number | null;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the sample (API token name; `seed` for generated data).' })
  recordedBy!: string;
}

/** One fish of a growth sample. */
@Entity()
@Unique({ properties: ['growthSample', 'fishNo'] })
@Check({ name: 'growth_sample_fish_fish_no_check', expression: 'fish_no >= 1' })
@Check({ name: 'growth_sample_fish_weight_g_check', expression: 'weight_g > 0' })
@Check({ name: 'growth_sample_fish_length_cm_check', expression: 'length_cm > 0' })
@ObjectType({ implements: Node, description: 'One weighed fish of a growth sample.' })
export class GrowthSampleFish extends IdentifiedEntity {
  @ManyToOne(() => GrowthSample, { deleteRule: 'cascade' })
  growthSample!: Rel<GrowthSample>;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number of the fish within the sample, from 1.' })
  fishNo!: number;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Weight, g.' })
  weightG!: number;

  @Property(numeric(6, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Fork length, cm.' })
  lengthCm?: number | null;
}
