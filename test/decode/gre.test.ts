// GRE decoder: version 0 (RFC 2784/2890, RFC 1701 routing), version 1 (PPTP, RFC 2637),
// Suricata's header checks, dispatch by protocol type, tunnel context and nesting limits.

import { describe, expect, it } from 'vitest';
import { MAX_TUNNELS } from '../../src/core/packet.js';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, h8, h16, ipv4, ipv6, len, udp } from '../helpers/frames.js';

/** Outer Ethernet / IPv4 192.0.2.1 -> 192.0.2.2 / protocol 47 around a GRE header + payload. */
const overGre = (gre: string) => hex(eth('0800', ipv4(47, 'c0000201', 'c0000202', gre)));

/** Inner IPv4 10.0.0.1 -> 10.0.0.2 ICMP echo request. */
const INNER_IP = ipv4(1, '0a000001', '0a000002', '08 00 0000 0001 0001  # echo request');
/** Inner Ethernet frame: 10.0.0.1:40000 -> 10.0.0.2:80 TCP SYN. */
const INNER_ETH = eth(
  '0800',
  ipv4(6, '0a000001', '0a000002', '9c40 0050 00000001 00000000 50 02 faf0 0000 0000  # TCP SYN'),
);
const anomaliesOf = (gre: string) => decodeJson(overGre(gre)).anomalies;

describe('gre', () => {
  describe('version 0', () => {
    it('decodes IPv4 in GRE and records the outer addresses as a tunnel', () => {
      const frame = overGre(`0000 0800  # no flags, IPv4\n${INNER_IP}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'icmp', icmp_type: 8 });
      expect(d.tunnels).toEqual([{ kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2' }]);
      expect(d.gre_key).toBeUndefined();
      expect(d.anomalies).toBeUndefined();
      const p = decodeFrame(frame);
      expect(p.greProto).toBe(0x0800);
      expect(p.tunnelProto[0]).toBe(47);
    });

    it('reads checksum, key and sequence and decodes transparent Ethernet bridging (0x6558)', () => {
      const frame = overGre(`
        b000 6558    # C K S, transparent Ethernet bridging
        0000 0000    # checksum, reserved
        00001000     # key 4096
        00000007     # sequence 7
        ${INNER_ETH}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/eth/ipv4/tcp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', src_port: 40000, dest_port: 80, gre_key: 4096 });
      expect(d.tunnels).toEqual([{ kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 4096 }]);
      const p = decodeFrame(frame);
      expect(p.greSeq).toBe(7);
      expect(p.innerEthOff - p.start).toBe(14 + 20 + 16);
    });

    it('decodes IPv6 in GRE', () => {
      const inner = ipv6(
        17,
        '20010db8000000000000000000000001',
        '20010db8000000000000000000000002',
        udp(5000, 53, '1234'),
      );
      const d = decodeJson(overGre(`0000 86dd\n${inner}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv6/udp');
      expect(d).toMatchObject({ src_ip: '2001:db8::1', dest_port: 53 });
    });

    it('skips RFC 1701 source route entries up to the null entry', () => {
      const d = decodeJson(
        overGre(`
          4000 0800              # R: routing present
          0000 0000              # checksum, offset
          0800 00 08 0a0a0a0a 0b0b0b0b  # SRE: family IPv4, offset 0, 8 bytes
          0000 00 00             # null SRE
          ${INNER_IP}`),
      );
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv4/icmp');
      expect(d.anomalies).toBeUndefined();
    });

    it('decodes MPLS in GRE (0x8847)', () => {
      const d = decodeJson(overGre(`0000 8847  00064 1 40  # label 100, bottom of stack, TTL 64\n${INNER_IP}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/mpls/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', mpls: [100] });
    });

    it('looks through the Cisco MetaData shim (0x8909) to the payload', () => {
      const d = decodeJson(
        overGre(`2000 8909 00000028  0800 01 01 0001 0000  # key 40, CMD: IPv4, SGT 0\n${INNER_IP}`),
      );
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', gre_key: 40 });
    });

    it('notes an unknown protocol (gre.unknown_protocol) and keeps the outer packet', () => {
      const d = decodeJson(overGre('0000 2000 aaaa0300000c2000  # CDP'));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', proto: 'other', ip_proto: 47 });
      expect(d.anomalies).toEqual(['gre.unknown_protocol']);
    });

    it('accepts a keepalive with nothing after the header', () => {
      const d = decodeJson(overGre('2000 0000 00000028  # key 40, protocol 0'));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre');
      expect(d.anomalies).toBeUndefined();
    });

    it('rejects recursion and reserved flags (gre.version0_recur, gre.version0_flags)', () => {
      expect(anomaliesOf(`0100 0800\n${INNER_IP}`)).toEqual(['gre.version0_recur']);
      expect(anomaliesOf(`0008 0800\n${INNER_IP}`)).toEqual(['gre.version0_flags']);
    });

    it('rejects optional fields past the packet (gre.version0_hdr_too_big)', () => {
      expect(anomaliesOf('3000 0800 00000001  # K S, only the key')).toEqual(['gre.version0_hdr_too_big']);
    });

    it('rejects source routes that overrun or never end (gre.version0_malformed_sre_hdr)', () => {
      expect(anomaliesOf('4000 0800 0000 0000  0800 00 10 0a0a0a0a  # SRE of 16 bytes, 4 there')).toEqual([
        'gre.version0_malformed_sre_hdr',
      ]);
      expect(anomaliesOf('4000 0800 0000 0000  0800 00 04 0a0a0a0a  # no null SRE')).toEqual([
        'gre.version0_malformed_sre_hdr',
      ]);
    });
  });

  describe('version 1 (PPTP)', () => {
    it('decodes PPP in enhanced GRE; the call id is the key', () => {
      const ppp = `ff03 0021  # PPP, IPv4\n${INNER_IP}`;
      const frame = overGre(`
        3081 880b               # K S A, version 1, PPP
        ${h16(len(ppp))} 0011   # payload length, call id 17
        00000001 00000000       # sequence 1, acknowledgment 0
        ${ppp}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ppp/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', gre_key: 17 });
      expect(d.tunnels).toEqual([{ kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 17 }]);
      expect(decodeFrame(frame).greSeq).toBe(1);
    });

    it('accepts an acknowledgment with no payload', () => {
      const d = decodeJson(overGre('2081 880b 0000 0011 00000005  # K A, payload length 0'));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre');
      expect(d.anomalies).toBeUndefined();
    });

    it("rejects what PPTP's GRE does not allow", () => {
      const tail = '0000 0011 00000001';
      expect(anomaliesOf(`b001 880b 0000 0000 ${tail}`)).toEqual(['gre.version1_chksum']);
      expect(anomaliesOf(`6001 880b 0000 0000 ${tail}`)).toEqual(['gre.version1_route']);
      expect(anomaliesOf(`2801 880b ${tail}`)).toEqual(['gre.version1_ssr']);
      expect(anomaliesOf(`2101 880b ${tail}`)).toEqual(['gre.version1_recur']);
      expect(anomaliesOf(`2009 880b ${tail}`)).toEqual(['gre.version1_flags']);
      expect(anomaliesOf(`2001 0800 ${tail}`)).toEqual(['gre.version1_wrong_protocol']);
      expect(anomaliesOf('0001 880b ff03 0021')).toEqual(['gre.version1_no_key']);
      expect(anomaliesOf('3081 880b 0000 0011 00000001  # S and A set, no acknowledgment')).toEqual([
        'gre.version1_hdr_too_big',
      ]);
    });
  });

  describe('malformed', () => {
    it('rejects versions above 1 (gre.wrong_version)', () => {
      expect(anomaliesOf(`0002 0800\n${INNER_IP}`)).toEqual(['gre.wrong_version']);
    });

    it('rejects fewer than 4 bytes (gre.pkt_too_small)', () => {
      const d = decodeJson(overGre('0000 08'));
      expect(d).toMatchObject({ src_ip: '192.0.2.1', ip_proto: 47, anomalies: ['gre.pkt_too_small'] });
    });
  });

  describe('nesting', () => {
    it('decodes GRE in GRE with one tunnel entry each', () => {
      const middle = ipv4(47, '0a0a0b02', '0a0a0d02', `2000 0800 00000002  # key 2\n${INNER_IP}`);
      const d = decodeJson(overGre(`2000 0800 00000001  # key 1\n${middle}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv4/gre/ipv4/icmp');
      expect(d.tunnels).toEqual([
        { kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 1 },
        { kind: 'gre', src_ip: '10.10.11.2', dest_ip: '10.10.13.2', id: 2 },
      ]);
      expect(d).toMatchObject({ src_ip: '10.0.0.1', gre_key: 2 });
    });

    it('decodes VXLAN inside GRE', () => {
      const vxlan = `08 000000 0003e8 00  # VXLAN, VNI 1000\n${INNER_ETH}`;
      const middle = ipv4(17, 'ac100001', 'ac100002', udp(49152, 4789, vxlan));
      const d = decodeJson(overGre(`0000 0800\n${middle}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/ipv4/udp/vxlan/eth/ipv4/tcp');
      expect(d.tunnels).toEqual([
        { kind: 'gre', src_ip: '192.0.2.1', dest_ip: '192.0.2.2' },
        { kind: 'vxlan', src_ip: '172.16.0.1', dest_ip: '172.16.0.2', id: 1000 },
      ]);
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', src_port: 40000, dest_port: 80, vni: 1000 });
    });

    it(`stops at ${MAX_TUNNELS} tunnels (generic.tunnel_too_deep)`, () => {
      let pkt = INNER_IP;
      for (let i = MAX_TUNNELS + 1; i >= 1; i--) pkt = ipv4(47, `0a0000${h8(i)}`, '0a0000ff', `0000 0800\n${pkt}`);
      const p = decodeFrame(hex(eth('0800', pkt)));
      const d = describePacket(p);
      expect(d.anomalies).toEqual(['generic.tunnel_too_deep']);
      expect(d.tunnels).toHaveLength(MAX_TUNNELS);
      expect(d.layers.join('/')).toBe(`eth${'/ipv4/gre'.repeat(MAX_TUNNELS + 1)}`);
      // Decoding stopped at the ninth GRE: its carrier is the innermost IP.
      expect(d.src_ip).toBe(`10.0.0.${MAX_TUNNELS + 1}`);
      expect(p.invalid).toBe(true);
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frames = [
      overGre(`b000 6558 0000 0000 00001000 00000007\n${INNER_ETH}`),
      overGre(`3081 880b 0020 0011 00000001 00000000 ff03 0021\n${INNER_IP}`),
      overGre(`4000 0800 0000 0000 0800 00 08 0a0a0a0a 0b0b0b0b 0000 00 00\n${INNER_IP}`),
    ];
    for (const frame of frames) expectTruncationSafe(frame);
  });
});
