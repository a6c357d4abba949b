import { Check, Entity, Enum, Index, ManyToOne, Property, Unique, type Opt, type Rel } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { numeric } from '../../db/types.js';
import { Node } from '../../graphql/common/node.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { EnvironmentalParameter } from '../environment/environmental-parameter.entity.js';
import { ContainerCategory, ContainerHierarchyRole } from '../enums.js';
import { Area } from './area.entity.js';
import { Hall } from './freshwater-station.entity.js';

@Entity()
@Check({ name: 'container_type_max_volume_m3_check', expression: 'max_volume_m3 > 0' })
@ObjectType({ implements: Node, description: 'A kind of container (incubation tray, fry tank, sea ring, …).' })
export class ContainerType extends MutableEntity {
  @Property({ type: 'string', length: 32, unique: true })
  @Field(() => String, { description: 'Unique code.' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Enum({ items: () => ContainerCategory })
  @Field(() => ContainerCategory, { description: 'Physical kind.' })
  category!: ContainerCategory;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Largest volume a container of this type may have, m³.' })
  maxVolumeM3!: number;
}

/**
 * A tank, tray or sea ring. Exactly one of hall/area is set (CHECK). Name uniqueness per hall and per area
 * uses partial unique indexes (hand-written in the migration); assignments are kept from overlapping by an
 * exclusion constraint on batch_container_assignment.
 */
@Entity()
@Unique({
  name: 'container_hall_id_name_unique',
  expression: 'create unique index "container_hall_id_name_unique" on "container" ("hall_id", "name") where "hall_id" is not null',
})
@Unique({
  name: 'container_area_id_name_unique',
  expression: 'create unique index "container_area_id_name_unique" on "container" ("area_id", "name") where "area_id" is not null',
})
@Check({ name: 'container_location_check', expression: 'num_nonnulls(hall_id, area_id) = 1' })
@Check({ name: 'container_volume_m3_check', expression: 'volume_m3 > 0' })
@Check({
  name: 'container_max_biomass_kg_check',
  expression:
    "hierarchy_role = 'HOLDING' and max_biomass_kg > 0 or hierarchy_role = 'STRUCTURAL' and max_biomass_kg = 0",
})
@ObjectType({ implements: Node, description: 'A physical holding unit: egg tray, freshwater tank or sea ring.' })
export class Container extends MutableEntity {
  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Name, unique within its hall or area.' })
  name!: string;

  @ManyToOne(() => ContainerType, { deleteRule: 'restrict' })
  containerType!: Rel<ContainerType>;

  @ManyToOne(() => Hall, { nullable: true, deleteRule: 'restrict', index: true })
  hall?: Rel<Hall> | null;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict', index: true })
  area?: Rel<Area> | null;

  @ManyToOne(() => Container, { nullable: true, deleteRule: 'restrict', index: true })
  parentContainer?: Rel<Container> | null;

  @Enum({ items: () => ContainerHierarchyRole, default: ContainerHierarchyRole.HOLDING })
  @Field(() => ContainerHierarchyRole, { description: 'HOLDING containers take assignments; STRUCTURAL ones group them.' })
  hierarchyRole: Opt<ContainerHierarchyRole> = ContainerHierarchyRole.HOLDING;

  @Property(numeric(10, 2))
  @Field(() => Float, { description: 'Water volume, m³.' })
  volumeM3!: number;

  @Property(numeric(12, 2))
  @Field(() => Float, { description: 'Maximum allowed biomass, kg (0 for structural containers).' })
  maxBiomassKg!: number;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the container is in use.' })
  active: Opt<boolean> = true;
}

@Entity()
@Index({ properties: ['container'] })
@ObjectType({ implements: Node, description: 'A sensor installed in a container.' })
export class Sensor extends MutableEntity {
  @ManyToOne(() => Container, { deleteRule: 'cascade' })
  container!: Rel<Container>;

  @ManyToOne(() => EnvironmentalParameter, { deleteRule: 'restrict' })
  parameter!: Rel<EnvironmentalParameter>;

  @Property({ type: 'string', length: 64, unique: true })
  @Field(() => String, { description: 'Manufacturer serial number, unique.' })
  serialNumber!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Manufacturer.' })
  manufacturer?: string | null;

  @Property({ type: 'date' })
  @Field(() => DateScalar, { description: 'Installation date.' })
  installedOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Last calibration date.' })
  lastCalibratedOn?: string | null;

  @Property({ type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether the sensor is in use.' })
  active: Opt<boolean> = true;
}
