// Network Service Header (NSH), RFC 8300 https://www.rfc-editor.org/rfc/rfc8300
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---+-+-+-----------+-----------+-------+-------+---------------+
//  |Ver|O|U|    TTL    |  Length   |U|U|U|U|MD Type| Next Protocol |   base header
//  +---+-+-+-----------+-----------+-------+-------+---------------+
//  |          Service Path Identifier (SPI)        | Service Index |   service path header
//  +-----------------------------------------------+---------------+
//  ~                Context Header(s)                              ~   (Length - 2) words
//  +---------------------------------------------------------------+
//  |  inner packet (Next Protocol) ...
//
// MD Type 1 carries 16 bytes of fixed context (Length = 6). MD Type 2 carries zero or more
// TLVs (section 2.5.1), each value padded to a 4-byte boundary:
//  +-------------------------------+---------------+-+-------------+
//  |        Metadata Class         |      Type     |U|   Length    |
//  +-------------------------------+---------------+-+-------------+
//  |  Variable-Length Metadata (Length bytes, padded to 4)         |
//
// Reached by EtherType 0x894F (and through GRE or Geneve, whose protocol field is an
// EtherType). The checks and anomaly names follow Suricata's decode-nsh.c, with two
// differences: the U bits beside MD Type are masked off (section 2.2: unassigned bits MUST
// be ignored), and a Length below the 2 fixed words is refused instead of being read as
// payload. NSH has no outer addresses of its own: like MPLS over Ethernet it pushes no
// tunnel entry (NSH in GRE or Geneve gets theirs from the outer decoder).

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next } from './events.js';
import { NSH_PROTO_LAYER } from './registry.js';

/** Base header + service path header, the part every NSH packet has. */
const NSH_FIXED_LEN = 8;
/** MD Type 1: fixed header plus four 4-byte context headers (section 2.4: Length = 0x6). */
const MD1_HDR_LEN = 24;
const TLV_HDR_LEN = 4;

const MD_TYPE_RESERVED = 0x0;
const MD_TYPE_1 = 0x1;
const MD_TYPE_2 = 0x2;
/** Section 11.2.4: 0xF is for experimentation; Suricata ignores it like 0x0. */
const MD_TYPE_EXPERIMENT = 0xf;

const HEADER_TOO_SMALL = anomalyCode('nsh.header_too_small');
const UNSUPPORTED_VERSION = anomalyCode('nsh.unsupported_version');
const BAD_HEADER_LENGTH = anomalyCode('nsh.bad_header_length');
const RESERVED_TYPE = anomalyCode('nsh.reserved_type');
const UNSUPPORTED_TYPE = anomalyCode('nsh.unsupported_type');
const UNKNOWN_PAYLOAD = anomalyCode('nsh.unknown_payload');

export function decodeNsh(p: Packet, off: number, end: number): number {
  if (end - off < NSH_FIXED_LEN) return invalid(p, HEADER_TOO_SMALL, off);
  const d = p.data;
  // Ver: section 2.2, only version 0 is defined. Not "invalid" in Suricata: a later
  // version may be well formed, vsids just cannot read it.
  if (d[off]! >> 6 !== 0) {
    addAnomaly(p, UNSUPPORTED_VERSION, off);
    return 0;
  }
  // Length: total NSH header length in 4-byte words (6 bits, the low bits of byte 1).
  const hdrLen = (d[off + 1]! & 0x3f) << 2;
  // Suricata: "should always be some data after the header"; a header that ends at or past
  // the captured end leaves nothing to decode.
  if (hdrLen < NSH_FIXED_LEN || hdrLen >= end - off) return invalid(p, BAD_HEADER_LENGTH, off + 1);
  const mdType = d[off + 2]! & 0x0f;
  if (mdType === MD_TYPE_RESERVED || mdType === MD_TYPE_EXPERIMENT) {
    // Section 2.5: packets with MD Type 0x0 MUST be discarded; nothing to read past it.
    addAnomaly(p, RESERVED_TYPE, off + 2);
    return 0;
  }
  if (mdType === MD_TYPE_1) {
    if (hdrLen !== MD1_HDR_LEN) return invalid(p, BAD_HEADER_LENGTH, off + 1);
  } else if (mdType === MD_TYPE_2) {
    // The Length field, not the TLVs, says where the payload starts (it is what a service
    // function forwarder skips): TLVs that do not tile the context area are recorded, and
    // the payload is still decoded so crafted metadata cannot hide it.
    if (!tlvsTile(p, off + NSH_FIXED_LEN, off + hdrLen)) addAnomaly(p, BAD_HEADER_LENGTH, off + 1);
  } else {
    addAnomaly(p, UNSUPPORTED_TYPE, off + 2);
    return 0;
  }
  // SPI (24 bits) and SI (8 bits) at off + 4 name the service path; the flow key does not use them.
  const layer = NSH_PROTO_LAYER[d[off + 3]!]!;
  if (layer === 0) {
    addAnomaly(p, UNKNOWN_PAYLOAD, off + 3);
    return 0;
  }
  return next(p, layer, off + hdrLen, end);
}

/** True when the MD Type 2 TLVs exactly fill [i, cend): each padded value stays inside. */
function tlvsTile(p: Packet, i: number, cend: number): boolean {
  const d = p.data;
  // Every TLV is at least 4 bytes, so the walk ends within (cend - i) / 4 steps.
  while (i < cend) {
    if (cend - i < TLV_HDR_LEN) return false;
    i += TLV_HDR_LEN + (((d[i + 3]! & 0x7f) + 3) & ~3);
  }
  return i === cend;
}
