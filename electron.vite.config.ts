import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

/**
 * One build for every mode. `main` holds two entries over the same server code: the
 * Electron main process (index) and the headless command line (cli), and the thread that
 * talks to a company server's PostgreSQL. The renderer is
 * served by the embedded server in both, so it is built once.
 */
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          // A company server's PostgreSQL client runs on a thread of its own (db/postgres/pg-sync.ts).
          'pg-worker': resolve(__dirname, 'src/server/db/postgres/pg-worker.mts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      // The window loads this on every start of a kiosk: keep it small.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});
