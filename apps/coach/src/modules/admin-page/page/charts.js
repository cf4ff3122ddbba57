// Small hand-drawn SVG charts of one value per day: stacked bars or lines, with axis labels, a
// legend, and each value in a <title> (shown on hover, read by screen readers). No inline styles:
// colours come from classes in admin.css, so the page's strict style policy holds.

import { formatCompact, formatDay } from './format.js';

const svgNs = 'http://www.w3.org/2000/svg';
const width = 640;
const height = 220;
const margin = { top: 12, right: 12, bottom: 30, left: 72 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

/**
 * @typedef {{ name: string, className: string }} Series
 * @typedef {{ key: string, values: (number | null)[] }} Day
 * @typedef {{
 *   id: string,
 *   title: string,
 *   kind: 'bars' | 'lines',
 *   series: Series[],
 *   days: Day[],
 *   format: (value: number) => string,
 *   axisFormat?: (value: number) => string,
 *   emptyText: string,
 *   whole?: boolean,
 * }} ChartOptions
 */

/**
 * @param {string} name
 * @param {Record<string, string | number>} [attributes]
 * @param {string} [text]
 */
function svg(name, attributes = {}, text) {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {Element} element @param {string} text */
function withTitle(element, text) {
  element.append(svg('title', {}, text));
  return element;
}

/**
 * A round axis maximum and its tick step (1, 2 or 5 times a power of ten); whole steps for counts.
 * @param {number} max
 * @param {boolean} whole
 */
function niceScale(max, whole) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const found = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const step = whole ? Math.max(1, found) : found;
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * A chart of one or more values per day, as a <figure> with its heading and legend.
 * @param {ChartOptions} options
 */
export function timeChart(options) {
  const { days, series } = options;
  const axisFormat = options.axisFormat ?? formatCompact;
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.id = options.id;
  const caption = document.createElement('figcaption');
  const heading = document.createElement('h3');
  heading.textContent = options.title;
  caption.append(heading);
  if (series.length > 1) {
    const legend = document.createElement('ul');
    legend.className = 'legend';
    for (const one of series) {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch ${one.className}`;
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, one.name);
      legend.append(item);
    }
    caption.append(legend);
  }
  figure.append(caption);

  const totals = days.map((day) =>
    options.kind === 'bars'
      ? (day.values.reduce((sum, value) => (sum ?? 0) + (value ?? 0), 0) ?? 0)
      : Math.max(0, ...day.values.map((value) => value ?? 0)),
  );
  const max = Math.max(0, ...totals);
  const empty = days.every((day) => day.values.every((value) => value == null || value === 0));
  const { top, step } = niceScale(max, options.whole ?? false);
  const y = (/** @type {number} */ value) => margin.top + plotHeight - (value / top) * plotHeight;
  const slot = plotWidth / Math.max(days.length, 1);
  const x = (/** @type {number} */ index) => margin.left + slot * index + slot / 2;

  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': empty ? `${options.title}: ${options.emptyText}` : summary(options, totals),
    class: 'chart-svg',
  });

  // Without data only the zero line is drawn: a scale of nothing would be made up.
  for (let tick = 0; tick <= (empty ? 0 : top + step / 2); tick += step) {
    chart.append(
      svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg(
        'text',
        { x: margin.left - 6, y: y(tick) + 4, class: 'axis-label', 'text-anchor': 'end' },
        axisFormat(tick),
      ),
    );
  }
  const labelEvery = Math.ceil(days.length / 8);
  days.forEach((day, index) => {
    if ((days.length - 1 - index) % labelEvery !== 0) return;
    chart.append(
      svg(
        'text',
        { x: x(index), y: height - 10, class: 'axis-label', 'text-anchor': 'middle' },
        formatDay(day.key, 'short'),
      ),
    );
  });

  if (options.kind === 'bars') drawBars(chart, options, { x, y, slot });
  else drawLines(chart, options, { x, y });

  if (empty) {
    chart.append(
      svg(
        'text',
        {
          x: margin.left + plotWidth / 2,
          y: margin.top + plotHeight / 2,
          class: 'empty-label',
          'text-anchor': 'middle',
        },
        options.emptyText,
      ),
    );
  }
  figure.append(chart);
  return figure;
}

/**
 * @param {SVGElement} chart
 * @param {ChartOptions} options
 * @param {{ x: (index: number) => number, y: (value: number) => number, slot: number }} scale
 */
function drawBars(chart, { days, series, format }, { x, y, slot }) {
  const barWidth = Math.max(1, Math.min(28, slot * 0.7));
  days.forEach((day, index) => {
    let base = 0;
    day.values.forEach((value, seriesIndex) => {
      const one = series[seriesIndex];
      if (!one || !value) return;
      const rect = svg('rect', {
        x: x(index) - barWidth / 2,
        y: y(base + value),
        width: barWidth,
        height: Math.max(0.5, y(base) - y(base + value)),
        class: `bar ${one.className}`,
        'data-day': day.key,
        'data-series': one.name,
        'data-value': value,
      });
      const what = series.length > 1 ? ` ${one.name.toLowerCase()}` : '';
      chart.append(withTitle(rect, `${formatDay(day.key)}: ${format(value)}${what}`));
      base += value;
    });
  });
}

/**
 * @param {SVGElement} chart
 * @param {ChartOptions} options
 * @param {{ x: (index: number) => number, y: (value: number) => number }} scale
 */
function drawLines(chart, { days, series, format }, { x, y }) {
  // Drawn last series first, so the first (the median) stays visible where the two coincide.
  [...series.entries()].reverse().forEach(([seriesIndex, one]) => {
    // A day without requests has no latency: the line breaks there instead of dropping to zero.
    /** @type {string[]} */
    const runs = [];
    let current = '';
    days.forEach((day, index) => {
      const value = day.values[seriesIndex];
      if (value == null) {
        if (current) runs.push(current);
        current = '';
        return;
      }
      current += `${current ? 'L' : 'M'}${x(index).toFixed(1)},${y(value).toFixed(1)}`;
    });
    if (current) runs.push(current);
    for (const d of runs) chart.append(svg('path', { d, class: `line ${one.className}` }));
    days.forEach((day, index) => {
      const value = day.values[seriesIndex];
      if (value == null) return;
      const point = svg('circle', {
        cx: x(index),
        cy: y(value),
        r: days.length > 40 ? 2 : 3.5,
        class: `point ${one.className}`,
        'data-day': day.key,
        'data-series': one.name,
        'data-value': value,
      });
      chart.append(withTitle(point, `${formatDay(day.key)}: ${one.name} ${format(value)}`));
    });
  });
}

/** What a screen reader hears for the whole chart. @param {ChartOptions} options @param {number[]} totals */
function summary(options, totals) {
  const peak = totals.indexOf(Math.max(...totals));
  const peakDay = options.days[peak];
  const total = totals.reduce((sum, value) => sum + value, 0);
  const first = options.days[0];
  const last = options.days[options.days.length - 1];
  const range = first && last ? `${formatDay(first.key)} to ${formatDay(last.key)}` : '';
  if (options.kind === 'lines')
    return `${options.title}, ${range}: highest ${options.format(totals[peak] ?? 0)} on ${peakDay ? formatDay(peakDay.key) : ''}`;
  return `${options.title}, ${range}: ${options.format(total)} in total, most on ${peakDay ? formatDay(peakDay.key) : ''} (${options.format(totals[peak] ?? 0)})`;
}
