import { ReferenceKind, type EntityClass } from '@mikro-orm/core';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../../src/db/orm.js';
import { findReadOnly } from '../../../src/db/read-only-entities.js';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { BatchContainerAssignment } from '../../../src/modules/assignment/assignment.entity.js';
import { Batch } from '../../../src/modules/batch/batch.entity.js';
import { MortalityEvent } from '../../../src/modules/events/mortality.entity.js';
import { RecomputeJob } from '../../../src/modules/growth/recompute-job.entity.js';
import { Container } from '../../../src/modules/infrastructure/container.entity.js';
import { TransferAction } from '../../../src/modules/transfer/transfer.entity.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { GrowthFixture } from '../../helpers/growth-fixtures.js';

let db: TestDatabase;
let orm: MikroORM;
let fx: GrowthFixture;
let batchId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormConfig({ clientUrl: db.url }));
  fx = await GrowthFixture.create(db.url);
  const scenario = await fx.scenario('RO', 2.75, 0.01);
  batchId = await fx.batch('RO-1', '2025-01-01', scenario);
  const a = await fx.assignment(batchId, await fx.container('RO-A'), 'SMOLT', '2025-01-01', '2025-01-10', 1_000);
  const b = await fx.assignment(batchId, await fx.container('RO-B'), 'SMOLT', '2025-01-10');
  await fx.placement(batchId, a, '2025-01-01', 1_000, 80.5);
  await fx.mortality(batchId, a, '2025-01-03', 7);
  await fx.transfer(batchId, a, b, '2025-01-10', 990, 95.25, 3);
  await fx.sql.query(
    `insert into recompute_job (batch_id, from_date, reason, status, not_before, requested_at, stats)
     values ($1, '2025-01-02', 'MANUAL', 'SUCCEEDED', now(), now(), '{"rowsWritten": 12}')`,
    [batchId],
  );
});

afterAll(async () => {
  await fx.close();
  await orm.close(true);
  await db.drop();
});

/** Every mapped value of a managed entity, with relations reduced to their ids. */
function mappedValues(em: EntityManager, entity: EntityClass<object>, object: object): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const prop of em.getMetadata().get(entity.name).props) {
    if (prop.persist === false) continue;
    const value = (object as Record<string, unknown>)[prop.name];
    if (prop.kind === ReferenceKind.SCALAR) values[prop.name] = value instanceof Date ? value.toISOString() : value;
    else if (prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) {
      values[prop.name] = value == null ? null : (value as { id: number }).id;
    }
  }
  return values;
}

describe('findReadOnly', () => {
  const entities: Array<EntityClass<object>> = [Batch, BatchContainerAssignment, Container, MortalityEvent, TransferAction, RecomputeJob];

  it.each(entities.map((entity) => [entity.name, entity] as const))('reads %s with the same values as the ORM', async (_, entity) => {
    const em = orm.em.fork() as EntityManager;
    const managed = await em.find(entity, {}, { orderBy: { id: 'asc' } as never });
    expect(managed.length).toBeGreaterThan(0);
    const readOnly = await findReadOnly(orm.em.fork() as EntityManager, entity, {}, { orderBy: { id: 'asc' } as never });
    expect(readOnly.map((o) => mappedValues(em, entity, o))).toEqual(managed.map((o) => mappedValues(em, entity, o)));
  });

  it('gives objects of the entity class whose Node id and type resolve, without registering them', async () => {
    const em = orm.em.fork() as EntityManager;
    const [assignment] = await findReadOnly(em, BatchContainerAssignment, { batch: batchId }, { orderBy: { id: 'asc' }, limit: 1 });
    expect(assignment).toBeInstanceOf(BatchContainerAssignment);
    expect(assignment!.constructor.name).toBe('BatchContainerAssignment');
    expect(assignment!.nodeId).toBe(toGlobalId('BatchContainerAssignment', assignment!.id));
    expect(assignment!.batch).toEqual({ id: batchId });
    expect(typeof assignment!.createdAt.getTime()).toBe('number');
    expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
  });

  it('keeps the composite relation id (batch_id, assignment_id) → the assignment id', async () => {
    const [event] = await findReadOnly(orm.em.fork() as EntityManager, MortalityEvent, {});
    const { assignment_id } = await fx.one<{ assignment_id: number }>(`select assignment_id from mortality_event where id = $1`, [event!.id]);
    expect(event!.assignment.id).toBe(assignment_id);
    expect(event!.batch.id).toBe(batchId);
  });
});
