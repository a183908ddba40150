/**
 * Misbehaving HTTP(S) servers on loopback for probe tests: one that never
 * sends headers, one that stalls mid-body, one that streams without end,
 * redirects, a plain 500, and a self-signed HTTPS server. Each is a real
 * node:http server; `close()` cuts the connections it is holding open.
 */
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HttpTarget {
  port: number;
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** The host name in `url`: "localhost" makes a different origin from "127.0.0.1" on the same port. */
  urlHost?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export async function startHttpTarget(handler: RequestListener, options: TargetOptions = {}): Promise<HttpTarget> {
  let requests = 0;
  const counted: RequestListener = (req, res) => {
    requests++;
    handler(req, res);
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, counted) : createHttpServer(counted);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${options.urlHost ?? '127.0.0.1'}:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const behaviours = {
  answers:
    (status: number, body = 'ok', headers: Record<string, string> = {}): RequestListener =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    },

  /** Accepts the request and never answers. */
  neverSendsHeaders: (): RequestListener => () => undefined,

  /** Promises 1000 bytes, sends a few, then goes silent. */
  stallsMidBody: (): RequestListener => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    res.write('ok, and the rest is coming');
  },

  /** Sends a chunk every `everyMs` forever (chunked, no end). */
  streamsWithoutEnd:
    (everyMs = 20): RequestListener =>
    (req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('still streaming\n'), everyMs);
      req.socket.once('close', () => clearInterval(timer));
    },

  redirectsTo:
    (location: string, status = 302): RequestListener =>
    (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    },

  /** /a redirects to /b and /b back to /a. */
  redirectLoop: (): RequestListener => (req, res) => {
    res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' });
    res.end();
  },

  /** Serves whatever `text()` returns as a Prometheus exposition. */
  metrics:
    (text: () => string): RequestListener =>
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(text());
    },
};
