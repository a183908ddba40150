/**
 * The parts of a metric graph that need no live store: axes, threshold
 * bands, event markers and baseline lines. The cockpit's live graphs and
 * the completion report's printed graphs draw them the same way.
 */
import { memo, useCallback } from 'react';
import { ReferenceArea, ReferenceLine, XAxis, YAxis, usePlotArea, useXAxisScale } from 'recharts';
import type { Baseline, Marker } from '../../../../shared/telemetry-model';
import type { Band } from './bands';
import { formatAxisValue as axisValue } from '../../../../shared/format';
import { formatClock, timeTicks, valueTicks } from './graph-data';
import { labelMetrics, layoutMarkerLabels } from './marker-layout';

export const Axes = memo(function Axes({ start, end, lo, hi, unit, withSeconds }: { start: number; end: number; lo: number; hi: number; unit: string; withSeconds: boolean }) {
  const formatTime = useCallback((t: number) => formatClock(t, withSeconds), [withSeconds]);
  const formatAxisValue = useCallback((v: number) => axisValue(v, unit), [unit]);
  return (
    <>
      <XAxis type="number" dataKey="t" domain={[start, end]} allowDataOverflow ticks={timeTicks(start, end)} interval={0} tickFormatter={formatTime} className="axis" />
      <YAxis type="number" domain={[lo, hi]} allowDataOverflow width={46} ticks={valueTicks(lo, hi)} interval={0} tickFormatter={formatAxisValue} className="axis" />
    </>
  );
});

export const Bands = memo(function Bands({ bands, lo, hi }: { bands: readonly Band[]; lo: number; hi: number }) {
  return bands.flatMap((band) => {
    const from = Math.max(band.from ?? lo, lo);
    const to = Math.min(band.to ?? hi, hi);
    if (!(to > from)) return [];
    return [
      <ReferenceArea
        key={`${band.kind}-${band.from}-${band.to}`}
        y1={from}
        y2={to}
        ifOverflow="hidden"
        shape={(props: { x?: number; y?: number; width?: number; height?: number }) => (
          <rect
            x={props.x}
            y={props.y}
            width={Math.max(0, props.width ?? 0)}
            height={Math.max(0, props.height ?? 0)}
            className={`threshold-band band-${band.kind}`}
            data-testid="threshold-band"
            data-band={band.kind}
            data-from={band.from ?? undefined}
            data-to={band.to ?? undefined}
          />
        )}
      />,
    ];
  });
});

export const MARKER_TEXT: Record<Marker['kind'], string> = {
  flag: 'Flag',
  rollback: 'Rollback',
  gate: 'Gate',
  baseline: 'Baseline',
  command: 'Command',
  backup: 'Backup',
};

/** Marker lines closer than this many pixels are drawn as one: thousands of events stay quick to draw. */
const LINE_PX = 3;

/**
 * Every marker's dashed line, and labels placed by marker-layout so none
 * overlaps another (staggered into rows, merged as "+N" when the rows are
 * full). Drawn with the chart's own x scale, inside the plot area.
 */
/** fontPx: the label type's size in CSS pixels (telemetry.css, report.css), for placing labels apart. */
export const Markers = memo(function Markers({ markers, fontPx }: { markers: readonly Marker[]; fontPx: number }) {
  const x = useXAxisScale();
  const area = usePlotArea();
  if (!x || !area || markers.length === 0) return null;
  const left = area.x;
  const right = area.x + area.width;
  const positioned = markers.map((marker) => ({ marker, x: Number(x(marker.at)), text: markerText(marker) })).filter((m) => Number.isFinite(m.x) && m.x >= left && m.x <= right);
  const lines = new Map<number, (typeof positioned)[number]>();
  for (const m of positioned) {
    const key = Math.round(m.x / LINE_PX);
    if (!lines.has(key)) lines.set(key, m);
  }
  const metrics = labelMetrics(fontPx);
  const labels = layoutMarkerLabels(positioned, left, right, metrics);
  const top = area.y;
  return (
    <g className="markers">
      {[...lines.values()].map(({ marker, x: at }) => (
        <g key={`${marker.at}-${marker.kind}-${at}`} className={`marker marker-${marker.kind}`}>
          <line x1={at} x2={at} y1={top} y2={top + area.height} />
        </g>
      ))}
      {labels.map((label) => (
        <text
          key={`${label.x}-${label.row}`}
          className="marker-label"
          data-count={label.count}
          x={label.side === 'left' ? label.x - 3 : label.x + 3}
          y={top + metrics.rowPx * (label.row + 1) - 2}
          textAnchor={label.side === 'left' ? 'end' : 'start'}
        >
          {label.text}
        </text>
      ))}
    </g>
  );
});

/** ids: the graph's series ids joined by newlines, a string so memo compares it by value. */
export const BaselineLines = memo(function BaselineLines({ baseline, ids }: { baseline: Baseline | null; ids: string }) {
  if (!baseline) return null;
  return ids.split('\n').flatMap((id) => {
    const value = baseline.values[id];
    if (value === undefined) return [];
    return [<ReferenceLine key={id} y={value} className="baseline-line" strokeDasharray="6 4" label={{ value: 'baseline', position: 'insideBottomLeft', className: 'baseline-label' }} />];
  });
});

/** "Flag: checkout_v2 → 10%", but not "Baseline: Baseline captured". */
export function markerText(marker: Marker): string {
  const kind = MARKER_TEXT[marker.kind];
  return marker.label.toLowerCase().startsWith(kind.toLowerCase()) ? marker.label : `${kind}: ${marker.label}`;
}
