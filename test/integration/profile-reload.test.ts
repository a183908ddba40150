/**
 * Live reload in the assembled app (issue 15): the runbook's folder is
 * watched, a contract call re-reads on focus, an edit that keeps the
 * manifest keeps the approval, one that changes it is review mode, and an
 * uploaded runbook can bring its profile.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { call, openTrusted, tempDir, testApp } from '../support/app';
import { waitFor } from '../support/wait';

const RUNBOOK = ['# Release', '', '## Phase 1', '', '- [ ] Deploy', '- [ ] Check health', ''].join('\n');
const profile = (port: number, interval: number) =>
  ['# the team profile', 'environment: staging', 'probes:', `  - { name: api, kind: http, url: "http://127.0.0.1:${port}/health", intervalSeconds: ${interval} }`, ''].join('\n');

let dir: ReturnType<typeof tempDir>;
let app: App;
let runbook: string;
let profileFile: string;

beforeEach(() => {
  dir = tempDir('flightdeck-reload-');
  app = testApp(join(dir.path, 'data'));
  runbook = join(dir.path, 'release.md');
  profileFile = join(dir.path, 'release.flightdeck.yaml');
  writeFileSync(runbook, RUNBOOK);
});

afterEach(async () => {
  await app.close();
  dir.remove();
});

const trustState = () => app.cockpit.state().trust?.state;

describe('re-reading the open runbook and its profile', () => {
  it('keeps the approval and the notices when nothing changed, and when the manifest did not change', async () => {
    writeFileSync(profileFile, profile(9, 5));
    await openTrusted(app, runbook);
    expect(trustState()).toBe('trusted');
    expect(await call(app, 'reloadFiles')).toEqual({ changed: false });
    expect(app.scope.current?.profile.probes[0]!.intervalSeconds).toBe(5);

    // A new interval adds no power: read again, still approved, the scope rebuilt with it.
    writeFileSync(profileFile, profile(9, 2));
    // The watcher may have read it first; either way it is read once, and the call answers after.
    await call(app, 'reloadFiles');
    expect(trustState()).toBe('trusted');
    expect(app.scope.current?.profile.probes[0]!.intervalSeconds).toBe(2);
    expect(app.cockpit.state().notices.map((n) => n.message)).toContainEqual(expect.stringContaining('changed and was read again'));
  });

  it('puts a changed manifest in review mode: nothing acts until it is approved again', async () => {
    writeFileSync(profileFile, profile(9, 5));
    await openTrusted(app, runbook);
    writeFileSync(profileFile, profile(10, 5));
    await call(app, 'reloadFiles');
    expect(trustState()).toBe('changed');
    expect(app.scope.current).toBeNull();
    // The journal says when the approval stopped holding, and why.
    const revoked = app.cockpit.activation()!.journal.entries().filter((e) => e.type === 'trust.revoked');
    expect(revoked.map((e) => (e.data as { reason: string }).reason)).toEqual(['the profile changed on disk and now does something other than what was approved']);
    expect(() => app.scope.require()).toThrow(/Review mode/);
  });

  it('sees an edit on disk by itself (the folder is watched), for the runbook and for a profile created after opening', async () => {
    await app.cockpit.openPath(runbook);
    expect(app.cockpit.activation()?.profile).toBeNull();
    writeFileSync(runbook, RUNBOOK.replace('- [ ] Check health', '- [ ] Check health\n- [ ] Tell support'));
    await waitFor('the edited runbook to be read', () => app.cockpit.state().runbook?.items.some((i) => i.text === 'Tell support'), 10_000);
    // An editor that saves by writing a new file and renaming it over the old one.
    writeFileSync(`${profileFile}.tmp`, profile(9, 5));
    renameSync(`${profileFile}.tmp`, profileFile);
    await waitFor('the new profile to be read', () => app.cockpit.activation()?.profile?.profile.probes[0]?.name === 'api', 10_000);
    expect(trustState()).toBe('untrusted');
  });

  it('shows a broken entry as file:line: field and keeps the rest', async () => {
    writeFileSync(profileFile, `${profile(9, 5)}  - { name: broken, kind: http, url: "http://127.0.0.1:9/x", timeoutMs: soon }\n`);
    await app.cockpit.openPath(runbook);
    expect(app.cockpit.activation()?.profile?.profile.probes.map((p) => p.name)).toEqual(['api']);
    const line = readFileSync(profileFile, 'utf8').split('\n').findIndex((l) => l.includes('broken')) + 1;
    expect(app.cockpit.state().notices).toContainEqual({ level: 'error', message: `${profileFile}:${line}: Profile: probes[1].timeoutMs expected a number, got a string. This entry is left out; the rest of the profile works.` });
  });
});

describe('an uploaded runbook and its profile', () => {
  it('reads the profile that came with it, pinned to the names of both files', async () => {
    const state = await call<{ trust: { state: string; subject: string } }>(app, 'openRunbookUpload', {
      name: 'release.md',
      base64: Buffer.from(RUNBOOK).toString('base64'),
      profile: { name: 'release.flightdeck.yaml', base64: Buffer.from(profile(9, 5)).toString('base64') },
    });
    expect(state.trust).toMatchObject({ state: 'untrusted', subject: 'upload:release.md+release.flightdeck.yaml' });
    expect(app.cockpit.activation()?.profile).toMatchObject({ origin: 'upload', file: 'release.flightdeck.yaml' });
  });

  it('asks for the profile when a runbook is uploaded alone', async () => {
    await call(app, 'openRunbookUpload', { name: 'release.md', base64: Buffer.from(RUNBOOK).toString('base64') });
    expect(app.cockpit.state().notices.map((n) => n.message)).toContainEqual(expect.stringContaining('drop or pick both files: release.flightdeck.yaml'));
  });
});

describe('review choices through the contract', () => {
  it('creates the profile beside a runbook that has none, and never writes the markdown or the demo', async () => {
    writeFileSync(runbook, `${RUNBOOK}\n## Watch\n\n- [ ] p95 latency < 500ms\n`);
    await app.cockpit.openPath(runbook);
    const review = await call<{ items: Array<{ kind: string; line: number; metric: string | null; severity: string | null }>; file: string }>(app, 'getReview');
    expect(review.file).toBe(profileFile);
    const threshold = review.items.find((i) => i.kind === 'threshold')!;
    const after = await call<{ items: Array<{ line: number; choice: string }> }>(app, 'setReviewChoice', { kind: 'threshold', line: threshold.line, metric: threshold.metric, severity: threshold.severity, choice: 'ignore' });
    expect(after.items.find((i) => i.line === threshold.line)?.choice).toBe('ignore');
    expect(readFileSync(profileFile, 'utf8')).toContain(`line: ${threshold.line}, kind: threshold`);
    expect(readFileSync(runbook, 'utf8')).not.toContain('overrides');
    // Read again at once: the cockpit's runbook has no band for it any more.
    expect(app.cockpit.state().runbook?.thresholds.some((t) => t.line === threshold.line)).toBe(false);

    await app.cockpit.openDemo();
    const demo = await call<{ file: string | null; unsaveable: string }>(app, 'getReview');
    expect(demo).toMatchObject({ file: null, unsaveable: 'the demo runbook is read-only' });
    const refused = (await app.call('setReviewChoice', { kind: 'threshold', line: 1, metric: null, choice: 'ignore' })) as { ok: boolean; error?: { message: string } };
    expect(refused.ok).toBe(false);
  });
});
