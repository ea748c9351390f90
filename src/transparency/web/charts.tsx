// Charts drawn on the server as SVG, from plain numbers: no script, no library. Each chart is a
// figure with a title and a description the SVG is labelled by (role="img"), and the same numbers
// as a table beneath it, for screen readers, for copying, and for anyone who prefers to read.
// Geometry is in pure functions (niceMax, ticks, barLength) so that tests can check proportions.

export interface Bar {
  label: string;
  value: number;
}

export interface Series {
  key: string;
  label: string;
  /** One value per column. */
  values: number[];
}

/** Distinguishable on white and for the common colour-vision deficiencies; every colour has its text in a legend or table. */
export const PALETTE = ['#1f5fa8', '#d4760a', '#1b8a5a', '#b03a78', '#3d9bc9', '#a33a1d', '#7a5fb5', '#4d4d4d'] as const;
export const colour = (i: number) => PALETTE[i % PALETTE.length]!;

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1), so that the axis has round ticks. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Evenly spaced ticks from 0 to `top` (a niceMax), whole-numbered: counts are never fractions. */
export function ticks(top: number): number[] {
  const count = [5, 4, 2, 1].find((c) => Number.isInteger(top / c)) ?? 1;
  return Array.from({ length: count + 1 }, (_, i) => (i * top) / count);
}

/** A value's length on an axis of `length` px whose end stands for `top`. */
export function barLength(value: number, top: number, length: number): number {
  if (top <= 0 || value <= 0) return 0;
  return Math.round((Math.min(value, top) / top) * length * 100) / 100;
}

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });

function Caption(p: { id: string; title: string; description: string }) {
  return (
    <figcaption>
      <strong id={`${p.id}-title`}>{p.title}</strong>
      <span id={`${p.id}-desc`} class="chart-desc">
        {p.description}
      </span>
    </figcaption>
  );
}

function Empty(p: { id: string; title: string; description: string; text: string }) {
  return (
    <figure class="chart" id={p.id} data-chart="empty">
      <Caption {...p} />
      <p class="empty">{p.text}</p>
    </figure>
  );
}

export interface BarChartProps {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  /** What the values count, for the axis and the table's header: "Notices", "URLs". */
  unit: string;
  /** The first column's header in the table: "Kind", "Channel". */
  labelHeader: string;
  emptyText?: string;
}

const BAR = { width: 680, labelWidth: 285, valueGap: 8, valueWidth: 60, row: 30, barHeight: 18, top: 8, axis: 40 };

/** Horizontal bars, one per label, on a common axis from 0. */
export function BarChart(p: BarChartProps) {
  const total = p.bars.reduce((n, b) => n + b.value, 0);
  if (p.bars.length === 0 || total === 0) return <Empty {...p} text={p.emptyText ?? 'Nothing to show for this period.'} />;
  const top = niceMax(Math.max(...p.bars.map((b) => b.value)));
  const plot = BAR.width - BAR.labelWidth - BAR.valueWidth - BAR.valueGap;
  const height = BAR.top + p.bars.length * BAR.row + BAR.axis;
  const axisY = BAR.top + p.bars.length * BAR.row;
  return (
    <figure class="chart" id={p.id} data-chart="bars">
      <Caption {...p} />
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${BAR.width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={`${p.id}-svg-title ${p.id}-desc`}
        class="chart-svg"
      >
        <title id={`${p.id}-svg-title`}>{p.title}</title>
        <desc>{p.bars.map((b) => `${b.label}: ${fmt(b.value)}`).join('; ')}</desc>
        {ticks(top).map((t) => {
          const x = BAR.labelWidth + barLength(t, top, plot);
          return (
            <g class="tick">
              <line x1={x} x2={x} y1={BAR.top - 4} y2={axisY} stroke="#d9dde3" />
              <text x={x} y={axisY + 16} text-anchor="middle" font-size="12" fill="#444">
                {fmt(t)}
              </text>
            </g>
          );
        })}
        {p.bars.map((b, i) => {
          const y = BAR.top + i * BAR.row;
          const w = barLength(b.value, top, plot);
          return (
            <g>
              <text x={BAR.labelWidth - 8} y={y + BAR.barHeight / 2 + 5} text-anchor="end" font-size="12" fill="#1a1a1a" class="bar-label">
                {b.label}
              </text>
              <rect class="bar" data-label={b.label} data-value={b.value} x={BAR.labelWidth} y={y} width={w} height={BAR.barHeight} fill={colour(i)} />
              <text x={BAR.labelWidth + w + BAR.valueGap} y={y + BAR.barHeight / 2 + 5} font-size="13" fill="#1a1a1a" class="bar-value">
                {fmt(b.value)}
              </text>
            </g>
          );
        })}
        <line x1={BAR.labelWidth} x2={BAR.labelWidth + plot} y1={axisY} y2={axisY} stroke="#444" />
        <text x={BAR.labelWidth + plot / 2} y={height - 4} text-anchor="middle" font-size="12" fill="#444" class="axis-label">
          {p.unit}
        </text>
      </svg>
      <details class="chart-table">
        <summary>
          Show as a table<span class="visually-hidden">: {p.title}</span>
        </summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{p.labelHeader}</th>
              <th scope="col">{p.unit}</th>
            </tr>
          </thead>
          <tbody>
            {p.bars.map((b) => (
              <tr>
                <th scope="row">{b.label}</th>
                <td>{fmt(b.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export interface StackedColumnsProps {
  id: string;
  title: string;
  description: string;
  /** Column labels, e.g. months "2026-01". */
  columns: string[];
  series: Series[];
  /** What the values count, for the vertical axis. */
  yLabel: string;
  /** The horizontal axis: "Month". */
  xLabel: string;
  emptyText?: string;
}

const COL = { width: 680, left: 56, right: 12, top: 12, plot: 220, bottom: 56, legendRow: 22 };

/** The top of every column's stack, for the axis. */
export function columnTotals(columns: readonly string[], series: readonly Series[]): number[] {
  return columns.map((_, c) => series.reduce((n, s) => n + (s.values[c] ?? 0), 0));
}

/** Columns of stacked segments, one segment per series with a value, and a legend of the series. */
export function StackedColumns(p: StackedColumnsProps) {
  const totals = columnTotals(p.columns, p.series);
  if (p.columns.length === 0 || totals.every((t) => t === 0)) return <Empty {...p} text={p.emptyText ?? 'Nothing to show for this period.'} />;
  const shown = p.series.filter((s) => s.values.some((v) => v > 0));
  const top = niceMax(Math.max(...totals));
  const plotW = COL.width - COL.left - COL.right;
  const slot = plotW / p.columns.length;
  const barW = Math.min(56, slot * 0.7);
  // Two to a row: the kinds' names are long.
  const legendCols = 2;
  const legendRows = Math.ceil(shown.length / legendCols);
  const height = COL.top + COL.plot + COL.bottom + legendRows * COL.legendRow;
  const baseY = COL.top + COL.plot;
  // Month labels thin out when there are many columns, so that they do not overlap.
  const every = Math.ceil(p.columns.length / 12);
  return (
    <figure class="chart" id={p.id} data-chart="stacked">
      <Caption {...p} />
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${COL.width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={`${p.id}-svg-title ${p.id}-desc`}
        class="chart-svg"
      >
        <title id={`${p.id}-svg-title`}>{p.title}</title>
        <desc>{p.columns.map((c, i) => `${c}: ${fmt(totals[i]!)}`).join('; ')}</desc>
        {ticks(top).map((t) => {
          const y = baseY - barLength(t, top, COL.plot);
          return (
            <g class="tick">
              <line x1={COL.left} x2={COL.left + plotW} y1={y} y2={y} stroke="#d9dde3" />
              <text x={COL.left - 6} y={y + 4} text-anchor="end" font-size="12" fill="#444">
                {fmt(t)}
              </text>
            </g>
          );
        })}
        {p.columns.map((c, ci) => {
          const x = COL.left + ci * slot + (slot - barW) / 2;
          let y = baseY;
          return (
            <g class="column" data-column={c} data-total={totals[ci]}>
              {shown.map((s) => {
                const v = s.values[ci] ?? 0;
                if (v <= 0) return null;
                const h = barLength(v, top, COL.plot);
                y -= h;
                return (
                  <rect class="segment" data-series={s.key} data-value={v} x={x} y={y} width={barW} height={h} fill={colour(p.series.indexOf(s))}>
                    <title>{`${s.label}, ${c}: ${fmt(v)}`}</title>
                  </rect>
                );
              })}
              {ci % every === 0 ? (
                <text x={x + barW / 2} y={baseY + 16} text-anchor="middle" font-size="12" fill="#444" class="column-label">
                  {c}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={COL.left} x2={COL.left + plotW} y1={baseY} y2={baseY} stroke="#444" />
        <text x={COL.left + plotW / 2} y={baseY + 36} text-anchor="middle" font-size="12" fill="#444" class="axis-label">
          {p.xLabel}
        </text>
        <text
          x={14}
          y={COL.top + COL.plot / 2}
          text-anchor="middle"
          font-size="12"
          fill="#444"
          transform={`rotate(-90 14 ${COL.top + COL.plot / 2})`}
          class="axis-label"
        >
          {p.yLabel}
        </text>
        <g class="legend">
          {shown.map((s, i) => {
            const lx = COL.left + (i % legendCols) * (plotW / legendCols);
            const ly = baseY + COL.bottom - 4 + Math.floor(i / legendCols) * COL.legendRow;
            return (
              <g class="legend-item" data-series={s.key}>
                <rect x={lx} y={ly - 11} width={12} height={12} fill={colour(p.series.indexOf(s))} />
                <text x={lx + 18} y={ly} font-size="12" fill="#1a1a1a">
                  {s.label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <details class="chart-table">
        <summary>
          Show as a table<span class="visually-hidden">: {p.title}</span>
        </summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{p.xLabel}</th>
                {shown.map((s) => (
                  <th scope="col">{s.label}</th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {p.columns.map((c, ci) => (
                <tr>
                  <th scope="row">{c}</th>
                  {shown.map((s) => (
                    <td>{fmt(s.values[ci] ?? 0)}</td>
                  ))}
                  <td>{fmt(totals[ci]!)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
