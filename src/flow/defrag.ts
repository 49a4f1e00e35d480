// IPv4 / IPv6 fragment reassembly.
//
// RFC 791 https://www.rfc-editor.org/rfc/rfc791 (IPv4 fragmentation), RFC 815 (hole
// bookkeeping), RFC 8200 section 4.5 https://www.rfc-editor.org/rfc/rfc8200#section-4.5
// (IPv6 fragment header), RFC 5722 (overlapping IPv6 fragments are an attack).
//
//   IPv6 fragment:  [IPv6 hdr][unfragmentable ext hdrs][Fragment hdr][fragmentable part ...]
//   reassembled:    [IPv6 hdr][unfragmentable ext hdrs][fragmentable part (all fragments)]
//                   (the header before the fragment header takes over its Next Header)
//   IPv4 fragment:  [IPv4 hdr][payload slice at Fragment Offset * 8]
//   reassembled:    [IPv4 hdr of the first fragment: Total Length, MF, offset, checksum fixed][payload]
//
// Each fragment's payload is COPIED (the capture reuses its buffer); the first fragment
// also keeps a copy of the frame bytes before the IP header (link + tunnel headers) so the
// reassembled datagram can be re-decoded in its L2/tunnel context.
//
// Overlapping fragments are where IDS evasion lives (Ptacek & Newsham 1998; Novak,
// "Target-Based Fragmentation Reassembly", 2005): hosts disagree about whose bytes win.
// Every byte is owned by one fragment; when a new fragment N covers a byte owned by an
// earlier fragment O, the policy decides (this reproduces the Sturges/Novak test vectors
// that Suricata's defrag unit tests use, for every policy):
//   first    O always wins                                   (Windows-like "favor old", Mac, HP-UX 11)
//   last     N always wins                                   (Cisco)
//   bsd      N wins when it starts before O                  (Suricata's default; BSD, HP-UX 10, IRIX)
//   linux    N wins when it starts before O or at the same offset
//   windows  N wins when it starts before O and ends after O
//   solaris  N wins when it starts before O and ends at or after O's end
// Any overlap raises ipv4.frag_overlap / ipv6.frag_overlap on the fragment that caused it.
//
// Trackers are keyed by (IP version, source, destination, identification, protocol for
// IPv4, capture interface, VLAN ids, and each tunnel layer's kind and id (VNI, GRE key)).
// The VLAN/tunnel part keeps tenants with overlapping address space apart, as Suricata does
// with VLAN ids; outer tunnel addresses are not part of it (the same inner datagram may
// travel between different VTEPs).
//
// Time is packet time: a tracker not touched for timeoutSec is dropped (expire(), or lazily
// when its key is seen again). Bounds: maxTrackers and memcapBytes evict the least recently
// used tracker (counted); maxFragmentsPerDatagram stops storing fragments of one datagram.
// Never throws; a fragment that cannot be used is counted and ignored.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from '../decode/anomalies.js';
import { addAnomaly } from '../decode/events.js';
import { u16be } from '../core/bytes.js';

export type DefragPolicy = 'bsd' | 'first' | 'last' | 'linux' | 'windows' | 'solaris';

export interface DefragConfig {
  /** Seconds of packet time a datagram may stay incomplete. Suricata defrag.timeout. */
  timeoutSec: number;
  /** Concurrent datagrams being reassembled. Suricata defrag.trackers. */
  maxTrackers: number;
  /** Bytes held by all trackers (payload copies + headers + bookkeeping estimate). Suricata defrag.memcap. */
  memcapBytes: number;
  /** Fragments stored per datagram. */
  maxFragmentsPerDatagram: number;
  policy: DefragPolicy;
  /**
   * Called for each defrag anomaly, with the fragment packet that caused it and the anomaly
   * name as in decode/anomalies.ts ('ipv4.frag_overlap', ...). Default: record it on the
   * packet with addAnomaly, like a decoder event.
   */
  onAnomaly?: (p: Packet, name: string) => void;
}

export const DEFAULT_DEFRAG_CONFIG: Readonly<Omit<DefragConfig, 'onAnomaly'>> = Object.freeze({
  timeoutSec: 60,
  maxTrackers: 65535,
  memcapBytes: 32 * 1024 * 1024,
  maxFragmentsPerDatagram: 256,
  policy: 'bsd',
});

/** A reassembled datagram. */
export interface DefragResult {
  /**
   * The frame rebuilt: the first fragment's bytes before its IP header (link, VLAN and tunnel
   * headers, unchanged: outer length fields still describe the first fragment), then the IP
   * header (fixed) and the whole payload. A fresh Buffer owned by the caller.
   */
  data: Buffer;
  /** Where the IP header starts in data. */
  ipOff: number;
  /** Bytes before the IP header (= ipOff). */
  linkPrefixLen: number;
  ipVersion: 4 | 6;
  /** Fragments that contributed bytes. */
  fragments: number;
}

// Anomaly names (decode/anomalies.ts, Suricata's decoder events for defrag).
const V4_OVERLAP = 'ipv4.frag_overlap';
const V6_OVERLAP = 'ipv6.frag_overlap';
const V4_TOO_LARGE = 'ipv4.frag_pkt_too_large';
const V6_TOO_LARGE = 'ipv6.frag_pkt_too_large';
const V6_INVALID_LENGTH = 'ipv6.frag_invalid_length';
const V4_IGNORED = 'ipv4.frag_ignored';
const V6_IGNORED = 'ipv6.frag_ignored';
const V6_INVALID_LENGTH_CODE = anomalyCode(V6_INVALID_LENGTH);

const IPV4_MAX_LEN = 65535;
const IPV6_MAX_PAYLOAD = 65535;
const IPV6_HDR_LEN = 40;
const NH_HOPOPTS = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_AH = 51;
const NH_DSTOPTS = 60;
/** Bookkeeping estimates for the memcap (object + Buffer + ArrayBuffer headers). */
const TRACKER_OVERHEAD = 512;
const FRAG_OVERHEAD = 192;

const POLICY_FIRST = 0;
const POLICY_LAST = 1;
const POLICY_BSD = 2;
const POLICY_LINUX = 3;
const POLICY_WINDOWS = 4;
const POLICY_SOLARIS = 5;

function policyId(p: DefragPolicy): number {
  switch (p) {
    case 'first':
      return POLICY_FIRST;
    case 'last':
      return POLICY_LAST;
    case 'linux':
      return POLICY_LINUX;
    case 'windows':
      return POLICY_WINDOWS;
    case 'solaris':
      return POLICY_SOLARIS;
    default:
      return POLICY_BSD;
  }
}

/** Does new fragment [ns, ne) win the bytes it shares with earlier fragment [os, oe)? */
function newWins(policy: number, os: number, oe: number, ns: number, ne: number): boolean {
  switch (policy) {
    case POLICY_FIRST:
      return false;
    case POLICY_LAST:
      return true;
    case POLICY_LINUX:
      return ns <= os;
    case POLICY_WINDOWS:
      return ns < os && ne > oe;
    case POLICY_SOLARIS:
      return ns < os && ne >= oe;
    default:
      return ns < os;
  }
}

interface Frag {
  /** Payload offset of data[0] within the datagram's fragmentable part. */
  off: number;
  end: number;
  data: Buffer;
  /**
   * Offset-0 fragments only: the frame before the fragmentable part (link/tunnel headers,
   * IP header; IPv6: unfragmentable extension headers with the Next Header pointing past
   * the removed fragment header). null otherwise.
   */
  head: Buffer | null;
  /** Where the IP header starts in head. */
  headIpOff: number;
  /** Bytes of the datagram this fragment currently owns (0: it can be freed). */
  owned: number;
  cost: number;
}

/** A run of datagram bytes [start, end) owned by one fragment. Runs are sorted and disjoint. */
interface Run {
  start: number;
  end: number;
  frag: Frag;
}

class Tracker {
  frags: Frag[] = [];
  runs: Run[] = [];
  /** End of the datagram (from the MF=0 fragment with the lowest offset), -1 until seen. */
  lastEnd = -1;
  lastOff = -1;
  lastSeen = 0;
  memuse = TRACKER_OVERHEAD;
  constructor(
    readonly key: string,
    readonly version: 4 | 6,
  ) {}
}

/** Counters, shaped after Suricata's `defrag` stats section (see eveStats()). */
export class DefragCounters {
  ipv4Fragments = 0;
  ipv4Reassembled = 0;
  ipv4Timeouts = 0;
  ipv6Fragments = 0;
  ipv6Reassembled = 0;
  ipv6Timeouts = 0;
  /** Fragments not stored because their datagram already had maxFragmentsPerDatagram. */
  maxFragsReached = 0;
  /** New datagrams that found maxTrackers in use (the oldest tracker was evicted). */
  maxTrackersReached = 0;
  /** Incomplete trackers force-closed to make room (maxTrackers or memcap): Suricata tracker_hard_reuse. */
  trackerEvictions = 0;
  /** Fragments dropped because even after evicting every other tracker they did not fit the memcap. */
  memcapDrops = 0;
  /** Fragments cut by the capture snaplen (or with a bogus length): cannot be reassembled. */
  truncated = 0;
  /** Datagrams dropped as too large (frag_pkt_too_large). */
  tooLarge = 0;
  /** Fragments that overlapped earlier ones. */
  overlaps = 0;
}

/** The `defrag` object of a Suricata EVE stats record (eve.schema.json stats.defrag). */
export interface DefragEveStats {
  ipv4: { fragments: number; reassembled: number; timeouts: number };
  ipv6: { fragments: number; reassembled: number; timeouts: number };
  max_frags_reached: number;
  max_trackers_reached: number;
  memuse: number;
  tracker_hard_reuse: number;
  mgr: { tracker_timeout: number };
}

// findFragHeader results (module-level: no allocation per fragment).
let fhOff = -1;
let fhPrevNhOff = -1;

export class Defragmenter {
  readonly counters = new DefragCounters();
  private readonly timeoutSec: number;
  private readonly maxTrackers: number;
  private readonly memcap: number;
  private readonly maxFrags: number;
  private readonly policy: number;
  private readonly report: (p: Packet, name: string) => void;
  /** Insertion order = least recently used first (a touched tracker is re-inserted). */
  private readonly trackers = new Map<string, Tracker>();
  private mem = 0;

  constructor(cfg: Partial<DefragConfig> = {}) {
    const c = { ...DEFAULT_DEFRAG_CONFIG, ...cfg };
    this.timeoutSec = c.timeoutSec;
    this.maxTrackers = Math.max(1, c.maxTrackers);
    this.memcap = Math.max(0, c.memcapBytes);
    this.maxFrags = Math.max(1, c.maxFragmentsPerDatagram);
    this.policy = policyId(c.policy);
    this.report = cfg.onAnomaly ?? recordOnPacket;
  }

  /** Bytes held now (Suricata defrag.memuse). */
  get memuse(): number {
    return this.mem;
  }

  /** Datagrams being reassembled. */
  get trackerCount(): number {
    return this.trackers.size;
  }

  /**
   * Add a decoded fragment (p.isFragment). Returns the reassembled datagram when this
   * fragment completed it, else null. Anomalies go to onAnomaly.
   */
  add(p: Packet, tsSec: number): DefragResult | null {
    const version = p.ipVersion;
    if ((version !== 4 && version !== 6) || p.l3Off < 0 || !p.isFragment) return null;
    const c = this.counters;
    if (version === 4) c.ipv4Fragments++;
    else c.ipv6Fragments++;

    // --- locate the payload and check lengths ---
    const d = p.data;
    const l3 = p.l3Off;
    const l3End = p.l3End;
    let dataStart: number;
    let headEnd: number;
    if (version === 4) {
      const hlen = p.l3HdrLen;
      const totLen = u16be(d, l3 + 2);
      // Total Length 0 (TSO) or a length the capture cut: the fragment's true bytes are unknown.
      if (totLen === 0 || l3 + totLen > l3End || hlen > totLen) {
        c.truncated++;
        return null;
      }
      dataStart = l3 + hlen;
      headEnd = dataStart;
    } else {
      if (l3End - l3 < IPV6_HDR_LEN) {
        c.truncated++;
        return null;
      }
      const plen = u16be(d, l3 + 4);
      if (plen === 0 || l3 + IPV6_HDR_LEN + plen > l3End || !findFragHeader(d, l3, l3End)) {
        c.truncated++;
        return null;
      }
      dataStart = fhOff + 8;
      headEnd = fhOff;
    }
    const off = p.fragOffset;
    const len = l3End - dataStart;
    const end = off + len;
    const more = p.fragMore;

    if (version === 6 && more && len % 8 !== 0) {
      // RFC 8200 4.5: all fragments but the last carry a multiple of 8 bytes; a host drops
      // the others. The decoder usually reported it already: do not report it twice.
      if (!hasAnomaly(p, V6_INVALID_LENGTH_CODE)) this.report(p, V6_INVALID_LENGTH);
      return null;
    }

    const key = trackerKey(p, version);
    let t = this.trackers.get(key);
    if (t !== undefined && tsSec - t.lastSeen >= this.timeoutSec) {
      this.drop(t);
      this.countTimeout(t);
      t = undefined;
    }

    // Too large: the datagram could never be legal (Ping of Death and friends).
    const tooLarge = version === 4 ? p.l3HdrLen + end > IPV4_MAX_LEN : end > IPV6_MAX_PAYLOAD;
    if (tooLarge) {
      this.report(p, version === 4 ? V4_TOO_LARGE : V6_TOO_LARGE);
      c.tooLarge++;
      if (t !== undefined) this.drop(t);
      return null;
    }
    if (len <= 0) return null;

    if (t === undefined) {
      if (this.trackers.size >= this.maxTrackers) {
        c.maxTrackersReached++;
        this.evictOldest(null);
      }
      t = new Tracker(key, version);
      this.trackers.set(key, t);
      this.mem += t.memuse;
    } else {
      // Re-insert: the Map's order stays least-recently-used first.
      this.trackers.delete(key);
      this.trackers.set(key, t);
    }
    t.lastSeen = tsSec;

    if (t.frags.length >= this.maxFrags) {
      c.maxFragsReached++;
      this.report(p, version === 4 ? V4_IGNORED : V6_IGNORED);
      return null;
    }

    const headLen = off === 0 ? headEnd - p.start : 0;
    const cost = FRAG_OVERHEAD + len + headLen;
    while (this.mem + cost > this.memcap) {
      if (!this.evictOldest(t)) break;
    }
    if (this.mem + cost > this.memcap) {
      c.memcapDrops++;
      this.report(p, version === 4 ? V4_IGNORED : V6_IGNORED);
      if (t.frags.length === 0) this.drop(t);
      return null;
    }

    // --- store a copy ---
    const data = Buffer.allocUnsafeSlow(len);
    d.copy(data, 0, dataStart, l3End);
    let head: Buffer | null = null;
    if (off === 0) {
      head = Buffer.allocUnsafeSlow(headLen);
      d.copy(head, 0, p.start, headEnd);
      // IPv6: the header before the fragment header now names what followed it.
      if (version === 6) head[fhPrevNhOff - p.start] = d[fhOff]!;
    }
    const frag: Frag = { off, end, data, head, headIpOff: l3 - p.start, owned: 0, cost };
    t.frags.push(frag);
    t.memuse += cost;
    this.mem += cost;
    if (!more && (t.lastOff < 0 || off < t.lastOff)) {
      t.lastOff = off;
      t.lastEnd = end;
    }

    if (this.place(t, frag)) {
      c.overlaps++;
      this.report(p, version === 4 ? V4_OVERLAP : V6_OVERLAP);
    }
    this.freeUnowned(t);

    if (t.lastEnd < 0 || !complete(t)) return null;
    const r = this.build(t, p);
    this.drop(t);
    if (r !== null) {
      if (version === 4) c.ipv4Reassembled++;
      else c.ipv6Reassembled++;
    }
    return r;
  }

  /** Drop trackers not touched for timeoutSec of packet time. Returns how many. */
  expire(tsSec: number): number {
    let n = 0;
    for (const t of this.trackers.values()) {
      // LRU order: the first one still fresh ends the walk.
      if (tsSec - t.lastSeen < this.timeoutSec) break;
      this.drop(t);
      this.countTimeout(t);
      n++;
    }
    return n;
  }

  /** Drop every tracker (shutdown). Not counted as timeouts. */
  clear(): void {
    this.trackers.clear();
    this.mem = 0;
  }

  /** The `defrag` section of a Suricata EVE stats record. */
  eveStats(): DefragEveStats {
    const c = this.counters;
    return {
      ipv4: { fragments: c.ipv4Fragments, reassembled: c.ipv4Reassembled, timeouts: c.ipv4Timeouts },
      ipv6: { fragments: c.ipv6Fragments, reassembled: c.ipv6Reassembled, timeouts: c.ipv6Timeouts },
      max_frags_reached: c.maxFragsReached,
      max_trackers_reached: c.maxTrackersReached,
      memuse: this.mem,
      tracker_hard_reuse: c.trackerEvictions,
      mgr: { tracker_timeout: c.ipv4Timeouts + c.ipv6Timeouts },
    };
  }

  // ---------------------------------------------------------------------------------------

  private countTimeout(t: Tracker): void {
    if (t.version === 4) this.counters.ipv4Timeouts++;
    else this.counters.ipv6Timeouts++;
  }

  private drop(t: Tracker): void {
    if (this.trackers.get(t.key) === t) this.trackers.delete(t.key);
    this.mem -= t.memuse;
    t.memuse = 0;
    t.frags = [];
    t.runs = [];
  }

  /** Evict the least recently used tracker other than `keep`. False when there is none. */
  private evictOldest(keep: Tracker | null): boolean {
    for (const t of this.trackers.values()) {
      if (t === keep) continue;
      this.drop(t);
      this.counters.trackerEvictions++;
      return true;
    }
    return false;
  }

  /**
   * Give `n` the bytes of its range the policy awards it. Returns true when it overlapped
   * bytes of an earlier fragment.
   */
  private place(t: Tracker, n: Frag): boolean {
    const runs = t.runs;
    const out: Run[] = [];
    let overlap = false;
    let cur = n.off;
    let i = 0;
    for (; i < runs.length && runs[i]!.end <= n.off; i++) out.push(runs[i]!);
    for (; i < runs.length && runs[i]!.start < n.end; i++) {
      const r = runs[i]!;
      if (r.start > cur) push(out, cur, r.start, n);
      overlap = true;
      if (r.start < n.off) push(out, r.start, n.off, r.frag);
      const a = Math.max(r.start, n.off);
      const b = Math.min(r.end, n.end);
      const o = r.frag;
      push(out, a, b, newWins(this.policy, o.off, o.end, n.off, n.end) ? n : o);
      if (r.end > n.end) push(out, n.end, r.end, o);
      cur = Math.max(cur, r.end);
    }
    if (cur < n.end) push(out, cur, n.end, n);
    for (; i < runs.length; i++) out.push(runs[i]!);
    t.runs = out;
    return overlap;
  }

  /** Recount ownership and free fragments that no longer own a byte. */
  private freeUnowned(t: Tracker): void {
    for (const f of t.frags) f.owned = 0;
    for (const r of t.runs) r.frag.owned += r.end - r.start;
    let k = 0;
    for (const f of t.frags) {
      if (f.owned > 0) t.frags[k++] = f;
      else {
        t.memuse -= f.cost;
        this.mem -= f.cost;
      }
    }
    t.frags.length = k;
  }

  /** Rebuild the datagram (complete(t) holds). null if it would be too large. */
  private build(t: Tracker, p: Packet): DefragResult | null {
    const runs = t.runs;
    const total = t.lastEnd;
    const first = runs[0]!.frag;
    const head = first.head;
    if (head === null) return null;
    const ipOff = first.headIpOff;
    const hdrLen = head.length - ipOff;
    if (t.version === 4 ? hdrLen + total > IPV4_MAX_LEN : hdrLen - IPV6_HDR_LEN + total > IPV6_MAX_PAYLOAD) {
      this.report(p, t.version === 4 ? V4_TOO_LARGE : V6_TOO_LARGE);
      this.counters.tooLarge++;
      return null;
    }
    const out = Buffer.alloc(head.length + total);
    head.copy(out, 0);
    const base = head.length;
    const used = new Set<Frag>();
    for (const r of runs) {
      if (r.start >= total) break;
      const e = Math.min(r.end, total);
      r.frag.data.copy(out, base + r.start, r.start - r.frag.off, e - r.frag.off);
      used.add(r.frag);
    }
    if (t.version === 4) {
      out.writeUInt16BE(hdrLen + total, ipOff + 2);
      // Offset 0 and MF clear; DF and the reserved bit stay as the first fragment had them.
      out.writeUInt16BE(u16be(out, ipOff + 6) & 0xc000, ipOff + 6);
      out.writeUInt16BE(0, ipOff + 10);
      out.writeUInt16BE(ipv4Checksum(out, ipOff, hdrLen), ipOff + 10);
    } else {
      out.writeUInt16BE(hdrLen - IPV6_HDR_LEN + total, ipOff + 4);
    }
    return { data: out, ipOff, linkPrefixLen: ipOff, ipVersion: t.version, fragments: used.size };
  }
}

/** Append run [a, b) owned by f, merging with the previous run of the same fragment. */
function push(out: Run[], a: number, b: number, f: Frag): void {
  if (b <= a) return;
  const last = out.length > 0 ? out[out.length - 1]! : null;
  if (last !== null && last.frag === f && last.end === a) last.end = b;
  else out.push({ start: a, end: b, frag: f });
}

/** Bytes [0, lastEnd) all owned, and byte 0 by a fragment that kept its headers. */
function complete(t: Tracker): boolean {
  const runs = t.runs;
  if (runs.length === 0 || runs[0]!.start !== 0 || runs[0]!.frag.head === null) return false;
  let cur = 0;
  for (const r of runs) {
    if (r.start > cur) return false;
    cur = r.end;
    if (cur >= t.lastEnd) return true;
  }
  return false;
}

function recordOnPacket(p: Packet, name: string): void {
  addAnomaly(p, anomalyCode(name), p.l3Off >= 0 ? p.l3Off : p.start);
}

function hasAnomaly(p: Packet, code: number): boolean {
  for (let i = 0; i < p.anomalyCount; i++) if (p.anomalies[i] === code) return true;
  return false;
}

/**
 * Walk the IPv6 extension chain of the header at l3 to the fragment header. Sets fhOff
 * (its offset) and fhPrevNhOff (the Next Header byte that names it). False if absent.
 */
function findFragHeader(d: Buffer, l3: number, end: number): boolean {
  let nhOff = l3 + 6;
  let pos = l3 + IPV6_HDR_LEN;
  for (let i = 0; i < 8; i++) {
    const nh = d[nhOff]!;
    if (nh === NH_FRAGMENT) {
      if (pos + 8 > end) return false;
      fhOff = pos;
      fhPrevNhOff = nhOff;
      return true;
    }
    if (pos + 2 > end) return false;
    let hlen: number;
    if (nh === NH_HOPOPTS || nh === NH_ROUTING || nh === NH_DSTOPTS) hlen = (d[pos + 1]! + 1) << 3;
    else if (nh === NH_AH) hlen = (d[pos + 1]! + 2) << 2;
    else return false;
    nhOff = pos;
    pos += hlen;
  }
  return false;
}

/** Tracker key: version, addresses, id, (IPv4) protocol, interface, VLANs, tunnel ids. */
function trackerKey(p: Packet, version: 4 | 6): string {
  const d = p.data;
  const alen = version === 4 ? 4 : 16;
  let k = version === 4 ? `4:${p.ipId}:${p.ipProto}:` : `6:${p.frag6Id}:`;
  k += d.toString('latin1', p.srcAddrOff, p.srcAddrOff + alen);
  k += d.toString('latin1', p.dstAddrOff, p.dstAddrOff + alen);
  k += `:${p.ifIndex}`;
  for (let i = 0; i < p.vlanCount; i++) k += `v${p.vlanIds[i]}`;
  for (let i = 0; i < p.tunnelDepth; i++) k += `t${p.tunnelKind[i]}.${p.tunnelId[i]}`;
  return k;
}

/** RFC 1071 header checksum over buf[off, off + len). */
function ipv4Checksum(buf: Buffer, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += (buf[off + i]! << 8) | buf[off + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
