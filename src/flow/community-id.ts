// Community ID v1 (https://github.com/corelight/community-id-spec): a hash of the flow
// tuple that Zeek, Suricata and vsids compute alike, so one flow can be joined across
// their logs. Computed once per record written, never per packet.
//
//   sha1(seed:u16be | src addr | dst addr | proto:u8 | 0:u8 | src port:u16be | dst port:u16be)
//   base64, prefixed "1:". Endpoints are ordered (smaller address first, then smaller port);
//   ICMP uses type and code (or the reply type for request/reply pairs) as ports.

import { hash } from 'node:crypto';

// ICMP request <-> reply counterparts (two-way messages).
const ICMP4_PAIRS = new Map([
  [8, 0],
  [0, 8],
  [13, 14],
  [14, 13],
  [15, 16],
  [16, 15],
  [10, 9],
  [9, 10],
  [17, 18],
  [18, 17],
]);
const ICMP6_PAIRS = new Map([
  [128, 129],
  [129, 128],
  [133, 134],
  [134, 133],
  [135, 136],
  [136, 135],
  [130, 131],
  [131, 130],
  [144, 145],
  [145, 144],
]);

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/**
 * Community ID of a flow. `src`/`dst` are raw address bytes (4 or 16); for ICMP/ICMPv6 pass
 * the ICMP type as `srcPort` and the code as `dstPort`.
 */
export function communityId(
  src: Buffer,
  dst: Buffer,
  proto: number,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  let sp = srcPort;
  let dp = dstPort;
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const pair = (proto === 1 ? ICMP4_PAIRS : ICMP6_PAIRS).get(srcPort);
    if (pair !== undefined) dp = pair;
    else oneWay = true;
  }
  let a = src;
  let b = dst;
  const hasPorts = proto === 6 || proto === 17 || proto === 132 || proto === 1 || proto === 58;
  if (!oneWay) {
    const c = compareBytes(src, dst);
    if (c > 0 || (c === 0 && sp > dp)) {
      a = dst;
      b = src;
      const t = sp;
      sp = dp;
      dp = t;
    }
  }
  // One buffer and one-shot crypto.hash: a Hash object with five updates costs four times as much.
  const msg = MSG;
  msg[0] = (seed >>> 8) & 0xff;
  msg[1] = seed & 0xff;
  let n = 2;
  for (let i = 0; i < a.length; i++) msg[n++] = a[i]!;
  for (let i = 0; i < b.length; i++) msg[n++] = b[i]!;
  msg[n++] = proto & 0xff;
  msg[n++] = 0;
  if (hasPorts) {
    msg[n++] = (sp >>> 8) & 0xff;
    msg[n++] = sp & 0xff;
    msg[n++] = (dp >>> 8) & 0xff;
    msg[n++] = dp & 0xff;
  }
  return `1:${hash('sha1', msg.subarray(0, n), 'base64')}`;
}

/** Scratch for the hashed message: seed, two IPv6 addresses, protocol, pad, two ports. */
const MSG = Buffer.alloc(2 + 16 + 16 + 2 + 4);
