/**
 * A browser tab that stops reading its event stream (a frozen tab, a slow
 * renderer) must not make main queue telemetry without end: the bridge holds
 * telemetry batches merged while the socket is full and sends the newest
 * values once it drains. Other events still arrive, all of them, in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { cookieName } from '../../src/main/bridge/request-guard';
import { startBridge, type Bridge } from '../../src/main/bridge/server';
import type { TelemetryBatch } from '../../src/shared/telemetry-model';
import { tempDir, testApp } from '../support/app';
import { waitFor } from '../support/wait';

let app: App;
let bridge: Bridge;
const data = tempDir();
const site = tempDir();

beforeAll(async () => {
  mkdirSync(join(site.path, 'assets'));
  writeFileSync(join(site.path, 'index.html'), '<!doctype html><title>Flightdeck</title>');
  app = testApp(data.path);
  // A runbook without a profile: no probes, so every telemetry batch on the stream is one this test emits.
  const runbook = join(data.path, 'plain.md');
  writeFileSync(runbook, '# Plain\n\n## Phase\n\n- [ ] one item\n');
  await app.cockpit.startup(runbook);
  expect((await app.cockpit.state()).runbook?.title).toBe('Plain');
  bridge = await startBridge({ app, staticDir: site.path });
});

afterAll(async () => {
  await bridge.close();
  await app.close();
  data.remove();
  site.remove();
});

interface SseEvent {
  event: string;
  data: unknown;
}

/** An event-stream client that parses frames and can stop reading its socket. */
async function subscribe(): Promise<{ res: IncomingMessage; events: SseEvent[]; bytes: () => number }> {
  const cookie = `${cookieName(bridge.port)}=${bridge.token}`;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path: '/api/events', headers: { host: `127.0.0.1:${bridge.port}`, cookie } }, resolve);
    req.on('error', reject);
    req.end();
  });
  const events: SseEvent[] = [];
  let buffer = '';
  let bytes = 0;
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(frame)?.[1];
      const payload = /^data: (.*)$/m.exec(frame)?.[1];
      if (name && payload) events.push({ event: name, data: JSON.parse(payload) });
    }
  });
  return { res, events, bytes: () => bytes };
}

const SERIES = Array.from({ length: 50 }, (_, i) => `probe-${i}/error_rate`);

function batch(n: number): TelemetryBatch {
  return {
    at: 1_700_000_000_000 + n * 50,
    series: SERIES.map((id) => ({ id, probe: id.split('/')[0]!, metric: 'error_rate', label: 'Error rate', unit: '%' })),
    points: Object.fromEntries(SERIES.map((id, s) => [id, [[1_700_000_000_000 + n * 50, n + s / 100]]])),
    probes: [],
    markers: [],
  };
}

describe('event stream backpressure', () => {
  it('keeps the backlog bounded while a tab stops reading, then delivers the newest values and every other event in order', async () => {
    const client = await subscribe();
    await waitFor('stream open', () => client.bytes() > 0, 20_000);
    client.res.pause();

    const total = 5000;
    const frameBytes = `event: telemetryBatch\ndata: ${JSON.stringify(batch(total))}\n\n`.length;
    let maxBacklog = 0;
    let commands = 0;
    for (let n = 1; n <= total; n++) {
      app.events.emit('telemetryBatch', batch(n));
      if (n % 100 === 0) app.events.emit('commandOutput', { actionId: 'a1', stream: 'stdout', text: `line ${++commands}` });
      maxBacklog = Math.max(maxBacklog, bridge.eventBacklogBytes());
      // Let the socket take what it can, as it would between real emits.
      if (n % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const emittedBytes = total * frameBytes;
    // 5000 batches of ~8 KB is ~40 MB; what main holds for the stalled tab stays under 1 MB.
    expect(emittedBytes).toBeGreaterThan(30 * 1024 * 1024);
    expect(maxBacklog).toBeLessThan(1024 * 1024);

    client.res.resume();
    const newest = batch(total).points;
    await waitFor('the newest values', () => {
      const last = client.events.filter((e) => e.event === 'telemetryBatch').at(-1)?.data as TelemetryBatch | undefined;
      return last?.points[SERIES[0]!]?.at(-1)?.[1] === total;
    }, 20_000);
    const received = client.events.filter((e) => e.event === 'telemetryBatch').map((e) => e.data as TelemetryBatch);
    const last = received.at(-1)!;
    for (const id of SERIES) expect(last.points[id]!.at(-1)).toEqual(newest[id]![0]);
    for (const id of SERIES) expect(last.points[id]!.length).toBeLessThanOrEqual(120);
    expect(last.series.map((s) => s.id)).toEqual(SERIES);
    // Far fewer events than were emitted reached the tab, and far fewer bytes.
    expect(received.length).toBeLessThan(total / 2);
    expect(client.bytes()).toBeLessThan(emittedBytes / 2);
    // Other events are never merged or dropped, and keep their order.
    const lines = client.events.filter((e) => e.event === 'commandOutput').map((e) => (e.data as { text: string }).text);
    expect(lines).toEqual(Array.from({ length: commands }, (_, i) => `line ${i + 1}`));

    // And the stream carries on normally.
    app.events.emit('telemetryBatch', batch(total + 1));
    // Other services' events (gate evaluations) may follow it: look at the last batch, not the last event.
    const lastBatch = () => client.events.filter((e) => e.event === 'telemetryBatch').at(-1)?.data as TelemetryBatch | undefined;
    await waitFor('a live batch after the catch-up', () => lastBatch()?.at === batch(total + 1).at, 20_000);
    client.res.destroy();
  });
});
