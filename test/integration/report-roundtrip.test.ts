/**
 * The completion report end to end, as a terminal user gets it: a session
 * flown with the real Session class and CLI commands (ticks, notes, a flag
 * moved on the demo environment over HTTP, a verified backup of a real
 * password-protected redis-server, the demo's P0 rollback plan, two
 * sign-offs, one with the signer's own key), exported with `flightdeck
 * report` through Chromium, then checked by `flightdeck verify`, by
 * poppler's pdfsig and pdftotext, and searched for the vault's secrets.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../src/main/cli/backup-commands';
import { flagCommand } from '../../src/main/cli/flag-commands';
import { rollbackCommand } from '../../src/main/cli/rollback-commands';
import { reportCommand, signoffCommand } from '../../src/main/cli/report-commands';
import { verifyCommand } from '../../src/main/cli/verify-command';
import { RunbookLoader } from '../../src/main/services/runbook/runbook-loader';
import { Session, runbookRef } from '../../src/main/services/session/session';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { METRICS_FILE } from '../../src/main/services/telemetry/metrics-recorder';
import { tempDir } from '../support/app';
import { captureIo, trustFile } from '../support/cli';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { startRedis, type RedisServer } from '../support/servers';
import { testParser } from '../support/parser';

const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');
const PASSPHRASE = 'correct horse battery staple';
/** A credential in the vault that an operator also pasted into a note by mistake: it must never reach the report. */
const SECRET = 'tok_Zq8v-LEAK-9f3K2p';
const REDIS_PASSWORD = 'report-Redis-pw-7781';

describe('completion report round trip', () => {
  const home = tempDir('flightdeck-report-home-');
  const work = tempDir('flightdeck-report-work-');
  const sessionDir = join(work.path, 'session');
  const out = join(work.path, 'out', 'window-report.pdf');
  const env = { FLIGHTDECK_HOME: home.path, FLIGHTDECK_VAULT_PASSPHRASE: PASSPHRASE, USER: 'ana' };
  let demo: DemoEnv;
  let redis: RedisServer;
  let pdf: Buffer;
  let bundleText: string;
  let head: string;
  let itemTexts: string[];

  beforeAll(async () => {
    expect(existsSync(join(RENDERER, 'report.html')), 'out/renderer/report.html is missing: run `npx electron-vite build`').toBe(true);
    const vault = new Vault({ file: join(home.path, VAULT_FILE_NAME), safeStorage: null, platform: process.platform, scryptN: 2 ** 15 });
    await vault.unlock(PASSPHRASE);
    // Stored for the redaction checks below; the scopes only say where they could go.
    vault.put('demo-admin-token', SECRET, ['http://127.0.0.1:4810']);
    vault.put('redis-password', REDIS_PASSWORD, ['127.0.0.1:6379']);
    vault.lock();

    [demo, redis] = await Promise.all([startDemoEnv(), startRedis({ password: REDIS_PASSWORD })]);
    const runbookPath = demo.profileFor(work.path);
    const parser = testParser();
    const { doc, text } = await new RunbookLoader(parser).loadFile(runbookPath, 'file');
    await parser.close();
    itemTexts = doc.items.slice(0, 3).map((i) => i.text);
    const session = Session.create(sessionDir, runbookRef(doc), text, 'ana');
    const [first, second, third] = doc.items;
    session.tick(first!.id, true, first!.text, 'ana');
    session.tick(second!.id, true, second!.text, 'ben');
    session.note(second!.id, `Checked by hand; token pasted by mistake: ${SECRET}`, second!.text, 'ben');
    session.note(third!.id, 'Waiting for the on-call SRE.', third!.text, 'ana');
    session.close();
    // Two recorded metric points, as the live recorder writes them.
    const now = Date.now();
    writeFileSync(
      join(sessionDir, METRICS_FILE),
      [0, 10_000].map((d) => JSON.stringify({ ts: new Date(now - 20_000 + d).toISOString(), series: 'shop/error_rate', metric: 'error_rate', value: 0.4 + d / 100_000 })).join('\n') + '\n',
    );

    const demoProfile = join(work.path, 'runbook.flightdeck.yaml');
    const flagIo = captureIo();
    // The operator approved what the profiles may do (flightdeck trust --yes).
    await trustFile(demoProfile, env.FLIGHTDECK_HOME);
    const flagCode = await flagCommand(['set', '--profile', demoProfile, '--flag', 'checkout_v2', '--percent', '10', '--session', sessionDir, '--by', 'ana'], flagIo, { env });
    expect(flagCode, flagIo.stderr).toBe(0);

    // A real Redis backup, journaled into the session as the app journals it.
    const backupProfile = join(work.path, 'cache.flightdeck.yaml');
    writeFileSync(backupProfile, `environment: demo\nbackups:\n  - name: cache\n    engine: redis\n    url: "${redis.url}"\n    password: { secret: redis-password }\n    dir: backups\n`);
    const backupIo = captureIo();
    await trustFile(backupProfile, env.FLIGHTDECK_HOME);
    expect(await backupCommand(['--profile', backupProfile, 'cache', '--session', sessionDir, '--by', 'ana'], backupIo, { env: { ...env, FLIGHTDECK_SECRET_REDIS_PASSWORD: REDIS_PASSWORD, FLIGHTDECK_SECRET_REDIS_PASSWORD_SCOPE: redis.url } }), backupIo.stderr).toBe(0);

    // The demo profile's P0 plan: checkout_v2 back to 0, then wait for health.
    const rollbackIo = captureIo();
    expect(await rollbackCommand(['--profile', demoProfile, '--plan', 'P0', '--session', sessionDir, '--yes', '--by', 'ana'], rollbackIo, { env }), rollbackIo.stderr).toBe(0);

    const plain = captureIo();
    expect(await signoffCommand([sessionDir, '--role', 'release manager', '--name', 'Ana Lima'], plain, { env }), plain.stderr).toBe(0);
    const own = captureIo();
    expect(await signoffCommand([sessionDir, '--role', 'Engineering Lead', '--name', 'Ben Okafor', '--own-key'], own, { env }), own.stderr).toBe(0);
    expect(own.stdout).toContain('with their own key');

    const io = captureIo();
    const code = await reportCommand([sessionDir, '--out', out, '--paper', 'letter', '--by', 'Ana Lima'], io, { env, rendererDir: RENDERER });
    expect(code, io.stderr).toBe(0);
    pdf = readFileSync(out);
    bundleText = readFileSync(out.replace(/\.pdf$/, '.bundle.json'), 'utf8');
    head = /head ([0-9a-f]{64})/.exec(io.stdout)![1]!;
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    await redis?.stop();
    home.remove();
    work.remove();
  });

  const journal = () => readFileSync(join(sessionDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });

  it('passes flightdeck verify on the PDF and the bundle on this machine, whose trust store holds the CA that signed them', async () => {
    for (const target of [out, out.replace(/\.pdf$/, '.bundle.json')]) {
      const io = captureIo();
      const code = await verifyCommand([target], io, { env });
      expect(code, `${io.stdout}${io.stderr}`).toBe(0);
      expect(io.stdout).toMatch(/^valid: /);
    }
    // Elsewhere, the same files are a valid signature by a signer nobody vouches for.
    const stranger = captureIo();
    expect(await verifyCommand([out], stranger, { env: { FLIGHTDECK_HOME: join(work.path, 'elsewhere') } })).toBe(3);
    expect(stranger.stdout).toMatch(/^signature valid, signer not trusted: CN=Ana Lima, O=Flightdeck, issued by CN=Flightdeck Local Signing CA, O=Flightdeck; SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2};/);
  });

  it('carries a PDF signature poppler accepts, and a changed byte is a digest mismatch', () => {
    const text = execFileSync('pdfsig', [out], { encoding: 'utf8' });
    expect(text).toContain('Signature is Valid');
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('Ben Okafor');
    const index = at > 0 ? at : Math.floor(tampered.length / 3);
    tampered[index] = tampered[index]! ^ 0x01;
    const copy = join(work.path, 'tampered.pdf');
    writeFileSync(copy, tampered);
    expect(execFileSync('pdfsig', [copy], { encoding: 'utf8' })).not.toContain('Signature is Valid');
  });

  it('prints the title, items, sign-offs, flag change, backup checksum and chain head', () => {
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    const squashed = text.replace(/\s+/g, '');
    expect(text).toMatch(/completion report/i);
    for (const item of itemTexts) expect(squashed).toContain(item.replace(/\s+/g, '').slice(0, 30));
    expect(squashed).toContain('AnaLima');
    expect(squashed).toContain('BenOkafor');
    expect(squashed).toContain('ReleaseManager');
    expect(text).toContain('checkout_v2');
    const verified = journal().find((e) => e.type === 'backup.verified')!;
    expect(squashed).toContain(verified.data.manifestSha256 as string);
    expect(text).toMatch(/Rollbacks/);
    expect(squashed).toContain('PlanP0');
    expect(squashed).toContain(head);
    expect(text).toMatch(/page 1 of \d+/);
  });

  it('never shows the vault secret: not in the text, the raw bytes, any inflated stream or the bundle', () => {
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('token pasted by mistake');
    const streams = inflatedStreams(pdf);
    expect(streams.length).toBeGreaterThan(0);
    for (const secret of [SECRET, REDIS_PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(pdf.includes(secret)).toBe(false);
      for (const stream of streams) expect(stream.includes(secret)).toBe(false);
      expect(bundleText).not.toContain(secret);
    }
    const payload = Buffer.from((JSON.parse(bundleText) as { payload: string }).payload, 'base64').toString('utf8');
    expect(payload).toContain('Ben Okafor');
    expect(payload).not.toContain(SECRET);
  });

  it('journals the export, and the bundle holds both sign-offs and the own-key signature', () => {
    const entries = journal();
    const exported = entries.at(-1)!;
    expect(exported.type).toBe('report.exported');
    expect(exported.data.pdf).toBe(out);
    const envelope = JSON.parse(bundleText) as { payload: string; signatures: unknown[] };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { predicate: { signoffs: Array<{ name: string; publicKey: string | null }>; journal: { entries: number; head: string } } };
    expect(statement.predicate.signoffs.map((s) => s.name)).toEqual(['Ana Lima', 'Ben Okafor']);
    expect(statement.predicate.signoffs[1]!.publicKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(envelope.signatures).toHaveLength(2);
    expect(statement.predicate.journal).toEqual({ entries: entries.length - 1, head });
  });
});

describe('flightdeck signoff and report refuse what they cannot do, saying why', () => {
  const home = tempDir('flightdeck-report-bad-');
  afterAll(() => home.remove());

  it('names the paper sizes, the runbook roles and the passphrase variable', async () => {
    const work = home.path;
    const parser = testParser();
    const runbookPath = join(work, 'runbook.md');
    writeFileSync(runbookPath, '# R\n\n## Go\n\n- [ ] one\n\n## Sign-Off\n\n**QA Lead**: _________ Date: _____\n');
    const { doc, text } = await new RunbookLoader(parser).loadFile(runbookPath, 'file');
    await parser.close();
    const dir = join(work, 'session');
    Session.create(dir, runbookRef(doc), text, 'ana').close();
    const env = { FLIGHTDECK_HOME: join(work, 'home'), USER: 'ana' };

    const paper = captureIo();
    expect(await reportCommand([dir, '--out', join(work, 'r.pdf'), '--paper', 'a5'], paper, { env })).toBe(2);
    expect(paper.stderr).toContain('--paper must be a4 or letter');

    const role = captureIo();
    expect(await signoffCommand([dir, '--role', 'CEO', '--name', 'Max'], role, { env })).toBe(2);
    expect(role.stderr).toContain('it asks for "QA Lead"');

    const missing = captureIo();
    expect(await signoffCommand([dir, '--name', 'Max'], missing, { env })).toBe(2);
    expect(missing.stderr).toContain('missing --role ROLE');

    const locked = captureIo();
    expect(await reportCommand([dir, '--out', join(work, 'r.pdf')], locked, { env })).toBe(1);
    expect(locked.stderr).toContain('FLIGHTDECK_VAULT_PASSPHRASE');
    expect(existsSync(join(work, 'r.pdf'))).toBe(false);
  });
});

/** Every FlateDecode stream of the PDF, inflated (the ones that are not compressed come back as they are). */
function inflatedStreams(pdf: Buffer): Buffer[] {
  const found: Buffer[] = [];
  let from = 0;
  for (;;) {
    const start = pdf.indexOf('stream', from);
    if (start < 0) break;
    let body = start + 'stream'.length;
    if (pdf[body] === 0x0d) body++;
    if (pdf[body] === 0x0a) body++;
    const end = pdf.indexOf('endstream', body);
    if (end < 0) break;
    const raw = pdf.subarray(body, end);
    try {
      found.push(inflateSync(raw));
    } catch {
      found.push(raw);
    }
    from = end + 'endstream'.length;
  }
  return found;
}
