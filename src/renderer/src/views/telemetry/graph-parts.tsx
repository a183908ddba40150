/**
 * The parts of a metric graph that need no live store: axes, threshold
 * bands, event markers and baseline lines. The cockpit's live graphs and
 * the completion report's printed graphs draw them the same way.
 */
import { memo, useCallback } from 'react';
import { ReferenceArea, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { Baseline, Marker } from '../../../../shared/telemetry-model';
import type { Band } from './bands';
import { formatAxisValue as axisValue } from '../../../../shared/format';
import { formatClock, timeTicks, valueTicks } from './graph-data';

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

export const Markers = memo(function Markers({ markers }: { markers: readonly Marker[] }) {
  return markers.map((marker, i) => (
    <ReferenceLine
      key={`${marker.at}-${i}`}
      x={marker.at}
      className={`marker marker-${marker.kind}`}
      // To the left of the line: recent markers sit at the right edge.
      label={{ value: shorten(markerText(marker)), position: 'insideTopRight', className: 'marker-label' }}
    />
  ));
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

export function shorten(text: string): string {
  return text.length > 28 ? `${text.slice(0, 27)}…` : text;
}
