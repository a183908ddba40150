/**
 * The terminal's secrets: FLIGHTDECK_SECRET_<NAME> variables, never argv,
 * and never printed back, even when a message quotes something that
 * carries one.
 */
import { describe, expect, it } from 'vitest';
import { EnvSecretResolver, envSecretVariable, redactingIo } from '../../src/main/cli/env-secrets';
import { captureIo } from '../support/cli';

describe('secrets from the environment', () => {
  it('reads a profile name from its variable and hides its value from everything printed', () => {
    expect(envSecretVariable('admin-token.v2')).toBe('FLIGHTDECK_SECRET_ADMIN_TOKEN_V2');
    const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_ADMIN_TOKEN: 'tok-3f9a!xyz' });
    expect(secrets.get('admin-token')).toBe('tok-3f9a!xyz');
    const io = captureIo();
    const safe = redactingIo(io, secrets);
    safe.err('401 from https://api.example.com: bad bearer tok-3f9a!xyz');
    safe.out(JSON.stringify({ header: 'Bearer tok-3f9a!xyz' }));
    expect(io.stdout + io.stderr).not.toContain('tok-3f9a!xyz');
    expect(io.stderr).toContain('bad bearer «secret:');
  });
});
