/** A record of a delimited text, with the line of the text it ends on (1-based). */
export interface TextRecord {
  cells: string[];
  line: number;
}

/**
 * Splits delimited text (CSV or a spreadsheet's tab-separated copy) into records: quoted cells may
 * hold the delimiter, doubled quotes and line breaks; CRLF and a byte order mark are fine. Blank
 * lines are skipped, as the lab's CSV import skips them, so record numbers match its report.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t'): TextRecord[] {
  const records: TextRecord[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let started = false;
  const endRecord = () => {
    cells.push(cell);
    if (started) records.push({ cells, line });
    cells = [];
    cell = '';
    started = false;
  };
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell === '') {
      quoted = true;
      started = true;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
      started = true;
    } else if (char === '\r' && source[index + 1] === '\n') {
    } else if (char === '\n' || char === '\r') {
      endRecord();
      line++;
    } else {
      cell += char;
      started = true;
    }
  }
  endRecord();
  return records;
}

/** A pasted text's delimiter: tabs when it has any (a spreadsheet copy), commas otherwise. */
export const delimiterOf = (text: string): ',' | '\t' => (text.includes('\t') ? '\t' : ',');
