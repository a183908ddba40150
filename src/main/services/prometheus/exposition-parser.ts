/**
 * A strict parser of the Prometheus text exposition format 0.0.4. The
 * popular npm parser merges the label sets of a histogram into one, which
 * makes per-route quantiles and error rates wrong; this one keeps every
 * series as it was exposed, and refuses a malformed line with an error that
 * names its number, so a bad /metrics endpoint is reported, not guessed at.
 */
import { FlightdeckError } from '../../../shared/errors';

export const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export type Labels = Readonly<Record<string, string>>;

export interface ExpositionSample {
  /** The sample's own name, e.g. `http_request_duration_seconds_bucket`. */
  name: string;
  labels: Labels;
  value: number;
  timestampMs: number | null;
  line: number;
}

export interface MetricFamily {
  /** The family's name as in its TYPE line (for histograms, without `_bucket`). */
  name: string;
  type: MetricType;
  help: string | null;
  samples: ExpositionSample[];
}

export interface Exposition {
  families: Map<string, MetricFamily>;
  /** Every sample in the order exposed. */
  samples: ExpositionSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
// Go's strconv.ParseFloat, which Prometheus uses, minus hex floats nobody exposes.
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;
const TIMESTAMP = /^-?\d{1,19}$/;
const SUFFIXES: Record<MetricType, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
  counter: [],
  gauge: [],
  untyped: [],
};

function fail(line: number, message: string): never {
  throw new FlightdeckError('bad-input', `malformed exposition at line ${line}: ${message}`, { line });
}

export function parseFloatStrict(text: string): number | null {
  if (!FLOAT.test(text)) return null;
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Reads one line's characters with a cursor; every error names the line. */
class LineReader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipBlanks(): number {
    const start = this.pos;
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
    return this.pos - start;
  }
  match(pattern: RegExp, what: string): string {
    const found = pattern.exec(this.text.slice(this.pos));
    if (!found) fail(this.line, `expected ${what} at column ${this.pos + 1}`);
    this.pos += found[0].length;
    return found[0];
  }
  expect(char: string, context: string): void {
    if (this.peek() !== char) fail(this.line, `expected "${char}" ${context} at column ${this.pos + 1}`);
    this.pos++;
  }
  /** A token up to the next blank or the end of the line. */
  token(): string {
    const start = this.pos;
    while (!this.done() && this.peek() !== ' ' && this.peek() !== '\t') this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(labelName: string): string {
    this.expect('"', `to open the value of label "${labelName}"`);
    let value = '';
    for (;;) {
      if (this.done()) fail(this.line, `the value of label "${labelName}" is not closed with a quote`);
      const char = this.text[this.pos++];
      if (char === '"') return value;
      if (char !== '\\') {
        value += char;
        continue;
      }
      const escaped = this.text[this.pos++];
      if (escaped === '\\') value += '\\';
      else if (escaped === '"') value += '"';
      else if (escaped === 'n') value += '\n';
      else fail(this.line, `invalid escape "\\${escaped ?? ''}" in the value of label "${labelName}" (only \\\\, \\" and \\n are allowed)`);
    }
  }
}

function parseLabels(reader: LineReader): Record<string, string> {
  const labels: Record<string, string> = {};
  reader.expect('{', 'to open the labels');
  for (;;) {
    reader.skipBlanks();
    if (reader.peek() === '}') break;
    const name = reader.match(LABEL_NAME, 'a label name');
    reader.skipBlanks();
    reader.expect('=', `after label name "${name}"`);
    reader.skipBlanks();
    const value = reader.quoted(name);
    if (Object.hasOwn(labels, name)) fail(reader.line, `label "${name}" appears twice`);
    labels[name] = value;
    reader.skipBlanks();
    if (reader.peek() === ',') {
      reader.pos++;
      continue;
    }
    if (reader.peek() !== '}') fail(reader.line, `expected "," or "}" after the value of label "${name}" at column ${reader.pos + 1}`);
  }
  reader.pos++;
  return labels;
}

function parseSample(text: string, line: number): ExpositionSample {
  const reader = new LineReader(text, line);
  const name = reader.match(METRIC_NAME, 'a metric name');
  let blanks = reader.skipBlanks();
  let labels: Record<string, string> = {};
  if (reader.peek() === '{') {
    labels = parseLabels(reader);
    blanks = reader.skipBlanks();
  }
  if (blanks === 0) fail(line, `expected a blank and a value after "${name}" at column ${reader.pos + 1}`);
  const valueText = reader.token();
  const value = parseFloatStrict(valueText);
  if (value === null) fail(line, `"${valueText}" is not a number`);
  reader.skipBlanks();
  let timestampMs: number | null = null;
  if (!reader.done()) {
    const stamp = reader.token();
    if (!TIMESTAMP.test(stamp)) fail(line, `"${stamp}" is not a timestamp in milliseconds`);
    timestampMs = Number(stamp);
    reader.skipBlanks();
    if (!reader.done()) fail(line, `unexpected "${reader.text.slice(reader.pos)}" after the timestamp`);
  }
  return { name, labels, value, timestampMs, line };
}

function unescapeHelp(text: string, line: number): string {
  return text.replace(/\\(.?)/g, (_, char: string) => {
    if (char === '\\') return '\\';
    if (char === 'n') return '\n';
    return fail(line, `invalid escape "\\${char}" in HELP text (only \\\\ and \\n are allowed)`);
  });
}

interface Declared {
  type?: MetricType;
  help?: string;
  line: number;
}

/** The family a sample belongs to: a declared histogram or summary claims its suffixed series. */
function familyOf(name: string, declared: Map<string, Declared>): string {
  if (declared.has(name) && declared.get(name)?.type !== 'histogram') return name;
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!name.endsWith(suffix)) continue;
      const base = name.slice(0, -suffix.length);
      if (declared.get(base)?.type === type) return base;
    }
  }
  return name;
}

function checkSampleShape(family: MetricFamily, sample: ExpositionSample): void {
  if (family.type === 'histogram') {
    if (sample.name === family.name) fail(sample.line, `histogram "${family.name}" has a sample without _bucket, _sum or _count`);
    if (sample.name.endsWith('_bucket')) {
      const le = sample.labels.le;
      if (le === undefined) fail(sample.line, `bucket of histogram "${family.name}" has no "le" label`);
      const bound = parseFloatStrict(le);
      if (bound === null || Number.isNaN(bound)) fail(sample.line, `bucket of histogram "${family.name}" has le="${le}", which is not a number`);
    }
  }
  if (family.type === 'summary' && sample.name === family.name) {
    const q = sample.labels.quantile;
    if (q === undefined || parseFloatStrict(q) === null) fail(sample.line, `summary "${family.name}" has a sample without a numeric "quantile" label`);
  }
}

export function seriesKey(name: string, labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `${name}{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(',')}}`;
}

/** Parses a whole exposition; throws FlightdeckError('bad-input') naming the first malformed line. */
export function parseExposition(text: string): Exposition {
  const declared = new Map<string, Declared>();
  const families = new Map<string, MetricFamily>();
  const samples: ExpositionSample[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const raw = lines[index]!.endsWith('\r') ? lines[index]!.slice(0, -1) : lines[index]!;
    const content = raw.replace(/^[ \t]+/, '');
    if (content === '') continue;
    if (content.startsWith('#')) {
      const directive = /^#[ \t]+(HELP|TYPE)(?:[ \t]+|$)(.*)$/.exec(content);
      if (!directive) continue; // an ordinary comment
      const [, keyword, rest] = directive as unknown as [string, 'HELP' | 'TYPE', string];
      const nameMatch = METRIC_NAME.exec(rest);
      if (!nameMatch) fail(line, `${keyword} needs a metric name`);
      const name = nameMatch[0];
      const after = rest.slice(name.length);
      if (after !== '' && !/^[ \t]/.test(after)) fail(line, `"${rest}" is not a metric name`);
      const entry = declared.get(name) ?? { line };
      if (families.has(name)) {
        fail(line, `${keyword} line for "${name}" comes after its samples`);
      }
      if (keyword === 'TYPE') {
        const type = after.trim();
        if (!(METRIC_TYPES as readonly string[]).includes(type)) fail(line, `"${type}" is not a metric type (counter, gauge, histogram, summary, untyped)`);
        if (entry.type) fail(line, `second TYPE line for "${name}" (the first is line ${entry.line})`);
        entry.type = type as MetricType;
      } else {
        if (entry.help !== undefined) fail(line, `second HELP line for "${name}"`);
        entry.help = unescapeHelp(after.replace(/^[ \t]/, ''), line);
      }
      declared.set(name, entry);
      continue;
    }
    const sample = parseSample(content, line);
    const familyName = familyOf(sample.name, declared);
    let family = families.get(familyName);
    if (!family) {
      const info = declared.get(familyName);
      family = { name: familyName, type: info?.type ?? 'untyped', help: info?.help ?? null, samples: [] };
      families.set(familyName, family);
    }
    checkSampleShape(family, sample);
    const key = seriesKey(sample.name, sample.labels);
    if (seen.has(key)) fail(line, `second sample of ${key}`);
    seen.add(key);
    family.samples.push(sample);
    samples.push(sample);
  }
  return { families, samples };
}
