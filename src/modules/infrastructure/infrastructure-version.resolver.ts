import { versionResolver } from '../../graphql/common/version-resolver.js';
import { Area } from './area.entity.js';
import { Container, Sensor } from './container.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { Geography } from './geography.entity.js';

/** The `version` fields of the types with an update mutation. */
export const INFRASTRUCTURE_VERSION_RESOLVERS: Function[] = [
  versionResolver(Geography, 'geographyUpdate'),
  versionResolver(Area, 'areaUpdate'),
  versionResolver(FreshwaterStation, 'freshwaterStationUpdate'),
  versionResolver(Hall, 'hallUpdate'),
  versionResolver(Container, 'containerUpdate'),
  versionResolver(Sensor, 'sensorUpdate'),
];
