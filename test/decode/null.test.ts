import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP } from '../helpers/frames.js';

const LINKTYPE_NULL = 0;
const LINKTYPE_LOOP = 108;
// IPv6 ::1 -> ::1, the same UDP datagram.
const IPV6_UDP = `60000000 000a 11 40 00000000000000000000000000000001 00000000000000000000000000000001
  3039 0035 000a 0000 6869`;

const LE_IPV4 = hex(`02000000   # AF_INET, little-endian (x86 capture)\n ${IPV4_UDP}`);

describe('BSD loopback (NULL / LOOP) decoder', () => {
  it('decodes AF_INET written little-endian', () => {
    const d = describeFrame(LE_IPV4, LINKTYPE_NULL);
    expect(d.layers).toEqual(['null', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes AF_INET written big-endian', () => {
    expect(describeFrame(hex(`00000002 ${IPV4_UDP}`), LINKTYPE_NULL).layers).toEqual(['null', 'ipv4', 'udp']);
  });

  it.each([
    ['Linux', '0a000000'],
    ['Windows', '17000000'],
    ['NetBSD/OpenBSD', '18000000'],
    ['Solaris', '1a000000'],
    ['FreeBSD', '1c000000'],
    ['macOS', '1e000000'],
    ['FreeBSD, big-endian host', '0000001c'],
  ])('decodes AF_INET6 as %s numbers it', (_os, family) => {
    const d = describeFrame(hex(`${family} ${IPV6_UDP}`), LINKTYPE_NULL);
    expect(d.layers).toEqual(['null', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('::1');
  });

  it('reads LOOP (108) in network byte order only', () => {
    expect(describeFrame(hex(`00000002 ${IPV4_UDP}`), LINKTYPE_LOOP).layers).toEqual(['null', 'ipv4', 'udp']);
    expect(describeFrame(hex(`00000018 ${IPV6_UDP}`), LINKTYPE_LOOP).layers).toEqual(['null', 'ipv6', 'udp']);
    expect(describeFrame(LE_IPV4, LINKTYPE_LOOP).anomalies).toEqual(['ltnull.unsupported_type']);
  });

  it('flags an address family that carries no IP', () => {
    const d = describeFrame(hex(`07000000 ${IPV4_UDP}`), LINKTYPE_NULL);
    expect(d.layers).toEqual(['null']);
    expect(d.anomalies).toEqual(['ltnull.unsupported_type']);
  });

  it('flags a header cut short', () => {
    expect(describeFrame(hex('020000'), LINKTYPE_NULL).anomalies).toEqual(['ltnull.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(LE_IPV4, LINKTYPE_NULL);
    expectRobust(hex(`0000001e ${IPV6_UDP}`), LINKTYPE_LOOP);
  });
});
