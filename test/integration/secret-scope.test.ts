/**
 * A secret goes only where its own vault entry says, whatever the profile
 * that asks: with a real vault file and real loopback servers, a token
 * scoped to origin A and named by a probe or a flag on origin B is
 * refused, the refusal names both origins, and B receives nothing; a
 * command's environment gets a secret only when its scope names that very
 * program, and a program it was not scoped to does not start.
 *
 * No trust store exists yet on this branch, so "approved" here means what
 * it will mean after approval: the profile's probe, flag and command are
 * built and run as the app builds them. The vault rule knows no profile,
 * so no approval can widen it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/shared/control-model';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { CommandPolicy } from '../../src/main/services/commands/command-policy';
import { CommandRunner } from '../../src/main/services/commands/command-runner';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { createProbe } from '../../src/main/services/probes/create-probe';
import { FlagSchema } from '../../src/main/services/profile/flags-schema';
import { HttpProbeSchema } from '../../src/main/services/profile/probes-schema';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { tempDir } from '../support/app';
import { entriesOf, newSession, programDir, writeProgram } from '../support/command-programs';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';

const TOKEN = 'canary-scoped-token-5be1d0';
const PASSPHRASE = 'correct horse battery staple';

interface Recorded {
  target: HttpTarget;
  headers: IncomingHttpHeaders[];
}

/** A loopback JSON endpoint that records the headers of every request it receives. */
async function recordingServer(): Promise<Recorded> {
  const headers: IncomingHttpHeaders[] = [];
  const target = await startHttpTarget((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"enabled":true}');
    });
  });
  return { target, headers };
}

let work: { path: string; remove: () => void };
let vault: Vault;
let a: Recorded;
let b: Recorded;

beforeEach(async () => {
  work = tempDir('flightdeck-secret-scope-');
  vault = new Vault({ file: join(work.path, VAULT_FILE_NAME), safeStorage: null, platform: 'linux', scryptN: 2 ** 15 });
  await vault.unlock(PASSPHRASE);
  a = await recordingServer();
  b = await recordingServer();
  vault.put('api-token', TOKEN, [a.target.url]);
});

afterEach(async () => {
  await Promise.all([a.target.close(), b.target.close()]);
  work.remove();
});

const bearer = { Authorization: { secret: 'api-token', prefix: 'Bearer ' } };

describe('a secret scoped to origin A', () => {
  it('is refused to an HTTP probe on origin B, naming both, and B receives no request; A gets it', async () => {
    const onB = createProbe(HttpProbeSchema.parse({ name: 'health', kind: 'http', url: `${b.target.url}/health`, headers: bearer, timeoutMs: 5000 }), { secrets: vault });
    const refused = await onB.run();
    expect(refused.health).toBe('down');
    expect(refused.message).toContain('"api-token"');
    expect(refused.message).toContain(`refused for ${b.target.url}`);
    expect(refused.message).toContain(`may be sent only to ${a.target.url}`);
    expect(refused.message).not.toContain(TOKEN);
    expect(b.target.requests).toBe(0);

    const onA = createProbe(HttpProbeSchema.parse({ name: 'health', kind: 'http', url: `${a.target.url}/health`, headers: bearer, timeoutMs: 5000 }), { secrets: vault });
    expect((await onA.run()).health).toBe('up');
    expect(a.headers.map((h) => h.authorization)).toEqual([`Bearer ${TOKEN}`]);
    expect(b.target.requests).toBe(0);
  });

  it('is refused to a flag backend on origin B before any I/O, for a read and for a write', async () => {
    const { session, remove } = newSession();
    const flagOn = (url: string) => FlagSchema.parse({ name: 'checkout', backend: { type: 'http', url: `${url}/flags/checkout`, field: 'enabled', headers: bearer }, timeoutMs: 5000 });
    const service = new FlagService({ flags: [flagOn(b.target.url)], secrets: vault, journal: session, settleDelaysMs: [] });
    try {
      const read = await service.read('checkout').then(
        () => null,
        (error: unknown) => error,
      );
      expect(read).toBeInstanceOf(FlightdeckError);
      expect((read as FlightdeckError).code).toBe('forbidden');
      expect((read as FlightdeckError).message).toContain(b.target.url);
      expect((read as FlightdeckError).message).toContain(a.target.url);
      await expect(service.setValue('checkout', false, 'ops')).rejects.toMatchObject({ code: 'forbidden' });
      expect(b.target.requests).toBe(0);
      // Nothing was journaled as attempted: the refusal came before the action.
      expect(entriesOf(session, 'action.started')).toEqual([]);
    } finally {
      await service.close();
      remove();
    }

    const onA = new FlagService({ flags: [flagOn(a.target.url)], secrets: vault, journal: null, settleDelaysMs: [] });
    try {
      expect((await onA.read('checkout')).value).toBe(true);
      expect(a.headers.map((h) => h.authorization)).toEqual([`Bearer ${TOKEN}`]);
    } finally {
      await onA.close();
    }
  });

  it('widened by the operator to B, reaches B', async () => {
    vault.setScope('api-token', [a.target.url, b.target.url]);
    const onB = createProbe(HttpProbeSchema.parse({ name: 'health', kind: 'http', url: `${b.target.url}/health`, headers: bearer, timeoutMs: 5000 }), { secrets: vault });
    expect((await onB.run()).health).toBe('up');
    expect(b.headers.map((h) => h.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });
});

describe("a secret in a command's environment", () => {
  let dir: string;
  let journal: ReturnType<typeof newSession>;

  beforeEach(() => {
    dir = programDir();
    journal = newSession();
  });
  afterEach(() => {
    journal.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A program that leaves a marker file holding the token it was given, so "it ran" and "it saw" are on disk. */
  function marking(name: string): string {
    writeProgram(dir, name, `require('node:fs').writeFileSync(${JSON.stringify(join(dir, `${name}.ran`))}, String(process.env.DEPLOY_TOKEN));`);
    return join(dir, `${name}.ran`);
  }

  it('scoped to program:deploy-a is never given to program deploy-b: deploy-b does not start, and the refusal names both', async () => {
    const ranA = marking('deploy-a');
    const ranB = marking('deploy-b');
    vault.put('deploy-token', TOKEN, ['program:deploy-a']);
    const redactor = new SecretRedactor();
    redactor.add('deploy-token', TOKEN);
    const updates: ActionRecord[] = [];
    const runner = new ActionRunner({ journal: journal.session, redactor, onUpdate: (r) => updates.push(r) });
    const path = `${dir}:${process.env.PATH ?? ''}`;
    const commands = new CommandRunner({
      policy: new CommandPolicy(['deploy-a', 'deploy-b'], path),
      env: { DEPLOY_TOKEN: { secret: 'deploy-token' } },
      secrets: vault,
      runner,
      baseEnv: { PATH: path, HOME: '/nonexistent', LANG: 'C.UTF-8' },
    });

    const refused = await commands.run({ argv: ['deploy-b'], timeoutMs: 10_000, by: 'ops' }).then(
      () => null,
      (error: unknown) => error as FlightdeckError,
    );
    expect(refused?.code).toBe('forbidden');
    expect(refused?.message).toContain('"deploy-token"');
    expect(refused?.message).toContain('refused for program:deploy-b');
    expect(refused?.message).toContain('may be sent only to program:deploy-a');
    expect(existsSync(ranB)).toBe(false);
    expect(entriesOf(journal.session, 'action.started')).toEqual([]);
    expect(updates).toEqual([]);

    const ok = await commands.run({ argv: ['deploy-a'], timeoutMs: 10_000, by: 'ops' });
    expect(ok.outcome).toBe('ok');
    expect(existsSync(ranA)).toBe(true);
    expect(readFileSync(ranA, 'utf8')).toBe(TOKEN);
  });
});
