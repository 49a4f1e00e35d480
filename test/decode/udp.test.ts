// UDP decoder: header, length field checks, and the dispatch to UDP tunnels by destination port.

import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as decodeJson, decodeWith, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, h16, ipv4, ipv6, V4_A, V4_B, V6_A, V6_B } from '../helpers/frames.js';

/** Ethernet + IPv4 192.0.2.1 -> 192.0.2.2 around a hand-written UDP header and payload. */
const udpFrame = (udp: string) => hex(eth('0800', ipv4(17, V4_A, V4_B, udp)));

const DNS = `
  cf08 0035          # ports 53000 -> 53
  0014 0000          # length 20, checksum 0 (none)
  1234 0100 0001 0000 0000 0000  # 12 bytes of DNS header
`;
/** Inner packet for tunnel dispatch: 10.0.0.1 -> 10.0.0.2 ICMP echo request. */
const INNER = eth('0800', ipv4(1, '0a000001', '0a000002', '08 00 0000 1234 0001  # echo request id 0x1234 seq 1'));

describe('udp', () => {
  it('decodes a datagram over IPv4', () => {
    const frame = udpFrame(DNS);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/udp');
    expect(d).toMatchObject({
      src_ip: '192.0.2.1',
      dest_ip: '192.0.2.2',
      proto: 'udp',
      src_port: 53000,
      dest_port: 53,
    });
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.udpLen).toBe(20);
    expect(p.l4Off - p.start).toBe(34);
    expect(p.payloadOff - p.start).toBe(42);
    expect(p.payloadLen).toBe(12);
  });

  it('decodes a datagram over IPv6', () => {
    const d = decodeJson(hex(eth('86dd', ipv6(17, V6_A, V6_B, DNS))));
    expect(d.layers.join('/')).toBe('eth/ipv6/udp');
    expect(d).toMatchObject({ src_ip: '2001:db8::1', src_port: 53000, dest_port: 53 });
    expect(d.anomalies).toBeUndefined();
  });

  describe('malformed', () => {
    it('shows the ports of a 4-byte header and stops with udp.hlen_too_small', () => {
      expect(decodeJson(udpFrame('cf08 0035  # ports only'))).toMatchObject({
        src_port: 53000,
        dest_port: 53,
        anomalies: ['udp.hlen_too_small'],
      });
      const d = decodeJson(udpFrame('cf08 00'));
      expect(d.src_port).toBeUndefined();
      expect(d.anomalies).toEqual(['udp.hlen_too_small']);
    });

    it('rejects a length field below the header size (udp.len_invalid)', () => {
      const p = decodeFrame(udpFrame('cf08 0035 0007 0000 0000  # length 7'));
      expect(describePacket(p)).toMatchObject({ src_port: 53000, anomalies: ['udp.len_invalid'] });
      expect(p.invalid).toBe(true);
      expect(p.payloadOff).toBe(-1);
    });

    it('rejects a length field longer than the datagram (udp.pkt_too_small), ports kept', () => {
      const p = decodeFrame(udpFrame('cf08 12b5 0028 0000 0800000000000100  # to 4789, length 40, 16 bytes'));
      expect(describePacket(p)).toMatchObject({ dest_port: 4789, anomalies: ['udp.pkt_too_small'] });
      expect(describePacket(p).layers.join('/')).toBe('eth/ipv4/udp');
      expect(p.invalid).toBe(true);
    });

    it('notes bytes after the UDP length (udp.hlen_invalid) and keeps the payload to the length', () => {
      const p = decodeFrame(udpFrame('cf08 0035 000c 0000 aabbccdd 11223344  # length 12, 16 bytes'));
      expect(describePacket(p).anomalies).toEqual(['udp.hlen_invalid']);
      expect(p.invalid).toBe(false);
      expect(p.payloadLen).toBe(4);
    });

    it('accepts a datagram cut by the snap length and keeps what was captured', () => {
      const full = udpFrame(DNS);
      const p = decodeWith(full.subarray(0, full.length - 8), { len: full.length });
      expect(describePacket(p)).toMatchObject({ src_port: 53000, dest_port: 53 });
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.payloadLen).toBe(4);
    });

    it('takes the length from the datagram for a GSO/jumbo super-packet (length field 0)', () => {
      const payload = 'ab'.repeat(70000);
      const frame = hex(`020000000002 020000000001 0800
        45 00 0000 0001 0000 40 11 0000 c0000201 c0000202  # IPv4, total length 0 (TSO/GSO)
        cf08 0035 0000 0000                                # UDP length 0
        ${payload}`);
      const p = decodeFrame(frame);
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.payloadLen).toBe(70000);
    });
  });

  describe('tunnel dispatch', () => {
    it('hands destination port 4789 to VXLAN', () => {
      const d = decodeJson(
        udpFrame(`cf08 12b5 ${h16(8 + 8 + hex(INNER).length)} 0000  # -> 4789
        08000000 00006400  # VXLAN, VNI 100
        ${INNER}`),
      );
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'icmp', vni: 100 });
      expect(d.src_port).toBeUndefined();
    });

    it('does not look at the source port (RFC 7348)', () => {
      const d = decodeJson(
        udpFrame(`12b5 cf08 ${h16(8 + 8 + hex(INNER).length)} 0000  # 4789 -> 53000
        08000000 00006400
        ${INNER}`),
      );
      expect(d.layers.join('/')).toBe('eth/ipv4/udp');
      expect(d).toMatchObject({ src_port: 4789, dest_port: 53000 });
    });

    it('hands destination port 6081 to Geneve', () => {
      const d = decodeJson(
        udpFrame(`cf08 17c1 ${h16(8 + 8 + hex(INNER).length)} 0000  # -> 6081
        0000 6558 00000100  # Geneve, Ethernet, VNI 1
        ${INNER}`),
      );
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/eth/ipv4/icmp');
      expect(d.vni).toBe(1);
    });

    it('does not decode a tunnel from a first fragment', () => {
      const frame = hex(`020000000002 020000000001 0800
        45 00 0034 0001 2000 40 11 0000 c0000201 c0000202  # IPv4, 52 bytes, MF set, offset 0
        cf08 12b5 0100 0000                                # -> 4789, length 256 (whole datagram)
        08000000 00006400  0000000000000000 0000000000000000  # VXLAN + start of the inner frame
      `);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/udp');
      expect(d).toMatchObject({ src_port: 53000, dest_port: 4789 });
      expect(d.anomalies).toBeUndefined();
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = udpFrame(`cf08 12b5 ${h16(8 + 8 + hex(INNER).length)} 0000 08000000 00006400 ${INNER}`);
    expectTruncationSafe(frame);
  });
});
