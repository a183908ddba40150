/**
 * Serves app://flightdeck from the built renderer with protocol.handle.
 * Thin on purpose: which file a URL names, or why it is refused, is decided
 * by decideAppRequest (app-protocol.ts), which the tests check.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_RESPONSE_HEADERS, APP_SCHEME, APP_SCHEME_PRIVILEGES, decideAppRequest } from './app-protocol';

/** Must run before the app is ready: privileges are fixed when Chromium starts. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** After ready, on the default session (the cockpit window's). */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const decision = decideAppRequest(request.url, rendererDir, request.method);
    if (decision.status !== 200) return new Response(`${decision.reason}\n`, { status: decision.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    try {
      const body = await readFile(decision.path);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': decision.mimeType } });
    } catch {
      // Missing, or a directory: either way not a file of the app.
      return new Response('Not found.\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  });
}
