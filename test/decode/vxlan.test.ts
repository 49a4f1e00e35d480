// VXLAN decoder (RFC 7348): header checks, VNI, tunnel context, nesting.

import { describe, expect, it } from 'vitest';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv4, ipv6, udp } from '../helpers/frames.js';

/** VXLAN header with the I flag and a VNI. */
const vxlan = (vni: number, body: string) => `08 000000 ${vni.toString(16).padStart(6, '0')} 00\n${body}\n`;

const OUTER_SRC = 'c0000201'; // 192.0.2.1, VTEP
const OUTER_DST = 'c0000202'; // 192.0.2.2, VTEP
/** The VM's frame: 10.0.0.1:40000 -> 10.0.0.2:80 TCP SYN, between VM MACs. */
const VM_FRAME = eth(
  '0800',
  ipv4(6, '0a000001', '0a000002', '9c40 0050 00000001 00000000 50 02 faf0 0000 0000  # TCP SYN'),
  '0a0000000002',
  '0a0000000001',
);
const overVxlan = (vni: number, inner: string) =>
  hex(eth('0800', ipv4(17, OUTER_SRC, OUTER_DST, udp(49152, 4789, vxlan(vni, inner)))));

describe('vxlan', () => {
  it('decodes the VM frame inside and keeps the outer addresses and VNI as tunnel context', () => {
    const frame = overVxlan(100, VM_FRAME);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth/ipv4/tcp');
    expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'tcp', src_port: 40000 });
    expect(d).toMatchObject({ dest_port: 80, tcp_flags: 'S', vni: 100, src_mac: '02:00:00:00:00:01' });
    expect(d.tunnels).toEqual([{ kind: 'vxlan', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 100 }]);
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.innerEthOff - p.start).toBe(14 + 20 + 8 + 8);
    expect(p.tunnelSrcPort[0]).toBe(49152);
    expect(p.tunnelDstPort[0]).toBe(4789);
  });

  it('reads the full 24-bit VNI', () => {
    expect(decodeJson(overVxlan(0xfedcba, VM_FRAME)).vni).toBe(0xfedcba);
  });

  it('decodes VXLAN over an IPv6 underlay', () => {
    const d = decodeJson(
      hex(
        eth(
          '86dd',
          ipv6(
            17,
            '20010db8000000000000000000000001',
            '20010db8000000000000000000000002',
            udp(49152, 4789, vxlan(7, VM_FRAME)),
          ),
        ),
      ),
    );
    expect(d.layers.join('/')).toBe('eth/ipv6/udp/vxlan/eth/ipv4/tcp');
    expect(d.tunnels).toEqual([{ kind: 'vxlan', src_ip: '2001:db8::1', dest_ip: '2001:db8::2', id: 7 }]);
  });

  it('ignores reserved bits and bytes, as tshark does (suricata-vxlan-non-zero-reserved-fields)', () => {
    const frame = hex(
      eth('0800', ipv4(17, OUTER_SRC, OUTER_DST, udp(49152, 4789, `ff 01d1f2 00000b 7f  # flags 0xff\n${VM_FRAME}`))),
    );
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth/ipv4/tcp');
    expect(d).toMatchObject({ vni: 11, src_ip: '10.0.0.1' });
    expect(d.anomalies).toBeUndefined();
  });

  it('keeps the outer IP and ports when the payload has no IP (VXLAN carrying ARP)', () => {
    const arp = eth('0806', '0001 0800 06 04 0001 0a0000000001 0a000001 000000000000 0a000002  # who-has');
    const d = decodeJson(overVxlan(100, arp));
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth/arp');
    expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', proto: 'udp', src_port: 49152 });
    expect(d).toMatchObject({ dest_port: 4789, vni: 100 });
  });

  describe('malformed', () => {
    it('rejects a header without the I flag (vxlan.flags_invalid)', () => {
      const frame = hex(
        eth('0800', ipv4(17, OUTER_SRC, OUTER_DST, udp(49152, 4789, `00 000000 000064 00\n${VM_FRAME}`))),
      );
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_port: 4789, anomalies: ['vxlan.flags_invalid'] });
      expect(d.tunnels).toBeUndefined();
      expect(d.vni).toBeUndefined();
    });

    it('rejects a header shorter than 8 bytes (vxlan.header_too_small)', () => {
      const d = decodeJson(hex(eth('0800', ipv4(17, OUTER_SRC, OUTER_DST, udp(49152, 4789, '08 000000 0000')))));
      expect(d).toMatchObject({ src_ip: '192.0.2.1', anomalies: ['vxlan.header_too_small'] });
    });

    it('keeps the tunnel when the inner frame is cut short', () => {
      const d = decodeJson(overVxlan(100, '0a0000000002 0a00  # 8 bytes of Ethernet'));
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth');
      expect(d).toMatchObject({
        src_ip: '192.0.2.1',
        dest_port: 4789,
        vni: 100,
        anomalies: ['ethernet.pkt_too_small'],
      });
      expect(d.tunnels).toHaveLength(1);
    });
  });

  describe('nesting', () => {
    it('decodes Geneve inside VXLAN: one tunnel entry per decapsulation, innermost VNI', () => {
      const icmp = eth('0800', ipv4(1, '0a010001', '0a010002', '08 00 0000 0001 0001  # echo request'));
      const geneve = `0000 6558 000fa0 00  # Geneve, Ethernet, VNI 4000\n${icmp}`;
      const middle = eth('0800', ipv4(17, 'ac100001', 'ac100002', udp(50000, 6081, geneve)));
      const d = decodeJson(overVxlan(100, middle));
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/vxlan/eth/ipv4/udp/geneve/eth/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.1.0.1', dest_ip: '10.1.0.2', proto: 'icmp', vni: 4000 });
      expect(d.tunnels).toEqual([
        { kind: 'vxlan', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 100 },
        { kind: 'geneve', src_ip: '172.16.0.1', dest_ip: '172.16.0.2', id: 4000 },
      ]);
      expect(d.src_port).toBeUndefined();
    });

    it('decodes VXLAN in VXLAN in VXLAN (zeek-vxlan-triple)', () => {
      const dns = eth('0800', ipv4(17, '04040404', '04040409', udp(53, 53, '1234 0100 0001 0000 0000 0000')));
      const l3 = eth('0800', ipv4(17, '03030303', '03030309', udp(1000, 4789, vxlan(3, dns))));
      const l2 = eth('0800', ipv4(17, '02020202', '02020209', udp(1000, 4789, vxlan(2, l3))));
      const d = decodeJson(overVxlan(1, l2));
      expect(d.tunnels?.map((t) => [t.kind, t.src_ip, t.id])).toEqual([
        ['vxlan', '192.0.2.1', 1],
        ['vxlan', '2.2.2.2', 2],
        ['vxlan', '3.3.3.3', 3],
      ]);
      expect(d).toMatchObject({ src_ip: '4.4.4.4', dest_ip: '4.4.4.9', src_port: 53, dest_port: 53, vni: 3 });
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = overVxlan(100, VM_FRAME);
    expectTruncationSafe(frame);
  });
});
