import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/main/app/create-app';
import { silentLogger } from '../../src/main/app/log';
import { startTestWorker } from './parser';
export const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));

export function tempDir(prefix = 'flightdeck-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The app as browser mode assembles it, from the TypeScript sources. */
export function testApp(dataDir: string, opened: string[] = []): App {
  return createApp({
    app: { version: 'test', mode: 'browser', platform: process.platform, nativeOpenDialog: false },
    platform: {
      openExternal: async (url) => {
        opened.push(url);
        return true;
      },
    },
    dataDir,
    resourcesDir: RESOURCES,
    createWorker: startTestWorker,
    log: silentLogger,
  });
}
