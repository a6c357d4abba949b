import type { Loaders } from '../../graphql/loaders.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { Area } from './area.entity.js';
import { Container, Sensor } from './container.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { AreaGroup } from './geography.entity.js';

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
  containersByHall: (l: Loaders) => l.memoize('containersByHall', () => childrenLoader(l.em, Container, 'hall', { name: 'asc', id: 'asc' })),
  containersByArea: (l: Loaders) => l.memoize('containersByArea', () => childrenLoader(l.em, Container, 'area', { name: 'asc', id: 'asc' })),
  containersByParent: (l: Loaders) =>
    l.memoize('containersByParent', () => childrenLoader(l.em, Container, 'parentContainer', { name: 'asc', id: 'asc' })),
  sensorsByContainer: (l: Loaders) =>
    l.memoize('sensorsByContainer', () => childrenLoader(l.em, Sensor, 'container', { serialNumber: 'asc', id: 'asc' })),
};
