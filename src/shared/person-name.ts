/**
 * The one rule for a person's name that goes into the journal, a sign-off
 * or a signing certificate (`--by`, sign-off names, the operator in the
 * prefs): no control characters and no Unicode bidirectional controls.
 *
 * A control character can rewrite a terminal line or hide text in a log; a
 * bidirectional override (U+202E) makes "Eve\u202Eecila" display as "Eve"
 * followed by "alice" reversed, so an auditor reading the report or the
 * journal sees a different name than the one recorded. Names are refused,
 * never silently cleaned, so what a person typed is what is recorded.
 *
 * Shared: main checks every way a name arrives (CLI, contract, prefs file),
 * and the contract's schemas use the same test.
 */
import { z } from 'zod';
import { FlightdeckError } from './errors';

/** Bidirectional marks, embeddings, overrides and isolates, by code point. */
const BIDI_CONTROLS: Record<number, string> = {
  0x061c: 'arabic letter mark',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
};

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `value` cannot be a person's name, or null when it can. Says which character and where. */
export function personNameProblem(value: string): string | null {
  let position = 0;
  for (const char of value) {
    position += 1;
    const cp = char.codePointAt(0) as number;
    // C0 controls, DEL and C1 controls (tab and newline included: a name is one line).
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `contains the control character ${codePoint(cp)} at character ${position}; a name is plain text on one line`;
    const bidi = BIDI_CONTROLS[cp];
    if (bidi) return `contains ${codePoint(cp)} (${bidi}) at character ${position}, which can make a name display as another; type the name without it`;
  }
  return null;
}

/**
 * `value` if it is an acceptable name (null and undefined pass through);
 * else a bad-input error that names the field the way the person knows it
 * (label: "--by", "The sign-off name"; field: the input's key).
 */
export function checkPersonName<T extends string | null | undefined>(value: T, label: string, field = label.replace(/^-+/, '')): T {
  if (typeof value !== 'string') return value;
  const problem = personNameProblem(value);
  if (problem) throw new FlightdeckError('bad-input', `${label} ${problem}.`, { field });
  return value;
}

/** The rule above as a zod refinement, for schemas that shape the string themselves (PrefsSchema). */
export function refinePersonName(value: string, ctx: z.RefinementCtx): void {
  const problem = personNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** The contract's schema for a name typed in the app: trimmed, 1..max characters, and the rule above. */
export function personNameSchema(max: number) {
  return z.string().trim().min(1).max(max).superRefine(refinePersonName);
}
