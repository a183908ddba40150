/**
 * What the print view may load, answered from memory: the built renderer
 * files under one folder and report-data.json. Both PDF renderers
 * (playwright's page.route, Electron's protocol.handle) answer every
 * request of the page with this, so the page has an origin to fetch from
 * but no server exists and nothing reaches the network.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export const REPORT_PAGE = 'report.html';
export const REPORT_DATA = 'report-data.json';
/** A host name that can never resolve: the page's origin exists only inside the request handler. */
export const REPORT_ORIGIN = 'http://flightdeck-report.invalid';
export const REPORT_URL = `${REPORT_ORIGIN}/${REPORT_PAGE}`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface PageAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** null: refuse the request (another origin). */
export async function answerReportRequest(url: string, rendererDir: string, dataJson: string): Promise<PageAnswer | null> {
  const parsed = new URL(url);
  if (parsed.origin !== REPORT_ORIGIN) return null;
  if (parsed.pathname === `/${REPORT_DATA}`) return { status: 200, contentType: TYPES['.json']!, body: Buffer.from(dataJson, 'utf8') };
  const root = resolve(rendererDir);
  const file = resolve(root, `.${decodeURIComponent(parsed.pathname)}`);
  const missing = { status: 404, contentType: 'text/plain', body: Buffer.alloc(0) };
  if (!file.startsWith(root + sep)) return missing;
  try {
    return { status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
  } catch {
    return missing;
  }
}
