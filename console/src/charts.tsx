import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/*
 * Small SVG charts. Each is a figure with a caption, an image with a title and a description for assistive
 * technology, and the same figures as a table one click away (for anyone who reads numbers better than shapes).
 * Colours come from classes (s0…s6 in pages/insights.css), never from inline styles: the console's CSP allows
 * none. Geometry is in a 400-unit-wide view box, so that text stays readable when the chart shrinks to a phone.
 */

const WIDTH = 400;

export interface Series {
  readonly key: string;
  readonly label: string;
}

export interface Datum {
  readonly label: string;
  readonly values: Readonly<Record<string, number | null>>;
}

export type Format = (value: number) => string;

const plain: Format = (value) => value.toLocaleString('en-GB');

interface FigureProps {
  readonly title: string;
  /** What the chart shows in words (the image's description). */
  readonly summary: string;
  readonly testId?: string;
}

/** What every chart takes beside its words: the rows, what a row is (the table's first heading), how to print a value. */
type ChartProps<S> = FigureProps & {
  readonly rowHeader: string;
  readonly series: S;
  readonly data: readonly Datum[];
  readonly format?: Format;
};

/**
 * A chart's figure: the caption, the image (an svg `height` units high holding `children`), a legend where the
 * chart has one and the same figures as a table.
 */
function Figure({
  title,
  summary,
  testId,
  rowHeader,
  series,
  data,
  format,
  height,
  legend = false,
  children,
}: ChartProps<readonly Series[]> & {
  format: Format;
  height: number;
  legend?: boolean;
  children: ComponentChildren;
}) {
  return (
    <figure class="chart-figure" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <Svg title={title} summary={summary} height={height}>
        {children}
      </Svg>
      {legend ? <Legend series={series} /> : undefined}
      <details class="chart-table">
        <summary>Show “{title}” as a table</summary>
        <DataTable title={title} rowHeader={rowHeader} series={series} data={data} format={format} />
      </details>
    </figure>
  );
}

/** The image's accessible name and description: a <title> and <desc> the svg points at. */
function Svg({
  title,
  summary,
  height,
  children,
}: {
  title: string;
  summary: string;
  height: number;
  children: ComponentChildren;
}) {
  const id = useId();
  return (
    <svg
      class="ichart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={`${id}-t ${id}-d`}
      preserveAspectRatio="xMinYMin meet"
    >
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {children}
    </svg>
  );
}

function DataTable({
  title,
  rowHeader,
  series,
  data,
  format,
}: {
  title: string;
  rowHeader: string;
  series: readonly Series[];
  data: readonly Datum[];
  format: Format;
}) {
  // Focusable, so that a keyboard can scroll a table wider than the screen.
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={`${title}, as a table`}>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">{rowHeader}</th>
            {series.map((s) => (
              <th scope="col" key={s.key}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row" data-label={rowHeader}>
                {d.label}
              </th>
              {series.map((s) => {
                const value = d.values[s.key];
                return (
                  <td key={s.key} data-label={s.label}>
                    {value === null || value === undefined ? '—' : format(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Legend({ series }: { series: readonly Series[] }) {
  return (
    <ul class="legend" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s.key}>
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
            <rect class={`s${i}`} width="12" height="12" rx="2" />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}

const short = (label: string, max = 16): string =>
  label.length > max ? `${label.slice(0, max - 1)}…` : label;

/** Horizontal bars: a row per datum, its label in a column at the left. */
const BAR_LABEL = 112;
const BAR_ROW = 24;
const barsHeight = (data: readonly Datum[]): number => Math.max(BAR_ROW, data.length * BAR_ROW) + 4;

/**
 * The rows of horizontal bars: each datum's label, the `bars` drawn for it at the row's top `y`, and its value
 * printed where the bars `end`.
 */
function barRows(
  data: readonly Datum[],
  bars: (d: Datum, y: number) => { parts: ComponentChildren; end: number; value: string },
) {
  return data.map((d, i) => {
    const y = i * BAR_ROW + 2;
    const { parts, end, value } = bars(d, y);
    return (
      <g key={d.label}>
        <text x={BAR_LABEL - 6} y={y + BAR_ROW / 2 + 4} text-anchor="end">
          {short(d.label)}
        </text>
        {parts}
        <text x={end + 4} y={y + BAR_ROW / 2 + 4} class="value">
          {value}
        </text>
      </g>
    );
  });
}

/** Horizontal bars, one per datum, for one series: readable with long labels and on a narrow screen. */
export function BarChart({
  series,
  data,
  format = plain,
  max,
  ...figure
}: ChartProps<Series> & {
  /** The scale's end (e.g. 1 for rates); default the largest value. */
  max?: number;
}) {
  const room = WIDTH - BAR_LABEL - 64;
  const top = Math.max(max ?? 0, ...data.map((d) => d.values[series.key] ?? 0), 1e-9);
  return (
    <Figure {...figure} series={[series]} data={data} format={format} height={barsHeight(data)}>
      {barRows(data, (d, y) => {
        const value = d.values[series.key] ?? null;
        const w = value === null ? 0 : Math.max(value > 0 ? 1 : 0, (value / top) * room);
        return {
          parts: <rect class="s0" x={BAR_LABEL} y={y + 3} width={w} height={BAR_ROW - 6} rx="2" />,
          end: BAR_LABEL + w,
          value: value === null ? '—' : format(value),
        };
      })}
    </Figure>
  );
}

/** Horizontal bars split into their parts (e.g. outcomes per country), with a legend. */
export function StackedBars({ series, data, format = plain, ...figure }: ChartProps<readonly Series[]>) {
  const room = WIDTH - BAR_LABEL - 48;
  const total = (d: Datum): number => series.reduce((sum, s) => sum + (d.values[s.key] ?? 0), 0);
  const top = Math.max(1, ...data.map(total));
  return (
    <Figure {...figure} series={series} data={data} format={format} height={barsHeight(data)} legend>
      {barRows(data, (d, y) => {
        let x = BAR_LABEL;
        const parts = series.map((s, k) => {
          const w = ((d.values[s.key] ?? 0) / top) * room;
          const part = <rect key={s.key} class={`s${k}`} x={x} y={y + 3} width={w} height={BAR_ROW - 6} />;
          x += w;
          return part;
        });
        return { parts, end: x, value: format(total(d)) };
      })}
    </Figure>
  );
}

/** Lines over ordered categories (days, score bins); a missing value breaks the line. */
export function LineChart({
  series,
  data,
  format = plain,
  max,
  ...figure
}: ChartProps<readonly Series[]> & { max?: number }) {
  const height = 200;
  const left = 52;
  const right = 12;
  const bottom = 28;
  const top = 10;
  const values = data.flatMap((d) => series.map((s) => d.values[s.key] ?? 0));
  const ceiling = Math.max(max ?? 0, ...values, 1e-9);
  const plotH = height - top - bottom;
  const xOf = (i: number): number =>
    data.length === 1
      ? left + (WIDTH - left - right) / 2
      : left + (i * (WIDTH - left - right)) / (data.length - 1);
  const yOf = (v: number): number => top + plotH - (v / ceiling) * plotH;
  const every = Math.max(1, Math.ceil(data.length / 6));
  return (
    <Figure {...figure} series={series} data={data} format={format} height={height} legend>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line class="grid-line" x1={left} x2={WIDTH - right} y1={yOf(f * ceiling)} y2={yOf(f * ceiling)} />
          <text x={left - 4} y={yOf(f * ceiling) + 4} text-anchor="end">
            {format(f * ceiling)}
          </text>
        </g>
      ))}
      {data.map((d, i) =>
        i % every === 0 || i === data.length - 1 ? (
          <text key={d.label} x={xOf(i)} y={height - 8} text-anchor="middle">
            {short(d.label, 11)}
          </text>
        ) : null,
      )}
      {series.map((s, k) => {
        const segments: string[][] = [[]];
        data.forEach((d, i) => {
          const v = d.values[s.key];
          if (v === null || v === undefined) segments.push([]);
          else segments.at(-1)?.push(`${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`);
        });
        return (
          <g key={s.key} class={`line s${k}`}>
            {segments
              .filter((points) => points.length > 1)
              .map((points) => (
                <polyline key={points[0]} points={points.join(' ')} fill="none" />
              ))}
            {data.map((d, i) => {
              const v = d.values[s.key];
              return v === null || v === undefined ? null : (
                <circle key={d.label} cx={xOf(i)} cy={yOf(v)} r="3" />
              );
            })}
          </g>
        );
      })}
    </Figure>
  );
}
