// Ethernet II (IEEE 802.3 with an EtherType), https://standards.ieee.org/ieee/802.3/
//
//   0                   1                   2                   3
//  +-------------------------------+-------------------------------+
//  |            destination MAC (6 bytes)                          |
//  +-------------------------------+-------------------------------+
//  |            source MAC (6 bytes)                               |
//  +-------------------------------+-------------------------------+
//  |   EtherType / length (2)      |  payload ...
//  +-------------------------------+
//
// An EtherType below 0x0600 is an 802.3 length followed by LLC: not IP, so the frame
// stops here (no anomaly: STP, CDP and friends are legal on a mirror port).

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { ETHERTYPE_LAYER } from './registry.js';
import { u16be } from '../core/bytes.js';

const ETH_HDR_LEN = 14;
const PKT_TOO_SMALL = anomalyCode('ethernet.pkt_too_small');
const UNKNOWN_ETHERTYPE = anomalyCode('ethernet.unknown_ethertype');

export function decodeEthernet(p: Packet, off: number, end: number): number {
  if (end - off < ETH_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  if (p.ethOff < 0) p.ethOff = off;
  p.innerEthOff = off;
  p.vlanRun = 0;
  const type = u16be(p.data, off + 12);
  p.etherType = type;
  return dispatchEthertype(p, type, off + ETH_HDR_LEN, end, off + 12);
}

/**
 * Shared by Ethernet, VLAN and the link types that carry an EtherType (SLL, SLL2):
 * look up the next layer, or record an unknown EtherType. 802.3 length fields end quietly.
 */
export function dispatchEthertype(p: Packet, type: number, off: number, end: number, typeOff: number): number {
  const layer = ETHERTYPE_LAYER[type]!;
  if (layer !== 0) return next(p, layer, off, end);
  if (type >= 0x0600) addAnomaly(p, UNKNOWN_ETHERTYPE, typeOff);
  return 0;
}
