#!/usr/bin/env node
/**
 * The bundled demo environment: a small shop service on 127.0.0.1 that the
 * demo runbook's profile probes, so a newcomer sees live graphs before
 * configuring anything. Plain Node, no dependencies, no build:
 *
 *   node resources/demo-env/server.mjs [--port 4810] [--faulty checkout_v2] [--seed N] [--rate 75]
 *
 *   GET  /health                          {"status":"ok"}; slow while the faulty flag is far out
 *   GET  /metrics                         Prometheus text: requests, latency histogram, cache, db pool
 *   GET  /api/admin/feature-flags         every flag
 *   GET  /api/admin/feature-flags/NAME    one flag
 *   PUT|PATCH /api/admin/feature-flags/NAME  {"percentage": 0..100}
 *
 * It generates its own traffic (traffic.mjs); rolling out the faulty flag
 * raises the error rate and latency, turning it off brings them back.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { FlagStore } from './flags.mjs';
import { CONTENT_TYPE, ShopMetrics } from './metrics.mjs';
import { seededRandom } from './random.mjs';
import { healthDelayMs, TrafficModel } from './traffic.mjs';

const USAGE = 'usage: node resources/demo-env/server.mjs [--port 4810] [--faulty FLAG] [--seed N] [--rate REQUESTS_PER_SECOND]';
const FLAG_PATH = /^\/api\/admin\/feature-flags\/([A-Za-z0-9_.:-]{1,128})$/;
const MAX_BODY = 16 * 1024;
const TICK_MS = 100;
/** Counters start with this much simulated history, so rates and quantiles have data from the first scrapes. */
const WARM_UP_MS = 30_000;

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string', default: '4810' }, faulty: { type: 'string', default: 'checkout_v2' }, seed: { type: 'string' }, rate: { type: 'string', default: '75' }, help: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0 picks a free one); got "${values.port}".\n${USAGE}`);
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(values.faulty)) fail(`--faulty must be a flag name (letters, digits, "_", ".", ":" or "-"); got "${values.faulty}".`);
  const seed = values.seed === undefined ? Date.now() : Number(values.seed);
  if (!Number.isFinite(seed)) fail(`--seed must be a number; got "${values.seed}".`);
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 1 || rate > 5000) fail(`--rate must be a number of requests per second from 1 to 5000; got "${values.rate}".`);
  return { port, faulty: values.faulty, seed, rate };
}

function fail(message) {
  process.stderr.write(`demo environment: ${message}\n`);
  process.exit(2);
}

function json(res, status, value) {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return resolve({ error: `The body is larger than ${MAX_BODY} bytes.` });
      try {
        resolve({ value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ error: 'The body is not JSON; send {"percentage": N} with N from 0 to 100.' });
      }
    });
    req.on('error', () => resolve({ error: 'The request was cut off.' }));
  });
}

function main() {
  const { port, faulty, seed, rate } = options();
  const flags = new FlagStore(faulty);
  const metrics = new ShopMetrics();
  const traffic = new TrafficModel(seededRandom(seed), flags, metrics, rate);
  traffic.warmUp(Date.now(), WARM_UP_MS);
  const ticker = setInterval(() => traffic.tick(Date.now()), TICK_MS);
  const pending = new Set();

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const method = req.method ?? 'GET';

    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        json(res, 200, { status: 'ok' });
      }, healthDelayMs(flags.faultyShare()));
      pending.add(timer);
      return;
    }
    if (path === '/metrics' && method === 'GET') {
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' });
      res.end(metrics.render());
      return;
    }
    if (path === '/api/admin/feature-flags' && method === 'GET') return json(res, 200, { flags: flags.all() });

    const match = FLAG_PATH.exec(path);
    if (match) {
      const name = match[1];
      if (method === 'GET') {
        const flag = flags.get(name);
        return flag ? json(res, 200, flag) : json(res, 404, { error: `There is no feature flag named "${name}".` });
      }
      if (method === 'PUT' || method === 'PATCH') {
        const body = await readJson(req);
        if (body.error) return json(res, 400, { error: body.error });
        const result = flags.update(name, body.value);
        if (result.error) return json(res, result.status, { error: result.error });
        if (result.before !== result.flag.percentage) process.stdout.write(`flag ${name}: ${result.before}% -> ${result.flag.percentage}%\n`);
        return json(res, 200, result.flag);
      }
      res.setHeader('Allow', 'GET, PUT, PATCH');
      return json(res, 405, { error: `${method} is not allowed here; use GET, PUT or PATCH.` });
    }
    json(res, 404, { error: `Nothing at ${method} ${path}. Try /health, /metrics or /api/admin/feature-flags.` });
  });

  server.on('error', (error) => {
    clearInterval(ticker);
    const reason = error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message;
    process.stderr.write(`demo environment: cannot listen on 127.0.0.1:${port}: ${reason}.\n`);
    process.exit(1);
  });

  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`demo environment listening on http://127.0.0.1:${server.address().port}\n`);
    process.stdout.write(`rolling out ${faulty} makes the shop slower and less reliable; setting it to 0 recovers\n`);
  });

  const shutdown = () => {
    clearInterval(ticker);
    for (const timer of pending) clearTimeout(timer);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // A client that never lets go must not keep the process alive.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
