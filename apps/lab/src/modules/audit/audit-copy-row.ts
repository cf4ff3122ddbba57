import { hash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { type AuditFields, auditHash } from './audit-hash.ts';

/**
 * Audit entries as a binary `COPY` sends them, hashed without building JS values: the entry's RFC 8785
 * canonical JSON is assembled byte for byte from the row's bytes (PostgreSQL's UTF-8 is already what
 * `JSON.stringify` would encode for a string without quotes, backslashes or control characters), so
 * verifying an entry costs two buffer passes and three SHA-256 calls instead of decoding fifteen
 * columns, parsing two JSON documents and re-serialising them. Anything the fast path is not sure of
 * (an escaped character, a key outside the plain range, a number JavaScript would print differently,
 * an odd timestamp, deep nesting) takes the reference path instead: the row decoded into the exact
 * values the pool's parsers give and hashed with `auditHash`. Same bytes, same errors.
 */

/** The `COPY` select: the columns in this order, odd timestamps (not a 4-digit year) also as text. */
export function auditCopyQuery(afterSeq: number, throughSeq: number | null): string {
  if (!Number.isSafeInteger(afterSeq) || (throughSeq !== null && !Number.isSafeInteger(throughSeq))) {
    throw new RangeError('audit range bounds must be integers');
  }
  return `copy (select seq, occurred_at,
      case when occurred_at >= '1000-01-01 00:00:00+00' and occurred_at < '10000-01-01 00:00:00+00'
        then null else occurred_at::text end,
      actor_id, actor_email, action, entity_type, entity_id, before, after, reason, request_id, client_ip,
      prev_hash, hash, mac
    from audit_entries where seq > ${afterSeq}${throughSeq === null ? '' : ` and seq <= ${throughSeq}`}
    order by seq) to stdout with (format binary)`;
}

const fieldCount = 16;
const F = {
  seq: 0,
  occurredAt: 1,
  oddTime: 2,
  actorId: 3,
  actorEmail: 4,
  action: 5,
  entityType: 6,
  entityId: 7,
  before: 8,
  after: 9,
  reason: 10,
  requestId: 11,
  clientIp: 12,
  prevHash: 13,
  hash: 14,
  mac: 15,
} as const;

const ascii = (text: string) => Buffer.from(text, 'latin1');
const lit = {
  action: ascii('{"action":'),
  actorEmail: ascii(',"actor_email":'),
  actorId: ascii(',"actor_id":'),
  after: ascii(',"after":'),
  before: ascii(',"before":'),
  clientIp: ascii(',"client_ip":'),
  entityId: ascii(',"entity_id":'),
  entityType: ascii(',"entity_type":'),
  occurredAt: ascii(',"occurred_at":"'),
  prevHash: ascii('","prev_hash":'),
  reason: ascii(',"reason":'),
  requestId: ascii(',"request_id":'),
  seq: ascii(',"seq":'),
  null: ascii('null'),
};
const hexDigits = ascii('0123456789abcdef');
const epoch2000Ms = 946_684_800_000;
const signature = ascii('PGCOPY\n\xff\r\n\0');
/** Nesting the fast path leaves to the reference path (which refuses past 64 levels, as it always did). */
const fastDepth = 48;

/** One entry as read: where each field lies in `src` (length -1 for NULL). */
export interface CopyRow {
  src: Buffer;
  start: Int32Array;
  length: Int32Array;
}

/**
 * Hashes entries from binary COPY rows and checks seals, with scratch buffers reused row after row.
 * One per thread.
 */
export class AuditRowChecker {
  private out = Buffer.allocUnsafe(1 << 16);
  private tmp = Buffer.allocUnsafe(1 << 16);
  private o = 0;
  /** Member bookkeeping of open objects: [keyStart, keyEnd, outStart, outEnd] each. */
  private members = new Int32Array(4 * 1024);
  private memberTop = 0;
  private readonly inner = Buffer.alloc(128);
  private readonly outer = Buffer.alloc(96);
  private dayStart = Number.NaN;
  private dayText = '';
  /** Entries hashed by the reference path (the fast path was not sure of them). */
  referencePath = 0;

  constructor(macKey: KeyObject) {
    // HMAC-SHA-256 (RFC 2104) over the 64-character hash, as two one-shot hashes with the padded keys
    // prepared once: the same value `createHmac` gives, for a third of its cost.
    let key = macKey.export();
    if (key.length > 64) key = hash('sha256', key, 'buffer');
    for (let i = 0; i < 64; i += 1) {
      this.inner[i] = (key[i] ?? 0) ^ 0x36;
      this.outer[i] = (key[i] ?? 0) ^ 0x5c;
    }
  }

  /**
   * Whether the stored `mac` is the server's seal on the stored hash (what `auditMacValid` says: the
   * HMAC's lowercase hex, compared in constant time).
   */
  sealValid(row: CopyRow): boolean {
    const { src, start, length } = row;
    if (length[F.mac] !== 64) return false; // NULL, or not 64 characters of hex
    if (length[F.hash] !== 64) return this.sealValidSlow(row);
    const macAt = start[F.mac]!;
    const hashAt = start[F.hash]!;
    const inner = this.inner;
    for (let i = 0; i < 64; i += 1) inner[64 + i] = src[hashAt + i]!;
    const innerDigest = hash('sha256', inner, 'buffer');
    const outer = this.outer;
    for (let i = 0; i < 32; i += 1) outer[64 + i] = innerDigest[i]!;
    const expected = hash('sha256', outer, 'buffer');
    let difference = 0;
    for (let i = 0; i < 32; i += 1) {
      const byte = expected[i]!;
      difference |=
        (src[macAt + 2 * i]! ^ hexDigits[byte >> 4]!) | (src[macAt + 2 * i + 1]! ^ hexDigits[byte & 15]!);
    }
    return difference === 0;
  }

  /** A hash field that is not 64 bytes: the HMAC over its UTF-8 text, as `auditMac` computes it. */
  private sealValidSlow(row: CopyRow): boolean {
    const entryHash = text(row, F.hash) ?? '';
    const message = Buffer.concat([this.inner.subarray(0, 64), Buffer.from(entryHash, 'utf8')]);
    const innerDigest = hash('sha256', message, 'buffer');
    const expected = hash('sha256', Buffer.concat([this.outer.subarray(0, 64), innerDigest]), 'buffer');
    const mac = text(row, F.mac) ?? '';
    if (!/^[0-9a-f]{64}$/.test(mac)) return false;
    return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
  }

  /** The entry's seq (as the pool reads an int8). */
  seq(row: CopyRow): number {
    return readSeq(row);
  }

  /** Whether the entry's `prev_hash` is `previous` (its bytes: equal bytes, equal UTF-8 text). */
  linksTo(row: CopyRow, previous: Buffer, previousLength: number): boolean {
    if (row.length[F.prevHash] !== previousLength) return false;
    const src = row.src;
    const at = row.start[F.prevHash]!;
    for (let i = 0; i < previousLength; i += 1) if (src[at + i] !== previous[i]) return false;
    return true;
  }

  /** Copies the entry's stored hash into `into` (grown if need be); returns its length and the buffer. */
  keepHash(row: CopyRow, into: Buffer): Buffer {
    const length = Math.max(row.length[F.hash]!, 0);
    const target = into.length >= length ? into : Buffer.alloc(length);
    const src = row.src;
    const at = row.start[F.hash]!;
    for (let i = 0; i < length; i += 1) target[i] = src[at + i]!;
    return target;
  }

  hashLength(row: CopyRow): number {
    return Math.max(row.length[F.hash]!, 0);
  }

  prevHashText(row: CopyRow): string | null {
    return text(row, F.prevHash);
  }

  /** Whether the entry hashes (SHA-256 over its canonical JSON, lowercase hex) to its stored hash. */
  hashValid(row: CopyRow, seq: number): boolean {
    const canonical = this.canonical(row, seq);
    if (canonical === null) {
      this.referencePath += 1;
      return auditHash(this.fields(row, seq)) === text(row, F.hash);
    }
    if (row.length[F.hash] !== 64) return false;
    const digest = hash('sha256', canonical, 'buffer');
    const src = row.src;
    const at = row.start[F.hash]!;
    for (let i = 0; i < 32; i += 1) {
      const byte = digest[i]!;
      if (src[at + 2 * i] !== hexDigits[byte >> 4] || src[at + 2 * i + 1] !== hexDigits[byte & 15])
        return false;
    }
    return true;
  }

  /** The row as the pool's parsers give it (see type-parsers.ts): the reference path's input. */
  fields(row: CopyRow, seq: number): AuditFields {
    const json = (index: number) => {
      if (row.length[index]! < 0) return null;
      const at = row.start[index]!;
      return JSON.parse(row.src.toString('utf8', at + 1, at + row.length[index]!));
    };
    // Outside years 1000-9999 (and for infinity) the pool's `isoTimestamp` hands PostgreSQL's UTC text
    // through unchanged; inside, its text and the microseconds truncated to milliseconds hash the same.
    const odd = text(row, F.oddTime);
    return {
      seq,
      occurred_at: odd ?? new Date(this.timeMs(row)).toISOString(),
      actor_id: row.length[F.actorId]! < 0 ? null : uuidText(row.src, row.start[F.actorId]!),
      actor_email: text(row, F.actorEmail),
      action: text(row, F.action) as string,
      entity_type: text(row, F.entityType) as string,
      entity_id: text(row, F.entityId),
      before: json(F.before),
      after: json(F.after),
      reason: text(row, F.reason),
      request_id: text(row, F.requestId),
      client_ip: text(row, F.clientIp),
      prev_hash: text(row, F.prevHash) as string,
    };
  }

  private timeMs(row: CopyRow): number {
    const at = row.start[F.occurredAt]!;
    const micros = row.src.readInt32BE(at) * 4_294_967_296 + row.src.readUInt32BE(at + 4);
    return Math.floor(micros / 1000) + epoch2000Ms;
  }

  /** The canonical JSON's bytes, or null when the reference path must decide. */
  private canonical(row: CopyRow, seq: number): Buffer | null {
    const { src, start, length } = row;
    if (length[F.oddTime]! >= 0 || length[F.occurredAt] !== 8) return null;
    // Never longer than twice the row (a uuid and the time grow, nothing else does) plus the keys.
    const need = 256 + src.length * 2;
    if (need > this.out.length) {
      this.out = Buffer.allocUnsafe(need * 2);
      this.tmp = Buffer.allocUnsafe(need * 2);
    }
    this.o = 0;
    this.memberTop = 0;
    if (!this.literal(lit.action) || !this.string(src, start[F.action]!, length[F.action]!)) return null;
    if (!this.literal(lit.actorEmail) || !this.string(src, start[F.actorEmail]!, length[F.actorEmail]!))
      return null;
    this.literal(lit.actorId);
    if (length[F.actorId]! < 0) this.literal(lit.null);
    else if (length[F.actorId] === 16) this.uuid(src, start[F.actorId]!);
    else return null;
    this.literal(lit.after);
    if (!this.jsonb(src, start[F.after]!, length[F.after]!)) return null;
    this.literal(lit.before);
    if (!this.jsonb(src, start[F.before]!, length[F.before]!)) return null;
    if (!this.literal(lit.clientIp) || !this.string(src, start[F.clientIp]!, length[F.clientIp]!))
      return null;
    if (!this.literal(lit.entityId) || !this.string(src, start[F.entityId]!, length[F.entityId]!))
      return null;
    if (!this.literal(lit.entityType) || !this.string(src, start[F.entityType]!, length[F.entityType]!))
      return null;
    this.literal(lit.occurredAt);
    this.time(this.timeMs(row));
    this.literal(lit.prevHash);
    if (!this.string(src, start[F.prevHash]!, length[F.prevHash]!)) return null;
    if (!this.literal(lit.reason) || !this.string(src, start[F.reason]!, length[F.reason]!)) return null;
    if (!this.literal(lit.requestId) || !this.string(src, start[F.requestId]!, length[F.requestId]!))
      return null;
    this.literal(lit.seq);
    this.ascii(String(seq));
    this.out[this.o++] = 0x7d; // }
    return this.out.subarray(0, this.o);
  }

  private literal(bytes: Buffer): true {
    const out = this.out;
    let o = this.o;
    for (let i = 0; i < bytes.length; i += 1) out[o++] = bytes[i]!;
    this.o = o;
    return true;
  }

  private ascii(value: string): void {
    for (let i = 0; i < value.length; i += 1) this.out[this.o++] = value.charCodeAt(i);
  }

  /** A text value as a JSON string: its UTF-8 between quotes, when nothing in it needs escaping. */
  private string(src: Buffer, at: number, length: number): boolean {
    const out = this.out;
    if (length < 0) {
      this.literal(lit.null);
      return true;
    }
    let o = this.o;
    out[o++] = 0x22;
    for (let i = at, end = at + length; i < end; i += 1) {
      const c = src[i]!;
      if (c === 0x22 || c === 0x5c || c < 0x20) return false;
      out[o++] = c;
    }
    out[o++] = 0x22;
    this.o = o;
    return true;
  }

  private uuid(src: Buffer, at: number): void {
    const out = this.out;
    let o = this.o;
    out[o++] = 0x22;
    for (let i = 0; i < 16; i += 1) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = 0x2d;
      const byte = src[at + i]!;
      out[o++] = hexDigits[byte >> 4]!;
      out[o++] = hexDigits[byte & 15]!;
    }
    out[o++] = 0x22;
    this.o = o;
  }

  /** `YYYY-MM-DDTHH:MM:SS.mmmZ` for a time in years 1000-9999 (the date text cached per day). */
  private time(ms: number): void {
    const day = Math.floor(ms / 86_400_000) * 86_400_000;
    if (day !== this.dayStart) {
      this.dayStart = day;
      this.dayText = new Date(day).toISOString().slice(0, 11);
    }
    this.ascii(this.dayText);
    let rest = ms - day;
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const second = rest % 60;
    rest = (rest - second) / 60;
    const minute = rest % 60;
    const hour = (rest - minute) / 60;
    const out = this.out;
    let o = this.o;
    out[o++] = 48 + Math.floor(hour / 10);
    out[o++] = 48 + (hour % 10);
    out[o++] = 0x3a;
    out[o++] = 48 + Math.floor(minute / 10);
    out[o++] = 48 + (minute % 10);
    out[o++] = 0x3a;
    out[o++] = 48 + Math.floor(second / 10);
    out[o++] = 48 + (second % 10);
    out[o++] = 0x2e;
    out[o++] = 48 + Math.floor(milli / 100);
    out[o++] = 48 + (Math.floor(milli / 10) % 10);
    out[o++] = 48 + (milli % 10);
    out[o++] = 0x5a;
    this.o = o;
  }

  /** A jsonb value (binary: a version byte, then PostgreSQL's JSON text) in canonical form. */
  private jsonb(src: Buffer, at: number, length: number): boolean {
    if (length < 0) {
      this.literal(lit.null);
      return true;
    }
    if (length < 2 || src[at] !== 1) return false;
    const end = at + length;
    const after = this.value(src, skipSpace(src, at + 1, end), end, 1);
    return after >= 0 && skipSpace(src, after, end) === end;
  }

  /** Writes the canonical form of the JSON value at `i`; returns where it ends, or -1 to give up. */
  private value(src: Buffer, i: number, end: number, depth: number): number {
    if (i >= end) return -1;
    const c = src[i]!;
    if (c === 0x22) return this.jsonString(src, i, end, false);
    if (c === 0x7b) return depth >= fastDepth ? -1 : this.object(src, i, end, depth);
    if (c === 0x5b) return depth >= fastDepth ? -1 : this.array(src, i, end, depth);
    if (c === 0x74) return this.word(src, i, end, 'true');
    if (c === 0x66) return this.word(src, i, end, 'false');
    if (c === 0x6e) return this.word(src, i, end, 'null');
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(src, i, end);
    return -1;
  }

  /** A string copied as it is, when it has no escapes (and, for a key, sorts the same in UTF-8 and UTF-16). */
  private jsonString(src: Buffer, i: number, end: number, key: boolean): number {
    const out = this.out;
    let o = this.o;
    out[o++] = 0x22;
    for (let j = i + 1; j < end; j += 1) {
      const c = src[j]!;
      if (c === 0x22) {
        out[o++] = 0x22;
        this.o = o;
        return j + 1;
      }
      if (c === 0x5c || c < 0x20 || (key && c >= 0xee)) return -1;
      out[o++] = c;
    }
    return -1;
  }

  private word(src: Buffer, i: number, end: number, word: string): number {
    if (i + word.length > end) return -1;
    for (let j = 0; j < word.length; j += 1) if (src[i + j] !== word.charCodeAt(j)) return -1;
    this.ascii(word);
    return i + word.length;
  }

  /**
   * A number as PostgreSQL prints a numeric, kept when JavaScript prints that value the same way: no
   * exponent, no trailing fraction zeros, at most 15 significant digits (a double holds those
   * exactly and prints the shortest form), not below 1e-6, not -0.
   */
  private number(src: Buffer, i: number, end: number): number {
    let j = i;
    if (src[j] === 0x2d) j += 1;
    const intStart = j;
    while (j < end && src[j]! >= 0x30 && src[j]! <= 0x39) j += 1;
    const intDigits = j - intStart;
    if (intDigits === 0 || (intDigits > 1 && src[intStart] === 0x30)) return -1;
    const intZero = intDigits === 1 && src[intStart] === 0x30;
    let significant = intZero ? 0 : intDigits;
    if (src[j] === 0x2e) {
      j += 1;
      const fracStart = j;
      while (j < end && src[j]! >= 0x30 && src[j]! <= 0x39) j += 1;
      if (j === fracStart || src[j - 1] === 0x30) return -1;
      let leadingZeros = 0;
      if (intZero) {
        while (src[fracStart + leadingZeros] === 0x30) leadingZeros += 1;
        if (leadingZeros > 5) return -1;
      }
      significant += j - fracStart - leadingZeros;
    } else if (intZero && src[i] === 0x2d) {
      return -1;
    }
    if (significant > 15) return -1;
    if (j < end) {
      const c = src[j]!;
      if (c === 0x65 || c === 0x45 || c === 0x2e || (c >= 0x30 && c <= 0x39)) return -1;
    }
    const out = this.out;
    let o = this.o;
    for (let k = i; k < j; k += 1) out[o++] = src[k]!;
    this.o = o;
    return j;
  }

  private array(src: Buffer, i: number, end: number, depth: number): number {
    this.out[this.o++] = 0x5b;
    let j = skipSpace(src, i + 1, end);
    if (src[j] === 0x5d) {
      this.out[this.o++] = 0x5d;
      return j + 1;
    }
    for (;;) {
      j = this.value(src, j, end, depth + 1);
      if (j < 0) return -1;
      j = skipSpace(src, j, end);
      const c = src[j];
      if (c === 0x5d) {
        this.out[this.o++] = 0x5d;
        return j + 1;
      }
      if (c !== 0x2c) return -1;
      this.out[this.o++] = 0x2c;
      j = skipSpace(src, j + 1, end);
    }
  }

  /** An object's members written as they come, then put in RFC 8785 order (UTF-16 code units of the keys). */
  private object(src: Buffer, i: number, end: number, depth: number): number {
    const out = this.out;
    out[this.o++] = 0x7b;
    let j = skipSpace(src, i + 1, end);
    if (src[j] === 0x7d) {
      out[this.o++] = 0x7d;
      return j + 1;
    }
    const base = this.memberTop;
    const regionStart = this.o;
    const m = this.members;
    for (;;) {
      if (src[j] !== 0x22) return -1;
      if (this.memberTop + 4 > m.length) return -1;
      if (this.memberTop > base) out[this.o++] = 0x2c; // written in order, the members need nothing more
      const outStart = this.o;
      const keyEnd = this.jsonString(src, j, end, true);
      if (keyEnd < 0) return -1;
      const slot = this.memberTop;
      this.memberTop += 4;
      m[slot] = j + 1;
      m[slot + 1] = keyEnd - 1;
      j = skipSpace(src, keyEnd, end);
      if (src[j] !== 0x3a) return -1;
      out[this.o++] = 0x3a;
      j = this.value(src, skipSpace(src, j + 1, end), end, depth + 1);
      if (j < 0) return -1;
      m[slot + 2] = outStart;
      m[slot + 3] = this.o;
      // Nested objects below reuse the stack above this member.
      this.memberTop = slot + 4;
      j = skipSpace(src, j, end);
      const c = src[j];
      if (c === 0x7d) {
        j += 1;
        break;
      }
      if (c !== 0x2c) return -1;
      j = skipSpace(src, j + 1, end);
    }
    const count = (this.memberTop - base) / 4;
    // Insertion sort of the member records by key bytes (plain keys: UTF-8 order is UTF-16 order).
    let sorted = true;
    for (let k = 1; k < count; k += 1) {
      const at = base + k * 4;
      const keyStart = m[at]!;
      const keyEnd = m[at + 1]!;
      const outStart = m[at + 2]!;
      const outEnd = m[at + 3]!;
      let p = at - 4;
      while (p >= base && compareKeys(src, m[p]!, m[p + 1]!, keyStart, keyEnd) > 0) {
        m[p + 4] = m[p]!;
        m[p + 5] = m[p + 1]!;
        m[p + 6] = m[p + 2]!;
        m[p + 7] = m[p + 3]!;
        p -= 4;
      }
      if (p !== at - 4) {
        sorted = false;
        m[p + 4] = keyStart;
        m[p + 5] = keyEnd;
        m[p + 6] = outStart;
        m[p + 7] = outEnd;
      }
    }
    let o = this.o;
    if (sorted) {
      out[o++] = 0x7d;
      this.o = o;
      this.memberTop = base;
      return j;
    }
    const regionEnd = o;
    const tmp = this.tmp;
    for (let k = regionStart; k < regionEnd; k += 1) tmp[k - regionStart] = out[k]!;
    o = regionStart;
    for (let k = 0; k < count; k += 1) {
      const slot = base + k * 4;
      if (k > 0) out[o++] = 0x2c;
      const from = m[slot + 2]! - regionStart;
      const to = m[slot + 3]! - regionStart;
      for (let x = from; x < to; x += 1) out[o++] = tmp[x]!;
    }
    out[o++] = 0x7d;
    this.o = o;
    this.memberTop = base;
    return j;
  }
}

function compareKeys(src: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i += 1) {
    const d = src[aStart + i]! - src[bStart + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

function skipSpace(src: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = src[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i += 1;
  }
  return i;
}

function text(row: CopyRow, index: number): string | null {
  const length = row.length[index]!;
  if (length < 0) return null;
  const at = row.start[index]!;
  return row.src.toString('utf8', at, at + length);
}

function uuidText(src: Buffer, at: number): string {
  const hex = src.toString('hex', at, at + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** int8 as the pool reads it: a number, or the pool's error beyond 2^53. */
function readSeq(row: CopyRow): number {
  if (row.length[F.seq] !== 8) throw new Error('audit seq is not an int8');
  const at = row.start[F.seq]!;
  const high = row.src.readInt32BE(at);
  const value = high * 4_294_967_296 + row.src.readUInt32BE(at + 4);
  if (!Number.isSafeInteger(value) || high >= 0x200000 || high < -0x200000) {
    const text = row.src.readBigInt64BE(at).toString();
    if (!Number.isSafeInteger(Number(text)))
      throw new RangeError(`bigint ${text} is beyond 2^53 and cannot be read exactly`);
    return Number(text);
  }
  return value;
}

/**
 * Splits binary COPY data (one CopyData message at a time) into rows. PostgreSQL sends a row per
 * message (the header with the first); a row split across messages is refused rather than guessed.
 */
export class BinaryCopyRows {
  private headerSeen = false;
  private readonly row: CopyRow = {
    src: Buffer.alloc(0),
    start: new Int32Array(fieldCount),
    length: new Int32Array(fieldCount),
  };

  /** Calls `onRow` for each row in `chunk` (the same object each time, valid during the call). */
  push(chunk: Buffer, onRow: (row: CopyRow) => void): void {
    let i = 0;
    if (!this.headerSeen) {
      if (chunk.length < 19 || !chunk.subarray(0, 11).equals(signature))
        throw new Error('not binary COPY data');
      i = 19 + chunk.readInt32BE(15);
      this.headerSeen = true;
    }
    const row = this.row;
    row.src = chunk;
    const start = row.start;
    const lengths = row.length;
    const end = chunk.length;
    while (i < end) {
      const count = chunk.readInt16BE(i);
      i += 2;
      if (count === -1) return;
      if (count !== fieldCount) throw new Error(`binary COPY row of ${count} fields, expected ${fieldCount}`);
      if (i + 4 * fieldCount > end) throw new Error('binary COPY row split across messages');
      for (let f = 0; f < fieldCount; f += 1) {
        // A big-endian int32 by hand (-1 for NULL): the hottest loop of the reader.
        const length = (chunk[i]! << 24) | (chunk[i + 1]! << 16) | (chunk[i + 2]! << 8) | chunk[i + 3]!;
        i += 4;
        start[f] = i;
        lengths[f] = length;
        if (length > 0) i += length;
      }
      if (i > end) throw new Error('binary COPY row split across messages');
      onRow(row);
    }
  }
}
