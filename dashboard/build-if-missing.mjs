// `npm start` runs this first (prestart): builds the dashboard into dashboard/dist when it is not there yet,
// so a fresh clone's `npm ci && npm start` serves /app without a separate step. A failed build does not stop
// the service; /app then answers with how to build it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const index = new URL('./dist/index.html', import.meta.url);
if (!fs.existsSync(index)) {
  console.log('dashboard/dist is missing: building the dashboard (npm run dashboard:build)…');
  const result = spawnSync('npm', ['run', '--silent', 'dashboard:build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) console.warn('The dashboard build failed; the API starts anyway (see the output above).');
}
