/**
 * The cockpit window, with every guard of window-policy attached.
 */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { APP_URL } from './app-protocol';
import { decidePermission, decideWindowOpen, isAllowedNavigation, secureWebPreferences } from './window-policy';

export function guardWebContents(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  contents.session.setPermissionRequestHandler((_contents, permission, callback) => callback(decidePermission(permission)));
  contents.session.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
}

/** The cockpit, loaded from app://flightdeck (app-protocol-handler serves it), never from file://. */
export function createCockpitWindow(preload: string, devTools: boolean): { window: BrowserWindow; appUrl: string } {
  const appUrl = APP_URL;
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#111418',
    show: false,
    title: 'Flightdeck',
    webPreferences: secureWebPreferences(preload, devTools),
  });
  guardWebContents(window.webContents, appUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return { window, appUrl };
}
