/**
 * `flightdeck replay` on recorded histories built from each runbook's own
 * thresholds: for every metric a runbook names, the history starts healthy
 * and then steps across each of its lines in turn, so every target is met
 * and then missed, and every rollback trigger fires, at a time the test
 * knows in advance. The report must name those times and runbook lines.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METRICS, type Comparator, type MetricName } from '../../src/shared/metrics';
import { replayCommand } from '../../src/main/cli/replay-command';
import { extractGatePlan } from '../../src/main/services/gates/extract-plan';
import type { ReplayEvent } from '../../src/main/services/gates/replay';
import { tempDir } from '../support/app';
import { captureIo } from '../support/cli';
import { DEMO_RUNBOOK, SHARED_RUNBOOKS, parseFile, sharedRunbookNames } from '../support/runbooks';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const SAMPLE_S = 10;
const dir = tempDir('flightdeck-replay-');
afterAll(() => dir.remove());

const holds = (v: number, op: Comparator, line: number) => (op === '<' ? v < line : op === '<=' ? v <= line : op === '>' ? v > line : v >= line);

interface Line {
  id: string;
  kind: 'threshold' | 'trigger';
  line: number | null;
  metric: MetricName;
  op: Comparator;
  value: number;
  forSeconds: number;
}

/**
 * A history that is healthy for every line of a metric, then, every
 * `spacing` seconds, steps to a value just past the next line (upward for
 * lower-is-better metrics, downward for higher-is-better ones).
 */
function sweep(metric: MetricName, lines: Line[]) {
  const upward = METRICS[metric].better === 'lower';
  const values = [...new Set(lines.map((l) => l.value))].sort((a, b) => (upward ? a - b : b - a));
  const first = values[0]!;
  const start = upward ? first / 2 : METRICS[metric].unit === '%' && first < 100 ? (first + 100) / 2 : first * 1.1;
  const steps = values.map((v, i) => {
    const next = values[i + 1];
    if (next !== undefined) return (v + next) / 2;
    return upward ? v * 1.5 + 1 : v / 2;
  });
  const spacing = Math.max(...lines.map((l) => l.forSeconds)) + 600;
  const valueAt = (s: number) => (s < spacing ? start : steps[Math.min(Math.floor(s / spacing) - 1, steps.length - 1)]!);
  const end = spacing * (steps.length + 1);
  const points: Array<{ s: number; value: number }> = [];
  for (let s = 0; s <= end; s += SAMPLE_S) points.push({ s, value: valueAt(s) });
  return { start, spacing, points, valueAt };
}

/** The first second a condition holds in the history (sample times only). */
function firstHolding(points: Array<{ s: number; value: number }>, op: Comparator, line: number): number | null {
  return points.find((p) => holds(p.value, op, line))?.s ?? null;
}

const negate = (op: Comparator): Comparator => ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[op];
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

async function runReplay(runbook: string, history: string, extra: string[] = []) {
  const io = captureIo();
  const code = await replayCommand([runbook, '--metrics', history, ...extra], io);
  return { code, ...io };
}

const RUNBOOKS = [DEMO_RUNBOOK, ...sharedRunbookNames().map((n) => join(SHARED_RUNBOOKS, n))];

describe.each(RUNBOOKS)('replay of %s', (runbook) => {
  const name = runbook.split('/').pop()!;
  const plan = extractGatePlan(parseFile(runbook));
  const lines: Line[] = [
    ...plan.thresholds.map((t) => ({ id: t.id, kind: 'threshold' as const, line: t.line, metric: t.condition.metric, op: t.condition.op, value: t.condition.value, forSeconds: t.forSeconds })),
    ...plan.triggers.map((t) => ({ id: t.id, kind: 'trigger' as const, line: t.line, metric: t.condition.metric, op: t.condition.op, value: t.condition.value, forSeconds: t.forSeconds })),
  ];
  const metrics = [...new Set(lines.map((l) => l.metric))];
  const sweeps = new Map(metrics.map((m) => [m, sweep(m, lines.filter((l) => l.metric === m))]));
  const file = join(dir.path, `${name}.jsonl`);
  const text = metrics
    .flatMap((m) => sweeps.get(m)!.points.map((p) => JSON.stringify({ ts: iso(p.s), metric: m, value: Math.round(p.value * 1e6) / 1e6 })))
    .concat(metrics.map((m) => JSON.stringify({ baseline: true, metric: m, value: sweeps.get(m)!.start })))
    .join('\n');
  writeFileSync(file, `${text}\n`);

  it('has thresholds to replay', () => {
    expect(lines.length).toBeGreaterThan(0);
  });

  it('reports each target met and then missed, and each trigger fired, at the known time with its runbook line', async () => {
    const { code, stdout, stderr } = await runReplay(runbook, file, ['--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = JSON.parse(stdout) as ReplayEvent[];
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toHaveProperty('line');
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    for (const l of lines) {
      const { points } = sweeps.get(l.metric)!;
      const mine = events.filter((e) => e.id === l.id);
      expect(mine.every((e) => e.line === l.line)).toBe(true);
      if (l.kind === 'trigger') {
        const from = firstHolding(points, l.op, l.value)!;
        expect(from, `${name}:${l.line} trigger crosses`).not.toBeNull();
        expect(mine.find((e) => e.state === 'fired'), `${name}:${l.line} ${l.op} ${l.value}`).toMatchObject({ at: iso(from + l.forSeconds), line: l.line, kind: 'trigger' });
      } else {
        // Healthy from the start: met at once, or once it held for its stated duration.
        expect(mine.find((e) => e.state === 'met'), `${name}:${l.line} met`).toMatchObject({ at: iso(l.forSeconds), line: l.line, kind: 'threshold' });
        const missed = firstHolding(points, negate(l.op), l.value)!;
        expect(mine.find((e) => e.state === 'missed' && Date.parse(e.at) > T0 + l.forSeconds * 1000), `${name}:${l.line} missed`).toMatchObject({ at: iso(missed), line: l.line });
      }
    }
  });

  it('prints a readable report with the lines, and how every gate stands at the end', async () => {
    const { code, stdout } = await runReplay(runbook, file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replayed 2026-01-01T10:00:00\.000Z to /);
    for (const l of lines) expect(stdout).toContain(`line ${l.line}`);
    for (const gate of plan.gates) expect(stdout).toContain(`${gate.title} (line ${gate.line})`);
  });
});

describe('the demo rehearsal', () => {
  it('fails "Error rates unchanged or lower" when the error rate leaves the baseline, and a 4 min 59 s excursion does not fire the 5-minute trigger', async () => {
    const file = join(dir.path, 'demo-excursion.jsonl');
    const rows: string[] = [JSON.stringify({ baseline: true, metric: 'error_rate', value: 0.2 })];
    // 0.2 % for 10 min, 2.5 % for 4 min 59 s, back to 0.2 %, then 2.5 % for good from 30 min.
    for (let s = 0; s <= 3600; s += 1) {
      const value = (s >= 600 && s < 899) || s >= 1800 ? 2.5 : 0.2;
      rows.push(JSON.stringify({ ts: iso(s), metric: 'error_rate', value }));
    }
    writeFileSync(file, rows.join('\n'));
    const { code, stdout } = await runReplay(DEMO_RUNBOOK, file, ['--json']);
    expect(code).toBe(0);
    const events = JSON.parse(stdout) as ReplayEvent[];
    const fiveMinutes = events.filter((e) => e.kind === 'trigger' && e.line === 83);
    // Pending at 10:10, back to healthy before 5 minutes (not reported as a clearing: it never fired), fired only in the second run.
    expect(fiveMinutes.map((e) => [e.state, e.at])).toEqual([
      ['pending', iso(600)],
      ['pending', iso(1800)],
      ['fired', iso(2100)],
    ]);
    const criterion = events.filter((e) => e.kind === 'criterion' && e.line === 68);
    expect(criterion.map((e) => [e.state, e.at])).toEqual([
      ['pass', iso(0)],
      ['fail', iso(600)],
      ['pass', iso(899)],
      ['fail', iso(1800)],
    ]);
    expect(criterion[1]!.evidence).toBe('error_rate 2.50 % > baseline 0.20 % + 0.02 %');
  });
});

describe('bad input', () => {
  it('refuses a bad line with the file, the line and the field, exit 2', async () => {
    const file = join(dir.path, 'bad.jsonl');
    writeFileSync(file, '{"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": 0.4}\n\n{"ts": "2026-01-01T10:00:10Z", "metric": "errors", "value": 0.4}\n');
    const { code, stderr } = await runReplay(DEMO_RUNBOOK, file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3`);
    expect(stderr).toContain('metric "errors" is not a metric of the vocabulary');
  });

  it.each([
    ['{"ts": "yesterday", "metric": "error_rate", "value": 1}', 'ts must be an ISO 8601 time'],
    ['{"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": "1%"}', 'value must be a number'],
    ['{"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": 1, "unit": "%"}', 'unknown field "unit"'],
    ['not json', 'is not JSON'],
  ])('refuses %s', async (line, message) => {
    const file = join(dir.path, 'bad-one.jsonl');
    writeFileSync(file, `${line}\n`);
    const { code, stderr } = await runReplay(DEMO_RUNBOOK, file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:1`);
    expect(stderr).toContain(message);
  });

  it('needs --metrics and exactly one runbook (exit 2 with the usage)', async () => {
    const io = captureIo();
    expect(await replayCommand([DEMO_RUNBOOK], io)).toBe(2);
    expect(io.stderr).toContain('flightdeck replay RUNBOOK --metrics FILE');
    expect(await replayCommand(['--metrics', 'x.jsonl'], captureIo())).toBe(2);
    expect(await replayCommand([DEMO_RUNBOOK, '--metrics', 'x', '--nope'], captureIo())).toBe(2);
  });
});
