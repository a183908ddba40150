/**
 * The app for integration tests, assembled as browser mode assembles it,
 * plus the temp directories and contract calls those tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/main/app/create-app';
import { createLogger, silentLogger } from '../../src/main/app/log';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import type { CallResult } from '../../src/shared/errors';
import { startTestWorker } from './parser';
export const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));

export function tempDir(prefix = 'flightdeck-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestAppOptions {
  /** Collects every URL the app asks the platform to open. */
  opened?: string[];
  /** Collects every log line, redacted by the app's own redactor; without it the app logs nothing. */
  logLines?: string[];
  /** scrypt cost of a new passphrase vault: tests that create one lower it. */
  scryptN?: number;
}

/** The app as browser mode assembles it, from the TypeScript sources. */
export function testApp(dataDir: string, options: TestAppOptions = {}): App {
  const { opened, logLines, scryptN } = options;
  const redactor = new SecretRedactor();
  return createApp({
    app: { version: 'test', mode: 'browser', platform: process.platform, nativeOpenDialog: false },
    platform: {
      openExternal: async (url) => {
        opened?.push(url);
        return true;
      },
    },
    dataDir,
    resourcesDir: RESOURCES,
    createWorker: startTestWorker,
    log: logLines ? createLogger((line) => logLines.push(line), (text) => redactor.redact(text)) : silentLogger,
    redactor,
    ...(scryptN ? { scryptN } : {}),
  });
}

/** A contract call, as a renderer makes it, that must succeed: its value, or a throw with its error message. */
export async function call<T>(app: App, name: string, input: unknown = {}): Promise<T> {
  const result = (await app.call(name, input)) as CallResult<T>;
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

/** Opens a runbook by path and approves it, as an operator does before flying it; answers the cockpit as it stands then. */
export async function openTrusted(app: App, path: string): Promise<ReturnType<App['cockpit']['state']>> {
  await app.cockpit.openPath(path);
  await trustOpenRunbook(app);
  return app.cockpit.state();
}

/**
 * Approves what the open runbook would do, as a person does on the "Review
 * and trust" screen: exactly the manifest the cockpit shows. Tests that fly
 * a runbook of their own (not the demo) start with this, as a user would.
 */
export async function trustOpenRunbook(app: App): Promise<void> {
  const cockpit = await call<{ trust: { hash: string; state: string } | null }>(app, 'getCockpit');
  if (!cockpit.trust) throw new Error('no runbook is open to trust');
  if (cockpit.trust.state === 'trusted' || cockpit.trust.state === 'inert') return;
  await call(app, 'approveTrust', { hash: cockpit.trust.hash });
}
