import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { pcapFile, SURICATA_VERIFY, tempDir } from '../capture/build.js';
import { jsonLines, vsids } from '../helpers/cli.js';
import { decodeFrame, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP, IPV6_UDP } from '../helpers/frames.js';

const LINKTYPE_C_HDLC = 104;

// Suricata's DecodeCHDLCTest01 frame, the first packet of decode-chdlc-01:
//   0000  0f 00 08 00                                  address 0x0F (unicast), control 0, protocol IPv4
//   0004  45 00 00 30 15 5a 40 00 80 06 6c d0          IPv4, TTL 128, TCP
//   0010  c0 a8 02 07 41 37 74 b7                      192.168.2.7 -> 65.55.116.183
//   0018  13 4a 00 50 9c 34 09 6c 00 00 00 00          TCP 4938 -> 80
//   0024  70 02 40 00 11 47 00 00 02 04 05 b4 01 01 04 02   SYN, MSS 1460, SACK permitted
const CHDLC_IPV4_SYN = hex(`
  0f 00 0800
  4500 0030 155a 4000 8006 6cd0 c0a80207 413774b7
  134a 0050 9c34096c 00000000 7002 4000 1147 0000 020405b4 01010402
`);

// Broadcast address 0x8F, protocol IPv6.
const CHDLC_IPV6 = hex(`8f 00 86dd ${IPV6_UDP}`);

const decode = (frame: Buffer) => describeFrame(frame, LINKTYPE_C_HDLC);

describe('Cisco HDLC decoder', () => {
  it('decodes IPv4 by the protocol field', () => {
    const d = decode(CHDLC_IPV4_SYN);
    expect(d.linktype).toBe(104);
    expect(d.layers).toEqual(['chdlc', 'ipv4', 'tcp']);
    expect(d.src_mac).toBeUndefined();
    expect(d.src_ip).toBe('192.168.2.7');
    expect(d.dest_ip).toBe('65.55.116.183');
    expect(d.dest_port).toBe(80);
    expect(d.tcp_flags).toBe('S');
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes IPv6 (broadcast address 0x8F)', () => {
    const d = decode(CHDLC_IPV6);
    expect(d.layers).toEqual(['chdlc', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
    expect(d.dest_port).toBe(53);
  });

  it('dispatches other EtherTypes carried as the protocol (MPLS)', () => {
    const d = decode(hex(`0f 00 8847 00010140 ${IPV4_UDP}`)); // label 16, bottom of stack
    expect(d.layers).toEqual(['chdlc', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([16]);
  });

  it.each([
    // SLARP keepalive: code 2, my sequence, your sequence, reliability 0xffff.
    ['SLARP keepalive (0x8035)', '8f 00 8035  00000002 00000010 0000000f ffff'],
    ['CDP (0x2000)', '8f 00 2000  02 b4 0000 0001 0006 52310000'],
  ])('stops quietly at %s', (_what, frame) => {
    const d = decode(hex(frame));
    expect(d.layers).toEqual(['chdlc']);
    expect(d.anomalies).toBeUndefined();
  });

  it.each(['88b5', '0000', '0101'])('flags an unknown protocol 0x%s', (proto) => {
    const p = decodeFrame(hex(`0f 00 ${proto} ${IPV4_UDP}`), LINKTYPE_C_HDLC);
    const d = describePacket(p);
    expect(d.layers).toEqual(['chdlc']);
    expect(d.anomalies).toEqual(['ethernet.unknown_ethertype']);
    expect(p.invalid).toBe(false);
  });

  it('flags a header cut short', () => {
    const p = decodeFrame(CHDLC_IPV4_SYN.subarray(0, 3), LINKTYPE_C_HDLC);
    const d = describePacket(p);
    expect(d.layers).toEqual(['chdlc']);
    expect(d.anomalies).toEqual(['chdlc.pkt_too_small']);
    expect(p.invalid).toBe(true);
  });

  it('hands an empty payload to the next decoder, which flags it', () => {
    const d = decode(hex('0f 00 0800'));
    expect(d.layers).toEqual(['chdlc', 'ipv4']);
    expect(d.anomalies).toEqual(['ipv4.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(CHDLC_IPV4_SYN, LINKTYPE_C_HDLC);
    expectRobust(CHDLC_IPV6, LINKTYPE_C_HDLC);
  });
});

describe('vsids decode and replay accept link type 104', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('decodes a C_HDLC pcap instead of refusing its link type', () => {
    const f = tmp.file(
      'chdlc.pcap',
      pcapFile(
        [
          { data: CHDLC_IPV4_SYN, sec: 1, frac: 0 },
          { data: hex('0f 00 01'), sec: 2, frac: 0 },
        ],
        { linkType: LINKTYPE_C_HDLC },
      ),
    );
    const r = vsids(['decode', f]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.layers)).toEqual([['chdlc', 'ipv4', 'tcp'], ['chdlc']]);
    expect(lines[1]!.anomalies).toEqual(['chdlc.pkt_too_small']);
  });

  const CASE = join(SURICATA_VERIFY, 'decode-chdlc-01');
  it.skipIf(!existsSync(CASE))('replays suricata-verify decode-chdlc-01 and alerts sid 666 once', () => {
    const pcap = join(CASE, 'hdlc-http_1tx.pcap');
    const r = vsids(['replay', pcap, '-S', join(CASE, 'test.rules'), '--no-default-rules', '-l', '-']);
    expect(r.code, r.stderr).toBe(0);
    const alerts = jsonLines(r.stdout).filter((e) => e.event_type === 'alert');
    expect(alerts.map((a) => (a.alert as { signature_id: number }).signature_id)).toEqual([666]);
  });
});
