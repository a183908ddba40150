/**
 * Steps tick their items (issue 14). When Flightdeck itself performs what
 * an unticked checklist item says (a flag step written and read back at
 * the item's value, a baseline captured, a probe the item names
 * answering), it OFFERS to tick that item with the evidence: what ran,
 * the value read back, when and by whom. Nothing is ticked until the
 * operator accepts; the tick's journal entry then carries the evidence,
 * and the report and the timeline show it.
 *
 * Backups and restore tests keep their own, older rule (live-scope.ts):
 * the operator pressed the button on the item itself, so a verified
 * backup ticks it at once, now with the same evidence attached.
 *
 * Items bind to acts by what their text says (checklist/item-acts.ts).
 * Offers live as long as the activation: a restart offers again only for
 * acts done after it.
 */
import type { TickOffer } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import { formatValue } from '../../shared/format';
import { unitOfMetric } from '../../shared/metrics';
import { isChecked, type EntryDataOf, type JournalEntry, type TickEvidence } from '../../shared/session-model';
import type { ProbeStatus } from '../../shared/telemetry-model';
import { bindItemActs, type ItemAct } from '../services/checklist/item-acts';
import type { Activation, Cockpit } from './cockpit';

/** The author of evidence nobody pressed for: a probe Flightdeck runs on its interval. */
export const PROBE_BY = 'Flightdeck (probe)';

export interface LiveTicksDeps {
  cockpit: Cockpit;
  /** Called with every probe status; returns the unsubscribe (LiveTelemetry.onProbeStatus). */
  onProbeStatus: (listener: (status: ProbeStatus) => void) => () => void;
}

export class LiveTicks {
  private acts: ItemAct[] = [];
  private texts = new Map<string, string>();
  /** Items the markdown file already has checked. */
  private checkedInFile = new Set<string>();
  private readonly offers = new Map<string, TickOffer>();
  /** Items whose offer the operator turned down; a probe does not offer them again in this activation. */
  private readonly dismissed = new Set<string>();
  /** Flag writes in flight, by action id: what they set. */
  private readonly flagWrites = new Map<string, { flag: string; from: string; to: string; by: string | null }>();
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: LiveTicksDeps) {
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    this.unsubscribe.push(deps.cockpit.onEntry((entry) => this.follow(entry)));
    this.unsubscribe.push(deps.onProbeStatus((status) => this.probe(status)));
  }

  /** The offers standing now, oldest first. */
  list(): TickOffer[] {
    return [...this.offers.values()];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The operator's one click: ticks the item with the offer's evidence. */
  accept(itemId: string): JournalEntry {
    const offer = this.offers.get(itemId);
    if (!offer) throw new FlightdeckError('not-found', `Flightdeck has no offer to tick "${this.texts.get(itemId) ?? itemId}" (it was taken, turned down, or the runbook changed).`, { field: 'itemId' });
    // The tick entry removes the offer (follow), before this returns.
    return this.deps.cockpit.tick(itemId, true, offer.evidence);
  }

  dismiss(itemId: string): void {
    this.dismissed.add(itemId);
    if (this.offers.delete(itemId)) this.changed();
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private rebuild(activation: Activation): void {
    const profile = activation.trust.trusted?.profile;
    // Review mode: nothing acts, so nothing can be offered.
    this.acts = profile ? bindItemActs(activation.runbook, profile) : [];
    this.texts = new Map(activation.runbook.items.map((item) => [item.id, item.text]));
    this.checkedInFile = new Set(activation.runbook.items.filter((item) => item.checked).map((item) => item.id));
    this.offers.clear();
    this.dismissed.clear();
    this.flagWrites.clear();
    this.changed();
  }

  private follow(entry: JournalEntry): void {
    switch (entry.type) {
      case 'action.started': {
        const d = entry.data as EntryDataOf<'action.started'>;
        if (d.kind === 'flag' && d.inputs.flag !== undefined && d.inputs.to !== undefined) this.flagWrites.set(d.actionId, { flag: d.inputs.flag, from: d.inputs.from ?? 'unknown', to: d.inputs.to, by: entry.by });
        return;
      }
      case 'action.finished':
      case 'action.settled': {
        const d = entry.data as EntryDataOf<'action.finished'>;
        const write = this.flagWrites.get(d.actionId);
        if (!write || d.outcome === 'unknown') return;
        this.flagWrites.delete(d.actionId);
        if (d.outcome !== 'ok' || d.readBack === null || d.readBack === undefined) return;
        const readBack = d.readBack;
        // Only a write read back at the item's own value does what the item says.
        const due = this.acts.filter((a) => a.kind === 'flag' && a.flag === write.flag && Number(readBack) === a.percent);
        this.offer(due, { act: 'flag', what: `set ${write.flag} from ${write.from} to ${write.to}`, readBack, at: entry.ts, by: write.by }, true);
        return;
      }
      case 'baseline.captured': {
        const d = entry.data as EntryDataOf<'baseline.captured'>;
        // Metrics with a known unit first: "error_rate 0.05 %" says more than a bare number.
        const values = Object.entries(d.values).sort(([a], [b]) => Number(unitOf(b) !== '') - Number(unitOf(a) !== ''));
        const shown = values.slice(0, 3).map(([id, v]) => `${id} ${formatValue(v, unitOf(id))}`);
        const readBack = `${shown.join(', ')}${values.length > shown.length ? `, and ${values.length - shown.length} more` : ''}`;
        const due = this.acts.filter((a) => a.kind === 'baseline');
        this.offer(due, { act: 'baseline', what: `captured the baseline of ${values.length} series`, readBack, at: entry.ts, by: entry.by }, true);
        return;
      }
      case 'item.ticked': {
        const d = entry.data as EntryDataOf<'item.ticked'>;
        if (this.offers.delete(d.itemId)) this.changed();
        return;
      }
      default:
        return;
    }
  }

  /** A probe answering offers the items that name it; one that stops answering withdraws its offer. */
  private probe(status: ProbeStatus): void {
    const bound = this.acts.filter((a) => a.kind === 'probe' && a.probe === status.name);
    if (bound.length === 0) return;
    if (status.health !== 'up') {
      let withdrawn = false;
      for (const act of bound) if (this.offers.get(act.itemId)?.evidence.act === 'probe' && this.offers.delete(act.itemId)) withdrawn = true;
      if (withdrawn) this.changed();
      return;
    }
    const fresh = bound.filter((a) => !this.offers.has(a.itemId));
    const at = new Date(status.checkedAt ?? Date.now()).toISOString();
    this.offer(fresh, { act: 'probe', what: `probe ${status.name} answered (${status.target})`, readBack: status.message, at, by: PROBE_BY }, false);
  }

  /** `again`: an act the operator did anew offers even an item they turned down before. */
  private offer(acts: readonly ItemAct[], evidence: TickEvidence, again: boolean): void {
    const session = this.deps.cockpit.state().session;
    let changed = false;
    for (const act of acts) {
      const text = this.texts.get(act.itemId);
      if (text === undefined) continue;
      if (isChecked(session, act.itemId, this.checkedInFile.has(act.itemId))) continue;
      if (this.dismissed.has(act.itemId) && !again) continue;
      this.dismissed.delete(act.itemId);
      this.offers.set(act.itemId, { itemId: act.itemId, itemText: text, evidence });
      changed = true;
    }
    if (changed) this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The unit of a series id's metric ("shop-metrics/error_rate" → "%"). */
function unitOf(seriesId: string): string {
  return unitOfMetric(seriesId.slice(seriesId.lastIndexOf('/') + 1));
}
