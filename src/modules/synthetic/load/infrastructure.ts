/**
 * Infrastructure and master data of a seed run (synthetic-farm.md §2) with the explicit, stable ids of the
 * topology. Loading is idempotent: rows are staged with COPY and inserted with `ON CONFLICT DO NOTHING` on the
 * key, so a resumed run loads nothing twice. Species and lifecycle stages already exist as reference data in every
 * database (migration 0003): they are upserted so the profile's master data wins.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { EpochDay, Topology } from '../sim/index.js';
import { copyChunks } from './copy.js';
import {
  boolText,
  dateText,
  intText,
  NULL,
  nullableIntText,
  nullableTextText,
  numericText,
  textText,
  timestampText,
} from '../../../db/pg-text.js';
import type { CopyChunk, TableEncoding } from './batch-data.js';
import { hashFrame, INFRASTRUCTURE_TABLES } from './tables.js';

/** Result of loading the infrastructure. */
export interface InfrastructureLoad {
  /** SHA-256 (hex) over the COPY streams of the infrastructure tables. */
  hash: string;
  /** Rows per table in the encoding (whether or not they were already present). */
  rows: Map<string, number>;
  /** Rows actually inserted now (0 everywhere on a resume). */
  inserted: number;
}

/** Tables whose existing rows are overwritten by the profile (reference data created by migrations). */
const UPSERT_TABLES = new Set(['species', 'lifecycle_stage']);

/**
 * COPY text of the infrastructure tables in `INFRASTRUCTURE_TABLES` order.
 * @param createdDay simulated creation date of every infrastructure row (the first climate day)
 */
export function encodeInfrastructure(topology: Topology, createdDay: EpochDay): TableEncoding[] {
  const at = timestampText(createdDay, 0);
  const mutable = (id: number) => [intText(id), at, at, '1'];
  const line = (fields: readonly string[]) => `${fields.join('\t')}\n`;
  const rows: Record<string, string[]> = {
    geography: topology.geographies.map((g) => line([...mutable(g.id), textText(g.code), textText(g.name), textText(g.description)])),
    area_group: topology.areaGroups.map((g) =>
      line([...mutable(g.id), intText(g.geographyId), nullableIntText(g.parentId), textText(g.code), textText(g.name)]),
    ),
    area: topology.areas.map((a) =>
      line([
        ...mutable(a.id),
        intText(a.geographyId),
        intText(a.areaGroupId),
        textText(a.name),
        numericText(a.latitude, 6),
        numericText(a.longitude, 6),
        numericText(a.maxBiomassKg, 2),
        boolText(a.active),
      ]),
    ),
    freshwater_station: topology.stations.map((s) =>
      line([...mutable(s.id), intText(s.geographyId), textText(s.name), s.stationType, numericText(s.latitude, 6), numericText(s.longitude, 6), boolText(s.active)]),
    ),
    hall: topology.halls.map((h) => line([...mutable(h.id), intText(h.stationId), textText(h.name), NULL, boolText(h.active)])),
    container_type: topology.containerTypes.map((t) => line([...mutable(t.id), textText(t.code), textText(t.name), t.category, numericText(t.maxVolumeM3, 2)])),
    container: topology.containers.map((c) =>
      line([
        ...mutable(c.id),
        textText(c.name),
        intText(c.containerTypeId),
        nullableIntText(c.hallId),
        nullableIntText(c.areaId),
        nullableIntText(c.parentContainerId),
        c.hierarchyRole,
        numericText(c.volumeM3, 2),
        numericText(c.maxBiomassKg, 2),
        boolText(c.active),
      ]),
    ),
    feed_container: topology.feedContainers.map((f) =>
      line([...mutable(f.id), textText(f.name), f.feedContainerType, nullableIntText(f.hallId), nullableIntText(f.areaId), numericText(f.capacityKg, 2), boolText(f.active)]),
    ),
    environmental_parameter: topology.environmentalParameters.map((p) =>
      line([
        ...mutable(p.id),
        textText(p.code),
        textText(p.name),
        textText(p.unit),
        numericText(p.minValue, 2),
        numericText(p.maxValue, 2),
        numericText(p.optimalMin, 2),
        numericText(p.optimalMax, 2),
      ]),
    ),
    sensor: topology.sensors.map((s) =>
      line([
        ...mutable(s.id),
        intText(s.containerId),
        intText(s.parameterId),
        textText(s.serialNumber),
        nullableTextText(s.manufacturer),
        dateText(s.installedOn ?? createdDay),
        NULL,
        boolText(s.active),
      ]),
    ),
    species: topology.species.map((s) => line([...mutable(s.id), textText(s.name), textText(s.scientificName), NULL])),
    lifecycle_stage: topology.lifecycleStages.map((s) =>
      line([
        ...mutable(s.id),
        intText(s.speciesId),
        textText(s.code),
        textText(s.name),
        intText(s.order),
        numericText(s.minWeightG, 4),
        numericText(s.maxWeightG, 2),
        intText(s.typicalDurationDays),
        numericText(s.defaultTgc, 4),
        numericText(s.defaultDailyMortalityPct, 4),
        s.environment,
      ]),
    ),
    feed: topology.feeds.map((f) =>
      line([...mutable(f.id), textText(f.name), textText(f.brand), f.sizeCategory, numericText(f.pelletSizeMm, 2), numericText(f.proteinPct, 2), numericText(f.fatPct, 2), boolText(f.active)]),
    ),
    vaccination_type: topology.vaccinationTypes.map((v) => line([...mutable(v.id), textText(v.name), textText(v.manufacturer)])),
    scenario: topology.scenarioTemplates.map((s) =>
      line([
        ...mutable(s.id),
        textText(s.name),
        intText(s.speciesId),
        textText(`Stage parameters of geography ${topology.geographies[s.geographyId - 1]!.code}`),
        numericText(s.baseTgc, 4),
        numericText(s.baseMortalityRatePct, 4),
        s.baseMortalityFrequency,
        NULL,
      ]),
    ),
    scenario_stage_parameter: topology.scenarioTemplates.flatMap((s) =>
      s.stageParameters.map((p) => line([intText(s.id), intText(p.lifecycleStageId), numericText(p.tgc, 4), numericText(p.mortalityRatePct, 4), p.mortalityFrequency])),
    ),
  };
  return INFRASTRUCTURE_TABLES.map((spec) => {
    const lines = rows[spec.table];
    if (!lines) throw new Error(`No infrastructure encoder for ${spec.table}`);
    const chunks: CopyChunk[] = lines.length > 0 ? [{ rows: lines.length, parts: [Buffer.from(lines.join(''), 'utf8')] }] : [];
    return { spec, chunks };
  });
}

/** SHA-256 (hex) over table frames and COPY bytes, in the given table order. */
export function hashEncodings(encodings: readonly TableEncoding[]): string {
  const hash = createHash('sha256');
  for (const { spec, chunks } of encodings) {
    hash.update(hashFrame(spec.table));
    for (const chunk of chunks) for (const part of chunk.parts) hash.update(part);
  }
  return hash.digest('hex');
}

/**
 * Load the infrastructure on the caller's open transaction (`client` is its connection). Each table is staged
 * with COPY into a temporary table and inserted with ON CONFLICT on its key.
 */
export async function loadInfrastructure(client: pg.ClientBase, encodings: readonly TableEncoding[]): Promise<InfrastructureLoad> {
  const hash = hashEncodings(encodings);
  const rows = new Map<string, number>();
  let inserted = 0;
  for (const { spec, chunks } of encodings) {
    const list = [...chunks];
    rows.set(spec.table, list.reduce((sum, chunk) => sum + chunk.rows, 0));
    if (list.length === 0) continue;
    const columns = spec.columns.map((column) => `"${column}"`).join(', ');
    const staging = `seed_stage_${spec.table}`;
    await client.query(`create temporary table "${staging}" (like "${spec.table}") on commit drop`);
    await copyChunks(client, `copy "${staging}" (${columns}) from stdin`, list);
    const key = spec.columns[0] === 'id' ? '("id")' : '("scenario_id", "lifecycle_stage_id")';
    const action = UPSERT_TABLES.has(spec.table)
      ? `do update set ${spec.columns
          .filter((column) => column !== 'id')
          .map((column) => `"${column}" = excluded."${column}"`)
          .join(', ')}`
      : 'do nothing';
    const result = await client.query(`insert into "${spec.table}" (${columns}) select ${columns} from "${staging}" order by 1 on conflict ${key} ${action}`);
    inserted += result.rowCount ?? 0;
  }
  return { hash, rows, inserted };
}
