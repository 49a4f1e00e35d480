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

const LINKTYPE_LINUX_SLL2 = 276;
// IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53, 2 payload bytes.
const IPV4_UDP = '45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869';

/** SLL2 header: `protocol`, reserved, ifindex 2, ARPHRD_ETHER, outgoing, 6-byte address padded to 8. */
const sll2 = (protocol: string) => `${protocol} 0000 00000002 0001 04 06 aa763071b0e7 0000`;

const SLL2_IPV4 = hex(`${sll2('0800')} ${IPV4_UDP}`);

describe('Linux cooked v2 (SLL2) decoder', () => {
  it('decodes IPv4', () => {
    const d = describeFrame(SLL2_IPV4, LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes IPv6', () => {
    const d = describeFrame(
      hex(`${sll2('86dd')} 60000000 000a 11 40
        20010db8000000000000000000000001 20010db8000000000000000000000002 3039 0035 000a 0000 6869`),
      LINKTYPE_LINUX_SLL2,
    );
    expect(d.layers).toEqual(['sll2', 'ipv6', 'udp']);
  });

  it('stops quietly at Linux pseudo-protocols (0x0004 = 802.2 LLC)', () => {
    const d = describeFrame(hex(`${sll2('0004')} 424203 0000`), LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2']);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an unknown EtherType', () => {
    expect(describeFrame(hex(`${sll2('88b5')} 0000`), LINKTYPE_LINUX_SLL2).anomalies).toEqual([
      'ethernet.unknown_ethertype',
    ]);
  });

  it('flags a header cut short', () => {
    const d = describeFrame(SLL2_IPV4.subarray(0, 19), LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2']);
    expect(d.anomalies).toEqual(['sll2.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(SLL2_IPV4, LINKTYPE_LINUX_SLL2);
  });
});
