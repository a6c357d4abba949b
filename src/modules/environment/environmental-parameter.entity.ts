import { Entity, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';

/** A measured water parameter (TEMPERATURE, OXYGEN, …). Looked up by `code` only, never by name. */
@Entity()
@ObjectType({ implements: Node, description: 'A measured water parameter, e.g. TEMPERATURE or OXYGEN.' })
export class EnvironmentalParameter extends MutableEntity {
  @Property({ type: 'string', length: 32, unique: true })
  @Field(() => String, { description: 'Stable unique code, e.g. TEMPERATURE, OXYGEN, PH, SALINITY.' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Property({ type: 'string', length: 20 })
  @Field(() => String, { description: 'Unit of the values, e.g. °C, mg/L, ppt.' })
  unit!: string;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Lowest plausible value, in the parameter unit.' })
  minValue?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Highest plausible value, in the parameter unit.' })
  maxValue?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Lower bound of the optimal range, in the parameter unit.' })
  optimalMin?: number | null;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Upper bound of the optimal range, in the parameter unit.' })
  optimalMax?: number | null;
}
