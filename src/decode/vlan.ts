// IEEE 802.1Q VLAN tag (0x8100), 802.1ad S-tag (0x88a8) and pre-standard QinQ (0x9100),
// https://standards.ieee.org/ieee/802.1Q/
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-----+-+-----------------------+-------------------------------+
//  | PCP |D|     VLAN id (12)      |   inner EtherType (2)         |
//  +-----+-+-----------------------+-------------------------------+
//
// The TPID (0x8100 ...) is the EtherType of the header before, so a tag is 4 bytes here.
// Every tag is one layer: QinQ is vlan/vlan, and the inner EtherType may name another tag.

import { MAX_VLANS, type Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { dispatchEthertype } from './ethernet.js';
import { invalid } from './events.js';
import { u16be } from '../core/bytes.js';

const VLAN_HDR_LEN = 4;
const HEADER_TOO_SMALL = anomalyCode('vlan.header_too_small');
const TOO_MANY_LAYERS = anomalyCode('vlan.too_many_layers');

export function decodeVlan(p: Packet, off: number, end: number): number {
  if (end - off < VLAN_HDR_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  // The tag list is a fixed array; a frame stacking more tags than it holds is crafted.
  const n = p.vlanCount;
  if (n >= MAX_VLANS) return invalid(p, TOO_MANY_LAYERS, off);
  // 802.1Q: the low 12 bits of the TCI are the VLAN id (PCP and DEI are not kept).
  p.vlanIds[n] = u16be(p.data, off) & 0x0fff;
  p.vlanCount = n + 1;
  p.vlanRun++;
  const type = u16be(p.data, off + 2);
  p.etherType = type;
  return dispatchEthertype(p, type, off + VLAN_HDR_LEN, end, off + 2);
}
