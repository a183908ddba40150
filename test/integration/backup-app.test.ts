/**
 * Backups through the contract, as a renderer drives the app, against a
 * real redis-server: the item "Database backup created" is bound, a backup
 * started with startBackup streams backupProgress and, once verified,
 * ticks the item as the operator; "Run restore test" ticks the restore-test
 * item; a failed backup leaves the item unticked with its reason; a plan
 * with a restore step is shown as needing the typed name and refuses a hold.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, BackupProgressEvent, ControlState } from '../../src/shared/control-model';
import type { JournalEntry } from '../../src/shared/session-model';
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { startRedis, type RedisServer } from '../support/servers';
import { waitFor } from '../support/wait';

let redis: RedisServer;
let dir: ReturnType<typeof tempDir>;
let runbookPath: string;

beforeAll(async () => {
  redis = await startRedis();
  dir = tempDir('flightdeck-backup-app-');
  runbookPath = join(dir.path, 'release.md');
  writeFileSync(
    runbookPath,
    ['# Release', '', '## Pre-Deployment', '', '- [ ] **Database backup created**', '- [ ] **Backup verified (restore test in staging)**', '- [ ] Team notified', ''].join('\n'),
  );
  writeFileSync(
    join(dir.path, 'release.flightdeck.yaml'),
    [
      'environment: staging',
      'backups:',
      `  - { name: cache, engine: redis, url: "${redis.url}", dir: backups }`,
      `  - { name: broken, engine: redis, url: "redis://127.0.0.1:1", dir: backups, timeoutSeconds: 20 }`,
      'rollback:',
      '  confirm: hold',
      '  plans:',
      '    - { name: restore-cache, steps: [ { restore: cache } ] }',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  dir?.remove();
});

describe('backups in the app', () => {
  it('binds the items, streams progress, ticks the item once every target bound to it is verified', async () => {
    const app = testApp(join(dir.path, 'data'));
    const progress: BackupProgressEvent[] = [];
    const ticks: JournalEntry[] = [];
    const off = app.events.subscribe((name, payload) => {
      if (name === 'backupProgress') progress.push(payload as BackupProgressEvent);
      if (name === 'sessionEntry' && (payload as { entry: JournalEntry }).entry.type === 'item.ticked') ticks.push((payload as { entry: JournalEntry }).entry);
    });
    try {
      await call(app, 'setOperator', { name: 'Dana' });
      const opened = await openTrusted(app, runbookPath);
      const itemId = (text: string) => opened.runbook!.items.find((i) => i.text === text)!.id;
      const control = await call<ControlState>(app, 'getControl');
      expect(control.backups.map((b) => [b.name, b.itemId])).toEqual([
        ['cache', itemId('Database backup created')],
        ['broken', itemId('Database backup created')],
      ]);
      expect(control.restoreTestItemId).toBe(itemId('Backup verified (restore test in staging)'));
      expect(control.plans[0]).toMatchObject({ name: 'restore-cache', confirm: 'type' });

      // A target that cannot be reached: failed, said plainly, the item stays unticked.
      const broken = await call<ActionRecord>(app, 'startBackup', { backup: 'broken' });
      expect(broken.outcome).toBe('running');
      const failed = await waitFor('the broken backup to end', async () => (await call<ControlState>(app, 'getControl')).backups.find((b) => b.name === 'broken' && b.last?.outcome === 'failed'), 30_000);
      expect(failed.last!.message).toContain('nothing kept');
      expect(failed.verified).toBeNull();

      // One of two targets bound to the item verified: not ticked yet.
      await call<ActionRecord>(app, 'startBackup', { backup: 'cache' });
      await waitFor('the cache backup verified', async () => (await call<ControlState>(app, 'getControl')).backups.find((b) => b.name === 'cache')?.verified, 30_000);
      expect(progress.some((p) => p.name === 'cache' && p.progress.phase === 'dumping')).toBe(true);
      expect(ticks).toHaveLength(0);

      // A restore test of the cache: the restore-test item waits for every target.
      await call<ActionRecord>(app, 'startBackup', { backup: 'cache', itemId: itemId('Backup verified (restore test in staging)'), restoreTest: true });
      await waitFor('the restore-tested backup', async () => (await call<ControlState>(app, 'getControl')).backups.find((b) => b.name === 'cache')?.verified?.restoreTested, 30_000);
      expect(ticks).toHaveLength(0);

      // Holding the rollback button is not enough for a plan that restores.
      const held = await app.call('startRollback', { plan: 'restore-cache', confirmation: { kind: 'hold', heldMs: 2000 } });
      expect(held).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('type the environment name "staging"') } });

      const unknown = await app.call('cancelBackup', { actionId: 'act-nope' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      off();
      await app.close();
    }
  }, 120_000);

  it('with one target, a verified backup ticks its item and a passed restore test ticks the restore-test item, by the operator', async () => {
    writeFileSync(join(dir.path, 'release.flightdeck.yaml'), ['environment: staging', 'backups:', `  - { name: cache, engine: redis, url: "${redis.url}", dir: backups }`, ''].join('\n'));
    const app = testApp(join(dir.path, 'data-2'));
    try {
      await call(app, 'setOperator', { name: 'Dana' });
      const opened = await openTrusted(app, runbookPath);
      const itemId = (text: string) => opened.runbook!.items.find((i) => i.text === text)!.id;
      const ticked = (id: string) => app.cockpit.state().session?.ticks[id];

      await call<ActionRecord>(app, 'startBackup', { backup: 'cache' });
      const tick = await waitFor('the backup item ticked', () => ticked(itemId('Database backup created')), 30_000);
      expect(tick).toMatchObject({ checked: true, by: 'Dana' });
      expect(ticked(itemId('Backup verified (restore test in staging)'))).toBeUndefined();

      await call<ActionRecord>(app, 'startBackup', { backup: 'cache', restoreTest: true });
      await waitFor('the restore-test item ticked', () => ticked(itemId('Backup verified (restore test in staging)'))?.checked, 30_000);
      expect(ticked(itemId('Team notified'))).toBeUndefined();
      // Each tick carries the backups' evidence (issue 14): what ran, the manifest checksum, when and by whom.
      const evidence = app.cockpit
        .activation()!
        .journal.entries()
        .filter((e) => e.type === 'item.ticked')
        .map((e) => (e.data as { evidence?: { act: string; what: string; readBack: string | null; by: string | null } }).evidence);
      expect(evidence).toEqual([
        expect.objectContaining({ act: 'backup', what: expect.stringMatching(/^verified backup of cache \(\d+ files, /), readBack: expect.stringMatching(/^manifest sha256 [0-9a-f]{64}$/), by: 'Dana' }),
        expect.objectContaining({ act: 'restore-test', what: expect.stringMatching(/^restore test of cache \(/), by: 'Dana' }),
      ]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
