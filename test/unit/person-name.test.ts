/**
 * The one rule for a person's name (--by, sign-off names, the operator):
 * control characters and bidirectional controls are refused with a message
 * that names the field, the code point and where it is; ordinary names in
 * any script pass untouched.
 */
import { describe, expect, it } from 'vitest';
import { PrefsSchema } from '../../src/shared/contract';
import { FlightdeckError } from '../../src/shared/errors';
import { checkPersonName, personNameProblem, personNameSchema } from '../../src/shared/person-name';

const REFUSED: Array<[string, string]> = [
  ['\u0000', 'U+0000'],
  ['\u0007', 'U+0007'],
  ['\t', 'U+0009'],
  ['\n', 'U+000A'],
  ['\u001b', 'U+001B'],
  ['\u007f', 'U+007F'],
  ['\u0085', 'U+0085'],
  ['\u009b', 'U+009B'],
  ['\u200e', 'U+200E'],
  ['\u200f', 'U+200F'],
  ['\u202a', 'U+202A'],
  ['\u202b', 'U+202B'],
  ['\u202c', 'U+202C'],
  ['\u202d', 'U+202D'],
  ['\u202e', 'U+202E'],
  ['\u2066', 'U+2066'],
  ['\u2067', 'U+2067'],
  ['\u2068', 'U+2068'],
  ['\u2069', 'U+2069'],
];

describe('a person\'s name', () => {
  it.each(REFUSED)('refuses %j, naming %s and where it is', (char, code) => {
    const problem = personNameProblem(`Eve${char}ecila`);
    expect(problem).toContain(code);
    expect(problem).toContain('at character 4');
  });

  it('says what a bidirectional override is, not only its number', () => {
    expect(personNameProblem('Eve\u202Eecila')).toBe('contains U+202E (right-to-left override) at character 4, which can make a name display as another; type the name without it');
  });

  it('accepts names in any script, with accents, apostrophes and emoji', () => {
    for (const name of ['Ana Lima', 'Zoë O\'Brien-Łukasiewicz', 'محمد علي', 'שרה כהן', '李小龍', 'Dana 🚀']) expect(personNameProblem(name), name).toBeNull();
  });

  it('throws a bad-input error naming the field as the person knows it', () => {
    let thrown: unknown;
    try {
      checkPersonName('Eve\u0007', '--by');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(FlightdeckError);
    expect((thrown as FlightdeckError).code).toBe('bad-input');
    expect((thrown as FlightdeckError).field).toBe('by');
    expect((thrown as FlightdeckError).message).toBe('--by contains the control character U+0007 at character 4; a name is plain text on one line.');
    expect(checkPersonName(null, '--by')).toBeNull();
    expect(checkPersonName('Ana', '--by')).toBe('Ana');
  });

  it('is the contract\'s rule too: the schema refuses what the function refuses, and the prefs schema as well', () => {
    const schema = personNameSchema(80);
    expect(schema.safeParse('  Ana  ').data).toBe('Ana');
    const refused = schema.safeParse('Ana\u2066');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('U+2066 (left-to-right isolate)');
    expect(PrefsSchema.safeParse({ operator: 'Ana\u202E', theme: 'dark' }).success).toBe(false);
    expect(PrefsSchema.safeParse({ operator: 'Ana', theme: 'dark' }).success).toBe(true);
  });
});
