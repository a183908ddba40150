/**
 * The backup part of the fault benchmark, against a real PostgreSQL on
 * loopback and the cockpit built in-process (app-rig.ts), as
 * test/integration/backup-faults.test.ts does it through browser mode:
 *
 * - PostgreSQL SIGKILLed once pg_dump has written the first bytes of the
 *   dump: the backup must end "failed" saying why, keep nothing (no backup
 *   directory, no partial one), and the cockpit must answer while the dump
 *   streams and after the kill. A backup that ends "ok" is honest only if
 *   the dump was complete before the kill (it must then verify).
 * - A dump with a flipped byte, and one with 1,000 bytes cut from its end,
 *   each under a recomputed SHA256SUMS: `flightdeck backup verify` must
 *   refuse it naming the table; the intact backup must still verify.
 *
 * pg_dump and pg_restore are slow by nature: waiting for the first bytes
 * is not timed, and a verification (a whole read of the dump) counts as a
 * hang only past VERIFY_LIMIT_MS. Answers and the end of a backup whose
 * server is dead are under the 5 s rule.
 *
 * Figures: backupKilledMidDump (how many kills) and backupKillToEndP95Ms
 * (from the kill to the backup's outcome, as the cockpit shows it).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { App } from '../../src/main/app/create-app';
import { backupCommand } from '../../src/main/cli/backup-commands';
import { formatManifest, MANIFEST_NAME, sha256OfFile } from '../../src/main/services/backups/manifest';
import type { ActionRecord, BackupView, ControlState } from '../../src/shared/control-model';
import { call, tempDir, trustOpenRunbook } from '../../test/support/app';
import { captureIo } from '../../test/support/cli';
import { startPostgres, type PostgresServer } from '../../test/support/servers';
import { checkAnswering, startApp, type AppRig } from './app-rig';
import type { FaultGroup, FaultScope } from './tally';
import { until } from './until';

const PG_PASSWORD = 'bench-faults-Pg-pw-4711';
/** A whole read of the dump by pg_restore: slow by nature on a loaded machine, yet bounded. */
const VERIFY_LIMIT_MS = 60_000;
/** pg_dump connecting and starting to write: not Flightdeck's time, but not forever either. */
const FIRST_BYTES_MS = 120_000;
/** What a failed backup's message says about the server going away (as the integration test expects). */
const FAILED_BECAUSE = /pg_dump (exited with status \d+|was killed by)|PostgreSQL .*(terminat|closed|ECONNRESET|ECONNREFUSED)/i;
/** What a refused damaged dump's reason says. */
const REFUSED_BECAUSE = /database\.dump: the data of table public\.(notes|tags) is damaged or cut short/;

interface BackupState {
  pg: PostgresServer;
  work: ReturnType<typeof tempDir>;
  rig: AppRig;
  /** Where the app keeps the backups of target db. */
  dumps: string;
  /** A backup the app took and verified at setup, the source of the damaged copies. */
  intact: string;
  copies: number;
}

function backupView(control: ControlState): BackupView | undefined {
  return control.backups.find((b) => b.name === 'db');
}

/** The backup run `actionId` once it has ended, else null. */
async function ended(app: App, actionId: string): Promise<NonNullable<BackupView['last']> | null> {
  const view = backupView(await call<ControlState>(app, 'getControl'));
  return view && view.running === null && view.last?.actionId === actionId && view.last.endedAt !== null ? view.last : null;
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Whether a backup under way has written some of its dump. */
function dumpInFlight(dumps: string): boolean {
  return entries(dumps).some((d) => {
    if (!d.endsWith('.partial')) return false;
    const file = join(dumps, d, 'database.dump');
    try {
      return statSync(file).size > 0;
    } catch {
      return false;
    }
  });
}

/** `flightdeck backup verify DIR`, in-process: its exit code and what it printed. */
async function verify(dir: string) {
  const io = captureIo();
  const code = await backupCommand(['verify', dir], io, { env: {} });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** A copy of the intact backup with its dump damaged by `damage`, then resealed: SHA256SUMS recomputed over the damage. */
async function damagedCopy(state: BackupState, damage: (file: string) => void): Promise<string> {
  const dir = join(state.work.path, 'copies', `copy-${state.copies++}`);
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(state.intact, dir, { recursive: true });
  damage(join(dir, 'database.dump'));
  const sums = [];
  for (const path of readdirSync(dir).filter((f) => f !== MANIFEST_NAME).sort()) {
    sums.push({ path, sha256: (await sha256OfFile(join(dir, path))).sha256 });
  }
  writeFileSync(join(dir, MANIFEST_NAME), formatManifest(sums));
  return dir;
}

function flipMiddleByte(file: string): void {
  const bytes = readFileSync(file);
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0xff;
  writeFileSync(file, bytes);
}

function cutTail(file: string): void {
  truncateSync(file, statSync(file).size - 1000);
}

const killedMidDump = {
  name: 'postgres SIGKILL mid-dump',
  async run(state: BackupState, scope: FaultScope): Promise<void> {
    const { app } = state.rig;
    const before = new Set(entries(state.dumps));
    const started = await scope.timed('the startBackup call', () => call<ActionRecord>(app, 'startBackup', { backup: 'db' }));
    let killed = false;
    try {
      await until("pg_dump's first bytes", () => dumpInFlight(state.dumps), FIRST_BYTES_MS, 5);
      await checkAnswering(scope, app, 'while pg_dump streams');
      await state.pg.kill();
      killed = true;
      scope.fault();
      const killedAt = performance.now();
      const last = await scope.timed('the backup ending once PostgreSQL was dead', () => until('the backup to end', () => ended(app, started.id), 60_000, 20));
      scope.sample('kill-to-end', performance.now() - killedAt);
      const kept = entries(state.dumps).filter((d) => !before.has(d));
      if (last.outcome === 'ok') {
        // The dump won the race with the kill: "ok" is honest only for a whole, verified backup.
        const dir = kept.find((d) => !d.endsWith('.partial'));
        const held = dir ? await scope.timed('verifying a backup that finished before the kill', () => verify(join(state.dumps, dir)), VERIFY_LIMIT_MS) : null;
        scope.check(held?.code === 0, `backup ok (${last.message}) after PostgreSQL was killed mid-dump, but ${dir ? `it does not verify: ${held?.stderr.trim()}` : 'no backup directory was kept'}`);
        process.stderr.write(`backups: the dump finished before the kill (${last.message})\n`);
      } else {
        scope.check(last.outcome === 'failed', `backup ${last.outcome} after PostgreSQL was killed mid-dump: ${last.message}`);
        scope.check(FAILED_BECAUSE.test(last.message), `the failed backup does not say the server went away: ${last.message}`);
        scope.check(kept.length === 0, `the failed backup kept ${kept.join(', ')}`);
      }
      await checkAnswering(scope, app, 'after PostgreSQL was killed mid-dump');
    } finally {
      if (killed) await state.pg.start();
      // Whatever a round kept (a backup that won the race), the next one starts from the same place.
      for (const d of entries(state.dumps)) if (!before.has(d) && !d.endsWith('.partial')) rmSync(join(state.dumps, d), { recursive: true, force: true });
    }
  },
};

const damagedDump = {
  name: 'damaged dump, SHA256SUMS recomputed',
  async run(state: BackupState, scope: FaultScope): Promise<void> {
    const intact = await scope.timed('verifying the intact backup', () => verify(state.intact), VERIFY_LIMIT_MS);
    scope.check(intact.code === 0, `the intact backup was refused: ${intact.stderr.trim()}`);
    for (const [how, damage] of [
      ['a flipped byte', flipMiddleByte],
      ['1,000 bytes cut', cutTail],
    ] as const) {
      const dir = await damagedCopy(state, damage);
      try {
        scope.fault();
        const result = await scope.timed(`verifying a dump with ${how}`, () => verify(dir), VERIFY_LIMIT_MS);
        scope.check(result.code === 1, `a dump with ${how} under recomputed sums was not refused (exit ${result.code}): ${result.stdout.trim()}`);
        scope.check(REFUSED_BECAUSE.test(result.stderr), `the refusal of a dump with ${how} does not name the table: ${result.stderr.trim()}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
};

export const backupFaults: FaultGroup<BackupState> = {
  name: 'backups',
  async setup() {
    const pg = await startPostgres({ password: PG_PASSWORD });
    const work = tempDir('flightdeck-bench-backups-');
    let rig: AppRig | null = null;
    try {
      pg.psql('create database big');
      // Tens of MB of poorly compressible text: the dump streams for a while after its first bytes.
      pg.psql(
        `create table notes (id bigint, body text);
         insert into notes select g, md5(g::text) || md5(random()::text) || md5(random()::text) from generate_series(1, 150000) g;
         create table tags (id bigint, tag text);
         insert into tags select g, md5(random()::text) from generate_series(1, 50000) g;`,
        'big',
      );
      const runbook = join(work.path, 'release.md');
      writeFileSync(runbook, ['# Release', '', '## Pre-Deployment', '', '- [ ] **Database backup created**', ''].join('\n'));
      writeFileSync(
        join(work.path, 'release.flightdeck.yaml'),
        ['environment: staging', 'backups:', `  - { name: db, engine: postgres, url: "${pg.url('big')}", password: { secret: pg-password }, dir: backups, timeoutSeconds: 600 }`, ''].join('\n'),
      );
      rig = startApp('flightdeck-bench-backups-data-');
      const { app } = rig;
      await app.cockpit.openPath(runbook);
      // As an operator would: approve what the runbook would do, then give the vault the password, for this server only.
      await trustOpenRunbook(app);
      await call(app, 'unlockVault', { passphrase: 'bench faults passphrase' });
      await call(app, 'putSecret', { name: 'pg-password', value: PG_PASSWORD, scope: [`${pg.host}:${pg.port}`] });
      const first = await call<ActionRecord>(app, 'startBackup', { backup: 'db' });
      const last = await until('the first backup', () => ended(app, first.id), 300_000, 100);
      const verified = backupView(await call<ControlState>(app, 'getControl'))?.verified;
      if (last.outcome !== 'ok' || !verified) throw new Error(`the setup backup did not succeed: ${last.outcome}: ${last.message}`);
      const dumps = dirname(verified.location);
      process.stderr.write(`backups: database big is ${pg.psql("select pg_size_pretty(pg_database_size('big'))").trim()}, its dump ${statSync(join(verified.location, 'database.dump')).size} bytes (${basename(verified.location)})\n`);
      return { pg, work, rig, dumps, intact: verified.location, copies: 0 };
    } catch (error) {
      await rig?.close();
      await pg.stop();
      work.remove();
      throw error;
    }
  },
  async teardown(state) {
    await state.rig.close();
    await state.pg.stop();
    state.work.remove();
  },
  scenarios: [killedMidDump, damagedDump],
  figures(tally) {
    return { backupKilledMidDump: tally.count('kill-to-end'), backupKillToEndP95Ms: tally.percentile('kill-to-end', 95) };
  },
};
