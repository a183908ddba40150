/**
 * The desktop app: Electron shell around the same services browser mode
 * runs. It owns the window, the native dialogs and the IPC binding; all
 * work happens in the cockpit.
 */
import { app, dialog, Menu, shell, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { createApp, type App } from '../app/create-app';
import { guardChildren } from '../app/child-guard';
import { installFaultHandler } from '../app/fault-handler';
import { createLogger } from '../app/log';
import { SecretRedactor } from '../services/vault/redactor';
import { electronSafeStorage } from './safe-storage';
import { bundleLayout } from '../app/paths';
import { VERSION } from '../app/version';
import { MARKDOWN_EXTENSION_NAMES, MARKDOWN_EXTENSIONS } from '../services/runbook/markdown-files';
import { bindIpc } from './ipc';
import { notifyAlarms } from './alarm-notifier';
import { buildMenu } from './menu';
import { createCockpitWindow, guardWebContents } from './window';
import { APP_URL } from './app-protocol';
import { registerAppScheme, serveApp } from './app-protocol-handler';
import { ElectronReportPrinter } from './report-printer';

const rendererDir = join(__dirname, '..', 'renderer');
const preload = join(__dirname, '..', 'preload', 'index.js');
const devTools = !app.isPackaged && process.env.FLIGHTDECK_DEVTOOLS === '1';

/** A runbook named on the command line: the first argument that looks like markdown. */
function runbookArgument(argv: readonly string[]): string | null {
  return argv.slice(app.isPackaged ? 1 : 2).find((arg) => !arg.startsWith('-') && MARKDOWN_EXTENSIONS.test(arg)) ?? null;
}

/** `--data-dir DIR` or `--data-dir=DIR`, as browser mode accepts it. */
function optionValue(argv: readonly string[], name: string): string | null {
  const at = argv.indexOf(name);
  if (at !== -1) return argv[at + 1] ?? null;
  const inline = argv.find((arg) => arg.startsWith(`${name}=`));
  return inline ? inline.slice(name.length + 1) : null;
}

app.enableSandbox();
// Before ready: the renderer's origin is app://flightdeck, not file://.
registerAppScheme();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let flightdeck: App | null = null;
  let window: BrowserWindow | null = null;
  // One redactor for the log and the app: a secret the vault knows never reaches either.
  const redactor = new SecretRedactor();
  const log = createLogger(undefined, (text) => redactor.redact(text));
  // From here on, no exception kills the cockpit unannounced; a fatal one is said in a dialog before main stops.
  const faults = installFaultHandler({
    log,
    redact: (text) => redactor.redact(text),
    announceFatal: (message) => {
      flightdeck?.cockpit.announce('error', message);
      dialog.showErrorBox('Flightdeck must stop', message);
    },
    exit: (code) => app.exit(code),
  });

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, APP_URL));

  app.on('second-instance', (_event, argv) => {
    const path = runbookArgument(argv);
    if (path && flightdeck) flightdeck.cockpit.openPath(path).catch((error: unknown) => flightdeck?.log.warn(String(error)));
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  const chooseFile = async (): Promise<string | null> => {
    const options = { properties: ['openFile' as const], filters: [{ name: 'Markdown', extensions: [...MARKDOWN_EXTENSION_NAMES] }] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };

  void app.whenReady().then(async () => {
    serveApp(rendererDir);
    const layout = bundleLayout(__dirname);
    const dataDir = optionValue(process.argv, '--data-dir') ?? process.env.FLIGHTDECK_HOME ?? app.getPath('userData');
    guardChildren(dataDir, log);
    flightdeck = createApp({
      safeStorage: electronSafeStorage(),
      redactor,
      reportRenderer: new ElectronReportPrinter(rendererDir),
      app: { version: VERSION, mode: 'electron', platform: process.platform, nativeOpenDialog: true },
      platform: {
        chooseFile,
        openExternal: async (url) => {
          await shell.openExternal(url);
          return true;
        },
      },
      dataDir,
      resourcesDir: layout.resourcesDir,
      createWorker: layout.createParseWorker,
      log,
    });
    const cockpit = flightdeck.cockpit;
    faults.attach({ journal: () => cockpit.activation()?.journal ?? null, operator: () => cockpit.operator() });
    await cockpit.startup(runbookArgument(process.argv));

    const created = createCockpitWindow(preload, devTools);
    window = created.window;
    const unbind = bindIpc(flightdeck, window, created.appUrl);
    // A trigger that fires is a desktop notification, even with the window behind others.
    const stopAlarms = notifyAlarms(flightdeck.events, () => window);
    const report = (error: unknown) => {
      if (window && !window.isDestroyed()) void dialog.showMessageBox(window, { type: 'error', message: error instanceof Error ? error.message : String(error) });
    };
    Menu.setApplicationMenu(
      buildMenu(
        {
          open: () => void chooseFile().then((path) => (path ? cockpit.openPath(path) : null)).catch(report),
          newSession: () => void cockpit.startNewSession().catch(report),
          openDemo: () => void cockpit.openDemo().catch(report),
        },
        devTools,
      ),
    );
    window.on('closed', () => {
      unbind();
      stopAlarms();
      window = null;
    });
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void flightdeck?.close();
  });
}
