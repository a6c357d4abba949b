import type { FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, InputType, Int, Query, Resolver, registerEnumType, ID } from 'type-graphql';
import { connectionOf, PAGE_SIZE, resolvePageSize } from '../../graphql/common/connection.js';
import { paginate, type OrderKey } from '../../graphql/common/keyset.js';
import { DateScalar } from '../../graphql/common/scalars.js';
import { SortDirection } from '../../graphql/common/sort.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { utcDate } from '../../shared/dates.js';
import { decodeIds } from '../batch/batch.resolver.js';
import { ContainerCategory, ContainerHierarchyRole } from '../enums.js';
import { Container } from './container.entity.js';

export const ContainerConnection = connectionOf('Container', Container, 'A page of containers.');

@InputType({ description: 'Filters for `containers`; all given conditions must hold.' })
class ContainerFilter {
  @Field(() => [ID], { nullable: true, description: 'Containers in these halls.' })
  hallIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Rings in these sea areas.' })
  areaIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Containers in the halls of these stations.' })
  stationIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Containers in these geographies.' })
  geographyIds?: string[];

  @Field(() => [ContainerCategory], { nullable: true, description: 'Only these categories.' })
  categories?: ContainerCategory[];

  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or inactive (false) containers.' })
  active?: boolean;

  @Field(() => DateScalar, { nullable: true, description: 'Day for `occupied`/`free` (default today).' })
  on?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only holding containers with an assignment on `on`; false: only free ones.' })
  occupied?: boolean;
}

export enum ContainerOrderField {
  NAME = 'NAME',
  MAX_BIOMASS_KG = 'MAX_BIOMASS_KG',
}
registerEnumType(ContainerOrderField, { name: 'ContainerOrderField', description: 'Sortable fields of containers.' });

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

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;

  @Field(() => ContainerFilter, { nullable: true, description: 'Conditions the containers must meet.' })
  filter?: ContainerFilter;

  @Field(() => [ContainerOrder], { nullable: true, description: 'Sort keys (default: name).' })
  orderBy?: ContainerOrder[];
}

const ORDER: Record<ContainerOrderField, (direction: SortDirection) => OrderKey<Container>> = {
  [ContainerOrderField.NAME]: (direction) => ({ property: 'name', direction, read: (c) => c.name }),
  [ContainerOrderField.MAX_BIOMASS_KG]: (direction) => ({ property: 'maxBiomassKg', direction, read: (c) => c.maxBiomassKg }),
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
    if (f.categories) where.push({ containerType: { category: { $in: f.categories } } });
    if (f.active != null) where.push({ active: f.active });
    if (f.occupied != null) {
      // Occupancy on a day is the half-open interval [assignment_date, departure_date) containing it.
      const day = f.on ?? utcDate(new Date());
      const rows = await ctx.em.execute<Array<{ container_id: number }>>(
        `select container_id from batch_container_assignment
          where assignment_date <= ? and (departure_date is null or departure_date > ?)`,
        [day, day],
      );
      const occupied = rows.map((r) => r.container_id);
      where.push({ hierarchyRole: ContainerHierarchyRole.HOLDING });
      where.push(f.occupied ? { id: { $in: occupied } } : { id: { $nin: occupied } });
    }
    const order = (args.orderBy?.length ? args.orderBy : [{ field: ContainerOrderField.NAME, direction: SortDirection.ASC }]).map((o) =>
      ORDER[o.field](o.direction),
    );
    return new ContainerConnection(await paginate(ctx.em, Container, where.length ? { $and: where } : {}, order, first, args.after));
  }
}
