/**
 * `flightdeck verify` against a real report: a session journaled by the
 * real Session class, a Chromium PDF signed with the local certificate from
 * a real vault, and the evidence bundle from the signing API, written where
 * the export writes them. Untouched, it passes from any of its three entry
 * points on the machine that signed it (its data directory's trust store
 * holds the local CA); each kind of tampering an auditor must catch fails
 * with exit 1 and a reason that names what was changed; a machine that does
 * not know the signer answers 3, "signature valid, signer not trusted".
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/main/cli/verify-command';
import { runbookRef, Session } from '../../src/main/services/session/session';
import { signEnvelope } from '../../src/main/services/signing/dsse';
import { signPdf } from '../../src/main/services/signing/pdf-signature';
import { ed25519FromPrivatePem, newEd25519PrivatePem } from '../../src/main/services/signing/ed25519';
import { reportStatement, statementBytes } from '../../src/main/services/signing/in-toto';
import { signReport, writeReport } from '../../src/main/services/signing/report-signer';
import { SigningIdentities, SIGNING_SECRETS } from '../../src/main/services/signing/signing-identity';
import { TRUSTED_SIGNERS_FILE, TrustedSigners } from '../../src/main/services/signing/trusted-signers';
import { LOCAL_SIGNING } from '../../src/main/services/vault/secret-scope';
import { verifyReport } from '../../src/main/services/signing/verify-report';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { DSSE_PAYLOAD_TYPE, REPORTS_DIR, VerifyReportResultSchema, type DsseEnvelope, type InTotoStatement, type ReportPredicate } from '../../src/shared/report-bundle';
import type { EntryDataOf } from '../../src/shared/session-model';
import { tempDir } from '../support/app';
import { launchChromium } from '../support/browser-mode';
import { captureIo } from '../support/cli';
import { parseText } from '../support/runbooks';

const RUNBOOK = `# Checkout release

## Before
- [ ] Announce the window in #releases
- [ ] Take a backup of the orders database

## Rollout
- [ ] Move checkout_v2 to 10%
- [ ] Watch error rate < 1% for 10 minutes

## Sign-Off
- Engineering Lead: ____
- QA: ____
`;

const PASSPHRASE = 'verify cli test passphrase';
const REPORT = 'report-20260314-150926';

const root = tempDir('flightdeck-verify-');
const golden = join(root.path, 'golden');
/** The signing machine's data directory: its vault and its trust store. */
const vaultDir = join(root.path, 'data');
/** Another machine's data directory: it has never signed anything, so it trusts nobody. */
const strangerDir = join(root.path, 'stranger');
let identities: SigningIdentities;
let vault: Vault;
let covered: number;
let caPem: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  vault = new Vault({ file: join(vaultDir, VAULT_FILE_NAME), safeStorage: null, platform: 'linux', scryptN: 2 ** 15 });
  await vault.unlock(PASSPHRASE);
  identities = new SigningIdentities(vault, { trustedSigners: TrustedSigners.inDataDir(vaultDir) });

  const doc = parseText(RUNBOOK, 'checkout.md');
  const session = Session.create(golden, runbookRef(doc), RUNBOOK, 'ana');
  const [announce, backup, flag] = doc.items;
  session.tick(announce!.id, true, announce!.text, 'ana');
  session.note(backup!.id, 'orders dump verified, 18 MB', backup!.text, 'ana');
  session.tick(backup!.id, true, backup!.text, 'ana');
  session.record('action.started', 'ana', { actionId: 'flag-1', kind: 'flag', title: 'checkout_v2 → 10%', inputs: { flag: 'checkout_v2', to: '10%' } });
  session.record('action.finished', 'ana', { actionId: 'flag-1', outcome: 'ok', message: 'read back 10%', durationMs: 95, readBack: '10' });
  session.tick(flag!.id, true, flag!.text, 'ana');
  const bea = identities.signerKey('Bea Lead', { create: true })!;
  session.record('signoff.recorded', 'ana', { signoffId: null, role: 'Engineering Lead', name: 'Bea Lead', publicKey: bea.publicKey });
  session.record('signoff.recorded', 'ana', { signoffId: null, role: 'QA', name: 'Cy Tester', publicKey: null });
  const entries = session.entries();
  covered = entries.length;

  const browser = await launchChromium();
  let pdf: Uint8Array;
  try {
    const page = await browser.newPage();
    await page.setContent(`<h1>Checkout release</h1><p>${covered} journal entries. Report key ${identities.keyFingerprint()}</p>`);
    pdf = new Uint8Array(await page.pdf({ format: 'A4' }));
  } finally {
    await browser.close();
  }
  const started = entries[0]!.data as EntryDataOf<'session.started'>;
  const signed = await signReport({
    identities,
    pdf,
    pdfName: `${REPORT}.pdf`,
    predicate: {
      runbook: { title: doc.title, sha256: started.runbook.sha256, environment: 'staging' },
      session: { id: started.sessionId, startedAt: entries[0]!.ts, endedAt: entries.at(-1)!.ts, durationSeconds: 1 },
      journal: { entries: covered, head: entries.at(-1)!.hash },
      items: { total: doc.items.length, checked: 3 },
      signoffs: entries
        .filter((e) => e.type === 'signoff.recorded')
        .map((e) => {
          const data = e.data as EntryDataOf<'signoff.recorded'>;
          return { role: data.role, name: data.name, at: e.ts, publicKey: data.publicKey };
        }),
    },
    signerName: 'Ana Ops',
    signedAt: new Date(),
  });
  expect(signed.signedBy).toEqual(['Bea Lead']);
  const files = writeReport(golden, REPORT, signed);
  // As the export does: the session records the export after the entries the report covers.
  session.record('report.exported', 'ana', { pdfSha256: signed.pdfSha256, pdf: files.pdf, bundle: files.bundle });
  session.close();
  caPem = await identities.localCaCertificatePem();
});

afterAll(() => root.remove());
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A fresh copy of the untouched session to tamper with. */
function copy(): { dir: string; pdf: string; bundle: string; journal: string } {
  const made = tempDir('flightdeck-verify-case-');
  cleanups.push(made.remove);
  const dir = join(made.path, 'session');
  cpSync(golden, dir, { recursive: true });
  return { dir, pdf: join(dir, REPORTS_DIR, `${REPORT}.pdf`), bundle: join(dir, REPORTS_DIR, `${REPORT}.bundle.json`), journal: join(dir, 'journal.jsonl') };
}

/** `flightdeck verify` on the machine that signed the report. */
async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return verifyOn(vaultDir, ...args);
}

/** `flightdeck verify` on the machine whose data directory is `dataDir`. */
async function verifyOn(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await verifyCommand(args, io, { env: { FLIGHTDECK_HOME: dataDir } });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

function journalLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

function writeLines(file: string, lines: string[]): void {
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function statementOf(envelope: DsseEnvelope): InTotoStatement {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as InTotoStatement;
}

function writeFileIn(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('an untouched report', () => {
  it('is valid from the PDF, the bundle and the session directory, with a one-line summary', async () => {
    const { dir, pdf, bundle } = copy();
    for (const target of [pdf, bundle, dir]) {
      const result = await verify(target);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^valid: Checkout release, ${covered} entries, head [0-9a-f]{12}…, signed by CN=Ana Ops, O=Flightdeck, 2 sign-offs$`));
      // The export's own entry came after the report: allowed, and said.
      expect(result.stderr).toContain('note: the session continued after the report: 1 more entry (report.exported) not covered');
    }
  });

  it('says which sign-offs carry their own verified signature (--json)', async () => {
    const { pdf } = copy();
    const result = await verify(pdf, '--json');
    expect(result.code).toBe(0);
    const parsed = VerifyReportResultSchema.parse(JSON.parse(result.stdout));
    expect(parsed.details.signoffs.map((s) => [s.name, s.role, s.signatureVerified])).toEqual([
      ['Bea Lead', 'Engineering Lead', true],
      ['Cy Tester', 'QA', false],
    ]);
    expect(parsed.details.entries).toBe(covered);
  });

  it('passes when pinned to the local CA, the signer certificate or the report key', async () => {
    const { pdf, dir } = copy();
    const ca = writeFileIn(dir, 'ca.pem', caPem);
    expect((await verify(pdf, '--trust', ca)).code).toBe(0);
    expect((await verify(pdf, '--trust', identities.reportKey().publicKey)).code).toBe(0);
    const signerCert = (await identities.pdfIdentity('Ana Ops')).chainPem[0]!;
    expect((await verify(dir, '--trust', writeFileIn(dir, 'signer.pem', signerCert), '--trust', identities.reportKey().publicKey)).code).toBe(0);
  });

  it('refuses a --trust path that is a FIFO, naming it, instead of waiting on it', async () => {
    const { pdf, dir } = copy();
    const fifo = join(dir, 'trust.pem');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const result = await verify(pdf, '--trust', fifo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${fifo}: is a FIFO (named pipe), not a regular file`);
  });

  it('still holds after a crash left half a line at the end of the journal', async () => {
    const { journal, dir } = copy();
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"seq":${covered + 1},"ts":"2026-`);
    const result = await verify(dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("note: the journal's last line is incomplete (a write cut short) and was not counted");
  });

  it('puts no vault secret in the PDF or the bundle', () => {
    const { pdf, bundle } = copy();
    const files = Buffer.concat([readFileSync(pdf), readFileSync(bundle)]).toString('latin1');
    for (const name of vault.names().filter((n) => n.startsWith('signing.'))) {
      const value = vault.get(name, LOCAL_SIGNING);
      const privateKeys = [...value.matchAll(/-----BEGIN PRIVATE KEY-----\\n([\s\S]+?)\\n-----END/g)].map((m) => m[1]!.replace(/\\n/g, ''));
      expect(privateKeys.length, name).toBeGreaterThan(0);
      for (const key of privateKeys) {
        expect(files).not.toContain(key.slice(0, 40));
        expect(files).not.toContain(Buffer.from(key, 'base64').toString('hex').slice(0, 40));
      }
    }
    expect(vault.names()).toContain(SIGNING_SECRETS.ca);
  });
});

describe('tampering is caught with a reason naming what failed', () => {
  it('one flipped byte in the PDF (and pdfsig agrees)', async () => {
    const { pdf, dir } = copy();
    const bytes = readFileSync(pdf);
    bytes[200] = (bytes[200] ?? 0) ^ 0x01;
    writeFileSync(pdf, bytes);
    for (const target of [pdf, dir]) {
      const result = await verify(target);
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toBe('invalid: PDF changed after signing (digest mismatch)');
    }
    const pdfsig = spawnSync('pdfsig', [pdf], { encoding: 'utf8', timeout: 30_000 });
    expect(pdfsig.stdout).toContain('Signature Validation: Digest Mismatch.');
  });

  it('an edited journal event', async () => {
    const { journal, dir } = copy();
    const lines = journalLines(journal);
    const index = lines.findIndex((line) => line.includes('"item.noted"'));
    lines[index] = lines[index]!.replace('orders dump verified, 18 MB', 'orders dump verified, 81 MB');
    writeLines(journal, lines);
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(`invalid: journal entry ${index} edited (hash mismatch on line ${index + 1})`);
  });

  it('an edited last line, which a crash could not have left behind', async () => {
    const { journal, dir } = copy();
    const lines = journalLines(journal);
    lines[lines.length - 1] = lines.at(-1)!.replace('"by":"ana"', '"by":"eve"');
    writeLines(journal, lines);
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(`invalid: journal entry ${covered} edited (hash mismatch on line ${covered + 1})`);
  });

  it('an edited event whose hash and every later hash were recomputed', async () => {
    const { journal, dir } = copy();
    const { entryHash } = await import('../../src/main/services/journal/journal');
    const entries = journalLines(journal).map((line) => JSON.parse(line) as Parameters<typeof entryHash>[0] & { hash: string });
    entries[2]!.by = 'mallory';
    for (const [i, entry] of entries.entries()) {
      if (i > 0) entry.prev = entries[i - 1]!.hash;
      entry.hash = entryHash(entry);
    }
    writeLines(journal, entries.map((e) => JSON.stringify(e)));
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toMatch(new RegExp(`^invalid: journal changed after the report: entry ${covered - 1} has hash [0-9a-f]{12}…, the report's head is [0-9a-f]{12}…$`));
  });

  it('two events reordered', async () => {
    const { journal, dir } = copy();
    const lines = journalLines(journal);
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    writeLines(journal, lines);
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('invalid: journal entries 3 and 4 reordered (swapped on lines 4 and 5)');
  });

  it('the last event the report covers dropped, with or without what came after it', async () => {
    const truncated = copy();
    writeLines(truncated.journal, journalLines(truncated.journal).slice(0, covered - 1));
    const result = await verify(truncated.dir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(`invalid: journal truncated: ${covered - 1} entries, the report covers ${covered}`);

    const cut = copy();
    const lines = journalLines(cut.journal);
    lines.splice(covered - 1, 1);
    writeLines(cut.journal, lines);
    const fromPdf = await verify(cut.pdf);
    expect(fromPdf.code).toBe(1);
    expect(fromPdf.stdout.trim()).toBe(`invalid: journal entry ${covered - 1} removed (line ${covered} holds entry ${covered})`);
  });

  it('the bundle re-signed with another key', async () => {
    const { bundle, pdf } = copy();
    const envelope = JSON.parse(readFileSync(bundle, 'utf8')) as DsseEnvelope;
    const statement = statementOf(envelope);
    const forger = ed25519FromPrivatePem(newEd25519PrivatePem());
    const predicate: ReportPredicate = { ...statement.predicate, reportKey: { keyid: forger.keyid, publicKey: forger.publicKey } };
    const forged = signEnvelope(DSSE_PAYLOAD_TYPE, statementBytes(reportStatement(statement.subject[0]!.name, readFileSync(pdf), predicate)), [forger]);
    writeFileSync(bundle, JSON.stringify(forged));
    const result = await verify(bundle);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toMatch(/^invalid: bundle signed by an unknown key: the signed PDF names report key [0-9a-f]{12}…, the bundle's is [0-9a-f]{12}…$/);
  });

  it('the bundle\'s statement edited without its key', async () => {
    const { bundle } = copy();
    const envelope = JSON.parse(readFileSync(bundle, 'utf8')) as DsseEnvelope;
    const statement = statementOf(envelope);
    statement.predicate.items.checked = 4;
    writeFileSync(bundle, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const result = await verify(bundle);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toMatch(/^invalid: evidence bundle changed or signed by an unknown key: no signature verifies with its report key/);
  });


  it('the PDF swapped for another one that is validly signed', async () => {
    const { pdf, bundle } = copy();
    const doc = await PDFDocument.create();
    doc.addPage().drawText('All fine, nothing happened', { font: await doc.embedFont(StandardFonts.Helvetica) });
    const identity = await identities.pdfIdentity('Ana Ops');
    writeFileSync(pdf, await signPdf(await doc.save(), identity, { reason: 'r', name: 'Ana Ops', location: 'x', signedAt: new Date(), reportKeyId: identities.reportKey().keyid, journal: null }));
    const result = await verify(bundle);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(`invalid: PDF changed after signing: its sha256 is not the one the bundle's statement records for ${REPORT}.pdf`);
  });
});

describe('a signer nobody here vouches for', () => {
  it('with a --trust for a different key or certificate: signature valid, signer not trusted (exit 3), even where the signer is otherwise trusted', async () => {
    const { pdf, dir } = copy();
    const stranger = ed25519FromPrivatePem(newEd25519PrivatePem());
    const byKey = await verify(pdf, '--trust', stranger.publicKey);
    expect(byKey.code).toBe(3);
    expect(byKey.stdout.trim()).toMatch(/^signature valid, signer not trusted: CN=Ana Ops, O=Flightdeck, issued by CN=Flightdeck Local Signing CA, O=Flightdeck; SHA-256 fingerprint /);
    expect(byKey.stderr).toMatch(/note: signer not trusted: none of the bundle's signatures is by a key given with --trust \(its report key is [0-9a-f]{12}…\)/);

    const otherVault = new Vault({ file: join(dir, 'other-vault.json'), safeStorage: null, platform: 'linux', scryptN: 2 ** 15 });
    await otherVault.unlock(PASSPHRASE);
    const otherCa = writeFileIn(dir, 'other-ca.pem', await new SigningIdentities(otherVault).localCaCertificatePem());
    const byCert = await verify(pdf, '--trust', otherCa);
    expect(byCert.code).toBe(3);
    expect(byCert.stdout).toContain(`SHA-256 fingerprint ${fingerprintOf(caPem)}`);
    expect(byCert.stderr).toContain('note: signer not trusted: CN=Ana Ops, O=Flightdeck does not lead to a certificate given with --trust');
  });

  it('on another machine: exit 3 with the fingerprint to pin, which openssl prints for the signer\'s CA; --trust with that CA makes it valid', async () => {
    const { pdf, bundle, dir } = copy();
    for (const target of [pdf, bundle, dir]) {
      const result = await verifyOn(strangerDir, target);
      expect(result.code, result.stdout + result.stderr).toBe(3);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `signature valid, signer not trusted: CN=Ana Ops, O=Flightdeck, issued by CN=Flightdeck Local Signing CA, O=Flightdeck; SHA-256 fingerprint ${fingerprintOf(caPem)}; to trust it, get that certificate from its owner, check the fingerprint, and pass it with --trust FILE`,
      );
    }
    const ca = writeFileIn(dir, 'ca.pem', caPem);
    const openssl = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', ca], { encoding: 'utf8', timeout: 30_000 });
    expect(openssl.stdout.trim().split('=')[1]).toBe(fingerprintOf(caPem));

    const json = await verifyOn(strangerDir, pdf, '--json');
    const parsed = VerifyReportResultSchema.parse(JSON.parse(json.stdout));
    expect([parsed.ok, parsed.verdict, parsed.details.pin]).toEqual([false, 'untrusted', { subject: 'CN=Flightdeck Local Signing CA, O=Flightdeck', fingerprint: fingerprintOf(caPem) }]);

    for (const target of [pdf, bundle, dir]) {
      const pinned = await verifyOn(strangerDir, target, '--trust', ca);
      expect(pinned.code, pinned.stdout + pinned.stderr).toBe(0);
      expect(pinned.stdout).toMatch(/^valid: Checkout release/);
      expect(pinned.stderr).toContain('note: the signing certificate leads to CN=Flightdeck Local Signing CA, O=Flightdeck, a certificate trusted with --trust');
    }
  });

  it('tampering still reads invalid (exit 1) where the signer is unknown', async () => {
    const { pdf } = copy();
    const bytes = readFileSync(pdf);
    bytes[200] = (bytes[200] ?? 0) ^ 0x01;
    writeFileSync(pdf, bytes);
    const result = await verifyOn(strangerDir, pdf);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('invalid: PDF changed after signing (digest mismatch)');
  });
});

describe('this machine\'s trust store', () => {
  it('holds the local CA\'s certificate, and nothing secret, in a file only its owner reads', () => {
    const file = join(vaultDir, TRUSTED_SIGNERS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/PRIVATE KEY/);
    const signers = new TrustedSigners(file).list();
    expect(signers.map((signer) => [signer.subject, signer.source, signer.fingerprint])).toEqual([['CN=Flightdeck Local Signing CA, O=Flightdeck', 'local-ca', fingerprintOf(caPem)]]);
  });

  it('a damaged store is an error naming the file (exit 2), never an empty list', async () => {
    const made = tempDir('flightdeck-verify-store-');
    cleanups.push(made.remove);
    writeFileSync(join(made.path, TRUSTED_SIGNERS_FILE), '{"version":1,"signers":[{"subject":1}]}');
    const { pdf } = copy();
    const result = await verifyOn(made.path, pdf);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(made.path, TRUSTED_SIGNERS_FILE)}: is not a list of trusted signers`);
  });

});

describe('a PDF without its bundle', () => {
  it('is valid on the machine that signed it, and checked against the journal the signed PDF names', async () => {
    const { pdf, bundle, dir } = copy();
    rmSync(bundle);
    for (const target of [pdf, dir]) {
      const alone = await verify(target);
      expect(alone.code, alone.stdout + alone.stderr).toBe(0);
      expect(alone.stdout.trim()).toMatch(new RegExp(`^valid: Checkout release, ${covered} entries, head [0-9a-f]{12}…, signed by CN=Ana Ops, O=Flightdeck$`));
      expect(alone.stderr).toContain(`note: no evidence bundle beside the PDF (${REPORT}.bundle.json)`);
      expect(alone.stderr).toContain('note: the signing certificate leads to CN=Flightdeck Local Signing CA, O=Flightdeck, a certificate trusted on this machine');
    }
    const known = await verifyReport(pdf, { knownCertificates: [identities.existingLocalCaPem()!] });
    expect(known.ok).toBe(true);
  });

  it('catches a journal edited and re-chained (every hash recomputed) after the report', async () => {
    const { journal, dir, pdf, bundle } = copy();
    rmSync(bundle);
    const { entryHash } = await import('../../src/main/services/journal/journal');
    const entries = journalLines(journal).map((line) => JSON.parse(line) as Parameters<typeof entryHash>[0] & { hash: string; data: Record<string, unknown> });
    const noted = entries.find((e) => e.type === 'item.noted')!;
    noted.data.text = 'orders dump skipped';
    for (const [i, entry] of entries.entries()) {
      if (i > 0) entry.prev = entries[i - 1]!.hash;
      entry.hash = entryHash(entry);
    }
    writeLines(journal, entries.map((e) => JSON.stringify(e)));
    for (const target of [pdf, dir]) {
      const result = await verify(target);
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toMatch(new RegExp(`^invalid: journal changed after the report: entry ${covered - 1} has hash [0-9a-f]{12}…, the report's head is [0-9a-f]{12}…$`));
    }
    // The journal alone still chains: only the PDF's signed head shows what changed.
    rmSync(join(dir, REPORTS_DIR), { recursive: true });
    expect((await verify(dir)).code).toBe(0);
  });

  it('names the journal it covers in its signed information dictionary, which pdfinfo shows', () => {
    const { pdf, journal } = copy();
    const head = (JSON.parse(journalLines(journal)[covered - 1]!) as { hash: string }).hash;
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8', timeout: 30_000 });
    expect(info.stdout).toContain(`flightdeck-journal-entries:${covered}`);
    expect(info.stdout).toContain(`flightdeck-journal-head:${head}`);
  });
});

describe('a session that lost its journal', () => {
  it('says "evidence missing" and exits 1 from the PDF, the bundle, the session directory and --session', async () => {
    const { journal, dir, pdf, bundle } = copy();
    rmSync(journal);
    for (const target of [pdf, bundle, dir]) {
      const result = await verify(target);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout.trim()).toBe(`evidence missing: the session directory ${dir} has no journal (journal.jsonl): the report cannot be checked against what happened`);
      expect(result.stdout).not.toMatch(/^valid/m);
    }
    const json = VerifyReportResultSchema.parse(JSON.parse((await verify(pdf, '--json')).stdout));
    expect([json.ok, json.verdict]).toEqual([false, 'evidence-missing']);

    const inbox = join(dir, '..', 'inbox');
    mkdirSync(inbox);
    cpSync(pdf, join(inbox, `${REPORT}.pdf`));
    const given = await verify(join(inbox, `${REPORT}.pdf`), '--session', dir);
    expect(given.code).toBe(1);
    expect(given.stdout.trim()).toMatch(/^evidence missing: /);
  });

  it('is not rescued by also deleting the bundle', async () => {
    const { journal, dir, pdf, bundle } = copy();
    rmSync(journal);
    rmSync(bundle);
    for (const target of [pdf, dir]) {
      const result = await verify(target);
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toMatch(/^evidence missing: /);
    }
  });
});

describe('a report sent on its own', () => {
  it('is checked against a session given with --session, and says when none was', async () => {
    const { pdf, bundle, dir, journal } = copy();
    const inbox = join(dir, '..', 'inbox');
    mkdirSync(inbox);
    cpSync(pdf, join(inbox, `${REPORT}.pdf`));
    cpSync(bundle, join(inbox, `${REPORT}.bundle.json`));
    const alone = await verify(join(inbox, `${REPORT}.bundle.json`));
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain('note: no session directory found beside the report: the journal itself was not checked (give --session DIR)');

    writeLines(journal, journalLines(journal).slice(0, 4));
    const against = await verify(join(inbox, `${REPORT}.pdf`), '--session', dir);
    expect(against.code).toBe(1);
    expect(against.stdout.trim()).toBe(`invalid: journal truncated: 4 entries, the report covers ${covered}`);

    rmSync(join(inbox, `${REPORT}.pdf`));
    const missing = await verify(join(inbox, `${REPORT}.bundle.json`));
    expect(missing.code).toBe(1);
    expect(missing.stdout.trim()).toBe(`invalid: the PDF the bundle describes (${REPORT}.pdf) is not beside it`);
  });
});

describe('usage', () => {
  it('exits 2 for bad usage, naming the problem', async () => {
    expect((await verify()).code).toBe(2);
    const unknown = await verify('x.pdf', '--trusted', 'k');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--trusted'");
    const missing = await verify(join(root.path, 'nowhere.pdf'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.pdf: no such file or directory.');
    const { pdf } = copy();
    const badTrust = await verify(pdf, '--trust', 'definitely not a key');
    expect(badTrust.code).toBe(2);
    expect(badTrust.stderr).toContain('neither a certificate (PEM or DER) nor an Ed25519 public key');
    expect((await verify('--help')).stdout).toContain('Usage: flightdeck verify FILE');
  });

  it('checks the journal alone in a session that has no report yet', async () => {
    const made = tempDir('flightdeck-verify-fresh-');
    cleanups.push(made.remove);
    const doc = parseText(RUNBOOK, 'checkout.md');
    const session = Session.create(join(made.path, 's'), runbookRef(doc), RUNBOOK, 'ana');
    session.tick(doc.items[0]!.id, true, doc.items[0]!.text, 'ana');
    session.close();
    const result = await verify(join(made.path, 's'));
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^valid: Checkout release, 2 entries, head [0-9a-f]{12}…$/);
    expect(result.stderr).toContain('note: no report has been exported from this session yet: only the journal was checked');
  });

  it('verifyReport gives the app the same answer as the command', async () => {
    const { dir } = copy();
    const result = await verifyReport(dir, { knownCertificates: [caPem] });
    expect(result.ok).toBe(true);
    expect(result.verdict).toBe('valid');
    expect(result.problems).toEqual([]);
    expect(result.details.kind).toBe('session');
    expect(result.details.signer).toBe('CN=Ana Ops, O=Flightdeck');
    expect(readdirSync(join(dir, REPORTS_DIR)).sort()).toEqual([`${REPORT}.bundle.json`, `${REPORT}.pdf`]);
  });
});
