/**
 * The profile draft (issue 15) on real runbooks: every health URL, dump
 * line and rollback command a runbook has is proposed with its line, and
 * the draft becomes a valid profile once its placeholders are filled.
 * Expected lines were judged by reading each file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileDraft } from '../../src/shared/profile-draft';
import { draftProfile } from '../../src/main/services/profile-draft/draft';
import { draftYaml } from '../../src/main/services/profile-draft/draft-yaml';
import { probeRole } from '../../src/main/services/profile-draft/probe-proposals';
import { buildProfile, profileYaml } from '../../src/main/services/profile-draft/fill';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { decodeSource } from '../../src/main/services/runbook/source-text';
import { editedProfileText } from '../../src/main/services/profile-draft/edit-profile';
import { editDraft, readExistingProfile } from '../../src/main/services/profile-draft/existing-profile';
import { timelineEvents } from '../../src/shared/timeline';
import { DEMO_RUNBOOK, SHARED_RUNBOOKS, parseText } from '../support/runbooks';

const CORPUS = join(SHARED_RUNBOOKS, '..', 'corpus');

function draftOf(path: string): ProfileDraft {
  const text = decodeSource(readFileSync(path), path).text;
  return draftProfile(parseText(text, path.split('/').pop()), text);
}

/** url (as templated) -> every line naming it */
function probes(draft: ProfileDraft, kind: 'http' | 'prometheus'): Record<string, number[]> {
  return Object.fromEntries(draft.proposals.filter((p) => p.kind === 'probe' && p.entry.kind === kind).map((p) => [p.entry.url, p.lines]));
}
function backups(draft: ProfileDraft): Array<[string, number]> {
  return draft.proposals.filter((p) => p.kind === 'backup' && p.accepted).map((p) => [p.entry.url as string, p.line]);
}
function commands(draft: ProfileDraft): Record<string, number[]> {
  return Object.fromEntries(draft.proposals.filter((p) => p.kind === 'command').map((p) => [(p.entry.argv as string[]).join(' '), p.lines]));
}
function planSteps(draft: ProfileDraft, plan = 'P0'): unknown[] {
  return (draft.proposals.find((p) => p.id === `rollback:${plan}`)?.entry.steps as unknown[]) ?? [];
}

interface Expected {
  file: string;
  health: Record<string, number[]>;
  metrics?: Record<string, number[]>;
  dumps: Array<[string, number]>;
  rollout?: Record<string, number[]>;
  /** Named commands the P0 plan runs, in order. */
  undo?: string[];
}

const EXPECTED: Expected[] = [
  {
    file: join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'),
    health: { '<YOUR_APP_COM_ORIGIN>/health': [148, 629], 'https://discord-trade-exec.up.railway.app/health': [642] },
    dumps: [['<MONGODB_URI>', 73]],
    undo: [],
  },
  { file: join(SHARED_RUNBOOKS, 'dual-dashboard-status.md'), health: {}, dumps: [], undo: [] },
  {
    file: join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'),
    health: {},
    dumps: [],
    rollout: {
      'kubectl rollout status deployment/backend -n tradesense': [69, 162],
      'kubectl rollout undo deployment/backend -n tradesense': [158],
      'kubectl rollout undo deployment/frontend -n tradesense': [159],
      'kubectl rollout status deployment/frontend -n tradesense': [163],
    },
    undo: ['rollout-undo-backend', 'rollout-undo-frontend', 'rollout-status-backend', 'rollout-status-frontend'],
  },
  {
    file: join(CORPUS, '02-squadAPI-ROLLBACK-PROCEDURE.md'),
    health: { '<API_SQUAD_API_EXAMPLE_COM_ORIGIN>/health': [245, 327] },
    metrics: { '<API_SQUAD_API_EXAMPLE_COM_ORIGIN>/metrics': [267, 278] },
    dumps: [],
    rollout: {
      'kubectl rollout history deployment squad-api': [144],
      'kubectl rollout history deployment squad-api --revision=2': [147],
      'kubectl rollout undo deployment squad-api': [150],
      'kubectl rollout status deployment squad-api --timeout=5m': [154],
    },
    undo: ['rollout-undo-squad-api', 'rollout-status-squad-api'],
  },
  {
    file: join(CORPUS, '03-Genesis-Rebuild-PRODUCTION_ROLLOUT_PLAN.md'),
    health: { 'http://localhost:8080/health': [110], 'http://localhost:8080/ready': [111], 'http://localhost:8080/live': [112] },
    dumps: [],
  },
  {
    file: join(CORPUS, '04-Genesis-Rebuild-ROLLBACK_PROCEDURES.md'),
    health: { 'http://localhost:8000/health': [289, 390] },
    metrics: { 'http://localhost:8000/metrics': [196, 575] },
    dumps: [['mongodb://<MONGODB_HOST>', 616]],
  },
  {
    file: join(CORPUS, '15-Adsbot-PRODUCTION_DEPLOYMENT_CHECKLIST.md'),
    health: { 'http://localhost:8080/health': [320], 'https://api.adsbot.com/health': [353, 608] },
    dumps: [['postgres://<POSTGRES_HOST>/adsbot_prod', 90]],
  },
  {
    file: join(CORPUS, '16-x0tta6bl4-POST_DEPLOYMENT_CHECKLIST.md'),
    health: { 'http://localhost:8080/health': [11] },
    metrics: { 'http://localhost:8080/metrics': [12] },
    dumps: [],
  },
  {
    file: join(CORPUS, '24-mcp-memory-server-deployment-checklist.md'),
    health: { 'http://localhost:8080/health': [579, 937], 'http://localhost:3000/api/health': [607], 'http://localhost:9093/api/v1/status': [632, 804] },
    metrics: { 'http://localhost:8080/metrics': [580, 656, 717, 734, 822] },
    dumps: [],
  },
  {
    file: join(CORPUS, '25-swipe-savvy-rewards-PRODUCTION_ROLLOUT_PLAN_v1_2.md'),
    health: {
      'http://blue-env/api/health': [187],
      '<GREEN_API_I_8080_ORIGIN>/api/health': [299],
      'http://green-api-1:8080/api/health': [310, 428, 480],
      'http://green-api-1:8080/api/ab-tests/status': [407],
      'http://blue-api-1:8080/api/health': [425, 673],
    },
    dumps: [['postgres://swipesavvy_backend@blue-db.internal/swipesavvy_db', 270]],
  },
  {
    file: join(CORPUS, '26-swipe-savvy-rewards-OPERATIONS-RUNBOOK.md'),
    health: {
      'https://api.swipesavvy.com/health': [44],
      'http://internal-rag:8001/health': [45],
      'http://internal-guardrails:8002/health': [46],
      'https://api.swipesavvy.com/ready': [49],
      'https://api.swipesavvy.com/live': [52],
      'http://localhost:8000/health': [572],
      'http://localhost:8001/health': [572],
      'http://localhost:8002/health': [572],
    },
    metrics: { 'https://api.swipesavvy.com/metrics': [55] },
    dumps: [['postgres://swipesavvy@<POSTGRES_HOST>/swipesavvy_ai', 514]],
    rollout: { 'kubectl rollout restart deployment/concierge -n swipesavvy': [90] },
  },
  {
    file: join(CORPUS, '28-unjucks-blue-green-deployment-runbook.md'),
    health: {
      '<ENVIRONMENT_UNJUCKS_APP_ORIGIN>/health': [20, 135],
      '<ENVIRONMENT_UNJUCKS_APP_ORIGIN>/<TARGET_SLOT>/health': [23, 63],
      'https://api.external-service.com/health': [92],
      '<ENVIRONMENT_UNJUCKS_APP_ORIGIN>/health/db': [175],
    },
    dumps: [['<DATABASE_URL>', 37]],
  },
  {
    // A site checked with `curl -I` after its rollback (lines 116, 171): its root is the health probe.
    file: join(CORPUS, '19-copilot-salud-react-ROLLBACK_PLAN.md'),
    health: { 'https://copilot-salud-react.vercel.app': [116, 171] },
    dumps: [],
  },
  {
    file: join(CORPUS, '36-x0tta6bl4-ON_CALL_RUNBOOK.md'),
    health: { 'http://localhost:8080/security/pqc/status': [23], 'http://localhost:8080/health': [106, 140, 144, 162] },
    metrics: { 'http://localhost:8080/metrics': [43, 63, 145, 163, 186] },
    dumps: [],
  },
];

describe('profile draft: what each runbook names, with its lines', () => {
  for (const expected of EXPECTED) {
    it(expected.file.split('/').pop()!, () => {
      const draft = draftOf(expected.file);
      expect(probes(draft, 'http')).toEqual(expected.health);
      expect(probes(draft, 'prometheus')).toEqual(expected.metrics ?? {});
      expect(backups(draft)).toEqual(expected.dumps);
      expect(commands(draft)).toEqual(expected.rollout ?? {});
      if (expected.undo) {
        const commandsRun = planSteps(draft).flatMap((s) => ('command' in (s as object) ? [(s as { command: string }).command] : []));
        expect(commandsRun).toEqual(expected.undo);
      }
      // Each proposal quotes the line it names (continuations joined).
      const raw = decodeSource(readFileSync(expected.file), expected.file).text.split('\n');
      for (const p of draft.proposals.filter((q) => ['probe', 'flag', 'backup', 'command'].includes(q.kind))) {
        expect(p.source.replace(/\s+/g, ' ')).toContain(raw[p.line - 1]!.trim().replace(/\s+/g, ' ').replace(/\\$/, '').trim().slice(0, 30));
      }
    });
  }

  it('the dual-dashboard runbook: flag from its admin endpoint, railway and heroku lines, and a rollback that kills it', () => {
    const draft = draftOf(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'));
    const flags = draft.proposals.filter((p) => p.kind === 'flag');
    expect(flags.map((f) => [(f.entry.backend as { type: string }).type, f.line, f.accepted])).toEqual([
      ['http', 177, true],
      ['railway', 486, false],
      ['heroku', 461, false],
    ]);
    expect(flags[1]!.entry.backend).toMatchObject({ var: 'DUAL_DASHBOARD_ROLLOUT_PERCENTAGE', token: { secret: 'RAILWAY_TOKEN' } });
    expect(flags[2]!.entry.backend).toMatchObject({ app: 'discord-trade-exec', var: 'DUAL_DASHBOARD_ROLLOUT_PERCENTAGE' });
    expect(flags[0]!.secret).toMatchObject({ suggested: 'ADMIN_TOKEN', prefix: 'Bearer ', destination: '<YOUR_APP_COM_ORIGIN>' });
    expect(flags[1]!.secret?.destination).toBe('https://backboard.railway.com');
    expect(planSteps(draft)).toEqual([{ flag: '@flag', set: 0 }, { waitForHealth: ['@health'], timeoutSeconds: 60 }]);
    expect(draft.proposals.find((p) => p.id === 'rollback:P0')?.line).toBe(450);
    // The connection variable without a dump is offered, not accepted.
    expect(draft.proposals.find((p) => p.kind === 'backup' && p.entry.url === '<REDIS_URL>')).toMatchObject({ line: 56, accepted: false });
  });

  it('the demo runbook: triggers from its rollback conditions, with their lines', () => {
    const draft = draftOf(DEMO_RUNBOOK);
    const triggers = draft.proposals.filter((p) => p.kind === 'trigger');
    expect(triggers.map((t) => [t.line, t.entry.metric, t.entry.op, t.entry.value, t.entry.severity])).toEqual([
      [82, 'error_rate', '>', 0.5, 'yellow'],
      [82, 'error_rate', '>', 1, 'red'],
      [83, 'error_rate', '>', 2, 'red'],
    ]);
    // A stated duration is kept; without one the profile's minimum hold applies, so none is written.
    expect(triggers.map((t) => t.entry.forSeconds)).toEqual([undefined, undefined, 300]);
  });
});

describe('profile draft: YAML and filling', () => {
  it('the YAML names every placeholder and every source line, and passes the schema once filled', () => {
    const draft = draftOf(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'));
    const yaml = draftYaml(draft);
    expect(yaml).toContain('# from line 148: - [ ] Health endpoint responding: `https://your-app.com/health`');
    expect(yaml).toContain('# from line 73: mongodump --uri="$MONGODB_URI" --out=backup-$(date +%Y%m%d)');
    for (const field of draft.fields) expect(yaml).toContain(`#   <${field.key}>`);
    // Unfilled, the schema refuses it and names the field.
    expect(() => parseProfileText(yaml, { file: 'draft.yaml' })).toThrow(/Profile: /);
    const filled = yaml
      .replaceAll('<YOUR_APP_COM_ORIGIN>', 'http://127.0.0.1:4810')
      .replaceAll('<FLAG_NAME>', 'checkout_v2')
      .replaceAll('<FLAG_FIELD>', 'percentage')
      .replaceAll('<MONGODB_URI>', 'mongodb://127.0.0.1:27017/app');
    const profile = parseProfileText(filled, { file: 'draft.yaml' });
    expect(profile.probes.map((p) => p.name)).toEqual(['app-health', 'discord-trade-exec-health']);
    expect(profile.flags[0]).toMatchObject({ name: 'checkout_v2', backend: { url: 'http://127.0.0.1:4810/api/admin/feature-flags/checkout_v2', field: 'percentage', headers: { Authorization: { secret: 'ADMIN_TOKEN', prefix: 'Bearer ' } } } });
    expect(profile.rollback.plans[0]!.steps).toEqual([{ flag: 'checkout_v2', set: 0 }, { waitForHealth: ['app-health', 'discord-trade-exec-health'], timeoutSeconds: 60 }]);
  });

  it('choices: ignored proposals drop out with the steps that named them, a chosen backend replaces the default, secrets by name only', () => {
    const draft = draftOf(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'));
    const built = buildProfile(draft, {
      values: { YOUR_APP_COM_ORIGIN: 'http://127.0.0.1:4810', RAILWAY_PROJECT_ID: 'p1', RAILWAY_ENVIRONMENT_ID: 'e1', MONGODB_URI: 'mongodb://db:27017' },
      proposals: {
        'probe:discord-trade-exec-health': { accepted: false },
        'flag:http-1': { accepted: false },
        'flag:railway': { accepted: true, secret: 'MY_RAILWAY' },
        'backup:mongodb': { accepted: true, secret: 'MONGO_PW' },
      },
    });
    expect(built.missing).toEqual([]);
    const profile = parseProfileText(profileYaml(built.profile), { file: 'x.yaml' });
    expect(profile.flags).toHaveLength(1);
    expect(profile.flags[0]!.backend).toMatchObject({ type: 'railway', projectId: 'p1', token: { secret: 'MY_RAILWAY' } });
    expect(profile.rollback.plans[0]!.steps).toEqual([{ flag: 'dual_dashboard_rollout_percentage', set: 0 }, { waitForHealth: ['app-health'], timeoutSeconds: 60 }]);
    expect(profile.backups[0]).toMatchObject({ url: 'mongodb://db:27017', password: { secret: 'MONGO_PW' } });
    // Every flag ignored: the plan keeps only its wait.
    const noFlag = buildProfile(draft, { values: { YOUR_APP_COM_ORIGIN: 'http://h:1' }, proposals: { 'flag:http-1': { accepted: false }, 'backup:mongodb': { accepted: false } } });
    expect((noFlag.profile.rollback as { plans: Array<{ name: string; steps: unknown[] }> }).plans.map((p) => [p.name, p.steps])).toEqual([['P0', [{ waitForHealth: ['app-health', 'discord-trade-exec-health'], timeoutSeconds: 60 }]]]);
    expect(() => buildProfile(draft, { values: {}, proposals: { 'flag:http-1': { accepted: true, secret: 'not a name' } } })).toThrow(/not a vault secret name/);
  });

  it('a trigger the person corrects in the form is saved as corrected', () => {
    const draft = draftOf(DEMO_RUNBOOK);
    const id = draft.proposals.filter((p) => p.kind === 'trigger')[2]!.id;
    const built = buildProfile(draft, { values: {}, proposals: { 'backup:postgres': { accepted: false }, [id]: { accepted: true, value: 3, forSeconds: 60, severity: 'yellow' } } });
    const profile = parseProfileText(profileYaml(built.profile), { file: 'x.yaml' });
    expect(profile.gates.triggers[2]).toMatchObject({ match: 'Error rate above 2% for more than 5 minutes: roll back immediately', metric: 'error_rate', op: '>', value: 3, forSeconds: 60, severity: 'yellow' });
  });

  it('a runbook with nothing to fill drafts a profile that loads as it is', () => {
    const draft = draftOf(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'));
    expect(draft.fields).toEqual([]);
    const profile = parseProfileText(draftYaml(draft), { file: 'x.yaml' });
    expect(profile.commands.allow).toEqual(['kubectl']);
    expect(profile.commands.named['rollout-undo-backend']!.argv).toEqual(['kubectl', 'rollout', 'undo', 'deployment/backend', '-n', 'tradesense']);
  });

  it('shell variables in a rollout line become fields, never literal argv', () => {
    const text = '# T\n\n## Rollback\n\n```bash\nkubectl rollout undo deployment/$SERVICE -n ${NAMESPACE}\n```\n';
    const draft = draftProfile(parseText(text), text);
    expect(commands(draft)).toEqual({ 'kubectl rollout undo deployment/<SERVICE> -n <NAMESPACE>': [6] });
    expect(draft.fields.map((f) => f.key)).toEqual(['SERVICE', 'NAMESPACE']);
  });
});

describe('profile draft: which URLs are probes', () => {
  it('reads /metrics and /metrics/prom as Prometheus, a JSON metrics API and a page as neither', () => {
    expect(probeRole('/metrics')).toBe('metrics');
    expect(probeRole('/metrics/prom')).toBe('metrics');
    expect(probeRole('/actuator/prometheus')).toBe('metrics');
    expect(probeRole('/api/v1/metrics')).toBeNull();
    expect(probeRole('/health')).toBe('health');
    expect(probeRole('/pricing')).toBeNull();
  });
});

describe('profile draft: the flag field is what a read returns', () => {
  const flagOf = (text: string) => draftProfile(parseText(text), text).proposals.find((p) => p.id === 'flag:http-1')!;

  it('the demo runbook writes "rolloutPercentage" but shows no read: the field is left to fill, not guessed', () => {
    const draft = draftOf(DEMO_RUNBOOK);
    const flag = draft.proposals.find((p) => p.id === 'flag:http-1')!;
    expect((flag.entry.backend as { field: string }).field).toBe('<FLAG_FIELD>');
    expect(flag.fields).toContain('FLAG_FIELD');
    expect(draft.fields.find((f) => f.key === 'FLAG_FIELD')).toMatchObject({ written: 'rolloutPercentage', line: 51 });
    expect(flag.note).toContain('it writes "rolloutPercentage", which a read need not return');
  });

  it('a read the runbook shows (its printed answer, or a jq of it) gives the field', () => {
    const answered = ['## Flag', '```bash', 'curl http://shop:8080/api/admin/feature-flags/checkout_v2', '# {"name": "checkout_v2", "percentage": 10}', 'curl -X PUT http://shop:8080/api/admin/feature-flags/checkout_v2 -d \'{"rolloutPercentage": 50}\'', '```'].join('\n');
    const flag = flagOf(answered);
    expect(flag.entry.backend).toMatchObject({ method: 'PUT', field: 'percentage' });
    expect(flag.note).toBe('Field "percentage": what the runbook shows a read of the flag returning (line 4).');
    const jq = ['## Flag', '```bash', "curl -s http://shop:8080/api/admin/feature-flags/checkout_v2 | jq -r '.rollout.percent'", '```'].join('\n');
    expect(flagOf(jq).entry.backend).toMatchObject({ field: 'rollout.percent' });
  });
});

describe('profile draft: starting from the profile beside the runbook', () => {
  const runbookText = readFileSync(DEMO_RUNBOOK, 'utf8');
  // The demo profile as a person keeps it: their comments, a trigger tuned by `match:` alone, review overrides.
  const profileText = `${readFileSync(DEMO_RUNBOOK.replace(/\.md$/, '.flightdeck.yaml'), 'utf8').replace('flags:\n', 'flags:\n  # our flag: keep at 10% overnight\n')}
gates:
  triggers:
    - match: Error rate above 2%
      forSeconds: 120
overrides:
  - { line: 82, kind: trigger, choice: ignore }
`;
  const load = () => {
    const existing = readExistingProfile(profileText, 'runbook.flightdeck.yaml');
    return { existing, draft: editDraft(draftProfile(parseText(runbookText, 'runbook.md'), runbookText), existing) };
  };

  it('its entries are accepted proposals with their values; what the runbook adds is new and unticked; the rest is kept as written', () => {
    const { existing, draft } = load();
    const mine = draft.proposals.filter((p) => p.existing);
    expect(mine.map((p) => [p.id, p.accepted, p.line])).toEqual([
      ['profile:probe:shop-health', true, 8],
      ['profile:probe:shop-metrics', true, 15],
      ['profile:flag:checkout_v2', true, 31],
      ['profile:backup:demo-shop-db', true, 74],
      ['profile:rollback:P0', true, 52],
      ['profile:rollback:P1', true, 60],
    ]);
    expect(mine[0]!.entry).toMatchObject({ url: 'http://127.0.0.1:4810/health', bodyIncludes: 'ok' });
    const fresh = draft.proposals.filter((p) => !p.existing);
    expect(fresh.map((p) => p.kind)).toEqual(['backup', 'trigger', 'trigger', 'trigger']);
    expect(fresh.every((p) => !p.accepted)).toBe(true);
    // The drafted probe, flag and P0 plan are already there under the profile's names.
    expect(draft.proposals.some((p) => p.id === 'probe:shop-health' || p.id === 'flag:http-1' || p.id === 'rollback:P0')).toBe(false);
    expect(existing.kept).toEqual([
      { what: 'gates.triggers[1]', line: 82 },
      { what: 'overrides', line: 84 },
    ]);
  });

  it('saved unchanged, the file is byte for byte what it was', () => {
    const { existing, draft } = load();
    expect(editedProfileText(existing, draft, { values: {}, proposals: {} }).text).toBe(profileText);
  });

  it('one URL changed, one entry unticked, one new trigger ticked: only those move, comments and kept entries stay', () => {
    const { existing, draft } = load();
    const trigger = draft.proposals.filter((p) => p.kind === 'trigger' && !p.existing)[2]!;
    const { text, missing } = editedProfileText(existing, draft, {
      values: {},
      proposals: { 'profile:probe:shop-health': { accepted: true, url: 'http://127.0.0.1:4811/health' }, 'profile:probe:shop-metrics': { accepted: false }, [trigger.id]: { accepted: true, value: 3 } },
    });
    expect(missing).toEqual([]);
    const profile = parseProfileText(text, { file: 'runbook.flightdeck.yaml' });
    expect(profile.probes.map((p) => [p.name, 'url' in p ? p.url : null])).toEqual([['shop-health', 'http://127.0.0.1:4811/health']]);
    expect(profile.probes[0]).toMatchObject({ bodyIncludes: 'ok', degradedOverMs: 500 });
    expect(text).toContain('# Deployment profile of the demo runbook');
    expect(text).toContain('  # our flag: keep at 10% overnight\n  - name: checkout_v2');
    expect(text).toContain('    - match: Error rate above 2%\n      forSeconds: 120\n');
    expect(text).toContain('  - { line: 82, kind: trigger, choice: ignore }');
    expect(text).toContain('# added by "Make this runbook live" from runbook line 83');
    expect(profile.gates.triggers.map((t) => [t.metric ?? null, t.value ?? null])).toEqual([[null, null], ['error_rate', 3]]);
    // Untouched entries keep their values and layout (flow lists spelled as the review's writer spells them).
    expect(text).toContain('    steps: [ 0, 10, 50, 100 ]\n    testUsers:\n      - alice@example.com\n');
  });
});

describe('Test connection is journaled', () => {
  it('the timeline reads it in one line, with who pressed it', () => {
    const [event] = timelineEvents([{ seq: 1, ts: '2026-12-03T10:00:00.000Z', type: 'trust.tested', by: 'Release Manager', data: { origin: 'http://127.0.0.1:4810', proposal: 'probe:app-health', kind: 'probe' } }]);
    expect(event).toMatchObject({ kind: 'decision', title: 'Test connection to http://127.0.0.1:4810 approved', detail: 'once, for probe probe:app-health', by: 'Release Manager' });
  });
});

describe('profile draft: an existing trigger in the form', () => {
  it('reads as the sentence it tunes and its condition, not as its position', () => {
    const existing = readExistingProfile(
      ['gates:', '  triggers:', '    - { match: "P99 latency above 500 ms", metric: latency_p99, op: ">", value: 500 }', '    - { metric: error_rate, op: ">", value: 2 }', ''].join('\n'),
      'x.flightdeck.yaml',
    );
    expect(existing.proposals.map((p) => p.title)).toEqual(['P99 latency above 500 ms (latency_p99 > 500)', 'error_rate > 2']);
  });
});
