/**
 * Marker labels on a graph (the cockpit's and the report's): however many
 * events pile up, no label overlaps another; close ones stagger into rows,
 * then merge with a "+N" that counts every marker.
 */
import { describe, expect, it } from 'vitest';
import { labelMetrics, layoutMarkerLabels, MARKER_ROWS, type PlacedLabel } from '../../src/renderer/src/features/telemetry/marker-layout';

const metrics = labelMetrics(10.5);

/** The pixel span a placed label covers, as the graph draws it (3 px off its line). */
function span(label: PlacedLabel): [number, number] {
  const width = label.text.length * metrics.charPx;
  return label.side === 'left' ? [label.x - 3 - width, label.x - 3] : [label.x + 3, label.x + 3 + width];
}

function overlaps(labels: PlacedLabel[]): string[] {
  const found: string[] = [];
  for (const a of labels)
    for (const b of labels) {
      if (a === b || a.row !== b.row) continue;
      const [a0, a1] = span(a);
      const [b0, b1] = span(b);
      if (a0 < b1 && b0 < a1) found.push(`${a.text} / ${b.text}`);
    }
  return found;
}

describe('marker label layout', () => {
  it('forty flag steps a second apart on a 600 px graph: no two labels overlap, and the labels count every marker', () => {
    const markers = Array.from({ length: 40 }, (_, i) => ({ x: 300 + i * 2, text: `Flag: checkout_v2 → ${i + 1}%` }));
    const labels = layoutMarkerLabels(markers, 46, 646, metrics);
    expect(overlaps(labels)).toEqual([]);
    expect(labels.reduce((n, l) => n + l.count, 0)).toBe(40);
    expect(labels.length).toBeLessThanOrEqual(MARKER_ROWS);
    expect(labels.at(-1)!.text).toMatch(/ \+\d+$/);
    expect(Math.max(...labels.map((l) => l.row))).toBe(MARKER_ROWS - 1);
  });

  it('markers far apart keep their own labels in the top row', () => {
    const labels = layoutMarkerLabels(
      [
        { x: 250, text: 'Baseline captured' },
        { x: 450, text: 'Gate: go (ana)' },
        { x: 640, text: 'Rollback ok in 1.90 s' },
      ],
      46,
      646,
      metrics,
    );
    expect(labels.map((l) => [l.row, l.count, l.text])).toEqual([
      [0, 1, 'Baseline captured'],
      [0, 1, 'Gate: go (ana)'],
      [0, 1, 'Rollback ok in 1.90 s'],
    ]);
  });

  it('a marker near the left edge puts its label to the right of its line, inside the plot', () => {
    const [label] = layoutMarkerLabels([{ x: 50, text: 'Baseline captured by ana' }], 46, 646, metrics);
    expect(label!.side).toBe('right');
    expect(span(label!)[0]).toBeGreaterThanOrEqual(46);
  });

  it('random piles of markers never overlap, in any number', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const markers = Array.from({ length: 1 + Math.floor(random() * 60) }, () => ({ x: 46 + random() * 600, text: 'x'.repeat(3 + Math.floor(random() * 40)) }));
      const labels = layoutMarkerLabels(markers, 46, 646, metrics);
      expect(overlaps(labels)).toEqual([]);
      expect(labels.reduce((n, l) => n + l.count, 0)).toBe(markers.length);
    }
  });
});
