// Transmission Control Protocol (TCP), RFC 9293 https://www.rfc-editor.org/rfc/rfc9293
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------------------------------+-------------------------------+
//  |          Source Port          |       Destination Port        |
//  +-------------------------------+-------------------------------+
//  |                        Sequence Number                        |
//  +---------------------------------------------------------------+
//  |                    Acknowledgment Number                      |
//  +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
//  |  Data |       |C|E|U|A|P|R|S|F|                               |
//  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//  |       |       |R|E|G|K|H|T|N|N|                               |
//  +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
//  |           Checksum            |         Urgent Pointer        |
//  +-------------------------------+-------------------------------+
//  |                    Options (0-40 bytes)       |    Padding    |
//  +-----------------------------------------------+---------------+
//
// Anomaly names follow Suricata's decode-tcp.c triggers: fewer than 20 bytes is
// tcp.pkt_too_small, a data offset pointing past the segment is tcp.hlen_too_small and a
// data offset below 5 words (no room even for the fixed header) is tcp.invalid_optlen.
// Option problems are recorded but do not stop the packet, as in Suricata.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid } from './events.js';
import { u16be, u32be } from '../core/bytes.js';

const TCP_HDR_LEN = 20;

// Option kinds (IANA "TCP Option Kind Numbers").
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TS = 8;

// Bits of the "already seen" mask used for tcp.opt_duplicate.
const SEEN_MSS = 1;
const SEEN_WSCALE = 2;
const SEEN_SACK_PERM = 4;
const SEEN_SACK = 8;
const SEEN_TS = 16;

const PKT_TOO_SMALL = anomalyCode('tcp.pkt_too_small');
const HLEN_TOO_SMALL = anomalyCode('tcp.hlen_too_small');
const INVALID_OPTLEN = anomalyCode('tcp.invalid_optlen');
const OPT_INVALID_LEN = anomalyCode('tcp.opt_invalid_len');
const OPT_DUPLICATE = anomalyCode('tcp.opt_duplicate');
const OPT_TRUNC = anomalyCode('tcp.opt_trunc');

export function decodeTcp(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  // A header cut by the snap length still shows its ports (tshark does the same), so
  // flows and the decode output keep them even when the rest is missing.
  if (avail >= 4) {
    p.srcPort = u16be(d, off);
    p.dstPort = u16be(d, off + 2);
  }
  if (avail < TCP_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);

  p.tcpSeq = u32be(d, off + 4);
  p.tcpAck = u32be(d, off + 8);
  // Low 8 bits only: CWR ECE URG ACK PSH RST SYN FIN. The NS bit (RFC 3540, historic)
  // sits in the data-offset byte and is left out, as Suricata's th_flags does.
  p.tcpFlags = d[off + 13]!;
  p.tcpWin = u16be(d, off + 14);

  const hlen = (d[off + 12]! >> 4) << 2;
  if (hlen < TCP_HDR_LEN) return invalid(p, INVALID_OPTLEN, off + 12);
  if (hlen > avail) return invalid(p, HLEN_TOO_SMALL, off + 12);

  p.l4Off = off;
  p.l4HdrLen = hlen;
  p.payloadOff = off + hlen;
  p.payloadLen = avail - hlen;
  if (hlen > TCP_HDR_LEN) decodeTcpOptions(p, off + TCP_HDR_LEN, off + hlen);
  return 0;
}

/** Walk the options in [i, oend); the options area is inside the segment (checked by the caller). */
function decodeTcpOptions(p: Packet, i: number, oend: number): void {
  const d = p.data;
  let seen = 0;
  while (i < oend) {
    const kind = d[i]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    // Every other option has a length byte, and the length counts kind and length.
    if (i + 1 >= oend) {
      addAnomaly(p, OPT_TRUNC, i);
      return;
    }
    const olen = d[i + 1]!;
    // 0 and 1 would never advance the walk.
    if (olen < 2) {
      addAnomaly(p, OPT_INVALID_LEN, i + 1);
      return;
    }
    if (olen > oend - i) {
      addAnomaly(p, OPT_TRUNC, i + 1);
      return;
    }
    switch (kind) {
      case OPT_MSS:
        if (olen !== 4) addAnomaly(p, OPT_INVALID_LEN, i + 1);
        else if (seen & SEEN_MSS) addAnomaly(p, OPT_DUPLICATE, i);
        else {
          seen |= SEEN_MSS;
          p.tcpMss = u16be(d, i + 2);
        }
        break;
      case OPT_WSCALE:
        if (olen !== 3) addAnomaly(p, OPT_INVALID_LEN, i + 1);
        else if (seen & SEEN_WSCALE) addAnomaly(p, OPT_DUPLICATE, i);
        else {
          seen |= SEEN_WSCALE;
          // Raw shift count; RFC 7323 caps its use at 14, which is the stream's business.
          p.tcpWscale = d[i + 2]!;
        }
        break;
      case OPT_SACK_PERM:
        if (olen !== 2) addAnomaly(p, OPT_INVALID_LEN, i + 1);
        else if (seen & SEEN_SACK_PERM) addAnomaly(p, OPT_DUPLICATE, i);
        else {
          seen |= SEEN_SACK_PERM;
          p.tcpSackPermitted = true;
        }
        break;
      case OPT_SACK:
        // 2 + 8 per block, 1 to 4 blocks (RFC 2018).
        if (olen < 10 || olen > 34 || (olen - 2) % 8 !== 0) addAnomaly(p, OPT_INVALID_LEN, i + 1);
        else if (seen & SEEN_SACK) addAnomaly(p, OPT_DUPLICATE, i);
        else {
          seen |= SEEN_SACK;
          p.tcpSackBlocks = (olen - 2) >> 3;
        }
        break;
      case OPT_TS:
        if (olen !== 10) addAnomaly(p, OPT_INVALID_LEN, i + 1);
        else if (seen & SEEN_TS) addAnomaly(p, OPT_DUPLICATE, i);
        else {
          seen |= SEEN_TS;
          p.tcpHasTs = true;
          p.tcpTsVal = u32be(d, i + 2);
          p.tcpTsEcr = u32be(d, i + 6);
        }
        break;
      default:
        // TFO (34), MPTCP (30), TCP-AO (29), MD5 (19), experiments (253/254)...: skipped by length.
        break;
    }
    i += olen;
  }
}
