import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP as IPV4_UDP_HEX, IPV6_UDP as IPV6_UDP_HEX } from '../helpers/frames.js';

const LINKTYPE_RAW = 101;
// The shared IPv4 and IPv6 UDP datagrams, with no link header at all.
const IPV4_UDP = hex(IPV4_UDP_HEX);
const IPV6_UDP = hex(IPV6_UDP_HEX);

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
