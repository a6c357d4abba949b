import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, Field, FieldResolver, Float, ID, InputType, Query, Resolver, Root } from 'type-graphql';
import { findReadOnly } from '../../db/read-only-entities.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { todayUtc } from '../../shared/dates.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Batch } from '../batch/batch.entity.js';
import { BatchFilter } from '../batch/batch.inputs.js';
import { batchWhere, decodeIds } from '../batch/batch.resolver.js';
import { roundHalfEven } from '../growth/engine/index.js';
import { Area } from '../infrastructure/area.entity.js';
import { Container } from '../infrastructure/container.entity.js';
import { FreshwaterStation, Hall } from '../infrastructure/freshwater-station.entity.js';
import { Geography } from '../infrastructure/geography.entity.js';
import { analyticsLoaders, type Scope } from './analytics.loaders.js';
import { ContainerOccupancy, InfrastructureSummary, PortfolioKpis } from './analytics.types.js';


const asOfArg = { nullable: true, description: 'Day to look at; default today (UTC).' } as const;

function summaryOf(ctx: GraphQLContext, scope: Scope, id: number, asOf: string | undefined) {
  return analyticsLoaders.summaryByScope(ctx.loaders, scope).load({ id, asOf: asOf ?? todayUtc() });
}

@Resolver(() => Geography)
export class GeographySummaryResolver {
  @FieldResolver(() => InfrastructureSummary, { description: 'Standing stock and capacity of the geography on a day.' })
  summary(@Root() g: Geography, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined, @Ctx() ctx: GraphQLContext) {
    return summaryOf(ctx, 'geography', g.id, asOf);
  }
}

@Resolver(() => Area)
export class AreaSummaryResolver {
  @FieldResolver(() => InfrastructureSummary, { description: 'Standing stock and capacity of the sea area on a day.' })
  summary(@Root() a: Area, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined, @Ctx() ctx: GraphQLContext) {
    return summaryOf(ctx, 'area', a.id, asOf);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Biomass ÷ the area licence (max biomass), %; null without a licence.' })
  async licenceUtilisationPct(
    @Root() a: Area,
    @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number | null> {
    if (!a.maxBiomassKg) return null;
    const summary = await summaryOf(ctx, 'area', a.id, asOf);
    return roundHalfEven((100 * summary.biomassKg) / a.maxBiomassKg, 2);
  }
}

@Resolver(() => FreshwaterStation)
export class StationSummaryResolver {
  @FieldResolver(() => InfrastructureSummary, { description: 'Standing stock and capacity of the station on a day.' })
  summary(@Root() s: FreshwaterStation, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined, @Ctx() ctx: GraphQLContext) {
    return summaryOf(ctx, 'station', s.id, asOf);
  }
}

@Resolver(() => Hall)
export class HallSummaryResolver {
  @FieldResolver(() => InfrastructureSummary, { description: 'Standing stock and capacity of the hall on a day.' })
  summary(@Root() h: Hall, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined, @Ctx() ctx: GraphQLContext) {
    return summaryOf(ctx, 'hall', h.id, asOf);
  }
}

@InputType({ description: 'Which containers to report on; all given conditions must hold.' })
class OccupancyFilter {
  @Field(() => [ID], { nullable: true, description: 'Containers (global ids).' })
  containerIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Containers in these halls (global ids).' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Rings in these sea areas (global ids).' })
  areaIds?: string[];
}

@Resolver(() => Container)
export class ContainerOccupancyResolver {
  @FieldResolver(() => ContainerOccupancy, { nullable: true, description: 'Who is in the container on a day; null when it is empty.' })
  occupancy(@Root() c: Container, @Arg('date', () => DateScalar, asOfArg) date: string | undefined, @Ctx() ctx: GraphQLContext) {
    return analyticsLoaders.occupancyByContainer(ctx.loaders).load({ id: c.id, date: date ?? todayUtc() });
  }

  @Query(() => [ContainerOccupancy], { description: 'Occupied containers on a day with their stock and utilisation, by container name.' })
  async containerOccupancy(
    @Arg('filter', () => OccupancyFilter, { description: 'Containers to report on.' }) filter: OccupancyFilter,
    @Arg('date', () => DateScalar, asOfArg) date: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerOccupancy[]> {
    const where: Record<string, unknown>[] = [{ hierarchyRole: 'HOLDING' }];
    if (filter.containerIds) where.push({ id: { $in: decodeIds('Container', filter.containerIds, 'filter.containerIds') } });
    if (filter.hallIds) where.push({ hall: { $in: decodeIds('Hall', filter.hallIds, 'filter.hallIds') } });
    if (filter.areaIds) where.push({ area: { $in: decodeIds('Area', filter.areaIds, 'filter.areaIds') } });
    // Read-only rows primed into the Container loader: `ContainerOccupancy.container` then costs no statement
    // (data-model.md §6.6: a hall's occupancy ≤ 3 statements — containers, daily states, batches).
    const containers = await findReadOnly<Container>(ctx.em, Container, { $and: where } as FilterQuery<Container>, { orderBy: { name: 'asc', id: 'asc' } });
    const containerLoader = ctx.loaders.byId(Container);
    for (const c of containers) containerLoader.prime(c.id, c);
    const occupancy = await analyticsLoaders
      .occupancyByContainer(ctx.loaders)
      .loadMany(containers.map((c) => ({ id: c.id, date: date ?? todayUtc() })));
    return occupancy.filter((o): o is ContainerOccupancy => o !== null && !(o instanceof Error));
  }

  @Query(() => PortfolioKpis, { description: 'Totals over the batches matching a filter on a day (the farm overview).' })
  async batchKpis(
    @Arg('filter', () => BatchFilter, { nullable: true, description: 'Batches to include; default all.' }) filter: BatchFilter | undefined,
    @Arg('asOf', () => DateScalar, asOfArg) asOf: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PortfolioKpis> {
    const day = asOf ?? todayUtc();
    const ids = (await ctx.em.find(Batch, await batchWhere(ctx.em, filter), { fields: ['id'] })).map((b) => b.id);
    const [row] = ids.length
      ? await ctx.em.execute<
          Array<{ batches: number; population: number; biomass_kg: number; weighted_g: number; deaths: number; placed: number; feed: number; growth: number; capacity: number }>
        >(
          `with day as (
             select * from batch_daily_state where batch_id in (${ids.map(() => '?').join(',')}) and date = ?
           ), totals as (
             select sum(s.mortality_count + s.transfer_mortality_count) as deaths, sum(s.placement_count) as placed,
                    sum(s.feed_kg) as feed, sum(s.growth_kg) as growth
               from batch_daily_state s where s.batch_id in (select batch_id from day) and s.date <= ?
           )
           select (select count(*)::int from day) as batches,
                  (select coalesce(sum(population), 0) from day) as population,
                  (select coalesce(sum(biomass_kg), 0) from day) as biomass_kg,
                  (select coalesce(sum(population * avg_weight_g), 0) from day where population > 0) as weighted_g,
                  t.deaths, t.placed, t.feed, t.growth,
                  (select sum(c.max_biomass_kg) from daily_assignment_state d join container c on c.id = d.container_id
                    where d.batch_id in (select batch_id from day) and d.date = ? and d.population > 0) as capacity
             from totals t`,
          [...ids, day, day, day],
          'all',
          ctx.em.getLoggerContext(),
        )
      : [];
    const population = row?.population ?? 0;
    return {
      asOf: day,
      batches: row?.batches ?? 0,
      population,
      biomassKg: roundHalfEven(row?.biomass_kg ?? 0, 2),
      avgWeightG: population > 0 ? roundHalfEven(row!.weighted_g / population, 2) : null,
      cumulativeMortalityPct: row?.placed ? roundHalfEven((100 * row.deaths) / row.placed, 3) : null,
      fcr: row && row.feed > 0 && row.growth > 1 ? roundHalfEven(Math.min(10, row.feed / row.growth), 3) : null,
      capacityUtilisationPct: row?.capacity ? roundHalfEven((100 * row.biomass_kg) / row.capacity, 2) : null,
    };
  }
}

@Resolver(() => ContainerOccupancy)
export class OccupancyRelationsResolver {
  @FieldResolver(() => Container, { description: 'The container.' })
  container(@Root() o: ContainerOccupancy, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(Container, o.containerId);
  }

  @FieldResolver(() => Batch, { description: 'The batch in the container.' })
  batch(@Root() o: ContainerOccupancy, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(Batch, o.batchId);
  }

  @FieldResolver(() => BatchContainerAssignment, { description: 'The assignment occupying the container.' })
  assignment(@Root() o: ContainerOccupancy, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.required(BatchContainerAssignment, o.assignmentId);
  }
}
