// ICMPv4 decoder: type/code checks, echo identifiers, and the IPv4 header quoted by errors.

import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv4, V4_A, V4_B } from '../helpers/frames.js';

/** Ethernet II + IPv4 (192.0.2.1 -> 192.0.2.2, protocol 1, checksum left 0) around an ICMP message. */
const icmpFrame = (icmp: string) => hex(eth('0800', ipv4(1, V4_A, V4_B, icmp)));

/** The datagram an error quotes: IPv4 192.0.2.2 -> 192.0.2.1 UDP 54321 -> 53. */
const QUOTED_UDP = `
  45 00 0030 0002 0000 40 11 0000 c0000202 c0000201  # quoted IPv4 header
  d431 0035 001c 0000                                # quoted UDP header
`;

describe('icmp', () => {
  it('decodes an echo request: type, code, identifier, sequence', () => {
    const frame = icmpFrame('08 00 0000 1234 0001 61626364  # echo request id 0x1234 seq 1, "abcd"');
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/icmp');
    expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', proto: 'icmp', icmp_type: 8, icmp_code: 0 });
    expect(d.src_port).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.icmpId).toBe(0x1234);
    expect(p.icmpSeq).toBe(1);
    expect(p.payloadLen).toBe(4);
    expect(p.icmpInnerOff).toBe(-1);
  });

  it('keeps the outer IP as the innermost layer of an error and records the quoted header', () => {
    const frame = icmpFrame(`03 03 0000 00000000  # port unreachable ${QUOTED_UDP}`);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/icmp');
    expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', icmp_type: 3, icmp_code: 3 });
    expect(d.src_port).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.icmpInnerOff - p.start).toBe(14 + 20 + 8);
    expect(p.icmpId).toBe(-1);
  });

  it('checks the quote of time exceeded, redirect, parameter problem and source quench', () => {
    for (const head of ['0b 00 0000 00000000', '05 01 0000 c0000203', '0c 00 0000 14000000', '04 00 0000 00000000']) {
      const p = decodeFrame(icmpFrame(`${head}\n${QUOTED_UDP}`));
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.icmpInnerOff).toBeGreaterThan(0);
    }
  });

  it('decodes the other query types with identifiers', () => {
    for (const type of ['0d', '0e', '0f', '10', '11', '12', '00']) {
      const p = decodeFrame(icmpFrame(`${type} 00 0000 0042 0007 000000000000000000000000`));
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.icmpId).toBe(0x42);
      expect(p.icmpSeq).toBe(7);
    }
    expect(decodeJson(icmpFrame('09 10 0000 00000000  # router advertisement, code 16')).anomalies).toBeUndefined();
    expect(decodeJson(icmpFrame('2a 00 0000 00000000  # extended echo request')).anomalies).toBeUndefined();
  });

  describe('unknown types and codes', () => {
    it('flags an undefined type (icmpv4.unknown_type)', () => {
      const d = decodeJson(icmpFrame('63 00 0000 00000000  # type 99'));
      expect(d).toMatchObject({ icmp_type: 99, anomalies: ['icmpv4.unknown_type'] });
    });

    it('flags undefined codes (icmpv4.unknown_code) and then leaves the quote alone', () => {
      expect(decodeJson(icmpFrame('08 01 0000 1234 0001  # echo code 1')).anomalies).toEqual(['icmpv4.unknown_code']);
      expect(decodeJson(icmpFrame('09 01 0000 00000000  # router advertisement code 1')).anomalies).toEqual([
        'icmpv4.unknown_code',
      ]);
      const p = decodeFrame(icmpFrame(`03 10 0000 00000000  # unreachable code 16 ${QUOTED_UDP}`));
      expect(describePacket(p).anomalies).toEqual(['icmpv4.unknown_code']);
      expect(p.icmpInnerOff).toBe(-1);
      expect(p.invalid).toBe(false);
    });
  });

  describe('malformed', () => {
    it('shows type and code of a 4-byte message and stops with icmpv4.pkt_too_small', () => {
      expect(decodeJson(icmpFrame('08 00 0000'))).toMatchObject({
        icmp_type: 8,
        icmp_code: 0,
        anomalies: ['icmpv4.pkt_too_small'],
      });
      expect(decodeJson(icmpFrame('08')).icmp_type).toBeUndefined();
    });

    it('rejects a quote too short for an IPv4 header (icmpv4.ipv4_trunc_pkt)', () => {
      const p = decodeFrame(icmpFrame('03 01 0000 00000000  45 00 0030 0002 0000 40 11  # 10 bytes quoted'));
      expect(describePacket(p).anomalies).toEqual(['icmpv4.ipv4_trunc_pkt']);
      expect(p.invalid).toBe(true);
      expect(p.icmpInnerOff).toBe(-1);
    });

    it('rejects a quote that is not IPv4 (icmpv4.ipv4_unknown_ver)', () => {
      const d = decodeJson(icmpFrame('0b 00 0000 00000000  65 00 0030 0002 0000 40 11 0000 c0000202 c0000201'));
      expect(d.anomalies).toEqual(['icmpv4.ipv4_unknown_ver']);
    });

    it('notes a quoted header shorter than its IHL (icmpv4.trunc_inner)', () => {
      const p = decodeFrame(icmpFrame('03 03 0000 00000000  46 00 0030 0002 0000 40 11 0000 c0000202 c0000201'));
      expect(describePacket(p).anomalies).toEqual(['icmpv4.trunc_inner']);
      expect(p.icmpInnerOff).toBeGreaterThan(0);
      expect(p.invalid).toBe(false);
    });

    it('accepts an error that quotes nothing (as Suricata)', () => {
      const p = decodeFrame(icmpFrame('03 03 0000 00000000'));
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.icmpInnerOff).toBe(-1);
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = icmpFrame(`03 03 0000 00000000 ${QUOTED_UDP}`);
    expectTruncationSafe(frame);
  });
});
