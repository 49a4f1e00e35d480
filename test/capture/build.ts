// Helpers for the capture tests: build small pcap / pcapng files byte by byte, write them to
// a temp dir, and read every frame back.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { openCaptureFile, type ReaderOptions } from '../../src/capture/open.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS = join(REPO, '../shared/captures-corpus');
export const SURICATA_VERIFY = join(REPO, '../shared/conformance/suricata-verify/tests');

export interface TempDir {
  path: string;
  file(name: string, bytes: Buffer): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'vsids-capture-'));
  return {
    path,
    file(name, bytes) {
      const f = join(path, name);
      writeFileSync(f, bytes);
      return f;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A frame whose bytes say which frame it is: u32 BE index, then (index + i) & 0xff. */
export function frameBytes(index: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (index + i) & 0xff;
  if (size >= 4) b.writeUInt32BE(index >>> 0, 0);
  return b;
}

export interface PcapRecord {
  data: Buffer;
  sec: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  frac: number;
  /** Original length (default data.length). */
  len?: number;
  /** Captured length written in the header (default data.length): lie to corrupt the file. */
  caplen?: number;
}

export interface PcapOptions {
  le?: boolean;
  nsec?: boolean;
  linkType?: number;
  /** The raw link-type field (FCS bits and all); overrides linkType. */
  linkField?: number;
  snaplen?: number;
  major?: number;
}

export function pcapFile(records: PcapRecord[], o: PcapOptions = {}): Buffer {
  const le = o.le ?? true;
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(h, o.nsec ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, o.major ?? 2, 4);
  w16(h, 4, 6);
  w32(h, o.snaplen ?? 65535, 16);
  w32(h, o.linkField ?? o.linkType ?? 1, 20);
  parts.push(h);
  for (const r of records) {
    const rh = Buffer.alloc(16);
    w32(rh, r.sec, 0);
    w32(rh, r.frac, 4);
    w32(rh, r.caplen ?? r.data.length, 8);
    w32(rh, r.len ?? r.data.length, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

/** pcapng writer: one call per block, in either byte order per section. */
export class Pcapng {
  private readonly parts: Buffer[] = [];
  private le = true;

  private w32(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, at);
    else b.writeUInt32BE(v >>> 0, at);
  }

  private w16(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt16LE(v, at);
    else b.writeUInt16BE(v, at);
  }

  /** Any block: type, body (padded to 4), total length before and after. */
  block(type: number, body: Buffer, opts: { length?: number; trailer?: number } = {}): this {
    const pad = (4 - (body.length % 4)) % 4;
    const total = 12 + body.length + pad;
    const b = Buffer.alloc(total);
    this.w32(b, type, 0);
    this.w32(b, opts.length ?? total, 4);
    body.copy(b, 8);
    this.w32(b, opts.trailer ?? opts.length ?? total, total - 4);
    this.parts.push(b);
    return this;
  }

  /** Options list: [code, value] pairs, then opt_endofopt. */
  options(list: [number, Buffer][]): Buffer {
    if (list.length === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (const [code, value] of list) {
      const h = Buffer.alloc(4);
      this.w16(h, code, 0);
      this.w16(h, value.length, 2);
      parts.push(h, value, Buffer.alloc((4 - (value.length % 4)) % 4));
    }
    parts.push(Buffer.alloc(4));
    return Buffer.concat(parts);
  }

  shb(le = true): this {
    this.le = le;
    const body = Buffer.alloc(16);
    this.w32(body, 0x1a2b3c4d, 0);
    this.w16(body, 1, 4);
    this.w16(body, 0, 6);
    body.writeBigInt64LE(-1n, 8); // section length unknown
    return this.block(0x0a0d0d0a, body);
  }

  idb(linkType: number, o: { snaplen?: number; tsresol?: number; tsoffset?: bigint; name?: string } = {}): this {
    const fixed = Buffer.alloc(8);
    this.w16(fixed, linkType, 0);
    this.w32(fixed, o.snaplen ?? 0, 4);
    const opts: [number, Buffer][] = [];
    if (o.name !== undefined) opts.push([2, Buffer.from(o.name)]);
    if (o.tsresol !== undefined) opts.push([9, Buffer.from([o.tsresol])]);
    if (o.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(o.tsoffset);
      else v.writeBigInt64BE(o.tsoffset);
      opts.push([14, v]);
    }
    return this.block(1, Buffer.concat([fixed, this.options(opts)]));
  }

  /** Enhanced Packet Block; ts in the interface's units. */
  epb(ifId: number, ts: bigint, data: Buffer, o: { len?: number; caplen?: number; comment?: string } = {}): this {
    const fixed = Buffer.alloc(20);
    this.w32(fixed, ifId, 0);
    this.w32(fixed, Number(ts >> 32n), 4);
    this.w32(fixed, Number(ts & 0xffffffffn), 8);
    this.w32(fixed, o.caplen ?? data.length, 12);
    this.w32(fixed, o.len ?? data.length, 16);
    const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
    const opts = o.comment !== undefined ? this.options([[1, Buffer.from(o.comment)]]) : Buffer.alloc(0);
    return this.block(6, Buffer.concat([fixed, data, pad, opts]));
  }

  /** Obsolete Packet Block (type 2). */
  pb(ifId: number, ts: bigint, data: Buffer, len = data.length): this {
    const fixed = Buffer.alloc(20);
    this.w16(fixed, ifId, 0);
    this.w16(fixed, 0, 2);
    this.w32(fixed, Number(ts >> 32n), 4);
    this.w32(fixed, Number(ts & 0xffffffffn), 8);
    this.w32(fixed, data.length, 12);
    this.w32(fixed, len, 16);
    return this.block(2, Buffer.concat([fixed, data]));
  }

  spb(data: Buffer, len = data.length): this {
    const fixed = Buffer.alloc(4);
    this.w32(fixed, len, 0);
    return this.block(3, Buffer.concat([fixed, data]));
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface ReadFrame {
  data: Buffer;
  caplen: number;
  len: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  ifIndex: number;
}

/** Every frame of a file, copied out of the reader's chunk. */
export function readAll(
  path: string,
  options?: ReaderOptions,
): { frames: ReadFrame[]; truncated: number; errors: number } {
  const r = openCaptureFile(path, options);
  const frames: ReadFrame[] = [];
  try {
    while (r.next()) {
      frames.push({
        data: Buffer.from(r.data.subarray(r.start, r.start + r.caplen)),
        caplen: r.caplen,
        len: r.len,
        tsSec: r.tsSec,
        tsNsec: r.tsNsec,
        linkType: r.linkType,
        ifIndex: r.ifIndex,
      });
    }
    // At the end, next() keeps answering false and counts nothing more.
    if (r.next()) throw new Error('next() returned true after the end');
  } finally {
    r.close();
  }
  return { frames, truncated: r.truncated, errors: r.errors };
}

/**
 * The capture readers transpiled to plain JS in `dir`, for child processes that read stdin
 * (a vitest worker's own fd 0 cannot be replaced). Returns the path of open.js.
 */
export function transpileReaders(dir: string): string {
  const names = ['capture/chunk', 'capture/linktypes', 'capture/pcap', 'capture/pcapng', 'capture/open', 'capture/source', 'core/bytes'];
  for (const name of names) {
    const out = ts.transpileModule(readFileSync(join(REPO, 'src', `${name}.ts`), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const file = join(dir, `${name}.js`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, out.outputText);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  return join(dir, 'capture', 'open.js');
}
