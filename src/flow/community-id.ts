// Community ID v1 (https://github.com/corelight/community-id-spec): a hash of the flow
// tuple that Zeek, Suricata and vsids compute alike, so one flow can be joined across
// their logs. Computed once per record written, never per packet.
//
//   sha1(seed:u16be | src addr | dst addr | proto:u8 | 0:u8 | src port:u16be | dst port:u16be)
//   base64, prefixed "1:". Endpoints are ordered (smaller address first, then smaller port);
//   ICMP uses type and code (or the reply type for request/reply pairs) as ports.

import { createHash } from 'node:crypto';

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
  const head = Buffer.alloc(4);
  head.writeUInt16BE(seed & 0xffff, 0);
  const mid = Buffer.from([proto & 0xff, 0]);
  const h = createHash('sha1').update(head.subarray(0, 2)).update(a).update(b).update(mid);
  if (hasPorts) {
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(sp & 0xffff, 0);
    ports.writeUInt16BE(dp & 0xffff, 2);
    h.update(ports);
  }
  return `1:${h.digest('base64')}`;
}
