/**
 * Splits one command line from a runbook into argv the way a POSIX shell
 * would for the plain cases (words, single and double quotes, backslash
 * escapes), without running a shell. Anything whose meaning needs a shell
 * (pipes, redirections, `;`, `&&`, command substitution, variables, globs,
 * `~`, leading VAR=value assignments) is not split into argv at all: the
 * line stays copy-only, and the words before that point are kept so the
 * program can still be named.
 */

export type Tokenized =
  | { ok: true; argv: string[] }
  | { ok: false; reason: string; /** Words before the shell syntax. */ words: string[] };

const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')']);

export function tokenize(line: string): Tokenized {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const shell = (what: string): Tokenized => ({ ok: false, reason: `uses shell syntax (${what})`, words: [...words] });

  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else if (c === '$' || c === '`') return shell(c === '$' ? 'a "$" expansion' : 'backticks');
      else word += c;
      continue;
    }
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === '#' && !inWord) break;
    if (SHELL_OPERATORS.has(c)) return shell(`"${c}"`);
    if (c === '$') return shell('a "$" expansion');
    if (c === '`') return shell('backticks');
    if (c === '*' || c === '?' || c === '[') return shell(`the glob "${c}"`);
    if (c === '{' && /^\{[^}]*,[^}]*\}/.test(line.slice(i))) return shell('brace expansion');
    if (c === '~' && !inWord) return shell('"~" for the home directory');
    if (c === '=' && words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word) && !inQuotedWord(line, i)) return shell('a VAR=value assignment');
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, reason: 'ends with a line continuation', words };
      word += line[++i];
      inWord = true;
      continue;
    }
    word += c;
    inWord = true;
  }
  if (quote) return { ok: false, reason: `has an unterminated ${quote === '"' ? 'double' : 'single'} quote`, words };
  if (inWord) words.push(word);
  return { ok: true, argv: words };
}

/** `FOO="x"=...`: the name before "=" was not quoted; a quoted name is a plain word. */
function inQuotedWord(line: string, at: number): boolean {
  let start = at;
  while (start > 0 && line[start - 1] !== ' ' && line[start - 1] !== '\t') start -= 1;
  return /["'\\]/.test(line.slice(start, at));
}

export interface CommandLine {
  /** The command as written (continuations joined). */
  text: string;
  /** 1-based line in the runbook where the command starts. */
  line: number;
}

/**
 * The commands of a code block: one per line, continuation lines ("\" at
 * the end) joined, comments and blank lines skipped, a leading "$ " prompt
 * removed.
 */
export function commandLines(value: string, firstLine: number): CommandLine[] {
  const lines = value.split('\n');
  const commands: CommandLine[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const start = i;
    let text = lines[i]!.trim();
    while (/(^|[^\\])\\$/.test(text) && i + 1 < lines.length) {
      text = `${text.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    }
    text = text.replace(/^\$\s+/, '');
    if (text === '' || text.startsWith('#') || text.startsWith('//')) continue;
    commands.push({ text, line: firstLine + start });
  }
  return commands;
}
