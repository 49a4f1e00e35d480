// The flow table: every tracked conversation in preallocated typed arrays (struct of
// arrays), found by a hash of its symmetric key with chaining through an index array.
// Nothing is allocated per packet; a flow slot is taken from a free stack when a flow
// starts and returned when it ends.
//
// Timeouts run on packet time. Each flow sits in one of several lists, one per (protocol
// class, state) pair, so every list has a single timeout. A flow is appended when it
// enters a list and is NOT moved on each packet (that would be ten array writes per
// packet): expiry walks from the head, ends the flows whose last activity is older than
// the timeout, and moves the ones that were active since they were appended to the tail.
// Since a flow's last activity is never earlier than its append time, the walk stops at
// the first head appended within the timeout: expiry never scans the table.

import { type FlowKeyBuilder, KEY_WORDS } from './flow-key.js';

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

/** Bytes of table storage per flow slot (the arrays below), for memcap accounting. */
export const BYTES_PER_FLOW = KEY_WORDS * 4 + 4 + 4 + 4 + 4 + 1 + 8 * 9 + 4 * 1 + 4 + 4 + 8 + 8;

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
  private readonly mask: number;
  /** Bucket heads and chain links hold slot + 1 (0 = none), so fresh zeroed arrays need no fill. */
  private readonly buckets: Int32Array;
  private readonly chain: Int32Array;
  readonly keys: Uint32Array;
  readonly hashes: Uint32Array;
  /** Released slots, reused first; `fresh` slots above have never been used. */
  private readonly free: Int32Array;
  private freeTop = 0;
  private fresh = 0;

  // LRU lists per timeout class.
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  readonly lruClass: Uint8Array;
  /** Packet time at which the flow was appended to its list. */
  private readonly appendTs: Float64Array;
  private readonly listHead = new Int32Array(CLASSES).fill(-1);
  private readonly listTail = new Int32Array(CLASSES).fill(-1);
  private readonly classTimeout = new Float64Array(CLASSES);

  // Per-flow data, indexed by slot.
  readonly startTs: Float64Array;
  readonly lastTs: Float64Array;
  readonly pktsToServer: Float64Array;
  readonly pktsToClient: Float64Array;
  readonly bytesToServer: Float64Array;
  readonly bytesToClient: Float64Array;
  /** Unique sequence number of the flow, the base of its EVE flow_id. */
  readonly seq: Float64Array;
  /** 1 when the initiator (client) is endpoint A of the key. */
  readonly initiatorIsA: Uint8Array;
  readonly state: Uint8Array;
  readonly tcpState: Uint8Array;
  readonly flagsToServer: Uint8Array;
  readonly flagsToClient: Uint8Array;
  readonly appProto: Uint8Array;
  /** VLAN ids of the flow's first packet, packed as in the key (kept even when not in the key). */
  readonly vlan: Uint32Array;
  /** Bytes of per-flow state outside these arrays (reassembly buffers, parser state). */
  readonly extBytes: Float64Array;

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
    this.mask = nb - 1;
    this.buckets = new Int32Array(nb);
    this.chain = new Int32Array(cap);
    this.keys = new Uint32Array(cap * KEY_WORDS);
    this.hashes = new Uint32Array(cap);
    this.free = new Int32Array(cap);
    this.lruPrev = new Int32Array(cap);
    this.lruNext = new Int32Array(cap);
    this.lruClass = new Uint8Array(cap);
    this.appendTs = new Float64Array(cap);
    this.startTs = new Float64Array(cap);
    this.lastTs = new Float64Array(cap);
    this.pktsToServer = new Float64Array(cap);
    this.pktsToClient = new Float64Array(cap);
    this.bytesToServer = new Float64Array(cap);
    this.bytesToClient = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.initiatorIsA = new Uint8Array(cap);
    this.state = new Uint8Array(cap);
    this.tcpState = new Uint8Array(cap);
    this.flagsToServer = new Uint8Array(cap);
    this.flagsToClient = new Uint8Array(cap);
    this.appProto = new Uint8Array(cap);
    this.vlan = new Uint32Array(cap);
    this.extBytes = new Float64Array(cap);
    this.memcapFlows = Math.floor(config.memcapBytes / BYTES_PER_FLOW);
    const t = config.timeouts;
    const perClass = [t.tcp, t.udp, t.icmp, t.default];
    for (let c = 0; c < 4; c++) {
      this.classTimeout[c * STATES + STATE_NEW] = perClass[c]!.new;
      this.classTimeout[c * STATES + STATE_ESTABLISHED] = perClass[c]!.established;
      this.classTimeout[c * STATES + STATE_CLOSED] = perClass[c]!.closed;
    }
  }

  /** The flow with this key, or -1. */
  find(kb: FlowKeyBuilder): number {
    const k = kb.key;
    const h = kb.hash;
    let link = this.buckets[h & this.mask]!;
    while (link !== 0) {
      const idx = link - 1;
      if (this.hashes[idx] === h && this.keyEquals(idx, k)) return idx;
      link = this.chain[idx]!;
    }
    return -1;
  }

  private keyEquals(idx: number, k: Uint32Array): boolean {
    const base = idx * KEY_WORDS;
    const keys = this.keys;
    for (let i = 0; i < KEY_WORDS; i++) if (keys[base + i] !== k[i]) return false;
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
    const idx = this.freeTop > 0 ? this.free[--this.freeTop]! : this.fresh++;
    const base = idx * KEY_WORDS;
    const k = kb.key;
    for (let i = 0; i < KEY_WORDS; i++) this.keys[base + i] = k[i]!;
    const h = kb.hash;
    this.hashes[idx] = h;
    const b = h & this.mask;
    this.chain[idx] = this.buckets[b]!;
    this.buckets[b] = idx + 1;
    this.startTs[idx] = ts;
    this.lastTs[idx] = ts;
    this.pktsToServer[idx] = 0;
    this.pktsToClient[idx] = 0;
    this.bytesToServer[idx] = 0;
    this.bytesToClient[idx] = 0;
    this.seq[idx] = this.nextSeq++;
    this.initiatorIsA[idx] = 1;
    this.state[idx] = STATE_NEW;
    this.tcpState[idx] = 0;
    this.flagsToServer[idx] = 0;
    this.flagsToClient[idx] = 0;
    this.appProto[idx] = 0;
    this.vlan[idx] = 0;
    this.extBytes[idx] = 0;
    const cls = pc * STATES + STATE_NEW;
    this.lruClass[idx] = cls;
    this.lruAppend(idx, cls);
    this.active++;
    this.created++;
    return idx;
  }

  /** Record activity at packet time `ts` (the list position is fixed up lazily by expire). */
  touch(idx: number, ts: number): void {
    if (ts > this.lastTs[idx]!) this.lastTs[idx] = ts;
  }

  /** Change a flow's state (new / established / closed), which changes its timeout. */
  setState(idx: number, state: number): void {
    if (this.state[idx] === state) return;
    this.state[idx] = state;
    const old = this.lruClass[idx]!;
    const cls = old - (old % STATES) + state;
    this.lruUnlink(idx, old);
    this.lruClass[idx] = cls;
    this.lruAppend(idx, cls);
  }

  /** Account bytes of per-flow state held outside the table (may be negative). */
  addExtBytes(idx: number, delta: number): void {
    this.extBytes[idx] = this.extBytes[idx]! + delta;
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
    for (let cls = 0; cls < CLASSES; cls++) {
      const timeout = this.classTimeout[cls]!;
      let idx = this.listHead[cls]!;
      while (idx >= 0 && this.appendTs[idx]! + timeout <= now) {
        const nextIdx = this.lruNext[idx]!;
        if (this.lastTs[idx]! + timeout <= now) {
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
      if (h >= 0 && (best < 0 || this.lastTs[h]! < this.lastTs[best]!)) best = h;
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
        const nextIdx = this.lruNext[idx]!;
        this.end(idx, reason);
        idx = nextIdx;
      }
    }
  }

  /** Report the flow's end to the handler, then free its slot. */
  end(idx: number, reason: number): void {
    this.onEnd(idx, reason);
    this.lruUnlink(idx, this.lruClass[idx]!);
    this.unchain(idx);
    if (this.extBytes[idx] !== 0) this.addExtBytes(idx, -this.extBytes[idx]!);
    this.free[this.freeTop++] = idx;
    this.active--;
  }

  private unchain(idx: number): void {
    const b = this.hashes[idx]! & this.mask;
    const link = idx + 1;
    let cur = this.buckets[b]!;
    if (cur === link) {
      this.buckets[b] = this.chain[idx]!;
      return;
    }
    while (cur !== 0) {
      const nxt = this.chain[cur - 1]!;
      if (nxt === link) {
        this.chain[cur - 1] = this.chain[idx]!;
        return;
      }
      cur = nxt;
    }
  }

  private lruAppend(idx: number, cls: number): void {
    this.appendTs[idx] = this.lastTs[idx]!;
    const tail = this.listTail[cls]!;
    this.lruPrev[idx] = tail;
    this.lruNext[idx] = -1;
    if (tail >= 0) this.lruNext[tail] = idx;
    else this.listHead[cls] = idx;
    this.listTail[cls] = idx;
  }

  private lruUnlink(idx: number, cls: number): void {
    const prev = this.lruPrev[idx]!;
    const nxt = this.lruNext[idx]!;
    if (prev >= 0) this.lruNext[prev] = nxt;
    else this.listHead[cls] = nxt;
    if (nxt >= 0) this.lruPrev[nxt] = prev;
    else this.listTail[cls] = prev;
  }
}
