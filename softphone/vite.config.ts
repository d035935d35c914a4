import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://localhost:3000';

/** Builds the softphone into dist/softphone, which the Nest server serves at `/`. */
export default defineConfig({
  root,
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../dist/softphone', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npm run dev:softphone` beside a running server: the API and socket go to it.
    proxy: {
      '/api': server,
      '/health': server,
      '/ready': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
