/**
 * The MikroORM instance of a seed worker thread: the seed-run control entities plus two narrow mappings of
 * `container` (the rows the reservation step locks) and `container_reservation`. It deliberately does not load
 * the application's entity graph (and with it the GraphQL type system): sixteen threads booting that graph cost
 * more than the demo profile's whole load.
 */
import { EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import { IdType } from '../../../db/types.js';
import { pgSessionConfig } from '../../../db/pg-session.js';
import { SeedRun, SeedRunBatch } from '../seed-run.entity.js';

/** The part of a container row the reservation step reads under its row lock. */
export class ContainerLock {
  id!: number;
  name!: string;
}

export const ContainerLockSchema = new EntitySchema<ContainerLock>({
  class: ContainerLock,
  tableName: 'container',
  properties: {
    id: { type: IdType, columnType: 'bigint', primary: true },
    name: { type: 'string', length: 100 },
  },
});

/** A `container_reservation` row, with its foreign keys as plain ids. */
export class ReservationRow {
  id!: number;
  containerId!: number;
  seedRunId!: number;
  batchKey!: number;
  stageOrder!: number;
  /** `[YYYY-MM-DD,YYYY-MM-DD)`. */
  during!: string;
}

export const ReservationRowSchema = new EntitySchema<ReservationRow>({
  class: ReservationRow,
  tableName: 'container_reservation',
  properties: {
    id: { type: IdType, columnType: 'bigint', primary: true, autoincrement: true },
    containerId: { type: IdType, columnType: 'bigint', fieldName: 'container_id' },
    seedRunId: { type: IdType, columnType: 'bigint', fieldName: 'seed_run_id' },
    batchKey: { type: 'integer' },
    stageOrder: { type: 'smallint' },
    during: { type: 'string', columnType: 'daterange' },
  },
});

/**
 * Connect a worker's ORM (`poolMax` connections, 1 by default: each worker has its own connection).
 * @param clientUrl PostgreSQL URL
 */
export async function initWorkerOrm(clientUrl: string, poolMax = 1): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl,
    entities: [SeedRun, SeedRunBatch, ContainerLockSchema, ReservationRowSchema],
    discovery: { requireEntitiesArray: true },
    pool: { min: 0, max: poolMax },
    driverOptions: { connection: { options: pgSessionConfig(clientUrl).options } },
    forceUtcTimezone: true,
    allowGlobalContext: false,
  });
}
