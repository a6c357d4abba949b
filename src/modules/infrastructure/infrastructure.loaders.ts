import DataLoader from 'dataloader';
import type { FilterQuery } from '@mikro-orm/core';
import { findReadOnly } from '../../db/read-only-entities.js';
import type { Loaders } from '../../graphql/loaders.js';
import { childrenLoader, groupBy } from '../../graphql/common/loader-helpers.js';
import { BatchContainerAssignment } from '../assignment/assignment.entity.js';
import { Area } from './area.entity.js';
import { Container, Sensor } from './container.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { AreaGroup } from './geography.entity.js';
import { type ContainerAttributeFilter, containerAttributeWhere } from './container-filter.inputs.js';

/** Key of `containersByPlace`: the hall or area and the optional attribute filter. */
export interface ContainersByPlaceKey {
  placeId: number;
  filter?: ContainerAttributeFilter | null;
}

/** The filter part of a cache key; an absent category list (no condition) differs from an empty one (nothing). */
const filterKey = (f: ContainerAttributeFilter | null | undefined) =>
  `${f?.active ?? ''}|${f?.categories ? `[${[...f.categories].sort().join(',')}]` : ''}`;

/**
 * Containers of halls or areas matching a filter: `hall_id|area_id = ANY(…)` plus the filter, by name; one
 * statement per distinct filter in a request.
 */
function containersByPlaceLoader(l: Loaders, place: 'hall' | 'area') {
  return new DataLoader<ContainersByPlaceKey, Container[], string>(
    async (keys) => {
      const results = new Map<string, Container[]>();
      for (const [args, group] of groupBy(keys, (key) => filterKey(key.filter))) {
        const ids = group.map((key) => key.placeId);
        const where: FilterQuery<Container>[] = [{ [place]: { $in: ids } } as FilterQuery<Container>, ...containerAttributeWhere(group[0]!.filter)];
        const rows = await findReadOnly(l.em, Container, { $and: where }, { orderBy: { name: 'asc', id: 'asc' } });
        for (const id of ids) results.set(`${id}#${args}`, []);
        for (const row of rows) results.get(`${row[place]!.id}#${args}`)?.push(row);
      }
      return keys.map((key) => results.get(`${key.placeId}#${filterKey(key.filter)}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.placeId}#${filterKey(key.filter)}` },
  );
}

/** Key of `assignmentsByContainer`: the container and an optional inclusive day range. */
export interface AssignmentsByContainerKey {
  containerId: number;
  from?: string | null;
  to?: string | null;
}

const rangeKey = (key: AssignmentsByContainerKey) => `${key.from ?? ''}|${key.to ?? ''}`;

/** Overlap of [assignment_date, departure_date) with the inclusive days [from, to] (data-model.md §6.6). */
function overlapFilter(key: AssignmentsByContainerKey): FilterQuery<BatchContainerAssignment>[] {
  const conditions: FilterQuery<BatchContainerAssignment>[] = [];
  if (key.to) conditions.push({ assignmentDate: { $lte: key.to } });
  if (key.from) conditions.push({ $or: [{ departureDate: null }, { departureDate: { $gt: key.from } }] });
  return conditions;
}

/** Infrastructure tree loaders: children by parent id, one statement per batch of parents, ordered by name. */
export const infrastructureLoaders = {
  areasByGeography: (l: Loaders) => l.memoize('areasByGeography', () => childrenLoader(l.em, Area, 'geography', { name: 'asc', id: 'asc' })),
  areasByGroup: (l: Loaders) => l.memoize('areasByGroup', () => childrenLoader(l.em, Area, 'areaGroup', { name: 'asc', id: 'asc' })),
  areaGroupsByGeography: (l: Loaders) =>
    l.memoize('areaGroupsByGeography', () => childrenLoader(l.em, AreaGroup, 'geography', { name: 'asc', id: 'asc' })),
  areaGroupsByParent: (l: Loaders) =>
    l.memoize('areaGroupsByParent', () => childrenLoader(l.em, AreaGroup, 'parent', { name: 'asc', id: 'asc' })),
  stationsByGeography: (l: Loaders) =>
    l.memoize('stationsByGeography', () => childrenLoader(l.em, FreshwaterStation, 'geography', { name: 'asc', id: 'asc' })),
  hallsByStation: (l: Loaders) => l.memoize('hallsByStation', () => childrenLoader(l.em, Hall, 'station', { name: 'asc', id: 'asc' })),
  containersByParent: (l: Loaders) =>
    l.memoize('containersByParent', () => childrenLoader(l.em, Container, 'parentContainer', { name: 'asc', id: 'asc' })),
  sensorsByContainer: (l: Loaders) =>
    l.memoize('sensorsByContainer', () => childrenLoader(l.em, Sensor, 'container', { serialNumber: 'asc', id: 'asc' })),
  containersByType: (l: Loaders) =>
    l.memoize('containersByType', () => childrenLoader(l.em, Container, 'containerType', { name: 'asc', id: 'asc' })),
  containersByHall: (l: Loaders) => l.memoize('containersByHall', () => containersByPlaceLoader(l, 'hall')),
  containersByArea: (l: Loaders) => l.memoize('containersByArea', () => containersByPlaceLoader(l, 'area')),

  /**
   * Assignments in each container overlapping a day range (all without one), by arrival date:
   * `container_id = ANY(…)` plus the overlap predicate, one statement per distinct range in a request.
   */
  assignmentsByContainer: (l: Loaders) =>
    l.memoize(
      'assignmentsByContainer',
      () =>
        new DataLoader<AssignmentsByContainerKey, BatchContainerAssignment[], string>(
          async (keys) => {
            const results = new Map<string, BatchContainerAssignment[]>();
            for (const [args, group] of groupBy(keys, rangeKey)) {
              const ids = group.map((key) => key.containerId);
              const rows = await findReadOnly(
                l.em,
                BatchContainerAssignment,
                { $and: [{ container: { $in: ids } }, ...overlapFilter(group[0]!)] },
                { orderBy: { assignmentDate: 'asc', id: 'asc' } },
              );
              for (const id of ids) results.set(`${id}#${args}`, []);
              for (const row of rows) results.get(`${row.container.id}#${args}`)?.push(row);
            }
            return keys.map((key) => results.get(`${key.containerId}#${rangeKey(key)}`) ?? []);
          },
          { cacheKeyFn: (key) => `${key.containerId}#${rangeKey(key)}` },
        ),
    ),
};
