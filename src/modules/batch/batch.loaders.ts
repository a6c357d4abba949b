import type { Loaders } from '../../graphql/loaders.js';
import { childrenLoader } from '../../graphql/common/loader-helpers.js';
import { BatchCreation } from './batch.entity.js';
import { BatchPlacement } from './batch-placement.entity.js';
import DataLoader from 'dataloader';

export const batchLoaders = {
  creationByBatch: (l: Loaders) =>
    l.memoize('creationByBatch', () => {
      const children = childrenLoader(l.em, BatchCreation, 'batch', { id: 'asc' });
      return new DataLoader<number, BatchCreation | null>(async (ids) =>
        (await children.loadMany(ids)).map((rows) => (rows instanceof Error ? rows : (rows[0] ?? null))),
      );
    }),
  placementsByBatch: (l: Loaders) =>
    l.memoize('placementsByBatch', () =>
      childrenLoader(l.em, BatchPlacement, 'batch', { placementDate: 'asc', id: 'asc' }),
    ),
  placementsByAssignment: (l: Loaders) =>
    l.memoize('placementsByAssignment', () =>
      childrenLoader(l.em, BatchPlacement, 'assignment', { placementDate: 'asc', id: 'asc' }),
    ),
};
