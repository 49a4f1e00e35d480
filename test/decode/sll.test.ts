import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP } from '../helpers/frames.js';

const LINKTYPE_LINUX_SLL = 113;

/** SLL header: packet type 0 (to us), ARPHRD_ETHER, 6-byte address padded to 8, `protocol`. */
const sll = (protocol: string) => `0000 0001 0006 66778899aabb 0000 ${protocol}`;

const SLL_IPV4 = hex(`${sll('0800')} ${IPV4_UDP}`);

describe('Linux cooked (SLL) decoder', () => {
  it('decodes IPv4', () => {
    const d = describeFrame(SLL_IPV4, LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll', 'ipv4', 'udp']);
    expect(d.src_mac).toBeUndefined();
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes ARP (as tcpdump -i any writes it)', () => {
    const d = describeFrame(
      hex(`
      0001 0001 0006 cc2de0261999 0000 0806   # broadcast, ARPHRD_ETHER, address, ARP
      0001 0800 06 04 0001 cc2de0261999 c0a81601 000000000000 c0a816a0
      0000 0000 0000 0000 0000 0000 0000 0000 0000
    `),
      LINKTYPE_LINUX_SLL,
    );
    expect(d.layers).toEqual(['sll', 'arp']);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes a VLAN tag carried as the protocol', () => {
    const d = describeFrame(hex(`${sll('8100')} 0064 0800 ${IPV4_UDP}`), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll', 'vlan', 'ipv4', 'udp']);
    expect(d.vlan).toEqual([100]);
  });

  it('stops quietly at Linux pseudo-protocols (0x0004 = 802.2 LLC)', () => {
    const d = describeFrame(hex(`${sll('0004')} 424203 0000`), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll']);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an unknown EtherType', () => {
    const d = describeFrame(hex(`${sll('88b5')} 0000`), LINKTYPE_LINUX_SLL);
    expect(d.anomalies).toEqual(['ethernet.unknown_ethertype']);
  });

  it('flags a header cut short', () => {
    const d = describeFrame(SLL_IPV4.subarray(0, 15), LINKTYPE_LINUX_SLL);
    expect(d.layers).toEqual(['sll']);
    expect(d.anomalies).toEqual(['sll.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(SLL_IPV4, LINKTYPE_LINUX_SLL);
  });
});
