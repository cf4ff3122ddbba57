import PDFDocument from 'pdfkit';
import { type LabelCode, labelPayload, moduleMatrix } from './sample-label.barcode.ts';
import { type LabelSample, labelLines } from './sample-label.render.ts';

const mm = 72 / 25.4;
// An A4 sheet of 3 x 8 labels of 70 x 37 mm with no margins (the common "Avery 3474" layout).
const sheet = {
  columns: 3,
  rows: 8,
  width: 70 * mm,
  height: 37 * mm,
  pageWidth: 210 * mm,
  pageHeight: 297 * mm,
};
const inset = 3 * mm;
const symbolBox = 26 * mm;
const fontSize = 8;

// The standard PDF fonts cover WinAnsi only; anything else would print as garbage.
const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

function fitted(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let kept = text;
  while (kept.length > 0 && doc.widthOfString(`${kept}...`) > width) kept = kept.slice(0, -1);
  return `${kept}...`;
}

function drawLabel(doc: PDFKit.PDFDocument, sample: LabelSample, code: LabelCode, x: number, y: number) {
  const matrix = moduleMatrix(code, labelPayload(sample));
  const span = Math.max(matrix.columns, matrix.rows) + 2 * matrix.quietZone;
  const size = symbolBox / span;
  const left = x + inset + matrix.quietZone * size;
  const top = y + (sheet.height - span * size) / 2 + matrix.quietZone * size;
  for (let row = 0; row < matrix.rows; row += 1) {
    for (let column = 0; column < matrix.columns; column += 1) {
      if (matrix.dark(column, row)) doc.rect(left + column * size, top + row * size, size, size);
    }
  }
  doc.fill('#000000');
  const textX = x + inset + symbolBox + 2 * mm;
  const textWidth = x + sheet.width - inset - textX;
  const lines = labelLines(sample, '...').map(winAnsi);
  const lineHeight = fontSize * 1.35;
  let baseline = y + (sheet.height - lines.length * lineHeight) / 2;
  for (const [index, line] of lines.entries()) {
    doc.font(index === 0 ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize);
    doc.text(fitted(doc, line, textWidth), textX, baseline, { lineBreak: false });
    baseline += lineHeight;
  }
}

/** A PDF of label sheets: one label per sample, in order, filling each page row by row. */
export function labelSheetPdf(samples: LabelSample[], code: LabelCode): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [sheet.pageWidth, sheet.pageHeight],
    margin: 0,
    autoFirstPage: false,
    info: { Title: 'Sample labels', Producer: 'POLYMORPH-LITE' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const perPage = sheet.columns * sheet.rows;
  for (const [index, sample] of samples.entries()) {
    const slot = index % perPage;
    if (slot === 0) doc.addPage();
    const x = (slot % sheet.columns) * sheet.width;
    const y = Math.floor(slot / sheet.columns) * sheet.height;
    drawLabel(doc, sample, code, x, y);
  }
  doc.end();
  return done;
}
