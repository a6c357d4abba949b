import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by `npm run dashboard:build` into dashboard/dist, served by the API at /app (src/graphql/server.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // The dashboard, and GraphiQL (React) at /app/explorer.html (also served at /explorer).
    rollupOptions: {
      input: { main: `${root}index.html`, explorer: `${root}explorer.html` },
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning); // React libraries' "use client"
      },
    },
  },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
});
