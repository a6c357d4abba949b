import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { setToken, token } from './api.js';

/**
 * GraphiQL bundled from npm (no CDN): HTTP and graphql-ws on /graphql, the schema's docs from introspection, and the
 * same API token as the dashboard (Authorization header, and the connection params of subscriptions).
 */
const input = document.querySelector<HTMLInputElement>('#token')!;
input.value = token();

function render(): void {
  const auth = token() ? { authorization: `Bearer ${token()}` } : undefined;
  const fetcher = createGraphiQLFetcher({
    url: `${location.origin}/graphql`,
    subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    headers: auth,
    wsConnectionParams: auth,
  });
  root.render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery: '# Docs: the book icon on the left. Ctrl-Enter runs the query.\n{\n  viewer { name role }\n  batches(first: 5) { totalCount nodes { batchNumber status startDate } }\n}\n',
    }),
  );
}
const root = createRoot(document.querySelector('#explorer')!);
input.addEventListener('change', () => {
  setToken(input.value.trim());
  render();
});
render();
