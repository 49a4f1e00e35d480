// What every capture source provides. Two shapes:
//
// - FrameReader: a synchronous pull reader over one file (or stdin). `next()` advances to
//   the next frame and exposes it through public fields; the frame is a window of `data`
//   (the reader's chunk buffer), so nothing is allocated per frame. Used for files, where
//   several readers are merged in timestamp order.
// - PacketSource: what the pipeline runs. It fills the caller's reused Packet with each
//   frame and calls one handler (created once, not per packet).

import type { Packet } from '../core/packet.js';

export interface FrameReader {
  /** Path as given by the user ('-' for stdin). */
  readonly name: string;
  /** Advance to the next frame. Returns false at the end of the input. */
  next(): boolean;
  /** The frame is data[start, start + caplen). Valid until the next call to next(). */
  data: Buffer;
  start: number;
  caplen: number;
  /** Original length on the wire. */
  len: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  /** Interface index (pcapng IDB number; 0 for classic pcap). */
  ifIndex: number;
  close(): void;
}

export interface CaptureStats {
  packets: number;
  bytes: number;
  /** Packets the kernel dropped for lack of buffer space (live capture), else 0. */
  kernelDrops: number;
  /** Packets the interface/driver dropped (live capture), else 0. */
  ifDrops: number;
  /** Read errors that were skipped (corrupt blocks in a file that could be resynchronised). */
  errors: number;
}

export interface PacketSource {
  readonly name: string;
  /**
   * Deliver every frame: fill `p` (data, start, caplen, len, tsSec, tsNsec, linkType,
   * ifIndex, frameNo) and call onPacket(p). Resolves when the input ends or stop() is called.
   */
  run(p: Packet, onPacket: (p: Packet) => void): Promise<void>;
  stop(): void;
  stats(): CaptureStats;
}

/** A capture problem the user must fix (bad file, unknown link type, missing interface). */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}
