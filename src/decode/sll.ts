// Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL = 113),
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
//
//   0                   1                   2                   3
//  +-------------------------------+-------------------------------+
//  |        packet type            |    ARPHRD_ hardware type      |
//  +-------------------------------+-------------------------------+
//  |  link-layer address length    |                               |
//  +-------------------------------+                               |
//  |          link-layer address (8 bytes, zero padded)            |
//  +-------------------------------+-------------------------------+
//  |        protocol type          |   payload ...
//  +-------------------------------+
//
// What `tcpdump -i any` writes: the link header is replaced by this one. For almost every
// hardware type the protocol is an EtherType; values below 0x0600 are Linux ETH_P_*
// pseudo-types (0x0004 802.2 LLC, 0x0001 Novell 802.3, CAN, netlink families...), which
// carry no IP and stop quietly, like an 802.3 length field on Ethernet.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { dispatchEthertype } from './ethernet.js';
import { invalid } from './events.js';
import { u16be } from '../core/bytes.js';

const SLL_HDR_LEN = 16;
const PKT_TOO_SMALL = anomalyCode('sll.pkt_too_small');

export function decodeSll(p: Packet, off: number, end: number): number {
  if (end - off < SLL_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const type = u16be(p.data, off + 14);
  p.etherType = type;
  return dispatchEthertype(p, type, off + SLL_HDR_LEN, end, off + 14);
}
