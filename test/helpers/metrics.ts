/** The value of one sample line of a Prometheus text exposition, e.g. `name{a="b"} 3` (labels must match exactly). */
export function metricSample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const present = labelText.split(',');
    if (wanted.every((pair) => present.includes(pair)) && present.length === wanted.length) return Number(line.split(' ').pop());
  }
  return undefined;
}

/**
 * How many graphql-ws subscriptions the app has started, from its `GET /metrics` (an app without tokens). The
 * counter goes up in `onSubscribe`, once the operation is accepted; the server then attaches it to the pub/sub
 * without any I/O in between, so once a scrape shows the count risen, an event published after it reaches the
 * new subscriber.
 */
export async function wsSubscriptionsStarted(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return metricSample(await response.text(), 'aquagraph_ws_operations_total', { type: 'subscription' }) ?? 0;
}
