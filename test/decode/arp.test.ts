import { describe, expect, it } from 'vitest';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';

const ETH = 'ffffffffffff 66778899aabb 0806'; // broadcast, src MAC, EtherType ARP

const REQUEST = hex(`
  ${ETH}
  0001 0800     # hardware Ethernet, protocol IPv4
  06 04 0001    # sizes 6 and 4, opcode 1 (request)
  66778899aabb 0a000001   # sender MAC, sender IP 10.0.0.1
  000000000000 0a000002   # target MAC (unknown), target IP 10.0.0.2
`);

/** The request with bytes [at, at + v.length) of the ARP header replaced. */
function arpWith(at: number, v: string): Buffer {
  const f = Buffer.from(REQUEST);
  hex(v).copy(f, 14 + at);
  return f;
}

describe('ARP decoder', () => {
  it('decodes a request as a leaf with no IP fields', () => {
    const p = decodeFrame(REQUEST);
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'arp']);
    expect(d.src_mac).toBe('66:77:88:99:aa:bb');
    expect(d.src_ip).toBeUndefined();
    expect(d.ip_proto).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
    expect(p.arpOff).toBe(p.start + 14);
    expect(p.arpOp).toBe(1);
  });

  it('decodes a reply, with Ethernet padding after it', () => {
    const f = Buffer.concat([arpWith(6, '0002'), Buffer.alloc(18)]);
    const p = decodeFrame(f);
    expect(p.arpOp).toBe(2);
    expect(describePacket(p).anomalies).toBeUndefined();
  });

  it.each([
    ['a header shorter than its fixed part', REQUEST.subarray(0, 14 + 7), 'arp.pkt_too_small'],
    ['a non-Ethernet hardware type', arpWith(0, '0006'), 'arp.unsupported_hardware'],
    ['a non-IPv4 protocol type', arpWith(2, '86dd'), 'arp.unsupported_protocol'],
    ['a packet shorter than 28 bytes', REQUEST.subarray(0, 14 + 27), 'arp.invalid_pkt'],
    ['a hardware size other than 6', arpWith(4, '0e'), 'arp.invalid_hardware_size'],
    ['a protocol size other than 4', arpWith(5, '10'), 'arp.invalid_protocol_size'],
    ['an unknown opcode', arpWith(6, '0009'), 'arp.unsupported_opcode'],
    ['opcode 0', arpWith(6, '0000'), 'arp.unsupported_opcode'],
  ])('flags %s', (_what, frame, anomaly) => {
    const p = decodeFrame(frame);
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'arp']);
    expect(d.anomalies).toEqual([anomaly]);
    expect(p.arpOff).toBe(-1);
    expect(p.arpOp).toBe(-1);
  });

  it('accepts RARP opcodes 3 and 4', () => {
    expect(describeFrame(arpWith(6, '0003')).anomalies).toBeUndefined();
    expect(describeFrame(arpWith(6, '0004')).anomalies).toBeUndefined();
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(REQUEST);
  });
});
