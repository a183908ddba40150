/**
 * Where event markers' labels go on a graph, so that no label overlaps
 * another: the one rule for the cockpit's live graphs and the report's
 * printed ones (graph-parts' Markers draws both).
 *
 * Each label sits at the top of its line, to the left of it (recent events
 * are at the right edge), or to the right when there is no room on the
 * left. A label that would overlap one already placed drops to the next
 * row, down to MARKER_ROWS rows; when every row is taken there, it merges
 * into the label placed last ("Flag: checkout_v2 → 10% +2"). Every marker
 * keeps its line; only labels merge.
 */

export interface MarkerInput {
  at: number;
  text: string;
}

export interface PlacedLabel {
  /** Pixel x of the marker line the label belongs to. */
  x: number;
  /** 0 for the top row. */
  row: number;
  side: 'left' | 'right';
  /** The label, with "+N" for the N markers merged into it. */
  text: string;
  /** How many markers this label stands for (1 when none merged). */
  count: number;
}

export interface LabelMetrics {
  /** Average glyph width of the label font, in pixels. */
  charPx: number;
  /** Rows of labels below the top of the plot. */
  rows: number;
  /** Space kept clear between two labels in one row, and between a label and its line. */
  gapPx: number;
}

/** Rows of labels a graph stacks before it merges. */
export const MARKER_ROWS = 3;

/**
 * Sizes for labels set in fontPx-pixel type (the cockpit's 10.5 px, the
 * report's 7 pt): 0.6 em a glyph on average, generous for DejaVu Sans and
 * wider than most system UI fonts, so an estimate errs towards a gap.
 */
export function labelMetrics(fontPx: number): LabelMetrics & { rowPx: number } {
  return { charPx: fontPx * 0.6, rows: MARKER_ROWS, gapPx: 4, rowPx: Math.ceil(fontPx * 1.15) };
}
/** Labels longer than this end in "…". */
export const MARKER_LABEL_CHARS = 28;
/** Room kept in every label for a " +N" suffix, so merging never widens it into its neighbour. */
const SUFFIX_CHARS = 5;

export function shorten(text: string, max = MARKER_LABEL_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Places the labels of markers already turned into pixel positions (x) on
 * a plot spanning left..right. Markers outside it get no label.
 */
export function layoutMarkerLabels(markers: ReadonlyArray<{ x: number; text: string }>, left: number, right: number, metrics: LabelMetrics): PlacedLabel[] {
  const inside = markers.filter((m) => Number.isFinite(m.x) && m.x >= left && m.x <= right).sort((a, b) => a.x - b.x);
  const rowEnds: number[] = Array.from({ length: Math.max(1, metrics.rows) }, () => Number.NEGATIVE_INFINITY);
  const placed: Array<PlacedLabel & { base: string }> = [];
  for (const marker of inside) {
    const base = shorten(marker.text);
    const width = (base.length + SUFFIX_CHARS) * metrics.charPx + metrics.gapPx;
    const side: 'left' | 'right' = marker.x - width >= left ? 'left' : 'right';
    const [from, to] = side === 'left' ? [marker.x - width, marker.x] : [marker.x, marker.x + width];
    const row = rowEnds.findIndex((end) => end + metrics.gapPx <= from);
    if (row >= 0) {
      rowEnds[row] = to;
      placed.push({ x: marker.x, row, side, text: base, count: 1, base });
      continue;
    }
    const last = placed.at(-1);
    if (!last) continue;
    last.count += 1;
    last.text = `${last.base} +${last.count - 1}`;
  }
  return placed.map(({ base: _base, ...label }) => label);
}
