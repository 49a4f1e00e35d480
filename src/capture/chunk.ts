// The chunked, zero-copy file input shared by the pcap and pcapng readers.
//
// A reader owns one large Buffer (the "chunk") filled with fs.readSync. Records are walked in
// place: the current frame is data[start, start + caplen), so nothing is allocated per frame.
// When a record straddles the end of the chunk, the unread tail is moved to the front and the
// rest of the chunk is refilled; a record larger than the chunk grows it.
//
//   data: [ consumed ...... | pos: unread records ...... | end: free space ...... ]
//          ^ file offset `base`
//
// The same code reads regular files and pipes (stdin as '-'): reads are sequential from the
// descriptor's current position and a short read is not taken for end of file.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FrameReader } from './source.js';
import { CaptureError } from './source.js';

/**
 * Chunk size for files and pipes alike. Small enough that a refilled chunk is still in the
 * CPU cache when its frames are decoded: 256 KiB reads a 752 MB capture in about a third of
 * the time 8 MiB chunks take, and refills (one syscall each) stay rare.
 */
export const CHUNK_SIZE = 256 * 1024;
const MIN_CHUNK_SIZE = 4096;

/** An opened input whose first bytes have already been read (to sniff the format). */
export interface ChunkSource {
  /** Path as given by the user ('-' for stdin). */
  name: string;
  fd: number;
  /** False for stdin: the reader must not close fd 0. */
  ownsFd: boolean;
  data: Buffer;
  /** Bytes of `data` already read. */
  end: number;
  eof: boolean;
}

/** How a file is named in messages. */
export function displayName(name: string): string {
  return name === '-' ? 'stdin' : name;
}

// A non-blocking stdin answers EAGAIN when the writer is slower than us. Readers are
// synchronous by design, so wait without spinning: briefly at first (a pipe refills within
// microseconds when the writer is fast), backing off to 2 ms while it stays empty.
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const MIN_WAIT_MS = 0.01;
const MAX_WAIT_MS = 2;

/** One read into buf[off, off + len). Returns the byte count, 0 at end of input. */
export function readInto(fd: number, buf: Buffer, off: number, len: number, name: string): number {
  let wait = MIN_WAIT_MS;
  for (;;) {
    try {
      return readSync(fd, buf, off, len, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        Atomics.wait(sleepCell, 0, 0, wait);
        wait = Math.min(MAX_WAIT_MS, wait * 2);
        continue;
      }
      if (code === 'EOF') return 0; // Windows pipes report their end this way
      throw new CaptureError(`${displayName(name)}: read failed: ${(err as Error).message}`);
    }
  }
}

/**
 * Open a capture path ('-' = stdin) and read at least `need` bytes (fewer only at end of
 * input). Missing files and other open failures become a CaptureError.
 */
export function openChunkSource(path: string, need: number): ChunkSource {
  const stdin = path === '-';
  let fd: number;
  if (stdin) fd = 0;
  else {
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw new CaptureError(`${path}: ${openFailure(err as NodeJS.ErrnoException)}`);
    }
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CaptureError(`${displayName(path)}: is a directory`);
    const size = st.isFile() ? Math.max(MIN_CHUNK_SIZE, Math.min(CHUNK_SIZE, st.size)) : CHUNK_SIZE;
    const src: ChunkSource = { name: path, fd, ownsFd: !stdin, data: Buffer.allocUnsafe(size), end: 0, eof: false };
    while (src.end < need && !src.eof) {
      const n = readInto(fd, src.data, src.end, src.data.length - src.end, path);
      if (n === 0) src.eof = true;
      else src.end += n;
    }
    return src;
  } catch (err) {
    if (!stdin) closeSync(fd);
    throw err;
  }
}

function openFailure(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot open: ${err.message}`;
  }
}

export function closeChunkSource(src: ChunkSource): void {
  if (src.ownsFd && src.fd >= 0) closeSync(src.fd);
  src.fd = -1;
}

/** The frame fields and the chunk walking shared by both file readers. */
export abstract class ChunkReader implements FrameReader {
  readonly name: string;
  /** The file format, for messages and stats. */
  abstract readonly format: 'pcap' | 'pcapng';
  data: Buffer;
  start = 0;
  caplen = 0;
  len = 0;
  tsSec = 0;
  tsNsec = 0;
  linkType = 1;
  ifIndex = 0;
  /** Frames delivered by next(). */
  frames = 0;
  /** A last record or block cut short by the end of the file (0 or 1): ended quietly, counted. */
  truncated = 0;
  /** Problems read past without losing frames, plus `truncated`: CaptureStats.errors. */
  errors = 0;

  /** Next unread byte in data. */
  protected pos = 0;
  /** End of the bytes read into data. */
  protected end: number;
  /** File offset of data[0], for messages. */
  protected base = 0;
  private fd: number;
  private readonly ownsFd: boolean;
  private eof: boolean;

  protected constructor(src: ChunkSource) {
    this.name = src.name;
    this.fd = src.fd;
    this.ownsFd = src.ownsFd;
    this.data = src.data;
    this.end = src.end;
    this.eof = src.eof;
  }

  abstract next(): boolean;

  /** Name for messages ('stdin' for '-'). */
  get label(): string {
    return displayName(this.name);
  }

  /**
   * Make at least `need` bytes available from `pos` (which becomes 0: the unread tail moves
   * to the front of the chunk, so callers re-read `pos` and `data` afterwards). Returns false
   * when the input ends first; then data[pos, end) is everything that is left.
   */
  protected fill(need: number): boolean {
    const pos = this.pos;
    if (pos > 0) {
      this.data.copyWithin(0, pos, this.end);
      this.base += pos;
      this.end -= pos;
      this.pos = 0;
    }
    if (need > this.data.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, Math.min(this.data.length * 2, need + CHUNK_SIZE)));
      this.data.copy(bigger, 0, 0, this.end);
      this.data = bigger;
    }
    while (this.end < need && !this.eof) {
      if (this.fd < 0) throw new CaptureError(`${this.label}: read after close`);
      const n = readInto(this.fd, this.data, this.end, this.data.length - this.end, this.name);
      if (n === 0) this.eof = true;
      else this.end += n;
    }
    return this.end >= need;
  }

  /** File offset of data[i]. */
  protected fileOffset(i: number): number {
    return this.base + i;
  }

  /**
   * End of input at a record boundary: a partial record left over means the file was cut
   * short. Count it once and consume it, so later calls just return false.
   */
  protected endOfInput(): boolean {
    if (this.end > this.pos) {
      this.truncated++;
      this.errors++;
      this.pos = this.end;
    }
    return false;
  }

  close(): void {
    if (this.ownsFd && this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
