import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import {
  ContainerCreateInput,
  ContainerCreatePayload,
  ContainerTypeCreateInput,
  ContainerTypeCreatePayload,
  ContainerUpdateInput,
  ContainerUpdatePayload,
  SensorCreateInput,
  SensorCreatePayload,
  SensorUpdateInput,
  SensorUpdatePayload,
} from './container-edit.inputs.js';
import {
  checkContainerInput,
  checkContainerTypeInput,
  checkSensorInput,
  CONTAINER_CONSTRAINTS,
  CONTAINER_TYPE_CONSTRAINTS,
  createContainer,
  createContainerType,
  createSensor,
  SENSOR_CONSTRAINTS,
  updateContainer,
  updateSensor,
} from './container-edit.service.js';
import { Container, ContainerType, Sensor } from './container.entity.js';
import { runEdit } from '../operations/edit.js';

const NO_RECOMPUTE = 'Reference data: nothing is recomputed.';

/** Container reference data (data-model.md §6.4): container types, containers and their sensors. OPERATOR role. */
@Resolver()
export class ContainerEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => ContainerTypeCreatePayload, {
    description: `Creates a container type; the code is unique (CONFLICT naming the type that has it). ${NO_RECOMPUTE}`,
  })
  async containerTypeCreate(
    @Arg('input', () => ContainerTypeCreateInput, { description: 'The container type.' }) input: ContainerTypeCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerTypeCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, ContainerType, checkContainerTypeInput(input), {
      mutation: 'containerTypeCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createContainerType(tx, input),
      constraintErrors: CONTAINER_TYPE_CONSTRAINTS,
    });
    return { containerType: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ContainerCreatePayload, {
    description: `Creates a container in exactly one active hall or sea area (VALIDATION). Its type's category must fit the place (PEN only at sea; TANK and TRAY only in a hall; OTHER in either), its volume be within the type's max volume, its max biomass be > 0 for HOLDING and 0 for STRUCTURAL, a parent be STRUCTURAL in the same place (all VALIDATION); the name is unique in the hall or area (CONFLICT). ${NO_RECOMPUTE}`,
  })
  async containerCreate(
    @Arg('input', () => ContainerCreateInput, { description: 'The container.' }) input: ContainerCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Container, checkContainerInput(input), {
      mutation: 'containerCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createContainer(tx, input),
      constraintErrors: CONTAINER_CONSTRAINTS,
    });
    return { container: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ContainerUpdatePayload, {
    description: `Changes a container (optimistic locking on version) with containerCreate's rules, and refuses (VALIDATION) what would contradict its recorded assignments: moving a container that has any assignment, making it STRUCTURAL, lowering its max biomass below what an assignment holds now, deactivating it while fish are in it or booked. ${NO_RECOMPUTE}`,
  })
  async containerUpdate(
    @Arg('input', () => ContainerUpdateInput, { description: 'The container, its version and the changes.' }) input: ContainerUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Container, checkContainerInput(input), {
      mutation: 'containerUpdate',
      write: (tx) => updateContainer(tx, input),
      constraintErrors: CONTAINER_CONSTRAINTS,
    });
    return { container: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SensorCreatePayload, {
    description: `Installs a sensor for an environmental parameter in an active container (VALIDATION otherwise); the serial number is unique (CONFLICT naming the sensor that has it). ${NO_RECOMPUTE}`,
  })
  async sensorCreate(
    @Arg('input', () => SensorCreateInput, { description: 'The sensor.' }) input: SensorCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SensorCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Sensor, checkSensorInput(input), {
      mutation: 'sensorCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createSensor(tx, input),
      constraintErrors: SENSOR_CONSTRAINTS,
    });
    return { sensor: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SensorUpdatePayload, {
    description: `Changes a sensor (optimistic locking on version); once it has recorded readings its container and parameter are fixed (VALIDATION). ${NO_RECOMPUTE}`,
  })
  async sensorUpdate(
    @Arg('input', () => SensorUpdateInput, { description: 'The sensor, its version and the changes.' }) input: SensorUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SensorUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Sensor, checkSensorInput(input), {
      mutation: 'sensorUpdate',
      write: (tx) => updateSensor(tx, input),
      constraintErrors: SENSOR_CONSTRAINTS,
    });
    return { sensor: row, userErrors };
  }
}
