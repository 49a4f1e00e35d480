import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, decodeWith, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP, IPV6_UDP } from '../helpers/frames.js';

const SESSION = '001122334455 66778899aabb 8864'; // dst MAC, src MAC, EtherType PPPoE session
const DISCOVERY = 'ffffffffffff 66778899aabb 8863'; // broadcast, src MAC, EtherType PPPoE discovery

const SESSION_IPV4 = hex(`
  ${SESSION}
  11 00         # version 1, type 1, code 0 (session data)
  0017          # session id 0x17
  0020          # length 32: PPP protocol + IPv4 datagram
  0021          # PPP protocol IPv4
  ${IPV4_UDP}
`);

// RFC 2516 PADI: Service-Name tag (empty) and Host-Uniq, then Ethernet padding.
const PADI = hex(`
  ${DISCOVERY}
  11 09 0000 000c     # PADI, session 0, length 12
  0101 0000           # Service-Name, empty
  0103 0004 00001761  # Host-Uniq
  0000000000000000 0000000000000000 0000000000000000 00000000  # padding
`);

describe('PPPoE session decoder', () => {
  it('decodes IPv4 in a session', () => {
    const p = decodeFrame(SESSION_IPV4);
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'pppoe', 'ppp', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
    expect(p.pppoeSession).toBe(0x17);
  });

  it('decodes IPv6 in a session', () => {
    const d = describeFrame(hex(`${SESSION} 11 00 0017 0034 0057 ${IPV6_UDP}`));
    expect(d.layers).toEqual(['eth', 'pppoe', 'ppp', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it('ignores Ethernet padding after the PPPoE payload', () => {
    const p = decodeFrame(Buffer.concat([SESSION_IPV4, Buffer.alloc(8, 0xab)]));
    expect(describePacket(p).anomalies).toBeUndefined();
    expect(p.l3End - p.l3Off).toBe(30);
  });

  it('stops quietly at PPP control traffic (LCP echo)', () => {
    const d = describeFrame(hex(`${SESSION} 11 00 0017 000e c021 09 6a 000c a4cbea34 0ee2f609`));
    expect(d.layers).toEqual(['eth', 'pppoe', 'ppp']);
    expect(d.proto).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
  });

  it.each([
    ['a header cut short', hex(`${SESSION} 11 00 0017`), 'pppoe.pkt_too_small'],
    [
      'a discovery code on the session EtherType',
      hex(`${SESSION} 11 09 0017 0020 0021 ${IPV4_UDP}`),
      'pppoe.wrong_code',
    ],
    ['version/type other than 1/1', hex(`${SESSION} 21 00 0017 0020 0021 ${IPV4_UDP}`), 'pppoe.unsupported_version'],
    [
      'a length too short for the PPP protocol',
      hex(`${SESSION} 11 00 0017 0001 0021 ${IPV4_UDP}`),
      'pppoe.pkt_too_small',
    ],
  ])('flags %s', (_what, frame, anomaly) => {
    const d = describeFrame(frame);
    expect(d.layers).toEqual(['eth', 'pppoe']);
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.src_ip).toBeUndefined();
  });

  it('decodes what is there when the length runs past the frame', () => {
    const d = describeFrame(hex(`${SESSION} 11 00 0017 0400 0021 ${IPV4_UDP}`));
    expect(d.dest_port).toBe(53);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(SESSION_IPV4);
  });
});

describe('PPPoE discovery decoder', () => {
  it('decodes a PADI as a leaf', () => {
    const p = decodeFrame(PADI);
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'pppoe_disc']);
    expect(d.src_ip).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    expect(p.pppoeSession).toBe(0);
  });

  it('records the session id of a PADS', () => {
    const p = decodeFrame(hex(`${DISCOVERY} 11 65 0002 0008 0101 0004 74657374`));
    expect(p.pppoeSession).toBe(2);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it('stops at the End-Of-List tag', () => {
    expect(describeFrame(hex(`${DISCOVERY} 11 a7 0002 0008 0000 0000 ffff ffff`)).anomalies).toBeUndefined();
  });

  it.each([
    ['a header cut short', hex(`${DISCOVERY} 11 09 00`), 'pppoe.pkt_too_small'],
    ['an unknown code', hex(`${DISCOVERY} 11 bb 0000 0004 0101 0000`), 'pppoe.wrong_code'],
    ['version/type other than 1/1', hex(`${DISCOVERY} 22 09 0000 0004 0101 0000`), 'pppoe.unsupported_version'],
    ['a length past the frame', hex(`${DISCOVERY} 11 09 0000 0040 0101 0000`), 'pppoe.malformed_tags'],
    ['a tag running past the payload', hex(`${DISCOVERY} 11 09 0000 0008 0101 0010 0000 0000`), 'pppoe.malformed_tags'],
    ['a tag header cut by the payload end', hex(`${DISCOVERY} 11 09 0000 0006 0101 0000 0103`), 'pppoe.malformed_tags'],
  ])('flags %s', (_what, frame, anomaly) => {
    const d = describeFrame(frame);
    expect(d.layers).toEqual(['eth', 'pppoe_disc']);
    expect(d.anomalies).toEqual([anomaly]);
  });

  it('does not call tags cut by the snaplen malformed', () => {
    const d = describePacket(decodeWith(PADI.subarray(0, 14 + 10), { len: PADI.length }));
    expect(d.anomalies).toBeUndefined();
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(PADI);
  });
});
