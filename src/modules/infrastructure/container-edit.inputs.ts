import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/common/scalars.js';
import { UserError } from '../../graphql/common/user-error.js';
import { ContainerCategory, ContainerHierarchyRole } from '../enums.js';
import { IdempotencyKeyField } from '../operations/payload.js';
import { Container, ContainerType, Sensor } from './container.entity.js';
import { KEEP } from '../operations/payload.js';
import { VERSION_DESCRIPTION } from './infrastructure-edit.js';

const ERRORS = 'Why nothing was written, if so.';

@InputType({ description: 'Input of containerTypeCreate.' })
export class ContainerTypeCreateInput {
  @Field(() => String, { description: 'Unique code (1 to 32 characters), e.g. SMOLT_TANK.' })
  code!: string;

  @Field(() => String, { description: 'Display name (at most 100 characters).' })
  name!: string;

  @Field(() => ContainerCategory, {
    description: 'Physical kind; it fixes where containers of the type may stand: PEN only in a sea area, TANK and TRAY only in a hall, OTHER in either.',
  })
  category!: ContainerCategory;

  @Field(() => Float, { description: 'Largest volume a container of this type may have, m³ (> 0).' })
  maxVolumeM3!: number;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'Result of containerTypeCreate.' })
export class ContainerTypeCreatePayload {
  @Field(() => ContainerType, { nullable: true, description: 'The new container type (null when userErrors is not empty).' })
  containerType!: ContainerType | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@InputType({ description: 'Input of containerCreate. Exactly one of hallId and areaId is given.' })
export class ContainerCreateInput {
  @Field(() => String, { description: 'Name (at most 100 characters), unique within its hall or area.' })
  name!: string;

  @Field(() => ID, { description: "Global id of the container type; its category must fit the location and its max volume bounds volumeM3." })
  containerTypeId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the active hall holding a tank, tray or rack.' })
  hallId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the active sea area holding a ring.' })
  areaId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of a STRUCTURAL parent (e.g. a tray rack) in the same hall or area.' })
  parentContainerId?: string | null;

  @Field(() => ContainerHierarchyRole, { nullable: true, description: 'HOLDING (default) takes assignments; STRUCTURAL only groups containers.' })
  hierarchyRole?: ContainerHierarchyRole | null;

  @Field(() => Float, { description: "Water volume, m³ (> 0, at most the type's maxVolumeM3)." })
  volumeM3!: number;

  @Field(() => Float, { nullable: true, description: 'Maximum allowed biomass, kg: required and > 0 for HOLDING; 0 or left out for STRUCTURAL.' })
  maxBiomassKg?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the container is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'Input of containerUpdate; left out: unchanged. Recorded assignments tie a container to its place and role: see the fields for what they forbid.',
})
export class ContainerUpdateInput {
  @Field(() => ID, { description: 'Global id of the container.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => String, { nullable: true, description: `New name (at most 100 characters), unique within its hall or area. ${KEEP}` })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: `Global id of another container type; its category must fit the location and its max volume bound the volume. ${KEEP}` })
  containerTypeId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: `Moves the container into this active hall (at most one of hallId and areaId). A container with any assignment, past or present, cannot move (VALIDATION: the assignments record where the fish were; create a new container instead), nor can one with child containers. ${KEEP}`,
  })
  hallId?: string | null;

  @Field(() => ID, { nullable: true, description: `Moves the container into this active sea area; same rules as hallId. ${KEEP}` })
  areaId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: `Global id of a STRUCTURAL parent in the same hall or area (no cycles); null detaches it from its parent. ${KEEP}`,
  })
  parentContainerId?: string | null;

  @Field(() => ContainerHierarchyRole, {
    nullable: true,
    description: `HOLDING or STRUCTURAL. STRUCTURAL is refused for a container with any assignment (its max biomass becomes 0); HOLDING is refused for one with child containers and needs maxBiomassKg > 0. ${KEEP}`,
  })
  hierarchyRole?: ContainerHierarchyRole | null;

  @Field(() => Float, { nullable: true, description: `Water volume, m³ (> 0, at most the type's maxVolumeM3). ${KEEP}` })
  volumeM3?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: `Maximum allowed biomass, kg (> 0 for HOLDING, 0 for STRUCTURAL). Lowering it below the biomass an assignment in the container holds now (its latest computed daily state, else its opening biomass; bookings from later days by their opening biomass) is refused (VALIDATION). ${KEEP}`,
  })
  maxBiomassKg?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: `Whether the container is in use. false is refused (VALIDATION) while an assignment holds it without departure or departs after today; true needs its hall or area active. ${KEEP}`,
  })
  active?: boolean | null;
}

/** Fields shared by the container mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the container mutation payloads.' })
export abstract class ContainerPayload {
  @Field(() => Container, { nullable: true, description: 'The container as stored now (null when userErrors is not empty).' })
  container!: Container | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of containerCreate.' })
export class ContainerCreatePayload extends ContainerPayload {}

@ObjectType({ description: 'Result of containerUpdate.' })
export class ContainerUpdatePayload extends ContainerPayload {}

@InputType({ description: 'Input of sensorCreate.' })
export class SensorCreateInput {
  @Field(() => ID, { description: 'Global id of the active container the sensor is installed in.' })
  containerId!: string;

  @Field(() => ID, { description: 'Global id of the environmental parameter the sensor measures.' })
  parameterId!: string;

  @Field(() => String, { description: 'Manufacturer serial number (1 to 64 characters), unique.' })
  serialNumber!: string;

  @Field(() => String, { nullable: true, description: 'Manufacturer (at most 100 characters).' })
  manufacturer?: string | null;

  @Field(() => DateScalar, { description: 'Installation date (not in the future).' })
  installedOn!: string;

  @Field(() => DateScalar, { nullable: true, description: 'Last calibration date (not in the future, nor before installedOn).' })
  lastCalibratedOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the sensor is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of sensorUpdate; left out: unchanged.' })
export class SensorUpdateInput {
  @Field(() => ID, { description: 'Global id of the sensor.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, {
    nullable: true,
    description: `Moves the sensor to this active container. Refused (VALIDATION) once the sensor has recorded readings: they name its container. ${KEEP}`,
  })
  containerId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: `Another measured parameter. Refused (VALIDATION) once the sensor has recorded readings: they name its parameter. ${KEEP}`,
  })
  parameterId?: string | null;

  @Field(() => String, { nullable: true, description: `Serial number (1 to 64 characters), unique. ${KEEP}` })
  serialNumber?: string | null;

  @Field(() => String, { nullable: true, description: `Manufacturer (at most 100 characters); null clears it. ${KEEP}` })
  manufacturer?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Installation date (not in the future). ${KEEP}` })
  installedOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: `Last calibration date (not in the future, nor before installedOn); null clears it. ${KEEP}` })
  lastCalibratedOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the sensor is in use. ${KEEP}` })
  active?: boolean | null;
}

/** Fields shared by the sensor mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the sensor mutation payloads.' })
export abstract class SensorPayload {
  @Field(() => Sensor, { nullable: true, description: 'The sensor as stored now (null when userErrors is not empty).' })
  sensor!: Sensor | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of sensorCreate.' })
export class SensorCreatePayload extends SensorPayload {}

@ObjectType({ description: 'Result of sensorUpdate.' })
export class SensorUpdatePayload extends SensorPayload {}
