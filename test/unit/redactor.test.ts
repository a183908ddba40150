/**
 * The redactor against canary secrets chosen to break naive code: regex
 * metacharacters, quotes and backslashes, shell syntax, non-ASCII text,
 * emoji (surrogate pairs) and newlines, in every form a secret takes on its
 * way into a log line, an error, a JSON event or an HTTP header.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { literalPatterns } from '../../src/main/services/vault/literal-pattern';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { CANARY_ENCODINGS as ENCODINGS, canaryLeaks as leaks } from '../support/canary';

const CANARIES = {
  REGEX: 'c4n.*+?^${1}(a|b)[z]\\d/x',
  QUOTES: `canary"with'quotes\`and\\backslash`,
  SHELL: 'canary;rm -rf /$(id)&&`x`',
  UNICODE: 'canäry-пароль-密码-🔑-end',
  NEWLINES: 'canary\nline two\r\n\ttabbed',
  HTML: 'canary<script>&amp;</script>',
  SPACES: 'canary with spaces + plus=eq&amp',
} as const;

function redactorWithCanaries(): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const [name, value] of Object.entries(CANARIES)) redactor.add(name, value);
  return redactor;
}

describe('SecretRedactor', () => {
  for (const [name, value] of Object.entries(CANARIES)) {
    for (const [label, encode] of Object.entries(ENCODINGS)) {
      it(`hides ${name} written as ${label}`, () => {
        const text = `before ${encode(value)} after`;
        const out = redactorWithCanaries().redact(text);
        expect(leaks(text, value).length).toBeGreaterThan(0); // the canary is readable before redaction
        expect(leaks(out, value)).toEqual([]);
        expect(out).toContain(`«secret:${name}»`);
        expect(out.startsWith('before ')).toBe(true);
        expect(out.endsWith(' after')).toBe(true);
      });
    }
  }

  it('treats metacharacters in a secret literally: a pattern-like value matches only itself', () => {
    const redactor = new SecretRedactor();
    redactor.add('PATTERN', 'a.*b');
    expect(redactor.redact('aXXXXb a.*b')).toBe('aXXXXb «secret:PATTERN»');
  });

  it('replaces every occurrence, in a multi-line text, and leaves the rest byte for byte', () => {
    const redactor = redactorWithCanaries();
    const text = `line 1 ${CANARIES.SHELL}\nline 2 ${CANARIES.NEWLINES}\nline 3 ${CANARIES.SHELL}${CANARIES.UNICODE}\n`;
    expect(redactor.redact(text)).toBe('line 1 «secret:SHELL»\nline 2 «secret:NEWLINES»\nline 3 «secret:SHELL»«secret:UNICODE»\n');
  });

  it('prefers the longer secret when one value contains another', () => {
    const redactor = new SecretRedactor();
    redactor.add('SHORT', 'hunter22');
    redactor.add('LONG', 'hunter22-and-more');
    expect(redactor.redact('x hunter22-and-more y hunter22 z')).toBe('x «secret:LONG» y «secret:SHORT» z');
  });

  it('ignores values shorter than 4 characters, which would match ordinary text everywhere', () => {
    const redactor = new SecretRedactor();
    redactor.add('PIN', '123');
    redactor.add('EMPTY', '');
    expect(redactor.redact('took 123 ms, 123 rows')).toBe('took 123 ms, 123 rows');
    redactor.add('CODE', '1234');
    expect(redactor.redact('code 1234')).toBe('code «secret:CODE»');
  });

  it('keeps hiding a value after its name gets a new value (old output can still carry it)', () => {
    const redactor = new SecretRedactor();
    redactor.add('TOKEN', 'old-token-value');
    redactor.add('TOKEN', 'new-token-value');
    expect(redactor.redact('old-token-value new-token-value')).toBe('«secret:TOKEN» «secret:TOKEN»');
  });

  it('returns the text unchanged while it knows no secret', () => {
    expect(new SecretRedactor().redact('nothing secret here')).toBe('nothing secret here');
  });

  it('stays correct and fast with many secrets (patterns kept under V8 optimisation limit)', () => {
    const redactor = new SecretRedactor();
    const values = Array.from({ length: 500 }, () => randomBytes(18).toString('base64'));
    values.forEach((value, i) => redactor.add(`S${i}`, value));
    const line = 'INFO GET /api/items 200 12ms user=ana region=eu-west-1 ';
    const text = `${line.repeat(20_000)}${values[0]} ${values[499]} ${Buffer.from(`u:${values[250]}`).toString('base64')}`;
    const started = performance.now();
    const out = redactor.redact(text);
    const elapsed = performance.now() - started;
    expect(out).toContain('«secret:S0» «secret:S499» ');
    expect(out).toContain('«secret:S250»');
    expect(values.some((value) => out.includes(value))).toBe(false);
    // About 150 ms here for a megabyte; the bound only catches a return to one oversized, unoptimised pattern on a busy machine.
    expect(elapsed).toBeLessThan(1500);
  });

  it('cuts many forms into several patterns, longest forms first', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `${'x'.repeat(i % 40)}word-${i}`);
    const patterns = literalPatterns(words);
    expect(patterns.length).toBeGreaterThan(1);
    for (const pattern of patterns) expect(pattern.source.length).toBeLessThan(20 * 1024);
    const longestPerPattern = patterns.map((p) => Math.max(...p.source.split('|').map((w) => w.length)));
    const shortestPerPattern = patterns.map((p) => Math.min(...p.source.split('|').map((w) => w.length)));
    for (let i = 1; i < patterns.length; i++) expect(longestPerPattern[i]).toBeLessThanOrEqual(shortestPerPattern[i - 1]!);
  });
});

describe('SecretRedactor.redactDeep', () => {
  it('redacts strings and keys at any depth and leaves the original untouched', () => {
    const redactor = redactorWithCanaries();
    const input = {
      action: 'flag.set',
      inputs: { url: `redis://:${CANARIES.REGEX}@127.0.0.1:6379`, [CANARIES.QUOTES]: 'key is the secret' },
      argv: ['kubectl', `--token=${CANARIES.SHELL}`],
      nested: [{ deeper: [CANARIES.UNICODE, 42, null, true] }],
    };
    const snapshot = JSON.stringify(input);
    const out = redactor.redactDeep(input);
    const text = JSON.stringify(out);
    for (const value of Object.values(CANARIES)) expect(leaks(text, value)).toEqual([]);
    expect(out.inputs.url).toBe('redis://:«secret:REGEX»@127.0.0.1:6379');
    expect(out.argv).toEqual(['kubectl', '--token=«secret:SHELL»']);
    expect(out.nested[0]!.deeper).toEqual(['«secret:UNICODE»', 42, null, true]);
    expect(Object.keys(out.inputs)).toContain('«secret:QUOTES»');
    expect(JSON.stringify(input)).toBe(snapshot);
  });

  it('redacts an error and keeps its class and fields', () => {
    const redactor = redactorWithCanaries();
    const error = new FlightdeckError('forbidden', `AUTH failed for ${CANARIES.HTML}`, { field: 'password' });
    const out = redactor.redactDeep(error);
    expect(out).toBeInstanceOf(FlightdeckError);
    expect(out.message).toBe('AUTH failed for «secret:HTML»');
    expect(out.stack).not.toContain(CANARIES.HTML);
    expect(out.code).toBe('forbidden');
    expect(out.field).toBe('password');
    expect(error.message).toContain(CANARIES.HTML);
  });

  it('leaves ids and hashes as they are, so a short secret inside one by chance cannot break what they match', () => {
    const redactor = new SecretRedactor();
    redactor.add('pin', '2024');
    const out = redactor.redactDeep({ id: 'deploy-2024', items: [{ itemId: 'q1-2024', text: 'ship 2024' }], sha256: 'ab2024', previousSha256: '2024', note: '2024' });
    expect(out).toEqual({ id: 'deploy-2024', items: [{ itemId: 'q1-2024', text: 'ship «secret:pin»' }], sha256: 'ab2024', previousSha256: '2024', note: '«secret:pin»' });
  });

  it('copes with cycles and leaves non-text objects as they are', () => {
    const redactor = redactorWithCanaries();
    const when = new Date(0);
    const node: Record<string, unknown> = { text: CANARIES.SPACES, when };
    node.self = node;
    const out = redactor.redactDeep(node) as Record<string, unknown>;
    expect(out.text).toBe('«secret:SPACES»');
    expect(out.self).toBe(out);
    expect(out.when).toBe(when);
  });
});

describe('SecretRedactor.redactPayload', () => {
  it('answers the very same object when its JSON holds no secret, without copying', () => {
    const redactor = redactorWithCanaries();
    const payload = { runbook: { items: Array.from({ length: 1000 }, (_, i) => ({ id: `i${i}`, text: `Step ${i}` })) }, points: [[1, 2]] };
    expect(redactor.redactPayload(payload)).toBe(payload);
  });

  for (const [name, value] of Object.entries(CANARIES)) {
    it(`finds ${name} in any encoding inside a string, a key or a JSON text quoted in a string`, () => {
      const redactor = redactorWithCanaries();
      for (const [label, encode] of Object.entries(ENCODINGS)) {
        // A message quoting a JSON body holds the secret's JSON-escaped form, escaped once more in the payload's JSON.
        const payloads = [{ message: `answered 500: ${encode(value)}` }, { headers: { [encode(value)]: 'x' } }, { deep: [[{ said: encode(value) }, 42]] }];
        for (const payload of payloads) {
          const out = redactor.redactPayload(payload);
          expect(out, `${label} in ${JSON.stringify(payload)}`).not.toBe(payload);
          expect(leaks(JSON.stringify(out), value), label).toEqual([]);
        }
      }
    });
  }
});
