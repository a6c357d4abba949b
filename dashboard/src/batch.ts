import uPlot from 'uplot';
import type {
  DashBatchQuery,
  DashBatchQueryVariables,
  DashRecomputeMutation,
  DashRecomputeMutationVariables,
  DashRecomputeProgressSubscription,
  DashRecomputeProgressSubscriptionVariables,
  DashRecomputeJobQuery,
  DashRecomputeJobQueryVariables,
  TimeBucket,
} from '../../generated/operations.js';
import doc from '../../examples/dashboard/batch.graphql?raw';
import { day, esc, fmt, gql, subscribe } from './api.js';

type Batch = NonNullable<DashBatchQuery['batch']>;
type Assignment = Batch['assignments'][number];

/**
 * Batch page: growth curves (batch aggregate with confidence band and growth samples as markers; one assignment's
 * series with its measured days as markers), population/biomass, mortality and FCR, the assignment timeline, and a
 * recompute button that follows the job over graphql-ws and reloads the charts when it succeeds.
 */
export async function renderBatch(root: HTMLElement, id: string): Promise<() => void> {
  let bucket: TimeBucket = (sessionStorage.getItem('aquagraph.bucket') as TimeBucket | null) ?? 'WEEK';
  const plots: uPlot[] = [];
  let unsubscribe: (() => void) | undefined;
  const destroyPlots = () => plots.splice(0).forEach((p) => p.destroy());

  const draw = async () => {
    const data = await gql<DashBatchQuery, DashBatchQueryVariables>(doc, 'DashBatch', { id, bucket });
    const batch = data.batch;
    if (!batch) {
      root.innerHTML = `<p class="error">Batch not found.</p>`;
      return;
    }
    destroyPlots();
    const k = batch.kpis;
    root.innerHTML = `
      <p><a href="#/">« Farm overview</a></p>
      <h1 id="batch-title">${esc(batch.batchNumber)} <span class="muted">${esc(batch.species.name)}, ${esc(batch.status)}, started ${esc(batch.startDate)}</span></h1>
      <div class="cards">
        <dl class="card"><dt>As of</dt><dd>${esc(k?.asOf ?? '–')} (day ${fmt.int(k?.daysInProduction)})</dd><dt>Stage</dt><dd>${esc(k?.currentStage?.code ?? '–')}</dd></dl>
        <dl class="card"><dt>Fish</dt><dd>${fmt.int(k?.population)}</dd><dt>Avg weight</dt><dd>${fmt.num(k?.avgWeightG)} g</dd></dl>
        <dl class="card"><dt>Biomass</dt><dd>${fmt.tonnes(k?.biomassKg)}</dd><dt>Mortality / FCR (30 d)</dt><dd>${fmt.pct(k?.cumulativeMortalityPct)} / ${fmt.num(k?.fcr30d, 2)}</dd></dl>
      </div>
      <div class="filters">
        <label>Series <select id="bucket">${(['DAY', 'WEEK', 'MONTH'] as TimeBucket[])
          .map((b) => `<option ${b === bucket ? 'selected' : ''}>${b}</option>`)
          .join('')}</select></label>
        <button id="recompute">Recompute growth series</button>
        <span id="recompute-status" class="muted"></span>
      </div>
      <h2>Average weight (g): model line, confidence band, growth samples</h2>
      <div class="chart" id="chart-weight" data-points="${batch.dailySeries.length}" data-samples="${batch.growthSamples.nodes.length}"></div>
      <h2>Population and biomass</h2>
      <div class="chart" id="chart-stock" data-points="${batch.dailySeries.length}"></div>
      <h2>Mortality and FCR</h2>
      <div class="chart" id="chart-mortality" data-points="${batch.dailySeries.length}"></div>
      <h2>Assignments across containers</h2>
      <div class="gantt" id="gantt"></div>
      <h2>One assignment's series <select id="assignment">${batch.assignments
        .map((a, i) => `<option value="${i}">${esc(a.container.name)} ${esc(a.assignmentDate)} → ${esc(a.departureDate ?? 'open')} (${esc(a.lifecycleStage.code)})</option>`)
        .join('')}</select></h2>
      <div class="chart" id="chart-assignment"></div>
      <div id="assignment-sources" class="muted"></div>
      <details><summary><h2 style="display:inline">Growth samples (${batch.growthSamples.totalCount})</h2></summary>
      <table id="samples"><thead><tr><th>Date</th><th>Container</th><th class="n">n</th><th class="n">Avg weight (g)</th><th class="n">SD (g)</th></tr></thead>
      <tbody>${batch.growthSamples.nodes
        .map((s) => `<tr><td>${esc(s.sampleDate)}</td><td>${esc(s.assignment.container.name)}</td><td class="n">${s.sampleSize}</td><td class="n">${fmt.num(s.avgWeightG)}</td><td class="n">${fmt.num(s.stdDevWeightG)}</td></tr>`)
        .join('')}</tbody></table></details>
      <details><summary><h2 style="display:inline">Mortality events (${batch.mortalityEvents.totalCount}${batch.mortalityEvents.totalCount > batch.mortalityEvents.nodes.length ? `, first ${batch.mortalityEvents.nodes.length}` : ''})</h2></summary>
      <table><thead><tr><th>Date</th><th>Container</th><th>Cause</th><th class="n">Fish</th></tr></thead>
      <tbody>${batch.mortalityEvents.nodes
        .map((m) => `<tr><td>${esc(m.eventDate)}</td><td>${esc(m.assignment.container.name)}</td><td>${esc(m.cause)}</td><td class="n">${m.count}</td></tr>`)
        .join('')}</tbody></table></details>`;

    const width = Math.min(root.clientWidth || 1200, 1240) - 20;
    const charts: Array<[string, (el: HTMLElement, b: Batch, w: number) => uPlot]> = [
      ['#chart-weight', weightChart],
      ['#chart-stock', stockChart],
      ['#chart-mortality', mortalityChart],
    ];
    for (const [selector, chart] of charts) {
      const el = root.querySelector<HTMLElement>(selector)!;
      const plot = chart(el, batch, width);
      el.dataset.renderedX = String(plot.data[0].length); // what uPlot holds, for the browser tests
      plots.push(plot);
    }
    gantt(root.querySelector('#gantt')!, batch);
    const assignmentSelect = root.querySelector<HTMLSelectElement>('#assignment')!;
    let assignmentPlot: uPlot | undefined;
    const showAssignment = () => {
      assignmentPlot?.destroy();
      const a = batch.assignments[Number(assignmentSelect.value)];
      if (!a) return;
      assignmentPlot = assignmentChart(root.querySelector('#chart-assignment')!, a, width);
      plots.push(assignmentPlot);
      const counts = new Map<string, number>();
      for (const p of a.dailySeries) counts.set(p.sources.weight, (counts.get(p.sources.weight) ?? 0) + 1);
      root.querySelector('#assignment-sources')!.textContent =
        `Weight sources of the ${a.dailySeries.length} points: ` + [...counts].map(([s, n]) => `${s} ${n}`).join(', ');
    };
    assignmentSelect.onchange = showAssignment;
    showAssignment();

    root.querySelector<HTMLSelectElement>('#bucket')!.onchange = (e) => {
      bucket = (e.target as HTMLSelectElement).value as TimeBucket;
      sessionStorage.setItem('aquagraph.bucket', bucket);
      void draw();
    };
    root.querySelector<HTMLButtonElement>('#recompute')!.onclick = () => void recompute(batch.id);
    root.dataset.ready = 'true';
  };

  let poll: ReturnType<typeof setInterval> | undefined;
  const recompute = async (batchId: string) => {
    const status = root.querySelector('#recompute-status')!;
    const button = root.querySelector<HTMLButtonElement>('#recompute')!;
    button.disabled = true;
    status.textContent = 'Queuing…';
    let jobId: string | undefined;
    let finished = false;
    type Job = DashRecomputeJobQuery['recomputeJob'];
    const stop = () => {
      unsubscribe?.();
      unsubscribe = undefined;
      clearInterval(poll);
    };
    const onJob = (job: Job) => {
      if (!job || finished || (jobId && job.id !== jobId)) return;
      status.textContent = `Job ${job.status}${job.error ? `: ${job.error}` : ''}`;
      if (job.status === 'SUCCEEDED') {
        finished = true;
        stop();
        void draw().then(() => {
          root.querySelector('#recompute-status')!.textContent = `Recomputed at ${job.finishedAt ?? ''}`;
        });
      } else if (job.status === 'FAILED' || job.status === 'CANCELLED') {
        finished = true;
        stop();
        button.disabled = false;
      }
    };
    stop();
    // Follow the batch's jobs over graphql-ws (subscribed before queuing, so no event is missed) and read the job
    // every 2 s as well, in case the socket is down.
    unsubscribe = subscribe<DashRecomputeProgressSubscription, DashRecomputeProgressSubscriptionVariables>(
      doc,
      'DashRecomputeProgress',
      { batchId },
      ({ recomputeProgress }) => onJob(recomputeProgress),
      (message) => {
        status.textContent = `Subscription failed: ${message}`;
      },
    );
    try {
      const result = await gql<DashRecomputeMutation, DashRecomputeMutationVariables>(doc, 'DashRecompute', { batchId });
      const job = result.growthRecompute.recomputeJob;
      if (!job) throw new Error(result.growthRecompute.userErrors.map((e) => e.message).join('; ') || 'not queued');
      jobId = job.id;
      status.textContent = `Job ${job.status}`;
      poll = setInterval(() => {
        void gql<DashRecomputeJobQuery, DashRecomputeJobQueryVariables>(doc, 'DashRecomputeJob', { id: job.id }).then(
          ({ recomputeJob }) => onJob(recomputeJob),
          () => undefined,
        );
      }, 2000);
    } catch (error) {
      stop();
      status.textContent = `Recompute failed: ${error instanceof Error ? error.message : String(error)}`;
      button.disabled = false;
    }
  };

  await draw();
  return () => {
    unsubscribe?.();
    clearInterval(poll);
    destroyPlots();
  };
}

function weightChart(el: HTMLElement, batch: Batch, width: number): uPlot {
  // x: series dates and sample dates merged; the samples are a points-only series (measured anchors).
  const samplesByDay = new Map<number, number[]>();
  for (const s of batch.growthSamples.nodes) {
    const x = day(s.sampleDate);
    samplesByDay.set(x, [...(samplesByDay.get(x) ?? []), s.avgWeightG]);
  }
  const seriesByDay = new Map(batch.dailySeries.map((p) => [day(p.lastDate), p]));
  const xs = [...new Set([...seriesByDay.keys(), ...samplesByDay.keys()])].sort((a, b) => a - b);
  // Band: ± (1 − weight confidence) × 25 % of the weight, so a day right after a sample has no band.
  const spread = (x: number) => {
    const p = seriesByDay.get(x);
    if (!p || p.avgWeightG == null) return null;
    return p.avgWeightG * 0.25 * (1 - (p.minConfidence?.weight ?? 0));
  };
  const avg = xs.map((x) => seriesByDay.get(x)?.avgWeightG ?? null);
  const hi = xs.map((x, i) => (avg[i] == null ? null : avg[i]! + spread(x)!));
  const lo = xs.map((x, i) => (avg[i] == null ? null : Math.max(0, avg[i]! - spread(x)!)));
  const anchored = xs.map((x) => {
    const p = seriesByDay.get(x);
    return p && p.anchorCount > 0 ? p.avgWeightG ?? null : null;
  });
  const samples = xs.map((x) => {
    const v = samplesByDay.get(x);
    return v ? v.reduce((a, b) => a + b, 0) / v.length : null;
  });
  return new uPlot(
    {
      width,
      height: 300,
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'Avg weight (model), g', stroke: '#1f5f99', width: 2, spanGaps: true, points: { show: false } },
        { label: 'Confidence high', stroke: 'rgba(31,95,153,0.25)', spanGaps: true, points: { show: false } },
        { label: 'Confidence low', stroke: 'rgba(31,95,153,0.25)', spanGaps: true, points: { show: false } },
        { label: 'Anchored buckets', stroke: 'transparent', points: { show: true, size: 7, stroke: '#1f8a4c', fill: '#fff' } },
        { label: 'Growth samples, g', stroke: 'transparent', points: { show: true, size: 8, stroke: '#c0392b', fill: '#c0392b' } },
      ],
      bands: [{ series: [2, 3], fill: 'rgba(31,95,153,0.15)' }],
      axes: [{}, { label: 'g' }],
    },
    [xs, avg, hi, lo, anchored, samples],
    el,
  );
}

function stockChart(el: HTMLElement, batch: Batch, width: number): uPlot {
  const s = batch.dailySeries;
  return new uPlot(
    {
      width,
      height: 240,
      scales: { x: { time: true }, fish: {}, kg: {} },
      series: [
        {},
        { label: 'Population', stroke: '#7a4bb7', width: 2, scale: 'fish', points: { show: false } },
        { label: 'Biomass, kg', stroke: '#1f8a4c', width: 2, scale: 'kg', points: { show: false } },
      ],
      axes: [{}, { scale: 'fish', label: 'fish', size: 70 }, { scale: 'kg', label: 'kg', side: 1, grid: { show: false }, size: 70 }],
    },
    [s.map((p) => day(p.lastDate)), s.map((p) => p.population), s.map((p) => p.biomassKg)],
    el,
  );
}

function mortalityChart(el: HTMLElement, batch: Batch, width: number): uPlot {
  const s = batch.dailySeries;
  return new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time: true }, deaths: {}, fcr: { range: [0, 3] } },
      series: [
        {},
        { label: 'Deaths', stroke: '#c0392b', fill: 'rgba(192,57,43,0.4)', scale: 'deaths', paths: uPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false } },
        { label: 'FCR', stroke: '#b07000', width: 2, scale: 'fcr', spanGaps: true, points: { show: false } },
      ],
      axes: [{}, { scale: 'deaths', label: 'deaths', size: 60 }, { scale: 'fcr', label: 'FCR', side: 1, grid: { show: false } }],
    },
    [s.map((p) => day(p.lastDate)), s.map((p) => p.mortalityCount + p.transferMortalityCount), s.map((p) => p.fcr ?? null)],
    el,
  );
}

function assignmentChart(el: HTMLElement, a: Assignment, width: number): uPlot {
  const s = a.dailySeries;
  const spread = (p: (typeof s)[number]) => p.avgWeightG * 0.25 * (1 - p.confidence.weight);
  return new uPlot(
    {
      width,
      height: 240,
      scales: { x: { time: true } },
      series: [
        {},
        { label: `${a.container.name} avg weight, g`, stroke: '#1f5f99', width: 2, points: { show: false } },
        { label: 'Confidence high', stroke: 'rgba(31,95,153,0.25)', points: { show: false } },
        { label: 'Confidence low', stroke: 'rgba(31,95,153,0.25)', points: { show: false } },
        { label: 'Measured (weight source)', stroke: 'transparent', points: { show: true, size: 8, stroke: '#c0392b', fill: '#c0392b' } },
      ],
      bands: [{ series: [2, 3], fill: 'rgba(31,95,153,0.15)' }],
    },
    [
      s.map((p) => day(p.lastDate)),
      s.map((p) => p.avgWeightG),
      s.map((p) => p.avgWeightG + spread(p)),
      s.map((p) => Math.max(0, p.avgWeightG - spread(p))),
      s.map((p) => (p.sources.weight === 'MEASURED' || p.anchorCount > 0 ? p.avgWeightG : null)),
    ],
    el,
  );
}

/** Gantt-like timeline: one row per assignment, bars over [arrival, departure). */
function gantt(el: HTMLElement, batch: Batch): void {
  const end = (a: Assignment) => day(a.departureDate ?? batch.kpis?.asOf ?? batch.actualEndDate ?? new Date().toISOString().slice(0, 10));
  const t0 = day(batch.startDate);
  const t1 = Math.max(t0 + 86400, ...batch.assignments.map(end));
  const pct = (t: number) => ((t - t0) / (t1 - t0)) * 100;
  el.innerHTML = batch.assignments
    .map((a) => {
      const left = pct(day(a.assignmentDate));
      const right = pct(end(a));
      return `<div class="row"><div class="label">${esc(a.container.name)} · ${esc(a.lifecycleStage.code)}</div><div class="track">
        <div class="bar ${a.departureDate ? '' : 'open'}" style="left:${left}%;width:${Math.max(0.3, right - left)}%"
          title="${esc(a.container.name)}: ${esc(a.assignmentDate)} → ${esc(a.departureDate ?? 'open')}${a.closeReason ? ` (${esc(a.closeReason)})` : ''}"></div></div></div>`;
    })
    .join('') + `<div class="muted">${esc(batch.startDate)} … ${new Date(t1 * 1000).toISOString().slice(0, 10)}</div>`;
}
