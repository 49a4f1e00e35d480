// Generic Network Virtualization Encapsulation (Geneve), RFC 8926
// https://www.rfc-editor.org/rfc/rfc8926
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---+-----------+-+-+-----------+-------------------------------+
//  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
//  +---+-----------+-+-+-----------+---------------+---------------+
//  |        Virtual Network Identifier (VNI)       |    Reserved   |
//  +-----------------------------------------------+---------------+
//  |  Variable-Length Options (Opt Len x 4 bytes)                  |
//  +---------------------------------------------------------------+
//
// Each option (section 3.5):
//  +-------------------------------+---------------+-----+---------+
//  |          Option Class         |      Type     |R|R|R| Length  |
//  +-------------------------------+---------------+-----+---------+
//  |  Variable-Length Option Data (Length x 4 bytes)               |
//
// Reached by UDP destination port (6081 by default). Options are skipped by length; the
// walk only checks that they tile the option area exactly.

import { L_ETH, T_GENEVE } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid, next, pushTunnel } from './events.js';
import { ETHERTYPE_LAYER } from './registry.js';
import { u16be } from '../core/bytes.js';

const GENEVE_HDR_LEN = 8;
const OPT_HDR_LEN = 4;
/** Protocol type for an Ethernet payload ("Transparent Ethernet Bridging"), section 3.4. */
const PROTO_ETH_BRIDGING = 0x6558;

const HEADER_TOO_SMALL = anomalyCode('geneve.header_too_small');
const UNSUPPORTED_VERSION = anomalyCode('geneve.unsupported_version');
const OPT_LEN_INVALID = anomalyCode('geneve.opt_len_invalid');
const UNKNOWN_PAYLOAD_TYPE = anomalyCode('geneve.unknown_payload_type');

export function decodeGeneve(p: Packet, off: number, end: number): number {
  if (end - off < GENEVE_HDR_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  const d = p.data;
  const b0 = d[off]!;
  // Section 3.4: version 0 is the only one; a receiver MUST drop others.
  if (b0 >> 6 !== 0) return invalid(p, UNSUPPORTED_VERSION, off);
  const hdrLen = GENEVE_HDR_LEN + ((b0 & 0x3f) << 2);
  if (hdrLen > end - off) return invalid(p, OPT_LEN_INVALID, off);
  if (!optionsTile(p, off + GENEVE_HDR_LEN, off + hdrLen)) return invalid(p, OPT_LEN_INVALID, off);

  const proto = u16be(d, off + 2);
  // Ethernet (0x6558) is not an EtherType of its own; everything else is (IPv4, IPv6, ...).
  const layer = proto === PROTO_ETH_BRIDGING ? L_ETH : ETHERTYPE_LAYER[proto]!;
  if (layer === 0) return invalid(p, UNKNOWN_PAYLOAD_TYPE, off + 2);

  const vni = (d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!;
  p.vni = vni;
  if (!pushTunnel(p, T_GENEVE, vni, off)) return 0;
  return next(p, layer, off + hdrLen, end);
}

/** True when the options exactly fill [i, oend): each option's length stays inside. */
function optionsTile(p: Packet, i: number, oend: number): boolean {
  const d = p.data;
  while (i < oend) {
    if (oend - i < OPT_HDR_LEN) return false;
    i += OPT_HDR_LEN + ((d[i + 3]! & 0x1f) << 2);
  }
  return i === oend;
}
