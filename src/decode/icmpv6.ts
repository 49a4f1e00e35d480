// Internet Control Message Protocol for IPv6 (ICMPv6), RFC 4443
// https://www.rfc-editor.org/rfc/rfc4443 ; types and codes from the IANA "ICMPv6 Parameters"
// registry.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+-------------------------------+
//  |     Type      |     Code      |          Checksum             |
//  +---------------+---------------+-------------------------------+
//  |  errors: unused / MTU / pointer; echo: Identifier | Sequence  |
//  +-------------------------------+-------------------------------+
//  |  errors (1-4): as much of the offending IPv6 packet as fits   |
//  |  ND/MLD/echo: message body ...                                |
//
// As for ICMPv4, the IPv6 header quoted inside an error is checked (Suricata's
// DecodePartialIPV6) and its offset kept in p.icmpInnerOff, but it is not a layer.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid } from './events.js';
import { u16be } from '../core/bytes.js';

const ICMPV6_HDR_LEN = 8;
const IPV6_HDR_LEN = 40;

const PKT_TOO_SMALL = anomalyCode('icmpv6.pkt_too_small');
const UNKNOWN_TYPE = anomalyCode('icmpv6.unknown_type');
const UNKNOWN_CODE = anomalyCode('icmpv6.unknown_code');
const UNASSIGNED_TYPE = anomalyCode('icmpv6.unassigned_type');
const EXPERIMENTATION_TYPE = anomalyCode('icmpv6.experimentation_type');
const IPV6_TRUNC_PKT = anomalyCode('icmpv6.ipv6_trunc_pkt');
const IPV6_UNKNOWN_VERSION = anomalyCode('icmpv6.ipv6_unknown_version');
const MLD_INVALID_HL = anomalyCode('icmpv6.mld_message_with_invalid_hl');

/** Highest defined code per known type; 255 = any code; absent types are handled in the switch. */
const ANY = 255;
const MAX_CODE = new Uint8Array(256);
function defineCodes(first: number, last: number, maxCode: number): void {
  for (let t = first; t <= last; t++) MAX_CODE[t] = maxCode;
}
defineCodes(1, 1, 8); // destination unreachable (RFC 4443, 8883)
defineCodes(2, 2, 0); // packet too big
defineCodes(3, 3, 1); // time exceeded
defineCodes(4, 4, 10); // parameter problem (RFC 4443, 7112, 8754, 8883, 9534)
defineCodes(128, 137, 0); // echo, MLD (130-132), router/neighbor discovery (133-137)
defineCodes(139, 140, 2); // node information query / reply (RFC 4620)
defineCodes(141, 149, 0); // inverse ND, MLDv2 report, mobile IPv6, SEND
defineCodes(150, 150, ANY); // experimental mobility protocols (RFC 4065)
defineCodes(151, 154, 0); // multicast router discovery (RFC 4286), FMIPv6
defineCodes(156, 156, 0); // ILNPv6 locator update
defineCodes(157, 158, ANY); // duplicate address request / confirmation (RFC 6775, 8505 codes)
defineCodes(159, 159, 0); // MPL control
defineCodes(160, 160, 0); // extended echo request (RFC 8335)
defineCodes(161, 161, 4); // extended echo reply

export function decodeIcmpv6(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  if (avail >= 2) {
    p.icmpType = d[off]!;
    p.icmpCode = d[off + 1]!;
  }
  if (avail < ICMPV6_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);

  const type = d[off]!;
  const code = d[off + 1]!;
  p.l4Off = off;
  p.l4HdrLen = ICMPV6_HDR_LEN;
  p.payloadOff = off + ICMPV6_HDR_LEN;
  p.payloadLen = avail - ICMPV6_HDR_LEN;

  if ((type >= 1 && type <= 4) || (type >= 128 && type <= 161)) {
    if (!codeDefined(type, code)) {
      addAnomaly(p, UNKNOWN_CODE, off + 1);
      // As Suricata: an error with an undefined code does not get its quote checked.
      return 0;
    }
    if (type <= 4) return quotedIpv6(p, off + ICMPV6_HDR_LEN, end);
    if (type === 128 || type === 129) {
      p.icmpId = u16be(d, off + 4);
      p.icmpSeq = u16be(d, off + 6);
    } else if (type === 130 || type === 131 || type === 132 || type === 143) {
      // MLD is link-local: RFC 2710 section 3 / RFC 3810 section 5 send it with hop limit 1.
      if (p.ipVersion === 6 && p.ttl >= 0 && p.ttl !== 1) addAnomaly(p, MLD_INVALID_HL, off);
    }
    return 0;
  }
  addAnomaly(p, unlistedTypeEvent(type), off);
  return 0;
}

function codeDefined(type: number, code: number): boolean {
  if (type === 138) return code <= 1 || code === 255; // router renumbering: command, result, reset
  if (type === 155) return code <= 3 || (code >= 0x80 && code <= 0x84); // RPL control (RFC 6550), as Suricata
  const max = MAX_CODE[type]!;
  return max === ANY || code <= max;
}

/** Suricata's split of the types it does not decode (IANA ranges). */
function unlistedTypeEvent(type: number): number {
  if (type === 100 || type === 101 || type === 200 || type === 201) return EXPERIMENTATION_TYPE;
  if (type === 0 || type === 127) return UNKNOWN_TYPE; // reserved
  return UNASSIGNED_TYPE;
}

/** Errors 1-4 carry as much of the offending packet as fits: check it starts with an IPv6 header. */
function quotedIpv6(p: Packet, inner: number, end: number): number {
  // Suricata checks even an empty quote for errors: an error must quote something.
  if (end - inner < IPV6_HDR_LEN) return invalid(p, IPV6_TRUNC_PKT, inner);
  if (p.data[inner]! >> 4 !== 6) return invalid(p, IPV6_UNKNOWN_VERSION, inner);
  p.icmpInnerOff = inner;
  return 0;
}
