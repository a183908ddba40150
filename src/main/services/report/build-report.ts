/**
 * Turns a session into the completion report's content: the runbook as run
 * (every phase and item with who ticked it, notes and evidence), the gate
 * decisions, every side effect with its outcome and timings, the metrics of
 * the window with the events marked, the sign-offs and the head of the hash
 * chain. Pure: the caller hands in the runbook, the journal entries the
 * report covers and the recorded metrics, and the result passes through the
 * redactor as a whole, so no string in it can carry a secret the vault knows.
 */
import { formatBytes, formatSeconds, formatValue } from '../../../shared/format';
import { METRICS, unitOfMetric } from '../../../shared/metrics';
import type { ReportAction, ReportData, ReportGraph, ReportItem, ReportSignoff, ReportTeam, Evidence, PaperSize } from '../../../shared/report-model';
import type { RunbookDoc, TaskItem } from '../../../shared/runbook-model';
import { GENESIS_HASH, type EntryDataOf, type JournalEntry, type TickEvidence } from '../../../shared/session-model';
import { timelineEvents } from '../../../shared/timeline';
import type { Marker } from '../../../shared/telemetry-model';
import { formatFingerprint, keyIdOf } from '../signing/ed25519';
import { markerForEntry, type ActionTitles } from '../telemetry/journal-markers';
import type { RecordedPoint } from '../telemetry/metrics-recorder';

export interface ReportInput {
  doc: RunbookDoc;
  /** The journal entries the report covers, oldest first (a team session's: services/team/team-report-source.ts). */
  entries: readonly JournalEntry[];
  /**
   * This laptop's own journal, when `entries` is a team's merged chain: the
   * session it started and the chain the PDF's signature names come from it.
   */
  local?: readonly JournalEntry[];
  /** The team chain and its authors, for a session joined to a team. */
  team?: ReportTeam | null;
  /** The keyid of the team member whose key signed an entry; null for a local entry. */
  authorKeyOf?: (entry: JournalEntry) => string | null;
  /** Recorded metrics of the window (metrics.jsonl), any order. */
  metrics: readonly RecordedPoint[];
  environment: string | null;
  reportKey: { keyid: string; fingerprint: string };
  paper: PaperSize;
  generatedAt: string;
  generatedBy: string | null;
  /** Hides every secret the vault knows, in all its encodings. */
  redactor: { redactDeep<T>(value: T): T };
}

/** Output kept per command: the tail, where the result is. A report is read, not grepped. */
const OUTPUT_TAIL_CHARS = 800;
/** Points per series in a graph: more than a printed graph can show. */
const GRAPH_POINTS = 400;

export function buildReport(input: ReportInput): ReportData {
  const { doc, entries } = input;
  const first = entries[0];
  const last = entries[entries.length - 1];
  const own = input.local ?? entries;
  const ownFirst = own[0];
  const ownLast = own[own.length - 1];
  const started = ownFirst?.type === 'session.started' ? (ownFirst.data as EntryDataOf<'session.started'>) : null;
  const closed = entries.find((e) => e.type === 'session.closed');
  const startedAt = first?.ts ?? input.generatedAt;
  const endedAt = closed?.ts ?? last?.ts ?? startedAt;

  const actions = collectActions(entries);
  const ticks = new Map<string, { checked: boolean; by: string | null; at: string }>();
  const notes = new Map<string, ReportItem['notes']>();
  const evidence = new Map<string, Evidence[]>();
  const backups: ReportData['backups'] = [];
  const rollbacks = new Map<string, ReportData['rollbacks'][number]>();
  const gates: ReportData['gates'] = [];
  const events: ReportData['events'] = [];
  const signed: Array<{ data: EntryDataOf<'signoff.recorded'>; entry: JournalEntry }> = [];
  const markers: Marker[] = [];
  const titles: ActionTitles = new Map();
  const itemOfCommandLine = commandLines(doc);

  for (const entry of entries) {
    const marker = markerForEntry(entry, titles);
    if (marker) markers.push(marker);
    switch (entry.type) {
      case 'item.ticked': {
        const d = entry.data as EntryDataOf<'item.ticked'>;
        ticks.set(d.itemId, { checked: d.checked, by: entry.by, at: entry.ts });
        // What Flightdeck did that the operator accepted as the item done; a backup's own evidence is listed already.
        const ev = d.evidence;
        if (d.checked && ev && ev.act !== 'backup') {
          push(evidence, d.itemId, { kind: TICK_EVIDENCE_KINDS[ev.act], title: `ticked on Flightdeck's evidence`, outcome: 'ok', at: ev.at, detail: `${ev.what}${ev.readBack !== null ? `, read back ${ev.readBack}` : ''}${ev.by ? `, by ${ev.by}` : ''}` });
        }
        break;
      }
      case 'item.noted': {
        const d = entry.data as EntryDataOf<'item.noted'>;
        push(notes, d.itemId, { text: d.text, by: entry.by, at: entry.ts });
        break;
      }
      case 'backup.verified': {
        const d = entry.data as EntryDataOf<'backup.verified'>;
        backups.push({ name: d.name, engine: d.engine, location: d.location, bytes: d.bytes, files: d.files, manifestSha256: d.manifestSha256, checks: d.checks, at: entry.ts, by: entry.by });
        if (d.itemId) push(evidence, d.itemId, { kind: 'backup', title: `Backup ${d.name} (${d.engine})`, outcome: 'ok', at: entry.ts, detail: `${d.files} files, ${formatBytes(d.bytes)}, manifest sha256 ${d.manifestSha256}` });
        break;
      }
      case 'rollback.started': {
        const d = entry.data as EntryDataOf<'rollback.started'>;
        rollbacks.set(d.runId, { runId: d.runId, plan: d.plan, steps: d.steps, confirmation: d.confirmation, by: entry.by, startedAt: d.pressedAt || entry.ts, endedAt: null, outcome: 'running', message: 'did not finish in the journal', pressToVerifiedMs: null });
        break;
      }
      case 'rollback.finished': {
        const d = entry.data as EntryDataOf<'rollback.finished'>;
        const run = rollbacks.get(d.runId);
        if (run) Object.assign(run, { endedAt: entry.ts, outcome: d.outcome, message: d.message, pressToVerifiedMs: d.pressToVerifiedMs });
        break;
      }
      case 'gate.decided': {
        const d = entry.data as EntryDataOf<'gate.decided'>;
        gates.push({ gateId: d.gateId, phaseId: d.phaseId, decision: d.decision, reason: d.reason, by: entry.by, at: entry.ts, criteria: d.criteria.map(({ text, line, source, status, value, evidence: ev }) => ({ text, line, source, status, value, evidence: ev })) });
        markers.push({ at: Date.parse(entry.ts), kind: 'gate', label: `Gate: ${d.decision}${entry.by ? ` (${entry.by})` : ''}` });
        break;
      }
      case 'gate.answered': {
        const d = entry.data as EntryDataOf<'gate.answered'>;
        events.push({ at: entry.ts, by: entry.by, kind: 'criterion answered', text: `${d.criterionId}: ${d.answer}${d.note ? ` (${d.note})` : ''}` });
        break;
      }
      case 'trigger.fired': {
        const d = entry.data as EntryDataOf<'trigger.fired'>;
        events.push({ at: entry.ts, by: entry.by, kind: 'trigger fired', text: `${d.text}${d.line !== null ? ` (line ${d.line})` : ''}: ${d.metric} ${d.value === null ? 'no data' : formatValue(d.value, unitOfMetric(d.metric))} for ${formatSeconds(d.heldSeconds)}${d.autoRollback ? ', automatic rollback armed' : ''}` });
        break;
      }
      case 'gate.overridden': {
        const d = entry.data as EntryDataOf<'gate.overridden'>;
        events.push({ at: entry.ts, by: entry.by, kind: 'gate overridden', text: `${d.flag} ${d.from ?? '?'} → ${d.to}%: ${d.reason} (held: ${d.heldBy.map((h) => h.reason).join(' ')})` });
        break;
      }
      case 'trigger.acknowledged':
      case 'trigger.cleared':
      case 'autorollback.cancelled': {
        const d = entry.data as { triggerId: string; reason?: string };
        events.push({ at: entry.ts, by: entry.by, kind: entry.type.replace('.', ' ').replace('autorollback', 'automatic rollback'), text: `${d.triggerId}${d.reason ? `: ${d.reason}` : ''}` });
        break;
      }
      case 'baseline.captured': {
        const d = entry.data as EntryDataOf<'baseline.captured'>;
        events.push({ at: entry.ts, by: entry.by, kind: 'baseline captured', text: Object.entries(d.values).map(([id, v]) => `${id} ${formatValue(v, unitOfMetric(id.slice(id.lastIndexOf('/') + 1)))}`).join(', ') });
        break;
      }
      case 'signoff.recorded':
        signed.push({ data: entry.data as EntryDataOf<'signoff.recorded'>, entry });
        break;
      default:
        break;
    }
  }

  for (const action of actions) {
    const itemId = actionItem(action, itemOfCommandLine);
    if (itemId) push(evidence, itemId, { kind: action.kind, title: action.title, outcome: action.settled?.outcome ?? action.outcome, at: action.startedAt, detail: action.message });
  }

  const phases = doc.phases.map((phase) => {
    const items = doc.items.filter((item) => item.phaseId === phase.id).map((item) => reportItem(item, ticks, notes, evidence));
    return { id: phase.id, title: phase.title, line: phase.line, items, checked: items.filter((i) => i.checked).length };
  });
  const allItems = phases.flatMap((p) => p.items);
  const firstMs = Date.parse(startedAt);
  const lastMs = Date.parse(endedAt);

  const report: ReportData = {
    version: 1,
    title: doc.title,
    environment: input.environment,
    paper: input.paper,
    generatedAt: input.generatedAt,
    generatedBy: input.generatedBy,
    runbook: { name: started?.runbook.name ?? doc.source.name, sha256: doc.source.sha256 },
    session: { id: started?.sessionId ?? '', startedAt, endedAt, durationSeconds: Math.max(0, Math.round((lastMs - firstMs) / 1000)), closed: closed !== undefined },
    items: { total: allItems.length, checked: allItems.filter((i) => i.checked).length },
    phases,
    gates,
    events,
    timeline: timelineEvents(entries),
    actions,
    backups,
    rollbacks: [...rollbacks.values()],
    thresholds: doc.thresholds,
    graphs: buildGraphs(input.metrics, firstMs, lastMs, latestBaseline(entries)),
    markers: markers.filter((m) => Number.isFinite(m.at)).sort((a, b) => a.at - b.at),
    signoffs: signoffTable(doc, signed, input.authorKeyOf),
    chain: { entries: ownLast ? ownLast.seq + 1 : 0, head: ownLast?.hash ?? GENESIS_HASH },
    ...(input.team ? { team: input.team } : {}),
    reportKey: input.reportKey,
  };
  return input.redactor.redactDeep(report);
}

const TICK_EVIDENCE_KINDS: Record<TickEvidence['act'], Evidence['kind']> = { flag: 'flag', baseline: 'baseline', probe: 'probe', backup: 'backup', 'restore-test': 'restore' };

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


function reportItem(item: TaskItem, ticks: Map<string, { checked: boolean; by: string | null; at: string }>, notes: Map<string, ReportItem['notes']>, evidence: Map<string, Evidence[]>): ReportItem {
  const tick = ticks.get(item.id);
  return {
    id: item.id,
    inline: item.inline,
    depth: item.depth,
    line: item.line,
    checked: tick ? tick.checked : item.checked,
    tick: tick ? { by: tick.by, at: tick.at } : null,
    notes: notes.get(item.id) ?? [],
    evidence: evidence.get(item.id) ?? [],
  };
}

/** Every action from its started, output, finished and settled entries, in the order they started. */
function collectActions(entries: readonly JournalEntry[]): ReportAction[] {
  const byId = new Map<string, ReportAction & { chunks: string[]; chars: number }>();
  for (const entry of entries) {
    const id = (entry.data as { actionId?: unknown }).actionId;
    if (typeof id !== 'string') continue;
    if (entry.type === 'action.started') {
      const d = entry.data as EntryDataOf<'action.started'>;
      byId.set(id, {
        actionId: id,
        kind: d.kind,
        title: d.title,
        by: entry.by,
        startedAt: entry.ts,
        endedAt: null,
        outcome: 'running',
        message: 'did not finish in the journal',
        durationMs: null,
        readBack: null,
        settled: null,
        inputs: Object.entries(d.inputs),
        output: '',
        outputTruncated: false,
        runId: d.runId ?? null,
        chunks: [],
        chars: 0,
      });
      continue;
    }
    const action = byId.get(id);
    if (!action) continue;
    if (entry.type === 'action.output') {
      const d = entry.data as EntryDataOf<'action.output'>;
      action.chunks.push(d.text);
      action.chars += d.text.length;
      // Keep only what the tail needs, so a chatty command costs bounded memory.
      while (action.chunks.length > 1 && action.chars - (action.chunks[0]?.length ?? 0) >= OUTPUT_TAIL_CHARS) {
        action.chars -= action.chunks.shift()?.length ?? 0;
        action.outputTruncated = true;
      }
    } else if (entry.type === 'action.finished') {
      const d = entry.data as EntryDataOf<'action.finished'>;
      Object.assign(action, { endedAt: entry.ts, outcome: d.outcome, message: d.message, durationMs: d.durationMs, readBack: d.readBack ?? null });
    } else if (entry.type === 'action.settled') {
      const d = entry.data as EntryDataOf<'action.settled'>;
      action.settled = { outcome: d.outcome, message: d.message, at: entry.ts };
    }
  }
  return [...byId.values()].map(({ chunks, chars, ...action }) => {
    const text = chunks.join('');
    const cut = text.length > OUTPUT_TAIL_CHARS;
    return { ...action, output: cut ? text.slice(-OUTPUT_TAIL_CHARS) : text, outputTruncated: action.outputTruncated || cut || chars > text.length };
  });
}

/** Runbook command ids are `runbook:<line>`; the item whose code block holds that line owns the command's result. */
function commandLines(doc: RunbookDoc): Map<number, string> {
  const lines = new Map<number, string>();
  for (const item of doc.items) {
    for (const block of item.code) for (let line = block.line; line <= block.endLine; line++) lines.set(line, item.id);
  }
  return lines;
}

function actionItem(action: ReportAction, itemOfLine: Map<number, string>): string | null {
  const inputs = new Map(action.inputs);
  const itemId = inputs.get('itemId');
  if (itemId) return itemId;
  const match = /^runbook:(\d+)$/.exec(inputs.get('commandId') ?? '');
  return match ? (itemOfLine.get(Number(match[1])) ?? null) : null;
}

function latestBaseline(entries: readonly JournalEntry[]): Record<string, number> {
  let values: Record<string, number> = {};
  for (const entry of entries) if (entry.type === 'baseline.captured') values = (entry.data as EntryDataOf<'baseline.captured'>).values;
  return values;
}

/** One graph per metric with a line per series, over the window, thinned to what paper can show. */
function buildGraphs(points: readonly RecordedPoint[], fromMs: number, toMs: number, baseline: Record<string, number>): ReportGraph[] {
  const series = new Map<string, { metric: string; points: Array<[number, number | null]> }>();
  for (const point of points) {
    const t = Date.parse(point.ts);
    if (!Number.isFinite(t) || t < fromMs - 60_000 || t > toMs + 60_000) continue;
    let s = series.get(point.series);
    if (!s) series.set(point.series, (s = { metric: point.metric, points: [] }));
    s.points.push([t, point.value]);
  }
  const graphs = new Map<string, ReportGraph>();
  for (const [id, s] of series) {
    const known = s.metric in METRICS ? METRICS[s.metric as keyof typeof METRICS] : null;
    let graph = graphs.get(s.metric);
    if (!graph) graphs.set(s.metric, (graph = { metric: s.metric, label: known?.label ?? s.metric, unit: known?.unit ?? '', series: [], baseline: {} }));
    s.points.sort((a, b) => a[0] - b[0]);
    graph.series.push({ id, probe: id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : id, points: thin(s.points, GRAPH_POINTS) });
    if (baseline[id] !== undefined) graph.baseline[id] = baseline[id];
  }
  const order = Object.keys(METRICS);
  const rank = (metric: string) => (order.includes(metric) ? order.indexOf(metric) : order.length);
  return [...graphs.values()].sort((a, b) => rank(a.metric) - rank(b.metric) || a.metric.localeCompare(b.metric));
}

/** Means over equal buckets; a bucket with only gaps stays a gap. */
function thin(points: Array<[number, number | null]>, max: number): Array<[number, number | null]> {
  if (points.length <= max) return points;
  const out: Array<[number, number | null]> = [];
  const size = points.length / max;
  for (let b = 0; b < max; b++) {
    const bucket = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    const values = bucket.map((p) => p[1]).filter((v): v is number => v !== null);
    const t = bucket[Math.floor(bucket.length / 2)]?.[0] ?? 0;
    out.push([t, values.length > 0 ? values.reduce((a, v) => a + v, 0) / values.length : null]);
  }
  return out;
}

/**
 * The runbook's sign-off lines and table rows, each with the latest person
 * who signed for that role, then roles signed that the runbook does not name.
 */
export function signoffRows(doc: RunbookDoc, entries: readonly JournalEntry[], authorKeyOf?: (entry: JournalEntry) => string | null): ReportSignoff[] {
  return signoffTable(
    doc,
    entries.filter((entry) => entry.type === 'signoff.recorded').map((entry) => ({ data: entry.data as EntryDataOf<'signoff.recorded'>, entry })),
    authorKeyOf,
  );
}

function signoffTable(doc: RunbookDoc, signed: Array<{ data: EntryDataOf<'signoff.recorded'>; entry: JournalEntry }>, authorKeyOf?: (entry: JournalEntry) => string | null): ReportSignoff[] {
  const rows: ReportSignoff[] = [];
  const used = new Set<number>();
  const fill = (row: ReportSignoff, index: number) => {
    const { data, entry } = signed[index]!;
    used.add(index);
    const filled: ReportSignoff = { ...row, name: data.name, at: entry.ts, recordedBy: entry.by, keyFingerprint: data.publicKey ? keyFingerprint(data.publicKey) : null };
    const teamKey = authorKeyOf?.(entry) ?? null;
    return teamKey ? { ...filled, teamKeyFingerprint: formatFingerprint(teamKey) } : filled;
  };
  for (const signoff of doc.signoffs) {
    const row: ReportSignoff = { role: signoff.role, line: signoff.line, name: null, at: null, recordedBy: null, keyFingerprint: null };
    let match = -1;
    signed.forEach((s, i) => {
      if (s.data.signoffId === signoff.id || (s.data.signoffId === null && sameRole(s.data.role, signoff.role))) match = i;
    });
    rows.push(match >= 0 ? fill(row, match) : row);
  }
  signed.forEach((s, i) => {
    if (used.has(i) || doc.signoffs.some((so) => so.id === s.data.signoffId)) return;
    rows.push(fill({ role: s.data.role, line: null, name: null, at: null, recordedBy: null, keyFingerprint: null }, i));
  });
  return rows;
}

export function sameRole(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}


/** The keyid of a signer's key (sha256 of its SPKI), as the bundle names it. */
function keyFingerprint(spkiBase64: string): string {
  return keyIdOf(Buffer.from(spkiBase64, 'base64'));
}
