// ICMPv6 decoder: type classes (Suricata's unknown / unassigned / experimentation), codes,
// MLD hop limit, echo identifiers, and the IPv6 header quoted by errors.

import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv6, V6_A, V6_B } from '../helpers/frames.js';

/** Ethernet II + IPv6 (2001:db8::1 -> 2001:db8::2, next header 58) around an ICMPv6 message. */
const icmpv6Frame = (icmp: string, hopLimit = 64) => hex(eth('86dd', ipv6(58, V6_A, V6_B, icmp, hopLimit)));

/** The packet an error quotes: IPv6 2001:db8::2 -> 2001:db8::1 UDP 54321 -> 53. */
const QUOTED_UDP = `
  60000000 0008 11 40 20010db8000000000000000000000002 20010db8000000000000000000000001  # quoted IPv6
  d431 0035 0008 0000                                                                    # quoted UDP
`;
const anomaliesOf = (icmp: string, hopLimit?: number) => decodeJson(icmpv6Frame(icmp, hopLimit)).anomalies;

describe('icmpv6', () => {
  it('decodes an echo request: type, code, identifier, sequence', () => {
    const frame = icmpv6Frame('80 00 0000 1234 0001 61626364  # echo request id 0x1234 seq 1, "abcd"');
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv6/icmpv6');
    expect(d).toMatchObject({ src_ip: '2001:db8::1', dest_ip: '2001:db8::2', proto: 'icmpv6' });
    expect(d).toMatchObject({ icmp_type: 128, icmp_code: 0 });
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.icmpId).toBe(0x1234);
    expect(p.icmpSeq).toBe(1);
    expect(p.payloadLen).toBe(4);
  });

  it('keeps the outer IP as the innermost layer of an error and records the quoted header', () => {
    const frame = icmpv6Frame(`01 04 0000 00000000  # port unreachable ${QUOTED_UDP}`);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv6/icmpv6');
    expect(d).toMatchObject({ src_ip: '2001:db8::1', dest_ip: '2001:db8::2', icmp_type: 1, icmp_code: 4 });
    expect(d.src_port).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.icmpInnerOff - p.start).toBe(14 + 40 + 8);
  });

  it('checks the quote of packet too big, time exceeded and parameter problem', () => {
    for (const head of ['02 00 0000 000005dc', '03 01 0000 00000000', '04 01 0000 00000028']) {
      const p = decodeFrame(icmpv6Frame(`${head}\n${QUOTED_UDP}`));
      expect(describePacket(p).anomalies).toBeUndefined();
      expect(p.icmpInnerOff).toBeGreaterThan(0);
    }
  });

  it('knows neighbor discovery, router renumbering, RPL and extended echo', () => {
    expect(
      anomaliesOf('87 00 0000 00000000 20010db8000000000000000000000002  # neighbor solicitation'),
    ).toBeUndefined();
    expect(anomaliesOf('86 00 0000 40 00 0708 00000000 00000000  # router advertisement')).toBeUndefined();
    expect(anomaliesOf('8a ff 0000 00000000  # router renumbering, sequence number reset')).toBeUndefined();
    expect(anomaliesOf('9b 80 0000 00000000  # RPL, secure DIS')).toBeUndefined();
    expect(anomaliesOf('a1 04 0000 00000000  # extended echo reply, multiple interfaces')).toBeUndefined();
  });

  describe('MLD hop limit', () => {
    const REPORT = '83 00 0000 0000 0000 ff020000000000000000000000000001  # MLDv1 report';
    it('accepts MLD sent with hop limit 1', () => {
      expect(anomaliesOf(REPORT, 1)).toBeUndefined();
      expect(anomaliesOf('8f 00 0000 0000 0000  # MLDv2 report, no records', 1)).toBeUndefined();
    });
    it('flags MLD with another hop limit (icmpv6.mld_message_with_invalid_hl)', () => {
      expect(anomaliesOf(REPORT, 64)).toEqual(['icmpv6.mld_message_with_invalid_hl']);
      expect(anomaliesOf('82 00 0000 0000 0000 ff020000000000000000000000000001  # done', 255)).toEqual([
        'icmpv6.mld_message_with_invalid_hl',
      ]);
    });
  });

  describe('unlisted types and codes (Suricata classes)', () => {
    it('reserved 0 and 127 are unknown, 100/101/200/201 experimental, the rest unassigned', () => {
      expect(anomaliesOf('00 00 0000 00000000')).toEqual(['icmpv6.unknown_type']);
      expect(anomaliesOf('7f 00 0000 00000000')).toEqual(['icmpv6.unknown_type']);
      for (const t of ['64', '65', 'c8', 'c9']) {
        expect(anomaliesOf(`${t} 00 0000 00000000`)).toEqual(['icmpv6.experimentation_type']);
      }
      for (const t of ['05', '32', '66', 'a2', 'd2', 'ff']) {
        expect(anomaliesOf(`${t} 00 0000 00000000`)).toEqual(['icmpv6.unassigned_type']);
      }
    });

    it('flags undefined codes and then leaves the quote alone', () => {
      expect(anomaliesOf('80 01 0000 1234 0001  # echo code 1')).toEqual(['icmpv6.unknown_code']);
      expect(anomaliesOf('87 01 0000 00000000 20010db8000000000000000000000002')).toEqual(['icmpv6.unknown_code']);
      expect(anomaliesOf('8a 02 0000 00000000  # router renumbering code 2')).toEqual(['icmpv6.unknown_code']);
      expect(anomaliesOf('9b 10 0000 00000000  # RPL code 16')).toEqual(['icmpv6.unknown_code']);
      const p = decodeFrame(icmpv6Frame(`03 02 0000 00000000  # time exceeded code 2 ${QUOTED_UDP}`));
      expect(describePacket(p).anomalies).toEqual(['icmpv6.unknown_code']);
      expect(p.icmpInnerOff).toBe(-1);
    });
  });

  describe('malformed', () => {
    it('shows type and code of a 4-byte message and stops with icmpv6.pkt_too_small', () => {
      expect(decodeJson(icmpv6Frame('80 00 0000'))).toMatchObject({
        icmp_type: 128,
        icmp_code: 0,
        anomalies: ['icmpv6.pkt_too_small'],
      });
      expect(decodeJson(icmpv6Frame('80')).icmp_type).toBeUndefined();
    });

    it('rejects an error whose quote cannot hold an IPv6 header (icmpv6.ipv6_trunc_pkt)', () => {
      const p = decodeFrame(icmpv6Frame('01 04 0000 00000000 60000000 0008 11 40 20010db8000000000000  # 18 bytes'));
      expect(describePacket(p).anomalies).toEqual(['icmpv6.ipv6_trunc_pkt']);
      expect(p.invalid).toBe(true);
      expect(anomaliesOf('01 04 0000 00000000  # nothing quoted')).toEqual(['icmpv6.ipv6_trunc_pkt']);
    });

    it('rejects a quote that is not IPv6 (icmpv6.ipv6_unknown_version)', () => {
      const q = QUOTED_UDP.replace('60000000 0008', '40000000 0008');
      expect(anomaliesOf(`01 04 0000 00000000 ${q}`)).toEqual(['icmpv6.ipv6_unknown_version']);
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = icmpv6Frame(`01 04 0000 00000000 ${QUOTED_UDP}`);
    expectTruncationSafe(frame);
  });
});
