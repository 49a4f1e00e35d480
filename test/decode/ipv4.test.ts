import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { IPOPT_NOP, IPOPT_OTHER, IPOPT_RR, IPOPT_RTRALT, IPOPT_TS } from '../../src/decode/ipv4.js';
import { decodeFrame, decodeWith, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';

const ETH = '001122334455 66778899aabb 0800'; // dst MAC, src MAC, EtherType IPv4

// Ethernet, IPv4 10.0.0.1 -> 10.0.0.2 UDP 12345 -> 53 with 2 payload bytes.
const UDP_FRAME = hex(`
  ${ETH}
  45 00 001e            # version 4, IHL 5, TOS 0, total length 30
  1234 0000             # id 0x1234, no flags, offset 0
  40 11 5499            # TTL 64, protocol UDP, header checksum (valid)
  0a000001 0a000002     # 10.0.0.1 -> 10.0.0.2
  3039 0035 000a 0000   # UDP 12345 -> 53, length 10, no checksum
  6869                  # payload "hi"
`);

describe('IPv4 decoder', () => {
  it('decodes a UDP datagram', () => {
    const d = describeFrame(UDP_FRAME);
    expect(d.layers).toEqual(['eth', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_ip).toBe('10.0.0.2');
    expect(d.ip_proto).toBe(17);
    expect(d.proto).toBe('udp');
    expect(d.src_port).toBe(12345);
    expect(d.dest_port).toBe(53);
    expect(d.ip_checksum).toBe('ok');
    expect(d.fragment).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(UDP_FRAME);
    expect(p.ipVersion).toBe(4);
    expect(p.ttl).toBe(64);
    expect(p.ipId).toBe(0x1234);
    expect(p.l3Off).toBe(p.start + 14);
    expect(p.l3HdrLen).toBe(20);
    expect(p.l3End).toBe(p.start + 44);
  });

  it('keeps Ethernet padding out of the datagram', () => {
    // The same datagram padded to the 60-byte Ethernet minimum.
    const padded = Buffer.concat([UDP_FRAME, Buffer.alloc(60 - UDP_FRAME.length)]);
    const p = decodeFrame(padded);
    expect(p.l3End - p.l3Off).toBe(30);
    expect(p.payloadLen).toBe(2);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it('reports a bad header checksum without an anomaly (offload is normal on mirrors)', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14 + 10] = 0xde;
    const d = describeFrame(f);
    expect(d.ip_checksum).toBe('bad');
    expect(d.anomalies).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('decodes as LINKTYPE_IPV4 (228) with no link header', () => {
    const d = describeFrame(UDP_FRAME.subarray(14), 228);
    expect(d.layers).toEqual(['ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
  });

  it('decodes the first fragment down to the ports', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 001e 1234
      2000                # MF set, offset 0
      40 11 3499 0a000001 0a000002
      3039 0035 0010 0000 6869
    `),
    );
    expect(d.layers).toEqual(['eth', 'ipv4', 'udp']);
    expect(d.fragment).toEqual({ offset: 0, more: true, id: 0x1234 });
    expect(d.dest_port).toBe(53);
    expect(d.ip_checksum).toBe('ok');
  });

  it('stops at a later fragment: no transport header there', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 001e 1234
      00b9                # offset 185 * 8 = 1480, last fragment
      40 11 0000 0a000001 0a000002
      3039 0035 0010 0000 6869   # payload bytes that only look like UDP
    `),
    );
    expect(d.layers).toEqual(['eth', 'ipv4']);
    expect(d.fragment).toEqual({ offset: 1480, more: false, id: 0x1234 });
    expect(d.ip_proto).toBe(17);
    expect(d.proto).toBe('udp');
    expect(d.src_port).toBeUndefined();
  });

  it('records DF without calling the packet a fragment', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14 + 6] = 0x40;
    const p = decodeFrame(f);
    expect(p.fragDontFrag).toBe(true);
    expect(p.isFragment).toBe(false);
  });

  it('walks well-formed options (router alert, as IGMP uses)', () => {
    const p = decodeFrame(
      hex(`
      ${ETH}
      46 00 0022          # IHL 6 (24-byte header), total length 34
      1234 0000 01 02 288b
      0a000001 e0000016   # 10.0.0.1 -> 224.0.0.22
      94 04 0000          # option: router alert, length 4
      2200 f9fa 00000000  # IGMPv3 report (not decoded: protocol 2 is a leaf)
      0000 0000
    `),
    );
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'ipv4']);
    expect(d.ip_proto).toBe(2);
    expect(d.proto).toBe('other');
    expect(d.ip_checksum).toBe('ok');
    expect(d.anomalies).toBeUndefined();
    expect(p.ipOpts).toBe(IPOPT_RTRALT);
    expect(p.l3HdrLen).toBe(24);
  });

  it('walks record route and timestamp options and still decodes the transport', () => {
    const p = decodeFrame(
      hex(`
      ${ETH}
      49 00 002e          # IHL 9: 16 bytes of options, total length 46
      1234 0000 40 11 0000 0a000001 0a000002
      07 07 04 00000000   # record route, length 7, pointer 4 (first slot empty)
      01                  # NOP
      44 08 05 00 00000000   # timestamp, length 8, pointer 5, flag 0 (timestamps only)
      3039 0035 000a 0000 6869
    `),
    );
    expect(p.ipOpts).toBe(IPOPT_RR | IPOPT_NOP | IPOPT_TS);
    expect(p.dstPort).toBe(53);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  // Options area (4 or 8 bytes) in front of the same UDP payload; the anomaly does not stop the packet.
  const withOptions = (opts: string) => {
    const o = hex(opts);
    const ihl = 5 + o.length / 4;
    const total = ihl * 4 + 10;
    return hex(`
      ${ETH}
      4${ihl.toString(16)} 00 ${total.toString(16).padStart(4, '0')}
      1234 0000 40 11 0000 0a000001 0a000002
      ${o.toString('hex')}
      3039 0035 000a 0000 6869
    `);
  };

  it.each([
    ['an option length past the header', '07 09 04 00', 'ipv4.opt_invalid_len'],
    ['an option length below 2', '07 01 00 00', 'ipv4.opt_invalid_len'],
    ['a route pointer off the address slots', '07 07 05 00000000 00', 'ipv4.opt_malformed'],
    ['a route pointer below 4', '83 07 03 00000000 00', 'ipv4.opt_malformed'],
    ['a timestamp pointer below 5', '44 08 04 00 00000000', 'ipv4.opt_malformed'],
    ['a timestamp record size mismatch', '44 0c 09 01 00000000 00000000', 'ipv4.opt_malformed'],
    ['a router alert of the wrong length', '94 05 0000 00 000000', 'ipv4.opt_invalid_len'],
    ['a stream id of the wrong length', '88 03 00 00', 'ipv4.opt_invalid_len'],
    ['a repeated router alert', '94040000 94040000', 'ipv4.opt_duplicate'],
    ['an unknown option type', '99 04 0000', 'ipv4.opt_invalid'],
    ['a lone multi-byte type at the end', '01 01 01 07', 'ipv4.opt_eol_required'],
  ])('flags %s', (_what, opts, anomaly) => {
    const d = describeFrame(withOptions(opts));
    expect(d.anomalies).toEqual([anomaly]);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
  });

  it('marks unknown options in the option bit set', () => {
    expect(decodeFrame(withOptions('99 04 0000')).ipOpts & IPOPT_OTHER).toBe(IPOPT_OTHER);
  });

  it('stops after EOL: the rest of the options area is padding', () => {
    const d = describeFrame(withOptions('00 ff ff ff'));
    expect(d.anomalies).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('rejects a frame shorter than the fixed header', () => {
    const d = describeFrame(UDP_FRAME.subarray(0, 14 + 19));
    expect(d.layers).toEqual(['eth', 'ipv4']);
    expect(d.anomalies).toEqual(['ipv4.pkt_too_small']);
    expect(d.src_ip).toBeUndefined();
  });

  it('rejects a wrong version and sets no addresses', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14] = 0x65;
    const d = describeFrame(f);
    expect(d.anomalies).toEqual(['ipv4.wrong_ip_version']);
    expect(d.src_ip).toBeUndefined();
    expect(d.ip_proto).toBeUndefined();
  });

  it('rejects an IHL below 5', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14] = 0x44;
    const d = describeFrame(f);
    expect(d.anomalies).toEqual(['ipv4.hlen_too_small']);
    expect(d.src_ip).toBeUndefined();
  });

  it('rejects a total length below the header length', () => {
    const f = Buffer.from(UDP_FRAME);
    f.writeUInt16BE(19, 14 + 2);
    const d = describeFrame(f);
    expect(d.anomalies).toEqual(['ipv4.iplen_smaller_than_hlen']);
    expect(d.src_ip).toBeUndefined();
  });

  it('flags a total length longer than the frame, and decodes what is there', () => {
    const f = Buffer.from(UDP_FRAME);
    f.writeUInt16BE(200, 14 + 2);
    const p = decodeFrame(f);
    const d = describePacket(p);
    expect(d.anomalies).toEqual(['ipv4.trunc_pkt']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(p.l3End).toBe(p.start + f.length);
  });

  it('accepts a datagram cut by the snaplen (caplen < len) without an anomaly', () => {
    // Total length 200, but only 44 of the 214 bytes on the wire were captured.
    const f = Buffer.from(UDP_FRAME);
    f.writeUInt16BE(200, 14 + 2);
    f.writeUInt16BE(180, 14 + 20 + 4);
    const p = decodeWith(f, { len: 214 });
    const d = describePacket(p);
    expect(d.anomalies).toBeUndefined();
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(p.l3End).toBe(p.start + f.length);
  });

  it('still flags a total length longer than even the original frame', () => {
    const f = Buffer.from(UDP_FRAME);
    f.writeUInt16BE(1000, 14 + 2);
    expect(describePacket(decodeWith(f, { len: 214 })).anomalies).toContain('ipv4.trunc_pkt');
  });

  it('gives the addresses but no transport when the snaplen cuts the options', () => {
    const f = withOptions('07 07 04 00000000 00').subarray(0, 14 + 22);
    const d = describePacket(decodeWith(f, { len: 14 + 38 }));
    expect(d.layers).toEqual(['eth', 'ipv4']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.ip_proto).toBe(17);
    expect(d.ip_checksum).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
  });

  it('treats total length 0 as a TSO / BIG TCP super-packet', () => {
    const f = Buffer.from(UDP_FRAME);
    f.writeUInt16BE(0, 14 + 2);
    const d = describeFrame(f);
    expect(d.anomalies).toBeUndefined();
    expect(d.dest_port).toBe(53);
  });

  it('decapsulates IP-in-IP and keeps the outer addresses as a tunnel', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 0032 0001 0000 40 04 0000   # outer IPv4, total 50, protocol 4 (IP-in-IP)
      c0a80001 c0a80002                  # 192.168.0.1 -> 192.168.0.2
      45 00 001e 1234 0000 40 11 5499 0a000001 0a000002
      3039 0035 000a 0000 6869
    `),
    );
    expect(d.layers).toEqual(['eth', 'ipv4', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.tunnels).toEqual([{ kind: 'ipip', src_ip: '192.168.0.1', dest_ip: '192.168.0.2' }]);
  });

  it('decapsulates IPv6-in-IPv4 (6in4)', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 0046 0001 0000 40 29 0000 c0a80001 c0a80002   # protocol 41, total 70
      60000000 000a 11 40                # IPv6, payload 10, UDP, hop limit 64
      20010db8000000000000000000000001 20010db8000000000000000000000002
      3039 0035 000a 0000 6869
    `),
    );
    expect(d.layers).toEqual(['eth', 'ipv4', 'ipv6', 'udp']);
    expect(d.src_ip).toBe('2001:db8::1');
    expect(d.tunnels).toEqual([{ kind: 'ipip', src_ip: '192.168.0.1', dest_ip: '192.168.0.2' }]);
  });

  it('decapsulates MPLS-in-IP (protocol 137)', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 0036 0001 0000 40 89 0000 c0a80001 c0a80002   # protocol 137, total 54
      00010 1 40                         # label 16, bottom of stack, TTL 64
      45 00 001e 1234 0000 40 11 5499 0a000001 0a000002
      3039 0035 000a 0000 6869
    `),
    );
    expect(d.layers).toEqual(['eth', 'ipv4', 'mpls', 'ipv4', 'udp']);
    expect(d.mpls).toEqual([16]);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.tunnels).toEqual([{ kind: 'mpls', src_ip: '192.168.0.1', dest_ip: '192.168.0.2' }]);
  });

  it('keeps the outer addresses when the inner header of IP-in-IP is bad', () => {
    const d = describeFrame(
      hex(`
      ${ETH}
      45 00 0028 0001 0000 40 04 0000 c0a80001 c0a80002
      55 00 0014 0000 0000 40 11 0000 0a000001 0a000002   # inner "version 5"
    `),
    );
    expect(d.anomalies).toEqual(['ipv4.wrong_ip_version']);
    expect(d.src_ip).toBe('192.168.0.1');
    expect(d.ip_proto).toBe(4);
  });

  it('flags ICMPv6 carried in IPv4', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14 + 9] = 58;
    expect(describeFrame(f).anomalies).toContain('ipv4.icmpv6');
  });

  it('ends quietly at a protocol with no decoder', () => {
    const f = Buffer.from(UDP_FRAME);
    f[14 + 9] = 89; // OSPF
    const d = describeFrame(f);
    expect(d.layers).toEqual(['eth', 'ipv4']);
    expect(d.ip_proto).toBe(89);
    expect(d.proto).toBe('other');
    expect(d.anomalies).toBeUndefined();
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(UDP_FRAME);
    expectRobust(withOptions('07 07 04 00000000 00 44 08 05 00 00000000 01 01 01 00'));
    expectRobust(UDP_FRAME.subarray(14), 228);
  });
});
