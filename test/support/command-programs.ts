/**
 * Tiny programs for command tests: Node scripts with a shebang to this
 * Node, written into a temp directory, so a test can allowlist them by name
 * (with that directory on PATH) and assert exactly what they received.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FlightdeckError } from '../../src/shared/errors';
import type { SecretResolver } from '../../src/main/services/vault/secrets';
import type { ActionJournal } from '../../src/main/services/actions/action-journal';
import { Session } from '../../src/main/services/session/session';

export function programDir(): string {
  return mkdtempSync(join(tmpdir(), 'flightdeck-programs-'));
}

/** Writes an executable Node script `name` into `dir` and returns its absolute path. */
export function writeProgram(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!${process.execPath}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Prints {argv, env} as one JSON line: argv without node and the script, env limited to `names` (all when empty). */
export function argvPrinter(dir: string, name = 'argv-printer'): string {
  return writeProgram(
    dir,
    name,
    `const names = (process.env.PRINT_ENV || '').split(',').filter(Boolean);
const env = names.length ? Object.fromEntries(names.map((n) => [n, process.env[n] ?? null])) : { ...process.env };
process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env }) + '\\n');`,
  );
}

/** A fresh session to journal into; `root` is its temp directory, and `remove()` closes the session and deletes root. */
export function newSession(): { session: Session; dir: string; root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'flightdeck-session-'));
  const session = Session.create(join(root, 'session'), { name: 'test.md', path: null, sha256: 'x'.repeat(64), title: 'Test' }, '# Test\n', 'tester');
  const remove = () => {
    session.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { session, dir: join(root, 'session'), root, remove };
}

/** Secrets from a plain map (the vault's own tests cover the vault). */
export function mapSecrets(values: Record<string, string>): SecretResolver {
  return {
    get(name) {
      const value = values[name];
      if (value === undefined) throw new FlightdeckError('not-found', `Secret "${name}" is not in the vault.`);
      return value;
    },
    has: (name) => name in values,
  };
}

export function canary(label: string): string {
  return `CANARY-${label}-${randomBytes(12).toString('hex')}`;
}

/** Journal entries of a type, by data. */
export function entriesOf(journal: ActionJournal, type: string): Record<string, unknown>[] {
  return journal.entries().filter((e) => e.type === type).map((e) => e.data);
}
