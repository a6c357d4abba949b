import DataLoader from 'dataloader';
import { pgArray } from '../../db/raw-sql.js';
import type { Loaders } from '../../graphql/loaders.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import { roundHalfEven } from '../growth/engine/index.js';
import type { ContainerOccupancy, InfrastructureSummary } from './analytics.types.js';

/** A part of the farm a summary can be asked for. */
export type Scope = 'geography' | 'area' | 'station' | 'hall' | 'areaGroup';

const SCOPE_COLUMN: Record<Exclude<Scope, 'areaGroup'>, string> = {
  geography: 'coalesce(st.geography_id, ar.geography_id)',
  area: 'c.area_id',
  station: 'h.station_id',
  hall: 'c.hall_id',
};

const SUMMARY_COLUMNS = `count(*)::int as containers, count(d.container_id)::int as occupied,
                        sum(c.max_biomass_kg) as capacity_kg, coalesce(sum(d.biomass_kg), 0) as biomass_kg,
                        coalesce(sum(d.population), 0) as population, coalesce(sum(d.population * d.avg_weight_g), 0) as weighted_g`;

/**
 * The summary statement of a scope kind over the ids given (`?` placeholders, in order: the ids, then the day).
 * An area group covers the areas of its whole subtree (areas hang on leaf groups), walked by a recursive CTE.
 */
function summarySql(scope: Scope, ids: readonly number[]): string {
  const list = ids.map(() => '?').join(',');
  const stock = `left join daily_assignment_state d on d.container_id = c.id and d.date = ? and d.population > 0
                  where c.hierarchy_role = 'HOLDING' and c.active`;
  if (scope === 'areaGroup') {
    return `with recursive g(scope_id, id) as (
               select id, id from area_group where id in (${list})
               union -- not "union all": each (scope, group) pair once, even if the tree were broken into a cycle
               select g.scope_id, child.id from area_group child join g on child.parent_id = g.id)
            select g.scope_id, ${SUMMARY_COLUMNS}
              from g join area ar on ar.area_group_id = g.id join container c on c.area_id = ar.id
              ${stock}
             group by 1`;
  }
  return `select ${SCOPE_COLUMN[scope]} as scope_id, ${SUMMARY_COLUMNS}
            from container c
            left join hall h on h.id = c.hall_id
            left join freshwater_station st on st.id = h.station_id
            left join area ar on ar.id = c.area_id
            ${stock} and ${SCOPE_COLUMN[scope]} in (${list})
           group by 1`;
}

const pct = (part: number, whole: number) => (whole > 0 ? roundHalfEven((100 * part) / whole, 2) : null);

export const analyticsLoaders = {
  /** DailyAssignmentState `container_id = ANY(…) AND date = …` joined to the container's capacity. */
  occupancyByContainer: (l: Loaders) =>
    l.memoize(
      'occupancyByContainer',
      () =>
        new DataLoader<{ id: number; date: string }, ContainerOccupancy | null, string>(
          async (keys) => {
            const found = new Map<string, ContainerOccupancy>();
            for (const [date, group] of groupBy(keys, (key) => key.date)) {
              const ids = group.map((key) => key.id);
              const rows = await l.em.execute<
                Array<{ container_id: number; assignment_id: number; batch_id: number; population: number; biomass_kg: number; avg_weight_g: number; max_biomass_kg: number; volume_m3: number }>
              >(
                `select d.container_id, d.assignment_id, d.batch_id, d.population, d.biomass_kg, d.avg_weight_g, c.max_biomass_kg, c.volume_m3
                   from daily_assignment_state d join container c on c.id = d.container_id
                  where d.container_id = any(?::bigint[]) and d.date = ?`,
                [pgArray(ids), date],
                'all',
                l.em.getLoggerContext(),
              );
              for (const r of rows) {
                found.set(`${r.container_id}#${date}`, {
                  date,
                  containerId: r.container_id,
                  assignmentId: r.assignment_id,
                  batchId: r.batch_id,
                  population: r.population,
                  biomassKg: r.biomass_kg,
                  avgWeightG: r.avg_weight_g,
                  utilisationPct: pct(r.biomass_kg, r.max_biomass_kg) ?? 0,
                  densityKgM3: roundHalfEven(r.biomass_kg / r.volume_m3, 3),
                });
              }
            }
            return keys.map((key) => found.get(`${key.id}#${key.date}`) ?? null);
          },
          { cacheKeyFn: (key) => `${key.id}#${key.date}` },
        ),
    ),

  /**
   * Standing stock against capacity per scope (geography, area group, area, station or hall) on a day: one statement per
   * scope kind and day over the active holding containers and that day's daily states.
   */
  summaryByScope: (l: Loaders, scope: Scope) =>
    l.memoize(
      `summary:${scope}`,
      () =>
        new DataLoader<{ id: number; asOf: string }, InfrastructureSummary, string>(
          async (keys) => {
            const found = new Map<string, InfrastructureSummary>();
            for (const [asOf, group] of groupBy(keys, (key) => key.asOf)) {
              const ids = group.map((key) => key.id);
              const rows = await l.em.execute<
                Array<{ scope_id: number; containers: number; occupied: number; capacity_kg: number; biomass_kg: number; population: number; weighted_g: number }>
              >(
                summarySql(scope, ids),
                scope === 'areaGroup' ? [...ids, asOf] : [asOf, ...ids],
                'all',
                l.em.getLoggerContext(),
              );
              for (const r of rows) {
                found.set(`${r.scope_id}#${asOf}`, {
                  asOf,
                  containers: r.containers,
                  occupiedContainers: r.occupied,
                  capacityKg: r.capacity_kg,
                  biomassKg: roundHalfEven(r.biomass_kg, 2),
                  population: r.population,
                  avgWeightG: r.population > 0 ? roundHalfEven(r.weighted_g / r.population, 2) : null,
                  utilisationPct: pct(r.biomass_kg, r.capacity_kg),
                });
              }
            }
            return keys.map(
              (key) =>
                found.get(`${key.id}#${key.asOf}`) ?? {
                  asOf: key.asOf,
                  containers: 0,
                  occupiedContainers: 0,
                  capacityKg: 0,
                  biomassKg: 0,
                  population: 0,
                  avgWeightG: null,
                  utilisationPct: null,
                },
            );
          },
          { cacheKeyFn: (key) => `${key.id}#${key.asOf}` },
        ),
    ),
};
