// Virtual eXtensible Local Area Network (VXLAN), RFC 7348 https://www.rfc-editor.org/rfc/rfc7348
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-----------------------------------------------+
//  |R|R|R|R|I|R|R|R|            Reserved                           |
//  +-+-+-+-+-+-+-+-+-------------------------------+---------------+
//  |                VXLAN Network Identifier (VNI) |   Reserved    |
//  +-----------------------------------------------+---------------+
//  |  inner Ethernet frame ...
//
// Reached by UDP destination port (4789 by default; RFC 7348 section 5: identification is
// based on destination port only). Only the I flag is checked: the reserved bits and
// bytes are not, because extensions (GBP's G/D/A bits, GPE) use them and tshark decodes
// such frames (see suricata-vxlan-non-zero-reserved-fields.pcap, flags 0xff and non-zero
// reserved bytes, decoded through to TCP). Suricata's reserved-bits check is off by default.

import { L_ETH, T_VXLAN } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid, next, pushTunnel } from './events.js';

const VXLAN_HDR_LEN = 8;
/** RFC 7348: "I flag MUST be set to 1 for a valid VXLAN Network ID". */
const FLAG_I = 0x08;

const HEADER_TOO_SMALL = anomalyCode('vxlan.header_too_small');
const FLAGS_INVALID = anomalyCode('vxlan.flags_invalid');

export function decodeVxlan(p: Packet, off: number, end: number): number {
  if (end - off < VXLAN_HDR_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  const d = p.data;
  if ((d[off]! & FLAG_I) === 0) return invalid(p, FLAGS_INVALID, off);
  const vni = (d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!;
  p.vni = vni;
  if (!pushTunnel(p, T_VXLAN, vni, off)) return 0;
  return next(p, L_ETH, off + VXLAN_HDR_LEN, end);
}
