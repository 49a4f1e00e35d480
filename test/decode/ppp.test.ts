import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP, IPV6_UDP } from '../helpers/frames.js';

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
