// PPP, RFC 1661 https://www.rfc-editor.org/rfc/rfc1661 (HDLC-like framing, RFC 1662),
// as carried in GRE for PPTP (RFC 2637, GRE protocol 0x880b) and after a PPPoE header.
//
//  +----------+----------+----------------------+------------------
//  | Address  | Control  |      Protocol        |  information ...
//  |   0xff   |   0x03   |   1 or 2 bytes       |
//  +----------+----------+----------------------+------------------
//
// Address/Control may be omitted (ACFC, always absent in PPPoE), and the protocol may be
// one byte (PFC). Protocol numbers are odd in the low octet and even in the high octet,
// so a first byte with its low bit set is a whole (compressed) protocol field, and 0xff
// can never start a protocol: the forms cannot be confused.
//
// Only the network protocols vsids decodes are followed: IPv4 0x0021, IPv6 0x0057 and
// MPLS 0x0281/0x0283. Control protocols (0x8000 and up: LCP, IPCP, CHAP...) are routine
// housekeeping and stop quietly; another network protocol is ppp.unsup_proto.

import { L_IPV4, L_IPV6, L_MPLS } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { u16be } from '../core/bytes.js';

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const PPP_MPLS_UNICAST = 0x0281;
const PPP_MPLS_MULTICAST = 0x0283;
/** RFC 1661 section 2: 0x8000-0xffff are network and link control protocols. */
const PPP_FIRST_CONTROL = 0x8000;

const PKT_TOO_SMALL = anomalyCode('ppp.pkt_too_small');
const IP4_PKT_TOO_SMALL = anomalyCode('ppp.ip4_pkt_too_small');
const IP6_PKT_TOO_SMALL = anomalyCode('ppp.ip6_pkt_too_small');
const WRONG_TYPE = anomalyCode('ppp.wrong_type');
const UNSUP_PROTO = anomalyCode('ppp.unsup_proto');

export function decodePpp(p: Packet, off: number, end: number): number {
  const d = p.data;
  let pos = off;
  // HDLC all-stations address and unnumbered-information control, unless compressed away.
  if (end - pos >= 2 && d[pos] === 0xff && d[pos + 1] === 0x03) pos += 2;
  const protoOff = pos;
  if (end - pos < 1) return invalid(p, PKT_TOO_SMALL, pos);
  let proto = d[pos]!;
  if ((proto & 1) !== 0) {
    pos += 1;
  } else {
    if (end - pos < 2) return invalid(p, PKT_TOO_SMALL, pos);
    proto = u16be(d, pos);
    // A 2-byte field starts with an even octet; its low octet must be odd.
    if ((proto & 1) === 0) return invalid(p, WRONG_TYPE, pos);
    pos += 2;
  }
  return dispatchPppProtocol(p, proto, pos, end, protoOff);
}

/** Hand the information field at `pos` to the decoder for PPP protocol `proto`. */
function dispatchPppProtocol(p: Packet, proto: number, pos: number, end: number, protoOff: number): number {
  switch (proto) {
    case PPP_IPV4:
      if (end - pos < 20) return invalid(p, IP4_PKT_TOO_SMALL, pos);
      return next(p, L_IPV4, pos, end);
    case PPP_IPV6:
      if (end - pos < 40) return invalid(p, IP6_PKT_TOO_SMALL, pos);
      return next(p, L_IPV6, pos, end);
    case PPP_MPLS_UNICAST:
    case PPP_MPLS_MULTICAST:
      return next(p, L_MPLS, pos, end);
    default:
      if (proto < PPP_FIRST_CONTROL) addAnomaly(p, UNSUP_PROTO, protoOff);
      return 0;
  }
}
