import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three bundles. Main has four entries that share the services: the
 * Electron shell, browser mode, the CLI and the parse worker. The markdown
 * packages are ESM-only, so they are bundled into main instead of being
 * required at run time; the sandboxed preload bundles everything it uses.
 */
const bundledIntoMain = ['unified', 'remark-parse', 'remark-gfm', 'remark-frontmatter'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: bundledIntoMain },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/main.ts'),
          browser: resolve(__dirname, 'src/main/bridge/main.ts'),
          cli: resolve(__dirname, 'src/main/cli.ts'),
          'parse-worker': resolve(__dirname, 'src/main/services/runbook/parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { minify: true, rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html'), report: resolve(__dirname, 'src/renderer/report.html') } } },
    plugins: [react()],
  },
});
