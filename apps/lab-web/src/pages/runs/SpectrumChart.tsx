import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LiveRunStore, SpectrumFrame } from './live-run-store.ts';

const height = 280;
/**
 * Frames waiting for the screen at most: 30 s at 10 Hz, so a browser starved of CPU for a while still
 * draws every frame once it catches up (one an animation frame, 60 a second). A hidden page draws
 * nothing, so what arrives meanwhile is dropped (counted), not kept.
 */
const maxQueued = 300;
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * The latest spectrum, drawn as it arrives. React renders this once: frames go from the store's
 * listener to a queue, and each animation frame draws the next queued one with uPlot's setData, so a
 * 1024-point spectrum at 10 Hz (or more) costs one canvas draw a frame and no React render. The
 * figure's data-frames-received / data-frames-drawn / data-frames-dropped attributes count what
 * arrived and what was drawn, for tests and benchmarks.
 */
export const SpectrumChart = memo(function SpectrumChart({ store }: { store: LiveRunStore }) {
  const figureRef = useRef<HTMLElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    const figure = figureRef.current;
    const target = plotRef.current;
    const summary = summaryRef.current;
    if (!figure || !target || !summary) return;
    // Written here, not rendered: each frame rewrites it without a React render.
    summary.textContent = 'No spectrum yet.';
    // The intensity axis only grows during a run, so a growing peak is seen growing, not rescaled away.
    let highest = 0;
    const chart = new uPlot(
      {
        width: Math.max(target.clientWidth, 300),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false },
          y: {
            range: (_self, min, max) => {
              highest = Math.max(highest, max);
              return [Math.min(0, min), highest > 0 ? highest * 1.05 : 1];
            },
          },
        },
        series: [{ label: 'Wavelength (nm)' }, { label: 'Intensity', stroke: '#0b5cad', width: 1.25 }],
        axes: [{ label: 'Wavelength (nm)' }, { label: 'Intensity (counts)', size: 60 }],
      },
      [[], []],
      target,
    );
    let queue: SpectrumFrame[] = [];
    let pending = 0;
    let received = 0;
    let drawn = 0;
    let dropped = 0;
    let axis: number[] = [];
    let axisKey = '';

    const draw = () => {
      pending = 0;
      const frame = queue.shift();
      if (!frame) return;
      const key = `${frame.startNm}/${frame.stepNm}/${frame.values.length}`;
      if (key !== axisKey) {
        axis = frame.values.map((_, index) => frame.startNm + index * frame.stepNm);
        axisKey = key;
      }
      chart.setData([axis, frame.values]);
      drawn += 1;
      figure.dataset.framesDrawn = String(drawn);
      let peak = 0;
      for (let index = 1; index < frame.values.length; index += 1)
        if ((frame.values[index] ?? 0) > (frame.values[peak] ?? 0)) peak = index;
      summary.textContent = `Frame ${frame.seq} at ${timeFormat.format(new Date(frame.at))}: peak ${Math.round(
        frame.values[peak] ?? 0,
      ).toLocaleString()} counts at ${(frame.startNm + peak * frame.stepNm).toFixed(1)} nm`;
      if (queue.length > 0) pending = requestAnimationFrame(draw);
    };

    const receive = (frame: SpectrumFrame) => {
      received += 1;
      if (document.hidden && queue.length > 0) {
        // Only the newest matters when the page is shown again.
        dropped += queue.length;
        queue = [];
        figure.dataset.framesDropped = String(dropped);
      }
      queue.push(frame);
      if (queue.length > maxQueued) {
        dropped += queue.length - maxQueued;
        queue = queue.slice(-maxQueued);
        figure.dataset.framesDropped = String(dropped);
      }
      figure.dataset.framesReceived = String(received);
      if (!pending) pending = requestAnimationFrame(draw);
    };

    if (store.latestSpectrum) receive(store.latestSpectrum);
    const stop = store.onSpectrum(receive);
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
    <figure
      ref={figureRef}
      className="run-chart"
      data-testid="spectrum-chart"
      data-frames-received="0"
      data-frames-drawn="0"
      data-frames-dropped="0"
    >
      <div ref={plotRef} role="img" aria-label="Latest spectrum: intensity by wavelength" />
      <figcaption>
        <p ref={summaryRef} className="run-chart-summary" />
      </figcaption>
    </figure>
  );
});
