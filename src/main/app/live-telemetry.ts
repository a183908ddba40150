/**
 * Telemetry for whatever is open: each activation (a runbook or session
 * opening) stops the previous Telemetry and starts one for the new
 * profile's probes, replays the session's journal into markers and the
 * baseline, and then follows new journal entries as they are recorded.
 * Probes come from the live session scope, so a runbook in review mode
 * probes nothing: its graphs show the runbook's lines and no data.
 */
import type { EntryDataOf, JournalEntry } from '../../shared/session-model';
import type { Baseline, ProbeStatus, TelemetrySnapshot } from '../../shared/telemetry-model';
import { LIMITS } from '../../shared/contract-names';
import { FlightdeckError, formatError } from '../../shared/errors';
import { MetricsRecorder, METRICS_FILE, readRecordedMetrics } from '../services/telemetry/metrics-recorder';
import { join } from 'node:path';
import { markerForEntry, type ActionTitles } from '../services/telemetry/journal-markers';
import { withRunbookThresholds } from '../services/telemetry/runbook-bindings';
import { Telemetry } from '../services/telemetry/telemetry';
import type { Activation, Cockpit } from './cockpit';
import type { EventHub } from './event-hub';
import type { LiveScope } from './live-scope';
import type { Logger } from './log';

export interface LiveTelemetryDeps {
  cockpit: Cockpit;
  events: EventHub;
  /** Built before this, so on each activation its scope is already the new one. */
  scope: LiveScope;
  log: Logger;
}

export class LiveTelemetry {
  private telemetry: Telemetry;
  private activation: Activation | null = null;
  private titles: ActionTitles = new Map();
  /** The window's metrics on disk, for the completion report: one per session. */
  private recorder: MetricsRecorder | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  /** Listeners of every probe status, kept across rebuilds (each activation starts a new Telemetry). */
  private readonly statusListeners = new Set<(status: ProbeStatus) => void>();

  constructor(private readonly deps: LiveTelemetryDeps) {
    this.telemetry = this.create([]);
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    this.unsubscribe.push(deps.cockpit.onEntry((entry) => this.follow(entry)));
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
    this.activation?.journal.record('baseline.captured', by, { values: baseline.values, ...(baseline.noise ? { noise: baseline.noise } : {}) });
    return baseline;
  }

  /** Writes the metrics still being averaged, so a report exported now covers them. */
  flushRecordedMetrics(): void {
    this.recorder?.flush();
  }

  /** Each new status of any probe of whatever is open (live-ticks.ts offers the items that name it). */
  onProbeStatus(listener: (status: ProbeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
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
    const scope = this.deps.scope.current;
    this.telemetry = this.create(withRunbookThresholds(scope?.profile.probes ?? [], activation.runbook.thresholds));
    this.replay(activation.journal.entries());
    this.restoreHistory(join(activation.sessionDir, METRICS_FILE));
    this.telemetry.start();
  }

  /** The session's recorded metrics, as far back as a graph can ask: a restart keeps the graphs. */
  private restoreHistory(file: string): void {
    try {
      const points = readRecordedMetrics(file);
      if (points.length > 0) this.telemetry.restoreHistory(points, Date.now() - LIMITS.rangeSeconds * 1000);
    } catch (error) {
      // History is a comfort, not evidence the cockpit needs to run: say why the graphs start empty, and go on.
      const why = error instanceof FlightdeckError ? formatError(error.toInfo()) : error instanceof Error ? error.message : String(error);
      this.deps.log.warn(`the graphs start without the recorded history: ${why}`);
    }
  }

  private create(probes: NonNullable<Activation['profile']>['profile']['probes']): Telemetry {
    // Bound now: a stopping Telemetry's last batch must not land in the next session's file.
    const recorder = this.recorder;
    const telemetry = new Telemetry({
      probes,
      createProbe: (config) => this.deps.scope.require().createProbe(config),
      emit: (batch) => {
        recorder?.addBatch(batch);
        this.deps.events.emit('telemetryBatch', batch);
      },
    });
    telemetry.onProbeStatus((status) => {
      // Only the current Telemetry speaks: a stopping one's last answer belongs to the runbook before.
      if (this.telemetry !== telemetry) return;
      for (const listener of [...this.statusListeners]) {
        try {
          listener(status);
        } catch (error) {
          this.deps.log.error('a probe status listener failed', error);
        }
      }
    });
    return telemetry;
  }

  /** Markers and the last baseline from the journal of a session that reopened. */
  private replay(entries: readonly JournalEntry[]): void {
    let baseline: Baseline | null = null;
    for (const entry of entries) {
      const marker = markerForEntry(entry, this.titles);
      if (marker) this.telemetry.addMarker(marker.kind, marker.label, marker.at);
      if (entry.type === 'baseline.captured') {
        const data = entry.data as EntryDataOf<'baseline.captured'>;
        baseline = { at: Date.parse(entry.ts), by: entry.by, values: data.values, ...(data.noise ? { noise: data.noise } : {}) };
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
