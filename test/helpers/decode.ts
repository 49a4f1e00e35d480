// Test helpers: decode a hand-built frame and read back what a user of `vsids decode` sees.

import { expect } from 'vitest';
import { Packet } from '../../src/core/packet.js';
import { DecodeStats, decodePacket } from '../../src/decode/decoder.js';
import { registerDefaultDecoders } from '../../src/decode/defaults.js';
import { describePacket, type FrameDescription } from '../../src/decode/describe.js';

registerDefaultDecoders();

/** Bytes from a hex string; whitespace, newlines and `#` comments to end of line are ignored. */
export function hex(s: string): Buffer {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd hex length ${clean.length}`);
  return Buffer.from(clean, 'hex');
}

/** How decodeWith presents a frame to the decoder. */
export interface DecodeOptions {
  /** Link type of the capture (default 1 = Ethernet). */
  linkType?: number;
  /** Byte that fills the buffer around the frame (default 0xee). */
  pad?: number;
  /** Original length on the wire (default frame.length; larger = caplen cut by the snaplen). */
  len?: number;
}

/** Decode `frame` placed at offset 7 of a larger buffer (with `tail` bytes after it) into a fresh Packet. */
function decodeIn(frame: Buffer, tail: number, opts: DecodeOptions, stats = new DecodeStats()): Packet {
  const p = new Packet();
  // A non-zero offset, as the file readers use, catches decoders that forget p.start.
  const data = Buffer.alloc(7 + frame.length + tail, opts.pad ?? 0xee);
  frame.copy(data, 7);
  p.data = data;
  p.start = 7;
  p.caplen = frame.length;
  p.len = opts.len ?? frame.length;
  p.linkType = opts.linkType ?? 1;
  p.frameNo = 1;
  decodePacket(p, stats);
  return p;
}

/** Decode one frame (link type 1 = Ethernet by default) into a fresh Packet. */
export function decodeFrame(frame: Buffer, linkType = 1, stats = new DecodeStats()): Packet {
  return decodeIn(frame, 9, { linkType }, stats);
}

/** Decode with a chosen pad byte after the frame and an original length (caplen < len = snaplen cut). */
export function decodeWith(frame: Buffer, opts: DecodeOptions = {}): Packet {
  return decodeIn(frame, 16, opts);
}

/** The decode JSON object for a frame. */
export function describe(frame: Buffer, linkType = 1): FrameDescription {
  return describePacket(decodeFrame(frame, linkType));
}

/** Layer stack as a compact string: eth/vlan/ipv4/udp. */
export function stack(frame: Buffer, linkType = 1): string {
  return describe(frame, linkType).layers.join('/');
}

/** Decode `f` once with each pad byte after it; the output may not depend on bytes past caplen. */
function expectPadBlind(f: Buffer, len: number, linkType: number, pads: readonly [number, number], what: string): void {
  const a = describePacket(decodeWith(f, { linkType, pad: pads[0], len }));
  const b = describePacket(decodeWith(f, { linkType, pad: pads[1], len }));
  expect(b, what).toEqual(a);
}

/** Every prefix, as sent and as cut by the snaplen, decodes without throwing or reading past the end. */
export function expectTruncationSafe(
  frame: Buffer,
  linkType = 1,
  pads: readonly [number, number] = [0x00, 0xff],
): void {
  for (let n = 0; n <= frame.length; n++) {
    expectPadBlind(frame.subarray(0, n), n, linkType, pads, `prefix ${n}`);
    expectPadBlind(frame.subarray(0, n), frame.length, linkType, pads, `prefix ${n} of a snaplen-cut frame`);
  }
}

/** Every prefix and every one-byte corruption decodes without throwing or reading past the end. */
export function expectRobust(frame: Buffer, linkType = 1): void {
  const pads = [0xee, 0x00] as const;
  expectTruncationSafe(frame, linkType, pads);
  for (let i = 0; i < frame.length; i++) {
    for (const v of [0x00, 0xff, frame[i]! ^ 0x0f]) {
      const f = Buffer.from(frame);
      f[i] = v;
      expectPadBlind(f, f.length, linkType, pads, `byte ${i} = ${v}`);
    }
  }
}
