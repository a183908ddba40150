/**
 * The one rule that releases a secret: only to a destination on its own
 * scope, whatever asks for it; a secret with no scope goes nowhere.
 */
import { describe, expect, it } from 'vitest';
import { checkRelease, LOCAL_SIGNING, normaliseScope } from '../../src/main/services/vault/secret-scope';
import { resolveHeaders, type SecretResolver } from '../../src/main/services/vault/secrets';
import { httpDestination, programDestination } from '../../src/main/services/vault/destination';
import { thrown } from '../support/thrown';


const HOW = 'Say where it may go.';

describe('checkRelease', () => {
  it('releases to a destination on the scope, and refuses any other naming the secret, the destination and the scope', () => {
    expect(() => checkRelease('api-token', ['https://a.example.com'], 'https://a.example.com', HOW)).not.toThrow();
    const error = thrown(() => checkRelease('api-token', ['https://a.example.com', 'program:kubectl'], 'https://b.example.com', HOW));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Secret "api-token" may be sent only to https://a.example.com, program:kubectl; it was refused for https://b.example.com. Say where it may go.');
  });

  it('refuses an unscoped secret everywhere, saying it has no scope yet', () => {
    const error = thrown(() => checkRelease('old-token', null, 'https://a.example.com', HOW));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Secret "old-token" has no scope yet, so Flightdeck sends it nowhere; it was asked for https://a.example.com. Say where it may go.');
  });

  it('never releases a local key to a destination a profile can name', () => {
    for (const destination of [httpDestination('https://a.example.com/x'), programDestination('/usr/bin/curl'), 'db.internal:5432']) {
      expect(thrown(() => checkRelease('signing.report-key', [LOCAL_SIGNING], destination, HOW)).message).toContain('never sent anywhere');
    }
  });
});

describe('normaliseScope', () => {
  it('puts each entry in its canonical form, once, sorted', () => {
    expect(normaliseScope(['https://API.example.com:443', 'redis://Cache.internal', 'program:kubectl', 'https://api.example.com'])).toEqual(['cache.internal:6379', 'https://api.example.com', 'program:kubectl']);
  });

  it('refuses an empty scope, a path, a wildcard and a local destination, naming the entry', () => {
    expect(thrown(() => normaliseScope([])).field).toBe('scope');
    expect(thrown(() => normaliseScope(['https://api.example.com/v1'])).message).toContain('https://api.example.com/v1');
    expect(thrown(() => normaliseScope(['*.example.com'])).message).toContain('*.example.com');
    expect(thrown(() => normaliseScope([LOCAL_SIGNING])).message).toContain(LOCAL_SIGNING);
  });
});

describe('resolveHeaders', () => {
  it('asks for every secret header with the destination of the request', () => {
    const asked: string[] = [];
    const secrets: SecretResolver = {
      has: () => true,
      get: (name, destination) => {
        asked.push(`${name} → ${String(destination)}`);
        return 'canary-header-value';
      },
    };
    const headers = resolveHeaders({ Authorization: { secret: 'api-token', prefix: 'Bearer ' }, Accept: 'application/json' }, secrets, 'https://a.example.com');
    expect(asked).toEqual(['api-token → https://a.example.com']);
    expect(headers.literal).toEqual({ Accept: 'application/json' });
  });
});
