/**
 * Code blocks that only list environment variables (`NAME=value` lines, as
 * runbooks write the settings to check: `STRIPE_SECRET_KEY=sk_live_...`)
 * are settings to verify, not commands: main never offers them as commands
 * and the checklist shows them as a list of names. Values are shown only
 * when they cannot be a secret (a number, true/false, a plain word such as
 * "production" under a name that is not a secret's); any other value is
 * masked, so a key pasted into a runbook is never echoed back.
 */

export interface EnvVariable {
  name: string;
  /** The value as shown: the value itself when it is plainly not a secret, else a mask. */
  shown: string;
  masked: boolean;
  /** 1-based line within the block. */
  line: number;
}

/** `NAME=value`, optionally after `export `; the value may be quoted. */
const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const COMMENT = /^(#|\/\/)/;
const SECRET_NAME = /(secret|token|key|pass|pwd|credential|private|auth|cookie|session|salt|signature|cert|dsn|uri|url|conn)/i;
const PLAIN_VALUE = /^(?:-?\d+(?:\.\d+)?|true|false|yes|no|on|off|[a-z][a-z-]{0,23})$/i;
export const MASK = '••••••';

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

/**
 * The variables a block lists, or null when the block is anything else
 * (one line that is not an assignment or a comment makes it a script).
 */
export function envListing(text: string): EnvVariable[] | null {
  const variables: EnvVariable[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '' || COMMENT.test(line)) continue;
    const match = ASSIGNMENT.exec(line);
    // `A=1 node app.js` runs a program with a variable set: that is a command.
    if (!match || /^(?:"[^"]*"|'[^']*'|\S*)\s+\S/.test(match[2]!.replace(/\s+#.*$/, ''))) return null;
    const value = unquote(match[2]!.replace(/\s+#.*$/, ''));
    const plain = value === '' || (!SECRET_NAME.test(match[1]!) && PLAIN_VALUE.test(value));
    variables.push({ name: match[1]!, shown: plain ? value : MASK, masked: !plain, line: i + 1 });
  }
  return variables.length > 0 ? variables : null;
}

export function isEnvListing(text: string): boolean {
  return envListing(text) !== null;
}
