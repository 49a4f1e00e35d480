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

const LINKTYPE_LINUX_SLL = 113;
// IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53, 2 payload bytes.
const IPV4_UDP = '45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869';

/** SLL header: packet type 0 (to us), ARPHRD_ETHER, 6-byte address padded to 8, `protocol`. */
const sll = (protocol: string) => `0000 0001 0006 66778899aabb 0000 ${protocol}`;

const SLL_IPV4 = hex(`${sll('0800')} ${IPV4_UDP}`);

describe('Linux cooked (SLL) decoder', () => {
  it('decodes IPv4', () => {
    const d = describeFrame(SLL_IPV4, LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll', 'ipv4', 'udp']);
    expect(d.src_mac).toBeUndefined();
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes ARP (as tcpdump -i any writes it)', () => {
    const d = describeFrame(
      hex(`
      0001 0001 0006 cc2de0261999 0000 0806   # broadcast, ARPHRD_ETHER, address, ARP
      0001 0800 06 04 0001 cc2de0261999 c0a81601 000000000000 c0a816a0
      0000 0000 0000 0000 0000 0000 0000 0000 0000
    `),
      LINKTYPE_LINUX_SLL,
    );
    expect(d.layers).toEqual(['sll', 'arp']);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes a VLAN tag carried as the protocol', () => {
    const d = describeFrame(hex(`${sll('8100')} 0064 0800 ${IPV4_UDP}`), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll', 'vlan', 'ipv4', 'udp']);
    expect(d.vlan).toEqual([100]);
  });

  it('stops quietly at Linux pseudo-protocols (0x0004 = 802.2 LLC)', () => {
    const d = describeFrame(hex(`${sll('0004')} 424203 0000`), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll']);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an unknown EtherType', () => {
    const d = describeFrame(hex(`${sll('88b5')} 0000`), LINKTYPE_LINUX_SLL);
    expect(d.anomalies).toEqual(['ethernet.unknown_ethertype']);
  });

  it('flags a header cut short', () => {
    const d = describeFrame(SLL_IPV4.subarray(0, 15), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll']);
    expect(d.anomalies).toEqual(['sll.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(SLL_IPV4, LINKTYPE_LINUX_SLL);
  });
});
