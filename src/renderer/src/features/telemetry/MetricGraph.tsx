/**
 * One graph per metric: a line per series reporting it, the runbook's
 * thresholds as green, yellow and red bands behind them, markers where
 * something happened, and the baseline as a dashed line. The current value
 * sits large beside the title, coloured by the band it is in, so the state
 * reads from across the room at 2 a.m.
 *
 * recharts draws the chart: axes, grid, the bands (ReferenceArea), markers
 * and baseline (ReferenceLine) and the tooltip. The lines are SVG paths
 * drawn with recharts' own scales (see SeriesPaths), redrawn when the draw
 * scheduler gives the graph a turn, so many graphs at 20 Hz share the frame
 * budget instead of dropping frames. The numbers follow the store at once
 * (they are cheap). Everything else is memoised and changes only when the
 * axes step on: recharts re-registers whatever re-renders with its store.
 */
import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, usePlotArea, useXAxisScale, useYAxisScale, type ScaleFunction, type TooltipContentProps } from 'recharts';
import type { Baseline } from '../../../../shared/telemetry-model';
import { useConnected } from '../connection/connection';
import { drawScheduler } from './telemetry-app';
import type { SeriesBuffer } from './telemetry-buffer';
import { telemetryStore, useTelemetry, type TelemetryState } from './telemetry-store';
import { bandOf, type Band, type BandPlan } from './bands';
import { formatValue } from '../../../../shared/format';
import { axisEnd, formatClock, valueDomain, type MetricGroup } from './graph-data';
import { Axes, BaselineLines, Bands, Markers } from './graph-parts';

interface Props {
  group: MetricGroup;
  plan: BandPlan;
}

const SERIES_CLASSES = 6;
/** Legend rows before the rest fold into "+N more": the graph must stay the largest thing. */
const LEGEND_MAX = 6;
const CHART_MARGIN = { top: 6, right: 8, bottom: 0, left: 0 };

export const MetricGraph = memo(function MetricGraph({ group, plan }: Props) {
  const idsKey = group.series.map((s) => s.id).join('\n');
  const sectionRef = useRef<HTMLElement>(null);
  const titleId = `graph-${group.metric}-title`;
  const rangeSeconds = useTelemetry((s) => s.rangeSeconds);
  const end = useTelemetry((s) => axisEnd(s.now, s.rangeSeconds));
  const markers = useTelemetry((s) => s.markers);
  const baseline = useTelemetry((s) => s.baseline);
  // The value axis follows the data, but only moves in round steps; re-read on each axis step and turn.
  const [lo, hi] = useTelemetry((s) => domainKey(group, s.buffers, s.baseline, plan, s.revisions)).split(' ').map(Number) as [number, number];
  const start = end - rangeSeconds * 1000;
  const grid = useMemo(() => tooltipGrid(start, end), [start, end]);
  // Not connected: the lines stay (they are history), greyed, and the graph says its state is unknown.
  const connected = useConnected();

  return (
    <section ref={sectionRef} className="metric-graph" data-testid="metric-graph" data-metric={group.metric} data-state={connected ? 'live' : 'unknown'} aria-labelledby={titleId}>
      <header className="metric-head">
        <h3 id={titleId} className="metric-title" title={plan.sources.map((t) => `line ${t.line}: ${t.text}`).join('\n') || undefined}>
          {group.label}
        </h3>
        <CurrentValue group={group} plan={plan} />
      </header>
      {group.series.length > 1 && <Legend group={group} />}
      <div className="metric-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={grid} margin={CHART_MARGIN}>
            <CartesianGrid vertical={false} className="grid" />
            <Axes start={start} end={end} lo={lo} hi={hi} unit={group.unit} withSeconds={rangeSeconds <= 900} />
            <Bands bands={plan.bands} lo={lo} hi={hi} />
            <Markers markers={markers} fontPx={10.5} />
            <BaselineLines baseline={baseline} ids={idsKey} />
            <GraphTooltip group={group} />
            <SeriesPaths group={group} idsKey={idsKey} sectionRef={sectionRef} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {plan.note && <p className="metric-note">{plan.note}</p>}
    </section>
  );
});

/**
 * The right edge of the time axis: a little ahead of now, moving in steps
 * of 2% of the range, so the axes, grid and bands redraw every few seconds
 * while the lines redraw on every turn.
 */
/** Rows for the tooltip to snap to (about one per two pixels); the lines are drawn by SeriesPaths. */
function tooltipGrid(start: number, end: number): Array<{ t: number }> {
  const rows = 240;
  return Array.from({ length: rows + 1 }, (_, i) => ({ t: start + ((end - start) * i) / rows }));
}

/**
 * The series, drawn as SVG paths with the chart's own scales. recharts'
 * <Line> re-registers its data with the chart's store on every update,
 * about a millisecond per line per redraw; ten lines at 20 Hz in five
 * graphs would use up the frame. A null value breaks the path: a gap is
 * drawn as a gap. Redrawn on each turn the draw scheduler gives; it also
 * writes data-points (points drawn), data-last-t (the newest point's
 * time) and data-first-t (the oldest's) on the graph in the same commit,
 * for tests and the bench.
 */
function SeriesPaths({ group, idsKey, sectionRef }: { group: MetricGroup; idsKey: string; sectionRef: RefObject<HTMLElement | null> }) {
  const turn = useDrawTurns(idsKey);
  const x = useXAxisScale();
  const y = useYAxisScale();
  const area = usePlotArea();
  const clipId = useId();
  const buffers = telemetryStore.getState().buffers;
  const paths = readPaths(group, buffers, turn, x, y);
  const points = paths.reduce((n, p) => n + p.points, 0);
  const lastT = paths.reduce((max, p) => Math.max(max, p.lastT), 0);
  const firstT = paths.reduce((min, p) => (p.firstT && (!min || p.firstT < min) ? p.firstT : min), 0);

  useLayoutEffect(() => {
    const section = sectionRef.current;
    if (!section) return;
    section.dataset.points = String(points);
    if (lastT) section.dataset.lastT = String(lastT);
    if (firstT) section.dataset.firstT = String(firstT);
  }, [sectionRef, points, lastT, firstT]);

  if (!area) return null;
  return (
    <g className="series-paths">
      <defs>
        <clipPath id={clipId}>
          <rect x={area.x} y={area.y} width={area.width} height={area.height} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {paths.map((p, i) => (
          <path key={p.id} d={p.d} className={`series-line series-${i % SERIES_CLASSES}`} data-series={p.id} />
        ))}
      </g>
    </g>
  );
}

interface SeriesPath {
  id: string;
  d: string;
  points: number;
  lastT: number;
  /** The oldest point's time, 0 when none: tests see history reloaded after a restart. */
  firstT: number;
}

/** `_turn` only ties the read to the draw turn that asked for it. */
function readPaths(group: MetricGroup, buffers: Map<string, SeriesBuffer>, _turn: number, x: ScaleFunction | undefined, y: ScaleFunction | undefined): SeriesPath[] {
  return group.series.map((info) => {
    const parts: string[] = [];
    let points = 0;
    let lastT = 0;
    let firstT = 0;
    let pen = 'M';
    buffers.get(info.id)?.forEach((t, v) => {
      points++;
      if (!firstT) firstT = t;
      lastT = t;
      const px = x?.(t);
      const py = v === null ? undefined : y?.(v);
      if (px === undefined || py === undefined) {
        pen = 'M';
        return;
      }
      parts.push(`${pen}${px.toFixed(1)} ${py.toFixed(1)}`);
      pen = 'L';
    });
    return { id: info.id, d: parts.join(''), points, lastT, firstT };
  });
}

/** The value axis as a string, so the selector result compares by value. */
function domainKey(group: MetricGroup, buffers: Map<string, SeriesBuffer>, baseline: Baseline | null, plan: BandPlan, _revisions: TelemetryState['revisions']): string {
  const values: number[] = [];
  for (const info of group.series) {
    buffers.get(info.id)?.forEach((_t, v) => {
      if (v !== null) values.push(v);
    });
    const base = baseline?.values[info.id];
    if (base !== undefined) values.push(base);
  }
  return valueDomain(values, plan.bands, group.unit).join(' ');
}

/**
 * A counter that moves when the scheduler gives this graph its turn after
 * one of its series changed (or the time moved on); the chart redraws then.
 */
function useDrawTurns(idsKey: string): number {
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    const ids = idsKey.split('\n');
    const draw = () => flushSync(() => setTurn((n) => n + 1));
    const changed = (a: TelemetryState, b: TelemetryState) => a.now !== b.now || ids.some((id) => a.revisions[id] !== b.revisions[id]);
    const unsubscribe = telemetryStore.subscribe((state, previous) => {
      if (changed(state, previous)) drawScheduler.request(draw);
    });
    return () => {
      unsubscribe();
      drawScheduler.cancel(draw);
    };
  }, [idsKey]);
  return turn;
}

/** The big number: the worst current reading when several probes report the metric. Follows the store at once. */
function CurrentValue({ group, plan }: Props) {
  const current = useTelemetry((s) => worstCurrent(group, s.buffers, plan.better));
  // Not connected: the last value is shown, but no band vouches for it.
  const connected = useConnected();
  const band = connected ? bandOf(current, plan) : null;
  return (
    <span className="metric-reading">
      {band && (
        <span className={`metric-band-text band-${band}`} data-testid="metric-band">
          {BAND_TEXT[band]}
        </span>
      )}
      <span className={`metric-value band-${band ?? 'none'}`} data-testid="metric-value" data-band={band ?? 'none'}>
        {formatValue(current, group.unit)}
      </span>
    </span>
  );
}

/** The band in words beside the coloured number: the state must not rest on colour alone. */
const BAND_TEXT: Record<Band['kind'], string> = { green: 'ok', yellow: 'yellow flag', red: 'red flag' };

function Legend({ group }: { group: MetricGroup }) {
  // Re-renders with its series; the text is cheap.
  useTelemetry((s) => group.series.map((info) => s.revisions[info.id] ?? 0).join(','));
  const buffers = telemetryStore.getState().buffers;
  const hidden = group.series.length - LEGEND_MAX;
  return (
    <ul className="metric-legend">
      {group.series.slice(0, hidden > 0 ? LEGEND_MAX - 1 : LEGEND_MAX).map((info, i) => (
        <li key={info.id} className={`series-${i % SERIES_CLASSES}`}>
          <span className="swatch" aria-hidden="true" />
          {info.probe} <span className="legend-value">{formatValue(buffers.get(info.id)?.lastValue() ?? null, group.unit)}</span>
        </li>
      ))}
      {hidden > 0 && <li className="legend-more">+{hidden + 1} more (hover the graph for each)</li>}
    </ul>
  );
}

/** Reads the buffers, which change only when the store bumps a revision, so it is a valid store selector. */
function worstCurrent(group: MetricGroup, buffers: Map<string, SeriesBuffer>, better: BandPlan['better']): number | null {
  let pick: number | null = null;
  for (const info of group.series) {
    const value = buffers.get(info.id)?.lastValue() ?? null;
    if (value === null) continue;
    if (pick === null || (better === 'lower' && value > pick) || (better === 'higher' && value < pick)) pick = value;
  }
  return pick;
}

/**
 * recharts' tooltip shows only while some item has a value under the
 * pointer: a hidden line over the tooltip grid gives it one (it draws
 * nothing), and the content reads the series' own points.
 */
const GraphTooltip = memo(function GraphTooltip({ group }: { group: MetricGroup }) {
  const content = useMemo(() => <TooltipContent group={group} />, [group]);
  return (
    <>
      <Line dataKey="t" hide legendType="none" dot={false} activeDot={false} isAnimationActive={false} />
      <Tooltip content={content} includeHidden isAnimationActive={false} />
    </>
  );
});

/** The reading of each series nearest the time under the pointer, with its unit. */
function TooltipContent({ active, label, group }: Partial<TooltipContentProps> & { group: MetricGroup }) {
  if (!active || typeof label !== 'number') return null;
  const { buffers, rangeSeconds } = telemetryStore.getState();
  // A reading minutes away from the pointer is not the reading at that time.
  const tolerance = rangeSeconds * 20;
  return (
    <div className="graph-tooltip">
      <div className="tooltip-time">{formatClock(label, true)}</div>
      {group.series.map((info) => {
        const found = buffers.get(info.id)?.nearest(label) ?? null;
        const near = found && Math.abs(found[0] - label) <= tolerance ? found : null;
        return (
          <div key={info.id} className="tooltip-row">
            <span className="tooltip-name">{info.probe}</span>
            <span className="tooltip-value">{near ? formatValue(near[1], group.unit) : 'no data'}</span>
          </div>
        );
      })}
    </div>
  );
}
