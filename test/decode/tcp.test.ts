// TCP decoder: header fields, options walk, and every malformed case, on hand-built frames.

import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as decodeJson, decodeWith, expectTruncationSafe, hex } from '../helpers/decode.js';
import { eth, h8, ipv4, ipv6, V4_A, V4_B, V6_A, V6_B } from '../helpers/frames.js';

/** Ethernet + IPv4 192.0.2.1 -> 192.0.2.2 around a TCP segment. */
const tcpFrame = (tcp: string) => hex(eth('0800', ipv4(6, V4_A, V4_B, tcp)));

const SYN = `
  c350 0050          # ports 50000 -> 80
  00000001           # seq 1
  00000000           # ack 0
  a0 02              # data offset 10 (40 bytes), flags SYN
  faf0 0000 0000     # window 64240, checksum, urgent pointer
  020405b4           # MSS 1460
  0402               # SACK permitted
  080a 00000064 00000000  # timestamps val 100, ecr 0
  01                 # NOP
  030307             # window scale 7
`;

describe('tcp', () => {
  it('decodes a SYN with the usual options', () => {
    const frame = tcpFrame(SYN);
    const d = decodeJson(frame);
    expect(d.layers.join('/')).toBe('eth/ipv4/tcp');
    expect(d).toMatchObject({ src_ip: '192.0.2.1', dest_ip: '192.0.2.2', proto: 'tcp', src_port: 50000 });
    expect(d).toMatchObject({ dest_port: 80, tcp_flags: 'S' });
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.tcpSeq).toBe(1);
    expect(p.tcpAck).toBe(0);
    expect(p.tcpWin).toBe(64240);
    expect(p.tcpMss).toBe(1460);
    expect(p.tcpWscale).toBe(7);
    expect(p.tcpSackPermitted).toBe(true);
    expect(p.tcpHasTs).toBe(true);
    expect(p.tcpTsVal).toBe(100);
    expect(p.tcpTsEcr).toBe(0);
    expect(p.l4Off - p.start).toBe(34);
    expect(p.l4HdrLen).toBe(40);
    expect(p.payloadOff - p.start).toBe(74);
    expect(p.payloadLen).toBe(0);
    expect(p.invalid).toBe(false);
  });

  it('decodes data, ACK|PSH and SACK blocks; the payload starts after the options', () => {
    const frame = tcpFrame(`
      0050 c350          # ports 80 -> 50000
      fffffff0 00000002  # seq 4294967280 (unsigned), ack 2
      a0 18              # data offset 10, ACK|PSH
      01f5 0000 0000     # window 501
      0101               # NOP NOP
      0512 00000010 00000020 00000030 00000040  # SACK, 2 blocks
      68656c6c6f         # "hello"
    `);
    const d = decodeJson(frame);
    expect(d).toMatchObject({ src_port: 80, dest_port: 50000, tcp_flags: 'PA' });
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(frame);
    expect(p.tcpSeq).toBe(4294967280);
    expect(p.tcpSackBlocks).toBe(2);
    expect(p.tcpMss).toBe(-1);
    expect(p.payloadLen).toBe(5);
    expect(p.data.toString('latin1', p.payloadOff, p.payloadOff + p.payloadLen)).toBe('hello');
  });

  it('keeps ECE and CWR in the flags and the NS bit out', () => {
    const p = decodeFrame(tcpFrame('c350 0050 00000001 00000000 51 c2 faf0 0000 0000  # offset 5 + NS, CWR|ECE|SYN'));
    expect(p.tcpFlags).toBe(0xc2);
    expect(describePacket(p).tcp_flags).toBe('SEC');
  });

  it('decodes TCP over IPv6', () => {
    const d = decodeJson(hex(eth('86dd', ipv6(6, V6_A, V6_B, SYN))));
    expect(d.layers.join('/')).toBe('eth/ipv6/tcp');
    expect(d).toMatchObject({ src_ip: '2001:db8::1', dest_ip: '2001:db8::2', src_port: 50000, dest_port: 80 });
    expect(d.anomalies).toBeUndefined();
  });

  describe('malformed headers', () => {
    it('shows the ports of a 4-byte segment and stops with tcp.pkt_too_small', () => {
      const d = decodeJson(tcpFrame('c350 0050  # only the ports'));
      expect(d).toMatchObject({ src_port: 50000, dest_port: 80, anomalies: ['tcp.pkt_too_small'] });
      expect(d.tcp_flags).toBeUndefined();
    });

    it('has no ports when fewer than 4 bytes are there', () => {
      const d = decodeJson(tcpFrame('c350 00'));
      expect(d.src_port).toBeUndefined();
      expect(d.anomalies).toEqual(['tcp.pkt_too_small']);
    });

    it('rejects a data offset below 5 words (tcp.invalid_optlen, as Suricata)', () => {
      const p = decodeFrame(tcpFrame('c350 0050 00000001 00000000 40 02 faf0 0000 0000  # data offset 4'));
      expect(describePacket(p)).toMatchObject({ src_port: 50000, anomalies: ['tcp.invalid_optlen'] });
      expect(p.invalid).toBe(true);
      expect(p.l4Off).toBe(-1);
    });

    it('rejects a data offset past the segment (tcp.hlen_too_small, as Suricata)', () => {
      const d = decodeJson(tcpFrame('c350 0050 00000001 00000000 f0 02 faf0 0000 0000  # data offset 15, 20 bytes'));
      expect(d).toMatchObject({ src_port: 50000, dest_port: 80, anomalies: ['tcp.hlen_too_small'] });
    });

    it('treats options cut by the snap length as a short header, ports kept', () => {
      const full = tcpFrame(SYN);
      const p = decodeWith(full.subarray(0, 14 + 20 + 30), { len: full.length });
      expect(describePacket(p)).toMatchObject({ src_port: 50000, dest_port: 80, anomalies: ['tcp.hlen_too_small'] });
    });
  });

  describe('options', () => {
    const opts = (o: string, words: number) =>
      tcpFrame(`c350 0050 00000001 00000000 ${h8(words << 4)} 02 faf0 0000 0000 ${o}`);

    it('flags a wrong fixed length and keeps walking', () => {
      const p = decodeFrame(opts('020305  080a 00000007 00000008  010101  # MSS len 3, TS, NOPs', 9));
      expect(describePacket(p).anomalies).toEqual(['tcp.opt_invalid_len']);
      expect(p.tcpMss).toBe(-1);
      expect(p.tcpHasTs).toBe(true);
      expect(p.tcpTsVal).toBe(7);
      expect(p.invalid).toBe(false);
    });

    it('flags a duplicate and keeps the first value', () => {
      const p = decodeFrame(opts('020405b4 020405dc  # MSS 1460, MSS 1500', 7));
      expect(describePacket(p).anomalies).toEqual(['tcp.opt_duplicate']);
      expect(p.tcpMss).toBe(1460);
    });

    it('flags and stops at a length below 2', () => {
      const p = decodeFrame(opts('0200 020405b4 0000  # MSS len 0, MSS, padding', 7));
      expect(describePacket(p).anomalies).toEqual(['tcp.opt_invalid_len']);
      expect(p.tcpMss).toBe(-1);
    });

    it('flags an option running past the header (tcp.opt_trunc)', () => {
      expect(decodeJson(opts('080a 0000  # TS claims 10 bytes, 4 left', 6)).anomalies).toEqual(['tcp.opt_trunc']);
      expect(decodeJson(opts('010101 02  # MSS kind in the last byte', 6)).anomalies).toEqual(['tcp.opt_trunc']);
    });

    it('stops at end-of-list and skips unknown kinds by length', () => {
      const eol = decodeFrame(opts('00 020405b4 000000  # EOL, then bytes that are not options', 7));
      expect(eol.tcpMss).toBe(-1);
      expect(describePacket(eol).anomalies).toBeUndefined();
      const tfo = decodeFrame(opts('220a 0102030405060708  0101  020405b4  # TFO cookie, NOPs, MSS', 9));
      expect(tfo.tcpMss).toBe(1460);
      expect(describePacket(tfo).anomalies).toBeUndefined();
    });

    it('checks SACK and window scale lengths', () => {
      expect(
        decodeJson(opts('050c 00000001 00000002 0000  00000000  # SACK len 12, EOL padding', 9)).anomalies,
      ).toEqual(['tcp.opt_invalid_len']);
      const p = decodeFrame(opts('030407 00  # window scale len 4', 6));
      expect(p.tcpWscale).toBe(-1);
      expect(describePacket(p).anomalies).toEqual(['tcp.opt_invalid_len']);
    });

    it('flags duplicates of every tracked option', () => {
      const dup = decodeFrame(opts('0402 0402 030307 030308 0101  # SACK-perm x2, wscale x2, NOPs', 8));
      expect(describePacket(dup).anomalies).toEqual(['tcp.opt_duplicate']);
      expect(dup.tcpWscale).toBe(7);
    });
  });

  it('never throws or reads past the end, truncated at every length', () => {
    const frame = tcpFrame(`${SYN} 68656c6c6f`);
    expectTruncationSafe(frame);
  });
});
