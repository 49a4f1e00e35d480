import { describe, expect, it } from 'vitest';
import { MAX_MPLS_LABELS, Packet } from '../../src/core/packet.js';
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

const ETH = '001122334455 66778899aabb 8847'; // dst MAC, src MAC, EtherType MPLS unicast
// IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53, 2 payload bytes.
const IPV4_UDP = '45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869';
// IPv6 2001:db8::1 -> ::2, the same UDP datagram.
const IPV6_UDP = `60000000 000a 11 40 20010db8000000000000000000000001 20010db8000000000000000000000002
  3039 0035 000a 0000 6869`;

// A label stack entry: label (20 bits), TC 0, S bit, TTL 64.
const entry = (label: number, bottom: boolean) =>
  ((label << 12) | (bottom ? 0x100 : 0) | 0x40).toString(16).padStart(8, '0');

const ONE_LABEL = hex(`${ETH} ${entry(16, true)}  ${IPV4_UDP}`);

describe('MPLS decoder', () => {
  it('decodes one label and guesses IPv4 from the first nibble', () => {
    const d = describeFrame(ONE_LABEL);
    expect(d.layers).toEqual(['eth', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([16]);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.tunnels).toBeUndefined(); // MPLS over Ethernet has no outer IP to keep
    expect(d.anomalies).toBeUndefined();
  });

  it('walks a label stack to the bottom-of-stack bit', () => {
    const d = describeFrame(hex(`${ETH} ${entry(1000, false)} ${entry(16, false)} ${entry(17, true)} ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([1000, 16, 17]);
  });

  it('decodes the multicast EtherType 0x8848', () => {
    const d = describeFrame(hex(`001122334455 66778899aabb 8848 ${entry(16, true)} ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'mpls', 'ipv4', 'udp']);
  });

  it('guesses IPv6 from the first nibble', () => {
    const d = describeFrame(hex(`${ETH} ${entry(16, true)} ${IPV6_UDP}`));
    expect(d.layers).toEqual(['eth', 'mpls', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it('trusts the explicit-null labels: 0 is IPv4, 2 is IPv6', () => {
    expect(describeFrame(hex(`${ETH} ${entry(0, true)} ${IPV4_UDP}`)).layers).toEqual(['eth', 'mpls', 'ipv4', 'udp']);
    expect(describeFrame(hex(`${ETH} ${entry(2, true)} ${IPV6_UDP}`)).layers).toEqual(['eth', 'mpls', 'ipv6', 'udp']);
    // The label decides even when the nibble would not: IPv4 explicit null over a "version 6" header.
    const d = describeFrame(hex(`${ETH} ${entry(0, true)} ${IPV6_UDP}`));
    expect(d.layers).toEqual(['eth', 'mpls', 'ipv4']);
    expect(d.anomalies).toEqual(['ipv4.wrong_ip_version']);
  });

  it('decodes an Ethernet pseudowire after a control word (first nibble 0)', () => {
    const d = describeFrame(
      hex(`
      ${ETH} ${entry(100, true)}
      00000000                                 # PW control word (RFC 4385)
      aabbccddeeff 112233445566 0800           # inner Ethernet
      ${IPV4_UDP}
    `),
    );
    expect(d.layers).toEqual(['eth', 'mpls', 'pw', 'eth', 'ipv4', 'udp']);
    expect(d.src_mac).toBe('66:77:88:99:aa:bb'); // the outer Ethernet header
    expect(d.mpls).toEqual([100]);
    expect(d.dest_port).toBe(53);
  });

  it('flags a payload it cannot guess', () => {
    const d = describeFrame(hex(`${ETH} ${entry(16, true)} 5000 0000 0000 0000`));
    expect(d.layers).toEqual(['eth', 'mpls']);
    expect(d.anomalies).toEqual(['mpls.unknown_payload_type']);
  });

  it.each([
    ['router alert', 1, 'mpls.bad_label_router_alert'],
    ['implicit null', 3, 'mpls.bad_label_implicit_null'],
    ['another reserved label', 7, 'mpls.bad_label_reserved'],
  ])('flags %s at the bottom of the stack and still decodes the payload', (_what, label, anomaly) => {
    const d = describeFrame(hex(`${ETH} ${entry(label, true)} ${IPV4_UDP}`));
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.dest_port).toBe(53);
  });

  it('flags a label entry cut short', () => {
    expect(describeFrame(hex(`${ETH} 000101`)).anomalies).toEqual(['mpls.header_too_small']);
  });

  it('flags a stack that runs off the end without a bottom-of-stack bit', () => {
    const d = describeFrame(hex(`${ETH} ${entry(16, false)} ${entry(17, false)}`));
    expect(d.anomalies).toEqual(['mpls.header_too_small']);
    expect(d.mpls).toEqual([16, 17]);
  });

  it('flags a payload too short to guess', () => {
    const d = describeFrame(hex(`${ETH} ${entry(16, true)} 4500`));
    expect(d.layers).toEqual(['eth', 'mpls']);
    expect(d.anomalies).toEqual(['mpls.pkt_too_small']);
  });

  it(`stops after ${MAX_MPLS_LABELS} labels`, () => {
    const stack = Array.from({ length: MAX_MPLS_LABELS + 1 }, (_, i) => entry(16 + i, i === MAX_MPLS_LABELS));
    const d = describeFrame(hex(`${ETH} ${stack.join(' ')} ${IPV4_UDP}`));
    expect(d.anomalies).toEqual(['mpls.too_many_labels']);
    expect(d.mpls).toHaveLength(MAX_MPLS_LABELS);
    expect(d.src_ip).toBeUndefined();
  });

  it('stops a pseudowire nested in itself (a decoder loop) without throwing', () => {
    // Each level: MPLS label, control word, Ethernet header whose EtherType is MPLS again.
    const level = `${entry(16, true)} 00000000 001122334455 66778899aabb 8847`;
    const d = describeFrame(hex(`${ETH} ${Array(20).fill(level).join(' ')} ${entry(16, true)} ${IPV4_UDP}`));
    expect(d.anomalies?.some((a) => a === 'mpls.too_many_labels' || a === 'generic.too_many_layers')).toBe(true);
  });

  it('flags a control word cut short', () => {
    const d = describeFrame(hex(`${ETH} ${entry(16, true)} 0000 00`));
    expect(d.layers).toEqual(['eth', 'mpls']);
    expect(d.anomalies).toEqual(['mpls.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(ONE_LABEL);
    expectRobust(
      hex(`${ETH} ${entry(16, false)} ${entry(100, true)} 00000000 aabbccddeeff 112233445566 0800 ${IPV4_UDP}`),
    );
  });
});
