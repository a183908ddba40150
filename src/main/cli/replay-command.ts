/**
 * `flightdeck replay`: rehearse a runbook's gates against a recorded metric
 * history before the window. Prints, in time order, when each runbook
 * target was met or missed, when each rollback trigger went pending, fired
 * and cleared, and when each gate criterion passed or failed, with the
 * runbook line of each; then how every gate stands at the end. Exit 0 when
 * it ran (the report is the result, whatever it says), 2 on bad input.
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { METRICS, type MetricName } from '../../shared/metrics';
import type { RunbookDoc } from '../../shared/runbook-model';
import { extractGatePlan } from '../services/gates/extract-plan';
import { parseMetricHistory } from '../services/gates/metric-history';
import { replay, type ReplayEvent, type ReplayResult } from '../services/gates/replay';
import { formatValue } from '../../shared/format';
import { findProfile, loadProfileFile } from '../services/profile/profile-loader';
import { parseRunbook } from '../services/runbook/parse';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { countLineBreaks, decodeSource } from '../services/runbook/source-text';
import { FILE_LIMITS, readRegularFile } from '../services/storage/read-regular-file';
import { LIMITS } from '../../shared/contract';
import { EXIT, UsageError, describeError, exitCodeFor, json, type Io } from './io';

export const REPLAY_USAGE = `Usage:
  flightdeck replay RUNBOOK --metrics FILE [--profile FILE] [--json]

  --metrics FILE   the recorded history, JSON lines:
                     {"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": 0.4}
                   metric names from the vocabulary, values in its unit
                   (% for rates, ms for latencies); "value": null is a gap;
                   {"baseline": true, "metric": "error_rate", "value": 0.3}
                   gives the baseline "unchanged or lower" compares against
  --profile FILE   the deployment profile (default: the runbook's own, if any);
                   its gates: section tunes criteria and triggers
  --json           print the events as a JSON array, each with its runbook line

Exit status: 0 the replay ran (the report is the result), 2 bad input.`;

const OPTIONS = {
  metrics: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Half a gigabyte from a slow disk takes a while; the deadline is for a read that is stuck, not slow. */
const HISTORY_DEADLINE_MS = 120_000;

async function loadRunbook(file: string, loader: RunbookLoader | undefined): Promise<RunbookDoc> {
  if (loader) return (await loader.loadFile(file, 'file', file)).doc;
  const source = decodeSource(await readRegularFile(file, { maxBytes: LIMITS.runbookBytes, what: 'a runbook' }), file);
  return parseRunbook(source.text, { name: basename(file), path: resolve(file), origin: 'file', sha256: source.sha256, bytes: source.bytes, lines: countLineBreaks(source.text) + 1, writable: false });
}

async function readHistory(file: string): Promise<string> {
  // Read whole, with a deadline; a month of 1 s samples of ten metrics fits well under the limit.
  const bytes = await readRegularFile(file, { maxBytes: FILE_LIMITS.metricHistoryBytes, what: 'a metric history', timeoutMs: HISTORY_DEADLINE_MS });
  return bytes.toString('utf8');
}

function describeEvent(event: ReplayEvent): string {
  const where = event.line === null ? 'profile ' : `line ${event.line}`.padEnd(8);
  const what = `${event.kind} ${event.state}`.padEnd(18);
  const value = event.value !== null && event.metric !== null ? ` at ${formatValue(event.value, METRICS[event.metric as MetricName].unit)}` : '';
  const condition = event.condition ? ` ${event.condition}` : '';
  const gate = event.gate ? ` [${event.gate}]` : '';
  const evidence = event.evidence ? ` (${event.evidence})` : '';
  return `${event.at}  ${where}  ${what}${condition}${value}  ${event.text}${gate}${event.kind === 'criterion' ? evidence : ''}`;
}

function printText(result: ReplayResult, io: Io): void {
  if (result.from === null) io.out('The history holds no points; nothing to replay.');
  else io.out(`Replayed ${result.from} to ${result.to}: ${result.events.length} change${result.events.length === 1 ? '' : 's'}.`);
  for (const event of result.events) io.out(describeEvent(event));
  if (result.gates.length > 0) {
    io.out('');
    io.out('Gates at the end of the history:');
    for (const gate of result.gates) {
      io.out(`  ${gate.status.padEnd(7)} ${gate.title} (line ${gate.line ?? '-'}): ${gate.pass} pass, ${gate.fail} fail, ${gate.unknown} unknown or asked of a person`);
    }
  }
}

export async function replayCommand(args: string[], io: Io, loader?: RunbookLoader): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\n\n${REPLAY_USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(REPLAY_USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(`replay needs exactly one RUNBOOK.\n\n${REPLAY_USAGE}`);
    if (!values.metrics) throw new UsageError(`replay needs --metrics FILE.\n\n${REPLAY_USAGE}`);
    const runbookFile = positionals[0]!;
    const doc = await loadRunbook(runbookFile, loader);
    const profile = values.profile ? await loadProfileFile(values.profile) : await findProfile(resolve(runbookFile), doc.frontMatter);
    const plan = extractGatePlan(doc, profile?.profile, profile?.file);
    const history = parseMetricHistory(await readHistory(values.metrics), values.metrics);
    const result = replay(plan, history);
    if (values.json) io.out(json(result.events));
    else printText(result, io);
    return EXIT.ok;
  } catch (error) {
    io.err(describeError(error));
    return exitCodeFor(error);
  }
}
