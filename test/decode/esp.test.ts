import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';

// Ethernet, IPv4 10.0.0.1 -> 10.0.0.2 protocol 50 (ESP), then the ESP header.
const ESP_V4 = hex(`
  001122334455 66778899aabb 0800
  45 00 0024 1234 0000 40 32 0000 0a000001 0a000002   # total length 36, protocol ESP
  00001000      # SPI
  00000001      # sequence number
  0102030405060708   # encrypted payload
`);

const ESP_V6 = hex(`
  001122334455 66778899aabb 86dd
  60000000 0010 32 40   # payload length 16, next header ESP
  20010db8000000000000000000000001 20010db8000000000000000000000002
  00001000 00000001 0102030405060708
`);

describe('ESP decoder', () => {
  it('stops after the SPI and sequence number (the rest is encrypted)', () => {
    const d = describeFrame(ESP_V4);
    expect(d.layers).toEqual(['eth', 'ipv4', 'esp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_ip).toBe('10.0.0.2');
    expect(d.ip_proto).toBe(50);
    expect(d.proto).toBe('other');
    expect(d.src_port).toBeUndefined();
    expect(d.anomalies).toBeUndefined();
  });

  it('is reached from IPv6 too', () => {
    const d = describeFrame(ESP_V6);
    expect(d.layers).toEqual(['eth', 'ipv6', 'esp']);
    expect(d.ip_proto).toBe(50);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an ESP header shorter than 8 bytes', () => {
    const f = Buffer.from(ESP_V4.subarray(0, 14 + 20 + 4));
    f.writeUInt16BE(24, 14 + 2);
    const d = describeFrame(f);
    expect(d.layers).toEqual(['eth', 'ipv4', 'esp']);
    expect(d.anomalies).toEqual(['esp.pkt_too_small']);
    expect(d.src_ip).toBe('10.0.0.1');
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(ESP_V4);
    expectRobust(ESP_V6);
  });
});
