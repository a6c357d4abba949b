import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { AssignmentResolver } from '../modules/assignment/assignment.resolver.js';
import { BatchContainerAssignment } from '../modules/assignment/assignment.entity.js';
import { Batch, BatchCreation } from '../modules/batch/batch.entity.js';
import { BatchPlacement } from '../modules/batch/batch-placement.entity.js';
import { BatchPlacementResolver, BatchResolver } from '../modules/batch/batch.resolver.js';
import { Area } from '../modules/infrastructure/area.entity.js';
import { Container, ContainerType, Sensor } from '../modules/infrastructure/container.entity.js';
import { FreshwaterStation, Hall } from '../modules/infrastructure/freshwater-station.entity.js';
import { AreaGroup, Geography } from '../modules/infrastructure/geography.entity.js';
import {
  AreaGroupResolver,
  AreaResolver,
  ContainerResolver,
  ContainerTypeResolver,
  FreshwaterStationResolver,
  GeographyResolver,
  HallResolver,
  EnvironmentalParameterResolver,
  SensorResolver,
} from '../modules/infrastructure/infrastructure.resolver.js';
import { LifecycleStage, Species } from '../modules/species/species.entity.js';
import { EnvironmentalParameter } from '../modules/environment/environmental-parameter.entity.js';
import { LifecycleStageResolver, SpeciesResolver } from '../modules/species/species.resolver.js';
import { createNodeResolver } from './node.resolver.js';
import { DateTimeScalar } from './common/scalars.js';

/** Entity types reachable through `node(id)`. */
const NODE_TYPES = [
  Geography,
  AreaGroup,
  Area,
  FreshwaterStation,
  Hall,
  ContainerType,
  Container,
  Sensor,
  EnvironmentalParameter,
  Species,
  LifecycleStage,
  Batch,
  BatchCreation,
  BatchPlacement,
  BatchContainerAssignment,
];

const RESOLVERS: NonEmptyArray<Function> = [
  createNodeResolver(NODE_TYPES),
  GeographyResolver,
  AreaGroupResolver,
  AreaResolver,
  FreshwaterStationResolver,
  HallResolver,
  ContainerTypeResolver,
  ContainerResolver,
  SensorResolver,
  EnvironmentalParameterResolver,
  SpeciesResolver,
  LifecycleStageResolver,
  BatchResolver,
  BatchPlacementResolver,
  AssignmentResolver,
];

let cached: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the resolver classes. */
export function getSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: NODE_TYPES,
    // Dates are strings end to end; instants are JS Dates (STACK.md: map both explicitly).
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
  });
  return cached;
}

/** SDL as committed in `schema.graphql` (sorted, so the file diffs cleanly). */
export async function printSchemaSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}
