/**
 * The desktop app itself, through Playwright's Electron driver. It needs the
 * Electron binary, which cannot be downloaded on the build machines
 * (ELECTRON_SKIP_BINARY_DOWNLOAD=1); there the test is skipped and says why,
 * and the same renderer and services are covered through browser mode.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/app';

const root = fileURLToPath(new URL('../..', import.meta.url));

function electronBinary(): { path: string | null; why: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as string;
    if (!existsSync(path)) return { path: null, why: `the Electron binary ${path} is missing` };
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: null, why: 'there is no display (set DISPLAY, e.g. run under xvfb-run)' };
    return { path, why: '' };
  } catch (error) {
    return { path: null, why: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]})` };
  }
}

const binary = electronBinary();
if (!binary.path) process.stdout.write(`\n[electron smoke test] SKIPPED: ${binary.why}. The renderer and services are tested through browser mode instead.\n\n`);

describe.skipIf(!binary.path)('the desktop app (Electron)', () => {
  it('opens the cockpit window on the demo runbook from app://flightdeck, with only window.flightdeck exposed', async () => {
    const data = tempDir();
    const app = await electron.launch({
      executablePath: binary.path!,
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, FLIGHTDECK_HOME: data.path },
    });
    try {
      const window = await app.firstWindow();
      await window.waitForSelector('body[data-ready="true"]');
      expect(await window.textContent('[data-testid="runbook-title"]')).toContain('Demo Shop');
      // Served by the app:// protocol, not from file://.
      expect(window.url()).toBe('app://flightdeck/index.html');
      // Chromium may fold the dots before the handler sees them (404) or pass them on (403): never the repository's package.json.
      expect([403, 404]).toContain(await window.evaluate(() => fetch('app://flightdeck/%2e%2e/%2e%2e/package.json').then((r) => r.status)));
      // Only the contract object reaches the page: no Node, no ipcRenderer.
      expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
      const keys = await window.evaluate(() => Object.keys((window as unknown as { flightdeck: object }).flightdeck).sort());
      expect(keys).toContain('tickItem');
      expect(keys).not.toContain('invoke');
    } finally {
      await app.close();
      data.remove();
    }
  });
});
