// BSD loopback encapsulation: LINKTYPE_NULL (0) and LINKTYPE_LOOP (108),
// https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
//
//   0                   1                   2                   3
//  +---------------------------------------------------------------+
//  |           address family (AF_ value of the capturing OS)      |
//  +---------------------------------------------------------------+
//  |   IPv4 or IPv6 packet ...
//
// LINKTYPE_NULL stores the family in the byte order of the machine that captured, which
// the file does not say; LINKTYPE_LOOP (OpenBSD) always uses network order. Every family
// value fits in the low 16 bits, so for NULL a value with zero high bytes in big-endian
// order was written big-endian, and anything else is read little-endian.
// AF_INET is 2 everywhere; AF_INET6 differs by OS, so all its values are accepted.

import { L_IPV4, L_IPV6 } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid, next } from './events.js';
import { u32be } from '../core/bytes.js';

const NULL_HDR_LEN = 4;
const LINKTYPE_LOOP = 108;
const AF_INET = 2;
const AF_INET6_LINUX = 10;
const AF_INET6_WINSOCK = 23;
const AF_INET6_BSD = 24; // NetBSD, OpenBSD, BSD/OS
const AF_INET6_SOLARIS = 26;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

const PKT_TOO_SMALL = anomalyCode('ltnull.pkt_too_small');
const UNSUPPORTED_TYPE = anomalyCode('ltnull.unsupported_type');

export function decodeNull(p: Packet, off: number, end: number): number {
  if (end - off < NULL_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const d = p.data;
  let family: number;
  if (p.linkType === LINKTYPE_LOOP || (d[off] === 0 && d[off + 1] === 0)) {
    family = u32be(d, off);
  } else {
    family = (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
  }
  switch (family) {
    case AF_INET:
      return next(p, L_IPV4, off + NULL_HDR_LEN, end);
    case AF_INET6_LINUX:
    case AF_INET6_WINSOCK:
    case AF_INET6_BSD:
    case AF_INET6_SOLARIS:
    case AF_INET6_FREEBSD:
    case AF_INET6_DARWIN:
      return next(p, L_IPV6, off + NULL_HDR_LEN, end);
    default:
      return invalid(p, UNSUPPORTED_TYPE, off);
  }
}
