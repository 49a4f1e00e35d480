// LiveSource parts that need no interface: link-type mapping and option checks.
// Capturing for real is covered by test/e2e/live-vswitch.test.ts (root only).

import { describe, expect, it } from 'vitest';
import { LiveSource, linkTypeFromCap } from '../../src/capture/live.js';
import { CaptureError } from '../../src/capture/source.js';
import { Packet } from '../../src/core/packet.js';

describe('linkTypeFromCap', () => {
  it.each([
    ['ETHERNET', 1],
    ['NULL', 0],
    ['RAW', 101],
    ['LINKTYPE_LINUX_SLL', 113],
    ['Unknown linktype 276', 276],
    ['Unknown linktype 228', 228],
    ['Unknown linktype 229', 229],
    ['Unknown linktype 108', 108],
    ['Unknown linktype 12', 101],
  ])('%s -> LINKTYPE %i', (name, linkType) => {
    expect(linkTypeFromCap(name, 'eth9')).toBe(linkType);
  });

  it('names an unsupported type in one line', () => {
    expect(() => linkTypeFromCap('IEEE802_11_RADIO', 'wlan0')).toThrow(
      /^live capture on wlan0: link type 127 \(IEEE802_11_RADIOTAP\) is not supported; vsids decodes [^\n]+$/,
    );
    expect(() => linkTypeFromCap('Unknown linktype 147', 'x0')).toThrow(
      /^live capture on x0: link type 147 is not supported/,
    );
    expect(() => linkTypeFromCap('Something new', 'x0')).toThrow(
      /^live capture on x0: link type "Something new" is not/,
    );
  });
});

describe('LiveSource options', () => {
  it('refuses promisc: false, which cap cannot honour', () => {
    expect(() => new LiveSource({ iface: 'eth9', promisc: false })).toThrow(/^live capture on eth9: promisc: false/);
  });

  it('refuses a non-positive snaplen or buffer size', () => {
    expect(() => new LiveSource({ iface: 'eth9', snaplen: 0 })).toThrow(CaptureError);
    expect(() => new LiveSource({ iface: 'eth9', bufferSize: -1 })).toThrow(CaptureError);
  });

  it('resolves run() at once when stopped before it started, without opening', async () => {
    const src = new LiveSource({ iface: 'no-such-iface' });
    src.stop();
    await expect(src.run(new Packet(), () => {})).resolves.toBeUndefined();
    expect(src.stats()).toEqual({ packets: 0, bytes: 0, kernelDrops: 0, ifDrops: 0, errors: 0 });
  });
});
