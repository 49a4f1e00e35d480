// Mirror duplicate suppression. A mirror port often delivers one packet twice: once from
// the ingress of the sender's vSwitch port and once from the egress of the receiver's. The
// two copies differ at most in L2 (VLAN tag, MACs) and in what a router changes (TTL /
// hop limit, IPv4 header checksum), so a packet is a duplicate when the same IP packet,
// less those fields, was seen within a short window of packet time.
//
// The fingerprint covers the IP header and the first 40 bytes after it (the transport
// header, whose checksum summarises the payload). Recent fingerprints live in a small
// direct-mapped table: a slot holds one fingerprint and its time.

import type { Packet } from '../core/packet.js';

export interface DedupConfig {
  enabled: boolean;
  /** Seconds within which a second copy counts as a duplicate (default 2 ms). */
  windowSec: number;
  /** Slots in the fingerprint table (a power of two). */
  slots: number;
}

export const DEFAULT_DEDUP_CONFIG: DedupConfig = { enabled: true, windowSec: 0.002, slots: 1 << 16 };

const L4_BYTES = 40;

export class MirrorDedup {
  private readonly fp: Uint32Array;
  private readonly check: Uint32Array;
  private readonly ts: Float64Array;
  private readonly mask: number;
  duplicates = 0;

  constructor(private readonly cfg: DedupConfig = DEFAULT_DEDUP_CONFIG) {
    let n = 16;
    while (n < cfg.slots) n <<= 1;
    this.mask = n - 1;
    this.fp = new Uint32Array(n);
    this.check = new Uint32Array(n);
    this.ts = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  }

  /** True when `p` (decoded, with an IP layer) repeats a packet seen within the window. */
  isDuplicate(p: Packet, now: number): boolean {
    if (!this.cfg.enabled || p.l3Off < 0) return false;
    const d = p.data;
    const start = p.l3Off;
    const hdrEnd = start + p.l3HdrLen;
    const end = Math.min(p.l3End, hdrEnd + L4_BYTES);
    // Two independent 32-bit hashes: one picks the slot, the other confirms the match.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    const ttlAt = p.ipVersion === 4 ? start + 8 : start + 7;
    const csumAt = p.ipVersion === 4 ? start + 10 : -1;
    for (let i = start; i < end; i++) {
      if (i === ttlAt || i === csumAt || i === csumAt + 1) continue;
      const b = d[i]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = (Math.imul(h2, 31) + b) | 0;
    }
    h1 = Math.imul(h1 ^ (end - start), 0x01000193) >>> 0;
    h2 = (h2 ^ (p.l3End - start)) >>> 0;
    const slot = h1 & this.mask;
    const dup = this.fp[slot] === h1 && this.check[slot] === h2 && now - this.ts[slot]! <= this.cfg.windowSec;
    if (dup) {
      this.duplicates++;
      // Keep the first copy's time: a third copy later than the window is new traffic.
      return true;
    }
    this.fp[slot] = h1;
    this.check[slot] = h2;
    this.ts[slot] = now;
    return false;
  }
}
