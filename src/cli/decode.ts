// `vsids decode FILE [--limit N]` (and `-i IFACE` for a live interface): one JSON line per
// frame with what the decoder saw, for users debugging why traffic is or is not seen.

import { writeFully } from '../alerts/eve-writer.js';
import { FileSource } from '../capture/file-source.js';
import type { PacketSource } from '../capture/source.js';
import { Packet } from '../core/packet.js';
import { DecodeStats, decodePacket } from '../decode/decoder.js';
import { registerDefaultDecoders } from '../decode/defaults.js';
import { describePacket } from '../decode/describe.js';
import { EXIT_OK, parsePositiveInt, UsageError } from './common.js';

export interface DecodeOptions {
  iface?: string;
  bpf?: string;
  limit?: string;
}

const FLUSH_AT = 64 * 1024;

export async function decodeCommand(file: string | undefined, opts: DecodeOptions): Promise<number> {
  if (file === undefined && opts.iface === undefined) throw new UsageError('decode: give a capture FILE or -i IFACE');
  if (file !== undefined && opts.iface !== undefined) throw new UsageError('decode: give a FILE or -i IFACE, not both');
  if (opts.bpf !== undefined && opts.iface === undefined)
    throw new UsageError('decode: --bpf applies to -i IFACE only');
  const limit = opts.limit !== undefined ? parsePositiveInt(opts.limit, '--limit') : Number.POSITIVE_INFINITY;

  registerDefaultDecoders();
  const source: PacketSource =
    opts.iface !== undefined ? await openLive(opts.iface, opts.bpf) : new FileSource([file!]);
  const stats = new DecodeStats();
  let lines: string[] = [];
  let size = 0;
  let count = 0;
  let closed = false;
  const flush = (): void => {
    if (lines.length === 0 || closed) return;
    try {
      writeFully(1, Buffer.from(lines.join(''), 'utf8'));
    } catch (err) {
      // The reader went away (`vsids decode f | head`): stop quietly, as cat does.
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      closed = true;
      source.stop();
    }
    lines = [];
    size = 0;
  };
  const onPacket = (p: Packet): void => {
    if (count >= limit || closed) return;
    decodePacket(p, stats);
    const line = `${JSON.stringify(describePacket(p))}\n`;
    lines.push(line);
    size += line.length;
    count++;
    // Live frames are few and a user is watching: print them as they come.
    if (size >= FLUSH_AT || opts.iface !== undefined) flush();
    if (count >= limit) source.stop();
  };
  const stop = (): void => source.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await source.run(new Packet(), onPacket);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    flush();
  }
  return EXIT_OK;
}

/** The live reader loads libpcap bindings, so it is imported only when asked for. */
export async function openLive(
  iface: string,
  bpf?: string,
  snaplen?: number,
  bufferSize?: number,
): Promise<PacketSource> {
  const { LiveSource } = await import('../capture/live.js');
  return new LiveSource({ iface, bpf, snaplen, bufferSize });
}
