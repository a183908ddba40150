/**
 * The app:// handler's decisions, as plain functions: the desktop window
 * loads app://flightdeck/index.html, and the handler serves the built
 * renderer and nothing else. The Electron wrapper (app-protocol-handler.ts)
 * only reads the file decided here; it cannot run without the Electron
 * binary, which the build machines do not have.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_RESPONSE_HEADERS, APP_SCHEME_PRIVILEGES, APP_URL, decideAppRequest } from '../../src/main/electron/app-protocol';

const ROOT = join('/opt', 'flightdeck', 'out', 'renderer');

describe('the app:// protocol', () => {
  it('is one origin, app://flightdeck, standard and secure so CSP self means that origin', () => {
    expect(APP_ORIGIN).toBe('app://flightdeck');
    expect(APP_URL).toBe('app://flightdeck/index.html');
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_RESPONSE_HEADERS['Content-Security-Policy']).toContain("script-src 'self'");
    expect(APP_RESPONSE_HEADERS['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(APP_RESPONSE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it.each([
    ['app://flightdeck/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['app://flightdeck/', 'index.html', 'text/html; charset=utf-8'],
    ['app://flightdeck', 'index.html', 'text/html; charset=utf-8'],
    ['app://flightdeck/index.html#phase-2', 'index.html', 'text/html; charset=utf-8'],
    ['app://flightdeck/assets/index-ddS3IlYV.js?v=1', 'assets/index-ddS3IlYV.js', 'text/javascript; charset=utf-8'],
    ['app://flightdeck/assets/index-Biu69EW5.css', 'assets/index-Biu69EW5.css', 'text/css; charset=utf-8'],
    ['app://flightdeck/assets/logo.svg', 'assets/logo.svg', 'image/svg+xml'],
    ['app://flightdeck/assets/icon.PNG', 'assets/icon.PNG', 'image/png'],
    ['app://flightdeck/assets/inter.woff2', 'assets/inter.woff2', 'font/woff2'],
    ['app://flightdeck/report-data.json', 'report-data.json', 'application/json'],
    ['app://flightdeck/assets/a%20b.js', 'assets/a b.js', 'text/javascript; charset=utf-8'],
    ['app://FLIGHTDECK/index.html', 'index.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s (%s)', (url, file, mimeType) => {
    expect(decideAppRequest(url, ROOT)).toEqual({ status: 200, path: join(ROOT, ...file.split('/')), mimeType });
  });

  it.each([
    // Climbing out, raw and encoded: refused as such, even where a URL parser would have removed the dots.
    ['app://flightdeck/../../etc/passwd', 403],
    ['app://flightdeck/assets/../../secret.js', 403],
    ['app://flightdeck/%2e%2e/%2e%2e/etc/passwd.json', 403],
    ['app://flightdeck/%2E%2E/secret.js', 403],
    ['app://flightdeck/assets/%2e%2e%2f%2e%2e%2fsecret.js', 403],
    ['app://flightdeck/./index.html', 403],
    // Backslashes, raw and encoded.
    ['app://flightdeck/assets\\..\\..\\secret.js', 403],
    ['app://flightdeck/assets/..%5c..%5csecret.js', 403],
    ['app://flightdeck/assets%5csecret.js', 403],
    // Absolute paths and drives.
    ['app://flightdeck//etc/passwd.json', 403],
    ['app://flightdeck/%2fetc%2fpasswd.json', 403],
    ['app://flightdeck/C:/Windows/win.ini.json', 403],
    ['app://flightdeck/C%3a%5cWindows%5cwin.js', 403],
    // NUL and control characters, which end or bend a path in the layers below.
    ['app://flightdeck/index.html%00.js', 403],
    ['app://flightdeck/assets/a%0a.js', 403],
    // Dotfiles.
    ['app://flightdeck/.env.json', 403],
    ['app://flightdeck/assets/.git/config.js', 403],
    // A malformed escape.
    ['app://flightdeck/assets/%E0%A4%A.js', 400],
  ])('refuses the path of %s (%s)', (url, status) => {
    const decision = decideAppRequest(url, ROOT);
    expect(decision.status).toBe(status);
    expect(decision).not.toHaveProperty('path');
  });

  it.each(['app://evil.example.com/index.html', 'app://flightdeck.evil.example.com/index.html', 'app://localhost/index.html', 'app://flightdeck:8080/index.html', 'app://user@flightdeck/index.html', 'app://user:pw@flightdeck/index.html', 'app:///index.html', 'app:index.html'])(
    'refuses the unknown host of %s with 403',
    (url) => {
      expect(decideAppRequest(url, ROOT)).toMatchObject({ status: 403, reason: expect.stringMatching(/host|path/i) });
    },
  );

  it.each(['file:///opt/flightdeck/out/renderer/index.html', 'https://flightdeck/index.html', 'http://127.0.0.1/index.html'])('refuses %s, which is not the app scheme', (url) => {
    expect(decideAppRequest(url, ROOT).status).toBe(403);
  });

  it('refuses a string that is not a URL', () => {
    expect(decideAppRequest('not a url', ROOT).status).toBe(400);
  });

  it.each(['app://flightdeck/assets/app.exe', 'app://flightdeck/runbook.md', 'app://flightdeck/assets', 'app://flightdeck/assets/', 'app://flightdeck/index', 'app://flightdeck/data.bin'])(
    'refuses %s: not a type the renderer is built from, never served as a download',
    (url) => {
      const decision = decideAppRequest(url, ROOT);
      expect([403, 404]).toContain(decision.status);
      expect(decision).not.toHaveProperty('mimeType');
    },
  );

  it('reads only with GET and HEAD', () => {
    expect(decideAppRequest(APP_URL, ROOT, 'HEAD').status).toBe(200);
    expect(decideAppRequest(APP_URL, ROOT, 'POST')).toMatchObject({ status: 405 });
    expect(decideAppRequest(APP_URL, ROOT, 'PUT')).toMatchObject({ status: 405 });
  });
});
