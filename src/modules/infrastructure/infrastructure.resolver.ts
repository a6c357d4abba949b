import { Arg, Ctx, Extensions, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { assertDateRange, DateRange } from '../../graphql/common/date-range.js';
import { decodeIdOf } from '../../graphql/common/global-id.js';
import { refId } from '../../graphql/common/loader-helpers.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { todayUtc } from '../../shared/dates.js';
import { analyticsLoaders } from '../analytics/analytics.loaders.js';
import { InfrastructureSummary } from '../analytics/analytics.types.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { EnvironmentalParameter } from '../environment/environmental-parameter.entity.js';
import { EnvironmentalReading } from '../environment/environmental-reading.entity.js';
import { readingLoaders } from '../environment/readings.loaders.js';
import { Area } from './area.entity.js';
import { Container, ContainerType, Sensor } from './container.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { AreaGroup, Geography } from './geography.entity.js';
import { ContainerAttributeFilter } from './container-filter.inputs.js';
import { infrastructureLoaders as L } from './infrastructure.loaders.js';

const containerFilterArg = { nullable: true, description: 'Conditions the containers must meet; default all.' } as const;

/** Loads a ManyToOne reference through the entity's byId loader (null-safe). */
async function loadRef<T extends { id: number }>(
  ctx: GraphQLContext,
  entity: new () => T,
  reference: { id: number } | null | undefined,
): Promise<T | null> {
  const id = refId(reference);
  return id == null ? null : ctx.loaders.byId(entity).load(id);
}

@Resolver(() => Geography)
export class GeographyResolver {
  @Query(() => [Geography], { description: 'All geographies, by code.' })
  geographies(@Ctx() ctx: GraphQLContext): Promise<Geography[]> {
    return ctx.em.find(Geography, {}, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => [Area], { description: 'Sea areas of the geography, by name.' })
  areas(@Root() geography: Geography, @Ctx() ctx: GraphQLContext): Promise<Area[]> {
    return L.areasByGeography(ctx.loaders).load(geography.id);
  }

  @FieldResolver(() => [AreaGroup], { description: 'Top-level area groups of the geography (walk `children` for the tree).' })
  async areaGroups(@Root() geography: Geography, @Ctx() ctx: GraphQLContext): Promise<AreaGroup[]> {
    const groups = await L.areaGroupsByGeography(ctx.loaders).load(geography.id);
    return groups.filter((group) => !group.parent);
  }

  @FieldResolver(() => [FreshwaterStation], { description: 'Freshwater stations of the geography, by name.' })
  freshwaterStations(@Root() geography: Geography, @Ctx() ctx: GraphQLContext): Promise<FreshwaterStation[]> {
    return L.stationsByGeography(ctx.loaders).load(geography.id);
  }
}

@Resolver(() => AreaGroup)
export class AreaGroupResolver {
  @FieldResolver(() => Geography, { description: 'Geography of the group.' })
  async geography(@Root() group: AreaGroup, @Ctx() ctx: GraphQLContext): Promise<Geography> {
    return (await loadRef(ctx, Geography, group.geography))!;
  }

  @FieldResolver(() => AreaGroup, { nullable: true, description: 'Parent group; null at the root.' })
  parent(@Root() group: AreaGroup, @Ctx() ctx: GraphQLContext): Promise<AreaGroup | null> {
    return loadRef(ctx, AreaGroup, group.parent);
  }

  @FieldResolver(() => [AreaGroup], { description: 'Child groups, by name.', deprecationReason: 'Use areaGroups' })
  children(@Root() group: AreaGroup, @Ctx() ctx: GraphQLContext): Promise<AreaGroup[]> {
    return L.areaGroupsByParent(ctx.loaders).load(group.id);
  }

  @FieldResolver(() => [AreaGroup], { description: 'Child groups, by name (walk their `areaGroups` for the tree).' })
  areaGroups(@Root() group: AreaGroup, @Ctx() ctx: GraphQLContext): Promise<AreaGroup[]> {
    return L.areaGroupsByParent(ctx.loaders).load(group.id);
  }

  @FieldResolver(() => InfrastructureSummary, {
    description: 'Standing stock and capacity on a day of the sea areas in the group and all its descendant groups.',
  })
  summary(
    @Root() group: AreaGroup,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Day to look at; default today (UTC).' }) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InfrastructureSummary> {
    return analyticsLoaders.summaryByScope(ctx.loaders, 'areaGroup').load({ id: group.id, asOf: asOf ?? todayUtc() });
  }

  @FieldResolver(() => [Area], { description: 'Areas hanging directly on this group (leaf groups), by name.' })
  areas(@Root() group: AreaGroup, @Ctx() ctx: GraphQLContext): Promise<Area[]> {
    return L.areasByGroup(ctx.loaders).load(group.id);
  }
}

@Resolver(() => Area)
export class AreaResolver {
  @FieldResolver(() => Geography, { description: 'Geography of the area.' })
  async geography(@Root() area: Area, @Ctx() ctx: GraphQLContext): Promise<Geography> {
    return (await loadRef(ctx, Geography, area.geography))!;
  }

  @FieldResolver(() => AreaGroup, { nullable: true, description: 'Leaf reporting group of the area.' })
  areaGroup(@Root() area: Area, @Ctx() ctx: GraphQLContext): Promise<AreaGroup | null> {
    return loadRef(ctx, AreaGroup, area.areaGroup);
  }

  @FieldResolver(() => [Container], { description: 'Rings of the area, by name.' })
  containers(
    @Root() area: Area,
    @Arg('filter', () => ContainerAttributeFilter, containerFilterArg) filter: ContainerAttributeFilter | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Container[]> {
    return L.containersByArea(ctx.loaders).load({ placeId: area.id, filter });
  }
}

@Resolver(() => FreshwaterStation)
export class FreshwaterStationResolver {
  @FieldResolver(() => Geography, { description: 'Geography of the station.' })
  async geography(@Root() station: FreshwaterStation, @Ctx() ctx: GraphQLContext): Promise<Geography> {
    return (await loadRef(ctx, Geography, station.geography))!;
  }

  @FieldResolver(() => [Hall], { description: 'Halls of the station, by name.' })
  halls(@Root() station: FreshwaterStation, @Ctx() ctx: GraphQLContext): Promise<Hall[]> {
    return L.hallsByStation(ctx.loaders).load(station.id);
  }
}

@Resolver(() => Hall)
export class HallResolver {
  @FieldResolver(() => FreshwaterStation, { description: 'Station the hall belongs to.' })
  async station(@Root() hall: Hall, @Ctx() ctx: GraphQLContext): Promise<FreshwaterStation> {
    return (await loadRef(ctx, FreshwaterStation, hall.station))!;
  }

  @FieldResolver(() => [Container], { description: 'Tanks, trays and racks of the hall, by name.' })
  containers(
    @Root() hall: Hall,
    @Arg('filter', () => ContainerAttributeFilter, containerFilterArg) filter: ContainerAttributeFilter | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Container[]> {
    return L.containersByHall(ctx.loaders).load({ placeId: hall.id, filter });
  }
}

@Resolver(() => ContainerType)
export class ContainerTypeResolver {
  @Query(() => [ContainerType], { description: 'All container types, by code.' })
  containerTypes(@Ctx() ctx: GraphQLContext): Promise<ContainerType[]> {
    return ctx.em.find(ContainerType, {}, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => [Container], { description: 'Containers of this type, by name.' })
  // Query cost: one type (a ring model, a tank model) can be shared by hundreds of containers.
  @Extensions({ listSize: 200 })
  containers(@Root() type: ContainerType, @Ctx() ctx: GraphQLContext): Promise<Container[]> {
    return L.containersByType(ctx.loaders).load(type.id);
  }
}

@Resolver(() => Container)
export class ContainerResolver {
  @Query(() => Container, { nullable: true, description: 'A container by global id; null when not found.' })
  container(@Arg('id', () => ID, { description: 'Global id of the container.' }) id: string, @Ctx() ctx: GraphQLContext) {
    const containerId = decodeIdOf('Container', id);
    return containerId == null ? null : ctx.loaders.byId(Container).load(containerId);
  }

  @FieldResolver(() => ContainerType, { description: 'Kind of container.' })
  async containerType(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<ContainerType> {
    return (await loadRef(ctx, ContainerType, container.containerType))!;
  }

  @FieldResolver(() => Hall, { nullable: true, description: 'Hall holding the container (tanks and trays).' })
  hall(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<Hall | null> {
    return loadRef(ctx, Hall, container.hall);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'Sea area holding the container (rings).' })
  area(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<Area | null> {
    return loadRef(ctx, Area, container.area);
  }

  @FieldResolver(() => Container, { nullable: true, description: 'Structural parent (e.g. a tray rack).' })
  parent(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<Container | null> {
    return loadRef(ctx, Container, container.parentContainer);
  }

  @FieldResolver(() => [Container], { description: 'Containers grouped under this structural container.' })
  children(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<Container[]> {
    return L.containersByParent(ctx.loaders).load(container.id);
  }

  @FieldResolver(() => [Sensor], { description: 'Sensors installed in the container.' })
  sensors(@Root() container: Container, @Ctx() ctx: GraphQLContext): Promise<Sensor[]> {
    return L.sensorsByContainer(ctx.loaders).load(container.id);
  }

  @FieldResolver(() => [BatchContainerAssignment], {
    description: 'Batch assignments in the container whose interval [arrival, departure) overlaps the range (all without one), by arrival date.',
  })
  // Query cost: a container holds a few batches a year.
  @Extensions({ listSize: 20 })
  assignments(
    @Root() container: Container,
    @Arg('range', () => DateRange, { nullable: true, description: 'Inclusive days; default all time.' }) range: DateRange | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchContainerAssignment[]> {
    assertDateRange(range, 'range');
    return L.assignmentsByContainer(ctx.loaders).load({ containerId: container.id, from: range?.from, to: range?.to });
  }
}

@Resolver(() => Sensor)
export class SensorResolver {
  @FieldResolver(() => Container, { description: 'Container the sensor is installed in.' })
  async container(@Root() sensor: Sensor, @Ctx() ctx: GraphQLContext): Promise<Container> {
    return (await loadRef(ctx, Container, sensor.container))!;
  }

  @FieldResolver(() => EnvironmentalParameter, { description: 'Parameter the sensor measures.' })
  async parameter(@Root() sensor: Sensor, @Ctx() ctx: GraphQLContext): Promise<EnvironmentalParameter> {
    return (await loadRef(ctx, EnvironmentalParameter, sensor.parameter))!;
  }

  @FieldResolver(() => EnvironmentalReading, { nullable: true, description: 'The newest reading the sensor took; null before its first.' })
  latestReading(@Root() sensor: Sensor, @Ctx() ctx: GraphQLContext): Promise<EnvironmentalReading | null> {
    return readingLoaders
      .latestReadingBySensor(ctx.loaders)
      .load({ sensorId: sensor.id, containerId: sensor.container.id, parameterId: sensor.parameter.id });
  }
}

@Resolver(() => EnvironmentalParameter)
export class EnvironmentalParameterResolver {
  @Query(() => [EnvironmentalParameter], { description: 'All environmental parameters, by code.' })
  environmentalParameters(@Ctx() ctx: GraphQLContext): Promise<EnvironmentalParameter[]> {
    return ctx.em.find(EnvironmentalParameter, {}, { orderBy: { code: 'asc' } });
  }
}
