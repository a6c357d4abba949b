import { Check, Entity, Enum, Index, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { IdentifiedEntity, MutableEntity } from '../../db/base.entity.js';
import { numeric, type DateString } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { TreatmentType } from '../enums.js';

/** A vaccine product. */
@Entity()
@ObjectType({ implements: Node, description: 'A vaccine product.' })
export class VaccinationType extends MutableEntity {
  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Product name, unique.' })
  name!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Manufacturer.' })
  manufacturer?: string | null;
}

/**
 * A medication, vaccination, delicing or physical treatment. A treatment that includes weighing is a weight
 * anchor: the CHECK ties `includes_weighing` to a weighed count ≥ 1 and a mean weight > 0 (coalesce, so a
 * weighing without figures is rejected rather than passing as null).
 */
@Entity()
@Index({ properties: ['assignment', 'treatmentDate'] })
@Check({ name: 'treatment_withholding_days_check', expression: 'withholding_days >= 0' })
@Check({
  name: 'treatment_includes_weighing_check',
  expression: 'includes_weighing = (coalesce(weighed_count, 0) >= 1 and coalesce(avg_weight_g, 0) > 0)',
})
@ObjectType({ implements: Node, description: 'A treatment of the fish of an assignment (medication, vaccination, delicing, …).' })
export class Treatment extends MutableEntity {
  /** CASCADE: the table has no batch_id, so deleting a batch reaches its treatments through the assignments. */
  @ManyToOne(() => BatchContainerAssignment, { deleteRule: 'cascade' })
  assignment!: Rel<BatchContainerAssignment>;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Day of the treatment (inside the assignment interval).' })
  treatmentDate!: DateString;

  @Enum({ items: () => TreatmentType })
  @Field(() => TreatmentType, { description: 'Kind of treatment.' })
  treatmentType!: TreatmentType;

  @ManyToOne(() => VaccinationType, { nullable: true, deleteRule: 'restrict' })
  vaccinationType?: Rel<VaccinationType> | null;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Product or method used.' })
  product!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Dosage as given, free text (none for physical treatments).' })
  dosage?: string | null;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int, { description: 'Days before the fish may be harvested.' })
  withholdingDays: number = 0;

  @Property({ type: 'boolean', default: false })
  @Field(() => Boolean, { description: 'Whether fish were weighed during the treatment (a weight anchor).' })
  includesWeighing: boolean = false;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Fish weighed.' })
  weighedCount?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Mean weight of the weighed fish, g.' })
  avgWeightG?: number | null;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Who recorded the treatment (API token name; `seed` for generated data).' })
  recordedBy!: string;
}

/** One weighed fish of a treatment (same shape as GrowthSampleFish). */
@Entity()
@Unique({ properties: ['treatment', 'fishNo'] })
@Check({ name: 'treatment_fish_fish_no_check', expression: 'fish_no >= 1' })
@Check({ name: 'treatment_fish_weight_g_check', expression: 'weight_g > 0' })
@Check({ name: 'treatment_fish_length_cm_check', expression: 'length_cm > 0' })
@ObjectType({ implements: Node, description: 'One weighed fish of a treatment.' })
export class TreatmentFish extends IdentifiedEntity {
  @ManyToOne(() => Treatment, { deleteRule: 'cascade' })
  treatment!: Rel<Treatment>;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number of the fish within the treatment weighing, from 1.' })
  fishNo!: number;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Weight, g.' })
  weightG!: number;

  @Property(numeric(6, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Fork length, cm.' })
  lengthCm?: number | null;
}
