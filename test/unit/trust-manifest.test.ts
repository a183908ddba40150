/**
 * The capability manifest and the approvals that pin it: what a profile
 * would do is listed in full, the hash ignores what adds no power, and any
 * change of power puts the runbook back in review mode with a diff.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProfileText, type LoadedProfile } from '../../src/main/services/profile/profile-loader';
import { deriveManifest, manifestHash, secretPairs } from '../../src/main/services/trust/capability-manifest';
import { TrustStore } from '../../src/main/services/trust/trust-store';

const PROFILE = `
environment: production
probes:
  - { name: api, kind: http, url: "https://api.example.com/health", headers: { Authorization: { secret: api-token, prefix: "Bearer " } } }
  - { name: cache, kind: redis, url: "redis://cache.internal:6380", password: { secret: redis-pw } }
flags:
  - name: checkout_v2
    backend: { type: http, url: "https://admin.example.com/flags/checkout_v2", headers: { X-Token: { secret: admin-token } } }
    steps: [0, 10, 50, 100]
commands:
  allow: [kubectl]
  env: { KUBECONFIG: { secret: kubeconfig } }
  named: { undo-web: { argv: [kubectl, rollout, undo, deployment/web] } }
rollback:
  plans:
    - { name: P0, steps: [ { flag: checkout_v2, set: 0 }, { command: undo-web } ] }
gates:
  triggers:
    - { text: "Error rate above 2%", metric: error_rate, op: ">", value: 2, severity: red, autoRollback: { plan: P0, countdownSeconds: 30 } }
`;

function loaded(text: string, file = '/work/prod.flightdeck.yaml'): LoadedProfile {
  return { profile: parseProfileText(text, { file }), file, origin: 'file', secrets: [] };
}

describe('the capability manifest', () => {
  it('lists every host with the secrets sent to it, argv verbatim, flags, plans and automatic actions', () => {
    const m = deriveManifest(null, loaded(PROFILE).profile);
    expect(m.hosts).toEqual([
      { destination: 'cache.internal:6380', purpose: 'probe cache', secrets: ['redis-pw'] },
      { destination: 'https://admin.example.com', purpose: 'flag checkout_v2', secrets: ['admin-token'] },
      { destination: 'https://api.example.com', purpose: 'probe api', secrets: ['api-token'] },
    ]);
    expect(m.allowlist).toEqual(['kubectl']);
    expect(m.programs).toEqual([{ argv: ['kubectl', 'rollout', 'undo', 'deployment/web'], source: 'commands.named.undo-web', env: ['KUBECONFIG=kubeconfig'] }]);
    expect(m.flags).toEqual([{ flag: 'checkout_v2', destination: 'https://admin.example.com', steps: [0, 10, 50, 100] }]);
    expect(m.plans[0]!.name).toBe('P0');
    expect(m.automatic).toEqual([{ trigger: 'Error rate above 2%', condition: 'error_rate > 2', plan: 'P0', countdownSeconds: 30 }]);
    expect(secretPairs(m)).toContainEqual(['kubeconfig', 'program:kubectl']);
    expect(secretPairs(m)).toContainEqual(['api-token', 'https://api.example.com']);
  });

  it('keeps its hash through comments, whitespace and reordering, and changes it for any new power', () => {
    const base = manifestHash(deriveManifest(null, loaded(PROFILE).profile));
    const cosmetic = `# reviewed by ops\n${PROFILE.replace('environment: production', 'environment: production   # the real one')}\n\n`;
    expect(manifestHash(deriveManifest(null, loaded(cosmetic).profile))).toBe(base);
    const otherHost = PROFILE.replace('https://api.example.com/health', 'https://attacker.example.net/health');
    expect(manifestHash(deriveManifest(null, loaded(otherHost).profile))).not.toBe(base);
    const otherArgv = PROFILE.replace('deployment/web', 'deployment/db');
    expect(manifestHash(deriveManifest(null, loaded(otherArgv).profile))).not.toBe(base);
  });
});

describe('approvals', () => {
  let dir: string;
  let store: TrustStore;
  const profileFile = '/work/prod.flightdeck.yaml';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flightdeck-trust-'));
    store = new TrustStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts untrusted, is trusted once approved (kept 0600 in the data dir), and falls back with a diff when a host changes', () => {
    const input = { subject: profileFile, profile: loaded(PROFILE), doc: null };
    const first = store.check(input);
    expect(first.view.state).toBe('untrusted');
    expect(first.trusted).toBeNull();

    const approved = store.approve(input, first.view.hash, 'ana');
    expect(approved.view.state).toBe('trusted');
    expect(approved.trusted?.profile.environment).toBe('production');
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'trust')).mode & 0o777).toBe(0o700);

    const moved = { ...input, profile: loaded(PROFILE.replace('https://api.example.com/health', 'https://attacker.example.net/health')) };
    const changed = store.check(moved);
    expect(changed.view.state).toBe('changed');
    expect(changed.trusted).toBeNull();
    expect(changed.view.changes).toContainEqual({ section: 'hosts', change: 'added', text: 'https://attacker.example.net (probe api) ← secrets: api-token' });
    expect(changed.view.changes).toContainEqual({ section: 'hosts', change: 'removed', text: 'https://api.example.com (probe api) ← secrets: api-token' });
  });

  it('refuses an approval of something other than what was shown', () => {
    const input = { subject: profileFile, profile: loaded(PROFILE), doc: null };
    const shown = store.check(input).view.hash;
    const edited = { ...input, profile: loaded(PROFILE.replace('countdownSeconds: 30', 'countdownSeconds: 3')) };
    expect(() => store.approve(edited, shown, 'ana')).toThrow(/changed while you reviewed it/);
    expect(store.check(edited).trusted).toBeNull();
  });

  it('an approval is the subject’s own: a second profile with the same powers elsewhere is not trusted by it', () => {
    const input = { subject: profileFile, profile: loaded(PROFILE), doc: null };
    store.approve(input, store.check(input).view.hash, 'ana');
    expect(store.check({ ...input, subject: '/elsewhere/flightdeck.yaml' }).view.state).toBe('untrusted');
  });

  it('revoking puts it back in review mode; a damaged approvals file is refused naming the file', () => {
    const input = { subject: profileFile, profile: loaded(PROFILE), doc: null };
    store.approve(input, store.check(input).view.hash, 'ana');
    expect(store.revoke(profileFile)).toBe(true);
    expect(store.check(input).view.state).toBe('untrusted');
    writeFileSync(store.path, '{"format":"flightdeck-approvals","version":1,"approvals":[{"subject":1}]}');
    expect(() => store.check(input)).toThrow(/approvals file is damaged/);
  });

  it('a profile with no powers is inert: nothing to approve', () => {
    const check = store.check({ subject: profileFile, profile: loaded('environment: staging\n'), doc: null });
    expect(check.view.state).toBe('inert');
  });
});
