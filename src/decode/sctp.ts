// Stream Control Transmission Protocol (SCTP), RFC 9260 https://www.rfc-editor.org/rfc/rfc9260
//
// Common header (section 3.1), then chunks:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-------------------------------+-------------------------------+
//  |      Source Port Number       |   Destination Port Number     |
//  +-------------------------------+-------------------------------+
//  |                      Verification Tag                         |
//  +---------------------------------------------------------------+
//  |                    Checksum (CRC32c)                          |
//  +---------------+---------------+-------------------------------+
//  |  Chunk Type   |  Chunk Flags  |        Chunk Length           |  (section 3.2)
//  +---------------+---------------+-------------------------------+
//  |  Chunk Value (Chunk Length - 4 bytes), padded to 4 bytes      |
//  +---------------------------------------------------------------+
//
// The chunk walk is bounded (MAX_CHUNKS) so a datagram of 4-byte chunks cannot make the
// decoder loop for long; a structural error stops the walk, the ports stay.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { addAnomaly, invalid } from './events.js';
import { u16be, u32be } from '../core/bytes.js';

const SCTP_HDR_LEN = 12;
const CHUNK_HDR_LEN = 4;
/** Chunks walked per packet; more is sctp.too_many_chunks and the rest is not looked at. */
export const MAX_SCTP_CHUNKS = 128;

const CHUNK_DATA = 0;
const CHUNK_INIT = 1;
const CHUNK_INIT_ACK = 2;

const PKT_TOO_SMALL = anomalyCode('sctp.pkt_too_small');
const CHUNK_TOO_SMALL = anomalyCode('sctp.chunk_too_small');
const CHUNK_LEN_INVALID = anomalyCode('sctp.chunk_len_invalid');
const TOO_MANY_CHUNKS = anomalyCode('sctp.too_many_chunks');
const TRUNC_PKT = anomalyCode('sctp.trunc_pkt');
const DATA_WITH_ZERO_VTAG = anomalyCode('sctp.data_with_zero_vtag');
const INIT_WITH_NON_ZERO_VTAG = anomalyCode('sctp.init_with_non_zero_vtag');
const INIT_CHUNK_BUNDLED = anomalyCode('sctp.init_chunk_bundled');

export function decodeSctp(p: Packet, off: number, end: number): number {
  const d = p.data;
  const avail = end - off;
  if (avail >= 4) {
    p.srcPort = u16be(d, off);
    p.dstPort = u16be(d, off + 2);
  }
  if (avail < SCTP_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  p.sctpVtag = u32be(d, off + 4);
  p.l4Off = off;
  p.l4HdrLen = SCTP_HDR_LEN;
  p.payloadOff = off + SCTP_HDR_LEN;
  p.payloadLen = avail - SCTP_HDR_LEN;
  return walkChunks(p, off + SCTP_HDR_LEN, end);
}

function walkChunks(p: Packet, i: number, end: number): number {
  const d = p.data;
  const vtag = p.sctpVtag;
  let n = 0;
  while (i < end) {
    if (n === MAX_SCTP_CHUNKS) {
      addAnomaly(p, TOO_MANY_CHUNKS, i);
      return 0;
    }
    if (end - i < CHUNK_HDR_LEN) return runOut(p, CHUNK_TOO_SMALL, i, end);
    const type = d[i]!;
    const clen = u16be(d, i + 2);
    // The length counts the 4-byte chunk header: less would never advance.
    if (clen < CHUNK_HDR_LEN) return invalid(p, CHUNK_LEN_INVALID, i + 2);
    if (clen > end - i) return runOut(p, CHUNK_LEN_INVALID, i + 2, end);
    if (type === CHUNK_DATA) {
      // Section 8.5: only INIT goes out with tag 0; DATA needs an association.
      if (vtag === 0) addAnomaly(p, DATA_WITH_ZERO_VTAG, i);
    } else if (type === CHUNK_INIT || type === CHUNK_INIT_ACK) {
      // Section 6.10: INIT and INIT ACK MUST NOT be bundled with other chunks.
      if (n > 0 || i + ((clen + 3) & ~3) < end) addAnomaly(p, INIT_CHUNK_BUNDLED, i);
      // Section 8.5.1: a packet carrying INIT has verification tag 0.
      if (type === CHUNK_INIT && vtag !== 0) addAnomaly(p, INIT_WITH_NON_ZERO_VTAG, i);
    }
    // Chunks are padded to 4 bytes; the padding is not counted in the length.
    i += (clen + 3) & ~3;
    n++;
  }
  return 0;
}

/**
 * A chunk that does not fit in the bytes left. In a first fragment that is expected; in a
 * capture cut short it is noted (sctp.trunc_pkt) but is no protocol error; otherwise the
 * sender's lengths are wrong.
 */
function runOut(p: Packet, code: number, at: number, end: number): number {
  if (p.isFragment) return 0;
  if (cutBySnaplen(p, end)) {
    addAnomaly(p, TRUNC_PKT, at);
    return 0;
  }
  return invalid(p, code, at);
}

/** True when [.., end) reaches the end of a frame that the capture cut short (caplen < len). */
function cutBySnaplen(p: Packet, end: number): boolean {
  return p.caplen < p.len && end >= p.start + p.caplen;
}
