/** Which commands run without asking: only those that plainly just look. */
import { describe, expect, it } from 'vitest';
import { isReadOnly } from '../../src/renderer/src/features/control/read-only';

const ro = (argv: string[], native: 'probe' | 'command' | null = null) => isReadOnly({ argv, native });

describe('read-only commands', () => {
  it('looks: health probes, status and listing verbs', () => {
    expect(ro(['curl', '-fsS', 'https://shop.example.com/health'], 'probe')).toBe(true);
    expect(ro(['curl', '-fsS', 'https://shop.example.com/health'])).toBe(true);
    expect(ro(['kubectl', '-n', 'prod', 'rollout', 'status', 'deploy/shop'])).toBe(true);
    expect(ro(['kubectl', 'get', 'pods', '--namespace', 'prod'])).toBe(true);
    expect(ro(['/usr/bin/git', 'status'])).toBe(true);
    expect(ro(['heroku', 'config', '-a', 'shop'])).toBe(true);
    expect(ro(['redis-cli', '-h', '10.0.0.5', '-p', '6380', 'PING'])).toBe(true);
  });

  it('changes, so it asks first: writes, undo, set, and anything unknown', () => {
    expect(ro(['kubectl', 'rollout', 'undo', 'deploy/shop'])).toBe(false);
    expect(ro(['kubectl', '-n', 'get', 'delete', 'pod'])).toBe(false); // "get" is the namespace here
    expect(ro(['heroku', 'config:set', 'CHECKOUT_V2=0', '-a', 'shop'])).toBe(false);
    expect(ro(['railway', 'variables', '--set', 'CHECKOUT_V2=0'])).toBe(false);
    expect(ro(['curl', '-X', 'PUT', 'https://shop/api/flags/x'])).toBe(false);
    expect(ro(['curl', '-XPOST', 'https://shop/api'])).toBe(false);
    expect(ro(['curl', '--request=DELETE', 'https://shop/api'])).toBe(false);
    expect(ro(['curl', '-d', '{"percentage":0}', 'https://shop/api'])).toBe(false);
    expect(ro(['curl', '--data-binary', '@file', 'https://shop/api'])).toBe(false);
    expect(ro(['redis-cli', 'SET', 'flag', '0'])).toBe(false);
    expect(ro(['pg_dump', 'shop'])).toBe(false);
    expect(ro(['./deploy.sh'])).toBe(false);
    expect(ro([])).toBe(false);
  });
});
