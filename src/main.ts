import 'reflect-metadata';
import { createApp, PortInUseError, type App } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnavailableError } from './db/database.js';
import { EmbeddedPostgresError } from './db/embedded-postgres.js';
import { createLogger } from './logger.js';

/** Process entry: config → app → listen; close everything on SIGTERM/SIGINT. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`aquagraph: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  // Handlers go in before start-up, so a signal during start-up still stops PostgreSQL (once the app is up).
  let stopRequested: string | undefined;
  let stop = (signal: string) => {
    stopRequested ??= signal;
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  let app: App;
  try {
    app = await createApp(config, log);
  } catch (error) {
    const known = [PortInUseError, DatabaseUnavailableError, EmbeddedPostgresError].some((type) => error instanceof type);
    log.fatal(known ? { reason: (error as Error).message } : { err: error }, 'aquagraph failed to start');
    process.exit(1);
  }
  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void app.close().then(() => {
      log.info('stopped');
      process.exit(0);
    });
  };
  if (stopRequested) stop(stopRequested);
}

await main();
