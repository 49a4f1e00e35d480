// Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2 = 276),
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
//
//   0                   1                   2                   3
//  +-------------------------------+-------------------------------+
//  |        protocol type          |          reserved             |
//  +-------------------------------+-------------------------------+
//  |                      interface index                          |
//  +-------------------------------+---------------+---------------+
//  |    ARPHRD_ hardware type      |  packet type  | addr length   |
//  +-------------------------------+---------------+---------------+
//  |          link-layer address (8 bytes, zero padded)            |
//  +---------------------------------------------------------------+
//
// As SLL v1 but the protocol comes first and the interface index is recorded. The
// protocol is an EtherType, or a Linux ETH_P_* pseudo-type below 0x0600 that stops quietly.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { dispatchEthertype } from './ethernet.js';
import { invalid } from './events.js';
import { u16be } from '../core/bytes.js';

const SLL2_HDR_LEN = 20;
const PKT_TOO_SMALL = anomalyCode('sll2.pkt_too_small');

export function decodeSll2(p: Packet, off: number, end: number): number {
  if (end - off < SLL2_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const type = u16be(p.data, off);
  p.etherType = type;
  return dispatchEthertype(p, type, off + SLL2_HDR_LEN, end, off);
}
