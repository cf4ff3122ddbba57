import { crc32, deflateSync } from 'node:zlib';
import bwipjs from 'bwip-js';

export type LabelCode = 'datamatrix' | 'qr';

/** A 2D symbol as a square-ish grid of dark (true) and light modules, row by row. */
export interface ModuleMatrix {
  columns: number;
  rows: number;
  dark: (column: number, row: number) => boolean;
  /** Light modules a scanner needs around the symbol (ISO: 1 for DataMatrix, 4 for QR). */
  quietZone: number;
}

/**
 * What a label's code says: `<business id>|<uuid>`. The business id is there for people and for
 * systems that only know it; the uuid after the last `|` resolves the sample unambiguously
 * (`GET /api/samples/<uuid>`), whatever lab it is in and even if lab codes are renamed. Neither a
 * business id nor a uuid can contain `|`.
 */
export function labelPayload(sample: { id: string; sample_id: string }): string {
  return `${sample.sample_id}|${sample.id}`;
}

/** Encodes `text` as a DataMatrix (ECC 200) or QR code (error correction M). */
export function moduleMatrix(code: LabelCode, text: string): ModuleMatrix {
  const [symbol] =
    code === 'qr' ? bwipjs.raw('qrcode', text, 'eclevel=M') : bwipjs.raw('datamatrix', text, '');
  // A 2D symbol comes as pixels; bars (`bbs`) would mean a linear code.
  if (!symbol || !('pixs' in symbol) || !symbol.pixx || !symbol.pixy) {
    throw new Error(`bwip-js returned no ${code} symbol`);
  }
  const { pixs, pixx, pixy } = symbol;
  return {
    columns: pixx,
    rows: pixy,
    dark: (column, row) => pixs[row * pixx + column] === 1,
    quietZone: code === 'qr' ? 4 : 2,
  };
}

/** An 8-bit greyscale canvas (255 = white) that text and modules are painted onto. */
export interface Canvas {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function blankCanvas(width: number, height: number): Canvas {
  return { width, height, pixels: new Uint8Array(width * height).fill(255) };
}

/** Paints the symbol with its top-left module at (x, y), each module `size` pixels square. */
export function paintMatrix(canvas: Canvas, matrix: ModuleMatrix, x: number, y: number, size: number): void {
  for (let row = 0; row < matrix.rows; row += 1) {
    for (let column = 0; column < matrix.columns; column += 1) {
      if (!matrix.dark(column, row)) continue;
      for (let dy = 0; dy < size; dy += 1) {
        const start = (y + row * size + dy) * canvas.width + x + column * size;
        canvas.pixels.fill(0, start, start + size);
      }
    }
  }
}

const fontName = 'Inconsolata';

/** Only printable ASCII: the raster font bundled with bwip-js has no other glyphs. */
export const asciiOnly = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');

/** The width in pixels `text` takes in the bundled monospace font at `size` pixels. */
export function textWidth(text: string, size: number): number {
  const font = bwipjs.FontLib.lookup(fontName);
  let width = 0;
  for (const character of asciiOnly(text)) {
    width += bwipjs.FontLib.getglyph(font, character.charCodeAt(0), size, size).advance;
  }
  return width;
}

/** Paints `text` with its baseline at y; anything falling outside the canvas is clipped. */
export function paintText(canvas: Canvas, text: string, x: number, baseline: number, size: number): void {
  const font = bwipjs.FontLib.lookup(fontName);
  let pen = x;
  for (const character of asciiOnly(text)) {
    const glyph = bwipjs.FontLib.getglyph(font, character.charCodeAt(0), size, size);
    for (let j = 0; j < glyph.height; j += 1) {
      for (let i = 0; i < glyph.width; i += 1) {
        const alpha = glyph.bytes[glyph.offset + j * glyph.width + i] ?? 0;
        const px = pen + glyph.left + i;
        const py = baseline - glyph.top + j;
        if (alpha === 0 || px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
        const index = py * canvas.width + px;
        canvas.pixels[index] = Math.min(canvas.pixels[index] ?? 255, 255 - alpha);
      }
    }
    pen += glyph.advance;
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes the canvas as a greyscale PNG (no filtering: labels are small and mostly flat). */
export function encodePng(canvas: Canvas): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(canvas.width, 0);
  header.writeUInt32BE(canvas.height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter method, no interlace
  const raw = Buffer.alloc((canvas.width + 1) * canvas.height);
  for (let row = 0; row < canvas.height; row += 1) {
    const start = row * canvas.width;
    raw.set(canvas.pixels.subarray(start, start + canvas.width), row * (canvas.width + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
