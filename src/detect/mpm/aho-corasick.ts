// Byte-level Aho–Corasick multi-pattern matcher (MPM) for the signature engine's prefilter.
// A. V. Aho, M. J. Corasick, "Efficient string matching: an aid to bibliographic search", CACM 18(6), 1975.
// Model: Suricata src/util-mpm-ac.c (one automaton per signature group head and buffer, nocase by folding).
//
// Case handling (Suricata's scheme, one automaton for both kinds of pattern):
//   - the automaton is built over case-folded bytes (A-Z -> a-z) of *every* pattern, and the transition table
//     maps 'A' and 'a' to the same next state, so the input is folded by the table itself, at no cost per byte;
//   - a nocase pattern is reported whenever its state is reached;
//   - a case-sensitive pattern that contains a letter is verified against the exact input bytes when its state
//     is reached (a memcmp of the pattern length, done only on candidate matches, and in scanMark only while
//     one of its ids is still unmarked). A case-sensitive pattern without letters needs no check and is merged
//     with its nocase twin. Two automata would double the memory and the per-byte work for no gain.
//
// Table layout (chosen by build(); all storage is typed arrays, no per-state objects survive the build):
//   full32     Int32Array[states*256], entries are next-state row offsets (state*256): one load per byte
//              `s = t[s + b]`. 1 KiB per state.
//   full16     Uint16Array[states*256] of state numbers (states < 65536): `s = t[(s << 8) | b]`. 512 B per state.
//   compact16  alphabet compression: bytes that occur in no pattern share class 0, 'A'/'a' share a class, every
//              other byte of the patterns has its own class; Uint16Array[states*classes] of state numbers:
//              `s = t[s * C + cls[b]]` (cls is a 256-byte map that stays in L1; its load does not depend on s).
//   compact32  as compact16 with Int32Array row offsets (state*C), for 65536 states or more.
// 'auto' takes full16 (as fast as full32, measured, at half the memory), or full32 from 65536 states, while the
// table fits in 32 MiB (the 3,003-rule benchmark set: 34k states, 17 MiB); past that, the compact layout (~25%
// slower: the class-map load; how much smaller depends on how many distinct bytes the patterns use).
// States are numbered in breadth-first order (the few hot shallow states share cache lines) with every state that
// has an output last: "is this a match?" is `s >= matchBase`. Outputs are flattened per matching state (own
// patterns, then those of its dictionary-suffix chain) in CSR form: outStart[state - matchBase] ..
// outStart[state - matchBase + 1] index outPat (unique patterns); each unique pattern lists its ids in
// idStart/ids (several ids may share one pattern).
//
// Scanning: scan() is one automaton run, one table load per byte, calls in order of end offset. scanMark() cuts
// the buffer in four and interleaves four runs, so four independent load chains overlap in the CPU (a single run
// is bound by the load latency, about 2x slower); a run that reaches its cut goes on until its state's string
// lies past the cut, so occurrences across a cut are found. It also skips a matching state for the rest of the
// call once all of its ids are marked (an epoch-stamped Uint32Array, no clearing per call), so a pattern that
// occurs on every line costs one extra load per hit.
// When every pattern has 3 bytes or more and their leading bigrams are rare (binary shellcode, long URIs), scanMark
// looks only at every min(m - 1, 16)-th bigram of the input in a 64K-entry table and walks the automaton from the root
// where a pattern may start (buildGramFilter): most bytes of a stream are then never loaded into the automaton.

/** Table layout of a built automaton; see the file comment. */
export type MpmLayout = 'full32' | 'full16' | 'compact32' | 'compact16';

export interface MpmBuildOptions {
  /**
   * 'auto' (default): full16 below 65536 states, else full32, when that table fits in maxFullTableBytes; else the
   * compact layout of the same width. 'full' / 'compact' pick the width by state count.
   */
  layout?: 'auto' | 'full' | 'compact' | MpmLayout;
  /** Largest full (256-wide) transition table 'auto' accepts, in bytes. Default 32 MiB. */
  maxFullTableBytes?: number;
}

/** Called once per occurrence: the pattern id and the offset one past the last matched byte. */
export type MpmMatchFn = (id: number, end: number) => void;

const DEFAULT_MAX_FULL_TABLE_BYTES = 32 * 1024 * 1024;
/** scanMark runs four interleaved chains on buffers at least this long (see Mpm.scanMark). */
const INTERLEAVE_MIN = 64;
/** A tail boundary no position reaches: run to the end. */
const NO_STOP = 0x7fffffff;
const MAX_ID = 0x7fffffff;

/** fold(b): ASCII A-Z to a-z, every other byte unchanged. */
const FOLD = new Uint8Array(256);
for (let b = 0; b < 256; b++) FOLD[b] = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;

function hasLetter(p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i] | 0x20;
    if (c >= 0x61 && c <= 0x7a) return true;
  }
  return false;
}

function latin1Key(prefix: string, p: Uint8Array, fold: boolean): string {
  let s = prefix;
  for (let i = 0; i < p.length; i++) s += String.fromCharCode(fold ? FOLD[p[i]] : p[i]);
  return s;
}

/** Collects patterns, then builds an immutable {@link Mpm}. */
export class MpmBuilder {
  private readonly slotByKey = new Map<string, number>();
  private readonly pats: Uint8Array[] = [];
  private readonly verify: boolean[] = [];
  private readonly idLists: Set<number>[] = [];
  private ids = 0;

  /** Number of add() calls that were kept (an id added twice for the same pattern counts once). */
  get size(): number {
    return this.ids;
  }

  /**
   * Add a pattern. `nocase` folds ASCII letters; otherwise bytes match exactly. The same bytes and case mode
   * under several ids are stored once and every id is reported. Throws on an empty pattern or a bad id.
   */
  add(pattern: Uint8Array, id: number, nocase: boolean): void {
    if (pattern.length === 0) throw new RangeError('mpm: empty pattern');
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`mpm: bad pattern id ${id}`);
    // Without letters, case-sensitive and nocase are the same pattern: share the slot, skip verification.
    const exact = !nocase && hasLetter(pattern);
    const key = exact ? latin1Key('s', pattern, false) : latin1Key('i', pattern, true);
    let slot = this.slotByKey.get(key);
    if (slot === undefined) {
      slot = this.pats.length;
      this.slotByKey.set(key, slot);
      this.pats.push(Uint8Array.from(pattern));
      this.verify.push(exact);
      this.idLists.push(new Set());
    }
    const list = this.idLists[slot];
    if (!list.has(id)) {
      list.add(id);
      this.ids++;
    }
  }

  build(options: MpmBuildOptions = {}): Mpm {
    const pats = this.pats;
    const P = pats.length;

    // Alphabet classes over folded bytes; class 0 = every byte that occurs in no pattern.
    const cls = new Uint8Array(256);
    let classes = 1;
    for (const p of pats) {
      for (let i = 0; i < p.length; i++) {
        const f = FOLD[p[i]];
        if (cls[f] === 0) cls[f] = classes++;
      }
    }
    for (let b = 0x41; b <= 0x5a; b++) cls[b] = cls[b + 0x20];
    const classBytes: number[][] = Array.from({ length: classes }, () => []);
    for (let b = 0; b < 256; b++) classBytes[cls[b]].push(b);

    // 1. Trie over classes: first-child / next-sibling lists; own[] = head of the state's own pattern list.
    let total = 1;
    for (const p of pats) total += p.length;
    const firstChild = new Int32Array(total).fill(-1);
    const sibling = new Int32Array(total).fill(-1);
    const label = new Uint8Array(total);
    const own = new Int32Array(total).fill(-1);
    const ownNext = new Int32Array(Math.max(P, 1)).fill(-1);
    let states = 1;
    const child = (s: number, c: number): number => {
      for (let v = firstChild[s]; v !== -1; v = sibling[v]) if (label[v] === c) return v;
      return -1;
    };
    for (let k = 0; k < P; k++) {
      const p = pats[k];
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = cls[p[i]];
        let v = child(s, c);
        if (v === -1) {
          v = states++;
          label[v] = c;
          sibling[v] = firstChild[s];
          firstChild[s] = v;
        }
        s = v;
      }
      ownNext[k] = own[s];
      own[s] = k;
    }

    // 2. Breadth-first order, failure links, dictionary-suffix links, output counts.
    const order = new Int32Array(states);
    const fail = new Int32Array(states);
    const dict = new Int32Array(states).fill(-1); // nearest proper suffix state with own patterns
    const outCount = new Int32Array(states);
    const depthOf = new Int32Array(states);
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const u = order[head++];
      for (let v = firstChild[u]; v !== -1; v = sibling[v]) {
        order[tail++] = v;
        depthOf[v] = depthOf[u] + 1;
        let f = 0;
        if (u !== 0) {
          for (let w = fail[u]; ; w = fail[w]) {
            const g = child(w, label[v]);
            if (g !== -1) {
              f = g;
              break;
            }
            if (w === 0) break;
          }
        }
        fail[v] = f;
        dict[v] = own[f] !== -1 ? f : dict[f];
        let n = 0;
        for (let k = own[v]; k !== -1; k = ownNext[k]) n++;
        outCount[v] = n + outCount[f];
      }
    }

    // 3. Numbering: BFS order (shallow, hot states together), states with outputs last.
    const num = new Int32Array(states);
    let next = 0;
    for (let i = 0; i < states; i++) if (outCount[order[i]] === 0) num[order[i]] = next++;
    const matchBase = next;
    for (let i = 0; i < states; i++) if (outCount[order[i]] !== 0) num[order[i]] = next++;
    const depth = new Int32Array(states);
    for (let u = 0; u < states; u++) depth[num[u]] = depthOf[u];

    // 4. Layout choice.
    const layout = chooseLayout(options, states);
    const full = layout === 'full32' || layout === 'full16';
    const wide = layout === 'full32' || layout === 'compact32';
    const stride = full ? 256 : classes;
    if (states * stride > 0x7fffffff) throw new RangeError(`mpm: ${states} states are too many`);
    const t32 = new Int32Array(wide ? states * stride : 0);
    const t16 = new Uint16Array(wide ? 0 : states * stride);
    const table: Int32Array | Uint16Array = wide ? t32 : t16;
    const enc = wide ? stride : 1; // wide tables hold row offsets, narrow ones state numbers

    // 5. Transition rows in BFS order: row(v) = row(fail(v)) overridden by v's trie children. The root row
    // defaults to the root (0) for every byte without a child; rows of fail states are always complete first.
    for (let i = 0; i < states; i++) {
      const u = order[i];
      const row = num[u] * stride;
      if (u !== 0) {
        const src = num[fail[u]] * stride;
        table.copyWithin(row, src, src + stride);
      }
      for (let v = firstChild[u]; v !== -1; v = sibling[v]) {
        const val = num[v] * enc;
        if (full) for (const b of classBytes[label[v]]) table[row + b] = val;
        else table[row + label[v]] = val;
      }
    }

    // 6. Outputs, CSR over matching states (new numbering); patterns and ids, CSR over unique patterns.
    const nMatch = states - matchBase;
    const outStart = new Int32Array(nMatch + 1);
    for (let u = 0; u < states; u++) if (outCount[u] !== 0) outStart[num[u] - matchBase + 1] = outCount[u];
    for (let k = 0; k < nMatch; k++) outStart[k + 1] += outStart[k];
    const outPat = new Int32Array(outStart[nMatch]);
    for (let u = 0; u < states; u++) {
      if (outCount[u] === 0) continue;
      let j = outStart[num[u] - matchBase];
      for (let w = own[u] !== -1 ? u : dict[u]; w !== -1; w = dict[w]) {
        // own lists are stored newest first; emit them in insertion order
        const start = j;
        for (let k = own[w]; k !== -1; k = ownNext[k]) outPat[j++] = k;
        outPat.subarray(start, j).reverse();
      }
    }
    const patStart = new Int32Array(P + 1);
    for (let k = 0; k < P; k++) patStart[k + 1] = patStart[k] + pats[k].length;
    const patBytes = new Uint8Array(patStart[P]);
    const patVerify = new Uint8Array(P);
    const idStart = new Int32Array(P + 1);
    for (let k = 0; k < P; k++) {
      patBytes.set(pats[k], patStart[k]);
      patVerify[k] = this.verify[k] ? 1 : 0;
      idStart[k + 1] = idStart[k] + this.idLists[k].size;
    }
    const ids = new Int32Array(idStart[P]);
    let idLimit = 0;
    for (let k = 0; k < P; k++) {
      let q = idStart[k];
      for (const id of this.idLists[k]) {
        ids[q++] = id;
        if (id >= idLimit) idLimit = id + 1;
      }
    }

    const { gramAt, gramNext, gramPrev, gramUnchecked, gramStep, prefix4 } = buildGramFilter(pats, this.verify, layout);
    return new Mpm({
      gramAt,
      gramNext,
      gramPrev,
      gramUnchecked,
      gramStep,
      prefix4,
      layout,
      states,
      classes,
      stride,
      matchBase,
      t32,
      t16,
      cls,
      depth,
      outStart,
      outPat,
      patStart,
      patBytes,
      patVerify,
      idStart,
      ids,
      idLimit,
      idCount: this.ids,
    });
  }
}

function chooseLayout(options: MpmBuildOptions, states: number): MpmLayout {
  const want = options.layout ?? 'auto';
  const narrowOk = states < 65536;
  switch (want) {
    case 'full16':
    case 'compact16':
      if (!narrowOk) throw new RangeError(`mpm: layout ${want} needs fewer than 65536 states, have ${states}`);
      return want;
    case 'full32':
    case 'compact32':
      return want;
    case 'full':
      return narrowOk ? 'full16' : 'full32';
    case 'compact':
      return narrowOk ? 'compact16' : 'compact32';
    default: {
      // full16 scans as fast as full32 (measured) at half the memory; compact costs a class-map load per byte.
      const max = options.maxFullTableBytes ?? DEFAULT_MAX_FULL_TABLE_BYTES;
      if (narrowOk) return states * 256 * 2 <= max ? 'full16' : 'compact16';
      return states * 256 * 4 <= max ? 'full32' : 'compact32';
    }
  }
}

interface MpmData extends GramFilter {
  layout: MpmLayout;
  states: number;
  classes: number;
  stride: number;
  matchBase: number;
  t32: Int32Array;
  t16: Uint16Array;
  cls: Uint8Array;
  depth: Int32Array;
  outStart: Int32Array;
  outPat: Int32Array;
  patStart: Int32Array;
  patBytes: Uint8Array;
  patVerify: Uint8Array;
  idStart: Int32Array;
  ids: Int32Array;
  idLimit: number;
  idCount: number;
}

/**
 * A built automaton. Scanning allocates nothing. The tables are never written after the build; the only mutable
 * state is scanMark's per-call scratch (which matching states are exhausted), safe because scanMark runs to
 * completion without calling out, so one instance can serve every scan of its thread.
 */
export class Mpm {
  /** Table layout in use. */
  readonly layout: MpmLayout;
  /** Distinct (bytes, case mode) patterns. */
  readonly patternCount: number;
  /** (pattern, id) pairs. */
  readonly idCount: number;
  /** One more than the largest id: the length a `seen` array for {@link scanMark} must have at least. */
  readonly idLimit: number;
  /** Automaton states, root included. */
  readonly states: number;
  /** Byte classes (compact layouts index rows by class; full layouts by byte). */
  readonly classes: number;
  /** Bytes held by the typed arrays of this automaton (tables, outputs, patterns, ids, scratch). */
  readonly memoryBytes: number;

  private readonly stride: number;
  private readonly matchBase: number;
  private readonly matchBaseEnc: number;
  private readonly t32: Int32Array;
  private readonly t16: Uint16Array;
  private readonly cls: Uint8Array;
  private readonly depth: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outPat: Int32Array;
  private readonly patStart: Int32Array;
  private readonly patBytes: Uint8Array;
  private readonly patVerify: Uint8Array;
  private readonly idStart: Int32Array;
  private readonly ids: Int32Array;
  /**
   * Sampled-bigram prefilter of scanMark (see buildGramFilter): every gramStep-th byte position is looked up;
   * 0 when scanMark runs the automaton over every byte.
   */
  readonly gramStep: number;
  private readonly gramAt: Uint16Array;
  /**
   * The second look of a filter hit (see buildGramFilter): offsets q whose start is confirmed by the bigram two
   * bytes on (gramNext) or two bytes back (gramPrev); gramUnchecked has the bits each of them cannot check.
   */
  private readonly gramNext: Uint16Array;
  private readonly gramPrev: Uint16Array;
  private readonly gramUnchecked: number;
  /**
   * One or two exact patterns (no letter to fold): scanMark looks for each with Buffer#indexOf, whose native
   * search skips ahead by the pattern's length, instead of walking the automaton. null otherwise.
   */
  private readonly needles: Buffer[] | null;
  /** Does scanMark search the patterns with Buffer#indexOf (see needles)? */
  get searchesNatively(): boolean {
    return this.needles !== null;
  }
  /** Bit set over a hash of each pattern's first four (case-folded) bytes; empty when a pattern is shorter. */
  private readonly prefix4: Int32Array;
  /** scanMark scratch: done[k] === epoch when every id of matching state k is marked (or k was verified out). */
  private readonly done: Uint32Array;
  private epoch = 0;

  /** @internal use {@link MpmBuilder.build}. */
  constructor(d: MpmData) {
    this.layout = d.layout;
    this.patternCount = d.patVerify.length;
    this.idCount = d.idCount;
    this.idLimit = d.idLimit;
    this.states = d.states;
    this.classes = d.classes;
    this.stride = d.stride;
    this.matchBase = d.matchBase;
    this.matchBaseEnc = d.layout === 'full32' || d.layout === 'compact32' ? d.matchBase * d.stride : d.matchBase;
    this.t32 = d.t32;
    this.t16 = d.t16;
    this.cls = d.cls;
    this.depth = d.depth;
    this.outStart = d.outStart;
    this.outPat = d.outPat;
    this.patStart = d.patStart;
    this.patBytes = d.patBytes;
    this.patVerify = d.patVerify;
    this.idStart = d.idStart;
    this.ids = d.ids;
    this.done = new Uint32Array(d.states - d.matchBase);
    this.gramAt = d.gramAt;
    this.gramNext = d.gramNext;
    this.gramPrev = d.gramPrev;
    this.gramUnchecked = d.gramUnchecked;
    this.needles = needlesOf(d);
    this.prefix4 = d.prefix4;
    this.gramStep = d.gramStep;
    this.memoryBytes = [
      d.t32,
      d.t16,
      d.cls,
      d.depth,
      d.outStart,
      d.outPat,
      d.patStart,
      d.patBytes,
      d.patVerify,
      d.idStart,
      d.ids,
      this.done,
      d.gramAt,
      d.gramNext,
      d.gramPrev,
      d.prefix4,
    ].reduce((sum, a) => sum + a.byteLength, 0);
  }

  /**
   * Call onMatch(id, end) for every occurrence of every pattern in buf[off, end), `end` being the offset one past
   * the occurrence's last byte. Occurrences come in order of `end`; two patterns with the same id that both end
   * at one offset are two calls. Returns the number of calls.
   */
  scan(buf: Uint8Array, off: number, end: number, onMatch: MpmMatchFn): number {
    checkRange(buf, off, end);
    switch (this.layout) {
      case 'full32':
        return this.scanFull32(buf, off, end, onMatch);
      case 'full16':
        return this.scanFull16(buf, off, end, onMatch);
      case 'compact32':
        return this.scanCompact32(buf, off, end, onMatch);
      default:
        return this.scanCompact16(buf, off, end, onMatch);
    }
  }

  /**
   * Prefilter fast path: set seen[id] = 1 for every pattern id that occurs in buf[off, end) and whose seen[id] was
   * 0; return how many were newly set. If `hits` is given, the newly set ids are also written, in no particular
   * order, to hits[hitsStart ..] (at most idLimit of them). The caller clears `seen` (the ids in `hits` say
   * where). No callback, no allocation.
   *
   * Buffers of INTERLEAVE_MIN bytes or more are cut in four quarters scanned by four interleaved automaton runs
   * (independent load chains the CPU overlaps; ~2x the speed of one run). A run that reaches the end of its quarter
   * goes on until its state's string lies wholly in the next quarter (at most the longest pattern's length), so a
   * pattern across a cut is still found; one found twice is marked once.
   */
  scanMark(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits?: Int32Array, hitsStart = 0): number {
    checkRange(buf, off, end);
    if (seen.length < this.idLimit) throw new RangeError(`mpm: seen has ${seen.length} entries, needs ${this.idLimit}`);
    let ep = this.epoch + 1;
    if (ep > 0x3fffffff) {
      // stay a small integer; restamp from 1
      this.done.fill(0);
      ep = 1;
    }
    this.epoch = ep;
    if (this.needles !== null && end - off >= NEEDLE_MIN) return this.markNeedles(buf, off, end, seen, hits, hitsStart);
    if (this.gramStep !== 0 && end - off >= GRAM_MIN) {
      return this.markGram(buf, off, end, seen, hits, hitsStart);
    }
    switch (this.layout) {
      case 'full32':
        return this.markFull32(buf, off, end, seen, hits, hitsStart);
      case 'full16':
        return this.markFull16(buf, off, end, seen, hits, hitsStart);
      case 'compact32':
        return this.markCompact32(buf, off, end, seen, hits, hitsStart);
      default:
        return this.markCompact16(buf, off, end, seen, hits, hitsStart);
    }
  }

  // One set of loops per layout so that every table access site sees a single typed-array kind. In each:
  // scanX = one run with callbacks; markX = four interleaved runs; runX = one run from state s at `from`,
  // stopping at `end` or as soon as the state's string starts at or after `stop` (NO_STOP: never).

  private scanFull32(buf: Uint8Array, off: number, end: number, onMatch: MpmMatchFn): number {
    const t = this.t32;
    const mb = this.matchBaseEnc;
    let s = 0;
    let n = 0;
    for (let i = off; ; i++) {
      for (; i < end; i++) {
        s = t[s + buf[i]];
        if (s >= mb) break;
      }
      if (i >= end) break;
      n += this.emit((s - mb) >>> 8, buf, i + 1, onMatch);
    }
    return n;
  }

  private scanFull16(buf: Uint8Array, off: number, end: number, onMatch: MpmMatchFn): number {
    const t = this.t16;
    const mb = this.matchBase;
    let s = 0;
    let n = 0;
    for (let i = off; ; i++) {
      for (; i < end; i++) {
        s = t[(s << 8) | buf[i]];
        if (s >= mb) break;
      }
      if (i >= end) break;
      n += this.emit(s - mb, buf, i + 1, onMatch);
    }
    return n;
  }

  private scanCompact32(buf: Uint8Array, off: number, end: number, onMatch: MpmMatchFn): number {
    const t = this.t32;
    const cls = this.cls;
    const mb = this.matchBaseEnc;
    const stride = this.stride;
    let s = 0;
    let n = 0;
    for (let i = off; ; i++) {
      for (; i < end; i++) {
        s = t[s + cls[buf[i]]];
        if (s >= mb) break;
      }
      if (i >= end) break;
      n += this.emit(((s - mb) / stride) | 0, buf, i + 1, onMatch);
    }
    return n;
  }

  private scanCompact16(buf: Uint8Array, off: number, end: number, onMatch: MpmMatchFn): number {
    const t = this.t16;
    const cls = this.cls;
    const mb = this.matchBase;
    const stride = this.stride;
    let s = 0;
    let n = 0;
    for (let i = off; ; i++) {
      for (; i < end; i++) {
        s = t[s * stride + cls[buf[i]]];
        if (s >= mb) break;
      }
      if (i >= end) break;
      n += this.emit(s - mb, buf, i + 1, onMatch);
    }
    return n;
  }

  private markFull32(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    if (end - off < INTERLEAVE_MIN) return this.runFull32(buf, off, end, 0, NO_STOP, seen, hits, h, 0);
    const t = this.t32;
    const done = this.done;
    const ep = this.epoch;
    const mb = this.matchBaseEnc;
    const q = (end - off) >>> 2;
    const b1 = off + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let n = 0;
    let i = 0;
    for (;;) {
      for (; i < q; i++) {
        s0 = t[s0 + buf[off + i]];
        s1 = t[s1 + buf[b1 + i]];
        s2 = t[s2 + buf[b2 + i]];
        s3 = t[s3 + buf[b3 + i]];
        if (s0 >= mb || s1 >= mb || s2 >= mb || s3 >= mb) break;
      }
      if (i >= q) break;
      if (s0 >= mb && done[(s0 - mb) >>> 8] !== ep) n = this.mark((s0 - mb) >>> 8, buf, off + i + 1, seen, hits, h, n);
      if (s1 >= mb && done[(s1 - mb) >>> 8] !== ep) n = this.mark((s1 - mb) >>> 8, buf, b1 + i + 1, seen, hits, h, n);
      if (s2 >= mb && done[(s2 - mb) >>> 8] !== ep) n = this.mark((s2 - mb) >>> 8, buf, b2 + i + 1, seen, hits, h, n);
      if (s3 >= mb && done[(s3 - mb) >>> 8] !== ep) n = this.mark((s3 - mb) >>> 8, buf, b3 + i + 1, seen, hits, h, n);
      i++;
    }
    n = this.runFull32(buf, b3 + q, end, s3, NO_STOP, seen, hits, h, n);
    n = this.runFull32(buf, b1, end, s0, b1, seen, hits, h, n);
    n = this.runFull32(buf, b2, end, s1, b2, seen, hits, h, n);
    return this.runFull32(buf, b3, end, s2, b3, seen, hits, h, n);
  }

  private runFull32(
    buf: Uint8Array,
    from: number,
    end: number,
    s: number,
    stop: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const t = this.t32;
    const mb = this.matchBaseEnc;
    const depth = this.depth;
    for (let j = from; j < end && j - depth[s >>> 8] < stop; j++) {
      s = t[s + buf[j]];
      if (s >= mb) {
        const k = (s - mb) >>> 8;
        if (this.done[k] !== this.epoch) n = this.mark(k, buf, j + 1, seen, hits, h, n);
      }
    }
    return n;
  }

  private markFull16(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    if (end - off < INTERLEAVE_MIN) return this.runFull16(buf, off, end, 0, NO_STOP, seen, hits, h, 0);
    const t = this.t16;
    const done = this.done;
    const ep = this.epoch;
    const mb = this.matchBase;
    const q = (end - off) >>> 2;
    const b1 = off + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let n = 0;
    let i = 0;
    for (;;) {
      // tight loop: no calls, so the four states stay in registers
      for (; i < q; i++) {
        s0 = t[(s0 << 8) | buf[off + i]];
        s1 = t[(s1 << 8) | buf[b1 + i]];
        s2 = t[(s2 << 8) | buf[b2 + i]];
        s3 = t[(s3 << 8) | buf[b3 + i]];
        if (s0 >= mb || s1 >= mb || s2 >= mb || s3 >= mb) break;
      }
      if (i >= q) break;
      if (s0 >= mb && done[s0 - mb] !== ep) n = this.mark(s0 - mb, buf, off + i + 1, seen, hits, h, n);
      if (s1 >= mb && done[s1 - mb] !== ep) n = this.mark(s1 - mb, buf, b1 + i + 1, seen, hits, h, n);
      if (s2 >= mb && done[s2 - mb] !== ep) n = this.mark(s2 - mb, buf, b2 + i + 1, seen, hits, h, n);
      if (s3 >= mb && done[s3 - mb] !== ep) n = this.mark(s3 - mb, buf, b3 + i + 1, seen, hits, h, n);
      i++;
    }
    n = this.runFull16(buf, b3 + q, end, s3, NO_STOP, seen, hits, h, n);
    n = this.runFull16(buf, b1, end, s0, b1, seen, hits, h, n);
    n = this.runFull16(buf, b2, end, s1, b2, seen, hits, h, n);
    return this.runFull16(buf, b3, end, s2, b3, seen, hits, h, n);
  }

  private runFull16(
    buf: Uint8Array,
    from: number,
    end: number,
    s: number,
    stop: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const t = this.t16;
    const mb = this.matchBase;
    const depth = this.depth;
    for (let j = from; j < end && j - depth[s] < stop; j++) {
      s = t[(s << 8) | buf[j]];
      if (s >= mb && this.done[s - mb] !== this.epoch) n = this.mark(s - mb, buf, j + 1, seen, hits, h, n);
    }
    return n;
  }

  private markCompact32(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    if (end - off < INTERLEAVE_MIN) return this.runCompact32(buf, off, end, 0, NO_STOP, seen, hits, h, 0);
    const t = this.t32;
    const cls = this.cls;
    const done = this.done;
    const ep = this.epoch;
    const mb = this.matchBaseEnc;
    const stride = this.stride;
    const q = (end - off) >>> 2;
    const b1 = off + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let n = 0;
    let i = 0;
    for (;;) {
      for (; i < q; i++) {
        s0 = t[s0 + cls[buf[off + i]]];
        s1 = t[s1 + cls[buf[b1 + i]]];
        s2 = t[s2 + cls[buf[b2 + i]]];
        s3 = t[s3 + cls[buf[b3 + i]]];
        if (s0 >= mb || s1 >= mb || s2 >= mb || s3 >= mb) break;
      }
      if (i >= q) break;
      if (s0 >= mb) {
        const k = ((s0 - mb) / stride) | 0;
        if (done[k] !== ep) n = this.mark(k, buf, off + i + 1, seen, hits, h, n);
      }
      if (s1 >= mb) {
        const k = ((s1 - mb) / stride) | 0;
        if (done[k] !== ep) n = this.mark(k, buf, b1 + i + 1, seen, hits, h, n);
      }
      if (s2 >= mb) {
        const k = ((s2 - mb) / stride) | 0;
        if (done[k] !== ep) n = this.mark(k, buf, b2 + i + 1, seen, hits, h, n);
      }
      if (s3 >= mb) {
        const k = ((s3 - mb) / stride) | 0;
        if (done[k] !== ep) n = this.mark(k, buf, b3 + i + 1, seen, hits, h, n);
      }
      i++;
    }
    n = this.runCompact32(buf, b3 + q, end, s3, NO_STOP, seen, hits, h, n);
    n = this.runCompact32(buf, b1, end, s0, b1, seen, hits, h, n);
    n = this.runCompact32(buf, b2, end, s1, b2, seen, hits, h, n);
    return this.runCompact32(buf, b3, end, s2, b3, seen, hits, h, n);
  }

  private runCompact32(
    buf: Uint8Array,
    from: number,
    end: number,
    s: number,
    stop: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const t = this.t32;
    const cls = this.cls;
    const mb = this.matchBaseEnc;
    const stride = this.stride;
    const depth = this.depth;
    for (let j = from; j < end && j - depth[(s / stride) | 0] < stop; j++) {
      s = t[s + cls[buf[j]]];
      if (s >= mb) {
        const k = ((s - mb) / stride) | 0;
        if (this.done[k] !== this.epoch) n = this.mark(k, buf, j + 1, seen, hits, h, n);
      }
    }
    return n;
  }

  private markCompact16(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    if (end - off < INTERLEAVE_MIN) return this.runCompact16(buf, off, end, 0, NO_STOP, seen, hits, h, 0);
    const t = this.t16;
    const cls = this.cls;
    const done = this.done;
    const ep = this.epoch;
    const mb = this.matchBase;
    const stride = this.stride;
    const q = (end - off) >>> 2;
    const b1 = off + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let n = 0;
    let i = 0;
    for (;;) {
      for (; i < q; i++) {
        s0 = t[s0 * stride + cls[buf[off + i]]];
        s1 = t[s1 * stride + cls[buf[b1 + i]]];
        s2 = t[s2 * stride + cls[buf[b2 + i]]];
        s3 = t[s3 * stride + cls[buf[b3 + i]]];
        if (s0 >= mb || s1 >= mb || s2 >= mb || s3 >= mb) break;
      }
      if (i >= q) break;
      if (s0 >= mb && done[s0 - mb] !== ep) n = this.mark(s0 - mb, buf, off + i + 1, seen, hits, h, n);
      if (s1 >= mb && done[s1 - mb] !== ep) n = this.mark(s1 - mb, buf, b1 + i + 1, seen, hits, h, n);
      if (s2 >= mb && done[s2 - mb] !== ep) n = this.mark(s2 - mb, buf, b2 + i + 1, seen, hits, h, n);
      if (s3 >= mb && done[s3 - mb] !== ep) n = this.mark(s3 - mb, buf, b3 + i + 1, seen, hits, h, n);
      i++;
    }
    n = this.runCompact16(buf, b3 + q, end, s3, NO_STOP, seen, hits, h, n);
    n = this.runCompact16(buf, b1, end, s0, b1, seen, hits, h, n);
    n = this.runCompact16(buf, b2, end, s1, b2, seen, hits, h, n);
    return this.runCompact16(buf, b3, end, s2, b3, seen, hits, h, n);
  }

  private runCompact16(
    buf: Uint8Array,
    from: number,
    end: number,
    s: number,
    stop: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const t = this.t16;
    const cls = this.cls;
    const mb = this.matchBase;
    const stride = this.stride;
    const depth = this.depth;
    for (let j = from; j < end && j - depth[s] < stop; j++) {
      s = t[s * stride + cls[buf[j]]];
      if (s >= mb && this.done[s - mb] !== this.epoch) n = this.mark(s - mb, buf, j + 1, seen, hits, h, n);
    }
    return n;
  }

  private markNeedles(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    const view = Buffer.from(buf.buffer, buf.byteOffset + off, end - off);
    const needles = this.needles!;
    let n = 0;
    for (let p = 0; p < needles.length; p++) {
      if (view.indexOf(needles[p]!) < 0) continue;
      for (let q = this.idStart[p]!, qe = this.idStart[p + 1]!; q < qe; q++) {
        const id = this.ids[q]!;
        if (seen[id] !== 0) continue;
        seen[id] = 1;
        if (hits !== undefined) hits[h + n] = id;
        n++;
      }
    }
    return n;
  }

  // Sampled-bigram scans (full layouts with a gram filter): every gramStep-th position's bigram is looked up in
  // the filter; a hit means some pattern may start in the gramStep positions ending there, and each of those
  // starts is checked by walking the automaton from the root along trie edges only (a state whose depth is not
  // the walked length was reached through a failure link: no pattern starts there).

  private markGram(buf: Uint8Array, off: number, end: number, seen: Uint8Array, hits: Hits, h: number): number {
    const at = this.gramAt;
    const step = this.gramStep;
    const step2 = step * 2;
    const last = end - 1;
    let n = 0;
    let j = off;
    // Two samples per round: independent loads, one branch for the (usual) double miss.
    for (; j + step < last; j += step2) {
      const q0 = at[(buf[j] << 8) | buf[j + 1]];
      const q1 = at[(buf[j + step] << 8) | buf[j + step + 1]];
      if ((q0 | q1) === 0) continue;
      if (q0 !== 0) n = this.gramHit(buf, j, this.confirm(buf, j, q0, off, end), off, end, seen, hits, h, n);
      if (q1 !== 0) n = this.gramHit(buf, j + step, this.confirm(buf, j + step, q1, off, end), off, end, seen, hits, h, n);
    }
    for (; j < last; j += step) {
      const q = at[(buf[j] << 8) | buf[j + 1]];
      if (q !== 0) n = this.gramHit(buf, j, this.confirm(buf, j, q, off, end), off, end, seen, hits, h, n);
    }
    return n;
  }

  /**
   * The offsets of `qs` (the filter's hit at j) that the bigrams at j + 2 and j - 2 agree with. A start whose
   * pattern would not fit in [off, end) loses its bit too: the bigram out of range reads as none.
   */
  private confirm(buf: Uint8Array, j: number, qs: number, off: number, end: number): number {
    const next = j + 3 < end ? this.gramNext[(buf[j + 2] << 8) | buf[j + 3]] : 0;
    const prev = j - 2 >= off ? this.gramPrev[(buf[j - 2] << 8) | buf[j - 1]] : 0;
    const un = this.gramUnchecked;
    return qs & (next | un) & (prev | PREV_UNCHECKED);
  }

  /** A filter hit (rare next to the samples): the walk of this automaton's layout. */
  private gramHit(
    buf: Uint8Array,
    j: number,
    qs: number,
    off: number,
    end: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    return this.layout === 'full16'
      ? this.gramHit16(buf, j, qs, off, end, seen, hits, h, n)
      : this.gramHit32(buf, j, qs, off, end, seen, hits, h, n);
  }

  /** A filter hit at j: walk from the starts j - q for the offsets q (bits of `qs`) some pattern has the bigram at. */
  private gramHit16(
    buf: Uint8Array,
    j: number,
    qs: number,
    off: number,
    end: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const p4 = this.prefix4;
    const t = this.t16;
    const depth = this.depth;
    const mb = this.matchBase;
    for (let q = 0; qs !== 0; qs >>>= 1, q++) {
      const s = j - q;
      if ((qs & 1) === 0 || s < off) continue;
      if (p4.length !== 0 && !prefixMayStart(p4, buf, s, end)) continue;
      let st = 0;
      for (let pos = s; pos < end; pos++) {
        st = t[(st << 8) | buf[pos]];
        if (depth[st] !== pos - s + 1) break;
        if (st >= mb && this.done[st - mb] !== this.epoch) n = this.mark(st - mb, buf, pos + 1, seen, hits, h, n);
      }
    }
    return n;
  }

  private gramHit32(
    buf: Uint8Array,
    j: number,
    qs: number,
    off: number,
    end: number,
    seen: Uint8Array,
    hits: Hits,
    h: number,
    n: number,
  ): number {
    const p4 = this.prefix4;
    const t = this.t32;
    const depth = this.depth;
    const mb = this.matchBaseEnc;
    for (let q = 0; qs !== 0; qs >>>= 1, q++) {
      const s = j - q;
      if ((qs & 1) === 0 || s < off) continue;
      if (p4.length !== 0 && !prefixMayStart(p4, buf, s, end)) continue;
      let st = 0;
      for (let pos = s; pos < end; pos++) {
        st = t[st + buf[pos]];
        if (depth[st >>> 8] !== pos - s + 1) break;
        if (st >= mb) {
          const k = (st - mb) >>> 8;
          if (this.done[k] !== this.epoch) n = this.mark(k, buf, pos + 1, seen, hits, h, n);
        }
      }
    }
    return n;
  }

  /** Report the outputs of matching state k (0-based among matching states) ending at `at`. */
  private emit(k: number, buf: Uint8Array, at: number, onMatch: MpmMatchFn): number {
    const outPat = this.outPat;
    const idStart = this.idStart;
    const ids = this.ids;
    let n = 0;
    for (let j = this.outStart[k], e = this.outStart[k + 1]; j < e; j++) {
      const p = outPat[j];
      if (this.patVerify[p] !== 0 && !this.exactAt(p, buf, at)) continue;
      for (let q = idStart[p], qe = idStart[p + 1]; q < qe; q++) {
        onMatch(ids[q], at);
        n++;
      }
    }
    return n;
  }

  /**
   * Mark the unseen ids of matching state k's outputs ending at `at`; return the updated count n. When no id of
   * the state is left unseen, the state is done for this scanMark call and its later hits cost one load.
   */
  private mark(k: number, buf: Uint8Array, at: number, seen: Uint8Array, hits: Hits, h: number, n: number): number {
    const outPat = this.outPat;
    const idStart = this.idStart;
    const ids = this.ids;
    let exhausted = true;
    for (let j = this.outStart[k], e = this.outStart[k + 1]; j < e; j++) {
      const p = outPat[j];
      let checked = this.patVerify[p] === 0; // verify lazily: only while one of the pattern's ids is unseen
      for (let q = idStart[p], qe = idStart[p + 1]; q < qe; q++) {
        const id = ids[q];
        if (seen[id] !== 0) continue;
        if (!checked) {
          if (!this.exactAt(p, buf, at)) {
            exhausted = false; // the exact case may still occur later in the buffer
            break;
          }
          checked = true;
        }
        seen[id] = 1;
        if (hits !== undefined) hits[h + n] = id;
        n++;
      }
    }
    if (exhausted) this.done[k] = this.epoch;
    return n;
  }

  /** Case-sensitive check: do the bytes of pattern p equal buf[at - len, at)? The folded match guarantees fit. */
  private exactAt(p: number, buf: Uint8Array, at: number): boolean {
    const bytes = this.patBytes;
    const start = this.patStart[p];
    const len = this.patStart[p + 1] - start;
    const base = at - len;
    for (let i = 0; i < len; i++) if (buf[base + i] !== bytes[start + i]) return false;
    return true;
  }
}

type Hits = Int32Array | undefined;

function checkRange(buf: Uint8Array, off: number, end: number): void {
  if (!(off >= 0 && off <= end && end <= buf.length)) {
    throw new RangeError(`mpm: scan range [${off}, ${end}) outside buffer of ${buf.length}`);
  }
}

/** scanMark uses the gram filter on buffers at least this long (shorter ones: one plain run). */
const GRAM_MIN = 16;
/** The filter is kept when at most this share of all 65536 bigrams are set. */
const GRAM_MAX_DENSITY = 0.2;

/** Longest sampling step: gramAt holds one bit per offset in 16 bits. */
const GRAM_MAX_STEP = 16;
/** Offsets 0 and 1 have no bigram two bytes before them in the pattern. */
const PREV_UNCHECKED = 0b11;
/** Bits of the prefix4 table (2^17 bits, 16 KiB). */
const PREFIX4_BITS = 17;

/** The second look before a walk: could a pattern start at s, given its first four bytes? */
function prefixMayStart(p4: Int32Array, buf: Uint8Array, s: number, end: number): boolean {
  if (s + 4 > end) return false;
  const y = prefixHash(buf[s], buf[s + 1], buf[s + 2], buf[s + 3]);
  return (p4[y >>> 5] & (1 << (y & 31))) !== 0;
}

/** Hash of four bytes, case-folded, into PREFIX4_BITS bits. */
function prefixHash(b0: number, b1: number, b2: number, b3: number): number {
  const w = FOLD[b0]! | (FOLD[b1]! << 8) | (FOLD[b2]! << 16) | (FOLD[b3]! << 24);
  return Math.imul(w, 0x9e3779b1) >>> (32 - PREFIX4_BITS);
}

/** The sampled-bigram prefilter's tables (see buildGramFilter). */
interface GramFilter {
  gramAt: Uint16Array;
  gramNext: Uint16Array;
  gramPrev: Uint16Array;
  gramUnchecked: number;
  gramStep: number;
  prefix4: Int32Array;
}

/**
 * The sampled-bigram prefilter of a full-layout automaton whose shortest pattern has m >= 3 bytes. Every
 * occurrence of a pattern covers m - 1 consecutive bigram positions, so looking at every step-th position
 * (step = min(m - 1, 16)) meets one of the first `step` bigrams of each occurrence. gramAt[bigram] has bit q set
 * when some pattern has that bigram at offset q (a nocase pattern's in both cases of its letters, an exact one's as
 * written: mark verifies exact patterns, and text rarely has their case twins), so a position whose bigram has no
 * bit is passed over and a hit at j considers only the starts j - q. When every pattern has 4 bytes or more, `prefix4`
 * holds a hash of each one's first four bytes (folded), and a start whose four bytes miss it is not walked:
 * common bigrams of text ("sc", "pt") hit the filter often, their patterns' prefixes seldom. Not kept when patterns
 * are short or their bigrams common (then most positions would be walked anyway).
 *
 * A hit is confirmed before any walk by two more bigrams: gramNext[bigram] has bit q when some pattern has that
 * bigram at offset q + 2, gramPrev[bigram] when at offset q - 2. A start j - q survives when the bigram at j + 2
 * agrees (unless q + 3 reaches past the shortest pattern: `gramUnchecked`) and the one at j - 2 does (unless
 * q < 2). On text, where common bigrams make about one sample in eight a hit, this halves the scan's cost.
 */
function buildGramFilter(
  pats: readonly Uint8Array[],
  exact: readonly boolean[],
  layout: MpmLayout,
): GramFilter {
  const none = {
    gramAt: new Uint16Array(0),
    gramNext: new Uint16Array(0),
    gramPrev: new Uint16Array(0),
    gramUnchecked: 0,
    gramStep: 0,
    prefix4: new Int32Array(0),
  };
  if (pats.length === 0 || (layout !== 'full16' && layout !== 'full32')) return none;
  let m = Infinity;
  for (const p of pats) if (p.length < m) m = p.length;
  if (m < 3) return none;
  const step = Math.min(m - 1, GRAM_MAX_STEP);
  const gramAt = new Uint16Array(65536);
  const gramNext = new Uint16Array(65536);
  const gramPrev = new Uint16Array(65536);
  let set = 0;
  const variants = (b: number, asWritten: boolean): number[] => {
    const f = FOLD[b];
    return asWritten || f < 0x61 || f > 0x7a ? [b] : [f, f - 0x20];
  };
  /** Set bit q in table t for every case variant of the bigram at offset i of pattern k. */
  const add = (t: Uint16Array, k: number, i: number, q: number): void => {
    const p = pats[k];
    for (const a of variants(p[i], exact[k])) {
      for (const b of variants(p[i + 1], exact[k])) {
        const x = (a << 8) | b;
        if (t === gramAt && t[x] === 0) set++;
        t[x] |= 1 << q;
      }
    }
  };
  let gramUnchecked = 0;
  for (let q = 0; q < step; q++) if (q + 3 >= m) gramUnchecked |= 1 << q;
  for (let k = 0; k < pats.length; k++) {
    for (let q = 0; q < step; q++) {
      add(gramAt, k, q, q);
      if ((gramUnchecked & (1 << q)) === 0) add(gramNext, k, q + 2, q);
      if (q >= 2) add(gramPrev, k, q - 2, q);
    }
  }
  if (set > GRAM_MAX_DENSITY * 65536) return none;
  const prefix4 = new Int32Array(m >= 4 ? 1 << (PREFIX4_BITS - 5) : 0);
  if (m >= 4) {
    for (const p of pats) {
      const y = prefixHash(p[0], p[1], p[2], p[3]);
      prefix4[y >>> 5] |= 1 << (y & 31);
    }
  }
  return { gramAt, gramNext, gramPrev, gramUnchecked, gramStep: step, prefix4 };
}

/** scanMark searches needles natively in buffers at least this long. */
const NEEDLE_MIN = 64;
/** Most patterns searched one by one with Buffer#indexOf. */
const MAX_NEEDLES = 2;
/** Shortest pattern worth a native search (shorter ones skip too little). */
const NEEDLE_MIN_LENGTH = 4;

/** The patterns as needles for Buffer#indexOf, when there are few, long enough, and none needs case folding. */
function needlesOf(d: MpmData): Buffer[] | null {
  const count = d.patVerify.length;
  if (count === 0 || count > MAX_NEEDLES) return null;
  const out: Buffer[] = [];
  for (let p = 0; p < count; p++) {
    const bytes = d.patBytes.subarray(d.patStart[p], d.patStart[p + 1]);
    // A nocase pattern with a letter matches its case twins too: indexOf cannot.
    if (bytes.length < NEEDLE_MIN_LENGTH || (d.patVerify[p] === 0 && hasLetter(bytes))) return null;
    out.push(Buffer.from(bytes));
  }
  return out;
}
