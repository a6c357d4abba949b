import 'uplot/dist/uPlot.min.css';
import './style.css';
import { setToken, token } from './api.js';
import { renderBatch } from './batch.js';
import { renderOverview } from './overview.js';
import { renderSeed } from './seed.js';

const app = document.querySelector<HTMLElement>('#app')!;
const tokenInput = document.querySelector<HTMLInputElement>('#token')!;
tokenInput.value = token();
tokenInput.addEventListener('change', () => {
  setToken(tokenInput.value.trim());
  void route();
});

/** Hash routes: #/ overview, #/batch/<id>, #/seed. */
let cleanup: (() => void) | undefined;
async function route(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const hash = location.hash.replace(/^#/, '') || '/';
  app.innerHTML = '<p class="muted">Loading…</p>';
  try {
    if (hash.startsWith('/batch/')) cleanup = await renderBatch(app, decodeURIComponent(hash.slice('/batch/'.length)));
    else if (hash.startsWith('/seed')) cleanup = await renderSeed(app);
    else cleanup = await renderOverview(app);
  } catch (error) {
    app.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = `Could not load: ${error instanceof Error ? error.message : String(error)}`;
    app.append(p);
  }
}
window.addEventListener('hashchange', () => void route());
void route();
