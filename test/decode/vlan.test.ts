import { describe, expect, it } from 'vitest';
import { MAX_VLANS } from '../../src/core/packet.js';
import { DecodeStats } from '../../src/decode/decoder.js';
import { describePacket } from '../../src/decode/describe.js';
import { decodeFrame, describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP } from '../helpers/frames.js';

const MACS = '001122334455 66778899aabb'; // dst MAC, src MAC

const TAGGED = hex(`
  ${MACS}
  8100          # TPID 802.1Q
  0064          # PCP 0, DEI 0, VLAN 100
  0800          # inner EtherType IPv4
  ${IPV4_UDP}
`);

describe('VLAN decoder', () => {
  it('decodes an 802.1Q tag', () => {
    const d = describeFrame(TAGGED);
    expect(d.layers).toEqual(['eth', 'vlan', 'ipv4', 'udp']);
    expect(d.vlan).toEqual([100]);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
    const p = decodeFrame(TAGGED);
    expect(p.etherType).toBe(0x0800);
    expect(p.vlanRun).toBe(1);
  });

  it('keeps only the 12-bit id (PCP and DEI masked off)', () => {
    const d = describeFrame(hex(`${MACS} 8100 f064  # PCP 7, DEI 1, VLAN 100\n 0800 ${IPV4_UDP}`));
    expect(d.vlan).toEqual([100]);
  });

  it('decodes priority-tagged frames (VLAN 0)', () => {
    expect(describeFrame(hex(`${MACS} 8100 0000 0800 ${IPV4_UDP}`)).vlan).toEqual([0]);
  });

  it('decodes QinQ: an 802.1ad S-tag over a C-tag, outer id first', () => {
    const stats = new DecodeStats();
    const f = hex(`
      ${MACS}
      88a8 00c8     # S-tag, VLAN 200
      8100 012c     # C-tag, VLAN 300
      0800 ${IPV4_UDP}
    `);
    const p = decodeFrame(f, 1, stats);
    const d = describePacket(p);
    expect(d.layers).toEqual(['eth', 'vlan', 'vlan', 'ipv4', 'udp']);
    expect(d.vlan).toEqual([200, 300]);
    expect(d.dest_port).toBe(53);
    expect(p.vlanRun).toBe(2);
    expect(stats.vlanQinq).toBe(1);
  });

  it('decodes the pre-standard 0x9100 QinQ tag and three stacked tags', () => {
    const stats = new DecodeStats();
    const d = describePacket(decodeFrame(hex(`${MACS} 9100 001e 9100 0014 8100 000a 0800 ${IPV4_UDP}`), 1, stats));
    expect(d.vlan).toEqual([30, 20, 10]);
    expect(d.layers).toEqual(['eth', 'vlan', 'vlan', 'vlan', 'ipv4', 'udp']);
    expect(stats.vlanQinqinq).toBe(1);
  });

  it('hands ARP inside a tag to the ARP decoder', () => {
    const d = describeFrame(
      hex(`${MACS} 8100 0005 0806
        0001 0800 06 04 0001 66778899aabb 0a000001 000000000000 0a000002`),
    );
    expect(d.layers).toEqual(['eth', 'vlan', 'arp']);
    expect(d.vlan).toEqual([5]);
  });

  it('flags a tag cut short', () => {
    const d = describeFrame(hex(`${MACS} 8100 0064`));
    expect(d.layers).toEqual(['eth', 'vlan']);
    expect(d.anomalies).toEqual(['vlan.header_too_small']);
    expect(d.vlan).toBeUndefined();
  });

  it(`stops after ${MAX_VLANS} tags`, () => {
    const tags = Array.from({ length: MAX_VLANS + 1 }, (_, i) => `8100 ${(i + 1).toString(16).padStart(4, '0')}`);
    const d = describeFrame(hex(`${MACS} ${tags.join(' ')} 0800 ${IPV4_UDP}`));
    expect(d.anomalies).toEqual(['vlan.too_many_layers']);
    expect(d.vlan).toHaveLength(MAX_VLANS);
    expect(d.src_ip).toBeUndefined();
  });

  it('flags an unknown inner EtherType, but not an 802.3 length', () => {
    const unknown = describeFrame(hex(`${MACS} 8100 0064 88b5 00000000`));
    expect(unknown.layers).toEqual(['eth', 'vlan']);
    expect(unknown.anomalies).toEqual(['ethernet.unknown_ethertype']);
    const llc = describeFrame(hex(`${MACS} 8100 0064 0026 424203 0000`)); // length 38, STP LLC
    expect(llc.anomalies).toBeUndefined();
    expect(llc.vlan).toEqual([100]);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(TAGGED);
    expectRobust(hex(`${MACS} 88a8 00c8 8100 012c 0800 ${IPV4_UDP}`));
  });
});
