// A seeded mutation fuzzer for the decoder. It takes real frames (from the capture corpus),
// mutates them the ways malformed mirror traffic goes wrong — bit flips, truncation,
// length fields that lie, tunnel headers spliced into the middle — and checks that every
// mutated frame decodes without a throw, in bounded time, and yields a decode line.
// Used by test/decode/fuzz.test.ts (100k frames) and `npm run fuzz` (1M frames).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureFile } from '../capture/open.js';
import { Packet } from '../core/packet.js';
import { DecodeStats, decodePacket } from '../decode/decoder.js';
import { registerDefaultDecoders } from '../decode/defaults.js';
import { describePacket } from '../decode/describe.js';

/** xorshift32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

export interface SeedFrame {
  bytes: Buffer;
  linkType: number;
}

// Headers that make the decoder recurse: VXLAN (after UDP 4789), GRE+TEB, ERSPAN II, Geneve,
// an 802.1Q tag and an MPLS label. Spliced in at random points they build deep, odd stacks.
const SPLICES: readonly Buffer[] = [
  Buffer.from('0800000000012300', 'hex'), // VXLAN, VNI 0x123
  Buffer.from('00006558', 'hex'), // GRE, transparent Ethernet bridging
  Buffer.from('100088be00000001', 'hex'), // GRE with S bit, ERSPAN
  Buffer.from('1000000100010000', 'hex'), // ERSPAN II header
  Buffer.from('0000655800000100', 'hex'), // Geneve, Ethernet payload
  Buffer.from('81000065', 'hex'), // 802.1Q tag, VLAN 101
  Buffer.from('0001e1ff', 'hex'), // MPLS label 30, bottom of stack
  Buffer.from('4500001c0000000040110000', 'hex'), // IPv4 header start
  Buffer.from('12b512b5001c0000', 'hex'), // UDP 4789 -> 4789
];

/** Every frame of every capture in `dir` (copied), as fuzzing seeds. Unreadable files are skipped. */
export function loadSeeds(dir: string): SeedFrame[] {
  const seeds: SeedFrame[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(pcap|pcapng|cap)$/.test(name)) continue;
    let reader: ReturnType<typeof openCaptureFile> | undefined;
    try {
      reader = openCaptureFile(join(dir, name));
      while (reader.next()) {
        seeds.push({
          bytes: Buffer.from(reader.data.subarray(reader.start, reader.start + reader.caplen)),
          linkType: reader.linkType,
        });
      }
    } catch {
      // A capture the reader rejects (unsupported link type) gives no seeds.
    } finally {
      reader?.close();
    }
  }
  return seeds;
}

export type Mutation = 'flip' | 'truncate' | 'length' | 'splice' | 'bytes';
const MUTATIONS: readonly Mutation[] = ['flip', 'truncate', 'length', 'splice', 'bytes'];

/** One mutated copy of `src` (never modifies `src`). */
export function mutate(rng: Rng, src: Buffer): Buffer {
  const kind = MUTATIONS[rng.below(MUTATIONS.length)]!;
  const b = Buffer.from(src);
  if (b.length === 0) return b;
  switch (kind) {
    case 'flip': {
      const n = 1 + rng.below(8);
      for (let i = 0; i < n; i++) {
        const at = rng.below(b.length);
        b[at] = b[at]! ^ (1 << rng.below(8));
      }
      return b;
    }
    case 'truncate':
      return b.subarray(0, rng.below(b.length));
    case 'length': {
      // Overwrite a 16-bit field at an even offset with a value chosen to lie: 0, tiny, huge, or off by a little.
      if (b.length < 2) return b;
      const at = rng.below(b.length - 1) & ~1;
      const cur = b.readUInt16BE(at);
      const choices = [0, 1, 4, 7, 0xffff, 0x8000, cur + 1, cur - 1, cur * 2, b.length, b.length + 1];
      b.writeUInt16BE((choices[rng.below(choices.length)]! + 0x10000) & 0xffff, at);
      return b;
    }
    case 'splice': {
      const at = rng.below(b.length);
      const ins = SPLICES[rng.below(SPLICES.length)]!;
      const times = 1 + rng.below(12);
      const parts: Buffer[] = [b.subarray(0, at)];
      for (let i = 0; i < times; i++) parts.push(ins);
      parts.push(b.subarray(at));
      return Buffer.concat(parts);
    }
    case 'bytes': {
      const n = 1 + rng.below(4);
      for (let i = 0; i < n; i++) b[rng.below(b.length)] = rng.below(256);
      return b;
    }
  }
}

export interface FuzzResult {
  frames: number;
  throws: number;
  /** Frames that took longer than the hang bound to decode and describe. */
  hangs: number;
  /** Frames that produced no decode line. */
  missingLines: number;
  firstFailure?: string;
  elapsedSec: number;
}

/**
 * Mutate and decode `frames` frames from `seeds`, describing each as `vsids decode` does.
 * A frame that takes more than `hangMs` counts as a hang.
 */
export function runFuzz(seeds: readonly SeedFrame[], frames: number, seed: number, hangMs = 250): FuzzResult {
  registerDefaultDecoders();
  const rng = new Rng(seed);
  const p = new Packet();
  const stats = new DecodeStats();
  const result: FuzzResult = { frames: 0, throws: 0, hangs: 0, missingLines: 0, elapsedSec: 0 };
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const s = seeds[rng.below(seeds.length)]!;
    let bytes = mutate(rng, s.bytes);
    // Stack mutations now and then, as real corruption rarely comes alone.
    if (rng.below(4) === 0) bytes = mutate(rng, bytes);
    p.data = bytes;
    p.start = 0;
    p.caplen = bytes.length;
    p.len = bytes.length;
    p.linkType = s.linkType;
    p.frameNo = i + 1;
    const f0 = performance.now();
    try {
      decodePacket(p, stats);
      const line = JSON.stringify(describePacket(p));
      if (line.length === 0 || !line.startsWith('{')) result.missingLines++;
    } catch (err) {
      result.throws++;
      result.firstFailure ??= `seed ${seed} frame ${i + 1} (linktype ${s.linkType}, ${bytes.toString('hex')}): ${String(err)}`;
    }
    if (performance.now() - f0 > hangMs) {
      result.hangs++;
      result.firstFailure ??= `seed ${seed} frame ${i + 1}: took over ${hangMs} ms (${bytes.toString('hex')})`;
    }
    result.frames++;
  }
  result.elapsedSec = (performance.now() - t0) / 1000;
  return result;
}
