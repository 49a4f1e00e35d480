// Classic pcap ("libpcap savefile") reader, zero-copy.
// Spec: https://www.tcpdump.org/manpages/pcap-savefile.5.html and draft-ietf-opsawg-pcap.
//
// File header (24 bytes), in the writer's byte order (the magic tells which):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  0|          Magic Number (0xA1B2C3D4 usec, 0xA1B23C4D nsec)      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  4|        Major Version (2)      |       Minor Version (4)       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  8|                   Reserved1 (thiszone)                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// 12|                   Reserved2 (sigfigs)                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// 16|                        SnapLen                                |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// 20| FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Then records, each a 16-byte header followed by Captured Packet Length bytes:
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  0|                      Timestamp (Seconds)                      |
//  4|            Timestamp (Microseconds or nanoseconds)            |
//  8|                    Captured Packet Length                     |
// 12|                    Original Packet Length                     |
// 16/                          Packet Data                          /
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { ChunkReader, type ChunkSource } from './chunk.js';
import { describeLinkType, isSupportedLinkType, type LinkTypePredicate, supportedLinkTypesHint } from './linktypes.js';
import { CaptureError } from './source.js';
import { u16be, u16le, u32be, u32le } from '../core/bytes.js';

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/**
 * Largest captured length accepted (libpcap's and Wireshark's maximum snapshot length for
 * ordinary link types). A bigger value is a corrupt length field, not a packet.
 */
export const MAX_CAPLEN = 262144;

export interface ReaderOptions {
  /** Which link types can be decoded; others are refused when the file is opened. */
  linkTypeSupported?: LinkTypePredicate;
}

/** Byte order of a pcap magic read as little-endian: 'le', 'be', or undefined when not pcap. */
export function pcapMagicOrder(magicLE: number): 'le' | 'be' | undefined {
  if (magicLE === PCAP_MAGIC_USEC || magicLE === PCAP_MAGIC_NSEC) return 'le';
  const be = bswap32(magicLE);
  if (be === PCAP_MAGIC_USEC || be === PCAP_MAGIC_NSEC) return 'be';
  return undefined;
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

export class PcapReader extends ChunkReader {
  readonly format = 'pcap';
  readonly littleEndian: boolean;
  /** Timestamps in the file are nanoseconds (magic 0xA1B23C4D), else microseconds. */
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  /** Bytes of FCS at the end of every frame, when the header says so (else 0). */
  readonly fcsLength: number;
  /** Multiplier from the file's fraction unit to nanoseconds (1000 or 1). */
  private readonly nsPerUnit: number;
  /** Fraction units per second: a larger fraction field is carried into the seconds. */
  private readonly unitsPerSec: number;

  constructor(src: ChunkSource, options: ReaderOptions = {}) {
    super(src);
    if (!this.fill(FILE_HEADER_LEN)) {
      throw new CaptureError(`${this.label}: pcap file header cut short (${this.end} of ${FILE_HEADER_LEN} bytes)`);
    }
    const d = this.data;
    const order = pcapMagicOrder(u32le(d, 0));
    if (order === undefined) throw new CaptureError(`${this.label}: not a pcap file`);
    const le = order === 'le';
    this.littleEndian = le;
    this.nanosecond = (le ? u32le(d, 0) : u32be(d, 0)) === PCAP_MAGIC_NSEC;
    this.nsPerUnit = this.nanosecond ? 1 : 1000;
    this.unitsPerSec = this.nanosecond ? 1e9 : 1e6;
    this.versionMajor = le ? u16le(d, 4) : u16be(d, 4);
    this.versionMinor = le ? u16le(d, 6) : u16be(d, 6);
    // libpcap reads only major version 2 (2.4, and the rare 2.2/2.3).
    if (this.versionMajor !== 2) {
      throw new CaptureError(`${this.label}: unsupported pcap version ${this.versionMajor}.${this.versionMinor}`);
    }
    this.snaplen = le ? u32le(d, 16) : u32be(d, 16);
    const linkField = le ? u32le(d, 20) : u32be(d, 20);
    // draft-ietf-opsawg-pcap: LinkType is the low 16 bits; bit 26 (f) says the top 4 bits
    // give the FCS length in 16-bit words; bits 16-25 are reserved.
    this.linkType = linkField & 0xffff;
    this.fcsLength = linkField & 0x04000000 ? (linkField >>> 28) * 2 : 0;
    const supported = options.linkTypeSupported ?? isSupportedLinkType;
    if (!supported(this.linkType)) {
      throw new CaptureError(
        `${this.label}: unsupported link type ${describeLinkType(this.linkType)}; ${supportedLinkTypesHint()}`,
      );
    }
    this.pos = FILE_HEADER_LEN;
  }

  next(): boolean {
    let p = this.pos;
    if (this.end - p < RECORD_HEADER_LEN) {
      if (!this.fill(RECORD_HEADER_LEN)) return this.endOfInput();
      p = this.pos;
    }
    const d = this.data;
    let sec: number;
    let frac: number;
    let cap: number;
    let orig: number;
    if (this.littleEndian) {
      sec = u32le(d, p);
      frac = u32le(d, p + 4);
      cap = u32le(d, p + 8);
      orig = u32le(d, p + 12);
    } else {
      sec = u32be(d, p);
      frac = u32be(d, p + 4);
      cap = u32be(d, p + 8);
      orig = u32be(d, p + 12);
    }
    if (cap > MAX_CAPLEN) this.corrupt(p, `caplen ${cap} exceeds the maximum of ${MAX_CAPLEN}`);
    let body = p + RECORD_HEADER_LEN;
    if (this.end - body < cap) {
      if (!this.fill(RECORD_HEADER_LEN + cap)) return this.cutShort(cap);
      p = this.pos;
      body = p + RECORD_HEADER_LEN;
    }
    // Writers that put a whole second or more in the fraction field: carry it (rare).
    if (frac >= this.unitsPerSec) {
      sec += Math.floor(frac / this.unitsPerSec);
      frac %= this.unitsPerSec;
    }
    this.pos = body + cap;
    this.start = body;
    this.caplen = cap;
    this.len = orig;
    this.tsSec = sec;
    this.tsNsec = frac * this.nsPerUnit;
    this.frames++;
    return true;
  }

  /**
   * The record at `pos` runs past the end of the file. That is a file cut short (the last
   * record, counted in `truncated`) unless its length is already implausible for this file.
   */
  private cutShort(cap: number): boolean {
    if (this.snaplen > 0 && cap > this.snaplen) {
      this.corrupt(this.pos, `caplen ${cap} exceeds the snaplen ${this.snaplen} and runs past the end of the file`);
    }
    return this.endOfInput();
  }

  private corrupt(p: number, what: string): never {
    throw new CaptureError(`${this.label}: record ${this.frames + 1} at byte ${this.fileOffset(p)}: ${what}`);
  }
}
