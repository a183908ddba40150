/**
 * `flightdeck flag get|set|settle` in-process with a capturing Io, against
 * a real redis-server and a local admin API: exit 0 only for ok, 1 for
 * failed or unknown, 2 for bad input; secrets from the environment only.
 */
import { captureIo, profileArg, trustFile } from '../support/cli';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagCommand } from '../../src/main/cli/flag-commands';
import { readJournalFile } from '../../src/main/services/journal/journal';
import { Session } from '../../src/main/services/session/session';
import { tempDir } from '../support/app';
import { canaryLeaks } from '../support/canary';
import { startHttpTarget } from '../support/http-targets';
import { startFlagAdminApi, type FlagAdminApi } from '../support/platform-apis';
import { startRedis, type RedisServer } from '../support/servers';
import { waitFor } from '../support/wait';

const TOKEN = 'canary-cli-admin-token-31337';

const capture = captureIo;

/** The admin token, scoped to the admin API's origin as an operator would: FLIGHTDECK_SECRET_<NAME>_SCOPE. */
const tokenEnv = (): NodeJS.ProcessEnv => ({ FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN, FLIGHTDECK_SECRET_ADMIN_TOKEN_SCOPE: api.url });

/** `flightdeck flag` in-process; a --profile is approved first (flightdeck trust --yes) unless `trusted` is false. */
async function flag(args: string[], env: NodeJS.ProcessEnv = {}, { trusted = true } = {}) {
  const io = capture();
  const profile = profileArg(args);
  if (trusted && profile && existsSync(profile)) await trustFile(profile, join(work.path, 'home'));
  const code = await flagCommand(args, io, { env: { FLIGHTDECK_HOME: join(work.path, 'home'), ...env } });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

let work: ReturnType<typeof tempDir>;
let redis: RedisServer;
let admin: Redis;
let api: FlagAdminApi;
let profile: string;

beforeAll(async () => {
  work = tempDir('flightdeck-flags-cli-');
  redis = await startRedis();
  admin = new Redis(redis.url);
  api = await startFlagAdminApi({ token: TOKEN, flags: { checkout_v2: { percentage: 0 } } });
  profile = join(work.path, 'shop.flightdeck.yaml');
  writeFileSync(
    profile,
    [
      'environment: production',
      'flags:',
      '  - name: checkout_v2',
      '    backend:',
      '      type: http',
      `      url: ${api.url}/api/admin/feature-flags/checkout_v2`,
      '      headers:',
      '        Authorization: { secret: ADMIN_TOKEN, prefix: "Bearer " }',
      '    timeoutMs: 500',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  admin.disconnect();
  redis.thaw();
  await redis.stop();
  await api.close();
  work.remove();
});

const redisArgs = () => ['--backend', 'redis', '--url', redis.url, '--key', 'flags:cli'];

describe('flightdeck flag, directly on redis', () => {
  it('sets and gets a key, journaling into --log, exit 0', async () => {
    await admin.set('flags:cli', '10');
    const log = join(work.path, 'log-direct');
    const set = await flag(['set', ...redisArgs(), '--value', '50', '--by', 'rm', '--log', log, '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ flag: 'flags:cli', from: '10', to: '50', outcome: 'ok', message: 'set to 50 and read back 50', journal: `log ${log}` });
    expect(await admin.get('flags:cli')).toBe('50');
    const entries = readJournalFile(join(log, 'journal.jsonl')).entries;
    expect(entries.map((e) => [e.type, e.by])).toEqual([
      ['action.started', 'rm'],
      ['action.finished', 'rm'],
    ]);
    const get = await flag(['get', ...redisArgs(), '--json']);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ value: '50', error: null });
  });

  it('without --log or --session, journals into a new log under the data directory and says where', async () => {
    const set = await flag(['set', ...redisArgs(), '--value', '20']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('flags:cli: ok — set to 20 and read back 20');
    const actions = join(work.path, 'home', 'actions');
    const [dir] = readdirSync(actions);
    expect(set.stderr).toContain(`journaled in log ${join(actions, dir!)}`);
    expect(existsSync(join(actions, dir!, 'journal.jsonl'))).toBe(true);
  });

  it('a frozen server: exit 1 with "unknown", and `flag settle` reads it back after the thaw, exit 0', async () => {
    await admin.set('flags:cli', '10');
    const log = join(work.path, 'log-frozen');
    redis.freeze();
    const started = performance.now();
    const set = await flag(['set', ...redisArgs(), '--value', '0', '--timeout', '300', '--log', log]);
    redis.thaw();
    expect(set.code).toBe(1);
    expect(set.stdout).toContain('flags:cli: unknown —');
    // The CLI reads the current value first (300 ms deadline), then writes and reads back (300 ms each).
    expect(performance.now() - started).toBeLessThan(3 * 300 + 400);
    // The SET waited in the frozen server's socket buffer and ran on thaw.
    await waitFor('flags:cli back at 0', async () => (await admin.get('flags:cli')) === '0', 5000);
    const settle = await flag(['settle', ...redisArgs(), '--log', log, '--json']);
    expect(settle.code).toBe(0);
    expect(JSON.parse(settle.stdout).actions).toEqual([expect.objectContaining({ outcome: 'ok', to: '0' })]);
    expect(readJournalFile(join(log, 'journal.jsonl')).entries.map((e) => e.type)).toEqual(['action.started', 'action.finished', 'action.settled']);
    // Settled: a second settle has nothing left to do.
    const again = await flag(['settle', ...redisArgs(), '--log', log]);
    expect(again.stdout).toContain('no unknown writes to settle');
  });

  it('a dead server: exit 1 with "failed"', async () => {
    const dead = await startRedis();
    await dead.kill();
    const set = await flag(['set', '--backend', 'redis', '--url', dead.url, '--key', 'k', '--value', '1', '--log', join(work.path, 'log-dead')]);
    expect(set.code).toBe(1);
    expect(set.stdout).toMatch(/k: failed — not written: .*could not connect/);
    await dead.stop();
  });

  it('sends a --bearer-secret to the --url typed on the command line, and only there, without a _SCOPE variable', async () => {
    const url = `${api.url}/api/admin/feature-flags/checkout_v2`;
    const before = api.requests.length;
    const get = await flag(['get', '--backend', 'http', '--url', url, '--field', 'percentage', '--bearer-secret', 'ADMIN_TOKEN'], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN });
    expect(get.code, get.stderr).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // A scope the operator set still wins over what was typed.
    const scoped = await flag(['get', '--backend', 'http', '--url', url, '--field', 'percentage', '--bearer-secret', 'ADMIN_TOKEN'], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN, FLIGHTDECK_SECRET_ADMIN_TOKEN_SCOPE: 'https://flags.example.com' });
    expect(scoped.code).toBe(2);
    expect(scoped.stderr).toContain(`refused for ${api.url}`);
    expect(api.requests.length).toBe(before + 1);
  });

  it('refuses a password in the URL, before connecting: exit 2', async () => {
    const set = await flag(['set', '--backend', 'redis', '--url', `redis://:hunter2secret@127.0.0.1:${redis.port}`, '--key', 'k', '--value', '1']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('--password-secret NAME');
    expect(set.stderr).not.toContain('hunter2secret');
  });

  it('bad input exits 2 naming what is wrong', async () => {
    expect((await flag(['set', ...redisArgs()])).stderr).toContain('give either --percent N or --value V');
    const pct = await flag(['set', ...redisArgs(), '--percent', '150']);
    expect(pct.code).toBe(2);
    expect(pct.stderr).toContain('--percent must be a number from 0 to 100, not "150"');
    expect((await flag(['set', '--backend', 'mongo', '--url', 'x', '--value', '1'])).code).toBe(2);
    expect((await flag(['set', '--backend', 'redis', '--url', 'http://nope', '--key', 'k', '--value', '1'])).stderr).toContain('--url must be a redis:// or rediss:// URL');
    expect((await flag(['frob'])).code).toBe(2);
    expect((await flag(['get', '--bogus'])).code).toBe(2);
  });
});

describe('flightdeck flag, with a profile', () => {
  it('sets a percentage with the token from FLIGHTDECK_SECRET_ADMIN_TOKEN, exit 0', async () => {
    const set = await flag(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '50', '--log', join(work.path, 'log-profile')], tokenEnv());
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('checkout_v2: ok — set to 50 and read back 50');
    expect(api.flags.get('checkout_v2')!.percentage).toBe(50);
    expect(api.requests.at(-2)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(set.stdout + set.stderr).not.toContain(TOKEN);
  });

  it('names the environment variable when the secret is missing, and sends nothing: exit 2', async () => {
    const before = api.requests.length;
    const set = await flag(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '10']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('export FLIGHTDECK_SECRET_ADMIN_TOKEN');
    expect(api.requests.length).toBe(before);
  });

  it("sends a profile's secret only where the approval or FLIGHTDECK_SECRET_<NAME>_SCOPE says; an unapproved profile or a scope elsewhere sends nothing: exit 2", async () => {
    const fresh = join(work.path, 'fresh.flightdeck.yaml');
    writeFileSync(fresh, readFileSync(profile, 'utf8'));
    const before = api.requests.length;
    const unapproved = await flag(['get', '--profile', fresh, '--flag', 'checkout_v2'], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN }, { trusted: false });
    expect(unapproved.code).toBe(2);
    expect(unapproved.stderr).toContain(`flightdeck trust ${fresh}`);
    const elsewhere = await flag(['get', '--profile', profile, '--flag', 'checkout_v2'], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN, FLIGHTDECK_SECRET_ADMIN_TOKEN_SCOPE: 'https://flags.example.com' });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`may be sent only to https://flags.example.com; it was refused for ${api.url}`);
    expect(unapproved.stdout + unapproved.stderr + elsewhere.stdout + elsewhere.stderr).not.toContain(TOKEN);
    expect(api.requests.length).toBe(before);
    // Approved, with no scope of its own: the approval vouches for exactly this destination.
    const approved = await flag(['get', '--profile', profile, '--flag', 'checkout_v2'], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN });
    expect(approved.code, approved.stderr).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses 150% before any request: exit 2', async () => {
    const before = api.requests.length;
    const set = await flag(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '150'], tokenEnv());
    expect(set.code).toBe(2);
    expect(api.requests.length).toBe(before);
  });

  it('a 500 from the app that answers every read with 500 too: exit 1 with "unknown", never "failed" without evidence', async () => {
    api.failWith = 500;
    try {
      const set = await flag(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '0', '--log', join(work.path, 'log-500')], tokenEnv());
      expect(set.code).toBe(1);
      expect(set.stdout).toContain('checkout_v2: unknown — the write of 0 was answered with an error');
      expect(set.stdout).toContain('answered 500');
    } finally {
      api.failWith = null;
    }
  });

  it("a backend that echoes the token back in base64 and URL form: neither the output nor the action log's journal holds it", async () => {
    const echo = await startHttpTarget((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `rejected ${Buffer.from(`svc:${token}`).toString('base64')} ${encodeURIComponent(token)}` }));
    });
    try {
      const echoing = join(work.path, 'echo.flightdeck.yaml');
      writeFileSync(echoing, readFileSync(profile, 'utf8').replace(`${api.url}/api/admin/feature-flags/checkout_v2`, `${echo.url}/flag`));
      const log = join(work.path, 'log-echo');
      const set = await flag(['set', '--profile', echoing, '--flag', 'checkout_v2', '--percent', '10', '--log', log], { FLIGHTDECK_SECRET_ADMIN_TOKEN: TOKEN });
      expect(set.code).toBe(1);
      expect(set.stdout).toContain('answered 500: rejected ');
      const journal = readFileSync(join(log, 'journal.jsonl'), 'utf8');
      expect(journal).toContain('«secret:admin_token»');
      expect(canaryLeaks(journal, TOKEN)).toEqual([]);
      expect(canaryLeaks(set.stdout + set.stderr, TOKEN)).toEqual([]);
    } finally {
      await echo.close();
    }
  });

  it('an unknown flag names the profile file: exit 2', async () => {
    const get = await flag(['get', '--profile', profile, '--flag', 'nope'], tokenEnv());
    expect(get.code).toBe(2);
    expect(get.stderr).toContain(`${profile}: has no flag "nope" (it has checkout_v2)`);
  });

  it('journals into an existing session with --session', async () => {
    const dir = join(work.path, 'session');
    Session.create(dir, { name: 'shop.md', path: null, sha256: '0'.repeat(64), title: 'Shop' }, '# Shop\n', 'rm').close();
    api.flags.get('checkout_v2')!.percentage = 50; // this test's own starting point, whatever ran before
    const set = await flag(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '10', '--by', 'rm', '--session', dir], tokenEnv());
    expect(set.code).toBe(0);
    const session = Session.open(dir);
    try {
      const types = session.entries().map((e) => e.type);
      expect(types).toEqual(['session.started', 'action.started', 'action.finished']);
      expect(session.entries()[1]!.data).toMatchObject({ kind: 'flag', inputs: { flag: 'checkout_v2', from: '50', to: '10' } });
    } finally {
      session.close();
    }
  });
});
