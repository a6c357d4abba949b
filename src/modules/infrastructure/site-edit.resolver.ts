import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Area } from './area.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { Geography } from './geography.entity.js';
import { runEdit } from '../operations/edit.js';
import {
  AreaCreateInput,
  AreaCreatePayload,
  AreaUpdateInput,
  AreaUpdatePayload,
  FreshwaterStationCreateInput,
  FreshwaterStationCreatePayload,
  FreshwaterStationUpdateInput,
  FreshwaterStationUpdatePayload,
  GeographyCreateInput,
  GeographyCreatePayload,
  GeographyUpdateInput,
  GeographyUpdatePayload,
  HallCreateInput,
  HallCreatePayload,
  HallUpdateInput,
  HallUpdatePayload,
} from './site-edit.inputs.js';
import {
  AREA_CONSTRAINTS,
  checkAreaInput,
  checkGeographyInput,
  checkHallInput,
  checkStationInput,
  createArea,
  createGeography,
  createHall,
  createStation,
  GEOGRAPHY_CONSTRAINTS,
  HALL_CONSTRAINTS,
  STATION_CONSTRAINTS,
  updateArea,
  updateGeography,
  updateHall,
  updateStation,
} from './site-edit.service.js';

const NO_RECOMPUTE = 'Reference data: nothing is recomputed.';

/** Site reference data (data-model.md §6.4): geographies, sea areas, freshwater stations and halls. OPERATOR role. */
@Resolver()
export class SiteEditResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => GeographyCreatePayload, {
    description: `Creates a geography. Code and name are unique (CONFLICT naming the geography that has them). ${NO_RECOMPUTE}`,
  })
  async geographyCreate(
    @Arg('input', () => GeographyCreateInput, { description: 'The geography.' }) input: GeographyCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GeographyCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Geography, checkGeographyInput(input), {
      mutation: 'geographyCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createGeography(tx, input),
      constraintErrors: GEOGRAPHY_CONSTRAINTS,
    });
    return { geography: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => GeographyUpdatePayload, {
    description: `Changes a geography's code, name or description (optimistic locking on version; unique code and name: CONFLICT). ${NO_RECOMPUTE}`,
  })
  async geographyUpdate(
    @Arg('input', () => GeographyUpdateInput, { description: 'The geography, its version and the changes.' }) input: GeographyUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<GeographyUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Geography, checkGeographyInput(input), {
      mutation: 'geographyUpdate',
      write: (tx) => updateGeography(tx, input),
      constraintErrors: GEOGRAPHY_CONSTRAINTS,
    });
    return { geography: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => AreaCreatePayload, {
    description: `Creates a sea site in a geography, optionally in a leaf area group of that geography (VALIDATION otherwise). The name is unique within the geography (CONFLICT). ${NO_RECOMPUTE}`,
  })
  async areaCreate(
    @Arg('input', () => AreaCreateInput, { description: 'The sea site.' }) input: AreaCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AreaCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Area, checkAreaInput(input), {
      mutation: 'areaCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createArea(tx, input),
      constraintErrors: AREA_CONSTRAINTS,
    });
    return { area: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => AreaUpdatePayload, {
    description: `Changes a sea site (optimistic locking on version): group, name (CONFLICT when taken in the geography), position, licence cap, active (not while a ring holds or is booked for fish: VALIDATION). ${NO_RECOMPUTE}`,
  })
  async areaUpdate(
    @Arg('input', () => AreaUpdateInput, { description: 'The area, its version and the changes.' }) input: AreaUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AreaUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Area, checkAreaInput(input), {
      mutation: 'areaUpdate',
      write: (tx) => updateArea(tx, input),
      constraintErrors: AREA_CONSTRAINTS,
    });
    return { area: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FreshwaterStationCreatePayload, {
    description: `Creates a freshwater station in a geography; the name is unique within the geography (CONFLICT). ${NO_RECOMPUTE}`,
  })
  async freshwaterStationCreate(
    @Arg('input', () => FreshwaterStationCreateInput, { description: 'The station.' }) input: FreshwaterStationCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FreshwaterStationCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, FreshwaterStation, checkStationInput(input), {
      mutation: 'freshwaterStationCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createStation(tx, input),
      constraintErrors: STATION_CONSTRAINTS,
    });
    return { freshwaterStation: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FreshwaterStationUpdatePayload, {
    description: `Changes a freshwater station (optimistic locking on version): name (CONFLICT when taken in the geography), type, position, active (not while a tank of its halls holds or is booked for fish: VALIDATION). ${NO_RECOMPUTE}`,
  })
  async freshwaterStationUpdate(
    @Arg('input', () => FreshwaterStationUpdateInput, { description: 'The station, its version and the changes.' }) input: FreshwaterStationUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<FreshwaterStationUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, FreshwaterStation, checkStationInput(input), {
      mutation: 'freshwaterStationUpdate',
      write: (tx) => updateStation(tx, input),
      constraintErrors: STATION_CONSTRAINTS,
    });
    return { freshwaterStation: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => HallCreatePayload, {
    description: `Creates a hall in an active freshwater station (VALIDATION otherwise); the name is unique within the station (CONFLICT). ${NO_RECOMPUTE}`,
  })
  async hallCreate(
    @Arg('input', () => HallCreateInput, { description: 'The hall.' }) input: HallCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<HallCreatePayload> {
    const { row, userErrors } = await runEdit(ctx, Hall, checkHallInput(input), {
      mutation: 'hallCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createHall(tx, input),
      constraintErrors: HALL_CONSTRAINTS,
    });
    return { hall: row, userErrors };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => HallUpdatePayload, {
    description: `Changes a hall (optimistic locking on version): name (CONFLICT when taken in the station), floor area, active (not while a tank holds or is booked for fish; reactivation needs an active station: VALIDATION). ${NO_RECOMPUTE}`,
  })
  async hallUpdate(
    @Arg('input', () => HallUpdateInput, { description: 'The hall, its version and the changes.' }) input: HallUpdateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<HallUpdatePayload> {
    const { row, userErrors } = await runEdit(ctx, Hall, checkHallInput(input), {
      mutation: 'hallUpdate',
      write: (tx) => updateHall(tx, input),
      constraintErrors: HALL_CONSTRAINTS,
    });
    return { hall: row, userErrors };
  }
}
