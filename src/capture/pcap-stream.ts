// Classic pcap from a Node Readable stream, through the `pcap-parser` package
// (https://github.com/nearinfinity/node-pcap-parser; pcap format:
// https://www.tcpdump.org/manpages/pcap-savefile.5.html).
//
//   file header (24 bytes)        -> 'globalHeader' { magicNumber, majorVersion, minorVersion,
//                                     gmtOffset, timestampAccuracy, snapshotLength, linkLayerType }
//   record header (16 bytes)      -> 'packetHeader' { timestampSeconds, timestampMicroseconds,
//                                     capturedLength, originalLength }
//   record header + packet data   -> 'packet' { header, data }   (data: a Buffer slice)
//
// For streams that are not files (sockets, HTTP bodies, decompressors) and as the oracle the
// zero-copy reader (pcap.ts) is tested against. It is not the hot path: pcap-parser copies
// every chunk and allocates objects per packet. Limits of pcap-parser 0.2.1: no pcapng, no
// nanosecond magic (0xA1B23C4D is rejected as an unknown magic), the link-type field is
// passed unmasked, and a record cut short at the end of the stream is dropped silently
// (we count it in stats().errors).

import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Packet } from '../core/packet.js';
import { displayName } from './chunk.js';
import { describeLinkType, isSupportedLinkType, supportedLinkTypesHint } from './linktypes.js';
import type { ReaderOptions } from './pcap.js';
import { CaptureError, type CaptureStats, type PacketSource } from './source.js';

/** What pcap-parser emits, as read from its lib/pcap-parser.js. */
export interface PcapParserGlobalHeader {
  magicNumber: number;
  majorVersion: number;
  minorVersion: number;
  gmtOffset: number;
  timestampAccuracy: number;
  snapshotLength: number;
  linkLayerType: number;
}

export interface PcapParserPacketHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}

export interface PcapParserPacket {
  header: PcapParserPacketHeader;
  data: Buffer;
}

interface PcapParser {
  on(event: 'globalHeader', listener: (h: PcapParserGlobalHeader) => void): this;
  on(event: 'packet', listener: (pkt: PcapParserPacket) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  /** Internal: unparsed bytes and the parse state (a partial record at the end of the stream). */
  buffer: Buffer | null;
  state: { name: string };
}

interface PcapParserModule {
  parse(input: Readable | string): PcapParser;
}

// pcap-parser is CommonJS without types; load it with require and type the part we use.
const require = createRequire(import.meta.url);
export const pcapParser = require('pcap-parser') as PcapParserModule;

export class PcapStreamSource implements PacketSource {
  readonly name: string;
  private readonly input: Readable | string;
  private readonly options: ReaderOptions;
  private stream: Readable | undefined;
  private finish: (() => void) | undefined;
  private stopped = false;
  private packets = 0;
  private bytes = 0;
  private errors = 0;

  /** `input`: a Readable of pcap bytes, or a file path. `name` labels messages. */
  constructor(input: Readable | string, name?: string, options: ReaderOptions = {}) {
    this.input = input;
    this.name = name ?? (typeof input === 'string' ? input : 'stream');
    this.options = options;
  }

  run(p: Packet, onPacket: (p: Packet) => void): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const label = displayName(this.name);
    const supported = this.options.linkTypeSupported ?? isSupportedLinkType;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        this.finish = undefined;
        if (err) {
          this.stream?.destroy();
          reject(err);
        } else resolve();
      };
      this.finish = () => {
        this.stream?.destroy();
        settle();
      };

      const stream = typeof this.input === 'string' ? createReadStream(this.input) : this.input;
      this.stream = stream;
      // A missing file is reported by the stream before pcap-parser sees any data.
      stream.once('error', (err: NodeJS.ErrnoException) => {
        settle(new CaptureError(`${label}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`));
      });
      const parser = pcapParser.parse(stream);
      let linkType = -1;
      parser.on('globalHeader', (h) => {
        linkType = h.linkLayerType & 0xffff;
        if (!supported(linkType)) {
          settle(
            new CaptureError(
              `${label}: unsupported link type ${describeLinkType(linkType)}; ${supportedLinkTypesHint()}`,
            ),
          );
        }
      });
      parser.on('packet', (pkt) => {
        if (settled || this.stopped) return;
        const h = pkt.header;
        p.data = pkt.data;
        p.start = 0;
        p.caplen = h.capturedLength;
        p.len = h.originalLength;
        p.tsSec = h.timestampSeconds;
        p.tsNsec = h.timestampMicroseconds * 1000;
        p.linkType = linkType;
        p.ifIndex = 0;
        p.frameNo = ++this.packets;
        this.bytes += h.originalLength;
        onPacket(p);
      });
      parser.on('error', (err) => settle(new CaptureError(`${label}: ${err.message}`)));
      parser.on('end', () => {
        if (linkType < 0) settle(new CaptureError(`${label}: pcap file header cut short`));
        const partial = parser.buffer !== null && parser.buffer.length > 0;
        if (partial || parser.state.name === 'parsePacketBody') this.errors++;
        settle();
      });
    });
  }

  stop(): void {
    this.stopped = true;
    this.finish?.();
  }

  stats(): CaptureStats {
    return { packets: this.packets, bytes: this.bytes, kernelDrops: 0, ifDrops: 0, errors: this.errors };
  }
}
