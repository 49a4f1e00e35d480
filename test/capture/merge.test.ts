import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/capture/file-source.js';
import { CaptureError } from '../../src/capture/source.js';
import { Packet } from '../../src/core/packet.js';
import { frameBytes, Pcapng, type PcapRecord, pcapFile, tempDir } from './build.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

interface Seen {
  frameNo: number;
  id: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  ifIndex: number;
}

/** Run a source to the end and record every packet (the frame's first u32 is its id). */
async function collect(src: FileSource, onEach?: (p: Packet) => void): Promise<Seen[]> {
  const seen: Seen[] = [];
  const p = new Packet();
  await src.run(p, (q) => {
    expect(q).toBe(p); // the one reused Packet
    seen.push({
      frameNo: q.frameNo,
      id: q.data.readUInt32BE(q.start),
      tsSec: q.tsSec,
      tsNsec: q.tsNsec,
      linkType: q.linkType,
      ifIndex: q.ifIndex,
    });
    onEach?.(q);
  });
  return seen;
}

function recs(list: [id: number, sec: number, usec: number][]): PcapRecord[] {
  return list.map(([id, sec, frac]) => ({ data: frameBytes(id, 60 + id), sec, frac }));
}

describe('FileSource', () => {
  it('delivers one file in order with frameNo from 1 and counts packets and bytes', async () => {
    const f = tmp.file(
      'one.pcap',
      pcapFile(
        recs([
          [1, 10, 0],
          [2, 9, 0], // out of order in the file: delivered as written
          [3, 11, 0],
        ]),
      ),
    );
    const src = new FileSource([f]);
    const seen = await collect(src);
    expect(seen.map((s) => [s.frameNo, s.id, s.tsSec])).toEqual([
      [1, 1, 10],
      [2, 2, 9],
      [3, 3, 11],
    ]);
    expect(src.stats()).toEqual({ packets: 3, bytes: 61 + 62 + 63, kernelDrops: 0, ifDrops: 0, errors: 0 });
  });

  it('merges several files in timestamp order, ties by file order', async () => {
    const a = tmp.file(
      'a.pcap',
      pcapFile(
        recs([
          [101, 1, 0],
          [102, 3, 0],
          [103, 5, 500],
          [104, 9, 0],
        ]),
      ),
    );
    const b = tmp.file(
      'b.pcap',
      pcapFile(
        recs([
          [201, 2, 0],
          [202, 3, 0], // same time as 102: file a first
          [203, 5, 499],
        ]),
        { le: false, nsec: true, linkType: 101 },
      ),
    );
    // pcapng with two interfaces, nanosecond resolution.
    const c = tmp.file(
      'c.pcapng',
      new Pcapng()
        .shb()
        .idb(1, { tsresol: 9 })
        .idb(113, { tsresol: 9 })
        .epb(1, 0n, frameBytes(301, 70))
        .epb(0, 3_000_000_000n, frameBytes(302, 70))
        .epb(1, 5_000_000_000n, frameBytes(303, 70))
        .build(),
    );
    const src = new FileSource([a, b, c]);
    const seen = await collect(src);
    expect(seen.map((s) => s.id)).toEqual([301, 101, 201, 102, 202, 302, 303, 203, 103, 104]);
    expect(seen.map((s) => s.frameNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // b's 203 is at 5 s + 499 ns; a's 103 at 5 s + 500 us.
    expect(seen.map((s) => [s.id, s.tsSec, s.tsNsec, s.linkType, s.ifIndex])).toContainEqual([203, 5, 499, 101, 0]);
    expect(seen.map((s) => [s.id, s.tsSec, s.tsNsec, s.linkType, s.ifIndex])).toContainEqual([103, 5, 500_000, 1, 0]);
    expect(seen.map((s) => [s.id, s.linkType, s.ifIndex])).toContainEqual([301, 113, 1]);
    expect(src.stats().packets).toBe(10);
  });

  it('keeps each frame valid until its own reader advances (merging across chunk refills)', async () => {
    // Two files of ~9 MiB (more than one chunk) with interleaved times; check every frame's
    // bytes as delivered.
    const make = (base: number, offset: number): PcapRecord[] => {
      const out: PcapRecord[] = [];
      for (let i = 0; i < 8000; i++)
        out.push({ data: frameBytes(base + i, 800 + (i % 700)), sec: 2 * i + offset, frac: 0 });
      return out;
    };
    const a = tmp.file('many-a.pcap', pcapFile(make(0, 0)));
    const b = tmp.file('many-b.pcap', pcapFile(make(100_000, 1)));
    let bad = 0;
    const seen = await collect(new FileSource([a, b], { yieldEvery: 1000 }), (q) => {
      const id = q.data.readUInt32BE(q.start);
      if (q.data[q.start + q.caplen - 1] !== ((id + q.caplen - 1) & 0xff)) bad++;
    });
    expect(bad).toBe(0);
    expect(seen.length).toBe(16000);
    expect(seen.slice(0, 4).map((s) => s.id)).toEqual([0, 100_000, 1, 100_001]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.tsSec).toBeGreaterThan(seen[i - 1]!.tsSec);
  });

  it('yields to the event loop and stops promptly after stop()', async () => {
    const list: [number, number, number][] = [];
    for (let i = 0; i < 5000; i++) list.push([i, i, 0]);
    const f = tmp.file('long.pcap', pcapFile(recs(list)));
    for (const paths of [[f], [f, f]]) {
      const src = new FileSource(paths, { yieldEvery: 100 });
      let immediates = 0;
      const countImmediates = (): void => {
        immediates++;
        if (immediates < 1000) setImmediate(countImmediates);
      };
      setImmediate(countImmediates);
      let n = 0;
      await src.run(new Packet(), () => {
        n++;
        if (n === 2345) src.stop();
      });
      expect(n).toBe(2345);
      expect(src.stats().packets).toBe(2345);
      // The event loop ran between batches of 100 frames.
      expect(immediates).toBeGreaterThanOrEqual(20);
    }
    // stop() before run(): nothing is read.
    const src = new FileSource([f]);
    src.stop();
    let n = 0;
    await src.run(new Packet(), () => n++);
    expect(n).toBe(0);
  });

  it('counts a truncated last record in stats().errors', async () => {
    const whole = pcapFile(
      recs([
        [1, 1, 0],
        [2, 2, 0],
      ]),
    );
    const f = tmp.file('trunc.pcap', whole.subarray(0, whole.length - 3));
    const g = tmp.file('ok.pcap', whole);
    const src = new FileSource([f, g]);
    const seen = await collect(src);
    expect(seen.map((s) => s.id)).toEqual([1, 1, 2]);
    expect(src.stats().errors).toBe(1);
  });

  it('rejects run() with a CaptureError for a missing or bad file', async () => {
    const ok = tmp.file('fine.pcap', pcapFile(recs([[1, 1, 0]])));
    const missing = join(tmp.path, 'missing.pcap');
    const src = new FileSource([ok, missing]);
    await expect(src.run(new Packet(), () => {})).rejects.toThrow(new CaptureError(`${missing}: no such file`));
    const bad = tmp.file('bad.pcap', Buffer.from('not a capture at all'));
    await expect(new FileSource(bad).run(new Packet(), () => {})).rejects.toThrow(/not a pcap or pcapng file/);
  });
});
