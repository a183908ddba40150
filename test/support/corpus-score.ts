/**
 * Scores the threshold reader against the judged labels of the public
 * corpus (test/fixtures/corpus-labels.tsv over ../shared/corpus). Shared by
 * test/unit/corpus-thresholds.test.ts and `npm run bench:parse`.
 *
 * A threshold counts as right when metric, op, value, unit and forSeconds
 * all match a labelled row of its file and line. Only "sure" thresholds are
 * extracted guesses; "review" ones are offered for confirmation, so they
 * count neither for nor against precision, and recall is reported with and
 * without them. At a "must yield nothing" line any threshold is a failure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Threshold } from '../../src/shared/runbook-model';
import { parseFile } from './runbooks';

export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const CORPUS_LABELS = fileURLToPath(new URL('../fixtures/corpus-labels.tsv', import.meta.url));

export interface Label {
  file: string;
  line: number;
  metric: string;
  op: string;
  value: number;
  unit: string;
  forSeconds: number | null;
  severity: string;
}

export function readLabels(path = CORPUS_LABELS): { labels: Label[]; nothing: Array<{ file: string; line: number }> } {
  const labels: Label[] = [];
  const nothing: Array<{ file: string; line: number }> = [];
  const rows = readFileSync(path, 'utf8').split('\n').slice(1);
  rows.forEach((row, index) => {
    if (row.trim() === '' || row.startsWith('#')) return;
    const [file, line, metric, op, value, unit, forSeconds, , severity] = row.split('\t');
    if (!file || !line || !metric) throw new Error(`${path}:${index + 2}: expected file, line and metric columns`);
    if (metric === '-') nothing.push({ file, line: Number(line) });
    else labels.push({ file, line: Number(line), metric, op: op!, value: Number(value), unit: unit!, forSeconds: forSeconds ? Number(forSeconds) : null, severity: severity?.trim() ?? '' });
  });
  return { labels, nothing };
}

const same = (a: number, b: number) => Math.abs(a - b) <= Math.max(1e-9, Math.abs(b) * 1e-6) || Math.round(a) === Math.round(b) && Math.abs(b) > 1e6;

export function matches(t: Threshold, l: Label): boolean {
  return t.line === l.line && t.metric === l.metric && t.op === l.op && same(t.value, l.value) && t.unit === l.unit && (t.forSeconds ?? null) === l.forSeconds;
}

export interface CorpusScore {
  files: number;
  labelled: number;
  sure: number;
  sureRight: number;
  review: number;
  reviewRight: number;
  precision: number;
  recall: number;
  /** Recall when the thresholds offered for review are accepted as read. */
  recallWithReview: number;
  /** Of the sure thresholds read right, how many name the labelled band (yellow, red or none). */
  bandsRight: number;
  wrong: Array<{ file: string; threshold: Threshold }>;
  missed: Label[];
  /** Thresholds read at lines that must yield nothing. */
  forbidden: Array<{ file: string; threshold: Threshold }>;
}

export function scoreCorpus(): CorpusScore {
  const { labels, nothing } = readLabels();
  // Every runbook, labelled or not: a threshold read where the labels list none is a wrong guess.
  const files = readdirSync(CORPUS).filter((name) => /^\d\d-.*\.md$/.test(name)).sort();
  const score: CorpusScore = { files: files.length, labelled: labels.length, sure: 0, sureRight: 0, review: 0, reviewRight: 0, bandsRight: 0, precision: 0, recall: 0, recallWithReview: 0, wrong: [], missed: [], forbidden: [] };
  const found = new Set<Label>();
  for (const file of files) {
    const thresholds = parseFile(CORPUS + file).thresholds;
    const open = labels.filter((l) => l.file === file);
    const empty = new Set(nothing.filter((n) => n.file === file).map((n) => n.line));
    for (const t of thresholds) {
      if (empty.has(t.line)) score.forbidden.push({ file, threshold: t });
      const label = open.find((l) => !found.has(l) && matches(t, l));
      if (label) found.add(label);
      if (t.confidence === 'review') {
        score.review++;
        if (label) score.reviewRight++;
        continue;
      }
      score.sure++;
      if (label) score.sureRight++;
      if (label && (t.severity ?? '') === label.severity) score.bandsRight++;
      else score.wrong.push({ file, threshold: t });
    }
  }
  const reviewFound = score.reviewRight;
  score.missed = labels.filter((l) => !found.has(l));
  score.precision = score.sure === 0 ? 1 : score.sureRight / score.sure;
  score.recall = labels.length === 0 ? 1 : score.sureRight / labels.length;
  score.recallWithReview = labels.length === 0 ? 1 : (score.sureRight + reviewFound) / labels.length;
  return score;
}
