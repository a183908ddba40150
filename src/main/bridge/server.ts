/**
 * Browser mode's bridge: serves the built renderer on 127.0.0.1 and carries
 * the contract, calls as POST /api/call/<name> and events as a server-sent
 * event stream at /api/events. Every request passes request-guard first.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '../../shared/contract';
import { formatBytes } from '../../shared/format';
import type { TelemetryBatch } from '../../shared/telemetry-model';
import type { App } from '../app/create-app';
import { BatchMerger } from '../services/telemetry/batch-merger';
import { cookieName, guardRequest } from './request-guard';
import { readStatic } from './static-files';
import { RENDERER_CSP } from '../app/renderer-files';

export interface BridgeOptions {
  app: App;
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  /** The token kept from the last start (kept-launch.ts), or a fixed one for tests; a fresh random one when absent. */
  token?: string;
}

export interface Bridge {
  /** The address to open: it carries the launch token. */
  launchUrl: string;
  origin: string;
  port: number;
  token: string;
  /** Bytes written to event streams that the sockets have not taken yet (diagnostics, tests). */
  eventBacklogBytes(): number;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
};

/** An event stream whose client stops reading is cut rather than buffered without end. */
const MAX_STREAM_BACKLOG = 8 * 1024 * 1024;
const MAX_BODY = LIMITS.runbookBytes * 2 + 64 * 1024;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

/** The call name of /api/call/<name>; null when its percent-escapes do not decode (a bad request, not a crash). */
function callNameOf(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice('/api/call/'.length));
  } catch {
    return null;
  }
}

/** A body past MAX_BODY is read to its end (and dropped) up to this, so the sender gets the answer saying why; past it the connection is cut. */
const MAX_DRAINED = MAX_BODY * 2;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAINED) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      if (size <= MAX_BODY) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => (size > MAX_BODY ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/**
 * One browser tab's event stream. While its socket is full (`write` said
 * false), telemetry batches wait in `held`, merged "latest wins", and go out
 * as one batch on 'drain': a tab that cannot keep up gets the newest values
 * instead of a queue. Every other event is written at once, in order, and
 * never dropped; only a stream whose backlog passes MAX_STREAM_BACKLOG anyway
 * is cut (the page reconnects and reloads its state).
 */
interface EventStream {
  res: ServerResponse;
  held: BatchMerger | null;
}

function eventFrame(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function writeEvent(stream: EventStream, frame: string): void {
  const { res } = stream;
  if (res.destroyed) return;
  if (res.writableLength > MAX_STREAM_BACKLOG) {
    res.destroy();
    return;
  }
  if (res.write(frame) || stream.held) return;
  stream.held = new BatchMerger();
  res.once('drain', () => {
    const batch = stream.held?.take() ?? null;
    stream.held = null;
    if (batch) writeEvent(stream, eventFrame('telemetryBatch', batch));
  });
}

export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { app } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  const streams = new Map<ServerResponse, EventStream>();
  let port = 0;

  const unsubscribe = app.events.subscribe((name, payload) => {
    const frame = eventFrame(name, payload);
    for (const stream of streams.values()) {
      if (name === 'telemetryBatch' && stream.held) {
        stream.held.add(payload as TelemetryBatch);
        continue;
      }
      writeEvent(stream, frame);
    }
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict = guardRequest({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers }, { token, port });
    if (verdict.allow === false) {
      send(res, verdict.status, 'text/plain; charset=utf-8', `${verdict.reason}\n`);
      return;
    }
    if (verdict.allow === 'launch') {
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        Location: '/',
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Calls are POST requests.\n');
      // A JSON content type cannot be sent cross-origin without a preflight we never approve.
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(res, 415, 'text/plain; charset=utf-8', 'Calls carry JSON.\n');
      let input: unknown;
      try {
        const body = await readBody(req);
        input = body.length === 0 ? {} : JSON.parse(body);
      } catch (error) {
        const refusal =
          error instanceof BodyTooLarge
            ? { code: 'too-large', message: `The call is larger than browser mode's ${formatBytes(MAX_BODY)} limit for one call; a runbook may be at most ${formatBytes(LIMITS.runbookBytes)}.` }
            : { code: 'bad-input', message: 'The call body is not JSON.' };
        return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: refusal }));
      }
      const name = callNameOf(url.pathname);
      if (name === null) {
        const raw = url.pathname.slice('/api/call/'.length, '/api/call/'.length + 80);
        return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: { code: 'bad-input', message: `The call name "${raw}" has a malformed percent-escape.` } }));
      }
      const result = await app.call(name, input);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }

    if (url.pathname === '/api/events') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      // A beat at once: a tab that reconnects after a restart knows main is back without waiting a second.
      res.write(eventFrame('heartbeat', app.heartbeat.current()));
      streams.set(res, { res, held: null });
      req.on('close', () => streams.delete(res));
      res.on('close', () => streams.delete(res));
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Not allowed.\n');
    const file = await readStatic(options.staticDir, url.pathname);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found.\n');
    const cache: Record<string, string> = url.pathname.startsWith('/assets/') ? { 'Cache-Control': 'private, max-age=31536000, immutable' } : {};
    send(res, 200, file.type, req.method === 'HEAD' ? '' : file.body, cache);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      app.log.error('bridge request failed', error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error; see the log.\n');
      else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        launchUrl: `${origin}/?token=${token}`,
        origin,
        port,
        token,
        eventBacklogBytes: () => [...streams.keys()].reduce((sum, res) => sum + res.writableLength, 0),
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const res of streams.keys()) res.end();
            streams.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
