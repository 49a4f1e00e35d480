// Encapsulated Remote SPAN (ERSPAN), draft-foschiano-erspan
// https://datatracker.ietf.org/doc/html/draft-foschiano-erspan-03 , carried in GRE.
//
// Type I (GRE 0x88BE, GRE header without sequence number): no ERSPAN header at all, the
// GRE payload is the mirrored Ethernet frame.
//
// Type II (GRE 0x88BE with a sequence number), 8 bytes:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------+-----------------------+-----+---+-+-------------------+
//  |  Ver  |          VLAN         | COS | En|T|    Session ID     |
//  +-------+-----------------------+-----+---+-+-------------------+
//  |      Reserved         |                  Index                |
//  +-----------------------+---------------------------------------+
//
// Type III (GRE 0x22EB), 12 bytes, then an 8-byte platform specific sub-header if O=1:
//  +-------+-----------------------+-----+---+-+-------------------+
//  |  Ver  |          VLAN         | COS |BSO|T|    Session ID     |
//  +-------+-----------------------+-----+---+-+-------------------+
//  |                          Timestamp                            |
//  +-------------------------------+-+---------+-----------+-+---+-+
//  |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|
//  +-------------------------------+-+---------+-----------+-+---+-+
//
// Type I or II is told from the GRE header as tshark and Suricata do: a GRE sequence
// number (S bit, p.greSeq >= 0) means type II. p.erspanVersion is tshark's erspan.version:
// 0 type I, 1 type II, 2 type III. The ERSPAN VLAN is kept apart (p.erspanVlan): it is the
// mirrored port's VLAN, not a tag on the frame, so it is not added to p.vlanIds.

import { L_ETH, T_ERSPAN1, T_ERSPAN2, T_ERSPAN3 } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next, pushTunnel } from './events.js';
import { u16be } from '../core/bytes.js';

const ERSPAN2_HDR_LEN = 8;
const ERSPAN3_HDR_LEN = 12;
const ERSPAN3_SUBHDR_LEN = 8;
/** Header version field values for type II and III. */
const VER_TYPE2 = 1;
const VER_TYPE3 = 2;
/** Type III frame type 0: Ethernet. (2 is IP; others are reserved.) */
const FT_ETHERNET = 0;

const HEADER_TOO_SMALL = anomalyCode('erspan.header_too_small');
const UNSUPPORTED_VERSION = anomalyCode('erspan.unsupported_version');
const UNSUPPORTED_FRAME_TYPE = anomalyCode('erspan.unsupported_frame_type');

/** ERSPAN type I and II (GRE protocol 0x88BE). */
export function decodeErspan(p: Packet, off: number, end: number): number {
  if (p.greSeq < 0) {
    p.erspanVersion = 0;
    p.erspanSession = -1;
    p.erspanVlan = -1;
    p.erspanDirection = -1;
    p.erspanHwId = -1;
    if (!pushTunnel(p, T_ERSPAN1, -1, off)) return 0;
    return next(p, L_ETH, off, end);
  }
  if (end - off < ERSPAN2_HDR_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  const d = p.data;
  const w0 = u16be(d, off);
  if (w0 >> 12 !== VER_TYPE2) return invalid(p, UNSUPPORTED_VERSION, off);
  const session = u16be(d, off + 2) & 0x3ff;
  p.erspanVersion = 1;
  p.erspanVlan = w0 & 0xfff;
  p.erspanSession = session;
  p.erspanDirection = -1;
  p.erspanHwId = -1;
  if (!pushTunnel(p, T_ERSPAN2, session, off)) return 0;
  return next(p, L_ETH, off + ERSPAN2_HDR_LEN, end);
}

/** ERSPAN type III (GRE protocol 0x22EB). */
export function decodeErspan3(p: Packet, off: number, end: number): number {
  if (end - off < ERSPAN3_HDR_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  const d = p.data;
  const w0 = u16be(d, off);
  if (w0 >> 12 !== VER_TYPE3) return invalid(p, UNSUPPORTED_VERSION, off);
  const session = u16be(d, off + 2) & 0x3ff;
  const w5 = u16be(d, off + 10);
  // O: an 8-byte platform specific sub-header follows the fixed part.
  const hdrLen = w5 & 1 ? ERSPAN3_HDR_LEN + ERSPAN3_SUBHDR_LEN : ERSPAN3_HDR_LEN;
  if (hdrLen > end - off) return invalid(p, HEADER_TOO_SMALL, off + ERSPAN3_HDR_LEN);
  p.erspanVersion = 2;
  p.erspanVlan = w0 & 0xfff;
  p.erspanSession = session;
  p.erspanHwId = (w5 >> 4) & 0x3f;
  p.erspanDirection = (w5 >> 3) & 1; // D: 0 ingress, 1 egress
  // FT: only Ethernet frames are decoded; an IP frame (FT=2) has no link header to start from.
  if (((w5 >> 10) & 0x1f) !== FT_ETHERNET) {
    addAnomaly(p, UNSUPPORTED_FRAME_TYPE, off + 10);
    return 0;
  }
  if (!pushTunnel(p, T_ERSPAN3, session, off)) return 0;
  return next(p, L_ETH, off + hdrLen, end);
}
