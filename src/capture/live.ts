// Live capture from a mirror interface through the `cap` binding (libpcap).
//
// cap copies each frame into one Buffer we give it and emits ('packet', nbytes, truncated).
// LiveSource points the reused Packet at that Buffer, so nothing is allocated per frame
// on our side. What cap 0.2.1 does and does not give, and what we do about it:
//
// - Original length: not exposed (only the copied length and a `truncated` flag that is
//   set when libpcap's caplen exceeds our buffer). We report len = caplen = nbytes; for a
//   truncated frame len is therefore a lower bound, and `truncated` counts such frames.
// - Snap length: libpcap's is fixed at 65535 by cap; ours is the size of the buffer, so a
//   smaller `snaplen` makes cap copy at most that many bytes (flagged as truncated); a
//   larger one changes nothing.
// - Promiscuous mode: cap always enables it, so `promisc: false` is refused, not ignored.
// - Timestamps: the kernel timestamp is not exposed. We anchor a monotonic clock
//   (performance.now(), a plain double) to the wall clock once at open and stamp each
//   frame when cap hands it to us: ordered, never jumping with NTP, but it includes the
//   time the frame waited in the kernel ring (all of it while the event loop is blocked).
// - Drops: pcap_stats() is not exposed, so kernelDrops (ps_drop) stays 0. ifDrops is
//   computed as libpcap does on Linux (ps_ifdrop): rx_missed_errors + rx_fifo_errors from
//   /sys/class/net/IFACE/statistics, counted from open.
// - Native pitfalls: a Cap whose open() failed aborts the process when it is garbage
//   collected (its destructor stops a uv poll handle that was never started), and a closed
//   one leaves its poll handle linked into the event loop (never uv_close()d), so every
//   Cap object is kept reachable for the life of the process. An interface that goes down or
//   is deleted while open aborts the process inside cap (assert in its poll callback);
//   callers must stop() before taking the interface away.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Packet } from '../core/packet.js';
import { describeLinkType, isSupportedLinkType, supportedLinkTypesHint } from './linktypes.js';
import { CaptureError, type CaptureStats, type PacketSource } from './source.js';

export interface LiveOptions {
  /** Interface to capture on (the mirror port). */
  iface: string;
  /** BPF filter expression (pcap-filter syntax); empty or absent captures everything. */
  bpf?: string;
  /** Largest frame copied, in bytes (default 65535). */
  snaplen?: number;
  /** Kernel capture buffer in bytes (default 64 MiB). */
  bufferSize?: number;
  /** Must stay true (the default): cap always opens the interface promiscuous. */
  promisc?: boolean;
}

/** The part of cap's native Cap object that we use. */
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): unknown;
}

interface CapModule {
  Cap: new () => CapHandle;
}

const DEFAULT_SNAPLEN = 65535;
const DEFAULT_BUFFER_SIZE = 64 * 1024 * 1024;
/** Kernel buffer for the trial open that checks the filter (see openCap). */
const PROBE_BUFFER_SIZE = 256 * 1024;

/** Every Cap ever created: see "Native pitfalls" above. */
const pinnedCaps: CapHandle[] = [];

let capModule: CapModule | null = null;

/** Load cap lazily, so importing this file works where the native module is not built. */
function loadCap(iface: string): CapModule {
  if (capModule !== null) return capModule;
  try {
    const require = createRequire(import.meta.url);
    capModule = require('cap') as CapModule;
    return capModule;
  } catch (err) {
    throw new CaptureError(`live capture on ${iface}: the 'cap' module could not be loaded (${errorText(err)})`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** cap's names for the link types it knows (the rest come as "Unknown linktype N"). */
const CAP_LINKTYPE_NAMES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
  IPV4: 228,
  IPV6: 229,
  LOOP: 108,
  IEEE802_11_RADIO: 127,
};

/** DLT values that differ from the LINKTYPE value written to files (DLT_RAW on Linux/BSD). */
const DLT_TO_LINKTYPE: Record<number, number> = { 12: 101, 14: 101 };

/**
 * The pcap LINKTYPE number for cap's link-type name, or a CaptureError naming the type
 * when vsids cannot decode it.
 */
export function linkTypeFromCap(name: string, iface: string): number {
  let linkType = CAP_LINKTYPE_NAMES[name];
  const unknown = /^Unknown linktype (\d+)$/.exec(name);
  if (linkType === undefined && unknown !== null) {
    const dlt = Number(unknown[1]);
    linkType = DLT_TO_LINKTYPE[dlt] ?? dlt;
  }
  if (linkType === undefined || !isSupportedLinkType(linkType)) {
    const what = linkType === undefined ? `"${name}"` : describeLinkType(linkType);
    throw new CaptureError(`live capture on ${iface}: link type ${what} is not supported; ${supportedLinkTypesHint()}`);
  }
  return linkType;
}

/** Turn libpcap's error text into the one line the user sees. */
function openErrorMessage(iface: string, err: unknown): string {
  const reason = errorText(err);
  if (/permission|not permitted|EPERM|EACCES/i.test(reason)) {
    return `live capture on ${iface}: ${reason} (capturing needs root or CAP_NET_RAW and CAP_NET_ADMIN)`;
  }
  if (/parse filter|syntax error|filter/i.test(reason)) {
    return `live capture on ${iface}: bad BPF filter: ${reason}`;
  }
  return `live capture on ${iface}: ${reason}`;
}

/**
 * Open a Cap. A filter error is only found after libpcap has activated the handle, and
 * a failed Cap can be neither closed nor freed, so a filter is first tried with a small
 * kernel buffer: a bad one then pins a small ring instead of the full one.
 */
function openCap(
  mod: CapModule,
  iface: string,
  filter: string,
  bufferSize: number,
  buffer: Buffer,
): { cap: CapHandle; linkTypeName: string } {
  if (filter !== '') {
    const probe = new mod.Cap();
    pinnedCaps.push(probe);
    try {
      probe.open(iface, filter, PROBE_BUFFER_SIZE, buffer);
    } catch (err) {
      throw new CaptureError(openErrorMessage(iface, err));
    }
    probe.close();
  }
  const cap = new mod.Cap();
  pinnedCaps.push(cap);
  try {
    return { cap, linkTypeName: cap.open(iface, filter, bufferSize, buffer) };
  } catch (err) {
    throw new CaptureError(openErrorMessage(iface, err));
  }
}

/** libpcap's ps_ifdrop source on Linux; 0 where sysfs is absent. */
function interfaceDropCounter(iface: string): number {
  return readSysfsCounter(iface, 'rx_missed_errors') + readSysfsCounter(iface, 'rx_fifo_errors');
}

function readSysfsCounter(iface: string, name: string): number {
  try {
    const n = Number(readFileSync(`/sys/class/net/${iface}/statistics/${name}`, 'utf8').trim());
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/** cap reads sizes as signed 32-bit integers. */
function positiveInt(value: number, what: string, iface: string): number {
  if (!Number.isInteger(value) || value <= 0 || value > 0x7fffffff) {
    throw new CaptureError(`live capture on ${iface}: ${what} must be a positive integer`);
  }
  return value;
}

export class LiveSource implements PacketSource {
  readonly name: string;
  /** pcap LINKTYPE of the interface, known once open. */
  linkType = -1;
  /** Frames longer than the snap length (cut to it; their len is a lower bound). */
  truncated = 0;

  private readonly iface: string;
  private readonly bpf: string;
  private readonly snaplen: number;
  private readonly bufferSize: number;
  /** The one frame buffer cap copies into. */
  private buffer: Buffer | null = null;
  private cap: CapHandle | null = null;
  private closed = false;

  // Set by run(); the packet handler reads them.
  private pkt: Packet | null = null;
  private onPacket: ((p: Packet) => void) | null = null;
  private finish: (() => void) | null = null;

  // Wall time at open and the monotonic reading taken at the same moment.
  private wallSec = 0;
  private wallNsec = 0;
  private mono0 = 0;

  private packets = 0;
  private bytes = 0;
  private ifDrops0 = 0;
  private ifDropsLast = 0;

  constructor(opts: LiveOptions) {
    this.iface = opts.iface;
    this.name = opts.iface;
    this.bpf = opts.bpf ?? '';
    this.snaplen = positiveInt(opts.snaplen ?? DEFAULT_SNAPLEN, 'snaplen', opts.iface);
    this.bufferSize = positiveInt(opts.bufferSize ?? DEFAULT_BUFFER_SIZE, 'bufferSize', opts.iface);
    if (opts.promisc === false) {
      throw new CaptureError(
        `live capture on ${opts.iface}: promisc: false is not supported (the cap binding always opens the interface promiscuous)`,
      );
    }
  }

  /**
   * Open the interface and start capturing (idempotent). Throws CaptureError. Frames that
   * arrive before run() is called are not delivered: call run() in the same tick.
   */
  open(): void {
    if (this.cap !== null) return;
    if (this.closed) throw new CaptureError(`live capture on ${this.iface}: source was stopped`);
    const mod = loadCap(this.iface);
    const buffer = Buffer.alloc(this.snaplen);
    const { cap, linkTypeName } = openCap(mod, this.iface, this.bpf, this.bufferSize, buffer);
    try {
      this.linkType = linkTypeFromCap(linkTypeName, this.iface);
    } catch (err) {
      cap.close();
      throw err;
    }
    this.buffer = buffer;
    this.cap = cap;
    this.ifDrops0 = interfaceDropCounter(this.iface);
    this.anchorClock();
    cap.on('packet', this.handlePacket);
  }

  run(p: Packet, onPacket: (p: Packet) => void): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.onPacket !== null) {
      return Promise.reject(new CaptureError(`live capture on ${this.iface}: already running`));
    }
    try {
      this.open();
    } catch (err) {
      return Promise.reject(err);
    }
    this.pkt = p;
    this.onPacket = onPacket;
    return new Promise<void>((resolve) => {
      this.finish = resolve;
    });
  }

  /** Close the capture; run() resolves. Safe to call from inside onPacket and more than once. */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.cap !== null) {
      this.ifDropsLast = interfaceDropCounter(this.iface);
      this.cap.close();
    }
    this.onPacket = null;
    this.pkt = null;
    const finish = this.finish;
    this.finish = null;
    if (finish !== null) finish();
  }

  stats(): CaptureStats {
    const ifNow = this.closed ? this.ifDropsLast : interfaceDropCounter(this.iface);
    return {
      packets: this.packets,
      bytes: this.bytes,
      kernelDrops: 0,
      ifDrops: this.cap === null ? 0 : Math.max(0, ifNow - this.ifDrops0),
      errors: 0,
    };
  }

  /** Record wall time and the monotonic clock together, once. */
  private anchorClock(): void {
    const wallMs = Date.now();
    this.mono0 = performance.now();
    this.wallSec = Math.floor(wallMs / 1000);
    this.wallNsec = (wallMs - this.wallSec * 1000) * 1e6;
  }

  /** cap's 'packet' listener: created once, runs per frame. */
  private readonly handlePacket = (nbytes: number, truncated: boolean): void => {
    const p = this.pkt;
    const onPacket = this.onPacket;
    if (p === null || onPacket === null) return;
    // The frame fields are set every time: a later stage may have pointed p elsewhere.
    p.data = this.buffer!;
    p.start = 0;
    p.linkType = this.linkType;
    p.ifIndex = 0;
    const ns = this.wallNsec + Math.floor((performance.now() - this.mono0) * 1e6);
    const sec = Math.floor(ns / 1e9);
    p.tsSec = this.wallSec + sec;
    p.tsNsec = ns - sec * 1e9;
    p.caplen = nbytes;
    p.len = nbytes;
    p.frameNo = ++this.packets;
    this.bytes += nbytes;
    if (truncated) this.truncated++;
    onPacket(p);
  };
}
