// Cisco HDLC (LINKTYPE_C_HDLC = 104), https://www.tcpdump.org/linktypes/LINKTYPE_C_HDLC.html
// (framing as in ISO 13239 HDLC; Cisco's protocol field is an EtherType).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+-------------------------------+
//  |    Address    |    Control    |           Protocol            |
//  +---------------+---------------+-------------------------------+
//  |  payload ...
//
// Address is 0x0F (unicast) or 0x8F (broadcast), control 0x00; neither is checked, as in
// Suricata's decode-chdlc.c and tshark: the link type already says what the frame is.
// The protocol is dispatched as an EtherType (0x0800 IPv4, 0x86DD IPv6, 0x8847 MPLS...).
// Cisco's own control protocols on the link, SLARP keepalives (0x8035) and CDP (0x2000),
// carry no IP and stop quietly: every serial link sends them every few seconds, so an
// anomaly for each would be noise (Suricata raises ethernet.unknown_ethertype for them).
// Any other protocol is recorded as ethernet.unknown_ethertype, Suricata's event for it.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { ETHERTYPE_LAYER } from './registry.js';
import { u16be } from '../core/bytes.js';

const CHDLC_HDR_LEN = 4;
/** Serial Line ARP: Cisco keepalives and address requests. */
const PROTO_SLARP = 0x8035;
/** Cisco Discovery Protocol, carried directly on HDLC (on Ethernet it is SNAP). */
const PROTO_CDP = 0x2000;

const PKT_TOO_SMALL = anomalyCode('chdlc.pkt_too_small');
const UNKNOWN_ETHERTYPE = anomalyCode('ethernet.unknown_ethertype');

export function decodeChdlc(p: Packet, off: number, end: number): number {
  if (end - off < CHDLC_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const proto = u16be(p.data, off + 2);
  p.etherType = proto;
  const layer = ETHERTYPE_LAYER[proto]!;
  if (layer !== 0) return next(p, layer, off + CHDLC_HDR_LEN, end);
  if (proto !== PROTO_SLARP && proto !== PROTO_CDP) addAnomaly(p, UNKNOWN_ETHERTYPE, off + 2);
  return 0;
}
