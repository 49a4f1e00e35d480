// The zero-copy readers against two oracles: pcap-parser (through PcapStreamSource) on every
// classic pcap we have, and tshark's per-frame truth for the whole corpus (pcapng included).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapStreamSource } from '../../src/capture/pcap-stream.js';
import { CaptureError } from '../../src/capture/source.js';
import { Packet } from '../../src/core/packet.js';
import { CORPUS, frameBytes, type PcapRecord, pcapFile, readAll, SURICATA_VERIFY, tempDir } from './build.js';

const anyLinkType = (): boolean => true;

interface Frame {
  data: Buffer;
  caplen: number;
  len: number;
  /** Timestamp in microseconds since the epoch (exact: < 2^53). */
  usec: number;
}

async function viaPcapParser(input: string | Readable): Promise<{ frames: Frame[]; errors: number }> {
  const src = new PcapStreamSource(input, undefined, { linkTypeSupported: anyLinkType });
  const frames: Frame[] = [];
  let frameNo = 0;
  await src.run(new Packet(), (p) => {
    expect(p.frameNo).toBe(++frameNo);
    frames.push({
      data: Buffer.from(p.data.subarray(p.start, p.start + p.caplen)),
      caplen: p.caplen,
      len: p.len,
      usec: p.tsSec * 1e6 + p.tsNsec / 1000,
    });
  });
  return { frames, errors: src.stats().errors };
}

function viaZeroCopy(path: string): { frames: Frame[]; errors: number } {
  const { frames, errors } = readAll(path, { linkTypeSupported: anyLinkType });
  return {
    frames: frames.map((f) => ({ data: f.data, caplen: f.caplen, len: f.len, usec: f.tsSec * 1e6 + f.tsNsec / 1000 })),
    errors,
  };
}

async function expectSameFrames(path: string): Promise<number> {
  const mine = viaZeroCopy(path);
  const oracle = await viaPcapParser(path);
  expect(mine.frames.length, path).toBe(oracle.frames.length);
  for (let i = 0; i < mine.frames.length; i++) {
    const a = mine.frames[i]!;
    const b = oracle.frames[i]!;
    expect([a.caplen, a.len, a.usec], `${path} frame ${i + 1}`).toEqual([b.caplen, b.len, b.usec]);
    expect(a.data.equals(b.data), `${path} frame ${i + 1} bytes`).toBe(true);
  }
  expect(mine.errors, path).toBe(oracle.errors);
  return mine.frames.length;
}

interface ManifestEntry {
  name: string;
  format: string;
  linktype: number | number[];
  interfaces: number;
  frames: number;
  truth: string;
}

const haveCorpus = existsSync(join(CORPUS, 'manifest.json'));
const manifest: ManifestEntry[] = haveCorpus
  ? (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { captures: ManifestEntry[] }).captures
  : [];

function suricataVerifyPcaps(): string[] {
  if (!existsSync(SURICATA_VERIFY)) return [];
  const out: string[] = [];
  for (const test of readdirSync(SURICATA_VERIFY).sort()) {
    const dir = join(SURICATA_VERIFY, test);
    for (const name of readdirSync(dir)) if (/\.(pcap|cap)$/.test(name)) out.push(join(dir, name));
  }
  return out;
}

describe.skipIf(!haveCorpus)('corpus against tshark truth', () => {
  it.each(manifest.map((c) => [c.name, c]))('%s', (_name, c) => {
    const { frames, truncated } = readAll(join(CORPUS, 'pcaps', c.name));
    expect(frames.length).toBe(c.frames);
    expect(truncated).toBe(0);
    const linkTypes = new Set(frames.map((f) => f.linkType));
    expect([...linkTypes].sort()).toEqual([...new Set([c.linktype].flat())].sort());
    expect(new Set(frames.map((f) => f.ifIndex)).size).toBeLessThanOrEqual(c.interfaces);
    // Every frame's lengths as tshark saw them (frame.len, frame.cap_len).
    const rows = readFileSync(join(CORPUS, c.truth), 'utf8').trim().split('\n');
    const header = rows.shift()!.split('\t');
    const [iFrame, iLen, iCap] = ['frame', 'len', 'caplen'].map((k) => header.indexOf(k));
    expect(rows.length).toBe(frames.length);
    rows.forEach((row, i) => {
      const cols = row.split('\t');
      expect(Number(cols[iFrame!])).toBe(i + 1);
      expect([frames[i]!.len, frames[i]!.caplen], `${c.name} frame ${i + 1}`).toEqual([
        Number(cols[iLen!]),
        Number(cols[iCap!]),
      ]);
    });
  });
});

describe('zero-copy pcap reader against pcap-parser', () => {
  const corpusPcaps = manifest.filter((c) => c.format === 'pcap').map((c) => join(CORPUS, 'pcaps', c.name));
  const verifyPcaps = suricataVerifyPcaps();

  it.skipIf(corpusPcaps.length === 0)('every classic pcap of the corpus', async () => {
    let frames = 0;
    for (const f of corpusPcaps) frames += await expectSameFrames(f);
    expect(frames).toBeGreaterThan(100);
  });

  it.skipIf(verifyPcaps.length === 0)('every suricata-verify pcap', async () => {
    let frames = 0;
    for (const f of verifyPcaps) frames += await expectSameFrames(f);
    expect(frames).toBeGreaterThan(100);
  });

  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const recs: PcapRecord[] = [];
  for (let i = 0; i < 500; i++)
    recs.push({ data: frameBytes(i, 14 + ((i * 97) % 1500)), sec: 1_600_000_000 + i, frac: i * 1999 });

  it('big-endian files and files cut short', async () => {
    await expectSameFrames(tmp.file('be.pcap', pcapFile(recs, { le: false })));
    const whole = pcapFile(recs);
    expect(await expectSameFrames(tmp.file('cut-body.pcap', whole.subarray(0, whole.length - 10)))).toBe(499);
    const cutHeader = whole.length - recs[499]!.data.length - 5;
    expect(await expectSameFrames(tmp.file('cut-header.pcap', whole.subarray(0, cutHeader)))).toBe(499);
  });

  it('a Readable stream delivered in odd-sized pieces', async () => {
    const whole = pcapFile(recs);
    const pieces: Buffer[] = [];
    for (let off = 0; off < whole.length; off += 1013) pieces.push(whole.subarray(off, off + 1013));
    const { frames } = await viaPcapParser(Readable.from(pieces));
    expect(frames.length).toBe(500);
    expect(frames[499]!.data.equals(recs[499]!.data)).toBe(true);
    expect(frames[3]!.usec).toBe(1_600_000_003 * 1e6 + 3 * 1999);
  });
});

describe('PcapStreamSource', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const one: PcapRecord[] = [{ data: frameBytes(1, 60), sec: 1, frac: 2 }];

  it('fills the Packet like the file reader', async () => {
    const f = tmp.file('one.pcap', pcapFile(one, { linkType: 113 }));
    const src = new PcapStreamSource(f);
    const got: number[][] = [];
    await src.run(new Packet(), (p) =>
      got.push([p.frameNo, p.caplen, p.len, p.tsSec, p.tsNsec, p.linkType, p.ifIndex]),
    );
    expect(got).toEqual([[1, 60, 60, 1, 2000, 113, 0]]);
    expect(src.stats()).toEqual({ packets: 1, bytes: 60, kernelDrops: 0, ifDrops: 0, errors: 0 });
  });

  it('reports unsupported link types, non-pcap input and missing files as CaptureErrors', async () => {
    const wifi = tmp.file('wifi.pcap', pcapFile(one, { linkType: 105 }));
    await expect(new PcapStreamSource(wifi).run(new Packet(), () => {})).rejects.toThrow(
      `${wifi}: unsupported link type 105 (IEEE802_11)`,
    );
    const text = tmp.file('text.pcap', Buffer.from('this is not a pcap file, not at all'));
    await expect(new PcapStreamSource(text).run(new Packet(), () => {})).rejects.toThrow(CaptureError);
    const missing = join(tmp.path, 'missing.pcap');
    await expect(new PcapStreamSource(missing).run(new Packet(), () => {})).rejects.toThrow(`${missing}: no such file`);
    await expect(
      new PcapStreamSource(Readable.from([Buffer.alloc(10)]), 'tiny').run(new Packet(), () => {}),
    ).rejects.toThrow('tiny: pcap file header cut short');
  });

  it('stops on stop()', async () => {
    const many: PcapRecord[] = [];
    for (let i = 0; i < 20000; i++) many.push({ data: frameBytes(i, 100), sec: i, frac: 0 });
    const src = new PcapStreamSource(tmp.file('many.pcap', pcapFile(many)));
    let n = 0;
    await src.run(new Packet(), () => {
      if (++n === 10) src.stop();
    });
    expect(n).toBe(10);
    expect(src.stats().packets).toBe(10);
  });
});
