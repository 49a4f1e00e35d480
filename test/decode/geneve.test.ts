// Geneve decoder (RFC 8926): version, option area, protocol type, VNI, tunnel context.

import { describe, expect, it } from 'vitest';
import { decodeFrame, describe as decodeJson, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, ipv4, ipv6, udp, V4_A, V4_B } from '../helpers/frames.js';

/** Outer Ethernet / IPv4 192.0.2.1 -> 192.0.2.2 / UDP 50000 -> 6081 around a Geneve header + payload. */
const overGeneve = (geneve: string) => hex(eth('0800', ipv4(17, V4_A, V4_B, udp(50000, 6081, geneve))));

/** Inner IPv4 10.0.0.1:40000 -> 10.0.0.2:80 TCP SYN. */
const INNER_IP = ipv4(6, '0a000001', '0a000002', '9c40 0050 00000001 00000000 50 02 faf0 0000 0000  # TCP SYN');
const INNER_ETH = eth('0800', INNER_IP, '0a0000000002', '0a0000000001');

describe('geneve', () => {
  it('decodes an Ethernet payload (0x6558) and keeps the VNI and outer addresses', () => {
    const frame = overGeneve(`00 00 6558  0004d2 00  # ver 0, no options, Ethernet, VNI 1234\n${INNER_ETH}`);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/eth/ipv4/tcp');
    expect(d).toMatchObject({ src_ip: '10.0.0.1', dest_ip: '10.0.0.2', src_port: 40000, dest_port: 80, vni: 1234 });
    expect(d.tunnels).toEqual([{ kind: 'geneve', src_ip: '192.0.2.1', dest_ip: '192.0.2.2', id: 1234 }]);
    expect(d.anomalies).toBeUndefined();
  });

  it('skips options by their lengths', () => {
    const frame = overGeneve(`
      05 00 6558 000001 00       # ver 0, options 5 words (20 bytes), Ethernet, VNI 1
      0102 80 01 deadbeef        # option class 0x0102 type 0x80 (critical), 1 word of data
      ffff 01 02 0011223344556677  # option class 0xffff type 1, 2 words of data
      ${INNER_ETH}`);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/eth/ipv4/tcp');
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.innerEthOff - p.start).toBe(14 + 20 + 8 + 8 + 20);
  });

  it('decodes an IPv4 payload directly (0x0800, as GCP sends it)', () => {
    const d = decodeJson(overGeneve(`00 00 0800 000000 00  # IPv4 payload, VNI 0\n${INNER_IP}`));
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/ipv4/tcp');
    expect(d).toMatchObject({ src_ip: '10.0.0.1', src_port: 40000, vni: 0 });
  });

  it('decodes an IPv6 payload directly (0x86dd)', () => {
    const inner = ipv6(
      17,
      'fd000000000000000000000000000001',
      'fd000000000000000000000000000002',
      udp(40000, 40001, '68656c6c6f'),
    );
    const d = decodeJson(overGeneve(`00 00 86dd 123456 00  # IPv6 payload\n${inner}`));
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/ipv6/udp');
    expect(d).toMatchObject({ src_ip: 'fd00::1', dest_ip: 'fd00::2', src_port: 40000, dest_port: 40001 });
    expect(d.vni).toBe(0x123456);
  });

  it('decodes OAM frames and critical options all the same (O and C bits)', () => {
    const d = decodeJson(overGeneve(`01 c0 6558 000001 00  0102 80 00  # O+C, one empty option\n${INNER_ETH}`));
    expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/eth/ipv4/tcp');
    expect(d.anomalies).toBeUndefined();
  });

  describe('malformed', () => {
    it('rejects another version (geneve.unsupported_version)', () => {
      const d = decodeJson(overGeneve(`40 00 6558 000001 00  # version 1\n${INNER_ETH}`));
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_port: 6081, anomalies: ['geneve.unsupported_version'] });
      expect(d.tunnels).toBeUndefined();
    });

    it('rejects an option length running past the packet (geneve.opt_len_invalid)', () => {
      const d = decodeJson(overGeneve(`3f 00 6558 000001 00  # 63 words of options\n${INNER_ETH}`));
      expect(d.anomalies).toEqual(['geneve.opt_len_invalid']);
    });

    it('rejects options that do not fill the option area exactly (geneve.opt_len_invalid)', () => {
      const over = decodeJson(
        overGeneve(`02 00 6558 000001 00  0102 80 02 deadbeef  # option of 3 words in 2\n${INNER_ETH}`),
      );
      expect(over.anomalies).toEqual(['geneve.opt_len_invalid']);
    });

    it('rejects an unknown protocol type (geneve.unknown_payload_type)', () => {
      const d = decodeJson(overGeneve(`00 00 1234 000001 00\n${INNER_ETH}`));
      expect(d).toMatchObject({ src_ip: '192.0.2.1', anomalies: ['geneve.unknown_payload_type'] });
      expect(d.tunnels).toBeUndefined();
    });

    it('rejects a header shorter than 8 bytes (geneve.header_too_small)', () => {
      expect(decodeJson(overGeneve('00 00 6558 0000')).anomalies).toEqual(['geneve.header_too_small']);
    });

    it('keeps outer addresses and ports when the inner frame is empty (zeek-geneve-truncated)', () => {
      const d = decodeJson(overGeneve('02 00 6558 000000 00  0000 00 01 0000000a  # one option, nothing after'));
      expect(d.layers.join('/')).toBe('eth/ipv4/udp/geneve/eth');
      expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', src_port: 50000, dest_port: 6081 });
      expect(d.anomalies).toEqual(['ethernet.pkt_too_small']);
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = overGeneve(`03 00 6558 000001 00  0102 80 02 0011223344556677\n${INNER_ETH}`);
    expectTruncationSafe(frame);
  });
});
