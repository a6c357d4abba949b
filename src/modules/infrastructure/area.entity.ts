import { Check, Entity, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { AreaGroup, Geography } from './geography.entity.js';

/** A licensed sea site holding rings. */
@Entity()
@Unique({ properties: ['geography', 'name'] })
@Check({ name: 'area_latitude_check', expression: 'latitude >= -90 and latitude <= 90' })
@Check({ name: 'area_longitude_check', expression: 'longitude >= -180 and longitude <= 180' })
@Check({ name: 'area_max_biomass_kg_check', expression: 'max_biomass_kg > 0' })
@ObjectType({ implements: Node, description: 'A licensed sea site ("area") holding rings.' })
export class Area extends MutableEntity {
  @ManyToOne(() => Geography, { deleteRule: 'restrict' })
  geography!: Rel<Geography>;

  @ManyToOne(() => AreaGroup, { nullable: true, deleteRule: 'restrict', index: true })
  areaGroup?: Rel<AreaGroup> | null;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Site name, unique within the geography.' })
  name!: string;

  @Property(numeric(9, 6))
  @Field(() => Float, { description: 'Latitude in decimal degrees (WGS84), −90 to 90.' })
  latitude!: number;

  @Property(numeric(9, 6))
  @Field(() => Float, { description: 'Longitude in decimal degrees (WGS84), −180 to 180.' })
  longitude!: number;

  @Property(numeric(14, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Licence cap on standing biomass, kg.' })
  maxBiomassKg?: number | null;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the site is in use.' })
  active: Opt<boolean> = true;
}
