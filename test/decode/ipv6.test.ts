import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import {
  IP6EXT_AH,
  IP6EXT_DSTOPTS,
  IP6EXT_ESP,
  IP6EXT_FRAGMENT,
  IP6EXT_HOPOPTS,
  IP6EXT_ROUTING,
} from '../../src/decode/ipv6.js';
import { decodeFrame, decodeWith, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';

const ETH = '001122334455 66778899aabb 86dd'; // dst MAC, src MAC, EtherType IPv6
const ADDRS = '20010db8000000000000000000000001 20010db8000000000000000000000002'; // 2001:db8::1 -> ::2
const UDP = '3039 0035 000a 0000 6869'; // UDP 12345 -> 53, length 10, payload "hi"

/** Ethernet + IPv6 whose payload is `payload` (hex), first next header `nh`. */
function ipv6(nh: number, payload: string, plen?: number): Buffer {
  const body = hex(payload);
  const len = plen ?? body.length;
  return hex(`
    ${ETH}
    60000000 ${len.toString(16).padStart(4, '0')} ${nh.toString(16).padStart(2, '0')} 40
    ${ADDRS}
    ${body.toString('hex')}
  `);
}

const UDP_FRAME = hex(`
  ${ETH}
  6abcdef1            # version 6, traffic class 0xab, flow label 0xcdef1
  000a 11 40          # payload length 10, next header UDP, hop limit 64
  ${ADDRS}
  ${UDP}
`);

describe('IPv6 decoder', () => {
  it('decodes a UDP datagram', () => {
    const d = describeFrame(UDP_FRAME);
    expect(d.layers).toEqual(['eth', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
    expect(d.dest_ip).toBe('2001:db8::2');
    expect(d.ip_proto).toBe(17);
    expect(d.proto).toBe('udp');
    expect(d.src_port).toBe(12345);
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(UDP_FRAME);
    expect(p.ipVersion).toBe(6);
    expect(p.tos).toBe(0xab);
    expect(p.ipv6FlowLabel).toBe(0xcdef1);
    expect(p.ttl).toBe(64);
    expect(p.l3HdrLen).toBe(40);
    expect(p.l3End).toBe(p.start + 14 + 50);
    expect(p.ip6Exts).toBe(0);
  });

  it('decodes as LINKTYPE_IPV6 (229)', () => {
    expect(describeFrame(UDP_FRAME.subarray(14), 229).layers).toEqual(['ipv6', 'udp']);
  });

  it('keeps Ethernet padding out of the datagram', () => {
    const p = decodeFrame(Buffer.concat([UDP_FRAME, Buffer.alloc(8)]));
    expect(p.l3End - p.l3Off).toBe(50);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it('walks hop-by-hop options to ICMPv6 (an MLD report)', () => {
    const p = decodeFrame(
      ipv6(
        0,
        `3a 00 05 02 0000 01 00   # HBH: next ICMPv6, 8 bytes: router alert (MLD), PadN of 0
         8f00 0000 0000 0000      # ICMPv6 type 143 (MLDv2 report), no records`,
      ),
    );
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'ipv6', 'icmpv6']);
    expect(d.ip_proto).toBe(58);
    expect(p.ip6Exts).toBe(IP6EXT_HOPOPTS);
    expect(p.l3HdrLen).toBe(48);
    expect(d.anomalies ?? []).not.toContain('ipv6.zero_len_padn');
  });

  it('walks destination options and a routing header', () => {
    const p = decodeFrame(
      ipv6(
        60,
        `2b 00 05 02 0000 0100          # DST: next routing, router alert, PadN
         11 02 02 01 00000000           # RH: next UDP, 24 bytes, type 2, segments left 1
         20010db8000000000000000000000003
         ${UDP}`,
      ),
    );
    expect(p.ip6Exts).toBe(IP6EXT_DSTOPTS | IP6EXT_ROUTING);
    expect(p.dstPort).toBe(53);
    expect(p.ipProto).toBe(17);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it('flags a type 0 routing header and carries on', () => {
    const d = describeFrame(ipv6(43, `11 00 00 00 00000000   # RH type 0, segments left 0\n ${UDP}`));
    expect(d.anomalies).toEqual(['ipv6.rh_type_0']);
    expect(d.dest_port).toBe(53);
  });

  it('decodes the first fragment down to the ports', () => {
    const p = decodeFrame(
      ipv6(
        44,
        `11 00 0001 00000abc      # fragment: next UDP, offset 0, M=1, id 0xabc
         3039 0035 0020 0000 6869 6a6b 6c6d 6e6f   # UDP header + 8 bytes (a multiple of 8)`,
      ),
    );
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'ipv6', 'udp']);
    expect(d.fragment).toEqual({ offset: 0, more: true, id: 0xabc });
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
    expect(p.ip6Exts).toBe(IP6EXT_FRAGMENT);
  });

  it('stops at a later fragment with the fragment header next header as protocol', () => {
    const d = describeFrame(ipv6(44, `11 00 05a8 00000abc   # offset 1448, last fragment\n ${UDP}`));
    expect(d.layers).toEqual(['eth', 'ipv6']);
    expect(d.fragment).toEqual({ offset: 1448, more: false, id: 0xabc });
    expect(d.ip_proto).toBe(17);
    expect(d.proto).toBe('udp');
    expect(d.src_port).toBeUndefined();
  });

  it('flags an atomic fragment and decodes through it', () => {
    const d = describeFrame(ipv6(44, `11 00 0000 00000abc   # offset 0, M=0\n ${UDP}`));
    expect(d.anomalies).toEqual(['ipv6.exthdr_useless_fh']);
    expect(d.fragment).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('flags a non-zero fragment reserved field and a fragment not a multiple of 8', () => {
    const d = describeFrame(ipv6(44, `11 07 0001 00000abc   # reserved 7, M=1\n ${UDP}`));
    expect(d.anomalies).toEqual(['ipv6.fh_non_zero_reserved_field', 'ipv6.frag_invalid_length']);
    expect(d.dest_port).toBe(53);
  });

  it('skips AH (length in 4-byte units + 2) to the transport', () => {
    const p = decodeFrame(
      ipv6(
        51,
        `11 04 0000 00001000 00000001   # AH: next UDP, 24 bytes, SPI 0x1000, seq 1
         000000000000000000000000       # 12-byte ICV
         ${UDP}`,
      ),
    );
    expect(p.ip6Exts).toBe(IP6EXT_AH);
    expect(p.ipProto).toBe(17);
    expect(p.dstPort).toBe(53);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it('flags a non-zero AH reserved field', () => {
    const d = describeFrame(ipv6(51, `11 04 0001 00001000 00000001 000000000000000000000000 ${UDP}`));
    expect(d.anomalies).toEqual(['ipv6.exthdr_ah_res_not_null']);
  });

  it('hands ESP to the ESP decoder', () => {
    const p = decodeFrame(ipv6(50, '00001000 00000001 0102030405060708   # SPI, sequence, ciphertext'));
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'ipv6', 'esp']);
    expect(d.ip_proto).toBe(50);
    expect(d.proto).toBe('other');
    expect(p.ip6Exts).toBe(IP6EXT_ESP);
  });

  it('stops at No Next Header, and flags data after it', () => {
    expect(describeFrame(ipv6(59, '')).anomalies).toBeUndefined();
    const d = describeFrame(ipv6(59, 'deadbeef'));
    expect(d.layers).toEqual(['eth', 'ipv6']);
    expect(d.ip_proto).toBe(59);
    expect(d.anomalies).toEqual(['ipv6.data_after_none_header']);
  });

  it.each([
    ['a repeated hop-by-hop header', 0, '00 00 05020000 0100   11 00 05020000 0100', 'ipv6.exthdr_dupl_hh'],
    ['a repeated routing header', 43, '2b 00 02 00 00000000   11 00 02 00 00000000', 'ipv6.exthdr_dupl_rh'],
    ['a repeated fragment header', 44, '2c 00 0000 00000001   11 00 0000 00000001', 'ipv6.exthdr_dupl_fh'],
    [
      'a third destination options header',
      60,
      '3c00 05020000 0100 3c00 05020000 0100 1100 05020000 0100',
      'ipv6.exthdr_dupl_dh',
    ],
    ['a repeated AH', 51, '33 01 0000 00000001 00000001   11 01 0000 00000001 00000001', 'ipv6.exthdr_dupl_ah'],
  ])('flags %s and still reaches the transport', (_what, nh, exts, anomaly) => {
    const d = describeFrame(ipv6(nh, `${exts} ${UDP}`));
    expect(d.anomalies).toContain(anomaly);
    expect(d.dest_port).toBe(53);
  });

  it.each([
    ['an option longer than its header', 0, '11 00 05 09 0000 0000', 'ipv6.exthdr_invalid_optlen'],
    ['an unknown hop-by-hop option', 0, '11 00 3e 02 0000 0100', 'ipv6.hopopts_unknown_opt'],
    ['a hop-by-hop header of only padding', 0, '11 00 01 04 00000000', 'ipv6.hopopts_only_padding'],
    ['an empty PadN before other options', 0, '11 00 01 00 05 02 0000', 'ipv6.zero_len_padn'],
    ['an unknown destination option', 60, '11 00 3e 02 0000 0100', 'ipv6.dstopts_unknown_opt'],
    ['destination options of only padding', 60, '11 00 00 00 00 00 00 00', 'ipv6.dstopts_only_padding'],
  ])('flags %s', (_what, nh, ext, anomaly) => {
    const d = describeFrame(ipv6(nh, `${ext} ${UDP}`));
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.dest_port).toBe(53);
  });

  it('flags an extension header longer than the datagram', () => {
    const d = describeFrame(ipv6(0, '11 01 01 04 00000000   # HBH says 16 bytes, 8 follow'));
    expect(d.layers).toEqual(['eth', 'ipv6']);
    expect(d.anomalies).toEqual(['ipv6.trunc_exthdr']);
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it('stops quietly when the snaplen cuts an extension header', () => {
    const full = ipv6(0, `11 01 05020000 0100 0000000000000000 ${UDP}`);
    const d = describePacket(decodeWith(full.subarray(0, 14 + 44), { len: full.length }));
    expect(d.anomalies).toBeUndefined();
    expect(d.src_ip).toBe('2001:db8::1');
    expect(d.ip_proto).toBe(0);
  });

  it('bounds the number of extension headers', () => {
    const dst = (nh: number) => `${nh.toString(16)} 00 05 02 0000 0100`;
    const chain = [0, 60, 60, 60, 60, 60, 60, 60, 60].map((_, i, a) => dst(i + 1 < a.length ? 60 : 17));
    const d = describeFrame(ipv6(0, `${chain.join(' ')} ${UDP}`));
    expect(d.anomalies).toContain('ipv6.ext_too_many');
    expect(d.src_port).toBeUndefined();
  });

  it('rejects a frame shorter than the fixed header', () => {
    const d = describeFrame(UDP_FRAME.subarray(0, 14 + 39));
    expect(d.anomalies).toEqual(['ipv6.pkt_too_small']);
    expect(d.src_ip).toBeUndefined();
  });

  it('rejects a wrong version and sets no addresses', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14] = 0x0a;
    const d = describeFrame(f);
    expect(d.layers).toEqual(['eth', 'ipv6']);
    expect(d.anomalies).toEqual(['ipv6.wrong_ip_version']);
    expect(d.src_ip).toBeUndefined();
  });

  it('flags a payload length longer than the frame, and decodes what is there', () => {
    const d = describeFrame(ipv6(17, UDP, 100));
    expect(d.anomalies).toEqual(['ipv6.trunc_pkt']);
    expect(d.dest_port).toBe(53);
  });

  it('accepts a datagram cut by the snaplen (caplen < len)', () => {
    const f = ipv6(17, '3039 0035 0064 0000 6869', 100);
    const d = describePacket(decodeWith(f, { len: 14 + 140 }));
    expect(d.anomalies).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('treats payload length 0 (jumbogram / GSO) as the rest of the frame', () => {
    const d = describeFrame(ipv6(17, UDP, 0));
    expect(d.anomalies).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('decapsulates IPv4-in-IPv6 as an ipip tunnel', () => {
    const d = describeFrame(ipv6(4, `45 00 001e 1234 0000 40 11 5499 0a000001 0a000002   # inner IPv4\n ${UDP}`));
    expect(d.layers).toEqual(['eth', 'ipv6', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.tunnels).toEqual([{ kind: 'ipip', src_ip: '2001:db8::1', dest_ip: '2001:db8::2' }]);
  });

  it('decapsulates IPv6-in-IPv6 twice (6in6in6)', () => {
    const inner = `60000000 000a 11 40 fd000000000000000000000000000001 fd000000000000000000000000000002 ${UDP}`;
    const middle = `60000000 0032 29 40 fe800000000000000000000000000001 fe800000000000000000000000000002 ${inner}`;
    const d = describeFrame(ipv6(41, middle));
    expect(d.layers).toEqual(['eth', 'ipv6', 'ipv6', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('fd00::1');
    expect(d.tunnels?.map((t) => t.src_ip)).toEqual(['2001:db8::1', 'fe80::1']);
  });

  it.each([
    ['IPv4-in-IPv6 too small', 4, '45 00 001e 1234', 'ipv6.ipv4_in_ipv6_too_small'],
    [
      'IPv4-in-IPv6 of the wrong version',
      4,
      '65 00 001e 1234 0000 40 11 0000 0a000001 0a000002',
      'ipv6.ipv4_in_ipv6_wrong_version',
    ],
    ['IPv6-in-IPv6 too small', 41, '60000000 0000 3b 40', 'ipv6.ipv6_in_ipv6_too_small'],
    ['IPv6-in-IPv6 of the wrong version', 41, `40000000 0000 3b 40 ${ADDRS}`, 'ipv6.ipv6_in_ipv6_wrong_version'],
  ])('flags %s', (_what, nh, inner, anomaly) => {
    const d = describeFrame(ipv6(nh, inner));
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.tunnels).toBeUndefined();
    expect(d.src_ip).toBe('2001:db8::1');
  });

  it('flags ICMPv4 carried in IPv6', () => {
    expect(describeFrame(ipv6(1, '0800 f7ff 0000 0000')).anomalies).toContain('ipv6.icmpv4');
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(UDP_FRAME);
    expectRobust(ipv6(0, `2c 00 05020000 0100 3c 00 0000 00000abc 33 00 05020000 0100 11 01 0000 0000 0000 ${UDP}`));
    expectRobust(ipv6(43, `2c 00 00 00 00000000 11 00 0001 00000abc 3039 0035 0010 0000 0000 0000`));
    expectRobust(UDP_FRAME.subarray(14), 229);
  });
});
