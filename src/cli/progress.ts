import cliProgress from 'cli-progress';

/** A progress display: a bar on a TTY, otherwise one plain line at most every `intervalMs`. */
export interface Progress {
  update(done: number, detail: string): void;
  stop(): void;
}

export function createProgress(label: string, total: number, intervalMs = 5_000): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} | {detail} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return { update: (done, detail) => bar.update(done, { detail }), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    update(done, detail) {
      if (Date.now() - last < intervalMs && done < total) return;
      last = Date.now();
      process.stderr.write(`${label} ${done}/${total} | ${detail}\n`);
    },
    stop() {},
  };
}
