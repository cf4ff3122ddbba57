import {
  blankCanvas,
  encodePng,
  type LabelCode,
  labelPayload,
  moduleMatrix,
  paintMatrix,
  paintText,
  textWidth,
} from './sample-label.barcode.ts';

/** What a label shows of a sample. */
export interface LabelSample {
  id: string;
  sample_id: string;
  sample_type: string;
  quantity: number;
  unit: string;
  created_at: string;
}

const maxLineLength = 32;

function clip(text: string, ellipsis: string): string {
  const characters = [...text];
  return characters.length > maxLineLength
    ? characters.slice(0, maxLineLength - ellipsis.length).join('') + ellipsis
    : text;
}

/** The human-readable lines: business id, type, quantity with unit, created date (UTC day). */
export function labelLines(sample: LabelSample, ellipsis = '…'): string[] {
  const created = new Date(sample.created_at);
  const day = Number.isNaN(created.getTime()) ? '' : created.toISOString().slice(0, 10);
  return [sample.sample_id, sample.sample_type, `${sample.quantity} ${sample.unit}`, day].map((line) =>
    clip(line, ellipsis),
  );
}

// Characters XML 1.0 forbids outright (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F):
// escaping cannot make them legal, so they are replaced.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu;
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text safe inside an SVG element or attribute: user data never becomes markup. */
export function escapeXml(text: string): string {
  return text.replace(notXml, '\ufffd').replace(/[&<>"']/g, (character) => entities[character] ?? '');
}

const module = 4; // pixels per module, and the unit the layout is measured in
const fontSize = 18;
const lineHeight = 24;
const gap = 16;

function layout(sample: LabelSample, code: LabelCode) {
  const matrix = moduleMatrix(code, labelPayload(sample));
  const quiet = matrix.quietZone * module;
  const symbolWidth = matrix.columns * module + 2 * quiet;
  const symbolHeight = matrix.rows * module + 2 * quiet;
  const lines = labelLines(sample);
  const textHeight = lines.length * lineHeight + gap;
  return {
    matrix,
    quiet,
    lines,
    symbolWidth,
    height: Math.max(symbolHeight, textHeight),
    textTop: Math.max(gap, (Math.max(symbolHeight, textHeight) - lines.length * lineHeight) / 2),
  };
}

/** The label as SVG: the code's modules as one path, the lines as escaped text. */
export function labelSvg(sample: LabelSample, code: LabelCode): string {
  const { matrix, quiet, lines, symbolWidth, height, textTop } = layout(sample, code);
  const textX = symbolWidth + 4;
  // 0.6em is a monospace advance: enough room for the longest line in any common monospace font.
  const width = textX + Math.ceil(Math.max(...lines.map((line) => [...line].length)) * fontSize * 0.6) + gap;
  const squares: string[] = [];
  for (let row = 0; row < matrix.rows; row += 1) {
    for (let column = 0; column < matrix.columns; column += 1) {
      if (matrix.dark(column, row))
        squares.push(`M${quiet + column * module} ${quiet + row * module}h${module}v${module}h-${module}z`);
    }
  }
  const text = lines.map(
    (line, index) =>
      `<text x="${textX}" y="${textTop + (index + 1) * lineHeight - 6}"${index === 0 ? ' font-weight="bold"' : ''}>${escapeXml(line)}</text>`,
  );
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(`Sample ${sample.sample_id}`)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<path fill="#000" shape-rendering="crispEdges" d="${squares.join('')}"/>`,
    `<g font-family="DejaVu Sans Mono, Consolas, monospace" font-size="${fontSize}" fill="#000">`,
    ...text,
    `</g>`,
    `</svg>`,
    '',
  ].join('\n');
}

/** The label as a greyscale PNG, drawn with the monospace raster font bwip-js bundles. */
export function labelPng(sample: LabelSample, code: LabelCode): Buffer {
  const { matrix, quiet, symbolWidth, height, textTop } = layout(sample, code);
  const lines = labelLines(sample, '...');
  const textX = symbolWidth + 4;
  const width = textX + Math.max(...lines.map((line) => textWidth(line, fontSize))) + gap;
  const canvas = blankCanvas(width, height);
  paintMatrix(canvas, matrix, quiet, quiet, module);
  for (const [index, line] of lines.entries()) {
    paintText(canvas, line, textX, textTop + (index + 1) * lineHeight - 6, fontSize);
  }
  return encodePng(canvas);
}
