/**
 * A metric over the whole window, for paper: the same axes, threshold
 * bands, markers and baseline as the cockpit's live graph (graph-parts),
 * drawn once from the recorded points at a fixed size, with no animation,
 * so the page is ready when it is committed.
 */
import { CartesianGrid, Line, LineChart } from 'recharts';
import type { ReportGraph as Graph } from '../../../shared/report-model';
import type { Threshold } from '../../../shared/runbook-model';
import type { Marker } from '../../../shared/telemetry-model';
import { bandsFor } from '../features/telemetry/bands';
import { formatValue } from '../../../shared/format';
import { valueDomain } from '../features/telemetry/graph-data';
import { Axes, BaselineLines, Bands, Markers } from '../features/telemetry/graph-parts';

const WIDTH = 680;
const HEIGHT = 170;
const SERIES_CLASSES = 6;
export function ReportGraph({ graph, thresholds, markers, start, end }: { graph: Graph; thresholds: readonly Threshold[]; markers: readonly Marker[]; start: number; end: number }) {
  const plan = bandsFor(graph.metric, graph.unit, thresholds, graph.series.map((s) => s.probe).join(' '));
  const values = graph.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null));
  const [lo, hi] = valueDomain([...values, ...Object.values(graph.baseline)], plan.bands, graph.unit);
  const baseline = Object.keys(graph.baseline).length > 0 ? { at: start, by: null, values: graph.baseline } : null;
  // Markers (graph-parts) draws one line per few pixels and merges labels that would overlap.
  const inWindow = markers.filter((m) => m.at >= start && m.at <= end);
  const span = Math.max(end - start, 60_000);
  return (
    <figure className="report-graph" data-metric={graph.metric}>
      <figcaption>
        <strong>{graph.label}</strong> ({graph.unit || 'value'}), {graph.series.map((s) => s.probe).join(', ')}
        {values.length > 0 && <span className="graph-range"> · min {formatValue(Math.min(...values), graph.unit)}, max {formatValue(Math.max(...values), graph.unit)}</span>}
      </figcaption>
      <LineChart width={WIDTH} height={HEIGHT} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} className="grid" />
        <Axes start={start} end={start + span} lo={lo} hi={hi} unit={graph.unit} withSeconds={span <= 900_000} />
        <Bands bands={plan.bands} lo={lo} hi={hi} />
        {/* report.css sets marker labels in 7pt: 9.33 CSS pixels. */}
        <Markers markers={inWindow} fontPx={(7 * 96) / 72} />
        <BaselineLines baseline={baseline} ids={graph.series.map((s) => s.id).join('\n')} />
        {graph.series.map((s, i) => (
          <Line
            key={s.id}
            data={s.points.map(([t, v]) => ({ t, v }))}
            dataKey="v"
            type="linear"
            dot={false}
            isAnimationActive={false}
            className={`series-line series-${i % SERIES_CLASSES}`}
          />
        ))}
      </LineChart>
    </figure>
  );
}
