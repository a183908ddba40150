import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit (pure code), integration (real files, processes and
 * servers) and e2e (the built app in Debian Chromium through browser mode).
 * e2e needs `electron-vite build` first; `npm test` does that.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // A page waits on real servers (and on scrypt when the vault unlocks): 1 s is too short on a loaded CI machine.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
