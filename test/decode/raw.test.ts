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

const LINKTYPE_RAW = 101;
// IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53, 2 payload bytes; no link header at all.
const IPV4_UDP = hex('45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869');
// IPv6 2001:db8::1 -> ::2, the same UDP datagram.
const IPV6_UDP = hex(`60000000 000a 11 40 20010db8000000000000000000000001 20010db8000000000000000000000002
  3039 0035 000a 0000 6869`);

describe('raw IP decoder', () => {
  it('decodes IPv4 by its version nibble', () => {
    const d = describeFrame(IPV4_UDP, LINKTYPE_RAW);
    expect(d.layers).toEqual(['raw', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes IPv6 by its version nibble', () => {
    const d = describeFrame(IPV6_UDP, LINKTYPE_RAW);
    expect(d.layers).toEqual(['raw', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it.each([12, 14])('decodes the BSD DLT_RAW value %i the same way', (linkType) => {
    expect(describeFrame(IPV4_UDP, linkType).layers).toEqual(['raw', 'ipv4', 'udp']);
  });

  it('flags a version that is neither 4 nor 6', () => {
    const f = Buffer.from(IPV4_UDP);
    f[0] = 0x55;
    const d = describeFrame(f, LINKTYPE_RAW);
    expect(d.layers).toEqual(['raw']);
    expect(d.anomalies).toEqual(['ipraw.invalid_ip_version']);
  });

  it('flags an empty frame', () => {
    expect(describeFrame(Buffer.alloc(0), LINKTYPE_RAW).anomalies).toEqual(['ipv4.pkt_too_small']);
  });

  it('leaves a short IP header to the IP decoder', () => {
    const d = describeFrame(IPV6_UDP.subarray(0, 20), LINKTYPE_RAW);
    expect(d.layers).toEqual(['raw', 'ipv6']);
    expect(d.anomalies).toEqual(['ipv6.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(IPV4_UDP, LINKTYPE_RAW);
    expectRobust(IPV6_UDP, LINKTYPE_RAW);
  });
});
