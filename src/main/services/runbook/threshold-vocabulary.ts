/**
 * The words a runbook uses for the metrics of the shared vocabulary
 * (src/shared/metrics.ts), in the languages of the corpus (en, es, fr, de,
 * ru, zh), plus the words that name a band (severity) or a subject.
 *
 * The list is deliberately narrow: a phrase that only sounds like a metric
 * is not one. "Pass rate", "success rate", "service down", "downtime",
 * "MTTR", an incident "response time" in hours, a bare "rollback" (as in
 * "Rollback trigger: service down for > 5 minutes") name nothing here, so no
 * comparison can bind to them.
 */
import type { MetricName } from '../../../shared/metrics';
import type { Family } from './threshold-quantities';

/** Latin and Cyrillic letters and digits: CJK text has no spaces, so "P99延迟" is two words. */
const WORD_CHAR = String.raw`A-Za-z0-9_\u00C0-\u024F\u0400-\u04FF`;
const word = (pattern: string) => new RegExp(String.raw`(?<![${WORD_CHAR}])(?:${pattern})(?![${WORD_CHAR}])`, 'giu');

export interface MetricMention {
  start: number;
  end: number;
  metric: MetricName | 'latency';
  family: Family;
  /** A percentile written inside the mention ("p95 latency"). */
  percentile?: MetricName | 'other';
  /** Only a value written right before it counts ("<15min rollback"). */
  forwardOnly?: boolean;
  /** "RAM": a machine's size, so a size in bytes is a requirement, not a limit. */
  capacity?: boolean;
  /** "Disk usage": the used share of what the vocabulary measures as free. */
  usedShare?: boolean;
}

interface MentionWords {
  re: RegExp;
  metric: MetricName | 'latency';
  family: Family;
  forwardOnly?: boolean;
  capacity?: boolean;
  usedShare?: boolean;
}

const MENTIONS: readonly MentionWords[] = [
  {
    re: word(
      [
        String.raw`(?:error|5xx|4xx|failure|failed[- ]requests?)s?[- ]?rates?`,
        String.raw`failed\s+(?:transactions|requests)`,
        String.raw`errors?[- ](?:ratio|percentage)`,
        // "errors exceed 1%", "<1% 429 errors", ">5% 429 rate limit errors": a share of requests.
        String.raw`(?:(?:4\d\d|5\d\d|4xx|5xx)\s+)?(?:rate[- ]limit\s+)?errors`,
        // "5xx>5%": the share of server errors, where a % follows.
        String.raw`5xx|4xx`,
        String.raw`tasas?\s+de\s+errore?s?`,
        String.raw`porcentaje\s+de\s+errores`,
        String.raw`taux\s+d['’]?\s?erreurs?`,
        String.raw`taux\s+erreurs?`,
        String.raw`fehler(?:rate|quote)n?`,
        String.raw`(?:частота|доля|процент|уровень)\s+ошибок`,
      ].join('|'),
    ),
    metric: 'error_rate',
    family: 'percent',
  },
  { re: /(?:5xx|4xx|总)?错误率|失败率/gu, metric: 'error_rate', family: 'percent' },
  {
    re: word(
      [
        String.raw`(?:cache[- ])?hit[- ](?:rate|ratio)s?`,
        String.raw`tasa\s+de\s+aciertos(?:\s+de\s+cach[ée])?`,
        String.raw`taux\s+de\s+(?:hit|succès)\s+(?:du\s+)?cache`,
        String.raw`(?:cache-)?trefferquote`,
        String.raw`(?:процент\s+)?попаданий\s+в\s+кэш`,
      ].join('|'),
    ),
    metric: 'cache_hit_rate',
    family: 'percent',
  },
  { re: /缓存命中率|命中率/gu, metric: 'cache_hit_rate', family: 'percent' },
  {
    re: word(
      [
        String.raw`(?:p(?:50|90|95|99)\s+)?(?:latenc(?:y|ies)|response[- ]times?|(?:query|request)[- ](?:times?|durations?|performance|latency)|load[- ]times?|page[- ]loads?|(?:database|db|sql|analytics)[- ]quer(?:y|ies)|lambda\s+duration|responds?\s+(?:in|within))`,
        String.raw`latencia|tiempos?\s+de\s+respuesta`,
        String.raw`latence(?:\s+(?:moyenne|réponse))?|temps\s+de\s+réponse`,
        String.raw`latenz|antwortzeit(?:en)?|reaktionszeit(?:en)?`,
        String.raw`задержк[аи]|латентност[ьи]|время\s+(?:отклика|ответа)`,
      ].join('|'),
    ),
    metric: 'latency',
    family: 'latency',
  },
  { re: /延迟|时延|响应时间/gu, metric: 'latency', family: 'latency' },
  { re: word(String.raw`cpu(?:[- ](?:usage|utili[sz]ation|load))?|процессор|uso\s+de\s+cpu`), metric: 'cpu', family: 'percent' },
  {
    re: word(String.raw`(?:memory|ram)[- ](?:usage|utili[sz]ation|used)|memory|uso\s+de\s+memoria|memoria|mémoire|speicher(?:auslastung|verbrauch)|памят[ьи]`),
    metric: 'memory',
    family: 'size-or-percent',
  },
  { re: word(String.raw`ram|arbeitsspeicher`), metric: 'memory', family: 'size-or-percent', capacity: true },
  { re: /内存(?:使用率)?/gu, metric: 'memory', family: 'size-or-percent' },
  {
    re: word(String.raw`(?:db|database)[- ]connections?(?:[- ]pool)?|connection[- ]pool(?:[- ](?:usage|utili[sz]ation))?|connections[- ]in[- ]use`),
    metric: 'db_connections',
    family: 'count-or-percent',
  },
  { re: /数据库连接(?:数|池)?/gu, metric: 'db_connections', family: 'count-or-percent' },
  { re: word(String.raw`free[- ]disk(?:[- ]space)?|disk[- ](?:free|space[- ]free|space)`), metric: 'disk_free', family: 'size-or-percent' },
  { re: word(String.raw`disk(?:[- ]space)?[- ](?:usage|used|utili[sz]ation)`), metric: 'disk_free', family: 'size-or-percent', usedShare: true },
  { re: word(String.raw`uptime|availability|disponibilidad|disponibilité|verfügbarkeit|доступность`), metric: 'uptime', family: 'percent' },
  { re: /可用性/gu, metric: 'uptime', family: 'percent' },
  { re: word(String.raw`(?:(?:ssl|tls)[- ])?certificates?|(?:ssl|tls)[- ]certs?`), metric: 'cert_expiry', family: 'duration' },
  {
    // How long a rollback itself takes, said as such; never a bare "rollback".
    re: word(
      String.raw`roll[- ]?back[- ](?:time|duration|sla|speed|capability)|time\s+to\s+roll[- ]?back|roll[- ]?backs?\s+(?:complete[sd]?|finishe[sd]|takes|tested\s+and)(?:\s+(?:in|within))?|roll[- ]?back\s+(?:in|within)`,
    ),
    metric: 'rollback_time',
    family: 'duration',
  },
  { re: word(String.raw`roll[- ]?back`), metric: 'rollback_time', family: 'duration', forwardOnly: true },
];

/** A percentile or mean named on its own: "p95 < 500ms", "(p95)", "P99延迟". */
const PERCENTILE = new RegExp(String.raw`(?<![${WORD_CHAR}])(?:p(\d{2,3}(?:\.\d+)?)|(\d{2})(?:th)?[- ]percentile|(median|médiane|mediana|медиана|中位数))(?![A-Za-z0-9])`, 'giu');

export function percentileOf(match: RegExpExecArray): MetricName | 'other' {
  const n = match[1] ?? match[2];
  if (match[3]) return 'latency_p50';
  return ['50', '90', '95', '99'].includes(n!) ? (`latency_p${n}` as MetricName) : 'other';
}

/** Every metric mention in a sentence, in order, the longer one winning an overlap. */
export function findMentions(sentence: string): MetricMention[] {
  const all: MetricMention[] = [];
  for (const { re, metric, family, forwardOnly, capacity, usedShare } of MENTIONS) {
    re.lastIndex = 0;
    for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
      const mention: MetricMention = { start: m.index, end: m.index + m[0].length, metric, family };
      if (forwardOnly) mention.forwardOnly = true;
      if (capacity) mention.capacity = true;
      if (usedShare) mention.usedShare = true;
      const inner = /^p(\d{2,3})\s/i.exec(m[0]);
      if (inner) mention.percentile = ['50', '90', '95', '99'].includes(inner[1]!) ? (`latency_p${inner[1]}` as MetricName) : 'other';
      all.push(mention);
    }
  }
  // A percentile with no latency word around it stands for latency itself.
  PERCENTILE.lastIndex = 0;
  for (let m = PERCENTILE.exec(sentence); m; m = PERCENTILE.exec(sentence)) {
    if (m[3] && !/\s*[<>≤≥]/.test(sentence.slice(m.index + m[0].length))) continue; // "median" alone is prose
    all.push({ start: m.index, end: m.index + m[0].length, metric: 'latency', family: 'latency', percentile: percentileOf(m) });
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MetricMention[] = [];
  for (const m of all) {
    const last = out[out.length - 1];
    if (last && m.start < last.end) continue;
    out.push(m);
  }
  return out;
}

/** Percentiles written anywhere in a span of text (for "Response latency (p95)"). */
export function percentilesIn(text: string): Array<MetricName | 'other'> {
  const out: Array<MetricName | 'other'> = [];
  PERCENTILE.lastIndex = 0;
  for (let m = PERCENTILE.exec(text); m; m = PERCENTILE.exec(text)) out.push(percentileOf(m));
  return out;
}

const RED = /(?<![A-Za-z])(?:red|critical|crit|crítico|critique|kritisch|p0|p1|sev(?:erity)?[- ]?[01])(?![A-Za-z0-9])|критич|严重|紧急/iu;
const YELLOW = /(?<![A-Za-z])(?:yellow|amber|warning|warn|advertencia|avertissement|warnung|p2)(?![A-Za-z0-9])|предупрежд|警告/iu;

/** The band a piece of text names: P1/critical/red, or P2/warning/yellow. */
export function severityIn(text: string): 'yellow' | 'red' | undefined {
  const red = RED.exec(text);
  const yellow = YELLOW.exec(text);
  if (red && yellow) return red.index > yellow.index ? 'red' : 'yellow'; // the nearer, later word
  return red ? 'red' : yellow ? 'yellow' : undefined;
}

const SUBJECTS: ReadonlyArray<[RegExp, string]> = [
  [/(?<![A-Za-z])(?:analytics|dashboard)(?![A-Za-z])/i, ''],
  [/(?<![A-Za-z])(?:database|db|sql|postgres(?:ql)?|quer(?:y|ies))(?![A-Za-z])|数据库|base\s+de\s+(?:datos|données)|datenbank|баз[аы]\s+данных/iu, 'database'],
  [/(?<![A-Za-z])api(?![A-Za-z])/i, 'api'],
  [/(?<![A-Za-z])(?:page|lcp)(?![A-Za-z])/i, 'page'],
  [/(?<![A-Za-z])(?:llm|redis|checkout|login|search|frontend|backend|webhook|lambda)(?![A-Za-z])/i, ''],
  [/(?<![0-9])(?:429|4xx|5xx)(?![0-9])/i, ''],
];

/** What a metric is measured on, when the words right around its mention say it. */
export function subjectIn(text: string): string | undefined {
  for (const [re, subject] of SUBJECTS) {
    const m = re.exec(text);
    if (m) return subject || m[0].toLowerCase();
  }
  return undefined;
}
