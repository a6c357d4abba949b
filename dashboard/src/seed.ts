import type {
  DashSeedProgressSubscription,
  DashSeedProgressSubscriptionVariables,
  DashSeedRunQuery,
  DashSeedRunQueryVariables,
  DashSeedRunsQuery,
  DashSeedStartMutation,
  DashSeedStartMutationVariables,
} from '../../generated/operations.js';
import doc from '../../examples/dashboard/seed.graphql?raw';
import { esc, fmt, gql, subscribe } from './api.js';

type Run = DashSeedProgressSubscription['seedRunProgress'];

/** Seed runs: start a demo run, follow seedRunProgress over graphql-ws, then show the verification report. */
export async function renderSeed(root: HTMLElement): Promise<() => void> {
  const data = await gql<DashSeedRunsQuery>(doc, 'DashSeedRuns');
  root.innerHTML = `
    <h1>Seed runs</h1>
    <p class="muted">Signed in as ${esc(data.viewer.name)} (${esc(data.viewer.role)}). Starting a run needs an ADMIN token (none in development mode).</p>
    <div class="filters">
      <button id="start">Start a demo run</button>
      <label><input type="checkbox" id="wipe" /> wipe the operational tables first</label>
    </div>
    <div id="run" hidden>
      <h2 id="run-title"></h2>
      <div class="progress"><div id="bar" style="width:0%"></div></div>
      <p id="run-status"></p>
      <table id="tables"><thead><tr><th>Table</th><th class="n">Rows</th></tr></thead><tbody></tbody></table>
      <div id="verification"></div>
    </div>
    <h2>Recent runs</h2>
    <table><thead><tr><th>Run</th><th>Profile</th><th>Status</th><th>Phase</th><th>Started</th><th>Finished</th><th>Hash</th></tr></thead>
    <tbody>${data.seedRuns.nodes
      .map((r) => `<tr><td><a href="#/seed" data-run="${esc(r.id)}">${esc(r.id)}</a></td><td>${esc(r.profileName)}</td><td>${esc(r.status)}</td><td>${esc(r.phase)}</td>
        <td>${esc(r.startedAt ?? '')}</td><td>${esc(r.finishedAt ?? '')}</td><td><code>${esc((r.contentHash ?? '').slice(0, 12))}</code></td></tr>`)
      .join('')}</tbody></table>`;

  let unsubscribe: (() => void) | undefined;
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;

  const show = (run: Run) => {
    const p = run.progress;
    const done = run.status === 'SUCCEEDED';
    const pct = done ? 100 : p && p.batchesTotal > 0 ? Math.min(99, (100 * p.batchesDone) / p.batchesTotal) : 0;
    $('#bar').style.width = `${pct}%`;
    $('#run').dataset.percent = String(Math.round(pct));
    $('#run').dataset.status = run.status;
    $('#run-status').innerHTML =
      `<strong id="percent">${Math.round(pct)} %</strong> · ${esc(run.status)} · ${esc(run.phase)}` +
      (p ? ` · batches ${p.batchesDone}/${p.batchesTotal} · rows ${fmt.int(p.rowsWritten)} of ~${fmt.int(p.rowsEstimated)} · ${fmt.int(p.rowsPerSec)} rows/s · ${fmt.num(p.elapsedSeconds)} s` : '') +
      (p?.message ? ` · ${esc(p.message)}` : '') +
      (run.error ? ` · <span class="error">${esc(run.error)}</span>` : '');
    if (p) $('#tables tbody').innerHTML = p.rowsByTable.map((t) => `<tr><td>${esc(t.table)}</td><td class="n">${fmt.int(t.rows)}</td></tr>`).join('');
  };

  const verification = async (id: string) => {
    const { seedRun } = await gql<DashSeedRunQuery, DashSeedRunQueryVariables>(doc, 'DashSeedRun', { id });
    const v = seedRun?.verification;
    $('#verification').innerHTML = v
      ? `<h2>Verification: <span class="${v.ok ? 'ok' : 'fail'}">${v.ok ? 'OK' : 'FAILED'}</span> <span class="muted">${esc(v.verifiedAt)}${v.deep ? ', deep' : ''}</span></h2>
         <table id="checks"><thead><tr><th>Check</th><th>Status</th><th>Message</th></tr></thead><tbody>${v.checks
           .map((c) => `<tr><td>${esc(c.name)}</td><td class="${c.status === 'PASS' ? 'ok' : c.status === 'WARN' ? 'warn' : 'fail'}">${esc(c.status)}</td><td>${esc(c.message)}</td></tr>`)
           .join('')}</tbody></table>
         <p><a id="open-batches" href="#/">Open the farm overview and its batches »</a></p>`
      : `<p class="muted">No verification report yet.</p><p><a id="open-batches" href="#/">Open the farm overview »</a></p>`;
  };

  let poll: ReturnType<typeof setInterval> | undefined;
  const follow = (id: string) => {
    $('#run').hidden = false;
    $('#run-title').textContent = `Run ${id}`;
    unsubscribe?.();
    clearInterval(poll);
    let finished = false;
    const onRun = (run: Run) => {
      if (finished) return;
      show(run);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) {
        finished = true;
        clearInterval(poll);
        void verification(id);
      }
    };
    // The subscription sends changes only: read the run now and every 3 s as well (a finished run, a missed event).
    const read = () =>
      gql<DashSeedRunQuery, DashSeedRunQueryVariables>(doc, 'DashSeedRun', { id }).then(
        ({ seedRun }) => seedRun && onRun(seedRun),
        () => undefined,
      );
    poll = setInterval(() => void read(), 3000);
    void read();
    unsubscribe = subscribe<DashSeedProgressSubscription, DashSeedProgressSubscriptionVariables>(
      doc,
      'DashSeedProgress',
      { seedRunId: id },
      ({ seedRunProgress: run }) => onRun(run),
      (message) => {
        $('#run-status').innerHTML = `<span class="error">Progress subscription failed: ${esc(message)}</span>`;
      },
    );
  };

  $<HTMLButtonElement>('#start').onclick = async () => {
    $<HTMLButtonElement>('#start').disabled = true;
    try {
      const result = await gql<DashSeedStartMutation, DashSeedStartMutationVariables>(doc, 'DashSeedStart', {
        wipe: $<HTMLInputElement>('#wipe').checked,
      });
      const run = result.seedRunStart.seedRun;
      if (!run) throw new Error(result.seedRunStart.userErrors.map((e) => e.message).join('; ') || 'not started');
      follow(run.id);
    } catch (error) {
      $('#run').hidden = false;
      $('#run-status').innerHTML = `<span class="error">${esc(error instanceof Error ? error.message : String(error))}</span>`;
    } finally {
      $<HTMLButtonElement>('#start').disabled = false;
    }
  };
  for (const a of root.querySelectorAll<HTMLAnchorElement>('a[data-run]')) a.onclick = (e) => {
    e.preventDefault();
    follow(a.dataset.run!);
  };
  return () => {
    unsubscribe?.();
    clearInterval(poll);
  };
}
