// The flow table: every tracked conversation in one preallocated ArrayBuffer, a fixed-size
// record per flow slot, found by a hash of its symmetric key with chaining through the
// records. Nothing is allocated per packet; a slot is taken from a free stack when a flow
// starts and returned when it ends.
//
// One record per flow (array of structs), not one array per field: a packet touches its
// flow's key, times, counters and state, and in one record those are two or three cache
// lines instead of fifteen. Typed-array views over the same buffer read each field at its
// offset (the R_* constants: u32 words, f64 slots and bytes within the record).
//
// Timeouts run on packet time. Each flow sits in one of several lists, one per (protocol
// class, state) pair, so every list has a single timeout. A flow is appended when it
// enters a list and is NOT moved on each packet (that would be ten array writes per
// packet): expiry walks from the head, ends the flows whose last activity is older than
// the timeout, and moves the ones that were active since they were appended to the tail.
// Since a flow's last activity is never earlier than its append time, the walk stops at
// the first head appended within the timeout: expiry never scans the table.

import { type FlowKeyBuilder, hashWords, KEY_WORDS } from './flow-key.js';

export const STATE_NEW = 0;
export const STATE_ESTABLISHED = 1;
export const STATE_CLOSED = 2;
export const STATE_NAMES = ['new', 'established', 'closed'] as const;

export const REASON_TIMEOUT = 0;
export const REASON_FORCED = 1;
export const REASON_SHUTDOWN = 2;
export const REASON_TCP_REUSE = 3;
export const REASON_NAMES = ['timeout', 'forced', 'shutdown', 'tcp_reuse'] as const;

// Protocol classes, for timeouts.
export const PC_TCP = 0;
export const PC_UDP = 1;
export const PC_ICMP = 2;
export const PC_OTHER = 3;
const STATES = 3;
const CLASSES = 4 * STATES;
/** Buckets of a new table (it doubles as flows come). */
const INITIAL_BUCKETS = 4096;

export interface StateTimeouts {
  new: number;
  established: number;
  closed: number;
}

/** Seconds of packet time, per protocol and state. Defaults are Suricata's suricata.yaml. */
export interface FlowTimeouts {
  tcp: StateTimeouts;
  udp: StateTimeouts;
  icmp: StateTimeouts;
  default: StateTimeouts;
}

export const DEFAULT_FLOW_TIMEOUTS: FlowTimeouts = {
  tcp: { new: 60, established: 600, closed: 60 },
  udp: { new: 30, established: 300, closed: 0 },
  icmp: { new: 30, established: 300, closed: 0 },
  default: { new: 30, established: 300, closed: 0 },
};

export interface FlowTableConfig {
  /** Most flows tracked at once (the table is sized for this). */
  maxFlows: number;
  /** Bytes the table and its per-flow state may use; over it, the oldest flows are evicted. */
  memcapBytes: number;
  timeouts: FlowTimeouts;
}

export const DEFAULT_FLOW_TABLE_CONFIG: FlowTableConfig = {
  maxFlows: 1 << 20,
  memcapBytes: 1 << 30,
  timeouts: DEFAULT_FLOW_TIMEOUTS,
};

/**
 * Record layout: 128 bytes per flow, two cache lines. The first holds what the lookup reads
 * (key, chain link; VLAN and the timeout-list links fill it), the second what every packet
 * updates (last activity, counters, state bytes), so a packet touches two lines of its flow.
 * The hash is not stored: it is recomputed from the key when a flow ends or the buckets grow.
 */
export const RECORD_BYTES = 128;
/** Record stride in u32 words, f64 slots and bytes. */
export const RW = RECORD_BYTES / 4;
export const RD = RECORD_BYTES / 8;
export const RB = RECORD_BYTES;
// --- first line (bytes 0..63)
// u32 words: the 12-word key (flow-key.ts), VLAN word
export const R_KEY = 0;
export const R_VLAN = 12;
// i32 words (same buffer): chain link (slot + 1, 0 = end) and LRU neighbours (-1 = none)
export const R_CHAIN = 13;
export const R_PREV = 14;
export const R_NEXT = 15;
// --- second line (bytes 64..127)
// f64 slots
export const R_START = 8;
export const R_LAST = 9;
export const R_APPEND = 10;
export const R_BYTES_TS = 11;
export const R_BYTES_TC = 12;
// u32 words: packet counters (Suricata's are 32-bit too), the flow's sequence number (the base
// of its flow_id; wraps after 2^32 flows), and (i32) bytes of state held outside the table
export const R_PKTS_TS = 26;
export const R_PKTS_TC = 27;
export const R_SEQ = 28;
export const R_EXT = 29;
// bytes
export const R_CLASS = 120;
/** 1 when the initiator (client) is endpoint A of the key. */
export const R_INIT_A = 121;
export const R_STATE = 122;
export const R_TCP = 123;
export const R_FLAGS_TS = 124;
export const R_FLAGS_TC = 125;
export const R_APP = 126;

/** Bytes of table storage per flow slot, for memcap accounting. */
export const BYTES_PER_FLOW = RECORD_BYTES;

export function protoClass(ipProto: number): number {
  if (ipProto === 6) return PC_TCP;
  if (ipProto === 17) return PC_UDP;
  if (ipProto === 1 || ipProto === 58) return PC_ICMP;
  return PC_OTHER;
}

/** Called for every flow that ends, before its slot is reused. */
export type FlowEndHandler = (idx: number, reason: number) => void;

export class FlowTable {
  readonly capacity: number;
  private mask: number;
  /**
   * Bucket heads hold slot + 1 (0 = none), so a fresh zeroed array needs no fill. The array
   * grows with the flows in use (at most half full) up to its size for `capacity`: a table
   * sized for a million flows holding fifty thousand keeps its buckets in cache.
   */
  private buckets: Int32Array;
  private readonly maxBuckets: number;
  // Views over the records.
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  /** Released slots, reused first; `fresh` slots and above have never been used. */
  private readonly free: Int32Array;
  private freeTop = 0;
  private fresh = 0;

  private readonly listHead = new Int32Array(CLASSES).fill(-1);
  private readonly listTail = new Int32Array(CLASSES).fill(-1);
  private readonly classTimeout = new Float64Array(CLASSES);

  active = 0;
  created = 0;
  private nextSeq = 1;
  private extBytesTotal = 0;
  private readonly memcapFlows: number;

  constructor(
    readonly config: FlowTableConfig,
    private readonly onEnd: FlowEndHandler,
  ) {
    const cap = Math.max(16, Math.floor(config.maxFlows));
    this.capacity = cap;
    let nb = 16;
    while (nb < cap) nb <<= 1;
    this.maxBuckets = nb;
    const first = Math.min(nb, INITIAL_BUCKETS);
    this.mask = first - 1;
    this.buckets = new Int32Array(first);
    const buf = new ArrayBuffer(cap * RECORD_BYTES);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    this.u8 = new Uint8Array(buf);
    this.free = new Int32Array(cap);
    this.memcapFlows = Math.floor(config.memcapBytes / BYTES_PER_FLOW);
    const t = config.timeouts;
    const perClass = [t.tcp, t.udp, t.icmp, t.default];
    for (let c = 0; c < 4; c++) {
      this.classTimeout[c * STATES + STATE_NEW] = perClass[c]!.new;
      this.classTimeout[c * STATES + STATE_ESTABLISHED] = perClass[c]!.established;
      this.classTimeout[c * STATES + STATE_CLOSED] = perClass[c]!.closed;
    }
  }

  // --- field accessors for code off the per-packet path ---
  startTs(idx: number): number {
    return this.f64[idx * RD + R_START]!;
  }
  lastTs(idx: number): number {
    return this.f64[idx * RD + R_LAST]!;
  }
  pktsToServer(idx: number): number {
    return this.u32[idx * RW + R_PKTS_TS]!;
  }
  pktsToClient(idx: number): number {
    return this.u32[idx * RW + R_PKTS_TC]!;
  }
  bytesToServer(idx: number): number {
    return this.f64[idx * RD + R_BYTES_TS]!;
  }
  bytesToClient(idx: number): number {
    return this.f64[idx * RD + R_BYTES_TC]!;
  }
  /** Unique sequence number of the flow, the base of its EVE flow_id. */
  seq(idx: number): number {
    return this.u32[idx * RW + R_SEQ]!;
  }
  hash(idx: number): number {
    return hashWords(this.u32, idx * RW + R_KEY);
  }
  /** Word i (0..11) of the flow's key. */
  keyWord(idx: number, i: number): number {
    return this.u32[idx * RW + R_KEY + i]!;
  }
  /** IP protocol number of the flow. */
  ipProto(idx: number): number {
    return this.u32[idx * RW + R_KEY + 9]! & 0xff;
  }
  vlan(idx: number): number {
    return this.u32[idx * RW + R_VLAN]!;
  }
  initiatorIsA(idx: number): boolean {
    return this.u8[idx * RB + R_INIT_A] === 1;
  }
  state(idx: number): number {
    return this.u8[idx * RB + R_STATE]!;
  }
  tcpState(idx: number): number {
    return this.u8[idx * RB + R_TCP]!;
  }
  flagsToServer(idx: number): number {
    return this.u8[idx * RB + R_FLAGS_TS]!;
  }
  flagsToClient(idx: number): number {
    return this.u8[idx * RB + R_FLAGS_TC]!;
  }
  appProto(idx: number): number {
    return this.u8[idx * RB + R_APP]!;
  }
  setAppProto(idx: number, app: number): void {
    this.u8[idx * RB + R_APP] = app;
  }

  /** The flow with this key, or -1. */
  find(kb: FlowKeyBuilder): number {
    const k = kb.key;
    const h = kb.hash;
    const u32 = this.u32;
    let link = this.buckets[h & this.mask]!;
    while (link !== 0) {
      const idx = link - 1;
      const base = idx * RW;
      if (u32[base + R_KEY] === k[0] && this.keyEquals(base + R_KEY, k)) return idx;
      link = this.i32[base + R_CHAIN]!;
    }
    return -1;
  }

  private keyEquals(at: number, k: Uint32Array): boolean {
    const u32 = this.u32;
    for (let i = 0; i < KEY_WORDS; i++) if (u32[at + i] !== k[i]) return false;
    return true;
  }

  /**
   * Start a flow for this key at packet time `ts`. Under memory pressure the least recently
   * active flow is ended first (reason `forced`). Returns the slot.
   */
  create(kb: FlowKeyBuilder, ts: number, pc: number): number {
    while ((this.freeTop === 0 && this.fresh === this.capacity) || this.overMemcap()) {
      if (!this.evictOldest()) break;
    }
    if (this.active >= this.buckets.length >> 1 && this.buckets.length < this.maxBuckets) this.growBuckets();
    const idx = this.freeTop > 0 ? this.free[--this.freeTop]! : this.fresh++;
    const w = idx * RW;
    const d = idx * RD;
    const b = idx * RB;
    // Clear the whole record (a reused slot holds the previous flow's values).
    this.u32.fill(0, w, w + RW);
    const k = kb.key;
    for (let i = 0; i < KEY_WORDS; i++) this.u32[w + R_KEY + i] = k[i]!;
    const h = kb.hash;
    const bucket = h & this.mask;
    this.i32[w + R_CHAIN] = this.buckets[bucket]!;
    this.buckets[bucket] = idx + 1;
    this.f64[d + R_START] = ts;
    this.f64[d + R_LAST] = ts;
    this.u32[w + R_SEQ] = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.u8[b + R_INIT_A] = 1;
    this.u8[b + R_STATE] = STATE_NEW;
    const cls = pc * STATES + STATE_NEW;
    this.u8[b + R_CLASS] = cls;
    this.lruAppend(idx, cls);
    this.active++;
    this.created++;
    return idx;
  }

  /** Record activity at packet time `ts` (the list position is fixed up lazily by expire). */
  touch(idx: number, ts: number): void {
    const i = idx * RD + R_LAST;
    if (ts > this.f64[i]!) this.f64[i] = ts;
  }

  /** Change a flow's state (new / established / closed), which changes its timeout. */
  setState(idx: number, state: number): void {
    const b = idx * RB;
    if (this.u8[b + R_STATE] === state) return;
    this.u8[b + R_STATE] = state;
    const old = this.u8[b + R_CLASS]!;
    const cls = old - (old % STATES) + state;
    this.lruUnlink(idx, old);
    this.u8[b + R_CLASS] = cls;
    this.lruAppend(idx, cls);
  }

  /** Account bytes of per-flow state held outside the table (may be negative). */
  addExtBytes(idx: number, delta: number): void {
    this.i32[idx * RW + R_EXT] += delta;
    this.extBytesTotal += delta;
  }

  /** Bytes in use: table slots of active flows plus their external state. */
  memuse(): number {
    return this.active * BYTES_PER_FLOW + this.extBytesTotal;
  }

  private overMemcap(): boolean {
    return this.active > 0 && (this.active >= this.memcapFlows || this.memuse() > this.config.memcapBytes);
  }

  /** End every flow whose timeout passed at packet time `now`. Returns how many ended. */
  expire(now: number): number {
    let n = 0;
    const f64 = this.f64;
    for (let cls = 0; cls < CLASSES; cls++) {
      const timeout = this.classTimeout[cls]!;
      let idx = this.listHead[cls]!;
      while (idx >= 0 && f64[idx * RD + R_APPEND]! + timeout <= now) {
        const nextIdx = this.i32[idx * RW + R_NEXT]!;
        if (f64[idx * RD + R_LAST]! + timeout <= now) {
          this.end(idx, REASON_TIMEOUT);
          n++;
        } else {
          // Active since it was appended: it belongs further back.
          this.lruUnlink(idx, cls);
          this.lruAppend(idx, cls);
        }
        // A moved flow met again has a recent append time and ends the walk.
        idx = nextIdx;
      }
    }
    return n;
  }

  /**
   * End the least recently active flow (memcap pressure): the list heads are the oldest
   * appended; one of them is the least recently active but for flows active since. False
   * when the table is empty.
   */
  evictOldest(): boolean {
    let best = -1;
    for (let cls = 0; cls < CLASSES; cls++) {
      const h = this.listHead[cls]!;
      if (h >= 0 && (best < 0 || this.lastTs(h) < this.lastTs(best))) best = h;
    }
    if (best < 0) return false;
    this.end(best, REASON_FORCED);
    return true;
  }

  /** End every flow (end of input or shutdown). */
  endAll(reason: number): void {
    for (let cls = 0; cls < CLASSES; cls++) {
      let idx = this.listHead[cls]!;
      while (idx >= 0) {
        const nextIdx = this.i32[idx * RW + R_NEXT]!;
        this.end(idx, reason);
        idx = nextIdx;
      }
    }
  }

  /** Report the flow's end to the handler, then free its slot. */
  end(idx: number, reason: number): void {
    this.onEnd(idx, reason);
    this.lruUnlink(idx, this.u8[idx * RB + R_CLASS]!);
    this.unchain(idx);
    const ext = this.i32[idx * RW + R_EXT]!;
    if (ext !== 0) this.addExtBytes(idx, -ext);
    this.free[this.freeTop++] = idx;
    this.active--;
  }

  /** Double the bucket array and re-link every flow in use (each is on one timeout list). */
  private growBuckets(): void {
    const nb = this.buckets.length * 2;
    const buckets = new Int32Array(nb);
    const mask = nb - 1;
    const i32 = this.i32;
    for (let cls = 0; cls < CLASSES; cls++) {
      for (let idx = this.listHead[cls]!; idx >= 0; idx = i32[idx * RW + R_NEXT]!) {
        const b = hashWords(this.u32, idx * RW + R_KEY) & mask;
        i32[idx * RW + R_CHAIN] = buckets[b]!;
        buckets[b] = idx + 1;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  private unchain(idx: number): void {
    const i32 = this.i32;
    const b = this.hash(idx) & this.mask;
    const link = idx + 1;
    let cur = this.buckets[b]!;
    if (cur === link) {
      this.buckets[b] = i32[idx * RW + R_CHAIN]!;
      return;
    }
    while (cur !== 0) {
      const nxt = i32[(cur - 1) * RW + R_CHAIN]!;
      if (nxt === link) {
        i32[(cur - 1) * RW + R_CHAIN] = i32[idx * RW + R_CHAIN]!;
        return;
      }
      cur = nxt;
    }
  }

  private lruAppend(idx: number, cls: number): void {
    const i32 = this.i32;
    this.f64[idx * RD + R_APPEND] = this.f64[idx * RD + R_LAST]!;
    const tail = this.listTail[cls]!;
    i32[idx * RW + R_PREV] = tail;
    i32[idx * RW + R_NEXT] = -1;
    if (tail >= 0) i32[tail * RW + R_NEXT] = idx;
    else this.listHead[cls] = idx;
    this.listTail[cls] = idx;
  }

  private lruUnlink(idx: number, cls: number): void {
    const i32 = this.i32;
    const prev = i32[idx * RW + R_PREV]!;
    const nxt = i32[idx * RW + R_NEXT]!;
    if (prev >= 0) i32[prev * RW + R_NEXT] = nxt;
    else this.listHead[cls] = nxt;
    if (nxt >= 0) i32[nxt * RW + R_PREV] = prev;
    else this.listTail[cls] = prev;
  }
}
