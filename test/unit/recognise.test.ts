import { describe, expect, it } from 'vitest';
import { commandLines, tokenize } from '../../src/main/services/commands/tokenize';
import { recogniseContext, recogniseLine, recogniseRunbook, profileCommands, type RecogniseContext } from '../../src/main/services/commands/recognise';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { parseFile, parseText, SHARED_RUNBOOKS } from '../support/runbooks';

const where = { id: 'runbook:1', source: 'runbook' as const, line: 1, itemId: null };

function context(allow: string[], profile: unknown = {}): RecogniseContext {
  return recogniseContext(ProfileSchema.parse(profile), (program) => allow.includes(program));
}

describe('tokenize: words without a shell', () => {
  it.each([
    ['kubectl rollout undo deployment/backend -n tradesense', ['kubectl', 'rollout', 'undo', 'deployment/backend', '-n', 'tradesense']],
    [`git log --oneline --since="2 weeks ago"`, ['git', 'log', '--oneline', '--since=2 weeks ago']],
    [`echo ';rm -rf /' '$(id)' "a \\"quoted\\" word" back\\ slash`, ['echo', ';rm -rf /', '$(id)', 'a "quoted" word', 'back slash']],
    [`printf '' "" x`, ['printf', '', '', 'x']],
    ['npm audit --production   # Expected: 0 critical', ['npm', 'audit', '--production']],
  ])('%s', (line, argv) => {
    expect(tokenize(line)).toEqual({ ok: true, argv });
  });

  it.each([
    ['railway logs --tail=100 | grep -i error', '"|"'],
    ['git log --oneline > deployment-commits.txt', '">"'],
    ['mongodump --uri="$MONGODB_URI" --out=backup-$(date +%Y%m%d)', '"$" expansion'],
    ['echo `id`', 'backticks'],
    ['make build && make deploy', '"&"'],
    ['cd /tmp; ls', '";"'],
    ['MONGODB_URI=mongodb+srv://x node app.js', 'VAR=value'],
    ['ls *.md', 'glob'],
    ['cat ~/.ssh/id_rsa', '"~"'],
    ['echo "$HOME"', '"$" expansion'],
  ])('%s stays copy-only', (line, why) => {
    const result = tokenize(line);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/^uses shell syntax/);
    expect(result.ok ? '' : result.reason).toContain(why);
  });

  it('keeps the words before the shell syntax, so the program is still named', () => {
    expect(tokenize('railway logs --tail=100 | grep -i error')).toEqual({ ok: false, reason: 'uses shell syntax ("|")', words: ['railway', 'logs', '--tail=100'] });
  });

  it('refuses an unterminated quote instead of guessing', () => {
    expect(tokenize(`echo 'oops`)).toMatchObject({ ok: false, reason: 'has an unterminated single quote' });
  });

  it('joins continuation lines, drops comments and prompts, and numbers lines as the file does', () => {
    const block = '# Check feature flag endpoint\ncurl -H "Accept: application/json" \\\n  https://x.example/api\n\n$ kubectl get pods';
    expect(commandLines(block, 10)).toEqual([
      { text: 'curl -H "Accept: application/json" https://x.example/api', line: 11 },
      { text: 'kubectl get pods', line: 14 },
    ]);
  });
});

describe('recognising the shared runbooks', () => {
  it('tradesense-kubernetes.md: kubectl rollout undo and status become native, with "--" before the resource', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}tradesense-kubernetes.md`);
    const commands = recogniseRunbook(doc, context(['kubectl']));
    const undo = commands.find((c) => c.line === 158)!;
    expect(undo).toMatchObject({
      id: 'runbook:158',
      source: 'runbook',
      title: 'kubectl rollout undo deployment/backend -n tradesense',
      native: 'rollback',
      runnable: true,
      reason: null,
      argv: ['kubectl', 'rollout', 'undo', '--namespace=tradesense', '--', 'deployment/backend'],
    });
    expect(commands.find((c) => c.line === 162)).toMatchObject({ native: 'command', runnable: true, argv: ['kubectl', 'rollout', 'status', '--namespace=tradesense', '--', 'deployment/backend'] });
    // The item's own code block keeps the item id, so the cockpit shows it beside the checkbox.
    const status = commands.find((c) => c.title === 'kubectl rollout status deployment/backend -n tradesense' && c.line === 69)!;
    expect(status.itemId).toBe(doc.items.find((item) => item.text === 'Monitor rollout')!.id);
    // Programs not on the allowlist stay copy-only, with the reason.
    const docker = commands.find((c) => c.argv[0] === 'docker')!;
    expect(docker).toMatchObject({ runnable: false, reason: "not on the profile's allowlist", native: null });
    const script = commands.find((c) => c.argv[0] === './scripts/backup-system.sh')!;
    expect(script).toMatchObject({ runnable: false, reason: "not on the profile's allowlist" });
  });

  it('tradesense-kubernetes.md with an empty allowlist: nothing runs', () => {
    const commands = recogniseRunbook(parseFile(`${SHARED_RUNBOOKS}tradesense-kubernetes.md`), context([]));
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((c) => c.runnable)).toEqual([]);
  });

  it('dual-dashboard-rollout.md: platform flag commands map to the profile flag, shell lines stay copy-only', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}dual-dashboard-rollout.md`);
    const profile = {
      flags: [
        { name: 'dual_dashboards', backend: { type: 'railway', projectId: 'p', environmentId: 'e', var: 'ENABLE_DUAL_DASHBOARDS', token: { secret: 'railway' } } },
        { name: 'dual_dashboards_heroku', backend: { type: 'heroku', app: 'discord-trade-exec', var: 'ENABLE_DUAL_DASHBOARDS', token: { secret: 'heroku' } } },
        { name: 'rollout_percent', backend: { type: 'railway', projectId: 'p', environmentId: 'e', var: 'DUAL_DASHBOARD_ROLLOUT_PERCENTAGE', token: { secret: 'railway' } } },
      ],
    };
    const commands = recogniseRunbook(doc, context(['git'], profile));
    const railwayKill = commands.find((c) => c.title === 'railway env set ENABLE_DUAL_DASHBOARDS=false')!;
    expect(railwayKill).toMatchObject({ native: 'flag', runnable: true, action: { kind: 'flag', flag: 'dual_dashboards', value: false } });
    expect(commands.find((c) => c.title === 'heroku config:set ENABLE_DUAL_DASHBOARDS=false --app discord-trade-exec')).toMatchObject({
      native: 'flag',
      runnable: true,
      action: { kind: 'flag', flag: 'dual_dashboards_heroku', value: false },
    });
    expect(commands.find((c) => c.title === 'railway env set DUAL_DASHBOARD_ROLLOUT_PERCENTAGE=10')).toMatchObject({ action: { kind: 'flag', flag: 'rollout_percent', value: 10 } });
    const mongodump = commands.find((c) => c.argv[0] === 'mongodump')!;
    expect(mongodump).toMatchObject({ native: 'backup', runnable: false });
    expect(mongodump.reason).toMatch(/^uses shell syntax/);
    const pipe = commands.find((c) => c.title === 'railway logs --tail=100 | grep -i error')!;
    expect(pipe).toMatchObject({ runnable: false, reason: 'uses shell syntax ("|")' });
    // Environment listings (line 55: MONGODB_URI=..., STRIPE_SECRET_KEY=sk_live_...) are settings to verify, never commands.
    expect(commands.filter((c) => /^[A-Z_]+=/.test(c.title))).toEqual([]);
    // javascript blocks are not commands at all.
    expect(commands.some((c) => c.title.startsWith('db.securityAudits'))).toBe(false);
    // An allowlisted program runs with exactly the words written.
    expect(commands.find((c) => c.title === 'git rm src/middleware/featureFlags.js')).toMatchObject({ runnable: true, argv: ['git', 'rm', 'src/middleware/featureFlags.js'], action: { kind: 'process' } });
  });

  it('dual-dashboard-rollout.md: curl .../health is offered as the profile probe that reads the same URL', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}dual-dashboard-rollout.md`);
    const profile = { probes: [{ name: 'app-health', kind: 'http', url: 'https://your-app.com/health' }] };
    const health = recogniseRunbook(doc, context([], profile)).find((c) => c.title === 'curl https://your-app.com/health')!;
    expect(health).toMatchObject({ native: 'probe', runnable: true, action: { kind: 'probe', probe: 'app-health' } });
    const noProbe = recogniseRunbook(doc, context([])).find((c) => c.title === 'curl https://your-app.com/health')!;
    expect(noProbe).toMatchObject({ native: 'probe', runnable: false, reason: "not on the profile's allowlist" });
  });
});

describe('recognising synthetic blocks', () => {
  it('pg_dump, mongodump and redis-cli get their native kinds and run only when allowlisted', () => {
    const ctx = context(['pg_dump']);
    expect(recogniseLine('pg_dump -Fc -f /backups/app.dump app', where, ctx)).toMatchObject({ native: 'backup', runnable: false, reason: expect.stringContaining('no postgres target') });
    expect(recogniseLine('mongodump --archive=/backups/app.gz', where, ctx)).toMatchObject({ native: 'backup', runnable: false });
    expect(recogniseLine('redis-cli -h cache.internal GET flags:checkout', where, ctx)).toMatchObject({ native: 'redis', runnable: false, reason: "not on the profile's allowlist" });
  });

  it('railway variables --set maps to the flag stored in that variable', () => {
    const ctx = context([], { flags: [{ name: 'beta', backend: { type: 'railway', projectId: 'p', environmentId: 'e', var: 'BETA', token: { secret: 't' } } }] });
    expect(recogniseLine('railway variables --set BETA=50', where, ctx)).toMatchObject({ native: 'flag', runnable: true, action: { kind: 'flag', flag: 'beta', value: 50 } });
    expect(recogniseLine('railway variables --set=BETA=on', where, ctx)).toMatchObject({ action: { kind: 'flag', flag: 'beta', value: 'on' } });
    expect(recogniseLine('railway variables --set OTHER=1', where, ctx)).toMatchObject({ native: 'flag', runnable: false });
  });

  it('kubectl rollout: a value that starts with "-" is refused, a resource that does goes after "--"', () => {
    const ctx = context(['kubectl']);
    expect(recogniseLine("kubectl rollout undo deployment/web -n '-h'", where, ctx)).toMatchObject({
      runnable: false,
      reason: 'option -n has the value "-h", which kubectl would read as an option',
    });
    expect(recogniseLine("kubectl rollout undo '-h evil' --namespace=prod", where, ctx)).toMatchObject({ runnable: false, reason: expect.stringContaining('option "-h evil"') });
    expect(recogniseLine("kubectl rollout undo 'deployment/web;rm -rf /' '$(id)' --namespace=prod", where, ctx)).toMatchObject({
      runnable: true,
      argv: ['kubectl', 'rollout', 'undo', '--namespace=prod', '--', 'deployment/web;rm -rf /', '$(id)'],
    });
    expect(recogniseLine('kubectl rollout undo deployment/web --server=https://evil', where, ctx)).toMatchObject({ runnable: false, reason: expect.stringContaining('option "--server"') });
  });

  it('profile commands run as their argv when allowlisted', () => {
    const named = { undo: { argv: ['kubectl', 'rollout', 'undo', 'deployment/web'] }, wipe: { argv: ['rm', '-rf', '/tmp/x'] } };
    const views = profileCommands(named, context(['kubectl']));
    expect(views).toEqual([
      expect.objectContaining({ id: 'profile:undo', source: 'profile', runnable: true, argv: ['kubectl', 'rollout', 'undo', 'deployment/web'] }),
      expect.objectContaining({ id: 'profile:wipe', runnable: false, reason: "not on the profile's allowlist", action: null }),
    ]);
  });

  it('a code block in the runbook text keeps its item and line', () => {
    const doc = parseText('# T\n\n## Phase\n\n- [ ] Undo\n  ```bash\n  kubectl rollout undo deployment/web\n  ```\n');
    expect(recogniseRunbook(doc, context(['kubectl']))).toEqual([
      expect.objectContaining({ id: 'runbook:7', line: 7, itemId: doc.items[0]!.id, native: 'rollback', argv: ['kubectl', 'rollout', 'undo', '--', 'deployment/web'] }),
    ]);
  });
});
