/**
 * The deployment profile: where it is found, and that every mistake in it
 * is reported with the file, the line (counted in the runbook when the
 * profile is front matter) and the field, before anything runs.
 */
import { writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { findProfile, loadProfileFile, parseProfileText } from '../../src/main/services/profile/profile-loader';
import { tempDir } from '../support/app';
import { parseText } from '../support/runbooks';
import { waitFor } from '../support/wait';

function refusal(text: string, options: Parameters<typeof parseProfileText>[1] = { file: 'profile.yaml' }): FlightdeckError {
  try {
    parseProfileText(text, options);
  } catch (error) {
    if (error instanceof FlightdeckError) return error;
    throw error;
  }
  throw new Error('the profile was accepted');
}

const dirs: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

describe('deployment profile errors', () => {
  it('names the line and field of a percentage of 150', () => {
    const error = refusal(['flags:', '  - name: checkout_v2', '    backend: { type: redis, url: "redis://127.0.0.1:6379", key: f }', '    steps: [0, 10, 150]'].join('\n'));
    expect(error.file).toBe('profile.yaml');
    expect(error.line).toBe(4);
    expect(error.field).toBe('flags[0].steps[2]');
    expect(error.message).toContain('between 0 and 100');
  });

  it('names an unknown key, a wrong probe kind and a missing url', () => {
    expect(refusal('environment: prod\nprobs: []\n')).toMatchObject({ line: 1, message: expect.stringContaining('"probs"') });
    expect(refusal('probes:\n  - name: api\n    kind: htp\n    url: https://x\n')).toMatchObject({ line: 3, field: 'probes[0].kind' });
    expect(refusal('probes:\n  - name: api\n    kind: http\n')).toMatchObject({ field: 'probes[0].url', message: expect.stringContaining('is required') });
  });

  it('refuses a secret value written into the profile where a secret reference belongs', () => {
    const error = refusal('probes:\n  - name: cache\n    kind: redis\n    url: "redis://h:6379"\n    password: hunter2-plain\n');
    expect(error.line).toBe(5);
    expect(error.field).toBe('probes[0].password');
    expect(error.message).not.toContain('hunter2-plain');
  });

  it('refuses credentials inside an HTTP URL without repeating them', () => {
    const error = refusal('probes:\n  - name: api\n    kind: http\n    url: "https://ops:hunter2x@api.example.com/health"\n');
    expect(error).toMatchObject({ line: 4, field: 'probes[0].url', message: expect.stringContaining('{ secret: NAME }') });
    expect(error.message).not.toContain('hunter2x');
  });

  it('checks that rollback steps name flags and probes the profile defines', () => {
    const error = refusal(['rollback:', '  plans:', '    - name: P0', '      steps:', '        - flag: nope', '          set: 0'].join('\n'));
    expect(error).toMatchObject({ line: 5, field: 'rollback.plans[0].steps[0].flag', message: expect.stringContaining('"nope"') });
    expect(refusal('probes:\n  - { name: a, kind: http, url: "https://a" }\n  - { name: a, kind: http, url: "https://b" }\n').message).toContain('defined twice');
  });

  it('refuses an automatic rollback to an unknown plan or to a plan that restores a backup, naming the line', () => {
    const profile = (plan: string) =>
      [
        'backups:',
        '  - { name: db, engine: postgres, url: "postgres://app@127.0.0.1:5432/app" }',
        'rollback:',
        '  plans:',
        '    - { name: restore-db, steps: [ { restore: db } ] }',
        'gates:',
        '  triggers:',
        '    - match: Error rate above 2%',
        `      autoRollback: { plan: ${plan}, countdownSeconds: 30 }`,
      ].join('\n');
    expect(refusal(profile('nope'))).toMatchObject({ line: 9, field: 'gates.triggers[0].autoRollback.plan', message: expect.stringContaining('does not define') });
    expect(refusal(profile('restore-db'))).toMatchObject({ line: 9, message: expect.stringContaining('never starts automatically') });
  });

  it('says what type a field needs and what it got, with its line and field, rather than "is required"', () => {
    expect(refusal('environment: 42\n')).toMatchObject({ line: 1, field: 'environment', message: 'Profile: environment expected a string, got a number.' });
    const timeout = refusal('probes:\n  - name: api\n    kind: http\n    url: https://api.example.com/health\n    timeoutMs: "fast"\n');
    expect(timeout).toMatchObject({ file: 'profile.yaml', line: 5, field: 'probes[0].timeoutMs', message: 'Profile: probes[0].timeoutMs expected a number, got a string.' });
    expect(refusal('probes: 3\n').message).toBe('Profile: probes expected a list, got a number.');
    expect(refusal('probes:\n  - name: api\n    kind: http\n    url: https://x\n    timeoutMs:\n').message).toBe('Profile: probes[0].timeoutMs expected a number, got an empty value.');
    // A value that is missing altogether is still "required".
    expect(refusal('probes:\n  - name: api\n    kind: http\n').message).toBe('Profile: probes[0].url is required.');
  });

  it('reports broken YAML with its line and column', () => {
    const error = refusal('environment: prod\nprobes: [\n  {name: a\n');
    expect(error.message).toMatch(/^Profile YAML:/);
    expect(error.line).toBeGreaterThanOrEqual(2);
  });
});

describe('finding the profile', () => {
  it('reads front matter, counting lines in the runbook, and allows a team\'s own metadata keys', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir.path, 'deploy.md');
    const text = ['---', 'title: Deploy', 'owner: payments', 'environment: staging', 'probes:', '  - name: api', '    kind: http', '    url: ftp://nope', '---', '# Deploy', '- [ ] go'].join('\n');
    writeFileSync(path, text);
    const doc = parseText(text, 'deploy.md');
    expect(doc.frontMatter?.line).toBe(2);
    await expect(findProfile(path, doc.frontMatter)).rejects.toMatchObject({ file: path, line: 8, field: 'probes[0].url' });
    const fixed = text.replace('ftp://nope', 'https://api.example.com/health');
    const loaded = await findProfile(path, parseText(fixed, 'deploy.md').frontMatter);
    expect(loaded).toMatchObject({ origin: 'front-matter', profile: { environment: 'staging' } });
  });

  it('finds <runbook>.flightdeck.yaml beside the runbook and lists the secrets it needs', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir.path, 'rollout.md');
    writeFileSync(path, '# Rollout\n- [ ] go\n');
    expect(await findProfile(path, null)).toBeNull();
    writeFileSync(join(dir.path, 'rollout.flightdeck.yaml'), 'probes:\n  - name: cache\n    kind: redis\n    url: "redis://h:6379"\n    password: { secret: redis-password }\n');
    expect(await findProfile(path, null)).toMatchObject({ origin: 'file', secrets: ['redis-password'] });
  });

  it('refuses a profile that is a FIFO at once, naming it, and keeps serving', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir.path, 'rollout.md');
    writeFileSync(path, '# Rollout\n- [ ] go\n');
    const fifo = join(dir.path, 'rollout.flightdeck.yaml');
    await promisify(execFile)('mkfifo', [fifo]);
    // Before: readFileSync on this FIFO blocked the event loop until a writer came, i.e. forever.
    let served = 0;
    const heartbeat = setInterval(() => served++, 5);
    const started = performance.now();
    try {
      await expect(findProfile(path, null)).rejects.toMatchObject({ code: 'bad-input', file: fifo, message: expect.stringContaining('is a FIFO (named pipe), not a regular file') });
      await expect(loadProfileFile(fifo)).rejects.toMatchObject({ file: fifo });
      // Refused without waiting for anything: far below the 15 s read deadline.
      expect(performance.now() - started).toBeLessThan(5_000);
      await waitFor('the event loop to keep turning', () => served >= 3);
    } finally {
      clearInterval(heartbeat);
    }
  });

  it('refuses a profile file over 1 MB, naming the file and the limit', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'huge.flightdeck.yaml');
    writeFileSync(file, `environment: prod\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(loadProfileFile(file)).rejects.toMatchObject({ code: 'too-large', file, message: 'is 2.0 MiB; Flightdeck reads a profile up to 1 MiB.' });
  });
});
