import { createHash } from 'node:crypto';

/** Version of the generator (simulator + loader); part of the run hash. Bump on any output-changing change. */
export const GENERATOR_VERSION = '1.0.0';

export interface RunHashInput {
  generatorVersion: string;
  engineVersion: string;
  profileHash: string;
  seed: number;
  /** `YYYY-MM-DD`. */
  today: string;
  infrastructureHash: string;
  /** Every batch of the plan, any order (sorted by batchKey here). */
  batches: readonly { batchKey: number; hash: string }[];
}

/**
 * The run hash (synthetic-farm.md §7): SHA-256 over generator version, engine version, profile hash, seed, today,
 * the infrastructure hash and the batch hashes in batchKey order, one `name=value` line each.
 */
export function computeRunHash(input: RunHashInput): string {
  const hash = createHash('sha256');
  hash.update(`generator=${input.generatorVersion}\n`);
  hash.update(`engine=${input.engineVersion}\n`);
  hash.update(`profile=${input.profileHash}\n`);
  hash.update(`seed=${input.seed}\n`);
  hash.update(`today=${input.today}\n`);
  hash.update(`infrastructure=${input.infrastructureHash}\n`);
  for (const batch of [...input.batches].sort((a, b) => a.batchKey - b.batchKey)) hash.update(`batch ${batch.batchKey}=${batch.hash}\n`);
  return hash.digest('hex');
}
