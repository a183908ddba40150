/**
 * A name with a control character or a bidirectional override never
 * reaches the journal from the terminal: `--by` and `signoff --name` are
 * refused with exit 2 and a message naming the option and the character,
 * before anything is written (or, for `report`, before the vault is opened).
 * The built `flightdeck` command runs as a user would run it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookRef, Session } from '../../src/main/services/session/session';
import { tempDir } from '../support/app';
import { flightdeck } from '../support/cli';
import { parseText } from '../support/runbooks';

const RUNBOOK = `# Names

- [ ] Announce the window

## Sign-Off
- QA: ____
`;

const root = tempDir('flightdeck-names-');
const dir = join(root.path, 'session');
/** No vault passphrase and an empty data directory: a command that got as far as the vault would fail differently. */
const env = { FLIGHTDECK_HOME: join(root.path, 'data'), FLIGHTDECK_VAULT_PASSPHRASE: '', USER: 'ana' };
let itemId: string;

beforeAll(() => {
  const doc = parseText(RUNBOOK, 'names.md');
  itemId = doc.items[0]!.id;
  Session.create(dir, runbookRef(doc), RUNBOOK, 'ana').close();
});

afterAll(() => root.remove());

const journal = () => readFileSync(join(dir, 'journal.jsonl'), 'utf8');

describe('names from the command line', () => {
  it.each([
    ['session tick --by with a right-to-left override', () => ['session', 'tick', dir, itemId, '--by', 'Eve\u202Eecila'], '--by contains U+202E (right-to-left override) at character 4'],
    ['session note --by with an escape sequence', () => ['session', 'note', dir, itemId, 'hello', '--by', 'ana\u001b[2K'], '--by contains the control character U+001B at character 4'],
    ['signoff --name with a left-to-right isolate', () => ['signoff', dir, '--role', 'QA', '--name', 'Bob\u2066 Builder'], '--name contains U+2066 (left-to-right isolate) at character 4'],
    ['signoff --by with a right-to-left mark', () => ['signoff', dir, '--role', 'QA', '--name', 'Bob', '--by', '\u200Fana'], '--by contains U+200F (right-to-left mark) at character 1'],
    ['report --by with DEL', () => ['report', dir, '--out', join(root.path, 'r.pdf'), '--by', 'ana\u007f'], '--by contains the control character U+007F at character 4'],
  ])('refuses %s with exit 2, naming the option, and journals nothing', (_label, args, message) => {
    const before = journal();
    const result = flightdeck(args(), env);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(journal()).toBe(before);
  });

  it('accepts the same commands with plain names', () => {
    const result = flightdeck(['signoff', dir, '--role', 'QA', '--name', 'Zoë O\'Brien', '--by', 'ana'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(journal()).toContain('"name":"Zoë O\'Brien"');
  });
});
