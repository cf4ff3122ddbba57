// DOM building blocks: elements, tables, figure cards and status lines. Text always goes in as
// textContent (never HTML), so nothing a user typed can become markup.

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {...(Node | string)} children
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  element.append(...children);
  return element;
}

/**
 * @typedef {{ label: string, numeric?: boolean }} Column
 * @typedef {(string | Node)[]} Row
 */

/**
 * A table with a header row, or a short note when there are no rows.
 * @param {{ label: string, columns: Column[], rows: Row[], empty: string }} options
 */
export function table({ label, columns, rows, empty }) {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty);
  const head = el(
    'tr',
    {},
    ...columns.map((column) => el('th', { scope: 'col', class: column.numeric ? 'num' : '' }, column.label)),
  );
  const body = rows.map((row) =>
    el(
      'tr',
      {},
      ...row.map((cell, index) => el('td', { class: columns[index]?.numeric ? 'num' : '' }, cell)),
    ),
  );
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', { 'aria-label': label }, el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

/**
 * A row of headline figures.
 * @param {{ label: string, value: string, note?: string }[]} figures
 */
export function figureCards(figures) {
  return figures.map(({ label, value, note }) =>
    el(
      'div',
      { class: 'card' },
      el('div', { class: 'card-label' }, label),
      el('div', { class: 'card-value' }, value),
      ...(note ? [el('div', { class: 'card-note' }, note)] : []),
    ),
  );
}

/**
 * A section's status line: loading, an error, or nothing.
 * @param {HTMLElement} element
 * @param {'loading' | 'error' | 'none'} kind
 * @param {string} [text]
 */
export function setStatus(element, kind, text = '') {
  element.className = `status ${kind}`;
  element.textContent = kind === 'none' ? '' : text;
}

/** A small coloured label (a job run's status). @param {string} text @param {string} tone */
export function badge(text, tone) {
  return el('span', { class: `badge ${tone}` }, text);
}

/** @param {string} id */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}
