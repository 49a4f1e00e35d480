// TCP stream reassembly for ONE direction of one connection.
//
// RFC 9293 https://www.rfc-editor.org/rfc/rfc9293 sequence space: 32-bit, wrapping; two
// sequence numbers are compared with serial-number arithmetic (RFC 1982): a is "after" b
// when ((a - b) | 0) > 0. Inside the reassembler every byte also has a STREAM OFFSET: how
// many bytes of sequence space lie between it and the first expected byte given to init().
// Stream offsets are plain numbers (exact up to 2^53), so the out-of-order store and the
// depth accounting never see a wrap.
//
//   stream offset:  0 ........ streamOffset (= nextSeq) ......... streamOffset + maxAhead
//                   [ delivered / skipped ][ hole ][ooo seg][hole][ooo seg]
//                        ^ history: the last bytes delivered, for retransmission
//                          compare and the stream window (lazily allocated, bounded)
//
// What happens to a segment (Suricata's stream-tcp-reassemble.c / stream-tcp-list.c model):
//  - starts at nextSeq: delivered straight from the caller's Buffer (no copy), then every
//    buffered segment that became contiguous is delivered too.
//  - entirely before nextSeq: a retransmission. Its bytes are compared with the history of
//    what was delivered; different bytes raise stream.reassembly_overlap_different_data
//    (an evasion attempt or a broken stack: the IDS saw one version, the host may keep the
//    other). Partly before: the old part is compared, the new part delivered.
//  - in the future (within maxAhead): copied into the out-of-order store. Bytes already in
//    the store win ("first wins", what BSD-derived and most stacks do and Suricata's default
//    keeps); differing overlap bytes raise reassembly_overlap_different_data.
//  - too far ahead, or over the store's segment/byte bounds: dropped with an event
//    (reassembly_insert_limit / reassembly_insert_memcap). The flow engine decides when a
//    hole is lost for good and calls gap().
//
// Depth (Suricata stream.reassembly.depth): only the first `depth` bytes of stream offset
// (gaps included) are delivered; later bytes are counted and the buffers are freed.
//
// Memory: an idle reassembler that never saw out-of-order data or a retransmission holds
// only numbers, plus the stream window when one is configured (windowSize, default 0 until
// stream-level signatures need it). The retransmission-compare history starts at
// initialCompare (default 0: at the direction's first retransmission, with 2 KiB) and
// doubles (up to compareWindow, default 64 KiB) when a retransmission reaches further back
// than what was kept. releaseBuffers() drops the history of an idle flow.

/** History kept once a retransmission showed a direction needs one (doubles on demand). */
const FIRST_COMPARE = 2048;

/**
 * A history buffer. Small ones come from Node's shared pool (a slice, no new ArrayBuffer):
 * every flow with payload gets one, and a fresh ArrayBuffer each costs more than the copy.
 */
function historyBuffer(size: number): Buffer {
  return size < 4096 ? Buffer.allocUnsafe(size) : Buffer.allocUnsafeSlow(size);
}

/** Sink for one direction's reassembled stream. */
export interface StreamSink {
  /** Contiguous stream bytes buf[off, end). Valid only during the call: copy what you keep. */
  data(buf: Buffer, off: number, end: number): void;
  /** `len` bytes of the stream were lost (never seen) and skipped. */
  gap(len: number): void;
  /** A stream event by its dotted EVE name, e.g. 'stream.reassembly_seq_gap'. */
  event(name: string): void;
}

export interface ReassemblyLimits {
  /** Bytes of stream offset delivered for inspection; 0 = unlimited. Suricata stream.reassembly.depth. */
  depth: number;
  /** Out-of-order bytes kept. */
  maxBufferedBytes: number;
  /** Out-of-order segments kept. */
  maxSegments: number;
  /** Segments starting more than this many bytes past nextSeq are dropped. */
  maxAhead: number;
  /** Bytes of recently delivered stream kept for stream-level matching; 0 = off. */
  windowSize: number;
  /** Upper bound of the retransmission-compare history; 0 = retransmissions are not compared. */
  compareWindow: number;
  /**
   * Delivered bytes kept from the start for comparing retransmissions. 0 (the default)
   * starts the history at a direction's first retransmission: that one is counted but not
   * compared, later ones are. Keeping history for every flow "just in case" means copying
   * every delivered byte, which costs more than all of the parsing.
   */
  initialCompare: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: Readonly<ReassemblyLimits> = Object.freeze({
  depth: 1024 * 1024,
  maxBufferedBytes: 256 * 1024,
  maxSegments: 256,
  maxAhead: 1024 * 1024,
  windowSize: 0,
  initialCompare: 0,
  compareWindow: 64 * 1024,
});

// Event names (Suricata's stream events, with the EVE "stream." prefix).
export const EV_SEQ_GAP = 'stream.reassembly_seq_gap';
export const EV_OVERLAP_DIFFERENT_DATA = 'stream.reassembly_overlap_different_data';
export const EV_DEPTH_REACHED = 'stream.reassembly_depth_reached';
export const EV_INSERT_LIMIT = 'stream.reassembly_insert_limit';
export const EV_INSERT_MEMCAP = 'stream.reassembly_insert_memcap';

// What insert() did with a segment (returned so the caller need not diff counters).
/** Delivered (fully or in part: the old part of a partial retransmission is not delivered again). */
export const INSERT_DELIVERED = 0;
/** Kept in the out-of-order store (possibly nothing new: all its bytes were already stored). */
export const INSERT_BUFFERED = 1;
/** Nothing new: every byte was already delivered or skipped (a retransmission), or len <= 0. */
export const INSERT_OLD = 2;
/** Dropped: too far ahead or over the store bounds. */
export const INSERT_DROPPED = 3;
/** Past depth: counted only. */
export const INSERT_PAST_DEPTH = 4;

/** Smallest history allocation, so tiny flows do not reallocate on every segment. */
const MIN_HISTORY_ALLOC = 256;
/** Estimated bytes of one stored segment besides its data (object + Buffer + ArrayBuffer). */
const SEGMENT_OVERHEAD = 160;

interface OooSegment {
  /** Stream offset of data[0]. */
  off: number;
  /** A private copy (allocUnsafeSlow: no shared pool slab pinned by a long-lived segment). */
  data: Buffer;
}

// Scratch for insertOoo's first pass: the [start, end) stream-offset pieces of a new segment
// that are not yet stored. Module-level so the OOO path allocates only the copies it keeps.
let scratch: number[] = [];

export class StreamReassembler {
  private readonly depth: number;
  private readonly maxBufferedBytes: number;
  private readonly maxSegments: number;
  private readonly maxAhead: number;
  private readonly windowSize: number;
  private readonly compareMax: number;

  private initialized = false;
  /** Sequence number of the next expected byte (uint32). */
  private nextSeq = 0;
  /** Stream offset of nextSeq: bytes delivered + skipped + counted past depth. */
  private streamOffset = 0;

  // Out-of-order store, sorted by stream offset, non-overlapping, all beyond streamOffset.
  private ooo: OooSegment[] | null = null;
  private oooBytes = 0;

  // History of delivered bytes: hist[0, histLen) are the stream bytes just before streamOffset.
  private hist: Buffer | null = null;
  private histLen = 0;
  /** Bytes of history to keep: max(windowSize, compare window currently wanted). */
  private histKeep: number;
  private compareKeep: number;
  private readonly initialCompare: number;

  // --- counters for the flow engine (Suricata `tcp` stats: overlap, overlap_diff_data, reassembly_gap, ...) ---
  /** Bytes handed to sink.data. */
  deliveredBytes = 0;
  /** Bytes skipped by gap()/flush(). */
  gapBytes = 0;
  /** Number of gaps reported. */
  gaps = 0;
  /** Bytes seen past depth (sequence space covered, not delivered). */
  pastDepthBytes = 0;
  /** Segments whose bytes were all delivered already. */
  retransmissions = 0;
  /** Segments that overlapped delivered or buffered bytes (retransmissions included). */
  overlaps = 0;
  /** Overlaps whose bytes differed (stream.reassembly_overlap_different_data). */
  overlapsDifferent = 0;
  /** Overlap bytes that could not be compared (older than the kept history). */
  uncomparedBytes = 0;
  /** Segments dropped: too far ahead or store full. */
  insertDrops = 0;
  depthReached = false;

  constructor(limits: Partial<ReassemblyLimits> = {}) {
    const l = { ...DEFAULT_REASSEMBLY_LIMITS, ...limits };
    this.depth = Math.max(0, l.depth);
    this.maxBufferedBytes = Math.max(0, l.maxBufferedBytes);
    this.maxSegments = Math.max(0, l.maxSegments);
    this.maxAhead = Math.max(0, l.maxAhead);
    this.windowSize = Math.max(0, l.windowSize);
    this.compareMax = Math.max(0, l.compareWindow);
    this.compareKeep = Math.min(this.compareMax, l.initialCompare);
    this.initialCompare = this.compareKeep;
    this.histKeep = Math.max(this.windowSize, this.compareKeep);
  }

  /** Set the sequence number of the next expected byte (ISN+1, or the first data seq midstream). */
  init(nextSeq: number): void {
    this.nextSeq = nextSeq >>> 0;
    this.initialized = true;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Sequence number of the next expected byte. */
  get expectedSeq(): number {
    return this.nextSeq;
  }

  /** Stream offset of the next expected byte (bytes delivered + skipped + past depth). */
  get offset(): number {
    return this.streamOffset;
  }

  get bufferedBytes(): number {
    return this.oooBytes;
  }

  get bufferedSegments(): number {
    return this.ooo === null ? 0 : this.ooo.length;
  }

  /** Sequence number of the first buffered out-of-order byte, -1 when nothing is buffered. */
  get firstBufferedSeq(): number {
    const q = this.ooo;
    if (q === null || q.length === 0) return -1;
    return (this.nextSeq + (q[0]!.off - this.streamOffset)) >>> 0;
  }

  /** Estimated heap bytes held in buffers (history + out-of-order store), for a memcap. */
  get memoryBytes(): number {
    const h = this.hist === null ? 0 : this.hist.length;
    return h + this.oooBytes + this.bufferedSegments * SEGMENT_OVERHEAD;
  }

  // --- stream window: the last windowSize bytes delivered, for stream-level matching ---
  //
  // During sink.data() the window holds the bytes delivered BEFORE that chunk (so a match
  // can straddle window tail + chunk head); after insert() returns it includes them. A gap
  // empties it (bytes on either side of a hole are not contiguous). Read it through the
  // buffer + indices (no allocation) or window() (allocates a view).

  /** Backing buffer of the window, null when empty or off. Valid until the next insert/gap. */
  get windowBuffer(): Buffer | null {
    return this.windowSize === 0 || this.histLen === 0 ? null : this.hist;
  }

  /** Index in windowBuffer of the window's first byte. */
  get windowStart(): number {
    return this.histLen - Math.min(this.histLen, this.windowSize);
  }

  /** Index in windowBuffer just past the window's last byte. */
  get windowEnd(): number {
    return this.windowSize === 0 ? 0 : this.histLen;
  }

  /** Stream offset of the window's first byte. */
  get windowStreamOffset(): number {
    return this.streamOffset - (this.windowEnd - this.windowStart);
  }

  /** The window as a Buffer view (allocates the view object; use the accessors in hot code). */
  window(): Buffer {
    const b = this.windowBuffer;
    return b === null ? Buffer.alloc(0) : b.subarray(this.windowStart, this.windowEnd);
  }

  /**
   * A segment's payload buf[off, off + len) with sequence number `seq`. Returns one of the
   * INSERT_* codes. In-order data is handed to sink.data without copying; only segments
   * kept out of order are copied. Never throws.
   */
  insert(seq: number, buf: Buffer, off: number, len: number, sink: StreamSink): number {
    if (len <= 0) return INSERT_OLD;
    // Midstream convenience: a reassembler nobody initialised starts at its first segment.
    if (!this.initialized) this.init(seq);
    let rel = (seq - this.nextSeq) | 0;

    if (this.depthReached) return this.countPastDepth(rel, len);

    if (rel < 0) {
      // Starts before the next expected byte: (part of) it was delivered or skipped already.
      const old = Math.min(-rel, len);
      this.overlaps++;
      this.compareOld(this.streamOffset + rel, buf, off, old, sink);
      if (old === len) {
        this.retransmissions++;
        return INSERT_OLD;
      }
      off += old;
      len -= old;
      rel = 0;
    }

    if (rel === 0) {
      this.deliverInOrder(buf, off, off + len, sink);
      return this.depthReached ? INSERT_PAST_DEPTH : INSERT_DELIVERED;
    }

    if (rel > this.maxAhead) {
      this.insertDrops++;
      sink.event(EV_INSERT_LIMIT);
      return INSERT_DROPPED;
    }
    return this.insertOoo(this.streamOffset + rel, buf, off, len, sink);
  }

  /**
   * Declare the hole before the first buffered segment lost: report sink.gap(len) and
   * stream.reassembly_seq_gap, then deliver what became contiguous. With nothing buffered,
   * `uptoSeq` (e.g. the seq of a FIN) says how far to skip; otherwise nothing happens.
   * Returns the bytes skipped.
   */
  gap(sink: StreamSink, uptoSeq?: number): number {
    if (!this.initialized) return 0;
    let skip = 0;
    const q = this.ooo;
    if (q !== null && q.length > 0) {
      skip = q[0]!.off - this.streamOffset;
    } else if (uptoSeq !== undefined) {
      skip = (uptoSeq - this.nextSeq) | 0;
      if (skip > this.maxAhead) skip = 0;
    }
    if (skip <= 0) return 0;
    this.gaps++;
    this.gapBytes += skip;
    sink.gap(skip);
    sink.event(EV_SEQ_GAP);
    this.advance(skip);
    // The history no longer ends where the stream does.
    this.histLen = 0;
    if (!this.depthReached && this.depth > 0 && this.streamOffset > this.depth) this.reachDepth(sink);
    if (!this.depthReached) this.drain(sink);
    return skip;
  }

  /** At flow end: deliver everything buffered, reporting each hole as a gap. */
  flush(sink: StreamSink): void {
    while (this.ooo !== null && this.ooo.length > 0 && !this.depthReached) {
      if (this.gap(sink) === 0) break;
    }
  }

  /** Drop the history (window + compare) of an idle flow; the next delivery allocates again. */
  releaseBuffers(): void {
    this.hist = null;
    this.histLen = 0;
    this.compareKeep = this.initialCompare;
    this.histKeep = Math.max(this.windowSize, this.compareKeep);
  }

  // ---------------------------------------------------------------------------------------

  /** Move nextSeq/streamOffset forward by n bytes. */
  private advance(n: number): void {
    this.streamOffset += n;
    this.nextSeq = (this.nextSeq + n) >>> 0;
  }

  /**
   * Deliver buf[off, end) (which starts at streamOffset), interleaving buffered segments
   * that start inside it: those bytes arrived first and win. Then drain the store.
   */
  private deliverInOrder(buf: Buffer, off: number, end: number, sink: StreamSink): void {
    const q = this.ooo;
    if (q !== null && q.length > 0) {
      const endOff = this.streamOffset + (end - off);
      while (q.length > 0 && q[0]!.off < endOff && !this.depthReached) {
        const seg = q[0]!;
        const before = seg.off - this.streamOffset;
        if (before > 0) {
          this.deliver(buf, off, off + before, sink);
          off += before;
          if (this.depthReached) break;
        }
        // buf[off, ...) and seg.data[0, ...) describe the same stream bytes.
        const segLen = seg.data.length;
        const both = Math.min(end - off, segLen);
        this.overlaps++;
        if (buf.compare(seg.data, 0, both, off, off + both) !== 0) this.differentData(sink);
        q.shift();
        this.oooBytes -= segLen;
        this.deliver(seg.data, 0, segLen, sink);
        off += Math.min(segLen, end - off);
      }
    }
    if (off < end && !this.depthReached) this.deliver(buf, off, end, sink);
    else if (off < end) this.countPastDepth(0, end - off);
    if (!this.depthReached) this.drain(sink);
  }

  /** Deliver buffered segments that are now contiguous with the stream. */
  private drain(sink: StreamSink): void {
    const q = this.ooo;
    if (q === null) return;
    while (q.length > 0 && !this.depthReached) {
      const seg = q[0]!;
      const rel = seg.off - this.streamOffset;
      if (rel > 0) break;
      q.shift();
      const segLen = seg.data.length;
      this.oooBytes -= segLen;
      // Cannot normally happen (the store holds only bytes beyond streamOffset); be safe.
      if (-rel >= segLen) continue;
      this.deliver(seg.data, -rel, segLen, sink);
    }
  }

  /** Hand buf[off, end) (starting at streamOffset) to the sink, honouring depth. */
  private deliver(buf: Buffer, off: number, end: number, sink: StreamSink): void {
    if (this.depth > 0) {
      const room = this.depth - this.streamOffset;
      const n = end - off;
      if (n > room) {
        // The first byte past depth: deliver up to it, then only count.
        if (room > 0) this.deliver2(buf, off, off + room, sink);
        this.reachDepth(sink);
        const rest = n - Math.max(room, 0);
        this.pastDepthBytes += rest;
        this.advance(rest);
        return;
      }
    }
    this.deliver2(buf, off, end, sink);
  }

  private deliver2(buf: Buffer, off: number, end: number, sink: StreamSink): void {
    const n = end - off;
    sink.data(buf, off, end);
    this.remember(buf, off, end);
    this.deliveredBytes += n;
    this.advance(n);
  }

  private reachDepth(sink: StreamSink): void {
    if (this.depthReached) return;
    this.depthReached = true;
    sink.event(EV_DEPTH_REACHED);
    // Nothing past depth is inspected: free what is held.
    this.ooo = null;
    this.oooBytes = 0;
    this.hist = null;
    this.histLen = 0;
  }

  /** Past depth: only move the stream forward over the sequence space the segment covers. */
  private countPastDepth(rel: number, len: number): number {
    const endRel = rel + len;
    if (endRel <= 0) {
      this.retransmissions++;
      return INSERT_OLD;
    }
    if (endRel > this.maxAhead) return INSERT_DROPPED;
    this.pastDepthBytes += endRel;
    this.advance(endRel);
    return INSERT_PAST_DEPTH;
  }

  /** Append delivered bytes to the history (bounded; lazily allocated and grown). */
  private remember(buf: Buffer, off: number, end: number): void {
    const keep = this.histKeep;
    if (keep === 0) return;
    const n = end - off;
    let h = this.hist;
    const maxCap = keep + (keep >> 1);
    if (n >= keep) {
      if (h === null || h.length < keep) {
        h = historyBuffer(Math.min(maxCap, Math.max(keep, MIN_HISTORY_ALLOC)));
        this.hist = h;
      }
      buf.copy(h, 0, end - keep, end);
      this.histLen = keep;
      return;
    }
    let len = this.histLen;
    if (h === null || (len + n > h.length && h.length < maxCap)) {
      // Grow (doubling, bounded): small flows stay small.
      const cap = h === null ? 0 : h.length;
      const want = Math.min(maxCap, Math.max(cap * 2, len + n, MIN_HISTORY_ALLOC));
      const nh = historyBuffer(want);
      // Keep at most `keep - n` old bytes (what survives the append anyway).
      const retain = h === null ? 0 : Math.min(len, keep - n, want - n);
      if (h !== null && retain > 0) h.copy(nh, 0, len - retain, len);
      h = nh;
      this.hist = nh;
      len = retain;
    }
    if (len + n > h.length) {
      // Full at the bound: slide the last keep - n bytes to the front.
      const retain = Math.min(len, keep - n);
      h.copyWithin(0, len - retain, len);
      len = retain;
    }
    buf.copy(h, len, off, end);
    this.histLen = len + n;
  }

  /**
   * Compare `len` bytes of buf at `off` with the delivered bytes at stream offset `sOff`
   * (< streamOffset). Bytes older than the history are not compared; the history grows
   * so the next retransmission reaching that far back can be.
   */
  private compareOld(sOff: number, buf: Buffer, off: number, len: number, sink: StreamSink): void {
    const h = this.hist;
    const histStart = this.streamOffset - this.histLen;
    let cmpStart = sOff;
    if (cmpStart < histStart) {
      const missing = Math.min(histStart - cmpStart, len);
      this.uncomparedBytes += missing;
      cmpStart = histStart;
      // Grow the compare window for next time (bounded); it is not used before a retransmission shows it is needed.
      if (this.compareKeep < this.compareMax) {
        const want = Math.min(this.compareMax, Math.max(this.compareKeep * 2, this.streamOffset - sOff, FIRST_COMPARE));
        this.compareKeep = want;
        this.histKeep = Math.max(this.windowSize, want);
      }
    }
    const cmpEnd = sOff + len;
    if (h === null || cmpEnd <= cmpStart) return;
    const hi = this.histLen - (this.streamOffset - cmpStart);
    const bi = off + (cmpStart - sOff);
    const n = cmpEnd - cmpStart;
    if (buf.compare(h, hi, hi + n, bi, bi + n) !== 0) this.differentData(sink);
  }

  private differentData(sink: StreamSink): void {
    this.overlapsDifferent++;
    sink.event(EV_OVERLAP_DIFFERENT_DATA);
  }

  /**
   * Keep the future segment [s, s + len) (stream offsets) in the store. Stored bytes win;
   * only the holes it fills are copied. All-or-nothing against the store bounds.
   */
  private insertOoo(s: number, buf: Buffer, off: number, len: number, sink: StreamSink): number {
    let q = this.ooo;
    if (q === null) {
      q = [];
      this.ooo = q;
    }
    const e = s + len;
    // First stored segment that ends after s.
    let i = firstEndingAfter(q, s);
    const first = i;
    // Pass 1: find the uncovered pieces and compare the covered bytes.
    const pieces = scratch;
    pieces.length = 0;
    let cur = s;
    let newBytes = 0;
    let overlapped = false;
    let different = false;
    for (; i < q.length; i++) {
      const seg = q[i]!;
      if (seg.off >= e) break;
      const segEnd = seg.off + seg.data.length;
      if (seg.off > cur) {
        pieces.push(cur, seg.off);
        newBytes += seg.off - cur;
      }
      const a = Math.max(cur, seg.off);
      const b = Math.min(e, segEnd);
      if (b > a) {
        overlapped = true;
        if (!different && buf.compare(seg.data, a - seg.off, b - seg.off, off + (a - s), off + (b - s)) !== 0) {
          different = true;
        }
      }
      cur = Math.max(cur, segEnd);
    }
    if (cur < e) {
      pieces.push(cur, e);
      newBytes += e - cur;
    }
    if (overlapped) this.overlaps++;
    if (different) this.differentData(sink);
    if (newBytes === 0) return INSERT_BUFFERED;
    const nPieces = pieces.length >> 1;
    if (q.length + nPieces > this.maxSegments) {
      this.insertDrops++;
      sink.event(EV_INSERT_LIMIT);
      return INSERT_DROPPED;
    }
    if (this.oooBytes + newBytes > this.maxBufferedBytes) {
      this.insertDrops++;
      sink.event(EV_INSERT_MEMCAP);
      return INSERT_DROPPED;
    }
    // Pass 2: copy each piece and insert it in order (pieces are ascending and each
    // lies before the stored segment at the matching position).
    let at = first;
    for (let k = 0; k < pieces.length; k += 2) {
      const ps = pieces[k]!;
      const pe = pieces[k + 1]!;
      while (at < q.length && q[at]!.off < ps) at++;
      const data = Buffer.allocUnsafeSlow(pe - ps);
      buf.copy(data, 0, off + (ps - s), off + (pe - s));
      q.splice(at, 0, { off: ps, data });
      at++;
    }
    this.oooBytes += newBytes;
    if (pieces.length > 64) scratch = [];
    return INSERT_BUFFERED;
  }
}

/** Index of the first segment in q (sorted, non-overlapping) whose end is after s. */
function firstEndingAfter(q: OooSegment[], s: number): number {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const seg = q[mid]!;
    if (seg.off + seg.data.length <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
