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

// IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53, 2 payload bytes (30 bytes).
const IPV4_UDP = '45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869';
// IPv6 2001:db8::1 -> ::2, the same UDP datagram (50 bytes).
const IPV6_UDP = `60000000 000a 11 40 20010db8000000000000000000000001 20010db8000000000000000000000002
  3039 0035 000a 0000 6869`;

/** PPTP: Ethernet, IPv4 192.168.0.1 -> 192.168.0.2 protocol GRE, enhanced GRE v1, then `ppp`. */
function pptp(ppp: string): Buffer {
  const body = hex(ppp);
  const total = 20 + 8 + body.length;
  return hex(`
    001122334455 66778899aabb 0800
    45 00 ${total.toString(16).padStart(4, '0')} 0001 0000 40 2f 0000 c0a80001 c0a80002
    2001 880b     # GRE: key present, version 1; protocol PPP
    ${body.length.toString(16).padStart(4, '0')} 0006   # payload length, call id 6
    ${body.toString('hex')}
  `);
}

const FULL = pptp(`ff 03 0021  # address, control, protocol IPv4\n ${IPV4_UDP}`);

describe('PPP decoder', () => {
  it('decodes IPv4 after address/control and a 2-byte protocol (PPTP)', () => {
    const d = describeFrame(FULL);
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.gre_key).toBe(6);
    expect(d.tunnels).toEqual([{ kind: 'gre', src_ip: '192.168.0.1', dest_ip: '192.168.0.2', id: 6 }]);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes with address/control and protocol field compressed (ACFC + PFC)', () => {
    const d = describeFrame(pptp(`21   # protocol IPv4 in one byte\n ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp', 'ipv4', 'udp']);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes IPv6', () => {
    const d = describeFrame(pptp(`0057 ${IPV6_UDP}`));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it('decodes MPLS (0x0281)', () => {
    const d = describeFrame(pptp(`ff03 0281 00010140 ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([16]);
  });

  it('stops quietly at control protocols (LCP)', () => {
    const d = describeFrame(pptp('ff03 c021 09 01 0008 00000000'));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp']);
    expect(d.anomalies).toBeUndefined();
  });

  it.each([
    ['an unsupported network protocol (IPX)', 'ff03 002b 0000', 'ppp.unsup_proto'],
    ['a protocol with an even low octet', 'ff03 0020 0000', 'ppp.wrong_type'],
    ['a frame with no protocol', 'ff03', 'ppp.pkt_too_small'],
    ['half a protocol field', 'ff03 00', 'ppp.pkt_too_small'],
    ['IPv4 shorter than its header', 'ff03 0021 4500 001e', 'ppp.ip4_pkt_too_small'],
    ['IPv6 shorter than its header', `0057 6000 0000 000a 1140`, 'ppp.ip6_pkt_too_small'],
  ])('flags %s', (_what, ppp, anomaly) => {
    const d = describeFrame(pptp(ppp));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'ppp']);
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.src_ip).toBe('192.168.0.1'); // the outer IP stays the innermost one
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(FULL);
    expectRobust(pptp(`21 ${IPV4_UDP}`));
  });
});
