import { Check, Entity, Enum, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { StationType } from '../enums.js';
import { Geography } from './geography.entity.js';

@Entity()
@Unique({ properties: ['geography', 'name'] })
@Check({ name: 'freshwater_station_latitude_check', expression: 'latitude >= -90 and latitude <= 90' })
@Check({ name: 'freshwater_station_longitude_check', expression: 'longitude >= -180 and longitude <= 180' })
@ObjectType({ implements: Node, description: 'A land-based hatchery or smolt facility.' })
export class FreshwaterStation extends MutableEntity {
  @ManyToOne(() => Geography, { deleteRule: 'restrict' })
  geography!: Rel<Geography>;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Station name, unique within the geography.' })
  name!: string;

  @Enum({ items: () => StationType })
  @Field(() => StationType, { description: 'Kind of station.' })
  stationType: Opt<StationType> = StationType.FRESHWATER;

  @Property(numeric(9, 6))
  @Field(() => Float, { description: 'Latitude in decimal degrees, −90 to 90.' })
  latitude!: number;

  @Property(numeric(9, 6))
  @Field(() => Float, { description: 'Longitude in decimal degrees, −180 to 180.' })
  longitude!: number;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the station is in use.' })
  active: Opt<boolean> = true;
}

@Entity()
@Unique({ properties: ['station', 'name'] })
@Check({ name: 'hall_area_sqm_check', expression: 'area_sqm > 0' })
@ObjectType({ implements: Node, description: 'A building of a freshwater station holding tanks or trays.' })
export class Hall extends MutableEntity {
  @ManyToOne(() => FreshwaterStation, { deleteRule: 'cascade' })
  station!: Rel<FreshwaterStation>;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Hall name, unique within the station.' })
  name!: string;

  @Property(numeric(10, 2, { nullable: true }))
  @Field(() => Float, { nullable: true, description: 'Floor area, m².' })
  areaSqm?: number | null;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the hall is in use.' })
  active: Opt<boolean> = true;
}
