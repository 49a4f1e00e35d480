// PPP over Ethernet, RFC 2516 https://www.rfc-editor.org/rfc/rfc2516
// EtherType 0x8863 = discovery stage, 0x8864 = session stage.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------+-------+---------------+-------------------------------+
//  |  VER  | TYPE  |     CODE      |          SESSION_ID           |
//  +-------+-------+---------------+-------------------------------+
//  |            LENGTH             |           payload ...         |
//  +-------------------------------+-------------------------------+
//
// VER and TYPE are both 1. Session packets have CODE 0 and a PPP frame as payload (the
// 2-byte PPP protocol field, no address/control); LENGTH counts the payload only, so
// Ethernet padding after it is not PPP. Discovery packets (PADI 0x09, PADO 0x07,
// PADR 0x19, PADS 0x65, PADT 0xa7) carry tags and nothing to decode further:
//
//  +-------------------------------+-------------------------------+
//  |          TAG_TYPE             |         TAG_LENGTH            |   then TAG_LENGTH bytes
//  +-------------------------------+-------------------------------+

import { L_PPP } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { u16be } from '../core/bytes.js';

const PPPOE_HDR_LEN = 6;
const PPP_PROTO_LEN = 2;
const VER_TYPE = 0x11;

const PKT_TOO_SMALL = anomalyCode('pppoe.pkt_too_small');
const WRONG_CODE = anomalyCode('pppoe.wrong_code');
const MALFORMED_TAGS = anomalyCode('pppoe.malformed_tags');
const UNSUPPORTED_VERSION = anomalyCode('pppoe.unsupported_version');

/** Session stage (0x8864): header, then the PPP frame handed to the PPP decoder. */
export function decodePppoeSession(p: Packet, off: number, end: number): number {
  const d = p.data;
  if (end - off < PPPOE_HDR_LEN + PPP_PROTO_LEN) return invalid(p, PKT_TOO_SMALL, off);
  if (d[off] !== VER_TYPE) return invalid(p, UNSUPPORTED_VERSION, off);
  if (d[off + 1] !== 0) return invalid(p, WRONG_CODE, off + 1);
  p.pppoeSession = u16be(d, off + 2);
  const len = u16be(d, off + 4);
  // The PPP protocol field is part of the payload, so a shorter payload has no protocol.
  if (len < PPP_PROTO_LEN) return invalid(p, PKT_TOO_SMALL, off + 4);
  const payload = off + PPPOE_HDR_LEN;
  // Clip to LENGTH (drops Ethernet padding); a LENGTH past the frame decodes what is there.
  const stop = len < end - payload ? payload + len : end;
  return next(p, L_PPP, payload, stop);
}

/** Discovery stage (0x8863): validate the header and walk the tags. A leaf. */
export function decodePppoeDiscovery(p: Packet, off: number, end: number): number {
  const d = p.data;
  if (end - off < PPPOE_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  if (d[off] !== VER_TYPE) return invalid(p, UNSUPPORTED_VERSION, off);
  if (!isDiscoveryCode(d[off + 1]!)) return invalid(p, WRONG_CODE, off + 1);
  p.pppoeSession = u16be(d, off + 2);
  const len = u16be(d, off + 4);
  const payload = off + PPPOE_HDR_LEN;
  // Tags claimed beyond the frame (Suricata's check), unless the capture cut them.
  if (len > end - payload) {
    if (!(end >= p.start + p.caplen && p.len > p.caplen)) addAnomaly(p, MALFORMED_TAGS, off + 4);
    return 0;
  }
  walkTags(p, payload, payload + len);
  return 0;
}

function isDiscoveryCode(code: number): boolean {
  return code === 0x09 || code === 0x07 || code === 0x19 || code === 0x65 || code === 0xa7;
}

/** Tags must tile [pos, stop) exactly; one running past the payload is malformed. */
function walkTags(p: Packet, pos: number, stop: number): void {
  const d = p.data;
  while (pos < stop) {
    if (stop - pos < 4) {
      addAnomaly(p, MALFORMED_TAGS, pos);
      return;
    }
    const type = u16be(d, pos);
    const tlen = u16be(d, pos + 2);
    // End-Of-List (type 0) ends the tags; what follows is padding.
    if (type === 0) return;
    if (tlen > stop - pos - 4) {
      addAnomaly(p, MALFORMED_TAGS, pos);
      return;
    }
    pos += 4 + tlen;
  }
}
