/**
 * Browser mode: the cockpit's services in a plain Node process, with the
 * bridge serving the renderer on 127.0.0.1. How Flightdeck runs where there
 * is no Electron binary or no display, and how end-to-end tests drive it.
 *
 *   node out/main/browser.js [RUNBOOK] [--port N] [--data-dir DIR] [--no-open] [--rotate-token]
 *
 * The port and token are kept in the data directory (kept-launch.ts), so
 * the address it prints stays the same from one start to the next.
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
import { keepLaunch, planLaunch } from './kept-launch';
import { startBridge, type Bridge } from './server';
import { TEST_TEAM_VIEW_ENV, teamSourceFromFile } from './test-team-file';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      'rotate-token': { type: 'boolean', default: false },
    },
  });
  // One redactor for the log and the app: a secret the vault knows never reaches either.
  const redactor = new SecretRedactor();
  const log = createLogger(undefined, (text) => redactor.redact(text));
  // From here on, no exception kills the cockpit unannounced; a fatal one is shown in the page before main stops.
  let announce: (message: string) => void = () => undefined;
  const faults = installFaultHandler({ log, redact: (text) => redactor.redact(text), announceFatal: (message) => announce(message) });
  const portText = values.port ?? process.env.FLIGHTDECK_PORT ?? null;
  const askedPort = portText === null ? null : Number(portText);
  if (askedPort !== null && (!Number.isInteger(askedPort) || askedPort < 0 || askedPort > 65535)) {
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
  // Test hook only (test-team-file.ts): a team view played from a file, for the panel's e2e.
  const testTeamFile = process.env[TEST_TEAM_VIEW_ENV];
  const testTeam = testTeamFile ? teamSourceFromFile(testTeamFile, log) : null;
  if (testTeam) app.team.attach(testTeam);
  // createApp made the data directory, so the kept launch can be read and written now.
  const rotate = values['rotate-token'] || process.env.FLIGHTDECK_ROTATE_TOKEN === '1';
  const plan = planLaunch(dataDir, askedPort, rotate);
  for (const note of plan.notes) process.stderr.write(`flightdeck: ${note}\n`);
  const staticDir = join(__dirname, '..', 'renderer');
  let bridge: Bridge;
  try {
    bridge = await startBridge({ app, staticDir, port: plan.port, token: plan.token });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && plan.portIsKept) {
      // The kept port is only a preference: another program took it, so any free port will do, and the operator is told.
      bridge = await startBridge({ app, staticDir, port: 0, token: plan.token });
      process.stderr.write(`flightdeck: port ${plan.port}, used last time, is taken; now on ${bridge.port}. Tabs opened before must be opened again with the new address.\n`);
    } else {
      process.stderr.write(`flightdeck: cannot listen on 127.0.0.1:${plan.port}${code === 'EADDRINUSE' ? ': the port is in use' : `: ${code ?? String(error)}`}\n`);
      await app.close();
      process.exit(1);
    }
  }
  try {
    keepLaunch(dataDir, { port: bridge.port, token: bridge.token });
  } catch (error) {
    process.stderr.write(`flightdeck: cannot keep the port and token for the next start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.stdout.write(`Flightdeck ${VERSION} (browser mode) is running. Open: ${bridge.launchUrl}\n`);
  if (!values['no-open'] && !process.env.CI && !process.env.FLIGHTDECK_NO_OPEN && hasDisplay()) void openInSystemBrowser(bridge.launchUrl);

  const shutdown = async () => {
    testTeam?.close();
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
