// Internet Control Message Protocol (ICMPv4), RFC 792 https://www.rfc-editor.org/rfc/rfc792
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+-------------------------------+
//  |     Type      |     Code      |          Checksum             |
//  +---------------+---------------+-------------------------------+
//  |  Identifier (echo, timestamp, |  Sequence Number              |
//  |  info, mask)  / unused, MTU,  |  pointer... (errors)          |
//  +-------------------------------+-------------------------------+
//  |  errors: the offending IPv4 header + at least 8 bytes of it   |
//  |  echo: data ...                                               |
//
// The datagram quoted inside an error (types 3, 4, 5, 11, 12) is not decoded as a layer:
// the packet's innermost IP stays the one that carried the ICMP message, as in tshark's
// view and Suricata's flow handling. Only its offset is kept (p.icmpInnerOff) after a
// version and size check (Suricata's DecodePartialIPV4).

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid } from './events.js';
import { u16be } from '../core/bytes.js';

const ICMP_HDR_LEN = 8;
const IPV4_MIN_HDR = 20;

const PKT_TOO_SMALL = anomalyCode('icmpv4.pkt_too_small');
const UNKNOWN_TYPE = anomalyCode('icmpv4.unknown_type');
const UNKNOWN_CODE = anomalyCode('icmpv4.unknown_code');
const IPV4_TRUNC_PKT = anomalyCode('icmpv4.ipv4_trunc_pkt');
const IPV4_UNKNOWN_VER = anomalyCode('icmpv4.ipv4_unknown_ver');
const TRUNC_INNER = anomalyCode('icmpv4.trunc_inner');

export function decodeIcmp(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  // Type and code are shown as soon as they are there, like ports for TCP/UDP.
  if (avail >= 2) {
    p.icmpType = d[off]!;
    p.icmpCode = d[off + 1]!;
  }
  if (avail < ICMP_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);

  const type = d[off]!;
  const code = d[off + 1]!;
  p.l4Off = off;
  p.l4HdrLen = ICMP_HDR_LEN;
  p.payloadOff = off + ICMP_HDR_LEN;
  p.payloadLen = avail - ICMP_HDR_LEN;

  switch (type) {
    case 0: // echo reply
    case 8: // echo request
    case 13: // timestamp
    case 14: // timestamp reply
    case 15: // information request
    case 16: // information reply
    case 17: // address mask request (RFC 950)
    case 18: // address mask reply
      p.icmpId = u16be(d, off + 4);
      p.icmpSeq = u16be(d, off + 6);
      if (code !== 0) addAnomaly(p, UNKNOWN_CODE, off + 1);
      return 0;
    case 3: // destination unreachable: codes 0-15 (RFC 792, 1122, 1812)
      return icmpError(p, off, end, code > 15);
    case 4: // source quench (deprecated by RFC 6633, still defined)
      return icmpError(p, off, end, code !== 0);
    case 5: // redirect: net, host, TOS+net, TOS+host
      return icmpError(p, off, end, code > 3);
    case 11: // time exceeded: TTL, reassembly
      return icmpError(p, off, end, code > 1);
    case 12: // parameter problem: pointer, missing option (RFC 1108), bad length
      return icmpError(p, off, end, code > 2);
    case 9: // router advertisement (RFC 1256); code 16 = does not route common traffic (RFC 2002)
      if (code !== 0 && code !== 16) addAnomaly(p, UNKNOWN_CODE, off + 1);
      return 0;
    case 10: // router solicitation (RFC 1256)
    case 42: // extended echo request (RFC 8335)
      if (code !== 0) addAnomaly(p, UNKNOWN_CODE, off + 1);
      return 0;
    case 43: // extended echo reply: no error, malformed query, no such interface / table entry, multiple
      if (code > 4) addAnomaly(p, UNKNOWN_CODE, off + 1);
      return 0;
    default:
      addAnomaly(p, UNKNOWN_TYPE, off);
      return 0;
  }
}

/**
 * An error message quotes the offending datagram after the 8-byte header. As Suricata,
 * an undefined code skips the quote, and an empty quote is not checked.
 */
function icmpError(p: Packet, off: number, end: number, badCode: boolean): number {
  if (badCode) {
    addAnomaly(p, UNKNOWN_CODE, off + 1);
    return 0;
  }
  const inner = off + ICMP_HDR_LEN;
  const quoted = end - inner;
  if (quoted <= 0) return 0;
  if (quoted < IPV4_MIN_HDR) return invalid(p, IPV4_TRUNC_PKT, inner);
  const vihl = p.data[inner]!;
  if (vihl >> 4 !== 4) return invalid(p, IPV4_UNKNOWN_VER, inner);
  p.icmpInnerOff = inner;
  // The quote must hold the whole header it claims (options included).
  const ihl = (vihl & 15) << 2;
  if (ihl < IPV4_MIN_HDR || ihl > quoted) addAnomaly(p, TRUNC_INNER, inner);
  return 0;
}
