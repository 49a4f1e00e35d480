// IPv6, RFC 8200 https://www.rfc-editor.org/rfc/rfc8200
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------+---------------+---------------------------------------+
//  |Version| Traffic Class |              Flow Label               |
//  +-------+---------------+-------+---------------+---------------+
//  |        Payload Length         |  Next Header  |   Hop Limit   |
//  +-------------------------------+---------------+---------------+
//  |                 Source Address (16 bytes)                     |
//  +---------------------------------------------------------------+
//  |               Destination Address (16 bytes)                  |
//  +---------------------------------------------------------------+
//
// Extension headers are walked here, not as layers: hop-by-hop (0), routing (43),
// fragment (44), destination options (60) and AH (51, RFC 4302). Each names the next
// header; p.ipProto is the last one, the transport (or ESP, or 59 No Next Header).
//
//  +---------------+---------------+------------------------------+
//  |  Next Header  |  Hdr Ext Len  |  type-specific data ...       |   (HBH, DST, RH: (len+1)*8 bytes)
//  +---------------+---------------+------------------------------+
//  |  Next Header  |   Reserved    |  Fragment Offset    |Res|M|  |   (fragment: 8 bytes,
//  |                       Identification                       |    offset in 8-byte units)
//  +--------------------------------------------------------------+

import { T_IPIP, T_MPLS } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next, pushTunnel } from './events.js';
import { IPPROTO_LAYER } from './registry.js';
import { u16be, u32be } from '../core/bytes.js';

// Bits of p.ip6Exts: which extension headers the packet carried.
export const IP6EXT_HOPOPTS = 1 << 0;
export const IP6EXT_ROUTING = 1 << 1;
export const IP6EXT_FRAGMENT = 1 << 2;
/** Destination options; a second one (after the routing header) sets IP6EXT_DSTOPTS2. */
export const IP6EXT_DSTOPTS = 1 << 3;
export const IP6EXT_DSTOPTS2 = 1 << 4;
export const IP6EXT_AH = 1 << 5;
/** ESP ends the walk: what follows is encrypted. */
export const IP6EXT_ESP = 1 << 6;

/**
 * A walk longer than this is a crafted packet: RFC 8200 section 4.1 orders at most one of
 * each header, destination options twice (seven in all).
 */
export const MAX_IPV6_EXT_HEADERS = 8;

const IPV6_HDR_LEN = 40;
const NH_HOPOPTS = 0;
const NH_ICMP = 1;
const NH_IPIP = 4;
const NH_IPV6 = 41;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_ESP = 50;
const NH_AH = 51;
const NH_NONE = 59;
const NH_DSTOPTS = 60;
const NH_MPLS = 137;

const PKT_TOO_SMALL = anomalyCode('ipv6.pkt_too_small');
const WRONG_IP_VERSION = anomalyCode('ipv6.wrong_ip_version');
const TRUNC_PKT = anomalyCode('ipv6.trunc_pkt');
const TRUNC_EXTHDR = anomalyCode('ipv6.trunc_exthdr');
const EXT_TOO_MANY = anomalyCode('ipv6.ext_too_many');
const RH_TYPE_0 = anomalyCode('ipv6.rh_type_0');
const FH_NON_ZERO_RESERVED = anomalyCode('ipv6.fh_non_zero_reserved_field');
const FRAG_INVALID_LENGTH = anomalyCode('ipv6.frag_invalid_length');
const USELESS_FH = anomalyCode('ipv6.exthdr_useless_fh');
const AH_RES_NOT_NULL = anomalyCode('ipv6.exthdr_ah_res_not_null');
const DUPL_HH = anomalyCode('ipv6.exthdr_dupl_hh');
const DUPL_RH = anomalyCode('ipv6.exthdr_dupl_rh');
const DUPL_FH = anomalyCode('ipv6.exthdr_dupl_fh');
const DUPL_DH = anomalyCode('ipv6.exthdr_dupl_dh');
const DUPL_AH = anomalyCode('ipv6.exthdr_dupl_ah');
const INVALID_OPTLEN = anomalyCode('ipv6.exthdr_invalid_optlen');
const ZERO_LEN_PADN = anomalyCode('ipv6.zero_len_padn');
const HOPOPTS_ONLY_PADDING = anomalyCode('ipv6.hopopts_only_padding');
const DSTOPTS_ONLY_PADDING = anomalyCode('ipv6.dstopts_only_padding');
const HOPOPTS_UNKNOWN_OPT = anomalyCode('ipv6.hopopts_unknown_opt');
const DSTOPTS_UNKNOWN_OPT = anomalyCode('ipv6.dstopts_unknown_opt');
const DATA_AFTER_NONE = anomalyCode('ipv6.data_after_none_header');
const WITH_ICMPV4 = anomalyCode('ipv6.icmpv4');
const IPV4_IN_IPV6_TOO_SMALL = anomalyCode('ipv6.ipv4_in_ipv6_too_small');
const IPV4_IN_IPV6_WRONG_VERSION = anomalyCode('ipv6.ipv4_in_ipv6_wrong_version');
const IPV6_IN_IPV6_TOO_SMALL = anomalyCode('ipv6.ipv6_in_ipv6_too_small');
const IPV6_IN_IPV6_WRONG_VERSION = anomalyCode('ipv6.ipv6_in_ipv6_wrong_version');

export function decodeIpv6(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  if (avail < IPV6_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  if (d[off]! >> 4 !== 6) return invalid(p, WRONG_IP_VERSION, off);

  // As for IPv4: bytes cut by the snaplen existed on the wire and are not an error.
  const wire = avail + wireMissing(p, end);
  const plen = u16be(d, off + 4);
  // Payload Length 0 is a jumbogram (RFC 2675) or a GSO/BIG TCP super-packet: the
  // datagram is the rest of the frame (Wireshark does the same).
  const totLen = plen === 0 ? wire : IPV6_HDR_LEN + plen;
  if (totLen > wire) addAnomaly(p, TRUNC_PKT, off + 4);
  // Where the datagram ends on the wire (may lie beyond the captured bytes), and in `data`.
  const declEnd = off + totLen;
  const dgEnd = totLen < avail ? declEnd : end;

  p.resetTransport();
  p.ipVersion = 6;
  p.l3Off = off;
  p.l3End = dgEnd;
  p.srcAddrOff = off + 8;
  p.dstAddrOff = off + 24;
  const w = u32be(d, off);
  p.tos = (w >>> 20) & 0xff;
  p.ipv6FlowLabel = w & 0xfffff;
  p.ttl = d[off + 7]!;
  p.isFragment = false;
  p.fragOffset = 0;
  p.fragMore = false;
  p.fragDontFrag = false;
  p.frag6Id = 0;
  p.ip6Exts = 0;
  p.ipCsumStatus = 0;
  p.ipOpts = 0;
  p.ipProto = d[off + 6]!;
  p.l3HdrLen = IPV6_HDR_LEN;
  return walkExtensions(p, off + IPV6_HDR_LEN, dgEnd, declEnd);
}

/** Bytes of the frame the capture did not keep, if [.., end) reaches the captured end. */
function wireMissing(p: Packet, end: number): number {
  return end >= p.start + p.caplen && p.len > p.caplen ? p.len - p.caplen : 0;
}

/**
 * Follow the next-header chain from `pos`. p.ipProto always holds the header about to be
 * read, so wherever the walk stops it names the last next-header seen.
 * `dgEnd` bounds what we may read; `declEnd` is where the datagram says it ends.
 */
function walkExtensions(p: Packet, pos: number, dgEnd: number, declEnd: number): number {
  const d = p.data;
  const l3 = p.l3Off;
  for (let count = 0; ; count++) {
    const nh = p.ipProto;
    p.l3HdrLen = pos - l3;
    if (!isExtension(nh)) return finish(p, nh, pos, dgEnd);
    if (count >= MAX_IPV6_EXT_HEADERS) return invalid(p, EXT_TOO_MANY, pos);
    // Next Header and Hdr Ext Len come first in every extension header.
    if (dgEnd - pos < 2) return truncated(p, pos, 2, declEnd);
    let hlen: number;
    if (nh === NH_FRAGMENT) hlen = 8;
    else if (nh === NH_AH) hlen = Math.max(12, (d[pos + 1]! + 2) << 2);
    else hlen = (d[pos + 1]! + 1) << 3;
    if (dgEnd - pos < hlen) return truncated(p, pos, hlen, declEnd);
    let bit: number;
    if (nh === NH_HOPOPTS) bit = IP6EXT_HOPOPTS;
    else if (nh === NH_ROUTING) bit = IP6EXT_ROUTING;
    else if (nh === NH_FRAGMENT) bit = IP6EXT_FRAGMENT;
    else if (nh === NH_AH) bit = IP6EXT_AH;
    else bit = (p.ip6Exts & IP6EXT_DSTOPTS) === 0 ? IP6EXT_DSTOPTS : IP6EXT_DSTOPTS2;
    if ((p.ip6Exts & bit) !== 0) {
      // A repeated header is skipped, as Suricata does, so the rest can still be read.
      addAnomaly(p, duplicateCode(nh), pos);
    } else {
      p.ip6Exts |= bit;
      if (nh === NH_FRAGMENT) {
        if (!fragmentHeader(p, pos, declEnd)) {
          // A later fragment: no transport header here; ipProto = the fragment's next header.
          p.ipProto = d[pos]!;
          p.l3HdrLen = pos + 8 - l3;
          return 0;
        }
      } else if (nh === NH_ROUTING) {
        // RFC 5095 deprecated type 0: it turns hosts into traffic amplifiers.
        if (d[pos + 2] === 0) addAnomaly(p, RH_TYPE_0, pos + 2);
      } else if (nh === NH_AH) {
        if (u16be(d, pos + 2) !== 0) addAnomaly(p, AH_RES_NOT_NULL, pos + 2);
      } else {
        walkOptions(p, pos + 2, pos + hlen, nh === NH_HOPOPTS);
      }
    }
    p.ipProto = d[pos]!;
    pos += hlen;
  }
}

function isExtension(nh: number): boolean {
  return nh === NH_HOPOPTS || nh === NH_ROUTING || nh === NH_FRAGMENT || nh === NH_DSTOPTS || nh === NH_AH;
}

function duplicateCode(nh: number): number {
  switch (nh) {
    case NH_HOPOPTS:
      return DUPL_HH;
    case NH_ROUTING:
      return DUPL_RH;
    case NH_FRAGMENT:
      return DUPL_FH;
    case NH_AH:
      return DUPL_AH;
    default:
      return DUPL_DH;
  }
}

/**
 * An extension header of `need` bytes does not fit. If the datagram says its bytes exist
 * (the capture cut them), stop quietly; otherwise the header lies about its length.
 */
function truncated(p: Packet, pos: number, need: number, declEnd: number): number {
  if (pos + need <= declEnd && declEnd > p.l3End) return 0;
  return invalid(p, TRUNC_EXTHDR, pos);
}

/**
 * Fill the fragment fields from the 8-byte fragment header at `pos`. Returns true when
 * the payload after it starts at offset 0 (first or atomic fragment) and can be decoded.
 */
function fragmentHeader(p: Packet, pos: number, declEnd: number): boolean {
  const d = p.data;
  // The octet after Next Header is reserved (it is the length field in other headers).
  if (d[pos + 1] !== 0) addAnomaly(p, FH_NON_ZERO_RESERVED, pos + 1);
  const w = u16be(d, pos + 2);
  const offset = w & 0xfff8;
  const more = (w & 1) !== 0;
  p.frag6Id = u32be(d, pos + 4);
  if (offset === 0 && !more) {
    // RFC 6946 atomic fragment: a fragment header on a whole datagram.
    addAnomaly(p, USELESS_FH, pos);
    return true;
  }
  p.isFragment = true;
  p.fragOffset = offset;
  p.fragMore = more;
  // RFC 8200 4.5: every fragment but the last carries a multiple of 8 bytes.
  if (more && (declEnd - pos - 8) % 8 !== 0) addAnomaly(p, FRAG_INVALID_LENGTH, pos);
  return offset === 0;
}

/**
 * Hop-by-hop / destination options in [pos, stop): TLVs, Pad1 being a lone zero octet.
 * Problems are recorded; the header length already told us where the next header is.
 */
function walkOptions(p: Packet, pos: number, stop: number, hopByHop: boolean): void {
  const d = p.data;
  let padding = 0;
  let other = 0;
  while (pos < stop) {
    const type = d[pos]!;
    if (type === 0) {
      padding++;
      pos++;
      continue;
    }
    if (stop - pos < 2 || d[pos + 1]! + 2 > stop - pos) {
      addAnomaly(p, INVALID_OPTLEN, pos);
      return;
    }
    const len = d[pos + 1]!;
    if (type === 1) {
      padding++;
      // An empty PadN is how RFC 8200 pads two bytes at the end of a header (Linux MLD
      // reports do it); anywhere else it is pointless, a covert-channel favourite.
      if (len === 0 && pos + 2 < stop) addAnomaly(p, ZERO_LEN_PADN, pos);
    } else {
      other++;
      if (!knownOption(type, len)) addAnomaly(p, hopByHop ? HOPOPTS_UNKNOWN_OPT : DSTOPTS_UNKNOWN_OPT, pos);
    }
    pos += len + 2;
  }
  // A header that carries nothing but padding has no reason to exist.
  if (padding > 0 && other === 0) addAnomaly(p, hopByHop ? HOPOPTS_ONLY_PADDING : DSTOPTS_ONLY_PADDING, stop);
}

/** Options Suricata knows: router alert (RFC 2711), jumbo (RFC 2675), home address (RFC 6275). */
function knownOption(type: number, len: number): boolean {
  if (type === 0x05) return len >= 2;
  if (type === 0xc2) return len >= 4;
  if (type === 0xc9) return len >= 16;
  return false;
}

/** The walk reached a header that is not an extension header: hand it to its decoder. */
function finish(p: Packet, nh: number, pos: number, dgEnd: number): number {
  if (nh === NH_NONE) {
    // RFC 8200 4.7: nothing follows No Next Header; bytes that do are suspicious.
    if (pos < dgEnd) addAnomaly(p, DATA_AFTER_NONE, pos);
    return 0;
  }
  if (nh === NH_ESP) p.ip6Exts |= IP6EXT_ESP;
  else if (nh === NH_ICMP) addAnomaly(p, WITH_ICMPV4, pos);
  const layer = IPPROTO_LAYER[nh]!;
  if (layer === 0) return 0;
  if (nh === NH_IPIP || nh === NH_IPV6) {
    if (!innerIpOk(p, nh, pos, dgEnd)) return 0;
    if (!pushTunnel(p, T_IPIP, -1, pos)) return 0;
  } else if (nh === NH_MPLS) {
    if (!pushTunnel(p, T_MPLS, -1, pos)) return 0;
  }
  return next(p, layer, pos, dgEnd);
}

/** IPv4-in-IPv6 / IPv6-in-IPv6 (RFC 2473): check the inner header's size and version. */
function innerIpOk(p: Packet, nh: number, pos: number, dgEnd: number): boolean {
  const v4 = nh === NH_IPIP;
  if (dgEnd - pos < (v4 ? 20 : IPV6_HDR_LEN)) {
    // A snaplen cut inside the inner header is not the packet's fault.
    if (dgEnd < p.start + p.caplen || p.len === p.caplen) {
      invalid(p, v4 ? IPV4_IN_IPV6_TOO_SMALL : IPV6_IN_IPV6_TOO_SMALL, pos);
    }
    return false;
  }
  if (p.data[pos]! >> 4 !== (v4 ? 4 : 6)) {
    invalid(p, v4 ? IPV4_IN_IPV6_WRONG_VERSION : IPV6_IN_IPV6_WRONG_VERSION, pos);
    return false;
  }
  return true;
}
