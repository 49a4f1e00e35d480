// pcapng reader, zero-copy. Spec: draft-ietf-opsawg-pcapng
// (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/).
//
// Every block has the same frame; the body depends on the type:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +---------------------------------------------------------------+
//  0|                          Block Type                           |
//   +---------------------------------------------------------------+
//  4|                      Block Total Length                       |
//   +---------------------------------------------------------------+
//  8/                          Block Body                           /
//   /              variable length, padded to 32 bits               /
//   +---------------------------------------------------------------+
//   |                      Block Total Length                       |
//   +---------------------------------------------------------------+
//
// Section Header Block (0x0A0D0D0A): body = Byte-Order Magic 0x1A2B3C4D, Major (1), Minor,
//   Section Length (64), options. Its byte order governs the whole section; a new SHB starts
//   a new section with its own interfaces (and maybe another byte order).
// Interface Description Block (1): LinkType (16), Reserved (16), SnapLen (32), options
//   (if_name 2, if_tsresol 9, if_tsoffset 14, ...).
// Enhanced Packet Block (6): Interface ID (32), Timestamp upper (32), Timestamp lower (32),
//   Captured Length (32), Original Length (32), Packet Data (padded), options.
// Simple Packet Block (3): Original Length (32), Packet Data (interface 0, no timestamp).
// Packet Block (2, obsolete): Interface ID (16), Drops Count (16), then as the EPB.
// Options: Code (16), Length (16), Value padded to 32 bits; code 0 ends the list.
// Every other block type (name resolution, statistics, secrets, custom...) is skipped.

import { ChunkReader, type ChunkSource } from './chunk.js';
import { describeLinkType, isSupportedLinkType, type LinkTypePredicate, supportedLinkTypesHint } from './linktypes.js';
import { MAX_CAPLEN, type ReaderOptions } from './pcap.js';
import { CaptureError } from './source.js';
import { u16be, u16le, u32be, u32le } from '../core/bytes.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;

/** Minimum total lengths: header + trailer (12) plus each block's fixed body. */
const MIN_BLOCK = 12;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_SPB = 16;

/** A larger block length is a corrupt field (Wireshark's limit is of the same order). */
export const MAX_BLOCK_LEN = 16 * 1024 * 1024;

const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** What an Interface Description Block said, for messages and `vsids` info output. */
export interface PcapngInterface {
  /** Index in the file (what frames carry as ifIndex); equals the IDB's id in a single-section file. */
  index: number;
  /** 0-based section number and the interface id within the section. */
  section: number;
  id: number;
  linkType: number;
  snaplen: number;
  name: string | undefined;
  /** The raw if_tsresol byte (6 = microseconds when absent). */
  tsresol: number;
  /** if_tsoffset in seconds. */
  tsoffset: number;
}

export class PcapngReader extends ChunkReader {
  readonly format = 'pcapng';
  /** Every interface described so far, across sections. */
  readonly interfaces: PcapngInterface[] = [];
  sections = 0;
  /** Byte order of the current section. */
  private le = true;
  /** 1-based number of the block being read, for messages. */
  private blockNo = 0;
  private blockType = 0;
  /** Index (in `interfaces`) of the current section's interface 0. */
  private ifBase = 0;
  // The current section's interfaces, by id: flat arrays read on every packet.
  private ifLink: number[] = [];
  private ifSnap: number[] = [];
  /** Timestamp units per second when 10^0..10^9 (fast path), else 0. */
  private ifUnits: number[] = [];
  /** Nanoseconds per unit for the fast path. */
  private ifNsPerUnit: number[] = [];
  /** Units per second for the exact BigInt path (other resolutions). */
  private ifUnitsBig: bigint[] = [];
  private ifOffset: number[] = [];
  private readonly supported: LinkTypePredicate;

  constructor(src: ChunkSource, options: ReaderOptions = {}) {
    super(src);
    this.supported = options.linkTypeSupported ?? isSupportedLinkType;
    if (!this.fill(MIN_BLOCK)) throw new CaptureError(`${this.label}: pcapng file cut short (${this.end} bytes)`);
    if (u32le(this.data, 0) !== PCAPNG_SHB) {
      throw new CaptureError(`${this.label}: not a pcapng file (no section header block)`);
    }
    this.readHeaderBlocks();
    if (this.sections === 0) throw new CaptureError(`${this.label}: pcapng section header block cut short`);
  }

  /**
   * Read the section header and interface descriptions ahead of the first packet, so that
   * an interface vsids cannot decode is reported when the file is opened.
   */
  private readHeaderBlocks(): void {
    for (;;) {
      if (this.end - this.pos < MIN_BLOCK && !this.fill(MIN_BLOCK)) return;
      const type = this.u32(this.data, this.pos);
      if (type !== PCAPNG_SHB && type !== IDB) return;
      const blen = this.loadBlock();
      if (blen === 0) return;
      const p = this.pos;
      this.pos = p + blen;
      if (type === IDB) this.interfaceDescription(this.data, p, blen);
    }
  }

  next(): boolean {
    for (;;) {
      const blen = this.loadBlock();
      if (blen === 0) return false;
      const p = this.pos;
      const d = this.data;
      const type = this.blockType;
      this.pos = p + blen;
      if (type === EPB) {
        this.enhancedPacket(d, p, blen);
        return true;
      }
      if (type === SPB) {
        this.simplePacket(d, p, blen);
        return true;
      }
      if (type === IDB) this.interfaceDescription(d, p, blen);
      else if (type === PB) {
        this.obsoletePacket(d, p, blen);
        return true;
      }
      // SHB was handled by loadBlock; anything else is skipped by its length.
    }
  }

  private u32(d: Buffer, i: number): number {
    return this.le ? u32le(d, i) : u32be(d, i);
  }

  private u16(d: Buffer, i: number): number {
    return this.le ? u16le(d, i) : u16be(d, i);
  }

  /**
   * Validate the block at `pos` and make all of it available in the chunk (pos may move to
   * 0). Sets blockType; a Section Header Block is applied here since it sets the byte order
   * its own length is written in. Returns the block length, or 0 at the end of the input.
   */
  private loadBlock(): number {
    if (this.end - this.pos < MIN_BLOCK && !this.fill(MIN_BLOCK)) return this.ended();
    let p = this.pos;
    let d = this.data;
    this.blockNo++;
    const type = this.le ? u32le(d, p) : u32be(d, p);
    this.blockType = type;
    if (type === PCAPNG_SHB) {
      if (this.end - p < 16) {
        if (!this.fill(16)) return this.ended();
        p = 0;
        d = this.data;
      }
      this.byteOrder(d, p);
    }
    const blen = this.le ? u32le(d, p + 4) : u32be(d, p + 4);
    if (blen < MIN_BLOCK || (blen & 3) !== 0 || blen > MAX_BLOCK_LEN) {
      this.corrupt(p, `block length ${blen} is ${blen > MAX_BLOCK_LEN ? 'too large' : 'invalid'}`);
    }
    if (this.end - p < blen) {
      // Runs past the end of the file: the file was cut short in its last block.
      if (!this.fill(blen)) return this.ended();
      p = 0;
      d = this.data;
    }
    const trailer = this.le ? u32le(d, p + blen - 4) : u32be(d, p + blen - 4);
    if (trailer !== blen) this.corrupt(p, `trailing block length ${trailer} differs from the leading ${blen}`);
    if (type === PCAPNG_SHB) this.sectionHeader(d, p, blen);
    return blen;
  }

  /** End of input at a block boundary (a partial block is counted as truncated). */
  private ended(): number {
    this.endOfInput();
    return 0;
  }

  private byteOrder(d: Buffer, p: number): void {
    const bom = u32le(d, p + 8);
    if (bom === BYTE_ORDER_MAGIC) this.le = true;
    else if (bom === 0x4d3c2b1a) this.le = false;
    else this.corrupt(p, `bad byte-order magic 0x${bom.toString(16).padStart(8, '0')}`);
  }

  /** A new section: its interfaces replace the previous section's. */
  private sectionHeader(d: Buffer, p: number, blen: number): void {
    if (blen < MIN_SHB) this.corrupt(p, `section header block length ${blen} is below ${MIN_SHB}`);
    const major = this.u16(d, p + 12);
    if (major !== 1) this.corrupt(p, `unsupported pcapng version ${major}.${this.u16(d, p + 14)}`);
    this.sections++;
    this.ifBase = this.interfaces.length;
    this.ifLink = [];
    this.ifSnap = [];
    this.ifUnits = [];
    this.ifNsPerUnit = [];
    this.ifUnitsBig = [];
    this.ifOffset = [];
  }

  private interfaceDescription(d: Buffer, p: number, blen: number): void {
    if (blen < MIN_IDB) this.corrupt(p, `interface description block length ${blen} is below ${MIN_IDB}`);
    const id = this.ifLink.length;
    const index = this.ifBase + id;
    const linkType = this.u16(d, p + 8);
    const snaplen = this.u32(d, p + 12);
    let name: string | undefined;
    let tsresol = 6;
    let tsoffset = 0;
    // Options: a malformed list loses only the options, so stop reading it and go on.
    const optEnd = p + blen - 4;
    let o = p + 16;
    while (o + 4 <= optEnd) {
      const code = this.u16(d, o);
      const olen = this.u16(d, o + 2);
      const v = o + 4;
      if (code === OPT_END) break;
      if (v + olen > optEnd) {
        this.errors++;
        break;
      }
      if (code === IF_NAME) name = d.toString('utf8', v, v + olen);
      else if (code === IF_TSRESOL && olen >= 1) tsresol = d[v]!;
      else if (code === IF_TSOFFSET && olen >= 8) {
        tsoffset = Number(this.le ? d.readBigInt64LE(v) : d.readBigInt64BE(v));
      }
      o = v + ((olen + 3) & ~3);
    }
    if (!this.supported(linkType)) {
      throw new CaptureError(
        `${this.label}: interface ${index} has unsupported link type ${describeLinkType(linkType)}; ${supportedLinkTypesHint()}`,
      );
    }
    this.interfaces.push({ index, section: this.sections - 1, id, linkType, snaplen, name, tsresol, tsoffset });
    this.ifLink.push(linkType);
    this.ifSnap.push(snaplen);
    this.ifOffset.push(tsoffset);
    // if_tsresol: high bit clear = 10^-v seconds, set = 2^-(v & 0x7f) seconds.
    const pow2 = (tsresol & 0x80) !== 0;
    const exp = tsresol & 0x7f;
    if (!pow2 && exp <= 9) {
      this.ifUnits.push(10 ** exp);
      this.ifNsPerUnit.push(10 ** (9 - exp));
      this.ifUnitsBig.push(0n);
    } else {
      this.ifUnits.push(0);
      this.ifNsPerUnit.push(0);
      this.ifUnitsBig.push(pow2 ? 1n << BigInt(exp) : 10n ** BigInt(exp));
    }
  }

  private enhancedPacket(d: Buffer, p: number, blen: number): void {
    if (blen < MIN_EPB) this.corrupt(p, `enhanced packet block length ${blen} is below ${MIN_EPB}`);
    const id = this.u32(d, p + 8);
    this.packet(d, p, blen, id, this.u32(d, p + 12), this.u32(d, p + 16));
  }

  private obsoletePacket(d: Buffer, p: number, blen: number): void {
    if (blen < MIN_EPB) this.corrupt(p, `packet block length ${blen} is below ${MIN_EPB}`);
    const id = this.u16(d, p + 8);
    this.packet(d, p, blen, id, this.u32(d, p + 12), this.u32(d, p + 16));
  }

  /** EPB and PB share the layout from the timestamp on. */
  private packet(d: Buffer, p: number, blen: number, id: number, hi: number, lo: number): void {
    if (id >= this.ifLink.length) {
      this.corrupt(p, `packet on interface ${id}, but the section describes ${this.ifLink.length} interface(s)`);
    }
    const cap = this.u32(d, p + 20);
    const room = blen - MIN_EPB;
    if (cap > room) this.corrupt(p, `caplen ${cap} exceeds the block's ${room} bytes of packet data`);
    if (cap > MAX_CAPLEN) this.corrupt(p, `caplen ${cap} exceeds the maximum of ${MAX_CAPLEN}`);
    const units = this.ifUnits[id]!;
    if (units !== 0) {
      // (hi * 2^32 + lo) / units without BigInt: long division in base 2^16 keeps every
      // intermediate below 2^53 (units <= 10^9, so remainder * 2^16 + digit < 2^46).
      const q1 = Math.floor(hi / units);
      let r = hi - q1 * units;
      let x = r * 65536 + (lo >>> 16);
      const q2 = Math.floor(x / units);
      r = x - q2 * units;
      x = r * 65536 + (lo & 0xffff);
      const q3 = Math.floor(x / units);
      r = x - q3 * units;
      this.tsSec = q1 * 4294967296 + q2 * 65536 + q3 + this.ifOffset[id]!;
      this.tsNsec = r * this.ifNsPerUnit[id]!;
    } else {
      this.slowTimestamp(id, hi, lo);
    }
    this.start = p + 28;
    this.caplen = cap;
    this.len = this.u32(d, p + 24);
    this.linkType = this.ifLink[id]!;
    this.ifIndex = this.ifBase + id;
    this.frames++;
  }

  /** Exact conversion for resolutions other than 10^0..10^-9 (rare: allocates BigInts). */
  private slowTimestamp(id: number, hi: number, lo: number): void {
    const units = this.ifUnitsBig[id]!;
    const ts = (BigInt(hi) << 32n) | BigInt(lo);
    this.tsSec = Number(ts / units) + this.ifOffset[id]!;
    this.tsNsec = Number(((ts % units) * 1_000_000_000n) / units);
  }

  /** SPB: interface 0, no timestamp (the previous frame's stays), caplen bounded by snaplen and block. */
  private simplePacket(d: Buffer, p: number, blen: number): void {
    if (blen < MIN_SPB) this.corrupt(p, `simple packet block length ${blen} is below ${MIN_SPB}`);
    if (this.ifLink.length === 0) this.corrupt(p, 'simple packet block, but the section describes no interface');
    const orig = this.u32(d, p + 8);
    const snap = this.ifSnap[0]!;
    let cap = blen - MIN_SPB;
    if (orig < cap) cap = orig;
    if (snap > 0 && snap < cap) cap = snap;
    this.start = p + 12;
    this.caplen = cap;
    this.len = orig;
    this.linkType = this.ifLink[0]!;
    this.ifIndex = this.ifBase;
    this.frames++;
  }

  private corrupt(p: number, what: string): never {
    throw new CaptureError(`${this.label}: block ${this.blockNo} at byte ${this.fileOffset(p)}: ${what}`);
  }
}
