import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import { cancelSeedRun, resumeSeed, startSeed, type SeedRunHandle, type SeedRunResult } from '../synthetic/run/coordinator.js';
import { verifySeedRun } from '../synthetic/verify/verify.js';
import type { VerificationReport } from '../synthetic/verify/report.js';

export interface SeedRunnerDeps {
  orm: MikroORM;
  databaseUrl: string;
  log: Logger;
  /** Flagged production (NODE_ENV=production): runs are refused unless the flag below is set. */
  production: boolean;
  maintenanceWorkMem: string;
}

export interface StartSeedRequest {
  profile: string;
  prngSeed: number;
  today?: string;
  workers: number;
  wipe: boolean;
  requestedBy: string;
}

/**
 * Runs seed runs inside this process on behalf of the API (and of SEED_ON_EMPTY). A run's work items live in
 * seed_run_batch and are claimed with SKIP LOCKED by its worker threads, so the run itself is durable: a run whose
 * process died is resumed with `seedRunResume`. The runner keeps the handles so shutdown can cancel and wait.
 */
export class SeedRunner {
  private readonly running = new Map<number, SeedRunHandle>();

  constructor(private readonly deps: SeedRunnerDeps) {}

  /** Starts a run and returns its id once the run row exists (the load continues in the background). */
  async start(request: StartSeedRequest): Promise<number> {
    const handle = await startSeed({
      orm: this.deps.orm,
      databaseUrl: this.deps.databaseUrl,
      profile: request.profile,
      seed: request.prngSeed,
      today: request.today,
      workers: request.workers,
      wipe: request.wipe,
      requestedBy: request.requestedBy,
      production: this.deps.production,
      verify: {},
      log: this.deps.log,
      maintenanceWorkMem: this.deps.maintenanceWorkMem,
    });
    this.track(handle);
    return handle.runId;
  }

  async resume(runId: number, workers?: number): Promise<number> {
    const handle = await resumeSeed({
      orm: this.deps.orm,
      databaseUrl: this.deps.databaseUrl,
      runId,
      workers,
      verify: {},
      log: this.deps.log,
      maintenanceWorkMem: this.deps.maintenanceWorkMem,
    });
    this.track(handle);
    return handle.runId;
  }

  cancel(runId: number) {
    return cancelSeedRun(this.deps.orm.em.fork(), runId);
  }

  /** Verifies a run and stores the report on it (synthetic-farm.md §10). */
  verify(runId: number, deep: boolean, sampleBatches: number): Promise<VerificationReport> {
    return verifySeedRun(this.deps.orm.em.fork(), runId, { deep, sampleBatches });
  }

  /** Resolves when the run started here ends (immediately for runs of other processes). */
  async finished(runId: number): Promise<SeedRunResult | null> {
    return (await this.running.get(runId)?.finished) ?? null;
  }

  /** Cancels runs started by this process and waits for them, so shutdown leaves no half-written batch. */
  async stop(): Promise<void> {
    const handles = [...this.running.values()];
    await Promise.all(handles.map((handle) => handle.cancel().catch(() => undefined)));
    await Promise.all(handles.map((handle) => handle.finished));
  }

  private track(handle: SeedRunHandle): void {
    this.running.set(handle.runId, handle);
    void handle.finished.then((result) => {
      this.running.delete(handle.runId);
      this.deps.log.info({ runId: result.runId, status: result.status, contentHash: result.contentHash }, 'seed run finished');
    });
  }
}
