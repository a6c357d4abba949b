import type { EntityManager } from '@mikro-orm/postgresql';
import { BatchContainerAssignment } from '../../src/modules/assignment/assignment.entity.js';
import { Batch } from '../../src/modules/batch/batch.entity.js';
import { BatchPlacement } from '../../src/modules/batch/batch-placement.entity.js';
import { BatchStatus, ContainerCategory } from '../../src/modules/enums.js';
import { Area } from '../../src/modules/infrastructure/area.entity.js';
import { Container, ContainerType } from '../../src/modules/infrastructure/container.entity.js';
import { FreshwaterStation, Hall } from '../../src/modules/infrastructure/freshwater-station.entity.js';
import { Geography } from '../../src/modules/infrastructure/geography.entity.js';
import { LifecycleStage, Species } from '../../src/modules/species/species.entity.js';

/** A small farm for tests: one geography with a station/hall of tanks and a sea area with rings. */
export interface Farm {
  geography: Geography;
  station: FreshwaterStation;
  hall: Hall;
  area: Area;
  tanks: Container[];
  rings: Container[];
  species: Species;
  stages: LifecycleStage[];
}

export async function createFarm(em: EntityManager, options: { tanks?: number; rings?: number; code?: string } = {}): Promise<Farm> {
  const code = options.code ?? 'FO';
  const geography = em.create(Geography, { code, name: `Geography ${code}` });
  const station = em.create(FreshwaterStation, { geography, name: `${code}-FW-01`, latitude: 62, longitude: -7 });
  const hall = em.create(Hall, { station, name: 'A', areaSqm: 1200 });
  const area = em.create(Area, { geography, name: `${code}-SEA-01`, latitude: 61.5, longitude: -6.5, maxBiomassKg: 25_000_000 });
  const tankType = em.create(ContainerType, { code: `${code}_TANK`, name: 'Fry tank', category: ContainerCategory.TANK, maxVolumeM3: 100 });
  const ringType = em.create(ContainerType, { code: `${code}_RING`, name: 'Sea ring', category: ContainerCategory.PEN, maxVolumeM3: 50_000 });
  const tanks = Array.from({ length: options.tanks ?? 4 }, (_, i) =>
    em.create(Container, { name: `${hall.name}-T${String(i + 1).padStart(2, '0')}`, containerType: tankType, hall, volumeM3: 100, maxBiomassKg: 5_000 }),
  );
  const rings = Array.from({ length: options.rings ?? 2 }, (_, i) =>
    em.create(Container, { name: `${area.name}-R${String(i + 1).padStart(2, '0')}`, containerType: ringType, area, volumeM3: 50_000, maxBiomassKg: 1_250_000 }),
  );
  await em.flush();
  const species = await em.findOneOrFail(Species, { name: 'Atlantic Salmon' });
  const stages = await em.find(LifecycleStage, { species }, { orderBy: { order: 'asc' } });
  return { geography, station, hall, area, tanks, rings, species, stages };
}

/** A batch with one assignment (and placement) per given container, all starting on `startDate`. */
export async function createBatch(
  em: EntityManager,
  farm: Farm,
  options: { batchNumber: string; startDate: string; containers: Container[]; status?: BatchStatus; eggsPerContainer?: number },
): Promise<{ batch: Batch; assignments: BatchContainerAssignment[] }> {
  const batch = em.create(Batch, {
    batchNumber: options.batchNumber,
    species: farm.species,
    status: options.status ?? BatchStatus.ACTIVE,
    startDate: options.startDate,
  });
  const count = options.eggsPerContainer ?? 350_000;
  const assignments = options.containers.map((container) =>
    em.create(BatchContainerAssignment, {
      batch,
      container,
      lifecycleStage: farm.stages[0]!,
      assignmentDate: options.startDate,
      openingPopulation: count,
      openingAvgWeightG: 0.1,
    }),
  );
  await em.flush();
  for (const assignment of assignments) {
    em.create(BatchPlacement, { batch, assignment, placementDate: options.startDate, count, avgWeightG: 0.1 });
  }
  await em.flush();
  return { batch, assignments };
}
