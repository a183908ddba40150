/**
 * This machine's own report signers, trusted by `flightdeck verify` and the
 * Verify panel without a --trust: the local CA Flightdeck makes on first
 * signing (or the signer certificate of an imported PKCS#12 identity).
 *
 * Certificates only, never a key: the file is `<data dir>/trusted-signers.json`
 * (0600), written when the CA is made and whenever a report is signed, so a
 * verifier can trust this machine's reports while the vault is locked or
 * on the command line without a passphrase. It lives in the data directory,
 * like runbook approvals, and nothing a report or a session carries can
 * add to it.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';
import { writeFileAtomic } from '../storage/durable-fs';
import { subjectLine } from './signing-identity';

export const TRUSTED_SIGNERS_FILE = 'trusted-signers.json';
const MAX_FILE_BYTES = 1024 * 1024;

const TrustedSignerSchema = z.object({
  subject: z.string(),
  /** sha256 of the certificate (DER), "AB:CD:…", as openssl and the verifier print it. */
  fingerprint: z.string(),
  /** Why this machine trusts it. */
  source: z.enum(['local-ca', 'imported-signer']),
  addedAt: z.string(),
  certificatePem: z.string(),
});
export type TrustedSigner = z.infer<typeof TrustedSignerSchema>;

const TrustedSignersFileSchema = z.object({ version: z.literal(1), signers: z.array(TrustedSignerSchema) });

export class TrustedSigners {
  constructor(
    readonly file: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  static inDataDir(dataDir: string): TrustedSigners {
    return new TrustedSigners(join(dataDir, TRUSTED_SIGNERS_FILE));
  }

  /** The trusted certificates; none when the file does not exist. A damaged file is an error naming it, never an empty list in disguise. */
  list(): TrustedSigner[] {
    let text: string;
    try {
      if (statSync(this.file).size > MAX_FILE_BYTES) throw new FlightdeckError('too-large', 'is larger than 1 MB, not a list of trusted signers.', { file: this.file });
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new FlightdeckError('bad-input', 'is not JSON: fix or remove it (Flightdeck writes it again on the next signing).', { file: this.file });
    }
    const checked = TrustedSignersFileSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new FlightdeckError('bad-input', `is not a list of trusted signers (${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}).`, { file: this.file });
    }
    return checked.data.signers;
  }

  certificatePems(): string[] {
    return this.list().map((signer) => signer.certificatePem);
  }

  /** Records a certificate (its public part only); nothing is written when it is there already. Returns whether it was added. */
  add(pem: string, source: TrustedSigner['source']): boolean {
    const cert = new X509Certificate(pem);
    const signers = this.list();
    if (signers.some((signer) => signer.fingerprint === cert.fingerprint256)) return false;
    // Re-encoded from the parsed certificate: whatever else the PEM text held (a key) cannot reach the file.
    signers.push({ subject: subjectLine(cert), fingerprint: cert.fingerprint256, source, addedAt: this.clock().toISOString(), certificatePem: cert.toString() });
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, `${JSON.stringify({ version: 1, signers }, null, 2)}\n`, 0o600);
    return true;
  }
}
