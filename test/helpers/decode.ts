// Test helpers: decode a hand-built frame and read back what a user of `vsids decode` sees.

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

/** Decode one frame (link type 1 = Ethernet by default) into a fresh Packet. */
export function decodeFrame(frame: Buffer, linkType = 1, stats = new DecodeStats()): Packet {
  const p = new Packet();
  // Put the frame at a non-zero offset of a larger buffer, as the file readers do,
  // so decoders that forget p.start are caught.
  const data = Buffer.alloc(frame.length + 16, 0xee);
  frame.copy(data, 7);
  p.data = data;
  p.start = 7;
  p.caplen = frame.length;
  p.len = frame.length;
  p.linkType = linkType;
  p.frameNo = 1;
  decodePacket(p, stats);
  return p;
}

/** The decode JSON object for a frame. */
export function describe(frame: Buffer, linkType = 1): FrameDescription {
  return describePacket(decodeFrame(frame, linkType));
}

/** Layer stack as a compact string: eth/vlan/ipv4/udp. */
export function stack(frame: Buffer, linkType = 1): string {
  return describe(frame, linkType).layers.join('/');
}
