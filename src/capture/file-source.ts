// PacketSource over capture files (pcap or pcapng, '-' for stdin), several merged in
// timestamp order.
//
// Merging is a k-way merge on a binary min-heap of readers keyed by their current frame's
// (tsSec, tsNsec), ties broken by file order, so files captured on different mirror ports
// at the same time replay interleaved as they happened. A reader is advanced only after its
// frame was handed to onPacket: the frame lives in that reader's chunk until its next().

import type { Packet } from '../core/packet.js';
import { type CaptureFileReader, openCaptureFile, type ReaderOptions } from './open.js';
import type { CaptureStats, PacketSource } from './source.js';

export interface FileSourceOptions extends ReaderOptions {
  /** Frames between yields to the event loop (signals, timers, stop()). Default 65536. */
  yieldEvery?: number;
}

const DEFAULT_YIELD_EVERY = 65536;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FileSource implements PacketSource {
  readonly name: string;
  private readonly paths: readonly string[];
  private readonly options: FileSourceOptions;
  private readonly yieldEvery: number;
  private readers: CaptureFileReader[] = [];
  private stopped = false;
  private packets = 0;
  private bytes = 0;

  constructor(paths: string | readonly string[], options: FileSourceOptions = {}) {
    this.paths = typeof paths === 'string' ? [paths] : [...paths];
    this.name = this.paths.join(',');
    this.options = options;
    this.yieldEvery = Math.max(1, options.yieldEvery ?? DEFAULT_YIELD_EVERY);
  }

  async run(p: Packet, onPacket: (p: Packet) => void): Promise<void> {
    if (this.stopped) return;
    this.readers = [];
    try {
      for (const path of this.paths) this.readers.push(openCaptureFile(path, this.options));
      if (this.readers.length === 1) await this.runOne(this.readers[0]!, p, onPacket);
      else await this.runMerged(p, onPacket);
    } finally {
      for (const r of this.readers) r.close();
    }
  }

  /** One file: no heap, the plainest loop. */
  private async runOne(r: CaptureFileReader, p: Packet, onPacket: (p: Packet) => void): Promise<void> {
    const every = this.yieldEvery;
    for (;;) {
      let n = 0;
      while (n < every && !this.stopped && r.next()) {
        this.deliver(r, p, onPacket);
        n++;
      }
      if (n < every) return;
      await yieldToEventLoop();
    }
  }

  private async runMerged(p: Packet, onPacket: (p: Packet) => void): Promise<void> {
    const readers = this.readers;
    // heap[0 .. size) holds indexes of readers that have a current frame.
    const heap = new Int32Array(readers.length);
    let size = 0;
    for (let i = 0; i < readers.length; i++) {
      if (readers[i]!.next()) size = heapPush(heap, size, i, readers);
    }
    const every = this.yieldEvery;
    let n = 0;
    while (size > 0 && !this.stopped) {
      const i = heap[0]!;
      const r = readers[i]!;
      this.deliver(r, p, onPacket);
      if (r.next()) siftDown(heap, size, 0, readers);
      else {
        size--;
        heap[0] = heap[size]!;
        siftDown(heap, size, 0, readers);
      }
      if (++n === every) {
        n = 0;
        await yieldToEventLoop();
      }
    }
  }

  private deliver(r: CaptureFileReader, p: Packet, onPacket: (p: Packet) => void): void {
    p.data = r.data;
    p.start = r.start;
    p.caplen = r.caplen;
    p.len = r.len;
    p.tsSec = r.tsSec;
    p.tsNsec = r.tsNsec;
    p.linkType = r.linkType;
    p.ifIndex = r.ifIndex;
    p.frameNo = ++this.packets;
    this.bytes += r.len;
    onPacket(p);
  }

  stop(): void {
    this.stopped = true;
  }

  stats(): CaptureStats {
    let errors = 0;
    for (const r of this.readers) errors += r.errors;
    return { packets: this.packets, bytes: this.bytes, kernelDrops: 0, ifDrops: 0, errors };
  }
}

/** Does reader a's current frame come before reader b's? Equal times: the earlier file first. */
function before(readers: readonly CaptureFileReader[], a: number, b: number): boolean {
  const ra = readers[a]!;
  const rb = readers[b]!;
  if (ra.tsSec !== rb.tsSec) return ra.tsSec < rb.tsSec;
  if (ra.tsNsec !== rb.tsNsec) return ra.tsNsec < rb.tsNsec;
  return a < b;
}

function heapPush(heap: Int32Array, size: number, item: number, readers: readonly CaptureFileReader[]): number {
  let i = size;
  heap[i] = item;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(readers, heap[i]!, heap[parent]!)) break;
    const t = heap[i]!;
    heap[i] = heap[parent]!;
    heap[parent] = t;
    i = parent;
  }
  return size + 1;
}

function siftDown(heap: Int32Array, size: number, i: number, readers: readonly CaptureFileReader[]): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    const child = r < size && before(readers, heap[r]!, heap[l]!) ? r : l;
    if (!before(readers, heap[child]!, heap[i]!)) return;
    const t = heap[i]!;
    heap[i] = heap[child]!;
    heap[child] = t;
    i = child;
  }
}
