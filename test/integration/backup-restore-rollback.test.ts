/**
 * A rollback plan's restore step against a real PostgreSQL: the newest
 * verified backup goes back into the damaged database through pg_restore;
 * without `clean` nothing is dropped (and a restore over existing tables
 * fails whole, leaving the database as it was); with `clean` the damage is
 * undone. The plan asks for the environment's name typed even though the
 * profile says hold, and a restore step a crash interrupted is never run
 * again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecretResolver } from '../../src/main/cli/env-secrets';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { BackupService, backupRestorer } from '../../src/main/services/backups/backup-service';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { flagSetterFromBackends } from '../../src/main/services/rollback/rollback-ports';
import { INTERRUPTED_MESSAGE, RollbackService } from '../../src/main/services/rollback/rollback-service';
import { stepTitle } from '../../src/main/services/rollback/rollback-steps';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { startPostgres, type PostgresServer } from '../support/servers';

const PASSWORD = 'restore-Test-password-19';
let pg: PostgresServer;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flightdeck-restore-'));
  pg = await startPostgres({ password: PASSWORD });
  pg.psql('create database shop');
  pg.psql(
    [
      'create table customers (id serial primary key, email text not null)',
      "insert into customers (email) select 'user' || g || '@example.com' from generate_series(1, 3000) g",
      'create table orders (id serial primary key, customer_id int not null references customers(id), total numeric not null)',
      'insert into orders (customer_id, total) select g % 3000 + 1, g * 1.5 from generate_series(1, 30000) g',
    ].join(';'),
    'shop',
  );
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const profile = () =>
  ProfileSchema.parse({
    environment: 'production',
    backups: [{ name: 'shop', engine: 'postgres', url: pg.url('shop'), password: { secret: 'pg' }, timeoutSeconds: 120 }],
    rollback: {
      confirm: 'hold',
      plans: [
        { name: 'restore-plain', steps: [{ restore: 'shop' }] },
        { name: 'restore-clean', steps: [{ restore: 'shop', clean: true }] },
      ],
    },
  });

function services(logDir: string) {
  const p = profile();
  const log = ActionLog.open(logDir);
  const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_PG: PASSWORD, FLIGHTDECK_SECRET_PG_SCOPE: pg.url('shop') });
  const redactor = new SecretRedactor();
  redactor.add('pg', PASSWORD);
  const runner = new ActionRunner({ journal: log, redactor });
  const backups = new BackupService({ targets: p.backups, baseDir: work, defaultRoot: join(work, 'backups'), secrets, journal: log, runner });
  // The same binding the app makes in live-control.ts.
  const rollback = new RollbackService({ profile: p, journal: log, runner, flags: flagSetterFromBackends(new Map()), health: async () => ({ ok: true, message: '' }), restore: backupRestorer(backups) });
  return { log, backups, rollback };
}

const count = (table: string) => Number(pg.psql(`select count(*) from ${table}`, 'shop').trim());
const damage = () => pg.psql("delete from orders where id <= 5000; update customers set email = 'lost' where id <= 100", 'shop');

describe('restore step in a rollback plan', () => {
  it('restores the verified backup over the damage only with clean, after the environment name is typed', async () => {
    const { log, backups, rollback } = services(join(work, 'log-main'));
    const backup = await backups.run({ backup: 'shop' }, 'alice');
    expect(backup.outcome, backup.message).toBe('ok');
    damage();
    expect(count('orders')).toBe(25_000);

    // Holding the button is not enough for a plan that overwrites data.
    expect(() => rollback.start({ plan: 'restore-clean', confirmation: { kind: 'hold', heldMs: 3000 } }, 'alice')).toThrow(/restores a database, so type the environment name "production"/);
    expect(log.entries().some((e) => e.type === 'rollback.started')).toBe(false);

    // Without clean, pg_restore meets the existing tables and the single transaction leaves the database untouched.
    const plain = await rollback.run({ plan: 'restore-plain', confirmation: { kind: 'typed', text: 'production' } }, 'alice');
    expect(plain.outcome).toBe('failed');
    expect(plain.steps[0]!.message).toMatch(/already exists/);
    expect(count('orders')).toBe(25_000);

    const clean = await rollback.run({ plan: 'restore-clean', confirmation: { kind: 'typed', text: 'production' } }, 'alice');
    expect(clean.outcome, clean.steps[0]!.message).toBe('ok');
    expect(clean.steps[0]!.message).toMatch(/verified first/);
    expect(count('orders')).toBe(30_000);
    expect(count('customers')).toBe(3000);
    expect(pg.psql("select count(*) from customers where email = 'lost'", 'shop').trim()).toBe('0');
    const started = log.entries().find((e) => e.type === 'rollback.started' && e.data.plan === 'restore-clean')!;
    expect(started.data.confirmation).toBe('typed the environment name "production"');
    log.close();
  }, 180_000);

  it('a restore step a crash interrupted is not run again on resume', async () => {
    const logDir = join(work, 'log-crash');
    const first = services(logDir);
    expect((await first.backups.run({ backup: 'shop' }, 'alice')).outcome).toBe('ok');
    // What the journal holds when the process died inside the step: the run and the step started, nothing finished.
    const plan = profile().rollback.plans.find((p) => p.name === 'restore-clean')!;
    first.log.record('rollback.started', 'alice', { runId: 'rb-crashed', plan: plan.name, steps: plan.steps.map(stepTitle), confirmation: 'typed the environment name "production"', pressedAt: new Date().toISOString() });
    first.log.record('action.started', 'alice', { actionId: 'act-crashed', kind: 'rollback-step', title: stepTitle(plan.steps[0]!), inputs: { backup: 'shop', clean: 'true' }, runId: 'rb-crashed', step: 0 });
    first.log.close();
    damage();
    const before = count('orders');

    const second = services(logDir);
    const resumed = second.rollback.resume();
    expect(resumed).not.toBeNull();
    const run = await resumed!.finished;
    expect(run.outcome).toBe('failed');
    expect(run.steps[0]).toMatchObject({ outcome: 'unknown', message: INTERRUPTED_MESSAGE });
    expect(count('orders')).toBe(before);
    second.log.close();
  }, 180_000);
});
