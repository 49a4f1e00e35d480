// MPLS label stack, RFC 3032 https://www.rfc-editor.org/rfc/rfc3032
// and the Ethernet pseudowire control word, RFC 4448 / RFC 4385.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------------------------------+-----+-+---------------+
//  |              Label (20)               | TC  |S|     TTL       |   one entry per label,
//  +---------------------------------------+-----+-+---------------+   S = bottom of stack
//
//  +-------+-------+-----------+-----------+-------------------------------+
//  | 0000  | flags |FRG|Length |          Sequence number              |  PW control word
//  +-------+-------+-----------+-----------+-------------------------------+
//
// MPLS does not say what it carries: the label binding does, and a passive decoder does
// not know it. After the bottom of stack we guess as Suricata does: the explicit-null
// labels (0 IPv4, 2 IPv6) name the payload; otherwise the first nibble is the IP version,
// and 0 is a pseudowire control word before an Ethernet frame. Anything else is not
// decodable (Suricata raises mpls.unknown_payload_type; tshark shows it as data).
// MPLS over Ethernet is not a tunnel with outer addresses: no tunnel entry is pushed
// here (MPLS-in-IP pushes one in the IP decoder).

import { L_ETH, L_IPV4, L_IPV6, L_PW_ETH } from '../core/layers.js';
import { MAX_MPLS_LABELS, type Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { u32be } from '../core/bytes.js';

const MPLS_ENTRY_LEN = 4;
const PW_CW_LEN = 4;
const LABEL_IPV4_EXPLICIT_NULL = 0;
const LABEL_ROUTER_ALERT = 1;
const LABEL_IPV6_EXPLICIT_NULL = 2;
const LABEL_IMPLICIT_NULL = 3;
/** Labels 0-15 are reserved (RFC 3032 section 2.1). */
const LABEL_MAX_RESERVED = 15;

const HEADER_TOO_SMALL = anomalyCode('mpls.header_too_small');
const PKT_TOO_SMALL = anomalyCode('mpls.pkt_too_small');
const TOO_MANY_LABELS = anomalyCode('mpls.too_many_labels');
const UNKNOWN_PAYLOAD_TYPE = anomalyCode('mpls.unknown_payload_type');
const BAD_LABEL_ROUTER_ALERT = anomalyCode('mpls.bad_label_router_alert');
const BAD_LABEL_IMPLICIT_NULL = anomalyCode('mpls.bad_label_implicit_null');
const BAD_LABEL_RESERVED = anomalyCode('mpls.bad_label_reserved');

export function decodeMpls(p: Packet, off: number, end: number): number {
  const d = p.data;
  let pos = off;
  let label: number;
  for (;;) {
    if (end - pos < MPLS_ENTRY_LEN) return invalid(p, HEADER_TOO_SMALL, pos);
    // The label array is fixed; a deeper stack than it holds is crafted (or a loop).
    const n = p.mplsCount;
    if (n >= MAX_MPLS_LABELS) return invalid(p, TOO_MANY_LABELS, pos);
    const shim = u32be(d, pos);
    label = shim >>> 12;
    p.mplsLabels[n] = label;
    p.mplsCount = n + 1;
    pos += MPLS_ENTRY_LEN;
    if ((shim & 0x100) !== 0) break;
  }
  return guessPayload(p, label, pos, end);
}

/** Pick the decoder for what follows the bottom-of-stack label at `pos`. */
function guessPayload(p: Packet, label: number, pos: number, end: number): number {
  if (label === LABEL_IPV4_EXPLICIT_NULL) return next(p, L_IPV4, pos, end);
  if (label === LABEL_IPV6_EXPLICIT_NULL) return next(p, L_IPV6, pos, end);
  // These reserved labels are not valid at the bottom of the stack (RFC 3032 2.1);
  // recorded, then the payload is still guessed, as tshark does.
  if (label === LABEL_ROUTER_ALERT) addAnomaly(p, BAD_LABEL_ROUTER_ALERT, pos - MPLS_ENTRY_LEN);
  else if (label === LABEL_IMPLICIT_NULL) addAnomaly(p, BAD_LABEL_IMPLICIT_NULL, pos - MPLS_ENTRY_LEN);
  else if (label <= LABEL_MAX_RESERVED) addAnomaly(p, BAD_LABEL_RESERVED, pos - MPLS_ENTRY_LEN);
  // One byte tells IP, but the control-word guess needs its 4 bytes.
  if (end - pos < PW_CW_LEN) return invalid(p, PKT_TOO_SMALL, pos);
  const nibble = p.data[pos]! >> 4;
  if (nibble === 4) return next(p, L_IPV4, pos, end);
  if (nibble === 6) return next(p, L_IPV6, pos, end);
  if (nibble === 0) return next(p, L_PW_ETH, pos, end);
  return invalid(p, UNKNOWN_PAYLOAD_TYPE, pos);
}

/** RFC 4448 Ethernet pseudowire: skip the 4-byte control word, then an Ethernet frame. */
export function decodePseudowireEthernet(p: Packet, off: number, end: number): number {
  if (end - off < PW_CW_LEN) return invalid(p, PKT_TOO_SMALL, off);
  return next(p, L_ETH, off + PW_CW_LEN, end);
}
