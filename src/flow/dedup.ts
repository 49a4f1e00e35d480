// Mirror duplicate suppression. A mirror port often delivers one packet twice: once from
// the ingress of the sender's vSwitch port and once from the egress of the receiver's. The
// two copies differ at most in L2 (VLAN tag, MACs) and in what a router changes (TTL /
// hop limit, IPv4 header checksum), so a packet is a duplicate when the same IP packet,
// less those fields, was seen within a short window of packet time.
//
// The fingerprint covers the fixed IP header and the first 32 bytes after the IP header
// (the transport header, whose checksum summarises the payload). Recent fingerprints live in a small
// direct-mapped table: a slot holds one fingerprint and its time.

import type { Packet } from '../core/packet.js';

export interface DedupConfig {
  enabled: boolean;
  /** Seconds within which a second copy counts as a duplicate (default 2 ms). */
  windowSec: number;
  /** Slots in the fingerprint table (a power of two). */
  slots: number;
}

export const DEFAULT_DEDUP_CONFIG: DedupConfig = { enabled: false, windowSec: 0.002, slots: 1 << 16 };

/** Words hashed after the IP header (the TCP header without options is 5). */
const L4_WORDS = 8;

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

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  /**
   * True when `p` (decoded, with an IP layer) repeats a packet seen within the window. The
   * time comes from the packet: a float argument would be boxed on every call.
   */
  isDuplicate(p: Packet): boolean {
    if (!this.cfg.enabled || p.l3Off < 0) return false;
    const now = p.tsSec + p.tsNsec * 1e-9;
    const d = p.data;
    const start = p.l3Off;
    // Hash 32-bit words: the fixed IP header (TTL / hop limit and the IPv4 checksum masked
    // out), then up to L4_WORDS words after the header (the transport header, whose
    // checksum stands for the payload). Two independent hashes: one picks the slot, the
    // other confirms the match.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    let w: number;
    const v4 = p.ipVersion === 4;
    const fixedEnd = start + (v4 ? 20 : 40);
    for (let i = start; i + 4 <= fixedEnd; i += 4) {
      // Big-endian word by hand: Buffer#readUInt32BE validates its argument on every call.
      w = (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
      if (v4 && i === start + 8)
        w &= 0x00ff0000; // keep the protocol only
      else if (!v4 && i === start + 4) w &= 0xffffff00; // drop the hop limit
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 + w, 0x5bd1e995) ^ (h2 >>> 15);
    }
    const l4 = start + p.l3HdrLen;
    const l4End = Math.min(p.l3End, l4 + L4_WORDS * 4);
    for (let i = l4; i + 4 <= l4End; i += 4) {
      w = (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 + w, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 = Math.imul(h1 ^ (p.l3End - start), 0x01000193) >>> 0;
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
