/**
 * Entry point of one seed worker thread: its own MikroORM instance with a single connection (`worker-orm.ts`),
 * its own simulation context (the pure plan phase is recomputed here: it is deterministic and cheaper than
 * shipping the climate tables), then the claim loop. Events go to the coordinator through the parent port.
 */
import 'reflect-metadata';
import '../../../db/pg-types.js';
import { parentPort, workerData } from 'node:worker_threads';
import { createSimContext, prepareRun, type Profile } from '../sim/index.js';
import { runWorkerLoop, type WorkerEvent } from './worker.js';
import { initWorkerOrm } from './worker-orm.js';

/** Data the coordinator hands to each worker thread. */
export interface WorkerThreadData {
  databaseUrl: string;
  runId: number;
  workerId: string;
  profile: Profile;
  seed: number;
  /** Epoch day of the run's today. */
  today: number;
  /** Int32 flag: non-zero once the run is being cancelled. */
  cancelFlag: SharedArrayBuffer;
}

/** Final message of a worker thread. */
export type WorkerThreadMessage = WorkerEvent | { type: 'exit'; workerId: string; reason: 'no-more-work' | 'cancelled' | 'error'; error?: string };

const data = workerData as WorkerThreadData;
const port = parentPort;
if (!port) throw new Error('worker-thread.ts must run in a worker thread');
const flag = new Int32Array(data.cancelFlag);
const post = (message: WorkerThreadMessage) => port.postMessage(message);

const orm = await initWorkerOrm(data.databaseUrl);
try {
  const ctx = createSimContext(prepareRun(data.profile, data.seed, data.today));
  const reason = await runWorkerLoop({
    orm,
    runId: data.runId,
    workerId: data.workerId,
    ctx,
    isCancelled: () => Atomics.load(flag, 0) !== 0,
    report: post,
  });
  post({ type: 'exit', workerId: data.workerId, reason });
} catch (error) {
  post({ type: 'exit', workerId: data.workerId, reason: 'error', error: (error as Error).stack ?? String(error) });
} finally {
  await orm.close(true);
}
