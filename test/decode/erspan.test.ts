// ERSPAN decoders: type I and II (GRE 0x88BE, told apart by the GRE sequence number) and
// type III (GRE 0x22EB); session, VLAN, direction, and one tunnel entry per decapsulation.

import { describe, expect, it } from 'vitest';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv4, V4_A, V4_B } from '../helpers/frames.js';

/** Outer Ethernet / IPv4 192.0.2.1 (switch) -> 192.0.2.2 (collector) / GRE header + payload. */
const overGre = (gre: string) => hex(eth('0800', ipv4(47, V4_A, V4_B, gre)));
/** Ethernet II between the VMs, 0a:00:00:00:00:01 -> 0a:00:00:00:00:02. */
const vmEth = (type: string, body: string) => eth(type, body, '0a0000000002', '0a0000000001');

/** The mirrored frame: 10.0.0.1 -> 10.0.0.2 ICMP echo request, untagged. */
const MIRRORED = vmEth('0800', ipv4(1, '0a000001', '0a000002', '08 00 0000 0001 0001  # echo request'));
/** The same with an 802.1Q tag, VLAN 101. */
const MIRRORED_TAGGED = vmEth('8100', `0065 0800\n${ipv4(1, '0a000001', '0a000002', '08 00 0000 0001 0001')}`);
const ERSPAN2 = '1156 c29a 0000 7ff8  # ver 1, VLAN 342, COS 6, En 0, T 0, session 666, index 0x7ff8\n';
const ERSPAN3 = '2014 0123 a3595bff 0000 0038  # ver 2, VLAN 20, session 291, timestamp, SGT 0, Hw ID 3, D=1\n';

describe('erspan', () => {
  describe('type I', () => {
    it('takes a GRE 0x88BE payload without sequence number as the mirrored frame itself', () => {
      const frame = overGre(`0000 88be  # GRE, no S bit: ERSPAN type I\n${MIRRORED_TAGGED}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan/eth/vlan/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'icmp', vlan: [101] });
      expect(d.erspan).toEqual({ version: 0 });
      expect(d.tunnels).toEqual([{ kind: 'erspan1', src_ip: '192.0.2.1', dest_ip: '192.0.2.2' }]);
      expect(d.anomalies).toBeUndefined();
      const p = decodeFrame(frame);
      expect(p.innerEthOff - p.start).toBe(14 + 20 + 4);
      expect(p.ethOff - p.start).toBe(0);
    });
  });

  describe('type II', () => {
    it('reads version, VLAN and session, and records one erspan2 tunnel (no extra gre entry)', () => {
      const frame = overGre(`1000 88be 000000ab  # GRE S bit, sequence 171: type II\n${ERSPAN2}${MIRRORED}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan/eth/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2' });
      expect(d.erspan).toEqual({ version: 1, session: 666, vlan: 342 });
      // The ERSPAN VLAN is the mirrored port's, not a tag on the frame.
      expect(d.vlan).toBeUndefined();
      expect(d.tunnels).toEqual([{ kind: 'erspan2', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 666 }]);
      expect(d.anomalies).toBeUndefined();
      const p = decodeFrame(frame);
      expect(p.innerEthOff - p.start).toBe(14 + 20 + 8 + 8);
    });

    it('keeps a GRE key next to the session', () => {
      const d = decodeJson(overGre(`3000 88be 00000005 000000ab  # K S\n${ERSPAN2}${MIRRORED}`));
      expect(d).toMatchObject({ gre_key: 5, erspan: { version: 1, session: 666 } });
      expect(d.tunnels).toHaveLength(1);
    });

    it('rejects another header version (erspan.unsupported_version)', () => {
      const d = decodeJson(overGre(`1000 88be 000000ab  2156 c29a 0000 7ff8  # ver 2 under 0x88BE\n${MIRRORED}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', anomalies: ['erspan.unsupported_version'] });
      expect(d.tunnels).toBeUndefined();
    });

    it('rejects a header shorter than 8 bytes (erspan.header_too_small)', () => {
      expect(decodeJson(overGre('1000 88be 000000ab  1156 c29a 0000')).anomalies).toEqual(['erspan.header_too_small']);
    });
  });

  describe('type III', () => {
    it('reads session, VLAN, hardware id and direction', () => {
      const frame = overGre(`0000 22eb  # GRE, ERSPAN type III\n${ERSPAN3}${MIRRORED}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan/eth/ipv4/icmp');
      expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2' });
      expect(d.erspan).toEqual({ version: 2, session: 291, vlan: 20, direction: 'egress' });
      expect(d.tunnels).toEqual([{ kind: 'erspan3', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 291 }]);
      expect(d.anomalies).toBeUndefined();
      const p = decodeFrame(frame);
      expect(p.erspanHwId).toBe(3);
      expect(p.erspanDirection).toBe(1);
      expect(p.innerEthOff - p.start).toBe(14 + 20 + 4 + 12);
    });

    it('reads the ingress direction and skips the platform specific sub-header (O=1)', () => {
      const frame = overGre(`
        1000 22eb 00000001            # GRE S bit, sequence 1
        200a 0000 70507e55 0000 0007  # ver 2, VLAN 10, session 0, Gra 3, D=0, O=1
        0c000003 15f742e8             # platform specific sub-header
        ${MIRRORED_TAGGED}`);
      const d = decodeJson(frame);
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan/eth/vlan/ipv4/icmp');
      expect(d).toMatchObject({ vlan: [101], erspan: { version: 2, session: 0, vlan: 10, direction: 'ingress' } });
      const p = decodeFrame(frame);
      expect(p.innerEthOff - p.start).toBe(14 + 20 + 8 + 20);
    });

    it('rejects a missing sub-header or a short header (erspan.header_too_small)', () => {
      expect(decodeJson(overGre('0000 22eb  200a 0000 70507e55 0000 0007  0c000003')).anomalies).toEqual([
        'erspan.header_too_small',
      ]);
      expect(decodeJson(overGre('0000 22eb  2014 0123 a3595bff 0000')).anomalies).toEqual(['erspan.header_too_small']);
    });

    it('rejects another header version (erspan.unsupported_version)', () => {
      expect(decodeJson(overGre(`0000 22eb  1014 0123 a3595bff 0000 0038\n${MIRRORED}`)).anomalies).toEqual([
        'erspan.unsupported_version',
      ]);
    });

    it('notes a frame type other than Ethernet (erspan.unsupported_frame_type) and stops', () => {
      const d = decodeJson(overGre(`0000 22eb  2014 0123 a3595bff 0000 0800  # FT 2 (IP)\n${MIRRORED}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/gre/erspan');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', anomalies: ['erspan.unsupported_frame_type'] });
      expect(d.tunnels).toBeUndefined();
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frames = [
      overGre(`0000 88be\n${MIRRORED_TAGGED}`),
      overGre(`1000 88be 000000ab\n${ERSPAN2}${MIRRORED}`),
      overGre(`0000 22eb 200a 0000 70507e55 0000 0007 0c000003 15f742e8\n${MIRRORED}`),
    ];
    for (const frame of frames) expectTruncationSafe(frame);
  });
});
