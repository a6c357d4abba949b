import type { JobHelpers } from 'graphile-worker';
import { runQueuedRecompute, type RecomputeDeps } from '../modules/growth/recompute.service.js';
import type { JobMap } from './job-map.js';

/**
 * Handler of `recompute` wake-ups. When the batch is busy (another runner) or its debounce has not passed, the
 * wake-up is re-added for later under the same key instead of failing, so no retry budget is burnt.
 */
export function recomputeTask(deps: RecomputeDeps) {
  return async (payload: JobMap['recompute'], helpers: JobHelpers): Promise<void> => {
    const { batchId } = payload;
    const { outcome, retryAt } = await runQueuedRecompute(deps, batchId);
    if ((outcome === 'busy' || outcome === 'waiting') && retryAt) {
      await helpers.addJob('recompute', { batchId }, { runAt: retryAt, jobKey: `recompute:${batchId}:later`, jobKeyMode: 'replace' });
    }
  };
}
