import { ReferenceKind, type EntityClass, type EntityMetadata, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from './raw-sql.js';

/**
 * Read-only entity instances for request loaders.
 *
 * MikroORM's hydration (identity map, reference entities, inverse-side propagation) costs about 30 µs per row:
 * a page of 50 batches with their 3,250 assignments and containers spent over 200 ms of a 400 ms request in it,
 * and most of the garbage collector's time. Loaders only read what GraphQL shows, so they build objects of the
 * entity class straight from the rows instead: scalar properties from their columns, ManyToOne relations as
 * `{ id }` stubs (resolvers only ever read a relation's id and go through a loader for the rest).
 *
 * The objects are not managed: never hand them to `em.persist`/`flush`. Mutations load what they change with
 * the EntityManager inside their transaction, as they always have.
 */
export async function findReadOnly<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  options: { orderBy?: QueryOrderMap<T> | QueryOrderMap<T>[]; limit?: number } = {},
): Promise<T[]> {
  const qb = em.createQueryBuilder(entity, 'e', undefined, em.getLoggerContext()).select('*').where(where);
  if (options.orderBy) qb.orderBy(options.orderBy as never);
  if (options.limit !== undefined) qb.limit(options.limit);
  return mapReadOnly(em, entity, await qb.execute<Array<Record<string, unknown>>>('all', false));
}

/**
 * `findReadOnly` for rows whose bigint `property` (a column or a single-column ManyToOne) is one of `keys`, as
 * `= ANY($1::bigint[])` with one array parameter. A `$in` condition would expand to one bound parameter per key,
 * and for the thousands of keys of a page's loader MikroORM's criteria processing and the long IN list cost
 * ~10 ms a statement.
 */
export async function findReadOnlyIn<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
  keys: readonly number[],
  options: { orderBy?: QueryOrderMap<T> | QueryOrderMap<T>[] } = {},
): Promise<T[]> {
  const fields = em.getMetadata().get(entity.name).properties[property as never]?.fieldNames;
  if (fields?.length !== 1) throw new Error(`findReadOnlyIn: ${entity.name}.${property} is not a single column`);
  const qb = em
    .createQueryBuilder(entity, 'e', undefined, em.getLoggerContext())
    .select('*')
    .where(`e.${fields[0]} = any(?::bigint[])`, [pgArray(keys)]);
  if (options.orderBy) qb.orderBy(options.orderBy as never);
  return mapReadOnly(em, entity, await qb.execute<Array<Record<string, unknown>>>('all', false));
}

/** Read-only entity objects from rows of hand-written SQL that select the entity's columns (`e.*`). */
export function mapReadOnly<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: ReadonlyArray<Record<string, unknown>>): T[] {
  const plan = readPlan(em, entity);
  return rows.map((row) => plan.hydrate(row) as T);
}

interface ReadPlan {
  hydrate(row: Record<string, unknown>): object;
}

const plans = new WeakMap<EntityMetadata, ReadPlan>();

function readPlan(em: EntityManager, entity: EntityClass<object>): ReadPlan {
  const meta = em.getMetadata().get(entity.name);
  let plan = plans.get(meta);
  if (plan) return plan;
  const platform = em.getPlatform();
  const scalars: Array<{ name: string; field: string; convert?: (value: unknown) => unknown }> = [];
  const references: Array<{ name: string; field: string; bareId: boolean }> = [];
  for (const prop of meta.props) {
    if (prop.persist === false || !prop.fieldNames?.length) continue;
    if (prop.kind === ReferenceKind.SCALAR) {
      const field = prop.fieldNames[0]!;
      const customType = prop.customType;
      const toDate = prop.runtimeType === 'Date';
      scalars.push({
        name: prop.name,
        field,
        convert:
          customType || toDate
            ? (value) => {
                const converted = customType ? customType.convertToJSValue(value, platform) : value;
                // timestamptz arrives as text (MikroORM turns pg's parser off); entities hold Dates.
                return toDate && !(converted instanceof Date) ? new Date(converted as string) : converted;
              }
            : undefined,
      });
    } else if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
      // A composite key such as (batch_id, assignment_id) → (batch_id, id): the stub takes the target's id column.
      const index = prop.fieldNames.length === 1 ? 0 : prop.referencedColumnNames.indexOf('id');
      if (index < 0) throw new Error(`findReadOnly: ${meta.className}.${prop.name} does not reference an id column`);
      // `mapToPk` relations hold the bare id, as managed entities do.
      references.push({ name: prop.name, field: prop.fieldNames[index]!, bareId: prop.mapToPk === true });
    }
  }
  // A prototype that shadows MikroORM's property accessors with plain writable slots, so assignments below
  // create own data properties; getters of the entity class (nodeId) and `constructor` still come through.
  const shadow: PropertyDescriptorMap = {};
  for (const { name } of [...scalars, ...references]) shadow[name] = { value: undefined, writable: true, enumerable: true, configurable: true };
  const prototype = Object.create(meta.prototype as object, shadow) as Record<string, unknown>;
  plan = {
    hydrate(row) {
      const object = Object.create(prototype) as Record<string, unknown>;
      for (const { name, field, convert } of scalars) {
        const value = row[field];
        // pg already parses numbers, booleans and json (pg-types.ts); only text needs the ORM's conversions.
        object[name] = value == null ? null : convert && typeof value === 'string' ? convert(value) : value;
      }
      for (const { name, field, bareId } of references) {
        const id = row[field];
        object[name] = id == null ? null : bareId ? id : { id };
      }
      return object;
    },
  };
  plans.set(meta, plan);
  return plan;
}
