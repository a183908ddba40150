/**
 * npm run bench:parse
 *
 * Milliseconds to parse each runbook in ../shared/runbooks and a generated
 * runbook of 20,000 items, and the ratio of Flightdeck's full parse (guard,
 * remark, model, thresholds, ids) to a bare remark parse (remark-parse +
 * remark-gfm, the same syntax) of the same text. Medians of several runs
 * after a warm-up, in this process. Also the time to open the generated
 * runbook through the parse worker, as the app does (message passing
 * included), and the slowest of cmark's pathological inputs (target: under
 * a second each; the test suite only bounds them loosely, since it runs on
 * loaded machines). Also the threshold reader's precision and recall
 * against the judged corpus labels (test/fixtures/corpus-labels.tsv; targets
 * 0.99 and 0.95). The last line is one JSON object.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parseInChunks } from '../src/main/services/runbook/chunked-parse';
import { parseRunbook } from '../src/main/services/runbook/parse';
import { testParser } from '../test/support/parser';
import type { RunbookSource } from '../src/shared/runbook-model';
import { generateRunbook } from './generate-runbook';
import { PATHOLOGICAL } from '../test/support/pathological';
import { scoreCorpus } from '../test/support/corpus-score';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const shared = fileURLToPath(new URL('../../shared/runbooks/', import.meta.url));
const bare = unified().use(remarkParse).use(remarkGfm);

function source(name: string, text: string): RunbookSource {
  return { name, path: null, origin: 'file', sha256: '', bytes: Buffer.byteLength(text), lines: 0, writable: false };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => unknown, runs = RUNS): number {
  fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return Math.round(median(samples) * 10) / 10;
}

async function main(): Promise<void> {
  const perRunbook: Record<string, number> = {};
  for (const name of readdirSync(shared).filter((n) => n.endsWith('.md')).sort()) {
    const text = readFileSync(shared + name, 'utf8');
    perRunbook[name] = time(() => parseRunbook(text, source(name, text)), 20);
  }

  const generated = generateRunbook(20_000);
  const full = time(() => parseRunbook(generated, source('generated.md', generated)));
  const bareMs = time(() => bare.parse(generated), Math.min(RUNS, 3));
  const bareChunkedMs = time(() => parseInChunks(generated, (piece) => bare.parse(piece)));
  const items = parseRunbook(generated, source('generated.md', generated)).stats.items;

  const parser = testParser();
  await parser.parse(generated, source('generated.md', generated));
  const workerSamples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await parser.parse(generated, source('generated.md', generated));
    workerSamples.push(performance.now() - start);
  }
  await parser.close();

  // Each once made some markdown parser quadratic; a refusal (too complex) counts with its time too.
  let slowest = { name: '', ms: 0 };
  for (const [name, make] of PATHOLOGICAL) {
    const text = make();
    const ms = time(() => {
      try {
        parseRunbook(text, source('hostile.md', text));
      } catch {
        // refused: what is timed is how soon
      }
    }, 3);
    if (ms > slowest.ms) slowest = { name, ms };
  }

  const corpus = scoreCorpus();
  const result = {
    benchmark: 'parse',
    node: process.version,
    runs: RUNS,
    msPerRunbook: perRunbook,
    generated: { items, bytes: Buffer.byteLength(generated), ms: full, bareRemarkMs: bareMs, bareRemarkInPiecesMs: bareChunkedMs, viaWorkerMs: Math.round(median(workerSamples)) },
    ratioFullToBareRemark: Math.round((full / bareMs) * 100) / 100,
    ratioFullToBareRemarkInPieces: Math.round((full / bareChunkedMs) * 100) / 100,
    pathologicalSlowest: slowest,
    corpusThresholds: {
      files: corpus.files,
      labelled: corpus.labelled,
      sure: corpus.sure,
      right: corpus.sureRight,
      review: corpus.review,
      precision: Math.round(corpus.precision * 10000) / 10000,
      recall: Math.round(corpus.recall * 10000) / 10000,
      recallWithReview: Math.round(corpus.recallWithReview * 10000) / 10000,
      bandsRight: corpus.bandsRight,
      atMustYieldNothing: corpus.forbidden.length,
    },
    targets: { generatedMs: 500, ratio: 1.5, pathologicalMs: 1000, precision: 0.99, recall: 0.95 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
