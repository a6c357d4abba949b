import type {
  BatchStatus,
  DashBatchesQuery,
  DashBatchesQueryVariables,
  DashOverviewQuery,
} from '../../generated/operations.js';
import doc from '../../examples/dashboard/overview.graphql?raw';
import { esc, fmt, gql } from './api.js';

const STATUSES: BatchStatus[] = ['ACTIVE', 'PLANNED', 'COMPLETED', 'TERMINATED', 'CANCELLED'];

/** Farm overview: per-geography standing stock, portfolio KPIs and a filtered, paged batch list. */
export async function renderOverview(root: HTMLElement): Promise<() => void> {
  const overview = await gql<DashOverviewQuery>(doc, 'DashOverview');
  const k = overview.active;
  root.innerHTML = `
    <h1>Farm overview <span class="muted">(${esc(k.asOf)})</span></h1>
    <div class="cards" id="geographies">
      ${overview.geographies
        .map(
          (g) => `<dl class="card geography" data-code="${esc(g.code)}">
            <dt>Geography</dt><dd>${esc(g.name)} (${esc(g.code)})</dd>
            <dt>Fish</dt><dd>${fmt.int(g.summary.population)}</dd>
            <dt>Biomass</dt><dd>${fmt.tonnes(g.summary.biomassKg)}</dd>
            <dt>Utilisation</dt><dd>${fmt.pct(g.summary.utilisationPct)} of ${fmt.tonnes(g.summary.capacityKg)}</dd>
            <dt>Occupied containers</dt><dd>${fmt.int(g.summary.occupiedContainers)} / ${fmt.int(g.summary.containers)}</dd>
          </dl>`,
        )
        .join('')}
      <dl class="card">
        <dt>Active batches</dt><dd id="active-batches">${fmt.int(k.batches)}</dd>
        <dt>Fish</dt><dd>${fmt.int(k.population)}</dd>
        <dt>Biomass</dt><dd>${fmt.tonnes(k.biomassKg)}</dd>
        <dt>Capacity utilisation</dt><dd>${fmt.pct(k.capacityUtilisationPct)}</dd>
        <dt>Mortality / FCR</dt><dd>${fmt.pct(k.cumulativeMortalityPct)} / ${fmt.num(k.fcr, 2)}</dd>
      </dl>
    </div>
    ${overview.geographies.length === 0 ? '<p>No data yet: <a href="#/seed">seed a demo farm</a>.</p>' : ''}
    <h2>Batches</h2>
    <div class="filters">
      <label>Status <select id="f-status"><option value="">any</option>${STATUSES.map((s) => `<option>${s}</option>`).join('')}</select></label>
      <label>Geography <select id="f-geo"><option value="">any</option>${overview.geographies.map((g) => `<option value="${esc(g.id)}">${esc(g.code)}</option>`).join('')}</select></label>
      <label>Stage <select id="f-stage"><option value="">any</option>${overview.species
        .flatMap((s) => s.lifecycleStages)
        .map((st) => `<option value="${esc(st.id)}">${esc(st.name)}</option>`)
        .join('')}</select></label>
      <span id="total" class="muted"></span>
    </div>
    <table id="batches">
      <thead><tr><th>Batch</th><th>Status</th><th>Species</th><th>Start</th><th>Stage</th><th class="n">Day</th><th class="n">Fish</th><th class="n">Avg weight (g)</th><th class="n">Biomass</th></tr></thead>
      <tbody></tbody>
    </table>
    <p><button id="prev" disabled>« First page</button> <button id="next" disabled>Next page »</button></p>`;

  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  let after: string | null = null;
  let page = 0;
  const load = async () => {
    const filter: NonNullable<DashBatchesQueryVariables['filter']> = {};
    const status = $<HTMLSelectElement>('#f-status').value;
    const geo = $<HTMLSelectElement>('#f-geo').value;
    const stage = $<HTMLSelectElement>('#f-stage').value;
    if (status) filter.statuses = [status as BatchStatus];
    if (geo) filter.geographyIds = [geo];
    if (stage) filter.currentStageIds = [stage];
    const data = await gql<DashBatchesQuery, DashBatchesQueryVariables>(doc, 'DashBatches', { first: 20, after, filter });
    const c = data.batches;
    $('#total').textContent = `${c.totalCount} batches, page ${page + 1}`;
    $('#batches tbody').innerHTML = c.nodes
      .map(
        (b) => `<tr>
          <td><a href="#/batch/${encodeURIComponent(b.id)}">${esc(b.batchNumber)}</a></td>
          <td>${esc(b.status)}</td><td>${esc(b.species.name)}</td><td>${esc(b.startDate)}</td>
          <td>${esc(b.kpis?.currentStage?.code ?? '–')}</td><td class="n">${fmt.int(b.kpis?.daysInProduction)}</td>
          <td class="n">${fmt.int(b.kpis?.population)}</td><td class="n">${fmt.num(b.kpis?.avgWeightG)}</td>
          <td class="n">${fmt.tonnes(b.kpis?.biomassKg)}</td></tr>`,
      )
      .join('');
    $<HTMLButtonElement>('#next').disabled = !c.pageInfo.hasNextPage;
    $<HTMLButtonElement>('#next').onclick = () => {
      after = c.pageInfo.endCursor ?? null;
      page += 1;
      void load();
    };
    $<HTMLButtonElement>('#prev').disabled = page === 0;
  };
  $<HTMLButtonElement>('#prev').onclick = () => {
    after = null;
    page = 0;
    void load();
  };
  for (const id of ['#f-status', '#f-geo', '#f-stage'])
    $(id).addEventListener('change', () => {
      after = null;
      page = 0;
      void load();
    });
  await load();
  return () => undefined;
}
