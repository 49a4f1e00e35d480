// The flow key: innermost addresses, ports and protocol, plus the VLAN ids and tunnel id
// when configured (Suricata's vlan.use-for-tracking). Both directions of a conversation
// build the same key: the two endpoints are put in a canonical order (A < B) and the
// builder says whether this packet goes A->B or B->A.
//
// Key layout (12 x u32):
//   [0..3] address A (IPv4 in word 0, words 1..3 zero)   [4..7] address B
//   [8]    port A << 16 | port B                          [9]    ip version << 8 | protocol
//   [10]   VLAN id 0 | VLAN id 1 << 16 (0 when not used)   [11]   tunnel id + 1 (0 when none / not used)

import type { Packet } from '../core/packet.js';
import { u32be } from '../core/bytes.js';

export const KEY_WORDS = 12;

export interface FlowKeyConfig {
  /** Put the first two VLAN ids in the key (default true, as Suricata). */
  vlanInKey: boolean;
  /** Put the innermost tunnel id (VXLAN/Geneve VNI, GRE key, ERSPAN session) in the key. */
  tunnelInKey: boolean;
}

export const DEFAULT_FLOW_KEY_CONFIG: FlowKeyConfig = { vlanInKey: true, tunnelInKey: true };

// ICMP messages that come in request/reply pairs share a flow keyed by the echo id.
function icmpIsQueryReply(proto: number, type: number): boolean {
  if (proto === 1) return type === 0 || type === 8 || type === 13 || type === 14 || type === 15 || type === 16;
  return type === 128 || type === 129;
}

export class FlowKeyBuilder {
  readonly key = new Uint32Array(KEY_WORDS);
  /** True when the packet travels from endpoint B to endpoint A. */
  reversed = false;
  hash = 0;
  /** The packet's own ports as used in the key (ICMP: id or type/code). */
  srcPort = 0;
  dstPort = 0;

  constructor(private readonly cfg: FlowKeyConfig = DEFAULT_FLOW_KEY_CONFIG) {}

  /** Build the key of a decoded packet. Returns false when it has no IP layer to track. */
  build(p: Packet): boolean {
    if (p.srcAddrOff < 0 || p.ipProto < 0) return false;
    const k = this.key;
    const d = p.data;
    const v6 = p.ipVersion === 6;
    let sp = p.srcPort;
    let dp = p.dstPort;
    if (sp < 0 || dp < 0) {
      if (p.icmpType >= 0) {
        if (icmpIsQueryReply(p.ipProto, p.icmpType) && p.icmpId >= 0) {
          sp = p.icmpId;
          dp = p.icmpId;
        } else {
          sp = p.icmpType;
          dp = p.icmpCode;
        }
      } else {
        sp = 0;
        dp = 0;
      }
    }
    this.srcPort = sp;
    this.dstPort = dp;
    // Compare source and destination endpoints to pick the canonical order.
    const s = p.srcAddrOff;
    const t = p.dstAddrOff;
    let rev: boolean;
    if (v6) {
      let cmp = 0;
      for (let i = 0; i < 16 && cmp === 0; i++) cmp = d[s + i]! - d[t + i]!;
      rev = cmp > 0 || (cmp === 0 && sp > dp);
      const a = rev ? t : s;
      const b = rev ? s : t;
      k[0] = u32be(d, a);
      k[1] = u32be(d, a + 4);
      k[2] = u32be(d, a + 8);
      k[3] = u32be(d, a + 12);
      k[4] = u32be(d, b);
      k[5] = u32be(d, b + 4);
      k[6] = u32be(d, b + 8);
      k[7] = u32be(d, b + 12);
    } else {
      // One unsigned word per address: comparing them compares the bytes in order.
      const sa = u32be(d, s);
      const da = u32be(d, t);
      rev = sa > da || (sa === da && sp > dp);
      k[0] = rev ? da : sa;
      k[1] = 0;
      k[2] = 0;
      k[3] = 0;
      k[4] = rev ? sa : da;
      k[5] = 0;
      k[6] = 0;
      k[7] = 0;
    }
    this.reversed = rev;
    k[8] = rev ? ((dp << 16) | sp) >>> 0 : ((sp << 16) | dp) >>> 0;
    k[9] = (p.ipVersion << 8) | p.ipProto;
    k[10] = this.cfg.vlanInKey ? vlanWord(p) : 0;
    k[11] = this.cfg.tunnelInKey && p.tunnelDepth > 0 ? (p.tunnelId[p.tunnelDepth - 1]! + 1) >>> 0 : 0;
    this.hash = hashKey(k);
    return true;
  }
}

/** The first two VLAN ids packed in one word. */
export function vlanWord(p: Packet): number {
  if (p.vlanCount === 0) return 0;
  return p.vlanCount === 1 ? p.vlanIds[0]! : (p.vlanIds[0]! | (p.vlanIds[1]! << 16)) >>> 0;
}

/** One Murmur3 mixing round of word w into h. */
function mix(h: number, w: number): number {
  w = Math.imul(w, 0xcc9e2d51);
  w = (w << 15) | (w >>> 17);
  h ^= Math.imul(w, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * Murmur3-style hash of the key words; symmetric because the key already is. An IPv4 key
 * (words 1..3 and 5..7 always zero) mixes only its six other words. Which words are mixed
 * depends on the IP version in word 9, so equal keys always hash alike.
 */
export function hashKey(k: Uint32Array): number {
  return hashWords(k, 0);
}

/** hashKey of the key held in words[at, at + KEY_WORDS) (a flow-table record). */
export function hashWords(w: Uint32Array, at: number): number {
  let h = 0x9747b28c;
  h = mix(h, w[at]!);
  if (w[at + 9]! >>> 8 === 6) {
    h = mix(h, w[at + 1]!);
    h = mix(h, w[at + 2]!);
    h = mix(h, w[at + 3]!);
    h = mix(h, w[at + 4]!);
    h = mix(h, w[at + 5]!);
    h = mix(h, w[at + 6]!);
    h = mix(h, w[at + 7]!);
  } else {
    h = mix(h, w[at + 4]!);
  }
  h = mix(h, w[at + 8]!);
  h = mix(h, w[at + 9]!);
  h = mix(h, w[at + 10]!);
  h = mix(h, w[at + 11]!);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // 30 bits: a small integer, so returning it allocates nothing (a uint32 above that range would
  // be boxed on every call). The table masks it and the flow_id keeps its low 20 bits.
  return h & 0x3fffffff;
}
