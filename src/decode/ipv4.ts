// IPv4, RFC 791 https://www.rfc-editor.org/rfc/rfc791
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------+-------+---------------+-------------------------------+
//  |Version|  IHL  |      TOS      |          Total Length         |
//  +-------+-------+---------------+-----+-------------------------+
//  |         Identification        |R|D|M|    Fragment Offset      |
//  +---------------+---------------+-----+-------------------------+
//  |      TTL      |   Protocol    |        Header Checksum        |
//  +---------------+---------------+-------------------------------+
//  |                        Source Address                         |
//  +---------------------------------------------------------------+
//  |                     Destination Address                       |
//  +---------------------------------------------------------------+
//  |                 Options (IHL > 5) ...         |   Padding     |
//  +---------------------------------------------------------------+
//
// Lengths: IHL counts 32-bit words of header, Total Length counts header + payload bytes.
// A frame cut by the capture snaplen (caplen < len) is normal and not an error: the
// datagram is clipped to what was captured. Only a Total Length longer than the frame
// was on the wire is a lie (ipv4.trunc_pkt).

import { T_IPIP, T_MPLS } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next, pushTunnel } from './events.js';
import { IPPROTO_LAYER } from './registry.js';
import { u16be } from '../core/bytes.js';

// Bits of p.ipOpts: which options the header carried.
export const IPOPT_EOL = 1 << 0;
export const IPOPT_NOP = 1 << 1;
export const IPOPT_RR = 1 << 2;
export const IPOPT_TS = 1 << 3;
export const IPOPT_SEC = 1 << 4;
export const IPOPT_LSRR = 1 << 5;
export const IPOPT_SSRR = 1 << 6;
export const IPOPT_SID = 1 << 7;
export const IPOPT_RTRALT = 1 << 8;
export const IPOPT_QS = 1 << 9;
export const IPOPT_CIPSO = 1 << 10;
export const IPOPT_ESEC = 1 << 11;
/** An option type vsids does not know (ipv4.opt_invalid was raised). */
export const IPOPT_OTHER = 1 << 15;

// Option type octets (copy flag, class and number together), IANA "IP Option Numbers".
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_RR = 7;
const OPT_QS = 25;
const OPT_TS = 68;
const OPT_SEC = 130;
const OPT_LSRR = 131;
const OPT_ESEC = 133;
const OPT_CIPSO = 134;
const OPT_SID = 136;
const OPT_SSRR = 137;
const OPT_RTRALT = 148;

const IPV4_MIN_HDR_LEN = 20;
const IPPROTO_IPIP = 4;
const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_MPLS = 137;

const PKT_TOO_SMALL = anomalyCode('ipv4.pkt_too_small');
const WRONG_IP_VERSION = anomalyCode('ipv4.wrong_ip_version');
const HLEN_TOO_SMALL = anomalyCode('ipv4.hlen_too_small');
const IPLEN_SMALLER_THAN_HLEN = anomalyCode('ipv4.iplen_smaller_than_hlen');
const TRUNC_PKT = anomalyCode('ipv4.trunc_pkt');
const WITH_ICMPV6 = anomalyCode('ipv4.icmpv6');
const OPT_INVALID = anomalyCode('ipv4.opt_invalid');
const OPT_INVALID_LEN = anomalyCode('ipv4.opt_invalid_len');
const OPT_MALFORMED = anomalyCode('ipv4.opt_malformed');
const OPT_EOL_REQUIRED = anomalyCode('ipv4.opt_eol_required');
const OPT_DUPLICATE = anomalyCode('ipv4.opt_duplicate');

export function decodeIpv4(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  if (avail < IPV4_MIN_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const b0 = d[off]!;
  if (b0 >> 4 !== 4) return invalid(p, WRONG_IP_VERSION, off);
  const hlen = (b0 & 0x0f) << 2;
  if (hlen < IPV4_MIN_HDR_LEN) return invalid(p, HLEN_TOO_SMALL, off);

  // Bytes this datagram could have had on the wire: when our bytes run to the end of a
  // frame the capture cut short, the missing tail existed and is not the sender's fault.
  const wire = avail + wireMissing(p, end);
  let totLen = u16be(d, off + 2);
  // Linux TSO/GSO and BIG TCP hand super-packets to the capture with Total Length 0:
  // the length is then the frame's (Wireshark decodes them the same way).
  if (totLen === 0) totLen = wire;
  else if (totLen < hlen) return invalid(p, IPLEN_SMALLER_THAN_HLEN, off + 2);
  // A length beyond the frame is recorded, and the datagram decoded as far as it goes.
  if (totLen > wire) addAnomaly(p, TRUNC_PKT, off + 2);
  const dgEnd = totLen < avail ? off + totLen : end;

  p.resetTransport();
  p.ipVersion = 4;
  p.l3Off = off;
  p.l3HdrLen = hlen;
  p.l3End = dgEnd;
  p.srcAddrOff = off + 12;
  p.dstAddrOff = off + 16;
  p.tos = d[off + 1]!;
  p.ipId = u16be(d, off + 4);
  const frag = u16be(d, off + 6);
  p.fragDontFrag = (frag & 0x4000) !== 0;
  p.fragMore = (frag & 0x2000) !== 0;
  p.fragOffset = (frag & 0x1fff) << 3;
  p.isFragment = p.fragMore || p.fragOffset > 0;
  p.ttl = d[off + 8]!;
  const proto = d[off + 9]!;
  p.ipProto = proto;
  p.ipOpts = 0;
  p.ipCsumStatus = 0;

  // Options not captured: the addresses are known, the transport header is not.
  if (hlen > dgEnd - off) return 0;
  p.ipCsumStatus = headerChecksumOk(p, off, hlen) ? 1 : 2;
  if (hlen > IPV4_MIN_HDR_LEN) walkOptions(p, off + IPV4_MIN_HDR_LEN, off + hlen);

  // Only the first fragment carries the transport header.
  if (p.fragOffset > 0) return 0;
  if (proto === IPPROTO_ICMPV6) addAnomaly(p, WITH_ICMPV6, off + 9);
  const layer = IPPROTO_LAYER[proto]!;
  if (layer === 0) return 0;
  const l4 = off + hlen;
  // IP-in-IP (RFC 2003), IPv6-in-IPv4 (RFC 4213), MPLS-in-IP (RFC 4023): save the outer
  // header as a tunnel before the inner decoder overwrites the IP fields.
  if (proto === IPPROTO_IPIP || proto === IPPROTO_IPV6) {
    if (!pushTunnel(p, T_IPIP, -1, off)) return 0;
  } else if (proto === IPPROTO_MPLS) {
    if (!pushTunnel(p, T_MPLS, -1, off)) return 0;
  }
  return next(p, layer, l4, dgEnd);
}

/** Bytes of the frame the capture did not keep, if [.., end) reaches the captured end. */
function wireMissing(p: Packet, end: number): number {
  return end >= p.start + p.caplen && p.len > p.caplen ? p.len - p.caplen : 0;
}

/**
 * RFC 1071 one's complement sum over the header. A bad sum is not an anomaly: mirror
 * ports and local captures see checksums the NIC has not filled in yet (offload).
 */
function headerChecksumOk(p: Packet, off: number, hlen: number): boolean {
  const d = p.data;
  let sum = 0;
  let i = 0;
  if (hlen >= 20) {
    // The fixed header (nearly every packet) without a loop: ten 16-bit words.
    sum =
      ((d[off]! << 8) | d[off + 1]!) +
      ((d[off + 2]! << 8) | d[off + 3]!) +
      ((d[off + 4]! << 8) | d[off + 5]!) +
      ((d[off + 6]! << 8) | d[off + 7]!) +
      ((d[off + 8]! << 8) | d[off + 9]!) +
      ((d[off + 10]! << 8) | d[off + 11]!) +
      ((d[off + 12]! << 8) | d[off + 13]!) +
      ((d[off + 14]! << 8) | d[off + 15]!) +
      ((d[off + 16]! << 8) | d[off + 17]!) +
      ((d[off + 18]! << 8) | d[off + 19]!);
    i = 20;
  }
  for (; i < hlen; i += 2) sum += (d[off + i]! << 8) | d[off + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/** Bit for a known option type, 0 for one vsids does not know. */
function optionBit(type: number): number {
  switch (type) {
    case OPT_RR:
      return IPOPT_RR;
    case OPT_TS:
      return IPOPT_TS;
    case OPT_SEC:
      return IPOPT_SEC;
    case OPT_LSRR:
      return IPOPT_LSRR;
    case OPT_SSRR:
      return IPOPT_SSRR;
    case OPT_SID:
      return IPOPT_SID;
    case OPT_RTRALT:
      return IPOPT_RTRALT;
    case OPT_QS:
      return IPOPT_QS;
    case OPT_CIPSO:
      return IPOPT_CIPSO;
    case OPT_ESEC:
      return IPOPT_ESEC;
    default:
      return 0;
  }
}

/**
 * Walk the options in [pos, stop) (all inside the captured header). Option problems are
 * recorded but do not stop the packet: the addresses and transport are still sound, and
 * tshark decodes past them too. A bad length ends the walk (the next option is unknowable).
 */
function walkOptions(p: Packet, pos: number, stop: number): void {
  const d = p.data;
  let seen = 0;
  while (pos < stop) {
    const type = d[pos]!;
    // EOL ends the list; the rest of the header is padding.
    if (type === OPT_EOL) {
      seen |= IPOPT_EOL;
      break;
    }
    if (type === OPT_NOP) {
      seen |= IPOPT_NOP;
      pos++;
      continue;
    }
    // A multi-byte option needs its length octet; a lone trailing byte should have been EOL.
    if (stop - pos < 2) {
      addAnomaly(p, OPT_EOL_REQUIRED, pos);
      break;
    }
    const len = d[pos + 1]!;
    // The length counts type and length octets, so below 2 the walk would never advance.
    if (len < 2 || len > stop - pos) {
      addAnomaly(p, OPT_INVALID_LEN, pos + 1);
      break;
    }
    const bit = optionBit(type);
    if (bit === 0) {
      addAnomaly(p, OPT_INVALID, pos);
      seen |= IPOPT_OTHER;
    } else if ((seen & bit) !== 0) {
      // RFC 791 allows each option once per datagram.
      addAnomaly(p, OPT_DUPLICATE, pos);
    } else {
      const bad = checkOption(p, type, pos, len);
      if (bad !== 0) {
        addAnomaly(p, bad, pos);
        break;
      }
      seen |= bit;
    }
    pos += len;
  }
  p.ipOpts = seen;
}

/** Validate one known option's length and pointer; 0 when fine, else the anomaly code. */
function checkOption(p: Packet, type: number, pos: number, len: number): number {
  switch (type) {
    case OPT_RR:
    case OPT_LSRR:
    case OPT_SSRR:
      return checkRoute(p, pos, len);
    case OPT_TS:
      return checkTimestamp(p, pos, len);
    case OPT_SEC:
    case OPT_ESEC:
      // RFC 1108: type, length, then at least a classification octet.
      return len < 3 ? OPT_INVALID_LEN : 0;
    case OPT_SID:
    case OPT_RTRALT:
      // RFC 791 stream id, RFC 2113 router alert: exactly 4 octets.
      return len !== 4 ? OPT_INVALID_LEN : 0;
    case OPT_QS:
      // RFC 4782 quick-start: 8 octets.
      return len < 8 ? OPT_INVALID_LEN : 0;
    case OPT_CIPSO:
      // CIPSO: type, length, 4-octet DOI, then tags.
      return len < 6 ? OPT_INVALID_LEN : 0;
    default:
      return 0;
  }
}

/**
 * RR/LSRR/SSRR: type, length, pointer, addresses. The pointer is 1-based from the option
 * start, points at an address slot (4, 8, ...) and may be one past the end when full.
 */
function checkRoute(p: Packet, pos: number, len: number): number {
  if (len < 3) return OPT_INVALID_LEN;
  const ptr = p.data[pos + 2]!;
  if (ptr < 4 || (ptr & 3) !== 0 || ptr > len + 1) return OPT_MALFORMED;
  return 0;
}

/**
 * TS (RFC 791): type, length, pointer, overflow/flag, records of 4 bytes (timestamps) or
 * 8 bytes (address + timestamp, flags 1 and 3). The pointer starts at 5.
 */
function checkTimestamp(p: Packet, pos: number, len: number): number {
  if (len < 5) return OPT_INVALID_LEN;
  const ptr = p.data[pos + 2]!;
  if (ptr < 5) return OPT_MALFORMED;
  const flag = p.data[pos + 3]! & 0x0f;
  const rec = flag === 1 || flag === 3 ? 8 : 4;
  if ((ptr - 5) % rec !== 0 || ptr > len + 1) return OPT_MALFORMED;
  return 0;
}
