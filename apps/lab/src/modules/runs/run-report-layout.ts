/** A4 in points, with the margin every page keeps. */
export const page = { width: 595.28, height: 841.89, margin: 40 };
/** The width between the margins. */
export const contentWidth = page.width - 2 * page.margin;
// The last baseline a line of content may start on; below it sits the page footer.
const bottom = page.height - page.margin - 14;
const size = { body: 8, table: 7.5, mono: 7 };
const line = 10;

export type Font = 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique' | 'Courier';

export interface Column {
  header: string;
  width: number;
  mono?: boolean;
  /** At most this many lines a cell (default 1); more ends in "...". */
  lines?: number;
}

/** A table row, or a line across the table saying what was left out there. */
export type Row = string[] | { gap: string };

// The standard PDF fonts cover WinAnsi only; anything else would print as garbage.
export const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

/**
 * Writes a flowing document of headings, fields, paragraphs and tables, placing every line itself
 * with the standard fonts: pdfkit never breaks a page on its own (the document has no margins), so
 * where pages break is decided here, and a table's header is repeated on each page it runs onto.
 */
export function layoutWriter(doc: PDFKit.PDFDocument) {
  let y = page.margin;
  const setFont = (font: Font, points: number) => doc.font(font).fontSize(points);
  const put = (text: string, x: number, at = y) => doc.text(winAnsi(text), x, at, { lineBreak: false });

  // Greedy word wrap; a word wider than the line is cut; past `max` lines the last ends in "...".
  const wrap = (text: string, room: number, max = Number.POSITIVE_INFINITY): string[] => {
    const lines: string[] = [];
    let current = '';
    // Only as much text as `max` lines can show: three lines of a 100 KB error need not wrap it all.
    const words = winAnsi(Number.isFinite(max) ? text.slice(0, max * 200) : text).split(' ');
    for (const word of words) {
      if (lines.length > max) break;
      const joined = current ? `${current} ${word}` : word;
      if (doc.widthOfString(joined) <= room) {
        current = joined;
        continue;
      }
      if (current) lines.push(current);
      current = '';
      for (const char of word) {
        if (current && doc.widthOfString(current + char) > room) {
          lines.push(current);
          current = '';
        }
        current += char;
      }
    }
    lines.push(current);
    if (lines.length <= max) return lines;
    const kept = lines.slice(0, max);
    let last = kept[max - 1] ?? '';
    while (last && doc.widthOfString(`${last}...`) > room) last = last.slice(0, -1);
    kept[max - 1] = `${last}...`;
    return kept;
  };
  /** Starts a new page unless `height` fits on this one; says whether it did. */
  const room = (height: number) => {
    if (y + height <= bottom) return false;
    doc.addPage();
    y = page.margin;
    return true;
  };
  const cellFont = (column: Column) =>
    setFont(column.mono ? 'Courier' : 'Helvetica', column.mono ? size.mono : size.table);

  return {
    title(text: string) {
      setFont('Helvetica-Bold', 16);
      put(text, page.margin);
      y += 26;
    },
    heading(text: string) {
      room(4 * line);
      y += line / 2;
      setFont('Helvetica-Bold', 11);
      put(text, page.margin);
      doc.outline.addItem(text);
      y += line * 1.6;
    },
    paragraph(text: string, font: Font = 'Helvetica') {
      setFont(font, size.body);
      for (const row of wrap(text, contentWidth)) {
        room(line);
        put(row, page.margin);
        y += line;
      }
    },
    /** A label and its value (wrapped, at most 12 lines); `mono` for hashes and ids. */
    field(label: string, value: string, mono = false) {
      const labelWidth = 110;
      const valueFont = () => setFont(mono ? 'Courier' : 'Helvetica', mono ? size.mono + 1 : size.body);
      valueFont();
      const rows = wrap(value, contentWidth - labelWidth, 12);
      room(rows.length * line);
      setFont('Helvetica-Bold', size.body);
      put(label, page.margin);
      valueFont();
      for (const row of rows) {
        put(row, page.margin + labelWidth);
        y += line;
      }
    },
    table(columns: Column[], rows: Row[]) {
      const header = () => {
        setFont('Helvetica-Bold', size.table);
        let x = page.margin;
        for (const column of columns) {
          put(column.header, x);
          x += column.width;
        }
        y += line;
        doc
          .moveTo(page.margin, y - 2)
          .lineTo(page.margin + contentWidth, y - 2)
          .lineWidth(0.4)
          .stroke();
      };
      room(2 * line);
      header();
      for (const row of rows) {
        if (!Array.isArray(row)) {
          if (room(line)) header();
          setFont('Helvetica-Oblique', size.table);
          put(wrap(row.gap, contentWidth, 1)[0] ?? '', page.margin);
          y += line;
          continue;
        }
        const cells = columns.map((column, index) => {
          cellFont(column);
          return wrap(row[index] ?? '', column.width - 4, column.lines ?? 1);
        });
        const height = Math.max(...cells.map((cell) => cell.length)) * (line - 1);
        if (room(height)) header();
        let x = page.margin;
        for (const [index, column] of columns.entries()) {
          cellFont(column);
          for (const [at, text] of (cells[index] ?? []).entries()) put(text, x, y + at * (line - 1));
          x += column.width;
        }
        y += height + 1;
      }
      y += line / 2;
    },
    space(height: number) {
      y += height;
    },
    /** Keeps the next `lines` lines on one page (a block read as a whole). */
    keep(lines: number) {
      room(lines * line);
    },
    /** Writes `text(page, pages)` at the foot of every page (the document must buffer its pages). */
    footers(text: (at: number, of: number) => string) {
      const pages = doc.bufferedPageRange();
      for (let index = 0; index < pages.count; index += 1) {
        doc.switchToPage(pages.start + index);
        setFont('Helvetica', 7);
        put(text(index + 1, pages.count), page.margin, page.height - page.margin);
      }
    },
  };
}

export type LayoutWriter = ReturnType<typeof layoutWriter>;
