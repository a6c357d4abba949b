import type { FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, InputType, Int, Query, Resolver, registerEnumType, ID } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { entityIdCondition, sqlPaginate, type SqlOrderKey } from '../../graphql/common/keyset.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { todayUtc } from '../../shared/dates.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { ContainerHierarchyRole } from '../enums.js';
import { ContainerAttributeFilter, containerAttributeWhere } from './container-filter.inputs.js';
import { Container } from './container.entity.js';

export const ContainerConnection = connectionOf('Container', Container, 'A page of containers.');

@InputType({ description: 'Filters for `containers`; all given conditions must hold.' })
class ContainerFilter extends ContainerAttributeFilter {
  @Field(() => [ID], { nullable: true, description: 'Containers in these halls.' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Rings in these sea areas.' })
  areaIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Containers in the halls of these stations.' })
  stationIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Containers in these geographies.' })
  geographyIds?: string[];

  @Field(() => DateScalar, { nullable: true, description: 'Day for `occupied` and for sorting by UTILISATION_PCT (default today, UTC).' })
  on?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only holding containers with an assignment on `on`; false: only free ones.' })
  occupied?: boolean;
}

export enum ContainerOrderField {
  NAME = 'NAME',
  MAX_BIOMASS_KG = 'MAX_BIOMASS_KG',
  UTILISATION_PCT = 'UTILISATION_PCT',
}
registerEnumType(ContainerOrderField, {
  name: 'ContainerOrderField',
  description: 'Sortable fields of containers.',
  valuesConfig: {
    NAME: { description: 'Container name.' },
    MAX_BIOMASS_KG: { description: 'Maximum biomass, kg.' },
    UTILISATION_PCT: {
      description:
        'Utilisation on `filter.on` (default today): the occupying assignment’s biomass in the daily series ÷ the maximum biomass, % ' +
        '(as `Container.occupancy.utilisationPct`, compared unrounded). A free holding container counts as 0; structural containers, and ' +
        'occupied ones whose daily series does not reach that day yet, have none and sort last in both directions.',
    },
  },
});

@InputType({ description: 'One sort key for `containers`; the id is always appended as a tie-breaker.' })
class ContainerOrder {
  @Field(() => ContainerOrderField, { description: 'Field to sort by.' })
  field!: ContainerOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction: SortDirection = SortDirection.ASC;
}

@ArgsType()
class ContainersArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.maxEntities}).` })
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor after which the page starts (`pageInfo.endCursor`; only valid with the same orderBy and, for UTILISATION_PCT, the same day).',
  })
  after?: string;

  @Field(() => ContainerFilter, { nullable: true, description: 'Conditions the containers must meet.' })
  filter?: ContainerFilter;

  @Field(() => [ContainerOrder], { nullable: true, description: 'Sort keys (default: name ascending).' })
  orderBy?: ContainerOrder[];
}

/**
 * The assignment `u` occupying each container `c` on the day given as the parameter (three times), with its
 * biomass from that day's daily state (null when the growth engine has not computed that day). Intervals are
 * half-open, and the exclusion constraint on them leaves at most one assignment per container and day.
 */
const OCCUPANT_JOIN = `left join lateral (
    select a.id as assignment_id, d.biomass_kg
      from batch_container_assignment a
      left join daily_assignment_state d on d.assignment_id = a.id and d.date = ?::date
     where a.container_id = c.id and a.assignment_date <= ?::date and (a.departure_date is null or a.departure_date > ?::date)
     limit 1) u on true`;

/** Sort keys over `container c` and its occupant `u`. Utilisation is kept to 10 decimals so its cursor text stays short. */
const ORDER_KEYS: Record<ContainerOrderField, Omit<SqlOrderKey, 'direction'>> = {
  [ContainerOrderField.NAME]: { sql: 'c.name', type: 'text' },
  [ContainerOrderField.MAX_BIOMASS_KG]: { sql: 'c.max_biomass_kg', type: 'numeric' },
  [ContainerOrderField.UTILISATION_PCT]: {
    // Structural containers (max biomass 0) hold no fish: no utilisation, like an occupied day not computed yet.
    sql: 'case when c.max_biomass_kg > 0 then case when u.assignment_id is null then 0 else round(100 * u.biomass_kg / c.max_biomass_kg, 10) end end',
    type: 'numeric',
    nullable: true,
  },
};

@Resolver(() => Container)
export class ContainerQueryResolver {
  @Query(() => ContainerConnection, {
    description: 'Containers by location, category and occupancy on a day (occupancy from the assignments’ intervals).',
  })
  async containers(@Args(() => ContainersArgs) args: ContainersArgs, @Ctx() ctx: GraphQLContext) {
    const first = resolvePageSize(args.first, PAGE_SIZE.maxEntities);
    const f = args.filter ?? {};
    const where: FilterQuery<Container>[] = [];
    if (f.hallIds) where.push({ hall: { $in: decodeIds('Hall', f.hallIds, 'filter.hallIds') } });
    if (f.areaIds) where.push({ area: { $in: decodeIds('Area', f.areaIds, 'filter.areaIds') } });
    if (f.stationIds) where.push({ hall: { station: { $in: decodeIds('FreshwaterStation', f.stationIds, 'filter.stationIds') } } });
    if (f.geographyIds) {
      const ids = decodeIds('Geography', f.geographyIds, 'filter.geographyIds');
      where.push({ $or: [{ area: { geography: { $in: ids } } }, { hall: { station: { geography: { $in: ids } } } }] });
    }
    where.push(...containerAttributeWhere(f));
    const day = f.on ?? todayUtc();
    if (f.occupied != null) {
      // Occupancy on a day is the half-open interval [assignment_date, departure_date) containing it.
      const rows = await ctx.em.execute<Array<{ container_id: number }>>(
        `select container_id from batch_container_assignment
          where assignment_date <= ? and (departure_date is null or departure_date > ?)`,
        [day, day],
      );
      const occupied = rows.map((r) => r.container_id);
      where.push({ hierarchyRole: ContainerHierarchyRole.HOLDING });
      where.push(f.occupied ? { id: { $in: occupied } } : { id: { $nin: occupied } });
    }
    const keys = args.orderBy?.length ? args.orderBy : [{ field: ContainerOrderField.NAME, direction: SortDirection.ASC }];
    const filter: FilterQuery<Container> = where.length ? { $and: where } : {};
    const condition = entityIdCondition(ctx.em, Container, filter, 'c.id');
    // The occupant is joined only when utilisation is sorted on (one index probe per container).
    const byUtilisation = keys.some((key) => key.field === ContainerOrderField.UTILISATION_PCT);
    const page = await sqlPaginate(
      ctx.em,
      {
        entity: Container,
        columns: 'c.*',
        from: byUtilisation ? { sql: `container c ${OCCUPANT_JOIN}`, params: [day, day, day] } : { sql: 'container c', params: [] },
        where: condition ? [condition] : [],
        order: keys.map((key): SqlOrderKey => ({ ...ORDER_KEYS[key.field], direction: key.direction })),
        idColumn: 'c.id',
        countTotal: () => ctx.em.count(Container, filter),
      },
      first,
      args.after,
    );
    return new ContainerConnection(page);
  }
}
