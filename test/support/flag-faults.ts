/**
 * An application's flag admin API on loopback (GET / PUT of
 * {"percentage": N}) whose writes can be given a fault, one write at a
 * time, and which tells a test when things happen instead of making it
 * sleep: `onWire` when the faulty PUT has arrived, `landed` when its value
 * was applied. Faults, as met in the field:
 *
 * - hang: never answers and never applies it;
 * - apply-then-500: applies it, then answers 500;
 * - ack-then-apply-later: answers 200 at once, applies it on `release()`;
 * - apply-after-deadline: holds the request, applies it (and answers,
 *   to whoever still listens) on `release()`.
 *
 * With `etags: true` every answer carries the ETag of the value, and a
 * write with If-Match is applied only while that still matches, checked
 * when the write is applied (a held write that lost the race gets 412 and
 * changes nothing).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FlagFault = 'hang' | 'apply-then-500' | 'ack-then-apply-later' | 'apply-after-deadline';

export interface HeldWrite {
  /** The faulty PUT has reached the server. */
  onWire: Promise<void>;
  /** Its value was applied (never, for hang or a 412). */
  landed: Promise<void>;
  /** What the server did with it in the end: applied, or refused (412) when its If-Match no longer held. */
  outcome: Promise<'applied' | 'refused'>;
  /** Applies a held write now (ack-then-apply-later, apply-after-deadline). */
  release(): void;
}

export interface FaultyFlagApi {
  /** The flag resource's URL. */
  url: string;
  value(): number;
  /** Sets the value as someone outside Flightdeck would. */
  set(value: number): void;
  /** The next PUT of `value` gets `fault`. */
  fault(value: number, fault: FlagFault): HeldWrite;
  /** Every value change with its wall-clock time (performance.now()), oldest first. */
  history: Array<{ value: number; at: number }>;
  /** Resolves the next time the flag holds `value` (at once when it does). */
  whenValue(value: number): Promise<number>;
  close(): Promise<void>;
}

interface Armed {
  fault: FlagFault;
  wire: () => void;
  land: () => void;
  refuse: () => void;
  release: () => void;
  released: Promise<void>;
}

export async function startFaultyFlagApi(options: { initial?: number; etags?: boolean } = {}): Promise<FaultyFlagApi> {
  let percentage = options.initial ?? 10;
  let version = 1;
  const armed = new Map<number, Armed>();
  const history: Array<{ value: number; at: number }> = [{ value: percentage, at: performance.now() }];
  const waiters: Array<{ value: number; resolve: (at: number) => void }> = [];
  const etag = () => `"v${version}"`;
  const apply = (value: number) => {
    percentage = value;
    version++;
    const at = performance.now();
    history.push({ value, at });
    for (const w of waiters.splice(0)) {
      if (w.value === value) w.resolve(at);
      else waiters.push(w);
    }
  };
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...(options.etags ? { etag: etag() } : {}) });
    res.end(text);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'GET') return answer(res, 200, { name: 'checkout_v2', percentage });
      const wanted = (JSON.parse(text) as { percentage: number }).percentage;
      const ifMatch = options.etags ? req.headers['if-match'] : undefined;
      // Checked when the write is applied, as a server that queues work does.
      const applyChecked = (): boolean => {
        if (typeof ifMatch === 'string' && ifMatch !== etag()) return false;
        apply(wanted);
        return true;
      };
      const item = armed.get(wanted);
      if (!item) {
        if (!applyChecked()) return answer(res, 412, { error: 'precondition failed' });
        return answer(res, 200, { name: 'checkout_v2', percentage });
      }
      armed.delete(wanted);
      item.wire();
      switch (item.fault) {
        case 'hang':
          return;
        case 'apply-then-500':
          if (applyChecked()) item.land();
          else item.refuse();
          return answer(res, 500, { error: 'Internal Server Error' });
        case 'ack-then-apply-later':
          answer(res, 200, { name: 'checkout_v2', percentage });
          void item.released.then(() => {
            if (applyChecked()) item.land();
            else item.refuse();
          });
          return;
        case 'apply-after-deadline':
          void item.released.then(() => {
            if (applyChecked()) {
              item.land();
              answer(res, 200, { name: 'checkout_v2', percentage });
            } else {
              item.refuse();
              answer(res, 412, { error: 'precondition failed' });
            }
          });
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/admin/feature-flags/checkout_v2`,
    value: () => percentage,
    set: (value) => apply(value),
    history,
    fault(value, fault) {
      let wire!: () => void;
      let land!: () => void;
      let release!: () => void;
      let settle!: (how: 'applied' | 'refused') => void;
      const onWire = new Promise<void>((resolve) => (wire = resolve));
      const landed = new Promise<void>((resolve) => (land = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const outcome = new Promise<'applied' | 'refused'>((resolve) => (settle = resolve));
      const item: Armed = {
        fault,
        wire,
        land: () => {
          land();
          settle('applied');
        },
        refuse: () => settle('refused'),
        release,
        released,
      };
      armed.set(value, item);
      return { onWire, landed, outcome, release };
    },
    whenValue: (value) => (percentage === value ? Promise.resolve(performance.now()) : new Promise((resolve) => waiters.push({ value, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
