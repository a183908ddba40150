/**
 * The profile draft through its two doors: the built `flightdeck profile
 * draft` command, and the app's contract calls (draftProfile,
 * testDraftProposal, saveDraftProfile) on the same services browser mode
 * runs, against a real loopback HTTP target that records every request.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import type { CallResult } from '../../src/shared/errors';
import type { ProfileDraft } from '../../src/shared/profile-draft';
import type { DraftView } from '../../src/shared/profile-draft-calls';
import { startDemoEnv } from '../support/demo-env';
import { call, tempDir, testApp } from '../support/app';
import { flightdeck } from '../support/cli';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';
import { SHARED_RUNBOOKS } from '../support/runbooks';

let work: ReturnType<typeof tempDir>;
let target: HttpTarget;
const seen: string[] = [];

beforeAll(async () => {
  work = tempDir('flightdeck-draft-');
  target = await startHttpTarget((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
});

afterAll(async () => {
  await target?.close();
  work?.remove();
});

describe('flightdeck profile draft', () => {
  it('prints YAML with every source line and placeholder, and --json the draft itself', () => {
    const file = join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md');
    const yaml = flightdeck(['profile', 'draft', file]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('# from line 73: mongodump --uri="$MONGODB_URI" --out=backup-$(date +%Y%m%d)');
    expect(yaml.stdout).toMatch(/^# {3}<YOUR_APP_COM_ORIGIN> {2}.*the runbook writes "https:\/\/your-app.com" \(line 148\)/m);
    const json = flightdeck(['profile', 'draft', file, '--json']);
    expect(json.code).toBe(0);
    const draft = JSON.parse(json.stdout) as ProfileDraft;
    expect(draft.proposals.find((p) => p.id === 'probe:app-health')).toMatchObject({ line: 148, lines: [148, 629] });
  });

  it('a draft saved beside the runbook is what `flightdeck trust` approves', () => {
    const runbook = join(work.path, 'tradesense-kubernetes.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'), runbook);
    const draft = flightdeck(['profile', 'draft', runbook]);
    writeFileSync(join(work.path, 'tradesense-kubernetes.flightdeck.yaml'), draft.stdout);
    const trust = flightdeck(['trust', '--yes', '--json', runbook], { FLIGHTDECK_HOME: join(work.path, 'cli-home'), USER: 'test' });
    expect(trust.code, trust.stderr).toBe(0);
    const view = JSON.parse(trust.stdout) as { manifest: { plans: unknown[] } };
    expect(view.manifest.plans).toEqual([{ name: 'P0', steps: ['Run rollout-undo-backend', 'Run rollout-undo-frontend', 'Run rollout-status-backend', 'Run rollout-status-frontend'] }]);
  });

  it('bad input exits 2 and says why', () => {
    const unknown = flightdeck(['profile', 'sketch', 'x.md']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown profile command "sketch"');
    const missing = flightdeck(['profile', 'draft', join(work.path, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.md');
  });
});

describe('the app: draft, test once, save', () => {
  let app: App;
  let runbook: string;
  const origin = () => new URL(target.url).origin;
  const choices = () => ({ values: { YOUR_APP_COM_ORIGIN: origin(), FLAG_NAME: 'checkout_v2', FLAG_FIELD: 'percentage' }, proposals: { 'probe:discord-trade-exec-health': { accepted: false }, 'backup:mongodb': { accepted: false }, 'flag:http-1': { accepted: true, secret: null } } });

  beforeAll(async () => {
    mkdirSync(join(work.path, 'app-repo'));
    runbook = join(work.path, 'app-repo', 'rollout.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'), runbook);
    app = testApp(join(work.path, 'app-data'));
    await app.cockpit.openPath(runbook);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('Test connection contacts only the origin the person approved, once', async () => {
    const wrong = (await app.call('testDraftProposal', { proposalId: 'probe:app-health', choices: choices(), approvedOrigin: 'http://127.0.0.1:1' })) as CallResult<unknown>;
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error.code).toBe('forbidden');
    expect(seen).toEqual([]);
    const result = await call<{ ok: boolean; message: string }>(app, 'testDraftProposal', { proposalId: 'probe:app-health', choices: choices(), approvedOrigin: origin() });
    expect(result.ok).toBe(true);
    expect(seen).toEqual(['/health']);
    // The press is journaled as the one-off approval it is: the origin, the proposal, who pressed it; the refused one is not.
    const tested = app.cockpit.activation()!.journal.entries().filter((e) => e.type === 'trust.tested');
    expect(tested.map((e) => [e.by, e.data])).toEqual([[app.cockpit.operator(), { origin: origin(), proposal: 'probe:app-health', kind: 'probe' }]]);
  });

  it('saves <runbook>.flightdeck.yaml (0600), leaves the markdown alone, reopens the runbook under review, and never replaces a file unasked', async () => {
    const before = readFileSync(runbook, 'utf8');
    const cockpit = await call<{ trust: { state: string; manifest: unknown } }>(app, 'saveDraftProfile', { choices: choices() });
    const file = join(work.path, 'app-repo', 'rollout.flightdeck.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(runbook, 'utf8')).toBe(before);
    expect(cockpit.trust.state).toBe('untrusted');
    expect(JSON.stringify(cockpit.trust.manifest)).toContain(origin());

    const saved = readFileSync(file, 'utf8');
    const again = (await app.call('saveDraftProfile', { choices: { ...choices(), values: { ...choices().values, FLAG_NAME: 'other_flag' } } })) as CallResult<unknown>;
    expect(!again.ok && again.error.code).toBe('conflict');
    expect(readFileSync(file, 'utf8')).toBe(saved);
    await call(app, 'saveDraftProfile', { choices: { ...choices(), values: { ...choices().values, FLAG_NAME: 'other_flag' } }, overwrite: true });
    expect(readFileSync(file, 'utf8')).toContain('other_flag');
  });

  it('an unfilled placeholder is refused by name, and nothing is written', async () => {
    const dir = join(work.path, 'app-repo-2');
    mkdirSync(dir);
    const other = join(dir, 'rollout.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'), other);
    await app.cockpit.openPath(other);
    const result = (await app.call('saveDraftProfile', { choices: { values: {}, proposals: {} } })) as CallResult<unknown>;
    expect(!result.ok && result.error.message).toMatch(/Fill <YOUR_APP_COM_ORIGIN>/);
    expect(readdirSync(dir)).toEqual(['rollout.md']);
  });

  it('an upload (no file of its own) saves beside the session copy', async () => {
    const text = readFileSync(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'));
    await app.cockpit.openUpload('tradesense.md', text);
    const view = await call<{ fileName: string }>(app, 'draftProfile');
    expect(view.fileName).toBe('runbook.flightdeck.yaml');
    const cockpit = await call<{ trust: { state: string; manifest: { plans: Array<{ name: string }> } } }>(app, 'saveDraftProfile', { choices: { values: {}, proposals: {} } });
    const dir = app.cockpit.activation()!.sessionDir;
    expect(existsSync(join(dir, 'runbook.flightdeck.yaml'))).toBe(true);
    // Reopened with it: the trust screen has the drafted plan to review.
    expect(cockpit.trust.state).toBe('untrusted');
    expect(cockpit.trust.manifest.plans.map((p) => p.name)).toEqual(['P0']);
  });

  it('with a profile beside the runbook, the form starts from it and saving edits it in place, comments kept', async () => {
    const dir = join(work.path, 'app-repo-3');
    mkdirSync(dir);
    const other = join(dir, 'rollout.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'), other);
    const file = join(dir, 'rollout.flightdeck.yaml');
    const mine = ['# ours: the staging shop', 'environment: staging', 'probes:', '  # the one that pages', '  - name: app-health', '    kind: http', `    url: ${origin()}/health`, 'overrides: []', ''].join('\n');
    writeFileSync(file, mine);
    chmodSync(file, 0o640);
    await app.cockpit.openPath(other);
    const view = await call<DraftView>(app, 'draftProfile');
    expect(view).toMatchObject({ editing: true, exists: true });
    expect(view.draft.proposals.filter((p) => p.existing).map((p) => [p.id, p.accepted, p.entry.url])).toEqual([['profile:probe:app-health', true, `${origin()}/health`]]);
    expect(view.draft.proposals.filter((p) => !p.existing).every((p) => !p.accepted)).toBe(true);
    expect(view.kept).toEqual([{ what: 'overrides', line: 8 }]);

    // A fresh save (not editing) still never replaces the file unasked.
    const blind = (await app.call('saveDraftProfile', { choices: choices() })) as CallResult<unknown>;
    expect(!blind.ok && blind.error.code).toBe('conflict');
    expect(readFileSync(file, 'utf8')).toBe(mine);

    const cockpit = await call<{ trust: { state: string; manifest: unknown } }>(app, 'saveDraftProfile', { choices: { values: {}, proposals: { 'profile:probe:app-health': { accepted: true, url: `${origin()}/healthz` }, 'rollback:P0': { accepted: true } } }, editing: true });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# ours: the staging shop\nenvironment: staging\nprobes:\n  # the one that pages\n  - name: app-health\n');
    expect(text).toContain(`    url: ${origin()}/healthz\n`);
    expect(text).toContain('\noverrides: []\n');
    expect(text).toMatch(/# added by "Make this runbook live" from runbook line \d+/);
    // The drafted plan waits for the profile's own probe.
    expect(text).toContain('- waitForHealth:\n            - app-health');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(cockpit.trust.state).toBe('untrusted');
    expect(JSON.stringify(cockpit.trust.manifest)).toContain('Wait until app-health is up');
  });
});

describe('the demo shop: the flag field the draft leaves to fill is the one its GET returns', () => {
  it('filled with the field the shop reads back, Test connection reads the flag; with the field the runbook writes, it fails', async () => {
    const env = await startDemoEnv();
    const app = testApp(join(work.path, 'demo-data'));
    try {
      const dir = join(work.path, 'demo-repo');
      mkdirSync(dir);
      const runbook = env.profileFor(dir);
      rmSync(join(dir, 'runbook.flightdeck.yaml'));
      await app.cockpit.openPath(runbook);
      const view = await call<DraftView>(app, 'draftProfile');
      expect(view.draft.fields.map((f) => f.key)).toContain('FLAG_FIELD');
      const test = (field: string) => app.call('testDraftProposal', { proposalId: 'flag:http-1', choices: { values: { FLAG_FIELD: field }, proposals: { 'flag:http-1': { accepted: true } } }, approvedOrigin: env.url }) as Promise<CallResult<{ ok: boolean; message: string }>>;
      const read = await test('percentage');
      expect(read.ok && read.value).toMatchObject({ ok: true, message: 'reads 0' });
      const wrong = await test('rolloutPercentage');
      expect(wrong.ok && wrong.value.ok).toBe(false);
    } finally {
      await app.close();
      await env.stop();
    }
  }, 60_000);
});
