// The last bytes of each flow direction's stream already inspected, kept so that a pattern
// across two chunks (the seam) and a rule reaching back into earlier segments still match.
//
// All tails live in one slab of fixed-size slots rather than a Buffer per direction: a tail is
// written on every stream chunk, and reaching it through an object and a Buffer costs more
// cache misses than the copy itself; tens of thousands of small objects alive for a flow's
// whole life are also what the young-generation GC copies. A slot holds `keep` bytes and
// `room` free bytes after them, where the next chunk's first bytes go for the seam scan.

import { copyBytes } from '../core/bytes.js';

const FIRST_SLOTS = 1024;

export class StreamTails {
  /** The slab: slot s starts at s * stride. Replaced when the slab grows (append). */
  data: Uint8Array;
  readonly stride: number;
  private readonly keep: number;
  /**
   * Per flow slot * 2 + direction: tail slot + 1 (0 = none). A flow's tails are released when
   * it ends (release), so a recycled flow slot starts without one.
   */
  private readonly slotOf: Int32Array;
  /** Bytes kept per tail slot. */
  private lens: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private fresh = 0;

  constructor(flowSlots: number, keep: number, room: number) {
    this.keep = keep;
    this.stride = keep + room;
    this.slotOf = new Int32Array(flowSlots * 2);
    this.data = new Uint8Array(FIRST_SLOTS * this.stride);
    this.lens = new Int32Array(FIRST_SLOTS);
    this.free = new Int32Array(FIRST_SLOTS);
  }

  /** The tail slot of flow direction `fd` (flow slot * 2 + direction), or -1. */
  find(fd: number): number {
    return this.slotOf[fd]! - 1;
  }

  /** Bytes kept in tail slot s. */
  length(s: number): number {
    return this.lens[s]!;
  }

  /** Index in `data` of tail slot s's first byte. */
  base(s: number): number {
    return s * this.stride;
  }

  /** Append buf[off, end) to the tail of `fd`, keeping its last `keep` bytes. */
  append(fd: number, buf: Uint8Array, off: number, end: number): void {
    let s = this.find(fd);
    if (s < 0) {
      s = this.take();
      this.slotOf[fd] = s + 1;
    }
    const keep = this.keep;
    const at = s * this.stride;
    const data = this.data;
    const len = end - off;
    if (len >= keep) {
      copyBytes(buf, end - keep, end, data, at);
      this.lens[s] = keep;
      return;
    }
    let have = this.lens[s]!;
    if (have + len > keep) {
      const drop = have + len - keep;
      data.copyWithin(at, at + drop, at + have);
      have -= drop;
    }
    copyBytes(buf, off, end, data, at + have);
    this.lens[s] = have + len;
  }

  /** Forget the tail of `fd` (its flow ended). */
  release(fd: number): void {
    const s = this.slotOf[fd]! - 1;
    if (s < 0) return;
    this.slotOf[fd] = 0;
    this.lens[s] = 0;
    this.free[this.freeTop++] = s;
  }

  private take(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop]!;
    if (this.fresh === this.lens.length) this.grow();
    return this.fresh++;
  }

  private grow(): void {
    const slots = this.lens.length * 2;
    const data = new Uint8Array(slots * this.stride);
    data.set(this.data);
    this.data = data;
    const lens = new Int32Array(slots);
    lens.set(this.lens);
    this.lens = lens;
    const free = new Int32Array(slots);
    free.set(this.free);
    this.free = free;
  }
}
