/**
 * The team's single flight (issue 16) with real processes: two laptops
 * joined to one team session in a real PostgreSQL run `flightdeck rollback`
 * against one target. The target's log is a file each step appends to (a
 * real program the profile allowlists), so "each step once" is read off
 * the target, not off Flightdeck's own account. A holder cut off from the
 * store goes through a loopback TCP proxy the test cuts.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresTeamStore } from '../../src/main/services/team/team-store';
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import type { RollbackRun } from '../../src/shared/control-model';
import { BIN } from '../support/cli';
import { call, openTrusted, tempDir, testApp } from '../support/app';
import { trustFile } from '../support/cli';
import { programDir, writeProgram } from '../support/command-programs';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';
import { startFlagAdminApi, type FlagAdminApi } from '../support/platform-apis';
import { startPostgres, type PostgresServer } from '../support/servers';
import { person, TEAM_RUNBOOK, type Person } from '../support/team';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const PASSWORD = 'canary-team-rollback-pw-6060';
const ADMIN_TOKEN = 'canary-team-flag-admin-token-7070';

let pg: PostgresServer;
let work: ReturnType<typeof tempDir>;
let programs: string;
let gate: HttpTarget;
let flagApi: FlagAdminApi;
let healthy = true;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  pg = await startPostgres({ password: PASSWORD });
  work = tempDir('flightdeck-team-rollback-');
  programs = programDir();
  writeProgram(programs, 'append-line', `require('node:fs').appendFileSync(process.argv[2], process.argv[3] + '\\n'); console.log('appended');`);
  gate = await startHttpTarget((_req, res) => {
    res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'not yet');
  });
  flagApi = await startFlagAdminApi({ token: ADMIN_TOKEN, flags: { checkout_v2: { percentage: 50 } } });
  const store = openPostgresTeamStore({ url: pg.url('postgres'), password: PASSWORD, ssl: { mode: 'disable' } });
  await store.migrate();
  await store.close();
}, 60_000);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await gate?.close();
  await flagApi?.close();
  await pg?.stop();
  work?.remove();
  if (programs) rmSync(programs, { recursive: true, force: true });
});

let windows = 0;
/** Two people joined to a fresh team session, each trusting the same profile; the target's log is empty. */
async function window(adaThroughProxy: TcpProxy | null) {
  windows += 1;
  const root = join(work.path, `window-${windows}`);
  const session = `rollback-${windows}`;
  const log = join(root, 'target.log');
  const profile = join(root, 'prod.flightdeck.yaml');
  const [ada, bob] = [person('Ada', root, PASSWORD), person('Bob', root, PASSWORD)] as [Person, Person];
  for (const p of [ada, bob]) {
    const port = p === ada && adaThroughProxy ? adaThroughProxy.port : pg.port;
    const joined = await p.cli(['session', 'join', '--store', `postgres://flightdeck@127.0.0.1:${port}/postgres`, '--session', session, '--dir', p.dir, '--runbook', TEAM_RUNBOOK, '--by', p.name]);
    expect(joined.code, joined.stderr).toBe(0);
  }
  writeFileSync(
    profile,
    `environment: production
probes:
  - { name: gate, kind: http, url: "${gate.url}/health" }
flags:
  - name: checkout_v2
    backend:
      type: http
      url: ${flagApi.url}/api/admin/feature-flags/checkout_v2
      headers:
        Authorization: { secret: ADMIN_TOKEN, prefix: "Bearer " }
    timeoutMs: 2000
commands:
  allow: [append-line]
  named:
    one: { argv: [append-line, "${log}", one] }
    three: { argv: [append-line, "${log}", three] }
rollback:
  confirm: hold
  default: P0
  plans:
    - name: P0
      steps:
        - { command: one }
        - { waitForHealth: [gate], timeoutSeconds: 60 }
        - { command: three }
`,
  );
  for (const p of [ada, bob]) await trustFile(profile, p.home);
  const rollback = (p: Person, extra: string[] = []) => p.cli(['rollback', '--profile', profile, '--session', p.dir, '--yes', '--by', p.name, ...extra], { PATH: `${programs}:${process.env.PATH ?? ''}` });
  const flagSet = (p: Person, percent: number) =>
    p.cli(['flag', 'set', '--profile', profile, '--flag', 'checkout_v2', '--percent', String(percent), '--session', p.dir, '--by', p.name], {
      FLIGHTDECK_SECRET_ADMIN_TOKEN: ADMIN_TOKEN,
      FLIGHTDECK_SECRET_ADMIN_TOKEN_SCOPE: new URL(flagApi.url).origin,
    });
  const targetLog = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  const rows = (sql: string) => pg.psql(`select count(*) from flightdeck_entries where session = '${session}' and ${sql}`).trim();
  return { root, ada, bob, session, profile, rollback, flagSet, targetLog, rows };
}

describe('single flight', () => {
  it('two laptops press rollback within milliseconds: exactly one plan runs, the other follows it, and the target sees each step once', async () => {
    healthy = false;
    const { ada, bob, session, rollback, targetLog, rows } = await window(null);
    const presses = Promise.all([rollback(ada), rollback(bob)]);
    // The plan waits for health at step 2 until both laptops are in the window, so the second press meets the run under way.
    await waitFor('both presses to reach the team', () => targetLog().includes('one') && pg.psql(`select count(*) from flightdeck_presence where session = '${session}'`).trim() === '2', { timeoutMs: 60_000 });
    healthy = true;
    const [a, b] = await presses;
    expect([a.code, b.code], `${a.stderr}\n---\n${b.stderr}`).toEqual([0, 0]);
    const [runner, follower, holder] = /Rollback P0: ok/.test(a.stdout) ? [a, b, 'Ada'] : [b, a, 'Bob'];
    expect(runner.stdout).toMatch(/^Rollback P0: ok/m);
    // The second press either found the run going (and followed it) or just finished (and took it as its answer).
    expect(follower.stderr).toMatch(new RegExp(`${holder} is rolling back.*following their run instead of starting a second|${holder} rolled back with plan P0 at .*: that run answers this press`));
    expect(follower.stdout).toContain(`Rollback P0 by ${holder}: ok`);
    expect(targetLog()).toEqual(['one', 'three']);
    expect(rows("entry->>'type' = 'rollback.started'")).toBe('1');
  }, 120_000);

  it('a holder cut off mid-rollback loses the lease; another takes over after confirming what ran, and no step runs twice', async () => {
    healthy = false;
    const proxy = await startTcpProxy(pg.port);
    proxies.push(proxy);
    const { ada, bob, session, rollback, targetLog, rows } = await window(proxy);
    const adaRun = rollback(ada);
    // Ada's step 1 ran and her step 2 (waiting for health) is under way, its intent shared with the team.
    await waitFor('Ada to be waiting for health', () => targetLog().includes('one') && rows("entry->>'name' = 'Ada' and entry->>'type' = 'action.started' and entry->'data'->>'step' = '1'") === '1', { timeoutMs: 60_000 });
    proxy.cut();
    await waitFor('Ada\'s lease to run out', () => pg.psql(`select expires_at < now() from flightdeck_leases where session = '${session}'`).trim() === 't', { timeoutMs: 60_000, intervalMs: 200 });

    const unconfirmed = await rollback(bob);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/What already ran of P0/);
    expect(unconfirmed.stderr).toContain('[1/3] Run one: ok');
    expect(unconfirmed.stderr).toContain('[2/3] Wait until gate is up: started, no outcome shared with the team');
    expect(unconfirmed.stderr).toContain('[3/3] Run three: not started');
    expect(unconfirmed.stderr).toContain('--take-over');
    expect(targetLog()).toEqual(['one']);

    const bobRun = rollback(bob, ['--take-over']);
    await waitFor('Bob to take over', () => rows("entry->>'name' = 'Bob' and entry->>'type' = 'action.started' and entry->'data'->>'step' = '1'") === '1', { timeoutMs: 60_000 });
    healthy = true;
    const taken = await bobRun;
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toContain('Taking over rollback');
    expect(taken.stdout).toMatch(/^Rollback P0: ok/m);

    proxy.restore();
    const cut = await adaRun;
    expect(cut.code).toBe(1);
    expect(cut.stderr + cut.stdout).toMatch(/lost the team's single flight|could not be shared with the team/);
    // Each step ran once on the target: Ada's first, Bob's last; the health wait is harmless to repeat.
    expect(targetLog()).toEqual(['one', 'three']);
  }, 240_000);

  it('a flag write while another member holds the flight is refused naming them; once it is free the write goes through, once', async () => {
    healthy = false;
    const { ada, bob, session, rollback, flagSet, targetLog, rows } = await window(null);
    const adaRun = rollback(ada);
    await waitFor('Ada to hold the flight', () => targetLog().includes('one') && pg.psql(`select count(*) from flightdeck_leases where session = '${session}' and holder = 'Ada' and not released`).trim() === '1', { timeoutMs: 60_000 });
    const refused = await flagSet(bob, 10);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Not written: Ada is rolling back');
    expect(flagApi.flags.get('checkout_v2')!.percentage).toBe(50);
    healthy = true;
    expect((await adaRun).code).toBe(0);
    const written = await flagSet(bob, 10);
    expect(written.code, written.stderr).toBe(0);
    expect(flagApi.flags.get('checkout_v2')!.percentage).toBe(10);
    // Bob's write is in the team chain, signed by him.
    expect(rows("entry->>'name' = 'Bob' and entry->>'type' = 'action.started' and entry->'data'->>'kind' = 'flag'")).toBe('1');
  }, 120_000);

  it('in the app, a press while another member\'s run stopped mid-plan is refused before any step acts, pointing to --take-over', async () => {
    healthy = false;
    const { root, bob, session, profile, targetLog, rows } = await window(null);
    // Bob's laptop dies during his step 2: his run is in the team chain, started and never finished.
    const bobRun = spawn(process.execPath, [BIN, 'rollback', '--profile', profile, '--session', bob.dir, '--yes', '--by', 'Bob'], { env: { ...process.env, ...bob.env, PATH: `${programs}:${process.env.PATH ?? ''}` }, stdio: 'ignore' });
    const gone = new Promise((resolve) => bobRun.once('exit', resolve));
    await waitFor('Bob to be waiting for health', () => targetLog().includes('one') && rows("entry->>'name' = 'Bob' and entry->>'type' = 'action.started' and entry->'data'->>'step' = '1'") === '1', { timeoutMs: 60_000 });
    bobRun.kill('SIGKILL');
    await gone;

    // Cleo flies the same runbook in the app (her own data directory), joins the team from it, and presses rollback.
    const runbook = join(root, 'rollout.md');
    copyFileSync(TEAM_RUNBOOK, runbook);
    copyFileSync(profile, join(root, 'rollout.flightdeck.yaml'));
    const app = testApp(join(root, 'cleo-app'), { scryptN: 1024 });
    try {
      await call(app, 'setOperator', { name: 'Ada' });
      await openTrusted(app, runbook);
      await call(app, 'unlockVault', { passphrase: 'cleo app passphrase' });
      // "Ada" is taken by the key that joined from Ada's laptop: said at once, nothing joined.
      const taken = await app.call('joinTeam', { store: pg.url('postgres'), session, password: PASSWORD });
      expect(taken).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(`Ada already joined team session ${session} from another laptop`) } });
      expect(await call(app, 'getTeam')).toBeNull();
      await call(app, 'setOperator', { name: 'Cleo' });
      const joined = await call<{ team: { session: string } | null }>(app, 'joinTeam', { store: pg.url('postgres'), session, password: PASSWORD });
      expect(joined.team?.session).toBe(session);
      const head = Number(pg.psql(`select head_seq from flightdeck_sessions where id = '${session}'`).trim());
      await waitFor('Cleo\'s app to hold the team chain', async () => ((await call<{ head: { seq: number } | null; connection: string }>(app, 'getTeam')).head?.seq ?? -1) >= head, { timeoutMs: 30_000 });
      await waitFor('Bob\'s lease to run out', () => pg.psql(`select expires_at < now() from flightdeck_leases where session = '${session}'`).trim() === 't', { timeoutMs: 60_000, intervalMs: 200 });
      const run = await call<RollbackRun>(app, 'startRollback', { confirmation: { kind: 'hold', heldMs: 2000 } });
      expect(run.outcome).toBe('failed');
      expect(run.steps[0]!.message).toMatch(/Not run here: Bob's run rb-[a-z0-9-]+ stopped mid-plan\. Take it over from a terminal with `flightdeck rollback --take-over`/);
      expect(targetLog()).toEqual(['one']);
    } finally {
      await app.close();
    }
  }, 120_000);
});
