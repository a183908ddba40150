/**
 * Browser mode: the cockpit's services in a plain Node process, with the
 * bridge serving the renderer on 127.0.0.1. How Flightdeck runs where there
 * is no Electron binary or no display, and how end-to-end tests drive it.
 *
 *   node out/main/browser.js [RUNBOOK] [--port N] [--data-dir DIR] [--no-open]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../app/create-app';
import { guardChildren } from '../app/child-guard';
import { installFaultHandler } from '../app/fault-handler';
import { createLogger } from '../app/log';
import { SecretRedactor } from '../services/vault/redactor';
import { bundleLayout, defaultDataDir } from '../app/paths';
import { hasDisplay, openInSystemBrowser } from '../app/system-browser';
import { VERSION } from '../app/version';
import { startBridge } from './server';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-open': { type: 'boolean', default: false },
    },
  });
  // One redactor for the log and the app: a secret the vault knows never reaches either.
  const redactor = new SecretRedactor();
  const log = createLogger(undefined, (text) => redactor.redact(text));
  // From here on, no exception kills the cockpit unannounced; a fatal one is shown in the page before main stops.
  let announce: (message: string) => void = () => undefined;
  const faults = installFaultHandler({ log, redact: (text) => redactor.redact(text), announceFatal: (message) => announce(message) });
  const portText = values.port ?? process.env.FLIGHTDECK_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`flightdeck: --port ${portText}: not a port number (0-65535, 0 for any free port)\n`);
    process.exit(2);
  }
  const layout = bundleLayout(__dirname);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  guardChildren(dataDir, log);
  const app = createApp({
    app: { version: VERSION, mode: 'browser', platform: process.platform, nativeOpenDialog: false },
    platform: { openExternal: (url) => openInSystemBrowser(url) },
    safeStorage: null,
    redactor,
    dataDir,
    resourcesDir: layout.resourcesDir,
    createWorker: layout.createParseWorker,
    log,
  });
  faults.attach({ journal: () => app.cockpit.activation()?.journal ?? null, operator: () => app.cockpit.operator() });
  announce = (message) => app.cockpit.announce('error', message);
  await app.cockpit.startup(positionals[0] ?? null);
  let bridge;
  try {
    bridge = await startBridge({ app, staticDir: join(__dirname, '..', 'renderer'), port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`flightdeck: cannot listen on 127.0.0.1:${port}${code === 'EADDRINUSE' ? ': the port is in use' : `: ${code ?? String(error)}`}\n`);
    await app.close();
    process.exit(1);
  }
  process.stdout.write(`Flightdeck ${VERSION} (browser mode) is running. Open: ${bridge.launchUrl}\n`);
  if (!values['no-open'] && !process.env.CI && !process.env.FLIGHTDECK_NO_OPEN && hasDisplay()) void openInSystemBrowser(bridge.launchUrl);

  const shutdown = async () => {
    await bridge.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`flightdeck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
