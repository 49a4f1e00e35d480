// ARP, RFC 826 https://www.rfc-editor.org/rfc/rfc826 (opcodes 3/4: RARP, RFC 903)
//
//   0                   1                   2                   3
//  +-------------------------------+-------------------------------+
//  |   hardware type (1 = Ethernet)|   protocol type (0x0800)      |
//  +---------------+---------------+-------------------------------+
//  | hw size (6)   | proto size (4)|   opcode                      |
//  +---------------+---------------+-------------------------------+
//  |   sender MAC (6) | sender IP (4) | target MAC (6) | target IP (4)
//  +---------------------------------------------------------------+
//
// ARP is a leaf: it carries no IP header, so no IP fields are set. Only a well-formed
// Ethernet/IPv4 ARP sets p.arpOff, so ARP detectors can read the 28 bytes there blindly.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid } from './events.js';
import { u16be } from '../core/bytes.js';

/** Fixed part: hardware type, protocol type, the two sizes and the opcode. */
const ARP_FIXED_LEN = 8;
/** Fixed part plus two MAC and two IPv4 addresses. */
const ARP_ETH_IPV4_LEN = 28;
const HW_ETHERNET = 1;
const PROTO_IPV4 = 0x0800;

const PKT_TOO_SMALL = anomalyCode('arp.pkt_too_small');
const UNSUPPORTED_HARDWARE = anomalyCode('arp.unsupported_hardware');
const UNSUPPORTED_PROTOCOL = anomalyCode('arp.unsupported_protocol');
const INVALID_PKT = anomalyCode('arp.invalid_pkt');
const INVALID_HARDWARE_SIZE = anomalyCode('arp.invalid_hardware_size');
const INVALID_PROTOCOL_SIZE = anomalyCode('arp.invalid_protocol_size');
const UNSUPPORTED_OPCODE = anomalyCode('arp.unsupported_opcode');

export function decodeArp(p: Packet, off: number, end: number): number {
  const d = p.data;
  if (end - off < ARP_FIXED_LEN) return invalid(p, PKT_TOO_SMALL, off);
  // Same order of checks as Suricata's decoder, so the same frame raises the same event.
  if (u16be(d, off) !== HW_ETHERNET) return invalid(p, UNSUPPORTED_HARDWARE, off);
  if (u16be(d, off + 2) !== PROTO_IPV4) return invalid(p, UNSUPPORTED_PROTOCOL, off + 2);
  if (end - off < ARP_ETH_IPV4_LEN) return invalid(p, INVALID_PKT, off);
  if (d[off + 4] !== 6) return invalid(p, INVALID_HARDWARE_SIZE, off + 4);
  if (d[off + 5] !== 4) return invalid(p, INVALID_PROTOCOL_SIZE, off + 5);
  const op = u16be(d, off + 6);
  // 1 request, 2 reply, 3/4 RARP request/reply; anything else is not ARP as deployed.
  if (op < 1 || op > 4) return invalid(p, UNSUPPORTED_OPCODE, off + 6);
  p.arpOff = off;
  p.arpOp = op;
  return 0;
}
