import { memo, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LiveRunStore, ReadingPoint } from './live-run-store.ts';

const height = 220;
const colours = ['#0b5cad', '#b42318', '#146c2e', '#8a5a00', '#6b3fa0'];
const maxPoints = 5_000;

/** The run's scalar series (a spectrum's peak, a DAQ's readings) as uPlot's aligned columns. */
class SeriesTable {
  names: string[] = [];
  times: number[] = [];
  columns: (number | null)[][] = [];

  add(point: ReadingPoint): boolean {
    let column = this.names.indexOf(point.series);
    const added = column === -1;
    if (added) {
      this.names.push(point.series);
      this.columns.push(this.times.map(() => null));
      column = this.names.length - 1;
    }
    this.times.push(point.t);
    this.columns.forEach((values, index) => {
      values.push(index === column ? point.value : null);
    });
    if (this.times.length > maxPoints) {
      const cut = this.times.length - maxPoints;
      this.times.splice(0, cut);
      for (const values of this.columns) values.splice(0, cut);
    }
    return added;
  }

  data(): uPlot.AlignedData {
    return [this.times, ...this.columns];
  }
}

function plot(table: SeriesTable, target: HTMLElement): uPlot {
  return new uPlot(
    {
      width: Math.max(target.clientWidth, 300),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      series: [
        { label: 'Time' },
        ...table.names.map((name, index) => ({
          label: name,
          stroke: colours[index % colours.length] ?? '#0b5cad',
          width: 1.5,
          spanGaps: true,
        })),
      ],
      axes: [{ label: 'Time' }, { label: 'Value', size: 60 }],
    },
    table.data(),
    target,
  );
}

/**
 * The run's readings over time, drawn as they arrive: points go from the store's listener into the
 * table and one uPlot setData per animation frame draws them (no React render a point). A new series
 * (rare) rebuilds the chart and the legend.
 */
export const ReadingsChart = memo(function ReadingsChart({ store }: { store: LiveRunStore }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [names, setNames] = useState<string[]>([]);

  useEffect(() => {
    const target = plotRef.current;
    if (!target) return;
    const table = new SeriesTable();
    for (const point of store.readings) table.add(point);
    let chart = plot(table, target);
    setNames([...table.names]);
    let pending = 0;
    const draw = () => {
      pending = 0;
      chart.setData(table.data());
    };
    const stop = store.onReading((point) => {
      if (table.add(point)) {
        chart.destroy();
        chart = plot(table, target);
        setNames([...table.names]);
      } else if (!pending) pending = requestAnimationFrame(draw);
    });
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(target.clientWidth, 300), height }),
    );
    resize.observe(target);
    return () => {
      stop();
      cancelAnimationFrame(pending);
      resize.disconnect();
      chart.destroy();
    };
  }, [store]);

  return (
    <figure className="run-chart" data-testid="readings-chart">
      <div ref={plotRef} role="img" aria-label={`Readings over time: ${names.join(', ') || 'none yet'}`} />
      <figcaption>
        {names.length === 0 ? (
          <p className="run-chart-summary">No readings yet.</p>
        ) : (
          <ul className="run-legend" aria-label="Series">
            {names.map((name, index) => (
              <li key={name}>
                <span
                  className="run-legend-swatch"
                  style={{ background: colours[index % colours.length] }}
                  aria-hidden="true"
                />
                {name}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
});
