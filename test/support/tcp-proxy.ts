/**
 * A loopback TCP proxy a test can cut and restore: the partition of issue
 * 16 (a laptop's path to the team store) on a machine where network
 * namespaces may not be available. `cut()` destroys every open connection
 * both ways and then refuses new ones (accepted and reset at once) or,
 * with `{ blackhole: true }`, holds them open without a byte passing.
 * `freeze()` is a dropped network: open connections stay open but go
 * silent both ways (nothing is reset, so only a deadline notices), and new
 * ones are held. `restore()` lets bytes through again: frozen connections
 * resume with what was buffered, as TCP does after a short outage.
 */
import { spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  cut(options?: { blackhole?: boolean }): void;
  freeze(): void;
  restore(): void;
  /** Connections currently passing through (both sockets open). */
  open(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const held = new Set<Socket>();
  let state: 'open' | 'refuse' | 'blackhole' | 'frozen' = 'open';

  const server: Server = createServer((inbound) => {
    inbound.on('error', () => undefined);
    if (state === 'refuse') {
      inbound.resetAndDestroy();
      return;
    }
    if (state === 'blackhole' || state === 'frozen') {
      held.add(inbound);
      inbound.on('close', () => held.delete(inbound));
      return;
    }
    const outbound = connect(targetPort, targetHost);
    outbound.on('error', () => undefined);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('close', drop);
    outbound.on('close', drop);
    flow(pair);
  });

  const flow = ([inbound, outbound]: [Socket, Socket]): void => {
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  };
  const stall = ([inbound, outbound]: [Socket, Socket]): void => {
    inbound.unpipe(outbound);
    outbound.unpipe(inbound);
    inbound.pause();
    outbound.pause();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcp proxy: no port');

  const dropAll = (): void => {
    for (const [inbound, outbound] of [...pairs]) {
      inbound.resetAndDestroy();
      outbound.resetAndDestroy();
    }
    pairs.clear();
  };

  return {
    port: address.port,
    cut: (options = {}) => {
      state = options.blackhole ? 'blackhole' : 'refuse';
      dropAll();
    },
    freeze: () => {
      state = 'frozen';
      for (const pair of pairs) stall(pair);
    },
    restore: () => {
      if (state === 'frozen') for (const pair of pairs) flow(pair);
      state = 'open';
      // Held connections never get through: their clients gave up or will, as after a real outage.
      for (const socket of held) socket.destroy();
      held.clear();
    },
    open: () => pairs.size,
    close: async () => {
      dropAll();
      for (const socket of held) socket.destroy();
      held.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Whether this machine lets a test make network namespaces (root and
 * iproute2): tries to add one and deletes it again. The team tests use the
 * proxy either way and report which was available.
 */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const name = `flightdeck-probe-${process.pid}-${Date.now()}`;
  const added = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8', timeout: 5000 });
  if (added.error || added.status !== 0) return false;
  spawnSync('ip', ['netns', 'delete', name], { encoding: 'utf8', timeout: 5000 });
  return true;
}
