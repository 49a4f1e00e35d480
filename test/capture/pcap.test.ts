import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SUPPORTED_LINKTYPES } from '../../src/capture/linktypes.js';
import { openCaptureFile } from '../../src/capture/open.js';
import type { PcapReader } from '../../src/capture/pcap.js';
import { CaptureError } from '../../src/capture/source.js';
import { frameBytes, type PcapRecord, pcapFile, readAll, tempDir, transpileReaders } from './build.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Three frames of different sizes with distinct timestamps. */
function records(): PcapRecord[] {
  return [
    { data: frameBytes(1, 60), sec: 1_700_000_000, frac: 1 },
    { data: frameBytes(2, 1514), sec: 1_700_000_001, frac: 999_999, len: 9000 },
    { data: frameBytes(3, 0), sec: 4_294_967_295, frac: 0 },
  ];
}

describe('classic pcap', () => {
  it('reads microsecond files in both byte orders', () => {
    for (const le of [true, false]) {
      const f = tmp.file(`usec-${le ? 'le' : 'be'}.pcap`, pcapFile(records(), { le }));
      const { frames, truncated } = readAll(f);
      expect(truncated).toBe(0);
      expect(frames.map((x) => [x.tsSec, x.tsNsec, x.caplen, x.len, x.linkType, x.ifIndex])).toEqual([
        [1_700_000_000, 1000, 60, 60, 1, 0],
        [1_700_000_001, 999_999_000, 1514, 9000, 1, 0],
        [4_294_967_295, 0, 0, 0, 1, 0],
      ]);
      expect(frames[0]!.data.equals(frameBytes(1, 60))).toBe(true);
      expect(frames[1]!.data.equals(frameBytes(2, 1514))).toBe(true);
    }
  });

  it('reads nanosecond files in both byte orders, tsNsec exact', () => {
    for (const le of [true, false]) {
      const recs: PcapRecord[] = [
        { data: frameBytes(1, 42), sec: 1_700_000_000, frac: 123_456_789 },
        { data: frameBytes(2, 42), sec: 1_700_000_000, frac: 999_999_999 },
      ];
      const f = tmp.file(`nsec-${le ? 'le' : 'be'}.pcap`, pcapFile(recs, { le, nsec: true }));
      const r = openCaptureFile(f) as PcapReader;
      expect(r.nanosecond).toBe(true);
      expect(r.littleEndian).toBe(le);
      r.close();
      expect(readAll(f).frames.map((x) => [x.tsSec, x.tsNsec])).toEqual([
        [1_700_000_000, 123_456_789],
        [1_700_000_000, 999_999_999],
      ]);
    }
  });

  it('carries a fraction field of a second or more into the seconds', () => {
    const f = tmp.file('frac.pcap', pcapFile([{ data: frameBytes(1, 20), sec: 10, frac: 2_500_000 }]));
    expect(readAll(f).frames.map((x) => [x.tsSec, x.tsNsec])).toEqual([[12, 500_000_000]]);
  });

  it('masks the FCS bits of the link-type field', () => {
    // f bit (26) set, FCS length 2 (16-bit words) in bits 28-31, link type 1.
    const f = tmp.file('fcs.pcap', pcapFile(records(), { linkField: (2 << 28) | 0x04000000 | 1 }));
    const r = openCaptureFile(f) as PcapReader;
    expect(r.linkType).toBe(1);
    expect(r.fcsLength).toBe(4);
    r.close();
  });

  it('walks records across chunk refills (a file larger than the 8 MiB chunk)', () => {
    const recs: PcapRecord[] = [];
    // Sizes cycle so records straddle the chunk boundary at varied offsets.
    for (let i = 0; i < 7000; i++) recs.push({ data: frameBytes(i, 1000 + ((i * 37) % 900)), sec: i, frac: i % 1000 });
    const f = tmp.file('big.pcap', pcapFile(recs));
    const r = openCaptureFile(f);
    let n = 0;
    while (r.next()) {
      const want = recs[n]!;
      expect(r.caplen).toBe(want.data.length);
      expect(r.tsSec).toBe(n);
      // Check the first and last bytes in place, without copying.
      expect(r.data.readUInt32BE(r.start)).toBe(n);
      expect(r.data[r.start + r.caplen - 1]).toBe((n + r.caplen - 1) & 0xff);
      n++;
    }
    r.close();
    expect(n).toBe(7000);
  });

  it('ends quietly on a last record cut short, and counts it', () => {
    const whole = pcapFile(records().slice(0, 2));
    // Cut inside the second record's data, then inside its header.
    for (const cut of [whole.length - 100, 24 + 16 + 60 + 7]) {
      const f = tmp.file(`cut-${cut}.pcap`, whole.subarray(0, cut));
      const { frames, truncated, errors } = readAll(f);
      expect(frames.length).toBe(1);
      expect(truncated).toBe(1);
      expect(errors).toBe(1);
    }
    // A file that ends exactly at a record boundary is not truncated.
    expect(readAll(tmp.file('whole.pcap', whole)).truncated).toBe(0);
  });

  it('stops on a corrupt caplen, naming the file, record and byte offset', () => {
    const recs = records();
    recs.push({ data: frameBytes(4, 10), sec: 1, frac: 1, caplen: 4_294_967 });
    recs.push({ data: frameBytes(5, 10), sec: 1, frac: 1 });
    const f = tmp.file('corrupt.pcap', pcapFile(recs));
    const offset = 24 + 3 * 16 + 60 + 1514;
    const r = openCaptureFile(f);
    expect(r.next() && r.next() && r.next()).toBe(true);
    expect(() => r.next()).toThrow(CaptureError);
    r.close();
    expect(() => readAll(f)).toThrow(`${f}: record 4 at byte ${offset}: caplen 4294967 exceeds the maximum of 262144`);
  });

  it('refuses a record past the end of the file whose caplen exceeds the snaplen', () => {
    const recs = records().slice(0, 1);
    recs.push({ data: frameBytes(2, 100), sec: 1, frac: 1, caplen: 70000 });
    const f = tmp.file('past-end.pcap', pcapFile(recs, { snaplen: 65535 }));
    expect(() => readAll(f)).toThrow(
      /record 2 at byte 100: caplen 70000 exceeds the snaplen 65535 and runs past the end/,
    );
  });

  it('refuses a link type vsids cannot decode, naming it', () => {
    const f = tmp.file('wifi.pcap', pcapFile(records(), { linkType: 105 }));
    expect(() => openCaptureFile(f)).toThrow(`${f}: unsupported link type 105 (IEEE802_11); vsids decodes`);
    const g = tmp.file('ppi.pcap', pcapFile(records(), { linkType: 192, le: false }));
    expect(() => openCaptureFile(g)).toThrow(/unsupported link type 192 \(PPI\)/);
    // Unless the caller decodes it.
    expect(readAll(f, { linkTypeSupported: (t) => t === 105 }).frames.length).toBe(3);
  });

  it('refuses what is not a capture, empty files, missing files and bad headers', () => {
    const text = tmp.file('text.pcap', Buffer.from('hello world\n'));
    expect(() => openCaptureFile(text)).toThrow(`${text}: not a pcap or pcapng file (magic 0x68656c6c)`);
    const gz = tmp.file('x.pcap.gz', Buffer.from('1f8b0800000000000003', 'hex'));
    expect(() => openCaptureFile(gz)).toThrow(/magic 0x1f8b0800; gzip-compressed\?/);
    const empty = tmp.file('empty.pcap', Buffer.alloc(0));
    expect(() => openCaptureFile(empty)).toThrow(`${empty}: not a pcap or pcapng file (empty)`);
    const missing = join(tmp.path, 'nope.pcap');
    expect(() => openCaptureFile(missing)).toThrow(`${missing}: no such file`);
    expect(() => openCaptureFile(tmp.path)).toThrow(`${tmp.path}: is a directory`);
    const short = tmp.file('short.pcap', pcapFile([]).subarray(0, 10));
    expect(() => openCaptureFile(short)).toThrow(`${short}: pcap file header cut short (10 of 24 bytes)`);
    const v1 = tmp.file('v1.pcap', pcapFile([], { major: 1 }));
    expect(() => openCaptureFile(v1)).toThrow('unsupported pcap version 1.4');
  });

  it('reads a header-only file as zero frames', () => {
    expect(readAll(tmp.file('none.pcap', pcapFile([])))).toEqual({ frames: [], truncated: 0, errors: 0 });
  });

  it('lists the link types the decoders register', async () => {
    // capture/ must not import decode/, so the list is kept by hand: this keeps it honest.
    const { registerDefaultDecoders } = await import('../../src/decode/defaults.js');
    const { linkTypeLayer } = await import('../../src/decode/registry.js');
    registerDefaultDecoders();
    const registered: number[] = [];
    for (let t = 0; t < 512; t++) if (linkTypeLayer(t) !== 0) registered.push(t);
    expect([...SUPPORTED_LINKTYPES].sort((a, b) => a - b)).toEqual(registered);
  });
});

describe('stdin', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const openJs = pathToFileURL(transpileReaders(dir.path)).href;

  /** A child node that reads '-' and prints what it saw; `nonblocking` makes fd 0 answer EAGAIN. */
  function childScript(nonblocking: boolean): string {
    return `
      import { openCaptureFile } from ${JSON.stringify(openJs)};
      ${nonblocking ? 'process.stdin.pause();' : ''}
      const r = openCaptureFile('-');
      let n = 0, sum = 0, last = 0;
      while (r.next()) { n++; sum += r.caplen; last = r.data.readUInt32BE(r.start); }
      console.log(JSON.stringify({ name: r.name, format: r.format, n, sum, last, truncated: r.truncated }));
      process.exit(0);`;
  }

  function recs(n: number): PcapRecord[] {
    const out: PcapRecord[] = [];
    for (let i = 0; i < n; i++) out.push({ data: frameBytes(i, 64 + (i % 1400)), sec: i, frac: 0 });
    return out;
  }

  /** Feed `bytes` to the child's stdin in pieces, pausing between them. */
  async function run(script: string, bytes: Buffer, piece: number, pauseMs: number): Promise<Record<string, unknown>> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    for (let off = 0; off < bytes.length; off += piece) {
      child.stdin.write(bytes.subarray(off, off + piece));
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
    child.stdin.end();
    const code = await exited;
    expect(err).toBe('');
    expect(code).toBe(0);
    return JSON.parse(out) as Record<string, unknown>;
  }

  it("reads '-' from a pipe, keeping the sniffed magic bytes", async () => {
    const rs = recs(3000);
    const bytes = pcapFile(rs);
    const sum = rs.reduce((a, r) => a + r.data.length, 0);
    // Pieces of 3 bytes first (the sniff needs 4), then large ones.
    const res = await run(childScript(false), bytes, 65536, 0);
    expect(res).toEqual({ name: '-', format: 'pcap', n: 3000, sum, last: 2999, truncated: 0 });
  });

  it('waits out EAGAIN on a non-blocking stdin fed slowly in odd pieces', async () => {
    const rs = recs(200);
    const bytes = pcapFile(rs, { le: false, nsec: true });
    const sum = rs.reduce((a, r) => a + r.data.length, 0);
    const res = await run(childScript(true), bytes, 7777, 5);
    expect(res).toEqual({ name: '-', format: 'pcap', n: 200, sum, last: 199, truncated: 0 });
  });

  it('reports a truncated last record on stdin', async () => {
    const bytes = pcapFile(recs(10));
    const res = await run(childScript(false), bytes.subarray(0, bytes.length - 5), 1 << 20, 0);
    expect(res).toMatchObject({ n: 9, truncated: 1 });
  });

  it("names stdin in errors for '-'", () => {
    const script = `
      import { openCaptureFile } from ${JSON.stringify(openJs)};
      try { openCaptureFile('-'); } catch (e) { console.log(e.message); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: 'GET / HTTP/1.1' });
    expect(out.toString().trim()).toBe('stdin: not a pcap or pcapng file (magic 0x47455420)');
  });
});
