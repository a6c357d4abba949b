/**
 * Infrastructure and master data of a seed run as plain rows with explicit ids (synthetic-farm.md
 * §2, §7 "Stable ids"). Ids are 1-based per table and assigned in the order of §2, so the same
 * profile and seed always produce the same ids and the loader can resolve foreign keys in memory.
 *
 * Container id order: sea rings (area order), then structural racks, then holding tanks/trays
 * (station, hall, name order). Racks precede the trays they parent so a single ordered insert
 * never references a later row.
 */
import { STREAM, Rng } from './prng.js';
import type { AreaGroupSpec, Profile } from './profile.js';
import { roundHalfEven } from './rounding.js';
import type { EpochDay } from './dates.js';

export interface GeographyRow {
  id: number;
  code: string;
  name: string;
  description: string;
}

export interface AreaGroupRow {
  id: number;
  geographyId: number;
  parentId: number | null;
  code: string;
  name: string;
}

export interface AreaRow {
  id: number;
  geographyId: number;
  areaGroupId: number;
  /** 1-based number within the geography (`FO-SEA-07` → 7). */
  number: number;
  name: string;
  latitude: number;
  longitude: number;
  /** Licence cap: the sum of its rings' max biomass (kg). */
  maxBiomassKg: number;
  active: boolean;
}

export interface StationRow {
  id: number;
  geographyId: number;
  number: number;
  name: string;
  stationType: 'FRESHWATER';
  latitude: number;
  longitude: number;
  active: boolean;
}

export interface HallRow {
  id: number;
  stationId: number;
  geographyId: number;
  name: string;
  letter: string;
  /** The one lifecycle stage this hall serves. */
  stageOrder: number;
  active: boolean;
}

export interface ContainerTypeRow {
  id: number;
  code: string;
  name: string;
  category: 'TANK' | 'PEN' | 'TRAY' | 'OTHER';
  maxVolumeM3: number;
}

export type ContainerKind = 'RING' | 'RACK' | 'HOLDING_TANK';

export interface ContainerRow {
  id: number;
  name: string;
  kind: ContainerKind;
  containerTypeId: number;
  geographyId: number;
  hallId: number | null;
  areaId: number | null;
  parentContainerId: number | null;
  hierarchyRole: 'HOLDING' | 'STRUCTURAL';
  volumeM3: number;
  maxBiomassKg: number;
  /** Stage served (hall stage for tanks/trays, the sea stage for rings); null for racks. */
  stageOrder: number | null;
  /** 1-based position in its hall or area in name order (T01 → 1, R07 → 7). */
  position: number;
  active: boolean;
}

export interface FeedContainerRow {
  id: number;
  name: string;
  feedContainerType: 'SILO' | 'BARGE';
  hallId: number | null;
  areaId: number | null;
  capacityKg: number;
  active: boolean;
}

export interface EnvironmentalParameterRow {
  id: number;
  code: string;
  name: string;
  unit: string;
  minValue: number;
  maxValue: number;
  optimalMin: number;
  optimalMax: number;
}

export interface SensorRow {
  id: number;
  containerId: number;
  parameterId: number;
  parameterCode: string;
  serialNumber: string;
  manufacturer: string;
  installedOn: EpochDay | null;
  active: boolean;
}

export interface SpeciesRow {
  id: number;
  name: string;
  scientificName: string;
}

export interface LifecycleStageRow {
  id: number;
  speciesId: number;
  code: string;
  name: string;
  order: number;
  minWeightG: number;
  maxWeightG: number;
  typicalDurationDays: number;
  defaultTgc: number;
  defaultDailyMortalityPct: number;
  environment: 'FRESHWATER' | 'SEA';
}

export interface FeedRow {
  id: number;
  name: string;
  brand: string;
  sizeCategory: 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE';
  pelletSizeMm: number;
  proteinPct: number;
  fatPct: number;
  active: boolean;
}

export interface VaccinationTypeRow {
  id: number;
  name: string;
  manufacturer: string;
}

export interface ScenarioStageParameterRow {
  lifecycleStageId: number;
  stageOrder: number;
  /** §3.1 k × 1000 (per 1000 °C·day). */
  tgc: number;
  mortalityRatePct: number;
  mortalityFrequency: 'DAILY';
}

export interface ScenarioTemplateRow {
  id: number;
  geographyId: number;
  name: string;
  speciesId: number;
  baseTgc: number;
  baseMortalityRatePct: number;
  baseMortalityFrequency: 'DAILY';
  stageParameters: ScenarioStageParameterRow[];
}

/** The whole infrastructure and master-data plan; plain, JSON-serialisable data. */
export interface Topology {
  preset: Profile['topology']['preset'];
  geographies: GeographyRow[];
  areaGroups: AreaGroupRow[];
  areas: AreaRow[];
  stations: StationRow[];
  halls: HallRow[];
  containerTypes: ContainerTypeRow[];
  containers: ContainerRow[];
  feedContainers: FeedContainerRow[];
  environmentalParameters: EnvironmentalParameterRow[];
  sensors: SensorRow[];
  species: SpeciesRow[];
  lifecycleStages: LifecycleStageRow[];
  feeds: FeedRow[];
  vaccinationTypes: VaccinationTypeRow[];
  scenarioTemplates: ScenarioTemplateRow[];
}

export interface TopologyOptions {
  /** Sensor `installed_on` (typically the first climate date); null leaves it to the loader. */
  sensorsInstalledOn?: EpochDay | null;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Depth-first leaves of an area-group forest. */
function leafGroups(groups: AreaGroupSpec[]): AreaGroupSpec[] {
  return groups.flatMap((group) => (group.children ? leafGroups(group.children) : [group]));
}

/**
 * Build the infrastructure plan of a profile (§2). Pure: coordinates are jittered with the
 * SITE_JITTER stream of `seed`.
 */
export function buildTopology(profile: Profile, seed: number, options: TopologyOptions = {}): Topology {
  const spec = profile.topology;
  const rng = new Rng(seed, STREAM.SITE_JITTER, 0, 0, 0);
  const jitter = (id: number, kind: number, base: { latitude: number; longitude: number }) => {
    rng.reset(seed, STREAM.SITE_JITTER, id, kind, 0);
    const offset = (slot: number) => (2 * rng.uniform(slot) - 1) * spec.coordinateJitterDeg;
    return {
      latitude: roundHalfEven(base.latitude + offset(0), 6),
      longitude: roundHalfEven(base.longitude + offset(1), 6),
    };
  };

  const containerTypes: ContainerTypeRow[] = profile.containerTypes.map((type, index) => ({
    id: index + 1,
    code: type.code,
    name: type.name,
    category: type.category,
    maxVolumeM3: type.volumeM3,
  }));
  const typeByCode = new Map(profile.containerTypes.map((type, index) => [type.code, { ...type, id: index + 1 }]));
  const typeOf = (code: string) => {
    const type = typeByCode.get(code);
    if (!type) throw new Error(`Unknown container type ${code}`);
    return type;
  };
  const seaStage = profile.stages[profile.stages.length - 1]!;
  const ringType = typeOf(seaStage.containerTypeCode);
  const ringMaxBiomassKg = ringType.volumeM3 * ringType.maxDensityKgM3;

  const geographies: GeographyRow[] = spec.geographies.map((geo, index) => ({
    id: index + 1,
    code: geo.code,
    name: geo.name,
    description: geo.description,
  }));

  const areaGroups: AreaGroupRow[] = [];
  const leafGroupIds = new Map<AreaGroupSpec, number>();
  const addGroup = (geographyId: number, parentId: number | null, group: { code: string; name: string }): number => {
    const id = areaGroups.length + 1;
    areaGroups.push({ id, geographyId, parentId, code: group.code, name: group.name });
    return id;
  };
  const addTree = (geographyId: number, parentId: number, group: AreaGroupSpec): void => {
    const id = addGroup(geographyId, parentId, group);
    if (group.children) group.children.forEach((child) => addTree(geographyId, id, child));
    else leafGroupIds.set(group, id);
  };
  spec.geographies.forEach((geo, index) => {
    const rootId = addGroup(index + 1, null, geo.rootAreaGroup);
    geo.areaGroups.forEach((group) => addTree(index + 1, rootId, group));
  });

  // Consecutive area numbers alternate between the leaf groups (round robin in leaf order).
  const areas: AreaRow[] = [];
  spec.geographies.forEach((geo, geoIndex) => {
    const leaves = leafGroups(geo.areaGroups);
    const remaining = leaves.map((leaf) => leaf.areas ?? 0);
    let number = 0;
    while (remaining.some((count) => count > 0)) {
      leaves.forEach((leaf, leafIndex) => {
        if (remaining[leafIndex]! === 0) return;
        remaining[leafIndex]! -= 1;
        number += 1;
        const id = areas.length + 1;
        areas.push({
          id,
          geographyId: geoIndex + 1,
          areaGroupId: leafGroupIds.get(leaf)!,
          number,
          name: `${geo.code}-SEA-${pad2(number)}`,
          ...jitter(id, 1, geo.areaCoordinate),
          maxBiomassKg: ringMaxBiomassKg * spec.ringsPerArea,
          active: true,
        });
      });
    }
  });

  const stations: StationRow[] = [];
  spec.geographies.forEach((geo, geoIndex) => {
    for (let number = 1; number <= geo.stations; number++) {
      const id = stations.length + 1;
      stations.push({
        id,
        geographyId: geoIndex + 1,
        number,
        name: `${geo.code}-FW-${pad2(number)}`,
        stationType: 'FRESHWATER',
        ...jitter(id, 0, geo.stationCoordinate),
        active: true,
      });
    }
  });

  const halls: HallRow[] = [];
  for (const station of stations) {
    spec.hallLetters.forEach((letter, index) => {
      halls.push({
        id: halls.length + 1,
        stationId: station.id,
        geographyId: station.geographyId,
        name: `${station.name}-${letter}`,
        letter,
        stageOrder: index + 1,
        active: true,
      });
    });
  }

  const containers: ContainerRow[] = [];
  const addContainer = (row: Omit<ContainerRow, 'id'>): number => {
    const id = containers.length + 1;
    containers.push({ id, ...row });
    return id;
  };
  for (const area of areas) {
    for (let position = 1; position <= spec.ringsPerArea; position++) {
      addContainer({
        name: `${area.name}-R${pad2(position)}`,
        kind: 'RING',
        containerTypeId: ringType.id,
        geographyId: area.geographyId,
        hallId: null,
        areaId: area.id,
        parentContainerId: null,
        hierarchyRole: 'HOLDING',
        volumeM3: ringType.volumeM3,
        maxBiomassKg: ringMaxBiomassKg,
        stageOrder: seaStage.order,
        position,
        active: true,
      });
    }
  }
  const rackType = typeOf(spec.rackContainerTypeCode);
  // rackIdsByHall[hallId][k] parents trays k·traysPerRack + 1 … (k + 1)·traysPerRack.
  const rackIdsByHall = new Map<number, number[]>();
  for (const hall of halls) {
    const station = stations[hall.stationId - 1]!;
    const geo = spec.geographies[station.geographyId - 1]!;
    if (hall.stageOrder !== 1 || station.number > geo.rackStations) continue;
    const ids: number[] = [];
    for (let position = 1; position <= spec.racksPerRackHall; position++) {
      ids.push(
        addContainer({
          name: `${hall.name}-RACK${pad2(position)}`,
          kind: 'RACK',
          containerTypeId: rackType.id,
          geographyId: hall.geographyId,
          hallId: hall.id,
          areaId: null,
          parentContainerId: null,
          hierarchyRole: 'STRUCTURAL',
          volumeM3: rackType.volumeM3,
          maxBiomassKg: 0,
          stageOrder: null,
          position,
          active: true,
        }),
      );
    }
    rackIdsByHall.set(hall.id, ids);
  }
  for (const hall of halls) {
    const type = typeOf(profile.stages[hall.stageOrder - 1]!.containerTypeCode);
    const racks = rackIdsByHall.get(hall.id) ?? [];
    for (let position = 1; position <= spec.containersPerHall; position++) {
      const rackIndex = Math.floor((position - 1) / spec.traysPerRack);
      addContainer({
        name: `${hall.name}-T${pad2(position)}`,
        kind: 'HOLDING_TANK',
        containerTypeId: type.id,
        geographyId: hall.geographyId,
        hallId: hall.id,
        areaId: null,
        parentContainerId: racks[rackIndex] ?? null,
        hierarchyRole: 'HOLDING',
        volumeM3: type.volumeM3,
        maxBiomassKg: type.volumeM3 * type.maxDensityKgM3,
        stageOrder: hall.stageOrder,
        position,
        active: true,
      });
    }
  }

  const feedContainers: FeedContainerRow[] = [];
  for (const hall of halls) {
    feedContainers.push({
      id: feedContainers.length + 1,
      name: `${hall.name}-SILO`,
      feedContainerType: 'SILO',
      hallId: hall.id,
      areaId: null,
      capacityKg: spec.siloCapacityKg[hall.stageOrder - 1]!,
      active: true,
    });
  }
  for (const area of areas) {
    for (let number = 1; number <= spec.bargesPerArea; number++) {
      feedContainers.push({
        id: feedContainers.length + 1,
        name: `${area.name}-BARGE${number}`,
        feedContainerType: 'BARGE',
        hallId: null,
        areaId: area.id,
        capacityKg: spec.bargeCapacityKg,
        active: true,
      });
    }
  }

  const environmentalParameters: EnvironmentalParameterRow[] = profile.environmentalParameters.map((parameter, index) => ({
    id: index + 1,
    ...parameter,
  }));
  const parameterId = new Map(environmentalParameters.map((parameter) => [parameter.code, parameter.id]));
  const sensors: SensorRow[] = [];
  for (const container of containers) {
    if (container.hierarchyRole !== 'HOLDING') continue;
    const codes = container.kind === 'RING' ? spec.seaSensors : spec.freshwaterSensors;
    for (const code of codes) {
      sensors.push({
        id: sensors.length + 1,
        containerId: container.id,
        parameterId: parameterId.get(code)!,
        parameterCode: code,
        serialNumber: `SN-${container.name}-${code}`,
        manufacturer: spec.sensorManufacturer,
        installedOn: options.sensorsInstalledOn ?? null,
        active: true,
      });
    }
  }

  const species: SpeciesRow[] = [{ id: 1, name: profile.species.name, scientificName: profile.species.scientificName }];
  const lifecycleStages: LifecycleStageRow[] = profile.stages.map((stage) => ({
    id: stage.order,
    speciesId: 1,
    code: stage.code,
    name: stage.name,
    order: stage.order,
    minWeightG: stage.reference.minWeightG,
    maxWeightG: stage.reference.maxWeightG,
    typicalDurationDays: stage.reference.typicalDurationDays,
    defaultTgc: stage.reference.defaultTgc,
    defaultDailyMortalityPct: stage.reference.defaultDailyMortalityPct,
    environment: stage.environment,
  }));
  const feeds: FeedRow[] = profile.feeds.map((feed, index) => ({ id: index + 1, ...feed, active: true }));
  const vaccinationTypes: VaccinationTypeRow[] = profile.vaccination.types.map((type, index) => ({ id: index + 1, ...type }));
  const scenarioTemplates: ScenarioTemplateRow[] = geographies.map((geo) => ({
    id: geo.id,
    geographyId: geo.id,
    name: `Template – ${geo.code}`,
    speciesId: 1,
    baseTgc: tgcOf(seaStage.growthK),
    baseMortalityRatePct: seaStage.mortalityPctPerDay,
    baseMortalityFrequency: 'DAILY',
    stageParameters: profile.stages.map((stage) => ({
      lifecycleStageId: stage.order,
      stageOrder: stage.order,
      tgc: tgcOf(stage.growthK),
      mortalityRatePct: stage.mortalityPctPerDay,
      mortalityFrequency: 'DAILY',
    })),
  }));

  return {
    preset: spec.preset,
    geographies,
    areaGroups,
    areas,
    stations,
    halls,
    containerTypes,
    containers,
    feedContainers,
    environmentalParameters,
    sensors,
    species,
    lifecycleStages,
    feeds,
    vaccinationTypes,
    scenarioTemplates,
  };
}

/** TGC per 1000 °C·day from k per °C·day, rounded to the column scale (numeric(6,4)). */
function tgcOf(k: number): number {
  return roundHalfEven(k * 1000, 4);
}

/** Fast lookups over a topology (derived, not serialised). Arrays are indexed by row id. */
export interface TopologyIndex {
  topology: Topology;
  /** Holding containers of each hall, in name order. */
  hallContainers: ContainerRow[][];
  /** Rings of each area, in name order. */
  areaRings: ContainerRow[][];
  /** Hall serving `stageOrder` at a station: `stationHalls[stationId][stageOrder]`. */
  stationHalls: HallRow[][];
  /** Stations of a geography, in number order. */
  geographyStations: StationRow[][];
  /** Areas of a geography, in number order. */
  geographyAreas: AreaRow[][];
  siloByHall: FeedContainerRow[];
  bargesByArea: FeedContainerRow[][];
  sensorsByContainer: SensorRow[][];
  feedIdByName: Map<string, number>;
  parameterIdByCode: Map<string, number>;
}

/** Build the lookup index of a topology. */
export function indexTopology(topology: Topology): TopologyIndex {
  const byId = <T>(size: number, make: () => T): T[] => Array.from({ length: size + 1 }, make);
  const hallContainers = byId<ContainerRow[]>(topology.halls.length, () => []);
  const areaRings = byId<ContainerRow[]>(topology.areas.length, () => []);
  for (const container of topology.containers) {
    if (container.hierarchyRole !== 'HOLDING') continue;
    if (container.hallId !== null) hallContainers[container.hallId]!.push(container);
    if (container.areaId !== null) areaRings[container.areaId]!.push(container);
  }
  const byPosition = (a: ContainerRow, b: ContainerRow) => a.position - b.position;
  hallContainers.forEach((list) => list.sort(byPosition));
  areaRings.forEach((list) => list.sort(byPosition));
  const stationHalls = byId<HallRow[]>(topology.stations.length, () => []);
  for (const hall of topology.halls) stationHalls[hall.stationId]![hall.stageOrder] = hall;
  const geographyStations = byId<StationRow[]>(topology.geographies.length, () => []);
  for (const station of topology.stations) geographyStations[station.geographyId]!.push(station);
  const geographyAreas = byId<AreaRow[]>(topology.geographies.length, () => []);
  for (const area of topology.areas) geographyAreas[area.geographyId]!.push(area);
  const siloByHall: FeedContainerRow[] = [];
  const bargesByArea = byId<FeedContainerRow[]>(topology.areas.length, () => []);
  for (const feedContainer of topology.feedContainers) {
    if (feedContainer.hallId !== null) siloByHall[feedContainer.hallId] = feedContainer;
    if (feedContainer.areaId !== null) bargesByArea[feedContainer.areaId]!.push(feedContainer);
  }
  const sensorsByContainer = byId<SensorRow[]>(topology.containers.length, () => []);
  for (const sensor of topology.sensors) sensorsByContainer[sensor.containerId]!.push(sensor);
  return {
    topology,
    hallContainers,
    areaRings,
    stationHalls,
    geographyStations,
    geographyAreas,
    siloByHall,
    bargesByArea,
    sensorsByContainer,
    feedIdByName: new Map(topology.feeds.map((feed) => [feed.name, feed.id])),
    parameterIdByCode: new Map(topology.environmentalParameters.map((parameter) => [parameter.code, parameter.id])),
  };
}
