import { describe, expect, it } from 'vitest';
import { loadProfile } from './profile.js';
import { buildTopology, indexTopology, type Topology } from './topology.js';

const twoGeo = buildTopology(loadProfile({ topology: 'two-geo' }), 42);
const oneSite = buildTopology(loadProfile({ topology: 'one-site' }), 42);

const byGeography = <T extends { geographyId: number }>(rows: T[]) =>
  rows.reduce<Record<number, number>>((counts, row) => ({ ...counts, [row.geographyId]: (counts[row.geographyId] ?? 0) + 1 }), {});

describe('two-geo topology (§2)', () => {
  it('has the exact counts of the §2 table', () => {
    const t = twoGeo;
    expect(t.geographies.map((geo) => geo.code)).toEqual(['FO', 'SC']);
    expect(t.areaGroups).toHaveLength(13);
    expect(t.areas).toHaveLength(42);
    expect(byGeography(t.areas)).toEqual({ 1: 22, 2: 20 });
    expect(t.stations).toHaveLength(22);
    expect(byGeography(t.stations)).toEqual({ 1: 12, 2: 10 });
    expect(t.halls).toHaveLength(110);
    expect(t.containers).toHaveLength(1_950);
    expect(byGeography(t.containers)).toEqual({ 1: 1_044, 2: 906 });
    expect(t.containers.filter((c) => c.kind === 'RING')).toHaveLength(840);
    expect(t.containers.filter((c) => c.kind === 'HOLDING_TANK')).toHaveLength(1_100);
    expect(byGeography(t.containers.filter((c) => c.kind === 'RACK'))).toEqual({ 1: 4, 2: 6 });
    expect(t.containers.filter((c) => c.hierarchyRole === 'HOLDING')).toHaveLength(1_940);
    expect(t.feedContainers).toHaveLength(236);
    expect(t.feedContainers.filter((f) => f.feedContainerType === 'SILO')).toHaveLength(110);
    expect(t.feedContainers.filter((f) => f.feedContainerType === 'BARGE')).toHaveLength(126);
    expect(t.sensors).toHaveLength(11_060);
    const sensorsOf = (geographyId: number) => t.sensors.filter((s) => t.containers[s.containerId - 1]!.geographyId === geographyId).length;
    expect([sensorsOf(1), sensorsOf(2)]).toEqual([5_960, 5_100]);
  });

  it('has the master data of §2', () => {
    expect(twoGeo.environmentalParameters.map((p) => p.code)).toEqual(['TEMPERATURE', 'OXYGEN', 'PH', 'SALINITY', 'CO2', 'NO2', 'NO3', 'NH4']);
    expect(twoGeo.species).toHaveLength(1);
    expect(twoGeo.lifecycleStages.map((s) => s.order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(twoGeo.feeds.map((f) => f.name)).toEqual([
      'Starter 0.5 mm',
      'Starter 1.0 mm',
      'Grower 2.0 mm',
      'Grower 3.0 mm',
      'Finisher 4.5 mm',
      'Finisher 6.0 mm',
    ]);
    expect(twoGeo.vaccinationTypes).toHaveLength(2);
    expect(twoGeo.scenarioTemplates).toHaveLength(2);
    expect(twoGeo.scenarioTemplates[0]!.stageParameters.map((p) => p.tgc)).toEqual([0, 1.253, 1.942, 1.603, 2.121, 3]);
    expect(twoGeo.scenarioTemplates[0]!.stageParameters.map((p) => p.mortalityRatePct)).toEqual([0.15, 0.05, 0.03, 0.02, 0.015, 0.01]);
  });

  it('builds the area-group tree with areas on leaves, alternating numbers between groups', () => {
    const groupName = (id: number) => twoGeo.areaGroups[id - 1]!.name;
    const leafCounts = (geographyId: number) => {
      const counts = new Map<string, number>();
      for (const area of twoGeo.areas.filter((a) => a.geographyId === geographyId)) counts.set(groupName(area.areaGroupId), (counts.get(groupName(area.areaGroupId)) ?? 0) + 1);
      return Object.fromEntries(counts);
    };
    expect(leafCounts(1)).toEqual({ North: 7, South: 4, West: 11 });
    expect(leafCounts(2)).toEqual({
      'LOCH FYNE': 6,
      'LEWIS North': 2,
      'LEWIS South': 1,
      HARRIS: 3,
      BENBECULA: 2,
      'SKYE and MAINLAND': 2,
      'STRIVEN/ARRAN/MULL/GIGHA': 4,
    });
    expect(twoGeo.areas.slice(0, 4).map((area) => [area.name, groupName(area.areaGroupId)])).toEqual([
      ['FO-SEA-01', 'North'],
      ['FO-SEA-02', 'South'],
      ['FO-SEA-03', 'West'],
      ['FO-SEA-04', 'North'],
    ]);
    const lewis = twoGeo.areaGroups.find((g) => g.name === 'LEWIS')!;
    expect(twoGeo.areaGroups.filter((g) => g.parentId === lewis.id).map((g) => g.name)).toEqual(['LEWIS North', 'LEWIS South']);
    expect(twoGeo.areas.some((area) => area.areaGroupId === lewis.id)).toBe(false);
    expect(twoGeo.areas[twoGeo.areas.length - 1]!.name).toBe('SC-SEA-20');
  });

  it('names and sizes containers per §2', () => {
    const named = (name: string) => twoGeo.containers.find((c) => c.name === name)!;
    expect(named('FO-SEA-01-R20')).toMatchObject({ kind: 'RING', maxBiomassKg: 1_250_000, volumeM3: 50_000 });
    expect(named('SC-FW-10-E-T10')).toMatchObject({ kind: 'HOLDING_TANK', maxBiomassKg: 187_500, stageOrder: 5 });
    expect(named('FO-FW-01-A-T01')).toMatchObject({ maxBiomassKg: 500, stageOrder: 1 });
    expect(named('FO-FW-01-B-T01').maxBiomassKg).toBe(5_000);
    expect(named('FO-FW-01-C-T01').maxBiomassKg).toBe(25_000);
    expect(named('FO-FW-01-D-T01').maxBiomassKg).toBe(75_000);
    const areaRow = twoGeo.areas[0]!;
    expect(areaRow.maxBiomassKg).toBe(25_000_000);
  });

  it('makes racks structural parents of 5 trays in hall A of FO 1–2 and SC 1–3', () => {
    const racks = twoGeo.containers.filter((c) => c.kind === 'RACK');
    expect(racks.map((rack) => twoGeo.halls[rack.hallId! - 1]!.name)).toEqual([
      'FO-FW-01-A',
      'FO-FW-01-A',
      'FO-FW-02-A',
      'FO-FW-02-A',
      'SC-FW-01-A',
      'SC-FW-01-A',
      'SC-FW-02-A',
      'SC-FW-02-A',
      'SC-FW-03-A',
      'SC-FW-03-A',
    ]);
    for (const rack of racks) {
      expect(rack).toMatchObject({ hierarchyRole: 'STRUCTURAL', maxBiomassKg: 0, stageOrder: null });
      const children = twoGeo.containers.filter((c) => c.parentContainerId === rack.id);
      expect(children).toHaveLength(5);
      expect(children.every((child) => child.hallId === rack.hallId && child.hierarchyRole === 'HOLDING' && child.id > rack.id)).toBe(true);
    }
    expect(twoGeo.sensors.some((s) => racks.some((rack) => rack.id === s.containerId))).toBe(false);
  });

  it('gives every table explicit 1-based ids in order, every hall one stage and sites jittered ±0.3°', () => {
    const tables: (keyof Topology)[] = ['geographies', 'areaGroups', 'areas', 'stations', 'halls', 'containerTypes', 'containers', 'feedContainers', 'sensors'];
    for (const table of tables) {
      const rows = twoGeo[table] as { id: number }[];
      expect(rows.map((row) => row.id)).toEqual(rows.map((_, i) => i + 1));
    }
    const index = indexTopology(twoGeo);
    for (const station of twoGeo.stations) expect(index.stationHalls[station.id]!.filter(Boolean).map((h) => h.letter)).toEqual(['A', 'B', 'C', 'D', 'E']);
    for (const area of twoGeo.areas) {
      const base = area.geographyId === 1 ? [61.5, -6.5] : [57.0, -5.0];
      expect(Math.abs(area.latitude - base[0]!)).toBeLessThanOrEqual(0.3);
      expect(Math.abs(area.longitude - base[1]!)).toBeLessThanOrEqual(0.3);
    }
    for (const station of twoGeo.stations) {
      const base = station.geographyId === 1 ? [62.0, -7.0] : [57.5, -4.5];
      expect(Math.abs(station.latitude - base[0]!)).toBeLessThanOrEqual(0.3);
    }
    expect(new Set(twoGeo.sensors.map((s) => s.serialNumber)).size).toBe(twoGeo.sensors.length);
  });

  it('is deterministic per seed', () => {
    expect(buildTopology(loadProfile({}), 42)).toEqual(twoGeo);
    expect(buildTopology(loadProfile({}), 43).areas[0]!.latitude).not.toBe(twoGeo.areas[0]!.latitude);
  });
});

describe('one-site topology (demo)', () => {
  it('has 1 station with 5 halls × 4 tanks, 1 area with 8 rings, 5 silos, 3 barges, 172 sensors', () => {
    expect(oneSite.geographies.map((geo) => geo.code)).toEqual(['FO']);
    expect(oneSite.stations).toHaveLength(1);
    expect(oneSite.halls).toHaveLength(5);
    expect(oneSite.areas).toHaveLength(1);
    expect(oneSite.containers).toHaveLength(28);
    expect(oneSite.containers.filter((c) => c.kind === 'RING')).toHaveLength(8);
    expect(oneSite.containers.filter((c) => c.kind === 'RACK')).toHaveLength(0);
    expect(oneSite.feedContainers.map((f) => f.feedContainerType)).toEqual(['SILO', 'SILO', 'SILO', 'SILO', 'SILO', 'BARGE', 'BARGE', 'BARGE']);
    expect(oneSite.sensors).toHaveLength(172);
  });
});
