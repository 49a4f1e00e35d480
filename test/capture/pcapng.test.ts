import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/open.js';
import type { PcapngReader } from '../../src/capture/pcapng.js';
import { frameBytes, Pcapng, readAll, tempDir } from './build.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Expected (sec, nsec) of a timestamp in units of 1/unitsPerSec, computed with BigInt. */
function expectTs(ts: bigint, unitsPerSec: bigint): [number, number] {
  return [Number(ts / unitsPerSec), Number(((ts % unitsPerSec) * 1_000_000_000n) / unitsPerSec)];
}

describe('pcapng', () => {
  it('reads SHB, IDB and EPBs in both byte orders with microsecond default resolution', () => {
    for (const le of [true, false]) {
      const ts = 1_700_000_000_123_456n; // microseconds
      const file = new Pcapng()
        .shb(le)
        .idb(1, { snaplen: 65535, name: 'eth0' })
        .epb(0, ts, frameBytes(1, 60))
        .epb(0, ts + 1_000_001n, frameBytes(2, 61), { len: 1500, comment: 'hello' })
        .build();
      const f = tmp.file(`basic-${le}.pcapng`, file);
      const { frames, truncated } = readAll(f);
      expect(truncated).toBe(0);
      expect(frames.map((x) => [x.tsSec, x.tsNsec, x.caplen, x.len, x.linkType, x.ifIndex])).toEqual([
        [1_700_000_000, 123_456_000, 60, 60, 1, 0],
        [1_700_000_001, 123_457_000, 61, 1500, 1, 0],
      ]);
      expect(frames[0]!.data.equals(frameBytes(1, 60))).toBe(true);
      expect(frames[1]!.data.equals(frameBytes(2, 61))).toBe(true);
      const r = openCaptureFile(f) as PcapngReader;
      expect(r.format).toBe('pcapng');
      expect(r.interfaces).toEqual([
        { index: 0, section: 0, id: 0, linkType: 1, snaplen: 65535, name: 'eth0', tsresol: 6, tsoffset: 0 },
      ]);
      r.close();
    }
  });

  it('converts nanosecond timestamps beyond 2^53 exactly (if_tsresol 9)', () => {
    const stamps = [
      1_700_000_000_123_456_789n,
      1_700_000_000_999_999_999n,
      4_294_967_295_999_999_999n,
      0xffff_ffff_ffff_ffffn, // the largest 64-bit timestamp
      1n,
      0n,
    ];
    const w = new Pcapng().shb().idb(1, { tsresol: 9 });
    for (const [i, t] of stamps.entries()) w.epb(0, t, frameBytes(i, 20));
    const { frames } = readAll(tmp.file('ns.pcapng', w.build()));
    expect(frames.map((x) => [x.tsSec, x.tsNsec])).toEqual(stamps.map((t) => expectTs(t, 1_000_000_000n)));
  });

  it('converts other powers of ten and powers of two exactly, and applies if_tsoffset', () => {
    const t = 0x1234_5678_9abc_def0n;
    const w = new Pcapng()
      .shb()
      .idb(1, { tsresol: 3 }) // milliseconds: fast path
      .idb(1, { tsresol: 0x80 | 20 }) // 2^-20 s
      .idb(1, { tsresol: 0x80 | 30 }) // 2^-30 s
      .idb(1, { tsresol: 12 }) // picoseconds
      .idb(1, { tsresol: 0 }) // seconds
      .idb(1, { tsresol: 6, tsoffset: 1000n }) // microseconds, offset 1000 s
      .epb(0, 1_700_000_000_123n, frameBytes(0, 20))
      .epb(1, t, frameBytes(1, 20))
      .epb(2, t, frameBytes(2, 20))
      .epb(3, t, frameBytes(3, 20))
      .epb(4, 1_700_000_000n, frameBytes(4, 20))
      .epb(5, 1_700_000_000_000_001n, frameBytes(5, 20));
    const { frames } = readAll(tmp.file('resol.pcapng', w.build()));
    expect(frames.map((x) => [x.tsSec, x.tsNsec])).toEqual([
      [1_700_000_000, 123_000_000],
      expectTs(t, 1n << 20n),
      expectTs(t, 1n << 30n),
      expectTs(t, 1_000_000_000_000n),
      [1_700_000_000, 0],
      [1_700_001_000, 1000],
    ]);
    expect(frames.map((x) => x.ifIndex)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads Simple Packet Blocks on interface 0 with the last timestamp and bounded caplen', () => {
    const w = new Pcapng()
      .shb()
      .idb(101, { snaplen: 100 })
      .epb(0, 5_000_000n, frameBytes(1, 40))
      .spb(frameBytes(2, 30)) // whole
      .spb(frameBytes(3, 120), 1500) // snaplen 100 < block room 120 < len
      .spb(frameBytes(4, 8), 4); // original length 4 < room 8 (padding)
    const { frames } = readAll(tmp.file('spb.pcapng', w.build()));
    expect(frames.map((x) => [x.caplen, x.len, x.tsSec, x.tsNsec, x.linkType, x.ifIndex])).toEqual([
      [40, 40, 5, 0, 101, 0],
      [30, 30, 5, 0, 101, 0],
      [100, 1500, 5, 0, 101, 0],
      [4, 4, 5, 0, 101, 0],
    ]);
    expect(frames[2]!.data.equals(frameBytes(3, 100))).toBe(true);
  });

  it('skips unknown blocks and reads the obsolete Packet Block', () => {
    const w = new Pcapng()
      .shb()
      .block(4, Buffer.alloc(8)) // name resolution
      .idb(1)
      .block(0x0bad, Buffer.from('custom block, vendor data')) // custom
      .block(0x80000001, Buffer.alloc(0)) // local use, empty body
      .pb(0, 2_000_000n, frameBytes(1, 33), 99)
      .block(5, Buffer.alloc(20)) // interface statistics
      .epb(0, 3_000_000n, frameBytes(2, 34));
    const { frames } = readAll(tmp.file('unknown.pcapng', w.build()));
    expect(frames.map((x) => [x.tsSec, x.caplen, x.len])).toEqual([
      [2, 33, 99],
      [3, 34, 34],
    ]);
    expect(frames[0]!.data.equals(frameBytes(1, 33))).toBe(true);
  });

  it('gives each interface its link type and index', () => {
    const w = new Pcapng()
      .shb()
      .idb(1)
      .idb(113, { tsresol: 9 })
      .epb(1, 1_000_000_000n, frameBytes(1, 20))
      .epb(0, 2_000_000n, frameBytes(2, 20))
      .idb(229) // IDBs may come after packets
      .epb(2, 3_000_000n, frameBytes(3, 20));
    const { frames } = readAll(tmp.file('multi.pcapng', w.build()));
    expect(frames.map((x) => [x.ifIndex, x.linkType, x.tsSec])).toEqual([
      [1, 113, 1],
      [0, 1, 2],
      [2, 229, 3],
    ]);
  });

  it('starts over at a second section, which may change byte order', () => {
    const w = new Pcapng()
      .shb(true)
      .idb(1)
      .idb(101)
      .epb(1, 1_000_000n, frameBytes(1, 20))
      .shb(false)
      .idb(228, { tsresol: 9 })
      .epb(0, 2_000_000_000n, frameBytes(2, 21))
      .spb(frameBytes(3, 22));
    const f = tmp.file('sections.pcapng', w.build());
    const { frames } = readAll(f);
    // Interface ids restart per section; ifIndex counts interfaces across the file.
    expect(frames.map((x) => [x.ifIndex, x.linkType, x.tsSec, x.caplen])).toEqual([
      [1, 101, 1, 20],
      [2, 228, 2, 21],
      [2, 228, 2, 22],
    ]);
    const r = openCaptureFile(f) as PcapngReader;
    while (r.next());
    expect(r.sections).toBe(2);
    expect(r.interfaces.map((i) => [i.index, i.section, i.id, i.linkType])).toEqual([
      [0, 0, 0, 1],
      [1, 0, 1, 101],
      [2, 1, 0, 228],
    ]);
    r.close();
    // A packet naming an interface of the previous section is an error.
    const bad = new Pcapng().shb().idb(1).idb(1).shb(false).idb(1).epb(1, 0n, frameBytes(1, 20)).build();
    expect(() => readAll(tmp.file('sections-bad.pcapng', bad))).toThrow(
      /block 6 at byte \d+: packet on interface 1, but the section describes 1 interface/,
    );
  });

  it('ends quietly on a last block cut short, and counts it', () => {
    const whole = new Pcapng().shb().idb(1).epb(0, 1n, frameBytes(1, 100)).epb(0, 2n, frameBytes(2, 100)).build();
    for (const cut of [whole.length - 1, whole.length - 60, whole.length - 128 + 6]) {
      const { frames, truncated, errors } = readAll(tmp.file(`cut-${cut}.pcapng`, whole.subarray(0, cut)));
      expect([frames.length, truncated, errors]).toEqual([1, 1, 1]);
    }
    expect(readAll(tmp.file('whole.pcapng', whole)).truncated).toBe(0);
  });

  it('stops on corrupt block lengths, naming the file, block and byte offset', () => {
    const head = new Pcapng().shb().idb(1).epb(0, 1n, frameBytes(1, 20));
    const at = head.build().length; // offset of block 4
    const cases: [Buffer, RegExp][] = [
      [new Pcapng().block(6, Buffer.alloc(24), { length: 8 }).build(), /block length 8 is invalid/],
      [new Pcapng().block(6, Buffer.alloc(24), { length: 30 }).build(), /block length 30 is invalid/],
      [new Pcapng().block(6, Buffer.alloc(24), { length: 0x7ffffff0 }).build(), /block length 2147483632 is too large/],
      [
        new Pcapng().block(6, Buffer.alloc(24), { trailer: 40 }).build(),
        /trailing block length 40 differs from the leading 36/,
      ],
      [new Pcapng().epb(0, 1n, frameBytes(1, 20), { caplen: 200 }).build(), /caplen 200 exceeds the block's 20 bytes/],
      [new Pcapng().epb(3, 1n, frameBytes(1, 20)).build(), /packet on interface 3, but the section describes 1/],
      [new Pcapng().block(6, Buffer.alloc(8)).build(), /enhanced packet block length 20 is below 32/],
    ];
    cases.forEach(([tail, msg], i) => {
      const f = tmp.file(`corrupt-${i}.pcapng`, Buffer.concat([head.build(), tail]));
      let err: Error | undefined;
      try {
        readAll(f);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.name).toBe('CaptureError');
      expect(err?.message).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: block 4 at byte ${at}: `));
      expect(err?.message).toMatch(msg);
    });
  });

  it('refuses an interface with a link type vsids cannot decode when the file is opened', () => {
    const f = tmp.file('radiotap.pcapng', new Pcapng().shb().idb(1).idb(127).epb(0, 1n, frameBytes(1, 20)).build());
    expect(() => openCaptureFile(f)).toThrow(
      `${f}: interface 1 has unsupported link type 127 (IEEE802_11_RADIOTAP); vsids decodes`,
    );
    const g = tmp.file('hdlc.pcapng', new Pcapng().shb(false).idb(205).build());
    expect(() => openCaptureFile(g)).toThrow(/interface 0 has unsupported link type 205 \(C_HDLC_WITH_DIR\)/);
    const h = tmp.file('unknown-lt.pcapng', new Pcapng().shb().idb(1).epb(0, 1n, frameBytes(1, 20)).idb(60000).build());
    const r = openCaptureFile(h);
    expect(r.next()).toBe(true);
    expect(() => r.next()).toThrow(/interface 1 has unsupported link type 60000;/);
    r.close();
  });

  it('refuses a bad byte-order magic and a file that is not pcapng after all', () => {
    const shb = new Pcapng().shb().build();
    shb.writeUInt32LE(0x11223344, 8);
    const f = tmp.file('bom.pcapng', shb);
    expect(() => openCaptureFile(f)).toThrow(`${f}: block 1 at byte 0: bad byte-order magic 0x11223344`);
    const g = tmp.file('short.pcapng', shb.subarray(0, 8));
    expect(() => openCaptureFile(g)).toThrow(`${g}: pcapng file cut short (8 bytes)`);
  });

  it('reads past malformed IDB options, counting the error', () => {
    const w = new Pcapng().shb();
    // if_tsresol 9, then an option claiming 200 bytes in a block that has 8.
    const body = Buffer.alloc(8 + 8 + 8);
    body.writeUInt16LE(1, 0);
    body.writeUInt16LE(9, 8);
    body.writeUInt16LE(1, 10);
    body[12] = 9;
    body.writeUInt16LE(2, 16);
    body.writeUInt16LE(200, 18);
    w.block(1, body).epb(0, 1_500_000_000n, frameBytes(1, 20));
    const f = tmp.file('badopt.pcapng', w.build());
    const r = openCaptureFile(f);
    expect(r.next()).toBe(true);
    expect([r.tsSec, r.tsNsec, r.errors, r.truncated]).toEqual([1, 500_000_000, 1, 0]);
    r.close();
  });

  it('grows the chunk for a block larger than it', () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 0x5a);
    const w = new Pcapng().shb().idb(1).epb(0, 1n, frameBytes(1, 64)).block(0x0bad, big).epb(0, 2n, frameBytes(2, 64));
    const { frames } = readAll(tmp.file('bigblock.pcapng', w.build()));
    expect(frames.map((x) => x.data.readUInt32BE(0))).toEqual([1, 2]);
  });
});
