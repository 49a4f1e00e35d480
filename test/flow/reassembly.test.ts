import { describe, expect, it } from 'vitest';
import {
  EV_DEPTH_REACHED,
  EV_INSERT_LIMIT,
  EV_INSERT_MEMCAP,
  EV_OVERLAP_DIFFERENT_DATA,
  EV_SEQ_GAP,
  INSERT_BUFFERED,
  INSERT_DELIVERED,
  INSERT_DROPPED,
  INSERT_OLD,
  type ReassemblyLimits,
  StreamReassembler,
  type StreamSink,
} from '../../src/flow/reassembly.js';

/** A sink that records everything, keeping copies (the data is only valid during the call). */
class Recorder implements StreamSink {
  chunks: Buffer[] = [];
  /** The Buffer objects handed over, to check zero-copy delivery. */
  bufs: Buffer[] = [];
  gaps: number[] = [];
  events: string[] = [];
  /** Stream window (as text) seen at each data() call. */
  windows: string[] = [];
  constructor(private readonly r?: StreamReassembler) {}
  data(buf: Buffer, off: number, end: number): void {
    this.bufs.push(buf);
    this.chunks.push(Buffer.from(buf.subarray(off, end)));
    if (this.r) this.windows.push(this.r.window().toString('latin1'));
  }
  gap(len: number): void {
    this.gaps.push(len);
  }
  event(name: string): void {
    this.events.push(name);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

function make(limits: Partial<ReassemblyLimits> = {}, isn = 1000): { r: StreamReassembler; s: Recorder } {
  const r = new StreamReassembler(limits);
  r.init(isn);
  return { r, s: new Recorder(r) };
}

/** Insert text `t` at sequence number `seq`, from a payload placed at a non-zero offset of a bigger buffer. */
function put(r: StreamReassembler, s: StreamSink, seq: number, t: string): { code: number; buf: Buffer } {
  const buf = Buffer.alloc(t.length + 10, 0x7e);
  buf.write(t, 5, 'latin1');
  return { code: r.insert(seq >>> 0, buf, 5, t.length, s), buf };
}

describe('StreamReassembler', () => {
  it('delivers in-order segments straight from the caller buffer (no copy)', () => {
    const { r, s } = make();
    const a = put(r, s, 1000, 'hello ');
    const b = put(r, s, 1006, 'world');
    expect(a.code).toBe(INSERT_DELIVERED);
    expect(b.code).toBe(INSERT_DELIVERED);
    expect(s.text()).toBe('hello world');
    expect(s.bufs[0]).toBe(a.buf);
    expect(s.bufs[1]).toBe(b.buf);
    expect(r.deliveredBytes).toBe(11);
    expect(r.expectedSeq).toBe(1011);
    expect(r.offset).toBe(11);
    expect(s.events).toEqual([]);
  });

  it('buffers out-of-order segments (as copies) and delivers them once contiguous', () => {
    const { r, s } = make();
    const c = put(r, s, 1010, 'KLMNO');
    const b = put(r, s, 1005, 'FGHIJ');
    expect(c.code).toBe(INSERT_BUFFERED);
    expect(b.code).toBe(INSERT_BUFFERED);
    expect(r.bufferedSegments).toBe(2);
    expect(r.bufferedBytes).toBe(10);
    expect(r.firstBufferedSeq).toBe(1005);
    expect(s.chunks.length).toBe(0);
    // The caller reuses its buffers: the store must not be affected.
    c.buf.fill(0);
    b.buf.fill(0);
    const a = put(r, s, 1000, 'ABCDE');
    expect(a.code).toBe(INSERT_DELIVERED);
    expect(s.text()).toBe('ABCDEFGHIJKLMNO');
    expect(s.bufs[0]).toBe(a.buf);
    expect(s.bufs[1]).not.toBe(b.buf);
    expect(r.bufferedSegments).toBe(0);
    expect(r.bufferedBytes).toBe(0);
    expect(r.firstBufferedSeq).toBe(-1);
  });

  it('counts a retransmission of identical data without an event', () => {
    const { r, s } = make();
    put(r, s, 1000, 'abcdefgh');
    expect(put(r, s, 1002, 'cdef').code).toBe(INSERT_OLD);
    expect(put(r, s, 1000, 'abcdefgh').code).toBe(INSERT_OLD);
    expect(r.retransmissions).toBe(2);
    expect(r.overlapsDifferent).toBe(0);
    expect(s.events).toEqual([]);
    expect(s.text()).toBe('abcdefgh');
  });

  it('raises overlap_different_data for a retransmission with different bytes', () => {
    const { r, s } = make({ initialCompare: 4096 });
    put(r, s, 1000, 'abcdefgh');
    expect(put(r, s, 1002, 'cXef').code).toBe(INSERT_OLD);
    expect(r.retransmissions).toBe(1);
    expect(r.overlapsDifferent).toBe(1);
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    // The IDS keeps what it delivered first.
    expect(s.text()).toBe('abcdefgh');
  });

  it('by default keeps no history until the first retransmission, then compares later ones', () => {
    const { r, s } = make();
    put(r, s, 1000, 'abcdefgh');
    // The first retransmission of a direction is counted but cannot be compared.
    expect(put(r, s, 1002, 'cXef').code).toBe(INSERT_OLD);
    expect(r.retransmissions).toBe(1);
    expect(r.uncomparedBytes).toBe(4);
    expect(s.events).toEqual([]);
    put(r, s, 1008, 'ijklmnop');
    expect(put(r, s, 1010, 'kXmn').code).toBe(INSERT_OLD);
    expect(r.overlapsDifferent).toBe(1);
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    expect(s.text()).toBe('abcdefghijklmnop');
  });

  it('trims the old part of a partial retransmission, compares it and delivers the new part', () => {
    const { r, s } = make();
    put(r, s, 1000, 'abcd');
    expect(put(r, s, 1002, 'cdEF').code).toBe(INSERT_DELIVERED);
    expect(s.text()).toBe('abcdEF');
    expect(s.events).toEqual([]);
    expect(put(r, s, 1004, 'xxGH').code).toBe(INSERT_DELIVERED);
    expect(s.text()).toBe('abcdEFGH');
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    expect(r.retransmissions).toBe(0);
    expect(r.overlaps).toBe(2);
  });

  it('resolves overlapping out-of-order segments first-wins, with an event when bytes differ', () => {
    const { r, s } = make();
    put(r, s, 1004, 'EFGH');
    // Same bytes: an overlap, no event.
    put(r, s, 1006, 'GHIJ');
    expect(s.events).toEqual([]);
    expect(r.overlaps).toBe(1);
    // Different bytes in the overlap: first (stored) wins, event; only the new tail is kept.
    put(r, s, 1008, 'xxKL');
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    // A segment spanning stored ones fills only the holes: 1002-1003 and 1012-1013.
    put(r, s, 1002, 'CDEFGHIJKLMN');
    expect(r.bufferedBytes).toBe(12);
    put(r, s, 1000, 'AB');
    expect(s.text()).toBe('ABCDEFGHIJKLMN');
    expect(r.overlapsDifferent).toBe(1);
  });

  it('lets buffered bytes win over a later in-order segment that covers them', () => {
    const { r, s } = make();
    put(r, s, 1004, 'EF');
    const a = put(r, s, 1000, 'ABCDxxGHIJ');
    expect(a.code).toBe(INSERT_DELIVERED);
    expect(s.text()).toBe('ABCDEFGHIJ');
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    // The parts around the stored segment still came from the caller's buffer.
    expect(s.bufs[0]).toBe(a.buf);
    expect(s.bufs[2]).toBe(a.buf);
  });

  it('gap() skips to the first buffered segment and reports the skipped length', () => {
    const { r, s } = make();
    put(r, s, 1000, 'abc');
    put(r, s, 1010, 'klm');
    put(r, s, 1020, 'uvw');
    expect(r.gap(s)).toBe(7);
    expect(s.gaps).toEqual([7]);
    expect(s.events).toEqual([EV_SEQ_GAP]);
    expect(s.text()).toBe('abcklm');
    expect(r.expectedSeq).toBe(1013);
    r.flush(s);
    expect(s.gaps).toEqual([7, 7]);
    expect(s.text()).toBe('abcklmuvw');
    expect(r.gaps).toBe(2);
    expect(r.gapBytes).toBe(14);
    expect(r.offset).toBe(23);
    // Nothing buffered: gap() needs to be told how far (e.g. a FIN's seq).
    expect(r.gap(s)).toBe(0);
    expect(r.gap(s, 1030)).toBe(7);
    expect(r.expectedSeq).toBe(1030);
    // Late bytes from the skipped region are old now.
    expect(put(r, s, 1024, 'x').code).toBe(INSERT_OLD);
  });

  it('handles sequence numbers wrapping past 2^32', () => {
    const isn = 0xfffffffa;
    const { r, s } = make({ initialCompare: 4096 }, isn);
    put(r, s, isn, 'abcd'); // ...fa..fd
    put(r, s, 0x00000002, 'ijkl'); // after the wrap, out of order
    put(r, s, 0xfffffffe, 'efgh'); // fe, ff, 00, 01
    expect(s.text()).toBe('abcdefghijkl');
    expect(r.expectedSeq).toBe(6);
    // A retransmission from before the wrap is old, not 4 GiB ahead.
    expect(put(r, s, 0xfffffffc, 'cdef').code).toBe(INSERT_OLD);
    expect(s.events).toEqual([]);
    expect(put(r, s, 0xfffffffc, 'cXef').code).toBe(INSERT_OLD);
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
  });

  it('stops delivering at depth, raising the event once and counting the rest', () => {
    const { r, s } = make({ depth: 10 });
    put(r, s, 1000, 'abcdef');
    put(r, s, 1006, 'ghijkl');
    put(r, s, 1012, 'mnop');
    put(r, s, 1020, 'uvwx'); // a hole past depth does not matter
    expect(s.text()).toBe('abcdefghij');
    expect(s.events).toEqual([EV_DEPTH_REACHED]);
    expect(r.depthReached).toBe(true);
    expect(r.deliveredBytes).toBe(10);
    expect(r.pastDepthBytes).toBe(14);
    expect(r.expectedSeq).toBe(1024);
    expect(r.bufferedSegments).toBe(0);
    expect(r.memoryBytes).toBe(0);
  });

  it('reaches depth through buffered segments too', () => {
    const { r, s } = make({ depth: 8 });
    put(r, s, 1004, 'efghij');
    put(r, s, 1000, 'abcd');
    expect(s.text()).toBe('abcdefgh');
    expect(s.events).toEqual([EV_DEPTH_REACHED]);
  });

  it('drops segments over the segment and byte bounds, and too far ahead', () => {
    const seg = make({ maxSegments: 2 });
    expect(put(seg.r, seg.s, 1010, 'a').code).toBe(INSERT_BUFFERED);
    expect(put(seg.r, seg.s, 1020, 'b').code).toBe(INSERT_BUFFERED);
    expect(put(seg.r, seg.s, 1030, 'c').code).toBe(INSERT_DROPPED);
    expect(seg.s.events).toEqual([EV_INSERT_LIMIT]);
    expect(seg.r.insertDrops).toBe(1);

    const bytes = make({ maxBufferedBytes: 10 });
    expect(put(bytes.r, bytes.s, 1010, 'abcdefgh').code).toBe(INSERT_BUFFERED);
    expect(put(bytes.r, bytes.s, 1030, 'abc').code).toBe(INSERT_DROPPED);
    expect(bytes.s.events).toEqual([EV_INSERT_MEMCAP]);
    // Data already stored does not count twice.
    expect(put(bytes.r, bytes.s, 1010, 'abcdefghij').code).toBe(INSERT_BUFFERED);
    expect(bytes.r.bufferedBytes).toBe(10);

    const ahead = make({ maxAhead: 100 });
    expect(put(ahead.r, ahead.s, 1100, 'x').code).toBe(INSERT_BUFFERED);
    expect(put(ahead.r, ahead.s, 1101, 'x').code).toBe(INSERT_DROPPED);
    expect(ahead.s.events).toEqual([EV_INSERT_LIMIT]);
  });

  it('keeps a stream window across segments, starting empty after a gap', () => {
    const { r, s } = make({ windowSize: 8 });
    expect(r.windowBuffer).toBeNull();
    put(r, s, 1000, 'abcdef');
    put(r, s, 1006, 'ghijkl');
    expect(r.window().toString()).toBe('efghijkl');
    expect(r.windowStreamOffset).toBe(4);
    const wb = r.windowBuffer!;
    expect(wb.toString('latin1', r.windowStart, r.windowEnd)).toBe('efghijkl');
    // During data() the window holds the bytes before the chunk: a match can straddle.
    expect(s.windows).toEqual(['', 'abcdef']);
    put(r, s, 1012, 'mnopqrstuvwxyz0123');
    expect(r.window().toString()).toBe('wxyz0123');
    expect(r.windowStreamOffset).toBe(22);
    // Many small segments: the window slides.
    for (let i = 0; i < 100; i++) put(r, s, 1030 + i, String.fromCharCode(65 + (i % 26)));
    expect(r.window().toString()).toBe('OPQRSTUV');
    // A hole at 1130..1139: after the gap the window restarts with what follows it.
    put(r, s, 1140, 'zz');
    expect(r.gap(s)).toBe(10);
    expect(r.window().toString()).toBe('zz');
    put(r, s, 1142, 'next');
    expect(r.window().toString()).toBe('zznext');
    expect(r.windowStreamOffset).toBe(140);

    const off = make({ windowSize: 0 });
    put(off.r, off.s, 1000, 'abc');
    expect(off.r.windowBuffer).toBeNull();
    expect(off.r.window().length).toBe(0);
  });

  it('grows the retransmission-compare history only when a retransmission reached past it', () => {
    const { r, s } = make({ windowSize: 16, compareWindow: 4096 });
    const chunk = 'x'.repeat(100);
    for (let i = 0; i < 40; i++) put(r, s, 1000 + i * 100, chunk.replace(/x/g, String.fromCharCode(97 + (i % 26))));
    const small = r.memoryBytes;
    expect(small).toBeLessThanOrEqual(Math.floor(2048 * 1.5));
    // 3000 bytes back: beyond the 2 KiB kept, so not (fully) compared; the history grows.
    expect(put(r, s, 2000, 'Z'.repeat(100)).code).toBe(INSERT_OLD);
    expect(r.uncomparedBytes).toBe(100);
    expect(s.events).toEqual([]);
    for (let i = 40; i < 80; i++) put(r, s, 1000 + i * 100, chunk.replace(/x/g, String.fromCharCode(97 + (i % 26))));
    expect(r.memoryBytes).toBeGreaterThan(small);
    // Now the same reach is compared.
    expect(put(r, s, 6000, 'Z'.repeat(100)).code).toBe(INSERT_OLD);
    expect(s.events).toEqual([EV_OVERLAP_DIFFERENT_DATA]);
    r.releaseBuffers();
    expect(r.memoryBytes).toBe(0);
    expect(r.window().length).toBe(0);
  });

  it('initialises itself from the first segment when init() was not called', () => {
    const r = new StreamReassembler();
    const s = new Recorder();
    expect(r.isInitialized).toBe(false);
    r.insert(77, Buffer.from('abc'), 0, 3, s);
    expect(s.text()).toBe('abc');
    expect(r.expectedSeq).toBe(80);
  });

  it('property: any segmentation, order and duplication delivers exactly the stream', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return ((seed >>> 8) % n) | 0;
    };
    for (let round = 0; round < 300; round++) {
      const total = 1 + rand(3000);
      const stream = Buffer.alloc(total);
      for (let i = 0; i < total; i++) stream[i] = rand(256);
      // Random segmentation.
      const segs: Array<[number, number]> = [];
      for (let at = 0; at < total; ) {
        const len = Math.min(total - at, 1 + rand(300));
        segs.push([at, at + len]);
        at += len;
      }
      // Random duplicates, including overlapping re-segmentations of the same bytes.
      const extra = rand(segs.length + 1);
      for (let i = 0; i < extra; i++) {
        const a = rand(total);
        segs.push([a, Math.min(total, a + 1 + rand(400))]);
      }
      // Shuffle.
      for (let i = segs.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [segs[i], segs[j]] = [segs[j]!, segs[i]!];
      }
      // ISNs near the wrap half of the time.
      const isn = rand(2) === 0 ? (0xffffffff - rand(4000)) >>> 0 : rand(0x7fffffff);
      const r = new StreamReassembler({ depth: 0, maxSegments: 10000, maxBufferedBytes: 1 << 20 });
      r.init(isn);
      const s = new Recorder();
      for (const [a, b] of segs) {
        // Each payload in its own, reused-looking buffer at an offset.
        const buf = Buffer.alloc(b - a + 3, 0xee);
        stream.copy(buf, 3, a, b);
        r.insert((isn + a) >>> 0, buf, 3, b - a, s);
        buf.fill(0x55);
      }
      r.flush(s);
      const got = Buffer.concat(s.chunks);
      expect(got.equals(stream)).toBe(true);
      expect(s.gaps).toEqual([]);
      expect(s.events).toEqual([]);
      expect(r.bufferedBytes).toBe(0);
      expect(r.expectedSeq).toBe((isn + total) >>> 0);
    }
  });

  it('property: with holes, flush reports exactly the missing bytes as gaps', () => {
    let seed = 999;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return ((seed >>> 8) % n) | 0;
    };
    for (let round = 0; round < 100; round++) {
      const total = 50 + rand(2000);
      const segs: Array<[number, number]> = [];
      for (let at = 0; at < total; ) {
        const len = Math.min(total - at, 1 + rand(200));
        segs.push([at, at + len]);
        at += len;
      }
      // Lose some segments (never the last, so the end is known).
      const lost = new Set<number>();
      for (let i = 0; i < segs.length - 1; i++) if (rand(5) === 0) lost.add(i);
      const r = new StreamReassembler({ depth: 0, maxSegments: 10000 });
      r.init(0);
      const s = new Recorder();
      const order = segs.map((_, i) => i).filter((i) => !lost.has(i));
      for (let i = order.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const stream = Buffer.alloc(total);
      for (let i = 0; i < total; i++) stream[i] = i & 0xff;
      for (const i of order) {
        const [a, b] = segs[i]!;
        r.insert(a, stream, a, b - a, s);
      }
      r.flush(s);
      let missing = 0;
      for (const i of lost) missing += segs[i]![1] - segs[i]![0];
      expect(s.gaps.reduce((x, y) => x + y, 0)).toBe(missing);
      expect(r.deliveredBytes).toBe(total - missing);
      expect(r.offset).toBe(total);
    }
  });
});
