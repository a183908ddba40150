/**
 * The CLI's trust gate: `rollback`, `flag set` and `backup` through a
 * profile nobody approved exit 2 before any I/O (a loopback server sees no
 * request, no connection reaches the backup target, and the command step's
 * marker file is never written), naming the file and `flightdeck trust`.
 * After `flightdeck trust --yes` the same commands act. A changed profile
 * is refused again. Real loopback servers; commands run in-process.
 */
import { createServer, type Server } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../src/main/cli/backup-commands';
import { flagCommand } from '../../src/main/cli/flag-commands';
import { rollbackCommand } from '../../src/main/cli/rollback-commands';
import { trustCommand } from '../../src/main/cli/trust-command';
import { tempDir } from '../support/app';
import { captureIo } from '../support/cli';
import { programDir, writeProgram } from '../support/command-programs';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';

let work: ReturnType<typeof tempDir>;
let flags: HttpTarget;
let flagValue = 0;
let db: Server;
let dbConnections = 0;
let programs: string;
let profile: string;
let marker: string;

const env = () => ({ FLIGHTDECK_HOME: join(work.path, 'home'), USER: 'ops', PATH: `${programs}:${process.env.PATH ?? ''}`, FLIGHTDECK_SECRET_ADMIN_TOKEN: 'canary-trust-cli-token-4242' });
const noTerminal = { isTTY: false, question: () => Promise.reject(new Error('no terminal')) };
const noRunbooks = { loadFile: () => Promise.reject(new Error('profiles only here')) } as never;

function writeProfile(flagUrl: string): void {
  const dbPort = (db.address() as AddressInfo).port;
  writeFileSync(
    profile,
    `environment: production
flags:
  - name: checkout_v2
    backend: { type: http, url: "${flagUrl}/flags/checkout_v2", headers: { Authorization: { secret: admin-token } } }
commands:
  allow: [make-marker]
rollback:
  default: P0
  plans:
    - { name: P0, steps: [ { flag: checkout_v2, set: 0 }, { command: [make-marker, "${marker}"] } ] }
backups:
  - { name: cache, engine: redis, url: "redis://127.0.0.1:${dbPort}", dir: backups, timeoutSeconds: 5 }
`,
  );
}

async function run(command: (args: string[], io: ReturnType<typeof captureIo>) => Promise<number>, args: string[]) {
  const io = captureIo();
  const code = await command(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

const rollback = () => run((args, io) => rollbackCommand(args, io, { env: env(), input: noTerminal }), ['--profile', profile, '--yes']);
const flagSet = () => run((args, io) => flagCommand(args, io, { env: env() }), ['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '10']);
const backup = () => run((args, io) => backupCommand(args, io, { env: env() }), ['--profile', profile, 'cache']);
const trust = (...args: string[]) => run((a, io) => trustCommand(a, io, noRunbooks, { env: env(), input: noTerminal }), args);

beforeAll(async () => {
  work = tempDir('flightdeck-trust-cli-');
  programs = programDir();
  writeProgram(programs, 'make-marker', `require('node:fs').writeFileSync(process.argv[2], 'ran');`);
  marker = join(work.path, 'marker.txt');
  profile = join(work.path, 'prod.flightdeck.yaml');
  flags = await startHttpTarget((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'PUT') flagValue = (JSON.parse(body) as { percentage: number }).percentage;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ percentage: flagValue }));
    });
  });
  db = createServer((socket) => {
    dbConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
  writeProfile(flags.url);
});

afterAll(async () => {
  await flags?.close();
  await new Promise<void>((resolve) => (db ? db.close(() => resolve()) : resolve()));
  work?.remove();
});

describe('flightdeck and a profile nobody approved', () => {
  it('rollback, flag set and backup exit 2 before any I/O, naming the file and how to review it', async () => {
    for (const attempt of [rollback, flagSet, backup]) {
      const result = await attempt();
      expect(result.code).toBe(2);
      expect(result.err).toContain(profile);
      expect(result.err).toContain(`flightdeck trust ${profile}`);
    }
    expect(flags.requests).toBe(0);
    expect(dbConnections).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('without a terminal and without --yes, trust refuses with exit 2 and approves nothing', async () => {
    const refused = await trust(profile);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('NOT TRUSTED');
    expect(refused.out).toContain(`${flags.url} (flag checkout_v2) ← secrets: admin-token`);
    expect(refused.out).toContain(`["make-marker","${marker}"]`);
    expect((await rollback()).code).toBe(2);
  });

  it('after trust --yes they act; a changed profile is refused again and trust shows the change', async () => {
    const approved = await trust('--yes', profile);
    expect(approved.code).toBe(0);

    const rolled = await rollback();
    expect(rolled.code, rolled.err).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(flags.requests).toBeGreaterThan(0);

    const set = await flagSet();
    expect(set.code, set.err).toBe(0);
    expect(flagValue).toBe(10);

    await backup(); // the fake Redis hangs up: the backup fails, but it did try
    expect(dbConnections).toBeGreaterThan(0);

    writeProfile('http://127.0.0.1:9');
    const requestsBefore = flags.requests;
    const changed = await flagSet();
    expect(changed.code).toBe(2);
    expect(changed.err).toContain('changed since it was approved');
    const review = await trust(profile);
    expect(review.out).toContain('+ [Hosts it contacts] http://127.0.0.1:9 (flag checkout_v2)');
    expect(flags.requests).toBe(requestsBefore);

    const listed = await trust('--list');
    expect(listed.out).toContain(profile);
    expect((await trust('--revoke', profile)).code).toBe(0);
    expect((await trust('--list')).out).toContain('No approvals.');
  });
});
