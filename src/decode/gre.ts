// Generic Routing Encapsulation (GRE): version 0, RFC 2784 https://www.rfc-editor.org/rfc/rfc2784
// with key and sequence number (RFC 2890) and RFC 1701 routing; version 1, the PPTP
// "enhanced GRE" of RFC 2637 https://www.rfc-editor.org/rfc/rfc2637 section 4.1.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-----+-+-------+-----+-------------------------------+
//  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
//  +-+-+-+-+-+-----+-+-------+-----+-------------------------------+
//  |   Checksum (if C or R)        |  Offset / Reserved1 (if C/R)  |
//  +-------------------------------+-------------------------------+
//  |   Key (if K); v1: Payload Length (16) | Call ID (16)          |
//  +---------------------------------------------------------------+
//  |   Sequence Number (if S)                                      |
//  +---------------------------------------------------------------+
//  |   Acknowledgment Number (v1, if A)                            |
//  +---------------------------------------------------------------+
//  |   Routing: Source Route Entries (v0, if R), ended by a null SRE|
//  +---------------------------------------------------------------+
//
// The checks and their anomaly names follow Suricata's decode-gre.c: version 0 must not
// use recursion or the flag bits, version 1 must be PPTP (key, PPP, no checksum/routing).
// The payload is dispatched by protocol type through GRE_PROTO_LAYER. Every inner L2/L3
// payload gets a T_GRE tunnel entry first; ERSPAN (0x88BE, 0x22EB) pushes its own entry.

import { L_ERSPAN, L_ERSPAN3, T_GRE } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid, next, pushTunnel } from './events.js';
import { GRE_PROTO_LAYER } from './registry.js';
import { u16be, u32be } from '../core/bytes.js';

const GRE_HDR_LEN = 4;
const SRE_HDR_LEN = 4;

// First flags byte.
const F_CSUM = 0x80;
const F_ROUTING = 0x40;
const F_KEY = 0x20;
const F_SEQ = 0x10;
const F_SSR = 0x08;
const F_RECUR = 0x07;
// Second byte: A (v1 acknowledgment present), reserved flags, version.
const F_ACK = 0x80;
const F_FLAGS = 0x78;

const PROTO_PPP = 0x880b;
/**
 * Cisco MetaData (CMD, carries a TrustSec SGT): inside GRE it is an 8-byte shim, EtherType
 * of the payload first, then version, length, option type and SGT (Wireshark's
 * packet-cisco-metadata.c, dissect_cmd_gre). Skipped so the payload is still seen.
 */
const PROTO_CISCO_METADATA = 0x8909;
const CMD_SHIM_LEN = 8;

const PKT_TOO_SMALL = anomalyCode('gre.pkt_too_small');
const WRONG_VERSION = anomalyCode('gre.wrong_version');
const V0_RECUR = anomalyCode('gre.version0_recur');
const V0_FLAGS = anomalyCode('gre.version0_flags');
const V0_HDR_TOO_BIG = anomalyCode('gre.version0_hdr_too_big');
const V0_MALFORMED_SRE = anomalyCode('gre.version0_malformed_sre_hdr');
const V1_CHKSUM = anomalyCode('gre.version1_chksum');
const V1_ROUTE = anomalyCode('gre.version1_route');
const V1_SSR = anomalyCode('gre.version1_ssr');
const V1_RECUR = anomalyCode('gre.version1_recur');
const V1_FLAGS = anomalyCode('gre.version1_flags');
const V1_WRONG_PROTOCOL = anomalyCode('gre.version1_wrong_protocol');
const V1_NO_KEY = anomalyCode('gre.version1_no_key');
const V1_HDR_TOO_BIG = anomalyCode('gre.version1_hdr_too_big');
const UNKNOWN_PROTOCOL = anomalyCode('gre.unknown_protocol');

export function decodeGre(p: Packet, off: number, end: number): number {
  if (end - off < GRE_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  const d = p.data;
  // The innermost GRE header describes the packet: clear what an outer one left.
  p.greKey = -1;
  p.greSeq = -1;
  p.greProto = u16be(d, off + 2);
  const version = d[off + 1]! & 7;
  if (version > 1) return invalid(p, WRONG_VERSION, off + 1);
  const payload = version === 0 ? greV0(p, off, end) : greV1(p, off, end);
  if (payload < 0) return 0; // greV0/greV1 recorded why
  return dispatch(p, off, payload, end);
}

/** Version 0 header: returns the payload offset, or -1 after recording an invalid event. */
function greV0(p: Packet, off: number, end: number): number {
  const d = p.data;
  const f0 = d[off]!;
  // RFC 1701 recursion control is not honoured by anyone (Suricata refuses it).
  if (f0 & F_RECUR) return invalidHdr(p, V0_RECUR, off);
  if (d[off + 1]! & F_FLAGS) return invalidHdr(p, V0_FLAGS, off + 1);
  let len = GRE_HDR_LEN;
  if (f0 & (F_CSUM | F_ROUTING)) len += 4; // checksum + offset travel together
  const keyOff = off + len;
  if (f0 & F_KEY) len += 4;
  const seqOff = off + len;
  if (f0 & F_SEQ) len += 4;
  if (len > end - off) return invalidHdr(p, V0_HDR_TOO_BIG, off);
  if (f0 & F_KEY) p.greKey = u32be(d, keyOff);
  if (f0 & F_SEQ) p.greSeq = u32be(d, seqOff);
  if (f0 & F_ROUTING) return skipSourceRoutes(p, off + len, end);
  return off + len;
}

/** RFC 1701 routing: Source Route Entries until the null one (family 0, length 0). */
function skipSourceRoutes(p: Packet, i: number, end: number): number {
  const d = p.data;
  // Each entry is at least 4 bytes, so the walk ends within (end - i) / 4 steps.
  for (;;) {
    if (end - i < SRE_HDR_LEN) return invalidHdr(p, V0_MALFORMED_SRE, i);
    const family = u16be(d, i);
    const sreLen = d[i + 3]!;
    i += SRE_HDR_LEN;
    if (family === 0 && sreLen === 0) return i;
    if (sreLen > end - i) return invalidHdr(p, V0_MALFORMED_SRE, i - SRE_HDR_LEN);
    i += sreLen;
  }
}

/** Version 1 (PPTP) header: returns the payload offset, or -1 after recording an invalid event. */
function greV1(p: Packet, off: number, end: number): number {
  const d = p.data;
  const f0 = d[off]!;
  const f1 = d[off + 1]!;
  if (f0 & F_CSUM) return invalidHdr(p, V1_CHKSUM, off);
  if (f0 & F_ROUTING) return invalidHdr(p, V1_ROUTE, off);
  if (f0 & F_SSR) return invalidHdr(p, V1_SSR, off);
  if (f0 & F_RECUR) return invalidHdr(p, V1_RECUR, off);
  if (f1 & F_FLAGS) return invalidHdr(p, V1_FLAGS, off + 1);
  if (p.greProto !== PROTO_PPP) return invalidHdr(p, V1_WRONG_PROTOCOL, off + 2);
  if ((f0 & F_KEY) === 0) return invalidHdr(p, V1_NO_KEY, off);
  let len = GRE_HDR_LEN + 4; // key: payload length + call id
  const seqOff = off + len;
  if (f0 & F_SEQ) len += 4;
  if (f1 & F_ACK) len += 4;
  if (len > end - off) return invalidHdr(p, V1_HDR_TOO_BIG, off);
  // The call id is what identifies the PPTP session; the payload length is per packet.
  p.greKey = u16be(d, off + 6);
  if (f0 & F_SEQ) p.greSeq = u32be(d, seqOff);
  return off + len;
}

function invalidHdr(p: Packet, code: number, off: number): number {
  invalid(p, code, off);
  return -1;
}

function dispatch(p: Packet, off: number, payload: number, end: number): number {
  // Nothing after the header: keepalives (protocol 0) and PPTP acknowledgments are legal.
  if (payload >= end) return 0;
  let proto = p.greProto;
  if (proto === PROTO_CISCO_METADATA && end - payload >= CMD_SHIM_LEN) {
    proto = u16be(p.data, payload);
    payload += CMD_SHIM_LEN;
  }
  const layer = GRE_PROTO_LAYER[proto]!;
  if (layer === 0) {
    addAnomaly(p, UNKNOWN_PROTOCOL, off + 2);
    return 0;
  }
  // ERSPAN records its own tunnel entry (type and session), one per decapsulation.
  if (layer !== L_ERSPAN && layer !== L_ERSPAN3 && !pushTunnel(p, T_GRE, p.greKey, off)) return 0;
  return next(p, layer, payload, end);
}
