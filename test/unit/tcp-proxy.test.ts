/**
 * The partition proxy the team tests use (test/support/tcp-proxy.ts),
 * against a real loopback echo server: it passes bytes, `cut` ends an open
 * connection and new ones get nothing through, `restore` lets them
 * through again.
 */
import { spawnSync } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';
import { netnsAvailable, startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
  echoPort = (echo.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** Sends `text` and resolves with the echo, or with why none came ('closed' or 'silent' after `silentMs`). */
function roundTrip(port: number, text: string, silentMs = 1000): Promise<{ reply: string | null; outcome: 'echoed' | 'closed' | 'silent'; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => resolve({ reply: null, outcome: 'silent', socket }), silentMs);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      got += chunk.toString();
      if (got === text) {
        clearTimeout(timer);
        resolve({ reply: got, outcome: 'echoed', socket });
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply: null, outcome: 'closed', socket });
    });
    socket.write(text);
  });
}

describe('tcp proxy', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(echoPort);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('passes bytes, ends open connections on cut, refuses new ones, and lets them through after restore', async () => {
    const first = await roundTrip(proxy.port, 'hello');
    expect(first.outcome).toBe('echoed');
    expect(proxy.open()).toBe(1);

    const closed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
    proxy.cut();
    await closed;
    expect(proxy.open()).toBe(0);

    const refused = await roundTrip(proxy.port, 'anyone?', 5000);
    expect(refused.outcome).toBe('closed');

    proxy.restore();
    const again = await roundTrip(proxy.port, 'back');
    expect(again.outcome).toBe('echoed');
    again.socket.destroy();
  });

  it('blackholes new connections while cut: nothing comes back, the socket stays open', async () => {
    proxy.cut({ blackhole: true });
    const held = await roundTrip(proxy.port, 'lost', 300);
    expect(held.outcome).toBe('silent');
    const ended = new Promise<void>((resolve) => held.socket.once('close', () => resolve()));
    proxy.restore();
    await ended;
    const again = await roundTrip(proxy.port, 'found');
    expect(again.outcome).toBe('echoed');
    again.socket.destroy();
  });

  it('freezes: an open connection goes silent without closing, and resumes with what was sent once restored', async () => {
    const first = await roundTrip(proxy.port, 'one');
    expect(first.outcome).toBe('echoed');
    proxy.freeze();
    let got = '';
    let closed = false;
    first.socket.on('data', (chunk) => (got += chunk.toString()));
    first.socket.on('close', () => (closed = true));
    first.socket.write('two');
    const held = await roundTrip(proxy.port, 'new', 300);
    expect(held.outcome).toBe('silent');
    expect(got).toBe('');
    expect(closed).toBe(false);
    proxy.restore();
    await waitFor('the frozen bytes to arrive', () => got === 'two');
    first.socket.destroy();
    held.socket.destroy();
  });

  it('says whether network namespaces can be made here, leaving none behind', () => {
    const available = netnsAvailable();
    if (process.getuid?.() !== 0) expect(available).toBe(false);
    if (available) expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain('flightdeck-probe-');
  });
});
