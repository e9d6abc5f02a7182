/** Small dependency-free SVG charts: enough to read a trend; the numbers are in the tables beside them. */

export interface Bar {
  label: string;
  value: number;
  /** An interval around the value (the forecast's 80 % band). */
  low?: number;
  high?: number;
}

export function BarChart({ bars, title, format }: { bars: Bar[]; title: string; format: (v: number) => string }) {
  if (bars.length === 0) return <p class="muted">Nothing to chart.</p>;
  const width = 640;
  const height = 160;
  const max = Math.max(1, ...bars.map((b) => b.high ?? b.value));
  const step = width / bars.length;
  const barWidth = Math.max(1, step * 0.7);
  const y = (v: number) => height - (v / max) * (height - 4);
  return (
    <figure class="chart">
      {/* Stretched to the panel's width; the labels are HTML so they do not stretch with it. */}
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}, ${bars.length} bars from ${bars[0]?.label} to ${bars[bars.length - 1]?.label}, highest ${format(max)}`}
      >
        {bars.map((b, i) => (
          <g key={b.label}>
            <rect
              x={i * step + (step - barWidth) / 2}
              y={y(b.value)}
              width={barWidth}
              height={height - y(b.value)}
              class="bar"
            >
              <title>
                {b.label}: {format(b.value)}
                {b.low !== undefined && b.high !== undefined ? ` (80 %: ${format(b.low)} – ${format(b.high)})` : ''}
              </title>
            </rect>
            {b.low !== undefined && b.high !== undefined && (
              <line
                x1={i * step + step / 2}
                x2={i * step + step / 2}
                y1={y(b.high)}
                y2={y(b.low)}
                class="whisker"
                vector-effect="non-scaling-stroke"
              />
            )}
          </g>
        ))}
        <line x1={0} x2={width} y1={height} y2={height} class="axis" vector-effect="non-scaling-stroke" />
      </svg>
      <div class="chart-ticks muted" aria-hidden="true">
        <span>{bars[0]?.label}</span>
        <span>{bars[bars.length - 1]?.label}</span>
      </div>
      <figcaption class="muted">
        {title} · highest {format(max)}
      </figcaption>
    </figure>
  );
}
