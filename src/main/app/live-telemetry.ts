/**
 * Telemetry for whatever is open: each activation (a runbook or session
 * opening) stops the previous Telemetry and starts one for the new
 * profile's probes, replays the session's journal into markers and the
 * baseline, and then follows new journal entries as they are recorded.
 */
import type { EntryDataOf, JournalEntry } from '../../shared/session-model';
import type { Baseline, ProbeStatus, TelemetrySnapshot } from '../../shared/telemetry-model';
import { createProbe } from '../services/probes/create-probe';
import { MetricsRecorder, METRICS_FILE } from '../services/telemetry/metrics-recorder';
import { join } from 'node:path';
import type { Redactor, SecretResolver } from '../services/vault/secrets';
import { markerForEntry, type ActionTitles } from '../services/telemetry/journal-markers';
import { withRunbookThresholds } from '../services/telemetry/runbook-bindings';
import { Telemetry } from '../services/telemetry/telemetry';
import type { Activation, Cockpit } from './cockpit';
import type { EventHub } from './event-hub';
import type { Logger } from './log';

export interface LiveTelemetryDeps {
  cockpit: Cockpit;
  events: EventHub;
  secrets: SecretResolver;
  /** Probe readings pass it before they reach the store, the events and metrics.jsonl. */
  redactor?: Redactor;
  log: Logger;
}

export class LiveTelemetry {
  private telemetry: Telemetry;
  private activation: Activation | null = null;
  private titles: ActionTitles = new Map();
  /** The window's metrics on disk, for the completion report: one per session. */
  private recorder: MetricsRecorder | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: LiveTelemetryDeps) {
    this.telemetry = this.create([]);
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    this.unsubscribe.push(
      deps.events.subscribe((name, payload) => {
        if (name === 'sessionEntry') this.follow((payload as { entry: JournalEntry }).entry);
      }),
    );
  }

  get current(): Telemetry {
    return this.telemetry;
  }

  snapshot(rangeSeconds: number): TelemetrySnapshot {
    return this.telemetry.snapshot(rangeSeconds);
  }

  /** Takes the baseline and journals it, so a reopened session compares against the same numbers. */
  captureBaseline(): Baseline {
    const by = this.deps.cockpit.operator();
    const baseline = this.telemetry.captureBaseline(by);
    this.activation?.journal.record('baseline.captured', by, { values: baseline.values });
    return baseline;
  }

  /** Writes the metrics still being averaged, so a report exported now covers them. */
  flushRecordedMetrics(): void {
    this.recorder?.flush();
  }

  probeStatuses(): ProbeStatus[] {
    return this.telemetry.probeStatuses();
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.telemetry.stop();
    this.recorder?.flush();
  }

  private rebuild(activation: Activation): void {
    const previous = this.telemetry;
    void previous.stop().catch((error: unknown) => this.deps.log.error('stopping telemetry failed', error));
    this.activation = activation;
    this.titles = new Map();
    this.recorder?.flush();
    this.recorder = new MetricsRecorder({ file: join(activation.sessionDir, METRICS_FILE), onProblem: (message) => this.deps.log.error(message) });
    this.telemetry = this.create(withRunbookThresholds(activation.profile?.profile.probes ?? [], activation.runbook.thresholds));
    this.replay(activation.journal.entries());
    this.telemetry.start();
  }

  private create(probes: NonNullable<Activation['profile']>['profile']['probes']): Telemetry {
    // Bound now: a stopping Telemetry's last batch must not land in the next session's file.
    const recorder = this.recorder;
    return new Telemetry({
      probes,
      createProbe: (config) => createProbe(config, { secrets: this.deps.secrets, clock: Date.now, ...(this.deps.redactor ? { redactor: this.deps.redactor } : {}) }),
      emit: (batch) => {
        recorder?.addBatch(batch);
        this.deps.events.emit('telemetryBatch', batch);
      },
    });
  }

  /** Markers and the last baseline from the journal of a session that reopened. */
  private replay(entries: readonly JournalEntry[]): void {
    let baseline: Baseline | null = null;
    for (const entry of entries) {
      const marker = markerForEntry(entry, this.titles);
      if (marker) this.telemetry.addMarker(marker.kind, marker.label, marker.at);
      if (entry.type === 'baseline.captured') {
        baseline = { at: Date.parse(entry.ts), by: entry.by, values: (entry.data as EntryDataOf<'baseline.captured'>).values };
      }
    }
    if (baseline) this.telemetry.setBaseline(baseline);
  }

  /** A live entry: its marker, except the baseline's, which captureBaseline already drew. */
  private follow(entry: JournalEntry): void {
    if (entry.type === 'baseline.captured') return;
    const marker = markerForEntry(entry, this.titles);
    if (marker) this.telemetry.addMarker(marker.kind, marker.label, marker.at);
  }
}
