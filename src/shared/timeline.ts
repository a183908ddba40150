/**
 * The window's timeline: every tick, flag change, trigger state, decision,
 * rollback step, backup and baseline (and window state, once journaled) as
 * one list on one time axis. Built once, here, from the session journal,
 * and used by the renderer's timeline view and by the signed report, so
 * the two always tell the same story.
 *
 * Pure: entries in, events out, in journal order (which is time order).
 * An entry type without a mapper is skipped, so a journal written by a
 * newer Flightdeck still draws; a new kind of entry is one line in MAPPERS.
 */
import { formatBytes, formatSeconds, formatValue } from './format';
import { unitOfMetric } from './metrics';
import type { EntryDataOf, EntryType, JournalEntry } from './session-model';

export const TIMELINE_KINDS = ['tick', 'flag', 'trigger', 'decision', 'rollback', 'backup', 'baseline', 'window'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** What a person reads for each kind (filter buttons, the report's column). */
export const TIMELINE_KIND_LABELS: Record<TimelineKind, string> = {
  tick: 'Ticks',
  flag: 'Flags',
  trigger: 'Triggers',
  decision: 'Decisions',
  rollback: 'Rollback',
  backup: 'Backups',
  baseline: 'Baseline',
  window: 'Window',
};

export interface TimelineEvent {
  /** The journal entry's sequence number: a stable key, and the order. */
  seq: number;
  /** ISO time of the entry. */
  at: string;
  kind: TimelineKind;
  /** One short line: "Ticked “Set checkout_v2 to 10%”". */
  title: string;
  /** The rest, possibly empty: outcome, read-back, reason, evidence. */
  detail: string;
  by: string | null;
  /** Where Enter takes the operator: the item, else the phase, when the event has one. */
  itemId: string | null;
  phaseId: string | null;
}

type EntryLike = Pick<JournalEntry, 'seq' | 'ts' | 'type' | 'by' | 'data'>;
type Mapped = Pick<TimelineEvent, 'kind' | 'title'> & Partial<Pick<TimelineEvent, 'detail' | 'itemId' | 'phaseId'>>;

/** What a later entry needs to know of an earlier one: each action's intent, by id. */
interface Context {
  actions: Map<string, EntryDataOf<'action.started'>>;
}

type Mapper = (data: Record<string, unknown>, ctx: Context) => Mapped | null;

function as<T extends EntryType>(data: Record<string, unknown>): EntryDataOf<T> {
  return data as EntryDataOf<T>;
}

const ACTION_KINDS: Partial<Record<EntryDataOf<'action.started'>['kind'], TimelineKind>> = {
  flag: 'flag',
  'rollback-step': 'rollback',
  backup: 'backup',
  restore: 'backup',
};

/** A flag write reads "checkout_v2 10 → 50"; other actions by their title. */
function actionTitle(started: EntryDataOf<'action.started'>): string {
  const { flag, from, to } = started.inputs;
  if (started.kind === 'flag' && flag !== undefined && to !== undefined) return `${flag} ${from ?? '?'} → ${to}`;
  return started.title;
}

function actionEnded(data: Record<string, unknown>, ctx: Context, settled: boolean): Mapped | null {
  const d = as<'action.finished'>(data);
  const started = ctx.actions.get(d.actionId);
  const kind = started ? ACTION_KINDS[started.kind] : undefined;
  if (!started || !kind) return null;
  // A verified backup has its own, richer event (backup.verified); a restore has none, so it shows here.
  if (started.kind === 'backup' && d.outcome === 'ok' && !settled) return null;
  // Said once: a flag write's message usually says its read-back already.
  const readBack = d.readBack && !/read back/i.test(d.message) ? `, read back ${d.readBack}` : '';
  return { kind, title: `${actionTitle(started)}: ${settled ? 'settled ' : ''}${d.outcome}`, detail: `${d.message}${readBack}` };
}

function trigger(verb: string): Mapper {
  return (data) => {
    const d = data as { triggerId: string; reason?: string };
    return { kind: 'trigger', title: `Trigger ${verb}`, detail: `${d.triggerId}${d.reason ? `: ${d.reason}` : ''}` };
  };
}

const MAPPERS: Record<string, Mapper> = {
  'item.ticked': (data) => {
    const d = as<'item.ticked'>(data);
    const ev = d.evidence;
    const detail = ev ? `Evidence: ${ev.what}${ev.readBack !== null ? `, read back ${ev.readBack}` : ''}${ev.by ? `, by ${ev.by}` : ''}` : '';
    return { kind: 'tick', title: `${d.checked ? 'Ticked' : 'Unticked'} “${d.itemText}”`, detail, itemId: d.itemId };
  },
  'action.finished': (data, ctx) => actionEnded(data, ctx, false),
  'action.settled': (data, ctx) => actionEnded(data, ctx, true),
  'flag.drifted': (data) => {
    const d = as<'flag.drifted'>(data);
    return { kind: 'flag', title: `${d.flag} drifted: ${d.expected} → ${d.seen}`, detail: d.message };
  },
  'trigger.fired': (data) => {
    const d = as<'trigger.fired'>(data);
    const value = d.value === null ? 'no data' : formatValue(d.value, unitOfMetric(d.metric));
    return { kind: 'trigger', title: `Trigger fired: ${d.text}`, detail: `${d.metric} ${value} for ${formatSeconds(d.heldSeconds)}${d.autoRollback ? ', automatic rollback armed' : ''}` };
  },
  'trigger.acknowledged': trigger('acknowledged'),
  'trigger.cleared': trigger('cleared'),
  'autorollback.cancelled': trigger('automatic rollback cancelled'),
  'gate.decided': (data) => {
    const d = as<'gate.decided'>(data);
    const failing = d.criteria.filter((c) => c.status !== 'pass').length;
    return { kind: 'decision', title: `Gate: ${d.decision}`, detail: `${d.reason}${d.reason && failing ? '; ' : ''}${failing ? `${failing} of ${d.criteria.length} criteria not passing` : ''}`, phaseId: d.phaseId };
  },
  'gate.answered': (data) => {
    const d = as<'gate.answered'>(data);
    return { kind: 'decision', title: `Criterion answered ${d.answer}`, detail: `${d.criterionId}${d.note ? `: ${d.note}` : ''}` };
  },
  'gate.overridden': (data) => {
    const d = as<'gate.overridden'>(data);
    return { kind: 'decision', title: `Gate overridden: ${d.flag} ${d.from ?? '?'} → ${d.to}`, detail: `${d.reason} (held: ${d.heldBy.map((h) => h.reason).join('; ')})` };
  },
  'rollback.started': (data) => {
    const d = as<'rollback.started'>(data);
    return { kind: 'rollback', title: `Rollback ${d.plan} started`, detail: d.steps.join(' → ') };
  },
  'rollback.finished': (data) => {
    const d = as<'rollback.finished'>(data);
    return { kind: 'rollback', title: `Rollback ${d.outcome}`, detail: d.message };
  },
  'rollback.reasserted': (data) => {
    const d = as<'rollback.reasserted'>(data);
    return { kind: 'rollback', title: `Rollback reasserted ${d.flag} = ${d.value}`, detail: `${d.landed} landed late; ${d.message}` };
  },
  'backup.verified': (data, ctx) => {
    const d = as<'backup.verified'>(data);
    const restoreTest = ctx.actions.get(d.actionId)?.inputs.restoreTest === 'true';
    return { kind: 'backup', title: `Backup ${d.name} verified${restoreTest ? ', restore test passed' : ''}`, detail: `${d.files} files, ${formatBytes(d.bytes)}, manifest sha256 ${d.manifestSha256.slice(0, 12)}…`, itemId: d.itemId };
  },
  'baseline.captured': (data) => {
    const d = as<'baseline.captured'>(data);
    const n = Object.keys(d.values).length;
    return { kind: 'baseline', title: 'Baseline captured', detail: `${n} series` };
  },
  'trust.tested': (data) => ({ kind: 'decision', title: `Test connection to ${String(data.origin)} approved`, detail: `once, for ${String(data.kind)} ${String(data.proposal)}` }),
  // The window state machine (services/window): "Window: firing → rolling-back", and why.
  'window.state': (data) => ({ kind: 'window', title: `Window: ${String(data.from ?? '?')} → ${String(data.to ?? '?')}`, detail: typeof data.cause === 'string' ? data.cause : '' }),
};

/** The entry types the timeline draws (main sends the renderer only these). */
export const TIMELINE_ENTRY_TYPES: ReadonlySet<string> = new Set([...Object.keys(MAPPERS), 'action.started']);

/** Every event of the journal that the timeline shows, oldest first. */
export function timelineEvents(entries: readonly EntryLike[]): TimelineEvent[] {
  const ctx: Context = { actions: new Map() };
  const events: TimelineEvent[] = [];
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (entry.type === 'action.started') {
      const d = as<'action.started'>(entry.data);
      ctx.actions.set(d.actionId, d);
      continue;
    }
    const mapper = MAPPERS[entry.type];
    if (!mapper) continue;
    let mapped: Mapped | null;
    try {
      mapped = mapper(entry.data, ctx);
    } catch {
      // An entry whose shape this version does not know is skipped, never a broken timeline.
      mapped = null;
    }
    if (!mapped) continue;
    events.push({ seq: entry.seq, at: entry.ts, by: entry.by, detail: '', itemId: null, phaseId: null, ...mapped });
  }
  return events;
}

/** The events of the chosen kinds. */
export function filterTimeline(events: readonly TimelineEvent[], kinds: ReadonlySet<TimelineKind>): TimelineEvent[] {
  return events.filter((event) => kinds.has(event.kind));
}
