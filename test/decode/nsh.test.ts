import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { SURICATA_VERIFY } from '../capture/build.js';
import { jsonLines, vsids } from '../helpers/cli.js';
import { decodeFrame, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { eth, h8, IPV4_UDP, IPV6_UDP, ipv4, len, udp, V4_A, V4_B } from '../helpers/frames.js';

const ETH = '001122334455 66778899aabb 894f'; // dst MAC, src MAC, EtherType NSH

/**
 * An NSH header, RFC 8300 section 2: version 0, TTL 63, `words` = Length in 4-byte words,
 * then MD Type, Next Protocol, SPI 0x000101 and SI 255, then `context` (hex).
 *   byte 0: Ver(2) O(1) U(1) TTL[5:2]   byte 1: TTL[1:0] Length(6)
 */
const nsh = (mdType: number, nextProto: number, context = '', o = { ver: 0, oam: false, words: -1 }) => {
  const words = o.words >= 0 ? o.words : 2 + len(context) / 4;
  const ttl = 63;
  const b0 = (o.ver << 6) | (o.oam ? 0x20 : 0) | (ttl >> 2);
  const b1 = ((ttl & 3) << 6) | (words & 0x3f);
  return `${h8(b0)} ${h8(b1)} ${h8(mdType)} ${h8(nextProto)}  000101 ff  ${context}`;
};
const opts = (o: Partial<{ ver: number; oam: boolean; words: number }>) => ({ ver: 0, oam: false, words: -1, ...o });

// The frame of suricata-verify decode-nsh-type2 (built as in its pcap, addresses aside):
//   0000  00 11 22 33 44 55 66 77 88 99 aa bb 89 4f        Ethernet, EtherType 0x894F
//   000e  0f c2 02 01                                      NSH: ver 0, TTL 63, Length 2, MD type 2, next IPv4
//   0012  00 01 01 ff                                      SPI 0x000101, SI 255
//   0016  45 00 00 1e ...                                  IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53
const MD2_IPV4 = hex(`${ETH} ${nsh(2, 1)} ${IPV4_UDP}`);

// MD type 1: Length 6, four 4-byte context headers (section 2.4).
//   000e  0f c6 01 01  00 01 01 ff
//   0016  11 11 11 11  22 22 22 22  33 33 33 33  44 44 44 44   fixed context
//   0026  45 00 ...                                            IPv4
const MD1_IPV4 = hex(`${ETH} ${nsh(1, 1, '11111111 22222222 33333333 44444444')} ${IPV4_UDP}`);

// MD type 2 with two TLVs (section 2.5.1): class 0x0101 type 0x05 length 5 (padded to 8),
// then class 0xffff type 0x80 length 0. Length = 2 + 3 + 1 = 6 words.
const TLVS = '0101 05 05 aabbccddee 000000   ffff 80 00';
const MD2_TLV_IPV6 = hex(`${ETH} ${nsh(2, 2, TLVS)} ${IPV6_UDP}`);

describe('NSH decoder', () => {
  it('decodes MD type 2 without context and dispatches IPv4', () => {
    const d = describeFrame(MD2_IPV4);
    expect(d.layers).toEqual(['eth', 'nsh', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_ip).toBe('10.0.0.2');
    expect(d.dest_port).toBe(53);
    expect(d.src_mac).toBe('66:77:88:99:aa:bb');
    expect(d.tunnels).toBeUndefined(); // NSH over Ethernet has no outer IP to keep
    expect(d.anomalies).toBeUndefined();
  });

  it('skips MD type 1 fixed context headers', () => {
    const d = describeFrame(MD1_IPV4);
    expect(d.layers).toEqual(['eth', 'nsh', 'ipv4', 'udp']);
    expect(d.src_port).toBe(12345);
    expect(d.anomalies).toBeUndefined();
  });

  it('skips MD type 2 TLVs by the Length field and dispatches IPv6', () => {
    const d = describeFrame(MD2_TLV_IPV6);
    expect(d.layers).toEqual(['eth', 'nsh', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
    expect(d.anomalies).toBeUndefined();
  });

  it('dispatches Ethernet (next protocol 3)', () => {
    const d = describeFrame(hex(`${ETH} ${nsh(2, 3)} ${eth('0800', IPV4_UDP, 'aabbccddeeff', '112233445566')}`));
    expect(d.layers).toEqual(['eth', 'nsh', 'eth', 'ipv4', 'udp']);
    expect(d.src_mac).toBe('66:77:88:99:aa:bb'); // the outer Ethernet header
    expect(d.dest_port).toBe(53);
  });

  it('dispatches MPLS (next protocol 5)', () => {
    const d = describeFrame(hex(`${ETH} ${nsh(2, 5)} 00010140 ${IPV4_UDP}`)); // label 16, S, TTL 64
    expect(d.layers).toEqual(['eth', 'nsh', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([16]);
  });

  it('dispatches a nested NSH (next protocol 4)', () => {
    const d = describeFrame(hex(`${ETH} ${nsh(2, 4)} ${nsh(1, 2, '00000000 00000000 00000000 00000000')} ${IPV6_UDP}`));
    expect(d.layers).toEqual(['eth', 'nsh', 'nsh', 'ipv6', 'udp']);
    expect(d.anomalies).toBeUndefined();
  });

  it('is reached through GRE protocol type 0x894F, with the GRE tunnel kept', () => {
    const gre = `0000 894f\n${nsh(2, 1)} ${IPV4_UDP}`;
    const d = describeFrame(hex(eth('0800', ipv4(47, V4_A, V4_B, gre))));
    expect(d.layers).toEqual(['eth', 'ipv4', 'gre', 'nsh', 'ipv4', 'udp']);
    expect(d.tunnels).toEqual([{ kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2' }]);
    expect(d.src_ip).toBe('10.0.0.1');
  });

  it('is reached through Geneve protocol type 0x894F', () => {
    const geneve = `0000 894f 000064 00\n${nsh(2, 1)} ${IPV4_UDP}`; // VNI 100
    const d = describeFrame(hex(eth('0800', ipv4(17, V4_A, V4_B, udp(40000, 6081, geneve)))));
    expect(d.layers).toEqual(['eth', 'ipv4', 'udp', 'geneve', 'nsh', 'ipv4', 'udp']);
    expect(d.vni).toBe(100);
    expect(d.dest_port).toBe(53);
  });

  it('ignores the O bit and the unassigned bits beside MD Type (RFC 8300 section 2.2)', () => {
    const d = describeFrame(hex(`${ETH} ${nsh(0xf2, 1, '', opts({ oam: true }))} ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'nsh', 'ipv4', 'udp']);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags a header shorter than the 8 fixed bytes', () => {
    const p = decodeFrame(MD2_IPV4.subarray(0, 14 + 7));
    expect(describePacket(p).layers).toEqual(['eth', 'nsh']);
    expect(describePacket(p).anomalies).toEqual(['nsh.header_too_small']);
    expect(p.invalid).toBe(true);
  });

  it('flags a version other than 0 and stops (not invalid, as Suricata)', () => {
    const p = decodeFrame(hex(`${ETH} ${nsh(2, 1, '', opts({ ver: 1 }))} ${IPV4_UDP}`));
    expect(describePacket(p).layers).toEqual(['eth', 'nsh']);
    expect(describePacket(p).anomalies).toEqual(['nsh.unsupported_version']);
    expect(p.invalid).toBe(false);
  });

  it.each([
    ['Length below the fixed 2 words', nsh(2, 1, '', opts({ words: 1 })) + IPV4_UDP],
    ['Length 0', nsh(2, 1, '', opts({ words: 0 })) + IPV4_UDP],
    ['Length past the captured end', nsh(2, 1, '', opts({ words: 63 })) + IPV4_UDP],
    ['nothing after the header', nsh(2, 1, '00000000')],
    ['MD type 1 without Length 6', nsh(1, 1, '11111111') + IPV4_UDP],
  ])('flags a bad header length: %s', (_what, body) => {
    const p = decodeFrame(hex(`${ETH} ${body}`));
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'nsh']);
    expect(d.anomalies).toEqual(['nsh.bad_header_length']);
    expect(p.invalid).toBe(true);
  });

  it('records MD type 2 TLVs that overrun the Length, and still decodes the payload', () => {
    // One TLV announcing 9 bytes (12 padded) in a 4-byte context area.
    const p = decodeFrame(hex(`${ETH} ${nsh(2, 1, '0101 05 09')} ${IPV4_UDP}`));
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'nsh', 'ipv4', 'udp']);
    expect(d.anomalies).toEqual(['nsh.bad_header_length']);
    expect(p.invalid).toBe(false);
  });

  it.each([
    [0x0, 'nsh.reserved_type'],
    [0xf, 'nsh.reserved_type'],
    [0x3, 'nsh.unsupported_type'],
    [0xe, 'nsh.unsupported_type'],
  ])('flags MD type %i and stops', (mdType, anomaly) => {
    const p = decodeFrame(hex(`${ETH} ${nsh(mdType, 1)} ${IPV4_UDP}`));
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'nsh']);
    expect(d.anomalies).toEqual([anomaly]);
    expect(p.invalid).toBe(false);
  });

  it.each([0x00, 0x06, 0x99, 0xfe, 0xff])('flags next protocol %i as an unknown payload', (np) => {
    const d = describeFrame(hex(`${ETH} ${nsh(2, np)} ${IPV4_UDP}`));
    expect(d.layers).toEqual(['eth', 'nsh']);
    expect(d.anomalies).toEqual(['nsh.unknown_payload']);
  });

  it('stops NSH nested in itself at the layer bound without throwing', () => {
    const d = describeFrame(hex(`${ETH} ${Array(40).fill(nsh(2, 4)).join(' ')} ${nsh(2, 1)} ${IPV4_UDP}`));
    expect(d.anomalies).toEqual(['generic.too_many_layers']);
    expect(d.src_ip).toBeUndefined();
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(MD2_IPV4);
    expectRobust(MD1_IPV4);
    expectRobust(MD2_TLV_IPV6);
  });
});

const CASE = join(SURICATA_VERIFY, 'decode-nsh-type2');

describe.skipIf(!existsSync(CASE))('suricata-verify decode-nsh-type2', () => {
  it('decodes to eth/nsh/ipv4/udp and alerts sid 1 on replay', () => {
    const pcap = join(CASE, 'input.pcap');
    const dec = vsids(['decode', pcap]);
    expect(dec.code, dec.stderr).toBe(0);
    const [frame] = jsonLines(dec.stdout);
    expect(frame).toMatchObject({
      layers: ['eth', 'nsh', 'ipv4', 'udp'],
      src_ip: '10.0.0.1',
      src_port: 52377,
      dest_ip: '10.0.0.2',
      dest_port: 52464,
    });
    const rep = vsids(['replay', pcap, '-S', join(CASE, 'test.rules'), '--no-default-rules', '-l', '-']);
    expect(rep.code, rep.stderr).toBe(0);
    const alerts = jsonLines(rep.stdout).filter((e) => e.event_type === 'alert');
    expect(alerts.map((a) => (a.alert as { signature_id: number }).signature_id)).toEqual([1]);
  });
});
