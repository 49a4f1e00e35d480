// Inspection of one buffer (packet payload, stream chunk, or an app-layer sticky buffer)
// against one rule's ordered match list: content, pcre, byte_test, byte_jump, byte_extract,
// isdataat, bsize, urilen. Semantics follow Suricata's DetectEngineContentInspection:
//
//   * a content without distance/within searches [offset, offset + depth) of the buffer;
//   * a relative content (distance/within) searches from the previous match's end + distance,
//     and must end within prevEnd + distance + within;
//   * when a later relative entry fails, an earlier content is retried at its next occurrence
//     (bounded by a recursion budget, as Suricata's inspection_recursion_limit);
//   * negated contents fail the list when found and never move the cursor;
//   * pcre with /R starts at the previous match's end; byte_jump and byte_extract move the cursor.
//
// Nothing here allocates per call except the latin1 string a pcre candidate needs.

import { isAscii } from 'node:buffer';
import type {
  ByteEndian,
  ByteExtractMatch,
  ByteJumpMatch,
  ByteStringBase,
  ByteTestMatch,
  ContentMatch,
  IntOrVar,
  IsdataatMatch,
  MatchEntry,
  PcreMatch,
  UintCompare,
} from '../rules/types.js';
import type { RegexRunner } from './regex.js';

export const E_CONTENT = 0;
export const E_PCRE = 1;
export const E_BYTE_TEST = 2;
export const E_BYTE_JUMP = 3;
export const E_BYTE_EXTRACT = 4;
export const E_ISDATAAT = 5;
export const E_BSIZE = 6;
export const E_URILEN = 7;

/** One entry of a compiled list. */
export interface CompiledEntry {
  readonly kind: number;
  readonly entry: MatchEntry;
  /** Content: the pattern as a Buffer (for Buffer.indexOf); lower-cased when nocase. */
  readonly pat: Buffer;
  /** This entry is positioned relative to the previous match. */
  readonly relative: boolean;
  /** The next entry is relative to this one: a failure after it may be cured by moving this one. */
  readonly relNext: boolean;
  /** pcre: the compiled runner. */
  readonly regex: RegexRunner | null;
}

export interface CompiledList {
  readonly entries: readonly CompiledEntry[];
  /** bsize-only / urilen-only lists still need the buffer to exist. */
  readonly varIndex: ReadonlyMap<string, number>;
}

const LOWER = new Uint8Array(256);
for (let b = 0; b < 256; b++) LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;

function isRelative(e: MatchEntry): boolean {
  switch (e.kind) {
    case 'content':
      return e.distance !== undefined || e.within !== undefined;
    case 'pcre':
    case 'byte_test':
    case 'byte_jump':
    case 'byte_extract':
    case 'isdataat':
      return e.relative;
    default:
      return false;
  }
}

const KIND: Record<MatchEntry['kind'], number> = {
  content: E_CONTENT,
  pcre: E_PCRE,
  byte_test: E_BYTE_TEST,
  byte_jump: E_BYTE_JUMP,
  byte_extract: E_BYTE_EXTRACT,
  isdataat: E_ISDATAAT,
  bsize: E_BSIZE,
  urilen: E_URILEN,
};

const EMPTY = Buffer.alloc(0);

export function compileList(
  matches: readonly MatchEntry[],
  varIndex: ReadonlyMap<string, number>,
  makeRegex: (m: PcreMatch) => RegexRunner,
): CompiledList {
  const entries: CompiledEntry[] = [];
  for (let i = 0; i < matches.length; i++) {
    const e = matches[i]!;
    const next = matches[i + 1];
    let pat = EMPTY;
    if (e.kind === 'content') {
      pat = Buffer.from(e.pattern);
      if (e.nocase) for (let j = 0; j < pat.length; j++) pat[j] = LOWER[pat[j]!]!;
    }
    entries.push({
      kind: KIND[e.kind],
      entry: e,
      pat,
      relative: isRelative(e),
      relNext: next !== undefined && isRelative(next),
      regex: e.kind === 'pcre' ? makeRegex(e) : null,
    });
  }
  return { entries, varIndex };
}

/** Case-insensitive search of lower-cased `pat` in hay[from, to); -1 when absent. */
function indexOfNocase(hay: Buffer, pat: Buffer, from: number, to: number): number {
  const n = pat.length;
  const last = to - n;
  const first = pat[0]!;
  for (let i = from; i <= last; i++) {
    if (LOWER[hay[i]!] !== first) continue;
    let j = 1;
    while (j < n && LOWER[hay[i + j]!] === pat[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

/** First occurrence of the content's pattern starting at or after `from` and ending by `to`. */
function find(hay: Buffer, c: CompiledEntry, from: number, to: number): number {
  const pat = c.pat;
  if (to - from < pat.length) return -1;
  if ((c.entry as ContentMatch).nocase) return indexOfNocase(hay, pat, from, to);
  const i = hay.indexOf(pat, from);
  return i >= 0 && i + pat.length <= to ? i : -1;
}

/** Reusable inspection state; one per engine (inspection is synchronous). */
export class PayloadInspector {
  /** The buffer being inspected, exactly [0, length). */
  buf: Buffer = EMPTY;
  /** byte_extract values of the rule under inspection. */
  readonly vars = new Float64Array(64);
  /** Furthest match end of the successful path (stream window checks). */
  lastEnd = -1;
  /** The latin1 text of buf for pcre, made once per buffer when a pcre needs it. */
  private text: string | null = null;
  /** Is buf all ASCII (RE2 then runs on the bytes: no string to make)? 0 not known yet, 1 yes, 2 no. */
  private ascii = 0;
  private budget = 0;
  /** Inspections stopped by the recursion budget (stats). */
  budgetExhausted = 0;

  constructor(private readonly recursionLimit = 3000) {}

  /** Inspect `buf` (a view of exactly the buffer) with a compiled list. */
  run(list: CompiledList, buf: Buffer): boolean {
    if (this.buf !== buf) {
      this.buf = buf;
      this.text = null;
      this.ascii = 0;
    }
    this.lastEnd = -1;
    this.budget = this.recursionLimit;
    return this.step(list.entries, 0, 0, list.varIndex);
  }

  /** Forget the cached text (the caller reuses a scratch buffer with new bytes). */
  invalidate(): void {
    this.buf = EMPTY;
    this.text = null;
    this.ascii = 0;
  }

  /**
   * What a regex runs on: the bytes themselves for RE2 when they are all ASCII (then UTF-8,
   * which RE2 reads, and latin1, which the patterns are written for, are the same text, and
   * RE2 need not convert a new string on every call), else the latin1 text.
   */
  private subjectFor(regex: RegexRunner, buf: Buffer, len: number): string | Buffer {
    if (regex.engine === 're2') {
      if (this.ascii === 0) this.ascii = isAscii(buf) ? 1 : 2;
      if (this.ascii === 1) return buf;
    }
    if (this.text === null) this.text = buf.toString('latin1', 0, len);
    return this.text;
  }

  private value(v: IntOrVar | undefined, vars: ReadonlyMap<string, number>, dflt: number): number {
    if (v === undefined) return dflt;
    if (typeof v === 'number') return v;
    const i = vars.get(v);
    return i === undefined ? dflt : this.vars[i]!;
  }

  private step(entries: readonly CompiledEntry[], i: number, prevEnd: number, vars: ReadonlyMap<string, number>): boolean {
    if (i >= entries.length) return true;
    if (--this.budget < 0) {
      if (this.budget === -1) this.budgetExhausted++;
      return false;
    }
    const ce = entries[i]!;
    const buf = this.buf;
    const len = buf.length;
    switch (ce.kind) {
      case E_CONTENT: {
        const c = ce.entry as ContentMatch;
        let from: number;
        let to = len;
        if (ce.relative) {
          const distance = this.value(c.distance, vars, 0);
          from = prevEnd + distance;
          if (from < 0) from = 0;
          if (c.within !== undefined) {
            const lim = prevEnd + distance + this.value(c.within, vars, 0);
            if (lim < to) to = lim;
          }
          if (c.depth !== undefined) {
            const lim = prevEnd + this.value(c.depth, vars, len);
            if (lim < to) to = lim;
          }
        } else {
          from = this.value(c.offset, vars, 0);
          if (c.depth !== undefined) {
            const lim = from + this.value(c.depth, vars, len);
            if (lim < to) to = lim;
          }
        }
        const n = ce.pat.length;
        if (c.endswith) {
          // Only an occurrence that ends at the buffer's end counts.
          if (to < len) to = -1;
          else if (len - n >= from) from = len - n;
          else to = -1;
        }
        if (c.negated) {
          if (to >= 0 && find(buf, ce, from, to) >= 0) return false;
          return this.step(entries, i + 1, prevEnd, vars);
        }
        if (to < 0) return false;
        let pos = find(buf, ce, from, to);
        while (pos >= 0) {
          const end = pos + n;
          if (this.step(entries, i + 1, end, vars)) {
            if (end > this.lastEnd) this.lastEnd = end;
            return true;
          }
          if (!ce.relNext || this.budget < 0) return false;
          pos = find(buf, ce, pos + 1, to);
        }
        return false;
      }
      case E_PCRE: {
        const m = ce.entry as PcreMatch;
        const start = m.relative ? prevEnd : 0;
        if (start > len) return m.negated && this.step(entries, i + 1, prevEnd, vars);
        const regex = ce.regex!;
        const subject = this.subjectFor(regex, buf, len);
        let from = start;
        for (;;) {
          const end = regex.exec(subject, from, start);
          if (end < 0) return m.negated && this.step(entries, i + 1, prevEnd, vars);
          if (m.negated) return false;
          if (this.step(entries, i + 1, end, vars)) {
            if (end > this.lastEnd) this.lastEnd = end;
            return true;
          }
          if (!ce.relNext || this.budget < 0) return false;
          // Retry at the next possible match start.
          from = regex.lastStart + 1;
          if (from > len) return false;
        }
      }
      case E_BYTE_TEST: {
        const t = ce.entry as ByteTestMatch;
        const nbytes = this.value(t.nbytes, vars, 0);
        const at = (t.relative ? prevEnd : 0) + this.value(t.offset, vars, 0);
        const v = readValue(buf, at, nbytes, t.endian, t.string, t.bitmask);
        if (Number.isNaN(v)) return false;
        const want = this.value(t.value, vars, 0);
        let ok: boolean;
        switch (t.op) {
          case '<':
            ok = v < want;
            break;
          case '>':
            ok = v > want;
            break;
          case '=':
            ok = v === want;
            break;
          case '<=':
            ok = v <= want;
            break;
          case '>=':
            ok = v >= want;
            break;
          case '&':
            ok = and53(v, want) !== 0;
            break;
          default:
            ok = xor53(v, want) !== 0;
        }
        if (t.negated) ok = !ok;
        return ok && this.step(entries, i + 1, prevEnd, vars);
      }
      case E_BYTE_JUMP: {
        const j = ce.entry as ByteJumpMatch;
        const nbytes = this.value(j.nbytes, vars, 0);
        const at = (j.relative ? prevEnd : 0) + this.value(j.offset, vars, 0);
        let v = readValue(buf, at, nbytes, j.endian, j.string, j.bitmask);
        if (Number.isNaN(v)) return false;
        v *= j.multiplier;
        if (j.align && v % 4 !== 0) v += 4 - (v % 4);
        let to: number;
        if (j.fromBeginning) to = v;
        else if (j.fromEnd) to = len + v;
        else to = at + nbytes + v;
        to += j.postOffset;
        if (to < 0 || to > len) return false;
        return this.step(entries, i + 1, to, vars);
      }
      case E_BYTE_EXTRACT: {
        const x = ce.entry as ByteExtractMatch;
        const at = (x.relative ? prevEnd : 0) + x.offset;
        let v = readValue(buf, at, x.nbytes, x.endian, x.string, x.bitmask);
        if (Number.isNaN(v)) return false;
        v *= x.multiplier;
        if (x.align > 0 && v % x.align !== 0) v += x.align - (v % x.align);
        const slot = vars.get(x.name);
        if (slot !== undefined) this.vars[slot] = v;
        return this.step(entries, i + 1, at + x.nbytes, vars);
      }
      case E_ISDATAAT: {
        const d = ce.entry as IsdataatMatch;
        const n = this.value(d.offset, vars, 0);
        // Suricata: relative holds when prevEnd + n <= len; absolute when n < len.
        let ok = d.relative ? prevEnd + n <= len : n < len;
        if (d.negated) ok = !ok;
        return ok && this.step(entries, i + 1, prevEnd, vars);
      }
      case E_BSIZE:
      case E_URILEN: {
        const cmp = (ce.entry as { compare: UintCompare }).compare;
        return compareUint(cmp, len) && this.step(entries, i + 1, prevEnd, vars);
      }
      default:
        return false;
    }
  }
}

/** Suricata's integer comparison (detect-engine-uint). */
export function compareUint(c: UintCompare, v: number): boolean {
  switch (c.op) {
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== c.value;
    case 'lt':
      return v < c.value;
    case 'lte':
      return v <= c.value;
    case 'gt':
      return v > c.value;
    case 'gte':
      return v >= c.value;
    case 'range':
      return v > c.min && v < c.max;
    case 'notrange':
      return v <= c.min || v >= c.max;
    case 'mask-eq':
      return (v & c.mask) === c.value;
    case 'mask-ne':
      return (v & c.mask) !== c.value;
    default:
      return false;
  }
}

function and53(a: number, b: number): number {
  const hi = Math.floor(a / 4294967296) & Math.floor(b / 4294967296);
  const lo = (a >>> 0) & (b >>> 0);
  return hi * 4294967296 + (lo >>> 0);
}

function xor53(a: number, b: number): number {
  const hi = Math.floor(a / 4294967296) ^ Math.floor(b / 4294967296);
  const lo = (a >>> 0) ^ (b >>> 0);
  return hi * 4294967296 + (lo >>> 0);
}

function digit(c: number, base: number): number {
  let d: number;
  if (c >= 0x30 && c <= 0x39) d = c - 0x30;
  else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
  else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
  else return -1;
  return d < base ? d : -1;
}

/**
 * Read `nbytes` at `at`: binary (big or little endian) or ASCII digits in a base, then apply a
 * bitmask (shifted right by the mask's trailing zeros, as Suricata). NaN when out of bounds or
 * when a string holds no digit.
 */
export function readValue(
  buf: Buffer,
  at: number,
  nbytes: number,
  endian: ByteEndian,
  base: ByteStringBase | null,
  bitmask: number | null,
): number {
  if (at < 0 || nbytes <= 0 || at + nbytes > buf.length) return Number.NaN;
  let v = 0;
  if (base !== null) {
    const b = base === 'hex' ? 16 : base === 'oct' ? 8 : 10;
    let n = 0;
    for (let k = 0; k < nbytes; k++) {
      const d = digit(buf[at + k]!, b);
      if (d < 0) break;
      v = v * b + d;
      n++;
    }
    if (n === 0) return Number.NaN;
  } else if (endian === 'big') {
    for (let k = 0; k < nbytes; k++) v = v * 256 + buf[at + k]!;
  } else {
    for (let k = nbytes - 1; k >= 0; k--) v = v * 256 + buf[at + k]!;
  }
  if (bitmask !== null && bitmask !== 0) {
    v = and53(v, bitmask);
    let m = bitmask;
    while (m % 2 === 0) {
      m /= 2;
      v = Math.floor(v / 2);
    }
  }
  return v;
}
