// User Datagram Protocol (UDP), RFC 768 https://www.rfc-editor.org/rfc/rfc768
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------------------------------+-------------------------------+
//  |          Source Port          |       Destination Port        |
//  +-------------------------------+-------------------------------+
//  |            Length             |           Checksum            |
//  +-------------------------------+-------------------------------+
//  |  payload ...
//
// Anomaly names follow Suricata's decode-udp.c triggers: fewer than 8 bytes is
// udp.hlen_too_small, a length field larger than the datagram is udp.pkt_too_small, a length
// field below 8 is udp.len_invalid. A length field smaller than the datagram (bytes hidden
// after the UDP payload) is udp.hlen_invalid, recorded without stopping.
//
// UDP tunnels (VXLAN, Geneve) are found by destination port only (RFC 7348 section 5:
// "VXLAN identification is based on destination port"), through UDP_PORT_LAYER.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { UDP_PORT_LAYER } from './registry.js';
import { u16be } from '../core/bytes.js';

const UDP_HDR_LEN = 8;

const HLEN_TOO_SMALL = anomalyCode('udp.hlen_too_small');
const PKT_TOO_SMALL = anomalyCode('udp.pkt_too_small');
const LEN_INVALID = anomalyCode('udp.len_invalid');
const HLEN_INVALID = anomalyCode('udp.hlen_invalid');

export function decodeUdp(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  // Ports first: a header cut by the snap length still shows them (as tshark does).
  if (avail >= 4) {
    p.srcPort = u16be(d, off);
    p.dstPort = u16be(d, off + 2);
  }
  if (avail < UDP_HDR_LEN) return invalid(p, HLEN_TOO_SMALL, off);

  const ulen = u16be(d, off + 4);
  p.udpLen = ulen;
  p.l4Off = off;
  p.l4HdrLen = UDP_HDR_LEN;

  let payloadLen: number;
  if (ulen >= UDP_HDR_LEN && ulen <= avail) {
    if (ulen < avail) addAnomaly(p, HLEN_INVALID, off + 4);
    payloadLen = ulen - UDP_HDR_LEN;
  } else if (ulen === 0 && avail > 0xffff) {
    // RFC 2675 jumbogram / GSO super-packet: the 16-bit field cannot hold the length.
    payloadLen = avail - UDP_HDR_LEN;
  } else if (ulen < UDP_HDR_LEN) {
    return invalid(p, LEN_INVALID, off + 4);
  } else if (p.isFragment || cutBySnaplen(p, end)) {
    // A first fragment holds only the start of the datagram, and a snap length that cut
    // the frame is no fault of the sender: keep what is there, tunnels included.
    payloadLen = avail - UDP_HDR_LEN;
  } else {
    return invalid(p, PKT_TOO_SMALL, off + 4);
  }

  p.payloadOff = off + UDP_HDR_LEN;
  p.payloadLen = payloadLen;
  // A fragment's payload is not a datagram: tunnels are decoded after reassembly, as
  // Suricata does and tshark shows with defragmentation off.
  if (p.isFragment) return 0;
  const layer = UDP_PORT_LAYER[p.dstPort]!;
  if (layer !== 0) return next(p, layer, off + UDP_HDR_LEN, off + UDP_HDR_LEN + payloadLen);
  return 0;
}

/** True when [.., end) reaches the end of a frame that the capture cut short (caplen < len). */
function cutBySnaplen(p: Packet, end: number): boolean {
  return p.caplen < p.len && end >= p.start + p.caplen;
}
