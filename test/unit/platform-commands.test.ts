/**
 * The commands runbooks use (issue 15, scope 5): railway, heroku and
 * kubectl rollout lines are recognised, offered natively when the profile
 * names what they act on, and copy-only otherwise with the reason; hostile
 * words stay literal argv; NAME=value blocks are variables, not commands.
 */
import { describe, expect, it } from 'vitest';
import { recogniseContext, recogniseLine, recogniseRunbook, platformLine, type RecogniseContext } from '../../src/main/services/commands/recognise';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { envListing, MASK } from '../../src/shared/env-listing';
import { parseFile, parseText, SHARED_RUNBOOKS } from '../support/runbooks';

const where = { id: 'runbook:1', source: 'runbook' as const, line: 1, itemId: null };
const railway = { name: 'dash', backend: { type: 'railway', projectId: 'p', environmentId: 'e', var: 'ENABLE_DASH', token: { secret: 'rw' } } };
const heroku = { name: 'dash-heroku', backend: { type: 'heroku', app: 'shop', var: 'ENABLE_DASH', token: { secret: 'hk' } } };

function context(allow: string[], flags: unknown[] = []): RecogniseContext {
  return recogniseContext(ProfileSchema.parse({ flags }), (program) => allow.includes(program));
}

describe('each recognised form', () => {
  it.each([
    ['railway variables --set ENABLE_DASH=50', { op: 'set', name: 'ENABLE_DASH', value: '50' }],
    ['railway variables --set=ENABLE_DASH=on', { op: 'set', name: 'ENABLE_DASH', value: 'on' }],
    ['railway env set ENABLE_DASH=false', { op: 'set', name: 'ENABLE_DASH', value: 'false' }],
    ['railway env unset ENABLE_DASH', { op: 'unset', name: 'ENABLE_DASH' }],
    ['railway restart', { op: 'restart' }],
    ['heroku config:set ENABLE_DASH=false --app shop', { op: 'set', name: 'ENABLE_DASH', value: 'false', app: 'shop' }],
    ['heroku config:unset ENABLE_DASH -a shop', { op: 'unset', name: 'ENABLE_DASH', app: 'shop' }],
    ['heroku restart --app=shop', { op: 'restart', app: 'shop' }],
  ])('%s', (line, expected) => {
    const argv = line.split(' ');
    expect(platformLine(argv)).toEqual(expected);
  });

  it('a line that sets several variables is not one flag write', () => {
    expect(platformLine(['heroku', 'config:set', 'A=1', 'B=2'])).toBeNull();
    expect(platformLine(['railway', 'variables', '--set', 'A=1', '--set', 'B=2'])).toBeNull();
  });

  it('with the backend in the profile, set is the flag, and a Heroku unset removes its variable (null)', () => {
    const ctx = context([], [railway, heroku]);
    expect(recogniseLine('railway env set ENABLE_DASH=false', where, ctx)).toMatchObject({ native: 'flag', runnable: true, reason: null, action: { kind: 'flag', flag: 'dash', value: false } });
    // The Railway backend writes values and never removes a variable: the unset stays a command, saying so.
    expect(recogniseLine('railway env unset ENABLE_DASH', where, ctx)).toMatchObject({
      native: 'flag',
      runnable: false,
      action: null,
      reason: 'the railway backend of flag dash sets values, it does not remove the variable, and "railway" is not in commands.allow',
    });
    expect(recogniseLine('railway env unset ENABLE_DASH', where, context(['railway'], [railway]))).toMatchObject({ runnable: true, action: { kind: 'process', argv: ['railway', 'env', 'unset', 'ENABLE_DASH'] } });
    expect(recogniseLine('heroku config:set ENABLE_DASH=25 --app shop', where, ctx)).toMatchObject({ runnable: true, action: { kind: 'flag', flag: 'dash-heroku', value: 25 } });
    expect(recogniseLine('heroku config:unset ENABLE_DASH --app shop', where, ctx)).toMatchObject({ runnable: true, action: { kind: 'flag', flag: 'dash-heroku', value: null } });
  });

  it('a Heroku line for another app is not the flag of this one', () => {
    const line = recogniseLine('heroku config:set ENABLE_DASH=0 --app staging-shop', where, context([], [heroku]));
    expect(line).toMatchObject({ runnable: false, action: null, reason: 'no flag of the profile is kept in the heroku variable ENABLE_DASH of staging-shop, and "heroku" is not in commands.allow' });
  });

  it('without the backend, each stays copy-only and says why', () => {
    const none = context([]);
    expect(recogniseLine('railway env set ENABLE_DASH=false', where, none)).toMatchObject({
      native: 'flag',
      runnable: false,
      action: null,
      reason: 'no railway backend in the profile: no flag is kept in railway variables, and "railway" is not in commands.allow',
    });
    expect(recogniseLine('heroku config:unset ENABLE_DASH', where, none).reason).toMatch(/^no heroku backend in the profile/);
    expect(recogniseLine('railway env set OTHER=1', where, context([], [railway])).reason).toBe('no flag of the profile is kept in the railway variable OTHER, and "railway" is not in commands.allow');
    expect(recogniseLine('railway restart', where, none)).toMatchObject({ native: 'command', runnable: false, reason: 'no railway restart in the profile: "railway" is not in commands.allow' });
    expect(recogniseLine('heroku restart --app shop', where, none)).toMatchObject({ native: 'command', runnable: false, reason: 'no heroku restart in the profile: "heroku" is not in commands.allow' });
    expect(recogniseLine('kubectl rollout restart deployment/web', where, none)).toMatchObject({ native: 'command', runnable: false, reason: 'no kubectl in the profile: "kubectl" is not in commands.allow' });
  });

  it('allowlisted, restart and kubectl rollout undo|status|restart run as their argv', () => {
    const ctx = context(['railway', 'heroku', 'kubectl']);
    expect(recogniseLine('railway restart', where, ctx)).toMatchObject({ runnable: true, action: { kind: 'process', argv: ['railway', 'restart'] } });
    expect(recogniseLine('heroku restart --app shop', where, ctx)).toMatchObject({ runnable: true, action: { kind: 'process', argv: ['heroku', 'restart', '--app', 'shop'] } });
    for (const sub of ['undo', 'status', 'restart']) {
      expect(recogniseLine(`kubectl rollout ${sub} deployment/web -n prod`, where, ctx)).toMatchObject({
        native: sub === 'undo' ? 'rollback' : 'command',
        runnable: true,
        action: { kind: 'process', argv: ['kubectl', 'rollout', sub, '--namespace=prod', '--', 'deployment/web'] },
      });
    }
  });
});

describe('hostile arguments stay literal', () => {
  const HOSTILE = ['$(rm -rf /)', 'a;rm -rf /', '`id`', `it's "quoted"`, '| nc evil 1', '&& reboot'];
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

  it.each(HOSTILE)('%s inside quotes is one literal argument, never run', (word) => {
    const ctx = context(['railway', 'heroku', 'kubectl'], [railway, heroku]);
    // As a flag value: the value written is the exact text.
    expect(recogniseLine(`railway env set ${quote(`ENABLE_DASH=${word}`)}`, where, ctx)).toMatchObject({ action: { kind: 'flag', flag: 'dash', value: word } });
    expect(recogniseLine(`heroku config:set ${quote(`ENABLE_DASH=${word}`)} --app shop`, where, ctx)).toMatchObject({ action: { kind: 'flag', value: word } });
    // As a process: exactly one argv element each, after "--" for kubectl.
    expect(recogniseLine(`kubectl rollout restart ${quote(word)}`, where, ctx)).toMatchObject({ action: { kind: 'process', argv: ['kubectl', 'rollout', 'restart', '--', word] } });
    expect(recogniseLine(`heroku restart --app ${quote(word)}`, where, ctx)).toMatchObject({ action: { kind: 'process', argv: ['heroku', 'restart', '--app', word] } });
  });

  it.each([
    ['railway env set ENABLE_DASH=$(rm -rf /)', '"$" expansion'],
    ['railway env set ENABLE_DASH=1; rm -rf /', '";"'],
    ['heroku config:set ENABLE_DASH=`id` --app shop', 'backticks'],
    ['kubectl rollout restart deployment/web && reboot', '"&"'],
    ['railway env unset "ENABLE_DASH', 'unterminated double quote'],
  ])('unquoted, %s stays copy-only, naming the shell syntax', (line, why) => {
    const recognised = recogniseLine(line, where, context(['railway', 'heroku', 'kubectl'], [railway, heroku]));
    expect(recognised).toMatchObject({ runnable: false, action: null });
    expect(recognised.reason).toContain(why);
  });

  it('a quoted newline never joins two commands: each line of the block is its own, unterminated quote refused', () => {
    const doc = parseText("# T\n\n## P\n\n```bash\nrailway env set 'ENABLE_DASH=1\nrm -rf /'\n```\n");
    const commands = recogniseRunbook(doc, context(['railway', 'rm'], [railway]));
    expect(commands.map((c) => [c.line, c.runnable, c.reason])).toEqual([
      [6, false, 'has an unterminated single quote'],
      [7, false, 'has an unterminated single quote'],
    ]);
  });
});

describe('blocks that only list environment variables', () => {
  it('dual-dashboard-rollout.md line 53: a list of variables to verify, secret-looking values masked, and no command', () => {
    const doc = parseFile(`${SHARED_RUNBOOKS}dual-dashboard-rollout.md`);
    const block = doc.items.flatMap((i) => i.code).find((c) => c.line === 53)!;
    expect(envListing(block.value)).toEqual([
      { name: 'MONGODB_URI', shown: MASK, masked: true, line: 2 },
      { name: 'REDIS_URL', shown: MASK, masked: true, line: 3 },
      { name: 'STRIPE_SECRET_KEY', shown: MASK, masked: true, line: 4 },
      { name: 'DISCORD_CLIENT_ID', shown: MASK, masked: true, line: 5 },
      { name: 'DISCORD_CLIENT_SECRET', shown: MASK, masked: true, line: 6 },
      { name: 'SESSION_SECRET', shown: MASK, masked: true, line: 7 },
    ]);
    expect(recogniseRunbook(doc, context(['git'])).filter((c) => c.line !== null && c.line >= 54 && c.line <= 60)).toEqual([]);
  });

  it('shows only values that cannot be secrets, and masks a live key under any name', () => {
    const listed = envListing('export NODE_ENV=production\nPORT=8080\nDEBUG=false\nAPI_TOKEN=abc\nGREETING="sk_live_51Habc"\nEMPTY=\n');
    expect(listed!.map((v) => [v.name, v.shown])).toEqual([
      ['NODE_ENV', 'production'],
      ['PORT', '8080'],
      ['DEBUG', 'false'],
      ['API_TOKEN', MASK],
      ['GREETING', MASK],
      ['EMPTY', ''],
    ]);
    expect(JSON.stringify(listed)).not.toContain('sk_live');
  });

  it('a block with one real command, or VAR=value before a program, is a script, not a listing', () => {
    expect(envListing('NODE_ENV=production\nnpm start\n')).toBeNull();
    expect(envListing('MONGODB_URI=mongodb+srv://x node app.js\n')).toBeNull();
    expect(envListing('# nothing here\n')).toBeNull();
  });
});
