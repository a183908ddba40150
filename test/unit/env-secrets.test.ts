/**
 * The terminal's secrets: FLIGHTDECK_SECRET_<NAME> variables, never argv,
 * never printed back, even when a message quotes something that carries
 * one, and sent only where FLIGHTDECK_SECRET_<NAME>_SCOPE says or where an
 * approval (the trust store, or a target typed on the command line) allows.
 */
import { describe, expect, it } from 'vitest';
import { EnvSecretResolver, envScopeVariable, envSecretVariable, redactingIo } from '../../src/main/cli/env-secrets';
import { hostDestination } from '../../src/main/services/vault/destination';
import { captureIo } from '../support/cli';
import { thrown } from '../support/thrown';

const API = 'https://api.example.com';
const OTHER = 'http://127.0.0.1:4999';


describe('secrets from the environment', () => {
  it('reads a profile name from its variable and hides its value from everything printed', () => {
    expect(envSecretVariable('admin-token.v2')).toBe('FLIGHTDECK_SECRET_ADMIN_TOKEN_V2');
    expect(envScopeVariable('admin-token.v2')).toBe('FLIGHTDECK_SECRET_ADMIN_TOKEN_V2_SCOPE');
    const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_ADMIN_TOKEN: 'tok-3f9a!xyz', FLIGHTDECK_SECRET_ADMIN_TOKEN_SCOPE: API });
    expect(secrets.get('admin-token', API)).toBe('tok-3f9a!xyz');
    const io = captureIo();
    const safe = redactingIo(io, secrets);
    safe.err('401 from https://api.example.com: bad bearer tok-3f9a!xyz');
    safe.out(JSON.stringify({ header: 'Bearer tok-3f9a!xyz' }));
    expect(io.stdout + io.stderr).not.toContain('tok-3f9a!xyz');
    expect(io.stderr).toContain('bad bearer «secret:');
    // The scope is a list of destinations, not a secret: it stays readable.
    expect(io.stderr).toContain('401 from https://api.example.com');
  });

  it('sends a secret only to the destinations its _SCOPE variable lists, naming both when it refuses', () => {
    const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_TOKEN: 'canary-env-token', FLIGHTDECK_SECRET_TOKEN_SCOPE: `${API}, redis.internal:6379 program:kubectl` });
    expect(secrets.get('token', API)).toBe('canary-env-token');
    expect(secrets.get('token', 'redis.internal:6379')).toBe('canary-env-token');
    expect(secrets.get('token', 'program:kubectl')).toBe('canary-env-token');
    const refused = thrown(() => secrets.get('token', OTHER));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain('"token"');
    expect(refused.message).toContain(OTHER);
    expect(refused.message).toContain(API);
    expect(refused.message).toContain('FLIGHTDECK_SECRET_TOKEN_SCOPE');
    expect(refused.message).not.toContain('canary-env-token');
    // A scope wins over any approval: the operator's word is the limit.
    const scopedAndApproved = new EnvSecretResolver({ FLIGHTDECK_SECRET_TOKEN: 'canary-env-token', FLIGHTDECK_SECRET_TOKEN_SCOPE: API }, { approved: () => true });
    expect(thrown(() => scopedAndApproved.get('token', OTHER)).code).toBe('forbidden');
  });

  it('without a scope, refuses unless the approval says this secret may go to this destination', () => {
    const env = { FLIGHTDECK_SECRET_TOKEN: 'canary-env-token' };
    const refused = thrown(() => new EnvSecretResolver(env).get('token', API));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain(API);
    expect(refused.message).toContain(`FLIGHTDECK_SECRET_TOKEN_SCOPE=${API}`);
    expect(refused.message).toContain('flightdeck trust FILE');

    const approvals: Array<[string, string]> = [];
    const approved = new EnvSecretResolver(env, {
      approved: (name, destination) => {
        approvals.push([name, destination]);
        return name === 'token' && destination === API;
      },
    });
    expect(approved.get('token', API)).toBe('canary-env-token');
    expect(thrown(() => approved.get('token', OTHER)).code).toBe('forbidden');
    expect(approvals).toEqual([
      ['token', API],
      ['token', OTHER],
    ]);
  });

  it('judges a connection URL that is itself the secret by its own host, without quoting it', () => {
    const url = 'mongodb://admin:canary-mongo-pw@db.internal:27017/app';
    const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_MONGO_URI: url, FLIGHTDECK_SECRET_MONGO_URI_SCOPE: 'db.internal:27017', FLIGHTDECK_SECRET_NOT_A_URL: 'canary-plain-text', FLIGHTDECK_SECRET_NOT_A_URL_SCOPE: 'db.internal:27017' });
    expect(secrets.get('mongo-uri', hostDestination)).toBe(url);
    const other = new EnvSecretResolver({ FLIGHTDECK_SECRET_MONGO_URI: url.replace('db.internal', 'evil.example'), FLIGHTDECK_SECRET_MONGO_URI_SCOPE: 'db.internal:27017' });
    const refused = thrown(() => other.get('mongo-uri', hostDestination));
    expect(refused.message).toContain('evil.example:27017');
    expect(refused.message).not.toContain('canary-mongo-pw');
    const notUrl = thrown(() => secrets.get('not-a-url', hostDestination));
    expect(notUrl.message).not.toContain('canary-plain-text');
  });

  it('names the variable when a scope list is malformed, and still hides a lone _SCOPE variable that may be a secret', () => {
    const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_TOKEN: 'canary-env-token', FLIGHTDECK_SECRET_TOKEN_SCOPE: 'https://api.example.com/path', FLIGHTDECK_SECRET_API_SCOPE: 'canary-lone-value' });
    const bad = thrown(() => secrets.get('token', API));
    expect(bad.code).toBe('bad-input');
    expect(bad.message).toMatch(/^FLIGHTDECK_SECRET_TOKEN_SCOPE: /);
    expect(secrets.entries().map(([name]) => name).sort()).toEqual(['api_scope', 'token']);
  });
});
