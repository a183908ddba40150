/**
 * The in-toto Statement v1 the evidence bundle carries: the signed PDF as
 * its subject (name and sha256) and the session summary as its predicate.
 * Serialised as canonical JSON (sorted keys, no whitespace), so the same
 * statement always gives the same signed bytes.
 */
import { createHash } from 'node:crypto';
import { FlightdeckError } from '../../../shared/errors';
import {
  DSSE_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  InTotoStatementSchema,
  REPORT_PREDICATE_TYPE,
  ReportPredicateSchema,
  type InTotoStatement,
  type ReportPredicate,
} from '../../../shared/report-bundle';
import { canonicalJson } from '../journal/canonical-json';

export { DSSE_PAYLOAD_TYPE };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function reportStatement(pdfName: string, pdf: Uint8Array, predicate: ReportPredicate): InTotoStatement {
  const checked = ReportPredicateSchema.safeParse(predicate);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = `predicate.${issue?.path.join('.') ?? ''}`;
    throw new FlightdeckError('bad-input', `The report summary is incomplete (${field}: ${issue?.message ?? 'invalid'}).`, { field });
  }
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: pdfName, digest: { sha256: sha256Hex(pdf) } }],
    predicateType: REPORT_PREDICATE_TYPE,
    predicate: checked.data,
  };
}

export function statementBytes(statement: InTotoStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

/** The statement in a bundle's payload, or why it is not one of Flightdeck's report statements. */
export function parseStatement(body: Uint8Array): InTotoStatement | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return 'the payload is not JSON';
  }
  const parsed = InTotoStatementSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `the payload is not a Flightdeck report statement (${issue?.path.join('.') || 'statement'}: ${issue?.message ?? 'invalid'})`;
}
