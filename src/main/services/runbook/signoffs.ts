/**
 * Sign-offs as the checklists write them: a line with a role and blanks to
 * fill ("**Engineering Lead**: _________ Date: _____") or a table whose
 * header has a Role column ("| Role | Name | Signature | Date/Time |").
 */
import { normaliseText } from './ids';

const BLANK_LINE = /^\s*(.{2,80}?)\s*:\s*_{3,}/;

/** The role of a sign-off line, or null when the text is not one. */
export function signOffRole(text: string): string | null {
  const m = BLANK_LINE.exec(text);
  if (!m) return null;
  const role = m[1]!.replace(/[*_`]/g, '').trim();
  return role.length > 0 ? role : null;
}

/** Index of the Role column when a table header is a sign-off table. */
export function signOffRoleColumn(header: readonly string[]): number {
  const names = header.map(normaliseText);
  const role = names.findIndex((h) => h === 'role' || h === 'approver role' || h === 'sign off role');
  if (role === -1) return -1;
  const hasSignField = names.some((h) => /\b(name|signature|signed|date|approved)\b/.test(h));
  return hasSignField ? role : -1;
}
