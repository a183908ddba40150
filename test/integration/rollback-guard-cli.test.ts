/**
 * `flightdeck rollback` keeps guarding: an earlier `flightdeck flag set`
 * in the same --log journal ended unknown (the admin API held the PUT past
 * its deadline). The rollback sets 0, says it is guarding, and when the
 * held 50 lands, puts 0 back and journals rollback.reasserted. When the
 * command exits, the flag holds 0. Commands run in-process with a
 * capturing Io; the server's hooks order the events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagCommand } from '../../src/main/cli/flag-commands';
import { rollbackCommand } from '../../src/main/cli/rollback-commands';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { tempDir } from '../support/app';
import { captureIo, trustFile } from '../support/cli';
import { startFaultyFlagApi, type FaultyFlagApi } from '../support/flag-faults';
import { waitFor } from '../support/wait';

let work: ReturnType<typeof tempDir>;
let api: FaultyFlagApi;
let profile: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  work = tempDir('flightdeck-guard-cli-');
  api = await startFaultyFlagApi({ initial: 10 });
  profile = join(work.path, 'prod.flightdeck.yaml');
  env = { FLIGHTDECK_HOME: join(work.path, 'home'), USER: 'ops' };
  writeFileSync(
    profile,
    [
      'environment: production',
      'flags:',
      '  - name: checkout_v2',
      `    backend: { type: http, url: "${api.url}", method: PUT, field: percentage }`,
      '    timeoutMs: 300',
      '    settleSeconds: 6',
      'rollback:',
      '  default: P0',
      '  plans:',
      '    - name: P0',
      '      steps:',
      '        - { flag: checkout_v2, set: 0 }',
    ].join('\n'),
  );
  // The operator approved what the profile may do (flightdeck trust --yes).
  await trustFile(profile, join(work.path, 'home'));
});

afterEach(async () => {
  await api.close();
  work.remove();
});

describe('flightdeck rollback guards earlier unknown writes', () => {
  it('waits while the earlier write is unknown, overrides it when it lands, and exits with the flag at 0', async () => {
    const log = join(work.path, 'log');
    const held = api.fault(50, 'apply-after-deadline');
    const set = captureIo();
    expect(await flagCommand(['set', '--profile', profile, '--flag', 'checkout_v2', '--percent', '50', '--log', log], set, { env })).toBe(1);
    expect(set.stdout).toContain('checkout_v2: unknown');

    const io = captureIo();
    const rollback = rollbackCommand(['--profile', profile, '--log', log, '--yes'], io, { env });
    await waitFor('the command to say it guards', () => io.stderr.includes('Guarding checkout_v2 at 0'), { timeoutMs: 15_000, lastSeen: () => io.stderr });
    expect(api.value()).toBe(0);
    held.release();
    await held.landed;
    await api.whenValue(0);
    const code = await rollback;
    expect(code).toBe(0);
    expect(io.stderr).toContain('ALARM: an older write of 50 landed');
    expect(io.stderr).toContain('landed late, overridden by rollback');
    expect(io.stderr).toContain('checkout_v2 holds 0 now');
    expect(io.stdout).toContain('Rollback P0: ok');
    expect(api.value()).toBe(0);

    const journal = ActionLog.open(log);
    try {
      const types = journal.entries().map((e) => e.type);
      expect(types).toContain('rollback.reasserted');
      expect(journal.entries().find((e) => e.type === 'rollback.reasserted')!.data).toMatchObject({ flag: 'checkout_v2', value: '0', landed: '50', outcome: 'ok' });
      const settled = journal.entries().filter((e) => e.type === 'action.settled').map((e) => e.data);
      expect(settled.some((d) => d.outcome === 'ok')).toBe(false);
    } finally {
      journal.close();
    }
  });

  it('with no earlier unknown write, it does not guard or wait', async () => {
    const io = captureIo();
    const started = performance.now();
    expect(await rollbackCommand(['--profile', profile, '--log', join(work.path, 'log2'), '--yes'], io, { env })).toBe(0);
    expect(io.stderr).not.toContain('Guarding');
    // Far below the 6 s settle window: nothing was waited for.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(api.value()).toBe(0);
  });
});
