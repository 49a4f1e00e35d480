import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Mpm, MpmBuilder, type MpmLayout } from '../../../src/detect/mpm/aho-corasick.js';
import { rng } from '../../helpers/rng.js';

const LAYOUTS: MpmLayout[] = ['full32', 'full16', 'compact32', 'compact16'];
const RULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/bench/rules/suricata.rules');

interface Pat {
  bytes: Uint8Array;
  id: number;
  nocase: boolean;
}

const fold = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
/** ASCII-only lower case of a latin1 string (String#toLowerCase would also fold bytes 0xc0-0xde). */
const lowerAscii = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

/** The builder's identity of a pattern: case-sensitive patterns without letters are nocase ones. */
function patKey(p: Pat): string {
  const s = Buffer.from(p.bytes).toString('latin1');
  return p.nocase || !/[A-Za-z]/.test(s) ? `i${lowerAscii(s)}` : `s${s}`;
}

/** Distinct (pattern, id) pairs: adding the same pair twice reports it once. */
function distinct(pats: Pat[]): Pat[] {
  const keys = new Set<string>();
  return pats.filter((p) => {
    const k = `${p.id}|${patKey(p)}`;
    if (keys.has(k)) return false;
    keys.add(k);
    return true;
  });
}

/**
 * Every occurrence as "id@end", sorted, by brute force. A multiset: two different patterns with the
 * same id that end at the same offset are two occurrences.
 */
function naive(pats: Pat[], buf: Uint8Array, off = 0, end = buf.length): string[] {
  const out: string[] = [];
  for (const p of distinct(pats)) {
    const n = p.bytes.length;
    for (let e = off + n; e <= end; e++) {
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        const a = buf[e - n + i];
        const b = p.bytes[i];
        ok = p.nocase ? fold(a) === fold(b) : a === b;
      }
      if (ok) out.push(`${p.id}@${e}`);
    }
  }
  return out.sort();
}

/** Same result as naive() for large sets: one hash lookup per (end offset, distinct pattern length). */
function hashed(pats: Pat[], buf: Uint8Array): string[] {
  const byKey = new Map<string, number[]>();
  const lengths = new Set<number>();
  for (const p of distinct(pats)) {
    const key = patKey(p);
    const list = byKey.get(key) ?? [];
    list.push(p.id);
    byKey.set(key, list);
    lengths.add(p.bytes.length);
  }
  const text = Buffer.from(buf).toString('latin1');
  const lower = lowerAscii(text);
  const out: string[] = [];
  for (let e = 1; e <= buf.length; e++) {
    for (const n of lengths) {
      if (n > e) continue;
      for (const id of byKey.get(`s${text.slice(e - n, e)}`) ?? []) out.push(`${id}@${e}`);
      for (const id of byKey.get(`i${lower.slice(e - n, e)}`) ?? []) out.push(`${id}@${e}`);
    }
  }
  return out.sort();
}

function build(pats: Pat[], layout?: MpmLayout): Mpm {
  const b = new MpmBuilder();
  for (const p of pats) b.add(p.bytes, p.id, p.nocase);
  return b.build(layout ? { layout } : {});
}

function viaScan(m: Mpm, buf: Uint8Array, off = 0, end = buf.length): string[] {
  const out: string[] = [];
  let last = -1;
  let ordered = true;
  const n = m.scan(buf, off, end, (id, e) => {
    ordered &&= e >= last; // reported in order of end offset
    last = e;
    out.push(`${id}@${e}`);
  });
  expect(ordered).toBe(true);
  expect(n).toBe(out.length);
  return out.sort();
}

function idsOf(found: string[]): number[] {
  return [...new Set(found.map((s) => Number(s.split('@')[0])))].sort((a, b) => a - b);
}

/** Random pattern set over a tiny alphabet so that overlaps, prefixes, suffixes and case twins abound. */
function randomSet(r: () => number, alphabet: number[], count: number, maxLen: number): Pat[] {
  const pats: Pat[] = [];
  for (let k = 0; k < count; k++) {
    let b: Uint8Array;
    if (k > 0 && r() < 0.2) {
      // reuse an earlier pattern: duplicate, case twin, or a prefix / suffix of it
      const src = pats[Math.floor(r() * pats.length)].bytes;
      const cut = 1 + Math.floor(r() * src.length);
      const mode = r();
      b = mode < 0.4 ? src.slice() : mode < 0.7 ? src.slice(0, cut) : src.slice(src.length - cut);
      if (r() < 0.5) b = b.map((x) => (x >= 0x61 && x <= 0x7a ? x - 0x20 : x));
    } else {
      b = new Uint8Array(1 + Math.floor(r() * maxLen));
      for (let i = 0; i < b.length; i++) b[i] = alphabet[Math.floor(r() * alphabet.length)];
    }
    // ids: mostly distinct, sometimes shared between patterns
    const id = r() < 0.1 && k > 0 ? pats[Math.floor(r() * pats.length)].id : k * 3 + 1;
    pats.push({ bytes: b, id, nocase: r() < 0.5 });
  }
  return pats;
}

function randomBuf(r: () => number, alphabet: number[], len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = alphabet[Math.floor(r() * alphabet.length)];
  return b;
}

describe('MpmBuilder.add', () => {
  it('rejects empty patterns and bad ids', () => {
    const b = new MpmBuilder();
    expect(() => b.add(new Uint8Array(0), 1, false)).toThrow(RangeError);
    expect(() => b.add(bytes('a'), -1, false)).toThrow(RangeError);
    expect(() => b.add(bytes('a'), 1.5, false)).toThrow(RangeError);
  });

  it('builds an empty automaton that matches nothing', () => {
    for (const layout of LAYOUTS) {
      const m = new MpmBuilder().build({ layout });
      expect(m.states).toBe(1);
      expect(m.patternCount).toBe(0);
      expect(m.scan(bytes('anything'), 0, 8, () => expect.unreachable())).toBe(0);
      expect(m.scanMark(bytes('anything'), 0, 8, new Uint8Array(0))).toBe(0);
    }
  });
});

describe('Mpm.scan', () => {
  it('finds overlapping patterns with exact end offsets (the classic he/she/his/hers)', () => {
    const pats: Pat[] = ['he', 'she', 'his', 'hers'].map((s, i) => ({ bytes: bytes(s), id: i, nocase: false }));
    for (const layout of LAYOUTS) {
      expect(viaScan(build(pats, layout), bytes('ushers'))).toEqual(['0@4', '1@4', '3@6']);
    }
  });

  it('folds case for nocase patterns and matches exact bytes for the others, in one automaton', () => {
    const pats: Pat[] = [
      { bytes: bytes('GET'), id: 1, nocase: false },
      { bytes: bytes('get'), id: 2, nocase: true },
      { bytes: bytes('Get'), id: 3, nocase: false },
      { bytes: bytes('/Etc/'), id: 4, nocase: true },
      { bytes: bytes('1=1'), id: 5, nocase: false }, // no letters: nothing to verify
    ];
    const buf = bytes('GET get Get gEt /etc/ /ETC/ 1=1');
    for (const layout of LAYOUTS) {
      const m = build(pats, layout);
      expect(viaScan(m, buf)).toEqual(naive(pats, buf));
      expect(viaScan(m, buf)).toEqual(['1@3', '2@11', '2@15', '2@3', '2@7', '3@11', '4@21', '4@27', '5@31']);
    }
  });

  it('reports every id of a shared pattern, and an id added twice once', () => {
    const b = new MpmBuilder();
    b.add(bytes('abc'), 7, true);
    b.add(bytes('ABC'), 8, true); // same folded bytes, nocase: same pattern
    b.add(bytes('abc'), 7, true); // duplicate (pattern, id)
    b.add(bytes('abc'), 9, false); // case-sensitive: a different pattern
    b.add(bytes('12'), 10, false);
    b.add(bytes('12'), 11, true); // no letters: the same pattern either way
    expect(b.size).toBe(5);
    const m = b.build();
    expect(m.patternCount).toBe(3);
    expect(m.idCount).toBe(5);
    expect(m.idLimit).toBe(12);
    expect(viaScan(m, bytes('xABCabc12'))).toEqual(['10@9', '11@9', '7@4', '7@7', '8@4', '8@7', '9@7']);
  });

  it('handles binary bytes, 1-byte patterns and patterns longer than 255 bytes', () => {
    const long = new Uint8Array(300);
    for (let i = 0; i < long.length; i++) long[i] = (i * 37) & 0xff;
    const pats: Pat[] = [
      { bytes: Uint8Array.of(0x00), id: 1, nocase: false },
      { bytes: Uint8Array.of(0xff), id: 2, nocase: true },
      { bytes: Uint8Array.of(0xff, 0x00, 0xff), id: 3, nocase: false },
      { bytes: long, id: 4, nocase: true },
      { bytes: long.subarray(250), id: 5, nocase: false },
    ];
    const buf = new Uint8Array(1000);
    buf.set([0xff, 0x00, 0xff], 10);
    buf.set(long, 100);
    buf.set(long.map((x) => (x >= 0x61 && x <= 0x7a ? x - 0x20 : x)), 600); // upper-cased copy
    for (const layout of LAYOUTS) {
      const found = viaScan(build(pats, layout), buf);
      expect(found).toEqual(naive(pats, buf));
      expect(found).toContain('4@400');
      expect(found).toContain('4@900');
      expect(found).toContain('5@400');
      expect(found).toContain('3@13');
    }
  });

  it('scans only buf[off, end) and reports buffer offsets', () => {
    const pats: Pat[] = [
      { bytes: bytes('abc'), id: 1, nocase: false },
      { bytes: bytes('c'), id: 2, nocase: false },
    ];
    const buf = bytes('abcabcabc');
    for (const layout of LAYOUTS) {
      const m = build(pats, layout);
      expect(viaScan(m, buf, 1, 8)).toEqual(['1@6', '2@3', '2@6']);
      expect(viaScan(m, buf, 4, 4)).toEqual([]);
      expect(() => m.scan(buf, 5, 4, () => {})).toThrow(RangeError);
      expect(() => m.scan(buf, 0, 10, () => {})).toThrow(RangeError);
      expect(() => m.scan(buf, -1, 3, () => {})).toThrow(RangeError);
    }
  });

  it('agrees with a naive matcher on random sets and inputs, in every layout', () => {
    const alphabets = [
      [0x61, 0x62, 0x41, 0x42], // a b A B: heavy overlap and case twins
      [0x61, 0x41, 0x00, 0xff, 0x7a, 0x5a, 0x40, 0x5b], // letters, binary, and the bytes around A-Z ('@', '[')
      Array.from({ length: 256 }, (_, i) => i),
    ];
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const alphabet = alphabets[seed % alphabets.length];
      const pats = randomSet(r, alphabet, 1 + Math.floor(r() * 40), seed % 3 === 2 ? 3 : 8);
      const models = LAYOUTS.map((l) => build(pats, l));
      for (let k = 0; k < 5; k++) {
        const buf = randomBuf(r, alphabet, Math.floor(r() * 400));
        const off = Math.floor(r() * Math.min(10, buf.length + 1));
        const want = naive(pats, buf, off);
        for (const m of models) expect(viaScan(m, buf, off)).toEqual(want);
        checked += want.length;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('Mpm.scanMark', () => {
  it('marks each matched id once, counts only newly marked ids, and lists them in hits', () => {
    const pats: Pat[] = [
      { bytes: bytes('foo'), id: 3, nocase: true },
      { bytes: bytes('Bar'), id: 5, nocase: false },
      { bytes: bytes('bar'), id: 6, nocase: true },
      { bytes: bytes('baz'), id: 9, nocase: false },
    ];
    for (const layout of LAYOUTS) {
      const m = build(pats, layout);
      expect(m.idLimit).toBe(10);
      const seen = new Uint8Array(m.idLimit);
      const hits = new Int32Array(m.idLimit + 2);
      const buf = bytes('FOO foo bar BAR foo');
      expect(m.scanMark(buf, 0, buf.length, seen, hits, 2)).toBe(2);
      expect([...seen]).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
      expect([...hits.subarray(2, 4)]).toEqual([3, 6]);
      // already marked ids are not counted again; a case-sensitive one verified now
      expect(m.scanMark(bytes('Bar foo'), 0, 7, seen)).toBe(1);
      expect(seen[5]).toBe(1);
      expect(m.scanMark(bytes('Bar foo'), 0, 7, seen)).toBe(0);
      expect(() => m.scanMark(buf, 0, 3, new Uint8Array(9))).toThrow(RangeError);
    }
  });

  it('marks exactly the ids the naive matcher finds, on random sets', () => {
    for (let seed = 100; seed < 140; seed++) {
      const r = rng(seed);
      const alphabet = [0x61, 0x62, 0x63, 0x41, 0x42, 0x00];
      const pats = randomSet(r, alphabet, 1 + Math.floor(r() * 30), 5);
      for (const layout of LAYOUTS) {
        const m = build(pats, layout);
        const seen = new Uint8Array(m.idLimit);
        const hits = new Int32Array(m.idLimit);
        // short buffers take one run, long ones four interleaved runs
        const buf = randomBuf(r, alphabet, Math.floor(r() * (seed % 2 ? 60 : 700)));
        const off = Math.floor(r() * 5);
        const want = idsOf(naive(pats, buf, Math.min(off, buf.length)));
        const n = m.scanMark(buf, Math.min(off, buf.length), buf.length, seen, hits);
        expect(n).toBe(want.length);
        expect([...hits.subarray(0, n)].sort((a, b) => a - b)).toEqual(want);
        expect([...seen.keys()].filter((i) => seen[i] === 1)).toEqual(want);
      }
    }
  });

  it('samples every (m - 1)-th bigram when the shortest pattern has m >= 3 bytes, and still marks every id', () => {
    for (let seed = 200; seed < 400; seed++) {
      const r = rng(seed);
      const alphabet = [0x61, 0x62, 0x63, 0x64, 0x41, 0x42, 0x00, 0xff];
      const pats = randomSet(r, alphabet, 1 + Math.floor(r() * 20), 9).filter((p) => p.bytes.length >= 3);
      if (pats.length === 0) continue;
      const shortest = Math.min(...pats.map((p) => p.bytes.length));
      for (const layout of ['full16', 'full32'] as const) {
        const m = build(pats, layout);
        expect(m.gramStep).toBe(Math.min(shortest - 1, 16));
        const seen = new Uint8Array(m.idLimit);
        const buf = randomBuf(r, alphabet, 16 + Math.floor(r() * 900));
        const off = Math.floor(r() * 7);
        // a range that stops short of the buffer's end too: a pattern must fit in [off, end)
        for (const end of [buf.length, buf.length - 1 - Math.floor(r() * 5)]) {
          seen.fill(0);
          const want = idsOf(naive(pats, buf, off, end));
          expect(m.scanMark(buf, off, end, seen), `seed ${seed} ${layout} end ${end}`).toBe(want.length);
          expect([...seen.keys()].filter((i) => seen[i] === 1)).toEqual(want);
        }
      }
    }
  });

  it('searches one or two exact patterns natively, and marks what the naive matcher finds', () => {
    for (let seed = 300; seed < 340; seed++) {
      const r = rng(seed);
      const alphabet = [0x61, 0x62, 0x41, 0x00, 0x7c];
      const pats = randomSet(r, alphabet, 1 + Math.floor(r() * 2), 7)
        .filter((p) => p.bytes.length >= 4)
        .map((p) => ({ ...p, nocase: false }));
      if (pats.length === 0) continue;
      const m = build(pats, 'full16');
      expect(m.searchesNatively).toBe(true);
      const seen = new Uint8Array(m.idLimit);
      const buf = randomBuf(r, alphabet, 64 + Math.floor(r() * 2000));
      const off = Math.floor(r() * 9);
      const want = idsOf(naive(pats, buf, off, buf.length - 3));
      expect(m.scanMark(buf, off, buf.length - 3, seen), `seed ${seed}`).toBe(want.length);
      expect([...seen.keys()].filter((i) => seen[i] === 1)).toEqual(want);
    }
  });

  it('scans every byte when a pattern is shorter than 3 bytes or bigrams are too common', () => {
    expect(build([{ bytes: bytes('ab'), id: 0, nocase: false }], 'full16').gramStep).toBe(0);
    const dense: Pat[] = [];
    for (let a = 0; a < 256; a++) dense.push({ bytes: Uint8Array.of(a, 0x20, a), id: a, nocase: false });
    for (let a = 0; a < 256; a++) dense.push({ bytes: Uint8Array.of(0x21, a, a), id: 256 + a, nocase: false });
    for (let a = 0; a < 256; a += 1) for (let b = 0; b < 256; b += 4) dense.push({ bytes: Uint8Array.of(a, b, 0), id: 512 + a * 64 + b / 4, nocase: false });
    expect(build(dense, 'full32').gramStep).toBe(0);
    expect(build([{ bytes: bytes('abc'), id: 0, nocase: true }], 'compact16').gramStep).toBe(0);
  });

  it('finds patterns across the cuts between its interleaved runs', () => {
    // every quarter boundary of a 400..403-byte buffer is straddled by some occurrence
    const long = bytes('x'.repeat(20) + 'THE-END');
    const pats: Pat[] = [
      { bytes: long, id: 0, nocase: false },
      { bytes: bytes('aB'), id: 1, nocase: false },
      { bytes: bytes('q'.repeat(150)), id: 2, nocase: true },
    ];
    for (let len = 400; len < 404; len++) {
      for (const at of [0, 80, 95, 100, 150, 190, 199, 200, 250, 299, 300, 301, len - long.length]) {
        for (const layout of LAYOUTS) {
          const m = build(pats, layout);
          const buf = new Uint8Array(len).fill(0x2e);
          buf.set(long, at);
          buf.set(bytes('aB'), (at + 100) % (len - 1));
          buf.set(bytes('Q'.repeat(150)), (at + 170) % (len - 150));
          const seen = new Uint8Array(m.idLimit);
          const want = idsOf(naive(pats, buf));
          expect(m.scanMark(buf, 0, len, seen), `len ${len} at ${at} ${layout}`).toBe(want.length);
        }
      }
    }
  });

  it('restarts its per-call epoch without stale stamps', () => {
    const m = build([{ bytes: bytes('ab'), id: 0, nocase: true }]);
    const state = m as unknown as { epoch: number };
    const seen = new Uint8Array(1);
    const buf = bytes('xxab'.repeat(40));
    expect(m.scanMark(buf, 0, buf.length, seen)).toBe(1); // epoch 1 stamps the state of 'ab' done
    state.epoch = 0x3fffffff;
    expect(m.scanMark(buf, 0, buf.length, seen.fill(0))).toBe(1); // wraps to epoch 1 again: stamps must be gone
    expect(state.epoch).toBe(1);
  });

  it('keeps looking for a case-sensitive pattern after a case-folded look-alike', () => {
    const pats: Pat[] = [{ bytes: bytes('Host'), id: 0, nocase: false }];
    for (const layout of LAYOUTS) {
      const m = build(pats, layout);
      const seen = new Uint8Array(1);
      const buf = bytes(`${'host HOST '.repeat(20)}Host`);
      expect(m.scanMark(buf, 0, buf.length, seen)).toBe(1);
      expect(m.scanMark(buf, 0, buf.length - 1, seen.fill(0))).toBe(0);
    }
  });
});

describe('large pattern sets', () => {
  it('builds 6000 random patterns, reports memory, and matches like the reference', () => {
    const r = rng(6000);
    const pats: Pat[] = [];
    for (let k = 0; k < 6000; k++) {
      const b = new Uint8Array(4 + Math.floor(r() * 13)); // average length 10
      // printable-ish bytes with some binary, like real contents
      for (let i = 0; i < b.length; i++) b[i] = r() < 0.9 ? 0x20 + Math.floor(r() * 95) : Math.floor(r() * 256);
      pats.push({ bytes: b, id: k, nocase: r() < 0.5 });
    }
    const auto = build(pats);
    expect(auto.states).toBeGreaterThan(40_000);
    expect(auto.states).toBeLessThan(65_536);
    expect(auto.layout).toBe('full16'); // 512 bytes a state, under the 32 MiB default
    expect(auto.memoryBytes).toBeGreaterThan(auto.states * 512);
    expect(auto.memoryBytes).toBeLessThan(auto.states * 512 * 1.2);
    const full = build(pats, 'full32');
    expect(full.memoryBytes).toBeGreaterThan(full.states * 1024);
    const b = new MpmBuilder();
    for (const p of pats) b.add(p.bytes, p.id, p.nocase);
    const compact = b.build({ maxFullTableBytes: 8 << 20 });
    expect(compact.layout).toBe('compact16');
    expect(compact.memoryBytes).toBeLessThan(auto.memoryBytes);

    // input: random bytes with pattern copies (case flipped at random) planted in it
    const all = Array.from({ length: 256 }, (_, i) => i);
    const buf = randomBuf(r, all, 200_000);
    for (let k = 0; k < 2000; k++) {
      const p = pats[Math.floor(r() * pats.length)].bytes;
      const at = Math.floor(r() * (buf.length - p.length));
      buf.set(r() < 0.5 ? p : p.map((x) => (x >= 0x61 && x <= 0x7a ? x - 0x20 : x)), at);
    }
    const want = hashed(pats, buf);
    expect(want.length).toBeGreaterThan(1000);
    for (const m of [auto, full, compact, build(pats, 'compact32')]) {
      expect(viaScan(m, buf)).toEqual(want);
      const seen = new Uint8Array(m.idLimit);
      expect(m.scanMark(buf, 0, buf.length, seen)).toBe(idsOf(want).length);
    }
  });

  it('switches to 32-bit tables at 65536 states', () => {
    const r = rng(65536);
    const pats: Pat[] = [];
    for (let k = 0; k < 7000; k++) {
      const b = new Uint8Array(12);
      for (let i = 0; i < b.length; i++) b[i] = 0x20 + Math.floor(r() * 95);
      pats.push({ bytes: b, id: k, nocase: true });
    }
    const m = build(pats);
    expect(m.states).toBeGreaterThanOrEqual(65_536);
    expect(m.layout).toBe('compact32'); // a full32 table would be over 64 MiB
    expect(m.memoryBytes).toBeLessThan(m.states * m.classes * 4 * 1.2);
    expect(() => build(pats, 'full16')).toThrow(RangeError);
    const buf = new Uint8Array(pats.slice(0, 500).flatMap((p) => [...p.bytes, 0x0a]));
    const want = hashed(pats, buf);
    expect(want.length).toBeGreaterThanOrEqual(500);
    expect(viaScan(m, buf)).toEqual(want);
    const seen = new Uint8Array(m.idLimit);
    expect(m.scanMark(buf, 0, buf.length, seen)).toBe(idsOf(want).length);
  });
});

/** content:"..." strings with their nocase flag from a Suricata rules file; |hex| and \x escapes decoded. */
function ruleContents(text: string): { bytes: Uint8Array; nocase: boolean }[] {
  const out: { bytes: Uint8Array; nocase: boolean }[] = [];
  for (const line of text.split('\n')) {
    if (!/^\s*(alert|drop|reject|pass)\s/.test(line)) continue;
    const re = /content:\s*!?"((?:[^"\\]|\\.)*)"/g;
    const found = [...line.matchAll(re)];
    found.forEach((m, i) => {
      const rest = line.slice(m.index + m[0].length, found[i + 1]?.index ?? line.length);
      out.push({ bytes: decodeContent(m[1]), nocase: /;\s*nocase\s*;/.test(rest) });
    });
  }
  return out;
}

function decodeContent(s: string): Uint8Array {
  const b: number[] = [];
  let hex = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '|') hex = !hex;
    else if (hex) {
      if (c === ' ') continue;
      b.push(Number.parseInt(s.slice(i, i + 2), 16));
      i++;
    } else if (c === '\\') b.push(s.charCodeAt(++i));
    else b.push(s.charCodeAt(i));
  }
  return Uint8Array.from(b);
}

describe.skipIf(!existsSync(RULES))('the benchmark rule set (3003 rules)', () => {
  it('builds from every content string and matches them', () => {
    const contents = ruleContents(readFileSync(RULES, 'latin1'));
    expect(contents.length).toBeGreaterThan(6000);
    expect(contents.filter((c) => c.nocase).length).toBeGreaterThan(2000);
    const pats: Pat[] = contents.map((c, id) => ({ ...c, id }));
    const t0 = performance.now();
    const m = build(pats);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5000);
    expect(m.patternCount).toBeLessThan(pats.length); // shared contents collapse
    expect(m.idCount).toBe(pats.length);
    expect(m.memoryBytes).toBeLessThan(32 * 1024 * 1024);

    // known strings from the curated rules
    const seen = new Uint8Array(m.idLimit);
    const hits = new Int32Array(m.idLimit);
    const req = bytes('GET /cgi-bin/x?file=../../ETC/PASSWD&q=Union+select HTTP/1.1\r\nUser-Agent: sqlmap/1.7\r\n\r\n');
    const n = m.scanMark(req, 0, req.length, seen, hits);
    const matched = new Set([...hits.subarray(0, n)].map((id) => Buffer.from(pats[id].bytes).toString('latin1')));
    for (const s of ['/etc/passwd', '../..', 'UNION', 'SELECT']) expect(matched).toContain(s);
    const dns = Uint8Array.from([0x00, 0x00, 0x10, ...bytes('pool.minexmr.com')]);
    const dnsIds = idsOf(viaScan(m, dns));
    const dnsHits = dnsIds.map((id) => Buffer.from(pats[id].bytes).toString('latin1'));
    expect(dnsHits).toContain('\x00\x00\x10pool.minexmr.com');

    // a synthetic stream of rule contents with random case flips and separators, against the reference
    const r = rng(3003);
    const parts: number[] = [];
    for (let k = 0; k < 1000; k++) {
      const p = pats[Math.floor(r() * pats.length)].bytes;
      for (const x of p) parts.push(r() < 0.3 && x >= 0x61 && x <= 0x7a ? x - 0x20 : x);
      parts.push(r() < 0.5 ? 0x20 : Math.floor(r() * 256));
    }
    const buf = Uint8Array.from(parts);
    const want = hashed(pats, buf);
    expect(viaScan(m, buf)).toEqual(want);
    for (const layout of LAYOUTS) {
      if (layout.endsWith('16') && m.states >= 65536) continue;
      expect(viaScan(build(pats, layout), buf)).toEqual(want);
    }
  });
});
