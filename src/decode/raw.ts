// Raw IP link types: LINKTYPE_RAW (101) and the BSD DLT_RAW values 12 and 14,
// https://www.tcpdump.org/linktypes/LINKTYPE_RAW.html
//
//   0   1   2   3   4   5   6   7
//  +---------------+---------------+---
//  |  version (4)  |  ...          |  the IPv4 or IPv6 header itself
//  +---------------+---------------+---
//
// There is no link header: the frame is an IP packet and the version nibble says which.

import { L_IPV4, L_IPV6 } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid, next } from './events.js';

const INVALID_IP_VERSION = anomalyCode('ipraw.invalid_ip_version');
// An empty frame has no version to look at; Suricata reports it as a too-small IPv4 packet.
const PKT_TOO_SMALL = anomalyCode('ipv4.pkt_too_small');

export function decodeRaw(p: Packet, off: number, end: number): number {
  if (end - off < 1) return invalid(p, PKT_TOO_SMALL, off);
  const version = p.data[off]! >> 4;
  if (version === 4) return next(p, L_IPV4, off, end);
  if (version === 6) return next(p, L_IPV6, off, end);
  return invalid(p, INVALID_IP_VERSION, off);
}
