/**
 * A JSON parser that remembers where each value is written, so a problem reported at a JSON pointer
 * (by the live check or by the server) is shown at its line, and a syntax error at its character.
 * `JSON.parse` gives neither reliably across browsers.
 */

/** Where something is in the text: 1-based line and column, and the 0-based character offset. */
export interface TextPlace {
  line: number;
  column: number;
  offset: number;
}

export interface JsonSyntaxError {
  message: string;
  place: TextPlace;
}

export interface LocatedJson {
  value: unknown;
  /** Each JSON pointer's place: an object member's key, an array item's first character. */
  places: Map<string, TextPlace>;
  /** Keys written twice in one object (JSON.parse would silently keep the last one). */
  duplicates: { path: string; place: TextPlace }[];
}

export type ParseResult = { ok: true; json: LocatedJson } | { ok: false; error: JsonSyntaxError };

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** The place of a character offset in a text. */
export function placeOf(text: string, offset: number): TextPlace {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

/** The offset at which a 1-based line starts (the text's end when it has fewer lines). */
export function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/**
 * The place of a JSON pointer in a parsed text; for a pointer that is not written there (a missing
 * field), the place of its nearest written ancestor: the object the field is missing from.
 */
export function placeOfPointer(json: LocatedJson, path: string): TextPlace | undefined {
  let at = path;
  for (;;) {
    const place = json.places.get(at);
    if (place) return place;
    if (at === '') return undefined;
    at = at.slice(0, Math.max(0, at.lastIndexOf('/')));
  }
}

class SyntaxProblem extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const describe = (char: string | undefined) =>
  char === undefined ? 'the end of the text' : char === '\n' ? 'a line break' : `"${char}"`;

/** Parses JSON text, with the place of every value, or the first syntax error and where it is. */
export function parseLocated(text: string): ParseResult {
  const places = new Map<string, TextPlace>();
  const duplicates: LocatedJson['duplicates'] = [];
  // Places are computed incrementally: offsets only grow while parsing.
  let lineNumber = 1;
  let lineStart = 0;
  let scanned = 0;
  const placeAt = (offset: number): TextPlace => {
    for (; scanned < offset; scanned++) {
      if (text.charCodeAt(scanned) === 10) {
        lineNumber++;
        lineStart = scanned + 1;
      }
    }
    return { line: lineNumber, column: offset - lineStart + 1, offset };
  };
  let index = 0;

  const fail = (message: string, at = index): never => {
    throw new SyntaxProblem(message, at);
  };
  const skipSpace = () => {
    for (;;) {
      const char = text[index];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') index++;
      else break;
    }
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[index] !== char) fail(`Expected ${what}, found ${describe(text[index])}`);
    index++;
  };

  const parseString = (): string => {
    const start = index;
    index++; // opening quote
    let out = '';
    for (;;) {
      const char = text[index];
      if (char === undefined || char === '\n') fail('This text is not closed by a quote (")', start);
      if (char === '"') {
        index++;
        return out;
      }
      if (char === '\\') {
        const escaped = text[index + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (escaped !== undefined && simple[escaped] !== undefined) {
          out += simple[escaped];
          index += 2;
        } else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(index + 2, index + 6), 16));
          index += 6;
        } else fail(`Unknown escape \\${escaped ?? ''} in text`);
      } else if ((char?.charCodeAt(0) ?? 0) < 0x20) {
        fail('A control character (such as a tab) must be escaped inside text');
      } else {
        out += char;
        index++;
      }
    }
  };

  const parseNumber = (): number => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index));
    if (!match) return fail(`Unexpected ${describe(text[index])}`);
    index += match[0].length;
    return Number(match[0]);
  };

  const parseValue = (path: string): unknown => {
    skipSpace();
    const char = text[index];
    if (!places.has(path)) places.set(path, placeAt(index));
    if (char === '{') return parseObject(path);
    if (char === '[') return parseArray(path);
    if (char === '"') return parseString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return parseNumber();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, index)) {
        index += word.length;
        return value;
      }
    }
    if (char === "'") return fail('Text is written in double quotes (") in JSON');
    if (char === undefined) return fail('A value is missing at the end of the text');
    return fail(`Expected a value, found ${describe(char)}`);
  };

  const parseObject = (path: string): Record<string, unknown> => {
    index++; // {
    const out: Record<string, unknown> = {};
    skipSpace();
    if (text[index] === '}') {
      index++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[index] !== '"') {
        if (text[index] === '}') fail('Remove the comma before "}" (JSON allows no trailing comma)');
        fail(`Expected a field name in double quotes, found ${describe(text[index])}`);
      }
      const keyAt = index;
      const key = parseString();
      const at = pointer(path, key);
      if (Object.hasOwn(out, key)) duplicates.push({ path: at, place: placeAt(keyAt) });
      else places.set(at, placeAt(keyAt));
      expect(':', '":" after the field name');
      out[key] = parseValue(at);
      skipSpace();
      if (text[index] === ',') {
        index++;
        continue;
      }
      if (text[index] === '}') {
        index++;
        return out;
      }
      fail(`Expected "," or "}" after the value of ${key}, found ${describe(text[index])}`);
    }
  };

  const parseArray = (path: string): unknown[] => {
    index++; // [
    const out: unknown[] = [];
    skipSpace();
    if (text[index] === ']') {
      index++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[index] === ']') fail('Remove the comma before "]" (JSON allows no trailing comma)');
      out.push(parseValue(pointer(path, out.length)));
      skipSpace();
      if (text[index] === ',') {
        index++;
        continue;
      }
      if (text[index] === ']') {
        index++;
        return out;
      }
      fail(`Expected "," or "]" after an item, found ${describe(text[index])}`);
    }
  };

  try {
    skipSpace();
    if (index >= text.length) fail('The definition is empty');
    const value = parseValue('');
    skipSpace();
    if (index < text.length) fail(`Unexpected ${describe(text[index])} after the end of the document`);
    return { ok: true, json: { value, places, duplicates } };
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    return { ok: false, error: { message: error.message, place: placeOf(text, error.offset) } };
  }
}
