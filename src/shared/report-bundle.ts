/**
 * The completion report's machine-readable evidence: a DSSE envelope around
 * an in-toto Statement v1 whose subject is the signed PDF and whose
 * predicate summarises the session. Shared, because main writes and checks
 * it and the renderer shows the verification result; both import the
 * shapes from here so a field cannot mean two things.
 *
 * On disk a report is two files beside each other in `<session>/reports/`:
 * `<name>.pdf` (PDF signature inside) and `<name>.bundle.json` (this
 * envelope). `reportFiles()` gives the names; verification finds one from
 * the other and the session from the folder they sit in.
 */
import { z } from 'zod';

export const DSSE_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const REPORT_PREDICATE_TYPE = 'https://flightdeck.dev/report/v1';

/** Folder inside a session directory that holds its exported reports. */
export const REPORTS_DIR = 'reports';
export const PDF_SUFFIX = '.pdf';
export const BUNDLE_SUFFIX = '.bundle.json';

/** The two file names of a report called `name` (no extension). */
export function reportFiles(name: string): { pdf: string; bundle: string } {
  return { pdf: `${name}${PDF_SUFFIX}`, bundle: `${name}${BUNDLE_SUFFIX}` };
}

/** The bundle beside a PDF: "x/report.pdf" → "x/report.bundle.json". */
export function bundlePathFor(pdfPath: string): string {
  return pdfPath.toLowerCase().endsWith(PDF_SUFFIX) ? `${pdfPath.slice(0, -PDF_SUFFIX.length)}${BUNDLE_SUFFIX}` : `${pdfPath}${BUNDLE_SUFFIX}`;
}

/** The PDF beside a bundle: "x/report.bundle.json" → "x/report.pdf". */
export function pdfPathFor(bundlePath: string): string {
  return bundlePath.endsWith(BUNDLE_SUFFIX) ? `${bundlePath.slice(0, -BUNDLE_SUFFIX.length)}${PDF_SUFFIX}` : `${bundlePath}${PDF_SUFFIX}`;
}

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');
/** Standard or URL-safe base64: DSSE verifiers must accept either. */
const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const IsoTime = z.string().min(1);

export const ReportSignoffSchema = z.object({
  role: z.string(),
  name: z.string(),
  /** When the sign-off was recorded (ISO 8601, from the journal entry). */
  at: IsoTime,
  /** The person's Ed25519 public key (SPKI DER, base64) when they signed with their own key; null otherwise. */
  publicKey: Base64.nullable(),
});
export type ReportSignoff = z.infer<typeof ReportSignoffSchema>;

export const ReportPredicateSchema = z.object({
  runbook: z.object({
    title: z.string(),
    /** sha256 of the runbook text the session ran. */
    sha256: z.string(),
    environment: z.string().nullable(),
  }),
  session: z.object({
    id: z.string(),
    startedAt: IsoTime,
    endedAt: IsoTime.nullable(),
    durationSeconds: z.number().nonnegative().nullable(),
  }),
  /** The journal as the report covers it: entries 0 .. entries-1, the last one's hash. */
  journal: z.object({
    entries: z.number().int().nonnegative(),
    head: Sha256Hex,
  }),
  items: z.object({ total: z.number().int().nonnegative(), checked: z.number().int().nonnegative() }),
  signoffs: z.array(ReportSignoffSchema),
  /**
   * A team session's merged chain as the report covers it: rows 0 .. entries-1
   * of the replica (team/chain.jsonl), the last one's hash. Absent for a
   * session not joined to a team.
   */
  team: z.object({ session: z.string(), entries: z.number().int().nonnegative(), head: Sha256Hex }).optional(),
  /** The key that signs the envelope; its keyid is also in the signed PDF (see pdf-signature.ts). */
  reportKey: z.object({ keyid: Sha256Hex, publicKey: Base64 }),
  /** The certificate that signed the PDF. */
  certificate: z.object({ subject: z.string(), sha256: Sha256Hex }),
});
export type ReportPredicate = z.infer<typeof ReportPredicateSchema>;

export const InTotoStatementSchema = z.object({
  _type: z.literal(IN_TOTO_STATEMENT_TYPE),
  subject: z
    .array(z.object({ name: z.string().min(1), digest: z.object({ sha256: Sha256Hex }) }))
    .min(1),
  predicateType: z.literal(REPORT_PREDICATE_TYPE),
  predicate: ReportPredicateSchema,
});
export type InTotoStatement = z.infer<typeof InTotoStatementSchema>;

export const DsseSignatureSchema = z.object({ keyid: z.string(), sig: Base64 });
export const DsseEnvelopeSchema = z.object({
  payloadType: z.string(),
  payload: Base64,
  signatures: z.array(DsseSignatureSchema).min(1),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelopeSchema>;

/**
 * The answer, in four words: valid (and the signer is trusted here),
 * untrusted (every check holds but nobody here vouches for the signer),
 * invalid (a check failed), evidence-missing (the session directory lost
 * its journal, so the report cannot be checked against what happened).
 */
export const VERIFY_VERDICTS = ['valid', 'untrusted', 'invalid', 'evidence-missing'] as const;
export type VerifyVerdict = (typeof VERIFY_VERDICTS)[number];

/** What a verification found, for the CLI and the app's verification panel. */
export const VerifyReportResultSchema = z.object({
  /** True only for the verdict "valid": the checks hold and the signer is trusted. */
  ok: z.boolean(),
  verdict: z.enum(VERIFY_VERDICTS),
  /**
   * One line: "valid: <title>, 42 entries, head 1a2b…, signed by CN=…, 2 sign-offs",
   * "signature valid, signer not trusted: …" with the fingerprint to pin,
   * "evidence missing: …", or "invalid: <the first problem>".
   */
  summary: z.string(),
  /** Every failed check, each naming what failed; empty when ok. */
  problems: z.array(z.string()),
  /** Facts and remarks that are not failures (e.g. "the session continued after the report: 3 more entries"). */
  notes: z.array(z.string()),
  details: z.object({
    kind: z.enum(['pdf', 'bundle', 'session']),
    pdf: z.string().nullable(),
    bundle: z.string().nullable(),
    session: z.string().nullable(),
    title: z.string().nullable(),
    entries: z.number().int().nullable(),
    head: z.string().nullable(),
    /** Subject of the certificate that signed the PDF, e.g. "CN=Ada Lovelace". */
    signer: z.string().nullable(),
    /** The certificate to pin with --trust (the CA at the top of the PDF's chain, else the signer's own) and its SHA-256 fingerprint ("AB:CD:…"). */
    pin: z.object({ subject: z.string(), fingerprint: z.string() }).nullable(),
    signoffs: z.array(ReportSignoffSchema.extend({ signatureVerified: z.boolean() })),
  }),
});
export type VerifyReportResult = z.infer<typeof VerifyReportResultSchema>;
