/**
 * Live health and metrics beside the checklist: probe lights, the four
 * graphs the checklists talk about (more on demand), the time range and
 * the baseline. With nothing configured it stays the placeholder, so no
 * one mistakes an empty panel for a healthy one.
 */
import { TimelineButton } from '../../features/timeline/TimelineButton';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from '../checklist/store/store';
import { telemetryActions } from './telemetry-app';
import { RANGES, telemetryStore, useTelemetry } from './telemetry-store';
import { TelemetryPlaceholder } from '../shell/Placeholders';
import { bandsFor } from './bands';
import { formatClock, groupByMetric } from './graph-data';
import { MetricGraph } from './MetricGraph';
import { ProbeLights } from './ProbeLights';
import './telemetry.css';

const NO_THRESHOLDS: never[] = [];

export function TelemetryPanel() {
  const active = useTelemetry((s) => s.active);
  const phase = useTelemetry((s) => s.phase);
  const error = useTelemetry((s) => s.error);
  useClockTicks();
  if (!active) return <TelemetryPlaceholder note={phase === 'unavailable' && error ? `Live telemetry is not available: ${error}` : null} />;
  return (
    <section className="panel telemetry-panel" data-testid="telemetry-panel" aria-labelledby="telemetry-title">
      <header className="telemetry-head">
        <h2 id="telemetry-title" className="panel-title">
          Live health &amp; metrics
        </h2>
        <RangePicker />
      </header>
      <ProbeLights />
      <BaselineBar />
      {error && (
        <p className="telemetry-error" role="alert" data-testid="telemetry-error">
          {error}
        </p>
      )}
      <Graphs />
    </section>
  );
}

function RangePicker() {
  const rangeSeconds = useTelemetry((s) => s.rangeSeconds);
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {RANGES.map((range) => (
        <button
          key={range.seconds}
          type="button"
          className="range-button"
          aria-pressed={range.seconds === rangeSeconds}
          data-testid="range-button"
          data-range={range.seconds}
          onClick={() => void telemetryActions.setRange(range.seconds)}
        >
          {range.label}
        </button>
      ))}
    </div>
  );
}

function BaselineBar() {
  const baseline = useTelemetry((s) => s.baseline);
  const capturing = useTelemetry((s) => s.capturing);
  return (
    <div className="baseline-bar">
      <button type="button" className="baseline-button" data-testid="capture-baseline" disabled={capturing} onClick={() => void telemetryActions.captureBaseline()}>
        {capturing ? 'Capturing…' : 'Capture baseline'}
      </button>
      <span className="baseline-info" data-testid="baseline-info">
        {baseline ? `Baseline ${formatClock(baseline.at, false)}${baseline.by ? ` by ${baseline.by}` : ''}` : 'No baseline yet: take a snapshot for comparison.'}
      </span>
      <TimelineButton />
    </div>
  );
}

function Graphs() {
  const series = useTelemetry((s) => s.series);
  const thresholds = useStore((s) => s.cockpit?.runbook?.thresholds ?? NO_THRESHOLDS);
  const [showAll, setShowAll] = useState(false);
  const groups = useMemo(() => groupByMetric(series), [series]);
  const plans = useMemo(() => new Map(groups.map((g) => [g, bandsFor(g.metric, g.unit, thresholds, g.series.map((s) => `${s.probe} ${s.label}`).join(' '))])), [groups, thresholds]);
  const primary = groups.filter((g) => g.primary);
  const others = groups.filter((g) => !g.primary);
  const shown = showAll ? groups : primary;
  if (groups.length === 0) return <p className="telemetry-empty">No metrics yet: the probes have not reported any.</p>;
  return (
    <div className="graphs">
      {shown.map((group) => (
        <MetricGraph key={`${group.metric}|${group.unit}`} group={group} plan={plans.get(group)!} />
      ))}
      {others.length > 0 && (
        <button type="button" className="more-metrics" aria-expanded={showAll} onClick={() => setShowAll(!showAll)} data-testid="more-metrics">
          {showAll ? 'Fewer metrics' : `More metrics (${others.length})`}
        </button>
      )}
    </div>
  );
}

/** Moves the graphs' right edge on once a second even when no batch arrives, so a stalled stream shows as a gap. */
function useClockTicks(): void {
  useEffect(() => {
    const timer = setInterval(() => {
      const state = telemetryStore.getState();
      if (state.now > 0) state.advanceTo(Date.now() - state.clockOffset);
    }, 1000);
    return () => clearInterval(timer);
  }, []);
}
