import DataLoader from 'dataloader';
import type { FilterQuery } from '@mikro-orm/core';
import type { Loaders } from '../../graphql/loaders.js';
import { findReadOnly } from '../../db/read-only-entities.js';
import { groupBy } from '../../graphql/common/loader-helpers.js';
import type { ContainerCategory } from '../enums.js';
import { BatchContainerAssignment } from './assignment.entity.js';

/** Key of `assignmentsByBatch`: the batch plus every argument that changes the result. */
export interface AssignmentsByBatchKey {
  batchId: number;
  /** Only assignments whose interval contains this day. */
  activeOn?: string | null;
  /** Only assignments whose interval overlaps [from, to] (inclusive days). */
  from?: string | null;
  to?: string | null;
  /** Only assignments without a departure date. */
  openOnly?: boolean;
  /** Only assignments whose arrival stage is one of these (an empty list matches nothing). */
  stageIds?: readonly number[] | null;
  /** Only assignments in containers of these categories (an empty list matches nothing). */
  containerCategories?: readonly ContainerCategory[] | null;
}

/** A list argument in a cache key: absent (no condition) and empty (matches nothing) must differ. */
const listKey = (values: readonly unknown[] | null | undefined) => (values ? `[${values.join(',')}]` : '');

const argsKey = (key: AssignmentsByBatchKey) =>
  `${key.activeOn ?? ''}|${key.from ?? ''}|${key.to ?? ''}|${key.openOnly ? 1 : 0}|${listKey(key.stageIds)}|${listKey(key.containerCategories)}`;

/** Interval predicates on [assignment_date, departure_date) (data-model.md §6.6), and the stage and container category filter. */
function intervalFilter(key: AssignmentsByBatchKey): FilterQuery<BatchContainerAssignment> {
  const conditions: FilterQuery<BatchContainerAssignment>[] = [];
  if (key.openOnly) conditions.push({ departureDate: null });
  if (key.activeOn) {
    conditions.push({ assignmentDate: { $lte: key.activeOn } });
    conditions.push({ $or: [{ departureDate: null }, { departureDate: { $gt: key.activeOn } }] });
  }
  if (key.to) conditions.push({ assignmentDate: { $lte: key.to } });
  if (key.from) conditions.push({ $or: [{ departureDate: null }, { departureDate: { $gt: key.from } }] });
  if (key.stageIds) conditions.push({ lifecycleStage: { $in: [...key.stageIds] } });
  if (key.containerCategories) conditions.push({ container: { containerType: { category: { $in: [...key.containerCategories] } } } });
  return conditions.length ? { $and: conditions } : {};
}

export const assignmentLoaders = {
  /** `batch_id = ANY(…)` plus the interval and filter predicates: one statement per distinct argument set in a request. */
  assignmentsByBatch: (l: Loaders) =>
    l.memoize(
      'assignmentsByBatch',
      () =>
        new DataLoader<AssignmentsByBatchKey, BatchContainerAssignment[], string>(
          async (keys) => {
            const groups = groupBy(keys, argsKey);
            const results = new Map<string, BatchContainerAssignment[]>();
            for (const [args, group] of groups) {
              const rows = await findReadOnly(
                l.em,
                BatchContainerAssignment,
                { $and: [{ batch: { $in: group.map((key) => key.batchId) } }, intervalFilter(group[0]!)] },
                { orderBy: { assignmentDate: 'asc', id: 'asc' } },
              );
              for (const key of group) results.set(`${key.batchId}#${args}`, []);
              for (const row of rows) results.get(`${row.batch.id}#${args}`)!.push(row);
            }
            return keys.map((key) => results.get(`${key.batchId}#${argsKey(key)}`) ?? []);
          },
          { cacheKeyFn: (key) => `${key.batchId}#${argsKey(key)}` },
        ),
    ),
};
