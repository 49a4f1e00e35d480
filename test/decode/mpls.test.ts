import { describe, expect, it } from 'vitest';
import { MAX_MPLS_LABELS } from '../../src/core/packet.js';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP, IPV6_UDP } from '../helpers/frames.js';

const ETH = '001122334455 66778899aabb 8847'; // dst MAC, src MAC, EtherType MPLS unicast

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
