/**
 * The profile's backups: section and what the runbook says about backups:
 * mistakes are refused with the file, line and field before anything runs;
 * a password never sits in a URL; a restore step must name a target; a
 * plan that restores asks for the environment's name typed; dump lines in
 * code blocks become the profile's backup (or stay text, saying why); and
 * the "Database backup created" items of every team runbook are found.
 */
import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { bindBackupItems } from '../../src/main/services/backups/backup-items';
import { recogniseContext, recogniseLine, recogniseRunbook } from '../../src/main/services/commands/recognise';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { checkPlanConfirmation } from '../../src/main/services/rollback/rollback-service';
import { isIdempotent, stepTitle } from '../../src/main/services/rollback/rollback-steps';
import { parseFile, SHARED_RUNBOOKS } from '../support/runbooks';

function refusal(text: string): FlightdeckError {
  try {
    parseProfileText(text, { file: 'profile.yaml' });
  } catch (error) {
    if (error instanceof FlightdeckError) return error;
    throw error;
  }
  throw new Error('the profile was accepted');
}

const where = { id: 'runbook:1', source: 'runbook' as const, line: 1, itemId: null };

describe('backups: in the profile', () => {
  it('reads a target with its defaults and adds its password to the secrets the vault must hold', () => {
    const profile = parseProfileText(['backups:', '  - name: main-db', '    engine: postgres', '    url: postgres://backup@db:5432/app', '    password: { secret: pg-backup }'].join('\n'), { file: 'p.yaml' });
    expect(profile.backups[0]).toMatchObject({ name: 'main-db', engine: 'postgres', timeoutSeconds: 3600, restoreTest: false, retention: { keep: null, maxAgeDays: null } });
  });

  it('refuses a password in the URL, naming the line and the field', () => {
    const error = refusal(['environment: prod', 'backups:', '  - name: db', '    engine: postgres', '    url: "postgres://app:hunter2@db:5432/app"'].join('\n'));
    expect(error).toMatchObject({ file: 'profile.yaml', line: 5, field: 'backups[0].url' });
    expect(error.message).toContain('password: { secret: NAME }');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses an unknown engine, an unknown key, a mongo-only key on postgres, and a duplicate name', () => {
    expect(refusal('backups:\n  - { name: db, engine: mysql, url: "mysql://db" }\n')).toMatchObject({ line: 2, field: 'backups[0].engine' });
    expect(refusal('backups:\n  - name: db\n    engine: redis\n    url: redis://cache:6379\n    retain: 3\n')).toMatchObject({ line: 2, field: 'backups[0]', message: expect.stringContaining('unknown key "retain"') });
    expect(refusal('backups:\n  - name: db\n    engine: postgres\n    url: postgres://db/app\n    gzip: true\n')).toMatchObject({ message: expect.stringContaining('"gzip"') });
    expect(refusal('backups:\n  - { name: db, engine: redis, url: "redis://a:6379" }\n  - { name: db, engine: redis, url: "redis://b:6379" }\n')).toMatchObject({
      line: 3,
      message: expect.stringContaining('defined twice'),
    });
    expect(refusal('backups:\n  - { name: db, engine: redis, url: "redis://a:6379", retention: { keep: 0 } }\n')).toMatchObject({ field: 'backups[0].retention.keep' });
  });

  it('a restore step must name a backup target', () => {
    const text = ['backups:', '  - { name: db, engine: postgres, url: "postgres://db/app" }', 'rollback:', '  plans:', '    - name: P0', '      steps:', '        - { restore: dbb, clean: true }'].join('\n');
    expect(refusal(text)).toMatchObject({ line: 7, field: 'rollback.plans[0].steps[0].restore', message: expect.stringContaining('"dbb"') });
    const ok = parseProfileText(text.replace('dbb', 'db'), { file: 'p.yaml' });
    const step = ok.rollback.plans[0]!.steps[0]!;
    expect(stepTitle(step)).toBe('Restore db from its newest verified backup (clean: drop objects first)');
    expect(isIdempotent(step)).toBe(false);
  });

  it('a plan with a restore step asks for the environment name typed even under confirm: hold', () => {
    const profile = ProfileSchema.parse({
      environment: 'prod',
      backups: [{ name: 'db', engine: 'postgres', url: 'postgres://db/app' }],
      rollback: { confirm: 'hold', plans: [{ name: 'P0', steps: [{ restore: 'db' }] }, { name: 'P1', steps: [{ waitForHealth: ['api'] }] }] },
    });
    const [restoring, plain] = profile.rollback.plans as [(typeof profile.rollback.plans)[number], (typeof profile.rollback.plans)[number]];
    expect(() => checkPlanConfirmation({ kind: 'hold', heldMs: 5000 }, restoring, profile)).toThrow(/restores a database, so type the environment name "prod"/);
    expect(() => checkPlanConfirmation({ kind: 'typed', text: 'production' }, restoring, profile)).toThrow(/type the environment name "prod" exactly/);
    expect(checkPlanConfirmation({ kind: 'typed', text: 'prod' }, restoring, profile)).toBe('typed the environment name "prod"');
    expect(checkPlanConfirmation({ kind: 'hold', heldMs: 1600 }, plain, profile)).toMatch(/held the button/);
  });
});

describe('dump lines in code blocks', () => {
  const withBackups = recogniseContext(
    ProfileSchema.parse({
      backups: [
        { name: 'main-db', engine: 'postgres', url: 'postgres://db/app' },
        { name: 'docs', engine: 'mongodb', url: 'mongodb://mongo:27017' },
      ],
    }),
    () => true,
  );
  const without = recogniseContext(ProfileSchema.parse({}), (program) => program === 'pg_dump');

  it('run as the profile backup of that engine, whatever the shell syntax of the line', () => {
    expect(recogniseLine('pg_dump --format=custom --file=backup-$(date +%Y%m%d).dump demo_shop', where, withBackups)).toMatchObject({
      native: 'backup',
      runnable: true,
      action: { kind: 'backup', backup: 'main-db' },
    });
    expect(recogniseLine('mongodump --uri="$MONGODB_URI" --out=backup-$(date +%Y%m%d)', where, withBackups)).toMatchObject({ runnable: true, action: { kind: 'backup', backup: 'docs' } });
  });

  it('stay text, saying why, when the profile has no target of that engine (even when allowlisted)', () => {
    const pg = recogniseLine('pg_dump -Fc -f /backups/app.dump app', where, without);
    expect(pg).toMatchObject({ native: 'backup', runnable: false, action: null });
    expect(pg.reason).toContain("backups: section has no postgres target");
    const redis = recogniseLine('redis-cli -h cache --rdb /backups/dump.rdb', where, withBackups);
    expect(redis).toMatchObject({ native: 'backup', runnable: false });
    expect(redis.reason).toContain('no redis target');
    // A redis-cli line that is not a dump is not a backup.
    expect(recogniseLine('redis-cli -h cache GET flags:x', where, withBackups)).toMatchObject({ native: 'redis' });
  });

  it('the dual-dashboard runbook mongodump block becomes the profile MongoDB backup', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}dual-dashboard-rollout.md`);
    const dumps = recogniseRunbook(doc, withBackups).filter((c) => c.argv[0] === 'mongodump');
    expect(dumps.length).toBeGreaterThan(0);
    for (const dump of dumps) expect(dump).toMatchObject({ runnable: true, action: { kind: 'backup', backup: 'docs' } });
  });
});

describe('checklist items a backup satisfies', () => {
  const target = ProfileSchema.parse({ backups: [{ name: 'db', engine: 'postgres', url: 'postgres://db/app' }] }).backups;

  it('binds "Database backup created" and "Backup verified (restore test in staging)" in the team runbooks and the demo', () => {
    for (const file of [`${SHARED_RUNBOOKS}dual-dashboard-rollout.md`, 'resources/demo/runbook.md']) {
      const doc = parseFile(file);
      const items = bindBackupItems(doc, target);
      const bound = doc.items.find((i) => i.id === items.backup.db);
      expect(bound?.text, file).toBe('Database backup created');
    }
    const demo = parseFile('resources/demo/runbook.md');
    const restore = demo.items.find((i) => i.id === bindBackupItems(demo, target).restoreTest);
    expect(restore?.text).toBe('Backup verified (restore test in staging)');
  });

  it('binds the Kubernetes runbook by its own wording, and a profile item: by exact text', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}tradesense-kubernetes.md`);
    const items = bindBackupItems(doc, target);
    expect(doc.items.find((i) => i.id === items.backup.db)?.text).toBe('Create full production backup');
    expect(doc.items.find((i) => i.id === items.restoreTest)?.text).toBe('Verify backup integrity');
    const named = bindBackupItems(doc, [{ ...target[0]!, item: 'Verify backup jobs running' }]);
    expect(doc.items.find((i) => i.id === named.backup.db)?.text).toBe('Verify backup jobs running');
  });
});
