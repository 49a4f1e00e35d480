// Open a capture file by content, not by name: the first four bytes say which format.
//
//   a1 b2 c3 d4 / d4 c3 b2 a1   pcap, microseconds (big / little endian)
//   a1 b2 3c 4d / 4d 3c b2 a1   pcap, nanoseconds
//   0a 0d 0d 0a                 pcapng Section Header Block (same in both byte orders)
//
// The sniffed bytes stay in the reader's chunk, so stdin ('-') works as well as a file.

import { type ChunkSource, closeChunkSource, displayName, openChunkSource } from './chunk.js';
import { PcapReader, pcapMagicOrder, type ReaderOptions } from './pcap.js';
import { PCAPNG_SHB, PcapngReader } from './pcapng.js';
import { CaptureError, type FrameReader } from './source.js';

export type { ReaderOptions } from './pcap.js';

/** A file reader as openCaptureFile returns it: a FrameReader plus what it counted. */
export interface CaptureFileReader extends FrameReader {
  readonly format: 'pcap' | 'pcapng';
  /** Frames delivered so far. */
  readonly frames: number;
  /** 1 when the file ended inside its last record or block (read quietly up to there). */
  readonly truncated: number;
  /** Problems read past (including `truncated`): what CaptureStats.errors reports. */
  readonly errors: number;
}

/** Open `path` ('-' for stdin) as pcap or pcapng. Problems are CaptureErrors naming the file. */
export function openCaptureFile(path: string, options: ReaderOptions = {}): CaptureFileReader {
  const src = openChunkSource(path, 4);
  try {
    return readerFor(src, options);
  } catch (err) {
    closeChunkSource(src);
    throw err;
  }
}

function readerFor(src: ChunkSource, options: ReaderOptions): CaptureFileReader {
  const name = displayName(src.name);
  if (src.end < 4) {
    throw new CaptureError(`${name}: not a pcap or pcapng file (${src.end === 0 ? 'empty' : `only ${src.end} bytes`})`);
  }
  const magic = src.data.readUInt32LE(0);
  if (pcapMagicOrder(magic) !== undefined) return new PcapReader(src, options);
  if (magic === PCAPNG_SHB) return new PcapngReader(src, options);
  const hex = src.data.toString('hex', 0, 4);
  const hint = src.data[0] === 0x1f && src.data[1] === 0x8b ? '; gzip-compressed? decompress it first' : '';
  throw new CaptureError(`${name}: not a pcap or pcapng file (magic 0x${hex}${hint})`);
}
