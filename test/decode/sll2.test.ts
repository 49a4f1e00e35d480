import { describe, expect, it } from 'vitest';
import { describe as describeFrame, expectRobust, hex } from '../helpers/decode.js';
import { IPV4_UDP } from '../helpers/frames.js';

const LINKTYPE_LINUX_SLL2 = 276;

/** SLL2 header: `protocol`, reserved, ifindex 2, ARPHRD_ETHER, outgoing, 6-byte address padded to 8. */
const sll2 = (protocol: string) => `${protocol} 0000 00000002 0001 04 06 aa763071b0e7 0000`;

const SLL2_IPV4 = hex(`${sll2('0800')} ${IPV4_UDP}`);

describe('Linux cooked v2 (SLL2) decoder', () => {
  it('decodes IPv4', () => {
    const d = describeFrame(SLL2_IPV4, LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2', 'ipv4', 'udp']);
    expect(d.src_ip).toBe('10.0.0.1');
    expect(d.dest_port).toBe(53);
    expect(d.anomalies).toBeUndefined();
  });

  it('decodes IPv6', () => {
    const d = describeFrame(
      hex(`${sll2('86dd')} 60000000 000a 11 40
        20010db8000000000000000000000001 20010db8000000000000000000000002 3039 0035 000a 0000 6869`),
      LINKTYPE_LINUX_SLL2,
    );
    expect(d.layers).toEqual(['sll2', 'ipv6', 'udp']);
  });

  it('stops quietly at Linux pseudo-protocols (0x0004 = 802.2 LLC)', () => {
    const d = describeFrame(hex(`${sll2('0004')} 424203 0000`), LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2']);
    expect(d.anomalies).toBeUndefined();
  });

  it('flags an unknown EtherType', () => {
    expect(describeFrame(hex(`${sll2('88b5')} 0000`), LINKTYPE_LINUX_SLL2).anomalies).toEqual([
      'ethernet.unknown_ethertype',
    ]);
  });

  it('flags a header cut short', () => {
    const d = describeFrame(SLL2_IPV4.subarray(0, 19), LINKTYPE_LINUX_SLL2);
    expect(d.layers).toEqual(['sll2']);
    expect(d.anomalies).toEqual(['sll2.pkt_too_small']);
  });

  it('survives every truncation and one-byte corruption', () => {
    expectRobust(SLL2_IPV4, LINKTYPE_LINUX_SLL2);
  });
});
