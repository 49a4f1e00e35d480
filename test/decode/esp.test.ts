import { describe, expect, it } from 'vitest';
import { Packet } from '../../src/core/packet.js';
import { DecodeStats, decodePacket } from '../../src/decode/decoder.js';
import { describePacket } from '../../src/decode/describe.js';
import { describe as describeFrame, hex } from '../helpers/decode.js';

/** Decode with a chosen pad byte after the frame and an original length (caplen < len = snaplen cut). */
function decodeWith(frame: Buffer, opts: { linkType?: number; pad?: number; len?: number } = {}): Packet {
  const p = new Packet();
  const data = Buffer.alloc(frame.length + 23, opts.pad ?? 0xee);
  frame.copy(data, 7);
  p.data = data;
  p.start = 7;
  p.caplen = frame.length;
  p.len = opts.len ?? frame.length;
  p.linkType = opts.linkType ?? 1;
  p.frameNo = 1;
  decodePacket(p, new DecodeStats());
  return p;
}

/** Every prefix and every one-byte corruption decodes without throwing or reading past the end. */
function expectRobust(frame: Buffer, linkType = 1): void {
  const same = (f: Buffer, len: number, what: string) => {
    const a = describePacket(decodeWith(f, { linkType, pad: 0xee, len }));
    const b = describePacket(decodeWith(f, { linkType, pad: 0x00, len }));
    expect(b, what).toEqual(a);
  };
  for (let n = 0; n <= frame.length; n++) {
    same(frame.subarray(0, n), n, `prefix ${n}`);
    same(frame.subarray(0, n), frame.length, `prefix ${n} of a snaplen-cut frame`);
  }
  for (let i = 0; i < frame.length; i++) {
    for (const v of [0x00, 0xff, frame[i]! ^ 0x0f]) {
      const f = Buffer.from(frame);
      f[i] = v;
      same(f, f.length, `byte ${i} = ${v}`);
    }
  }
}

// Ethernet, IPv4 10.0.0.1 -> 10.0.0.2 protocol 50 (ESP), then the ESP header.
const ESP_V4 = hex(`
  001122334455 66778899aabb 0800
  45 00 0024 1234 0000 40 32 0000 0a000001 0a000002   # total length 36, protocol ESP
  00001000      # SPI
  00000001      # sequence number
  0102030405060708   # encrypted payload
`);

const ESP_V6 = hex(`
  001122334455 66778899aabb 86dd
  60000000 0010 32 40   # payload length 16, next header ESP
  20010db8000000000000000000000001 20010db8000000000000000000000002
  00001000 00000001 0102030405060708
`);

describe('ESP decoder', () => {
  it('stops after the SPI and sequence number (the rest is encrypted)', () => {
    const d = describeFrame(ESP_V4);
    expect(d.layers).toEqual(['eth', 'ipv4', 'esp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_ip).toBe('10.0.0.2');
    expect(d.ip_proto).toBe(50);
    expect(d.proto).toBe('other');
    expect(d.src_port).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
  });

  it('is reached from IPv6 too', () => {
    const d = describeFrame(ESP_V6);
    expect(d.layers).toEqual(['eth', 'ipv6', 'esp']);
    expect(d.ip_proto).toBe(50);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an ESP header shorter than 8 bytes', () => {
    const f = Buffer.from(ESP_V4.subarray(0, 14 + 20 + 4));
    f.writeUInt16BE(24, 14 + 2);
    const d = describeFrame(f);
    expect(d.layers).toEqual(['eth', 'ipv4', 'esp']);
    expect(d.anomalies).toEqual(['esp.pkt_too_small']);
    expect(d.src_ip).toBe('10.0.0.1');
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(ESP_V4);
    expectRobust(ESP_V6);
  });
});
