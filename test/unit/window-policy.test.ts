import { describe, expect, it } from 'vitest';
import { APP_URL } from '../../src/main/electron/app-protocol';
import { decidePermission, decideWindowOpen, isAllowedNavigation, isTrustedSender, secureWebPreferences } from '../../src/main/electron/window-policy';

// The window loads the renderer from app://flightdeck, never from file://.
const APP = APP_URL;

describe('the Electron window policy', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, no webviews, no navigation on drop', () => {
    const prefs = secureWebPreferences('/opt/flightdeck/out/preload/index.js', false);
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it.each([
    'https://evil.example.com/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'file:///opt/flightdeck/out/renderer/index.html',
    'app://flightdeck/report.html',
    'app://flightdeck/index.html?x=1',
    'app://evil/index.html',
    'app://flightdeck.evil.example.com/index.html',
    'app://flightdeck:1/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
  ])('refuses navigation to %s', (url) => {
    expect(isAllowedNavigation(url, APP)).toBe(false);
  });

  it('allows only the app itself (a reload, or a fragment of it)', () => {
    expect(isAllowedNavigation(APP, APP)).toBe(true);
    expect(isAllowedNavigation(`${APP}#phase-2`, APP)).toBe(true);
  });

  it.each([
    ['https://docs.example.com/runbook', true],
    ['https://user:pass@docs.example.com/', false],
    ['http://docs.example.com/', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['data:text/html,hi', false],
    ['mailto:oncall@example.com', false],
    ['smb://share/x', false],
  ])('never opens a window for %s; only https goes to the system browser (%s)', (url, external) => {
    expect(decideWindowOpen(url)).toEqual({ action: 'deny', openExternally: external });
  });

  it.each([
    [{ url: null, isMainFrame: true }, 'a frame that is gone'],
    [{ url: 'https://evil.example.com/', isMainFrame: true }, 'a foreign page'],
    [{ url: APP, isMainFrame: false }, 'an iframe, even of the app'],
    [{ url: 'file:///tmp/evil/index.html', isMainFrame: true }, 'a local file'],
    [{ url: 'file:///opt/flightdeck/out/renderer/index.html', isMainFrame: true }, 'the renderer opened as a file'],
    [{ url: 'app://other/index.html', isMainFrame: true }, 'another app:// host'],
    [{ url: 'data:text/html,x', isMainFrame: true }, 'a data URL'],
  ])('refuses IPC from %j (%s)', (sender, _what) => {
    expect(isTrustedSender(sender, APP)).toBe(false);
  });

  it('answers IPC from the app main frame', () => {
    expect(isTrustedSender({ url: APP, isMainFrame: true }, APP)).toBe(true);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown'])('denies the %s permission', (permission) => {
    expect(decidePermission(permission)).toBe(false);
  });
});
