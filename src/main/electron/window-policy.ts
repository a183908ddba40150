/**
 * The Electron security checklist, as plain functions the window applies
 * and the tests check against tables of bad input: web preferences that
 * isolate the renderer, no navigation away from the app, no new windows,
 * no permissions, and IPC accepted only from the app's own main frame.
 * Imports nothing from Electron, so it runs under vitest.
 */
import { isSafeExternalUrl } from '../../shared/links';

export interface WebPreferencesPolicy {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
}

export function secureWebPreferences(preload: string, devTools: boolean): WebPreferencesPolicy {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A dropped file is opened by the app, never navigated to.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/**
 * Same document: the app's own index.html (app://flightdeck/index.html),
 * ignoring the fragment. Another file of the app, a query, file:// or any
 * other origin is not the app.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname && a.search === b.search;
  } catch {
    return false;
  }
}

/** Navigation inside the window: only reloading the app itself. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/**
 * window.open and target=_blank: never a new Electron window. An https link
 * the user clicked goes to the system browser instead.
 */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

export interface SenderFacts {
  /** URL of the frame that sent the IPC message; null when the frame is gone. */
  url: string | null;
  /** False for iframes. */
  isMainFrame: boolean;
}

/** IPC is answered only for the app's own top-level document. */
export function isTrustedSender(sender: SenderFacts, appUrl: string): boolean {
  return sender.url !== null && sender.isMainFrame && isAppUrl(sender.url, appUrl);
}

/** Camera, microphone, notifications, geolocation...: the cockpit needs none. */
export function decidePermission(_permission: string): boolean {
  return false;
}
