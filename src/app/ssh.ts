// SSH transport layer, as far as it is visible in clear: RFC 4253
// https://www.rfc-editor.org/rfc/rfc4253
//
// 4.2 Protocol version exchange, one line per side:
//
//   SSH-protoversion-softwareversion SP comments CR LF      (at most 255 bytes with CR LF)
//
// The server MAY send other lines before it (RFC 4253 4.2); the client may not.
//
// 6. Binary packet protocol, until NEWKEYS switches on encryption:
//
//   +----------------------+---------+---------+-------------------------+----------+-----+
//   | packet_length (u32)  | pad_len | msg code| payload ...             | padding  | MAC |
//   +----------------------+---------+---------+-------------------------+----------+-----+
//
// We read packets only to find KEXINIT (msg 20), whose algorithm lists give the HASSH
// fingerprint (salesforce/hassh: MD5 of "kex;encryption;mac;compression" for the
// sender's direction), and NEWKEYS (msg 21), after which the direction is encrypted and
// parsing stops.
//
// One transaction (SshTx) per connection. Anomaly names are Suricata's SSH app-layer
// events (rules/ssh-events.rules and rust/src/ssh/ssh.rs).

import { createHash } from 'node:crypto';
import {
  type AppParser,
  type AppParserState,
  type AppSink,
  type AppTx,
  type Direction,
  PROBE_NEED_MORE,
  PROBE_NO,
  PROBE_YES,
  type ProbeResult,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from './types.js';

/** RFC 4253 4.2: the identification line is at most 255 characters including CR LF. */
const MAX_BANNER_LINE = 255;
/** Lines a server may send before its banner: bounded in total bytes. */
const MAX_PRE_BANNER_BYTES = 8192;
/** Largest packet we accept before calling the record invalid (RFC 4253 6.1 asks for 35000). */
const MAX_PACKET_LEN = 256 * 1024;
/** Largest KEXINIT we buffer for HASSH (Suricata: SSH_MAX_REASSEMBLED_RECORD_LEN). */
const MAX_KEXINIT = 65535;

const SSH_MSG_KEXINIT = 20;
const SSH_MSG_NEWKEYS = 21;

const EVENT_INVALID_BANNER = 'ssh.invalid_banner';
const EVENT_LONG_BANNER = 'ssh.long_banner';
const EVENT_INVALID_RECORD = 'ssh.invalid_record';
const EVENT_LONG_KEX_RECORD = 'ssh.long_kex_record';

/** Every anomaly name this parser can report. */
export const SSH_EVENTS: readonly string[] = [
  EVENT_INVALID_BANNER,
  EVENT_LONG_BANNER,
  EVENT_INVALID_RECORD,
  EVENT_LONG_KEX_RECORD,
];

const SSH_PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"

/** One side's identification and key-exchange fingerprint. Buffers are views of one copy. */
export class SshSide {
  /** The whole identification line without CR LF. */
  banner: Buffer | undefined;
  /** protoversion, e.g. "2.0" (ssh.proto). */
  proto: Buffer | undefined;
  /** softwareversion, e.g. "OpenSSH_8.9p1" (ssh.software). */
  software: Buffer | undefined;
  /** Text after the first space, if any. */
  comments: Buffer | undefined;
  /** HASSH string "kex;enc;mac;comp" and its MD5 (hassh / hasshServer). */
  hasshString: Buffer | undefined;
  hassh: Buffer | undefined;
  /** KEXINIT lists, kept for detection and debugging. */
  kexAlgorithms: Buffer | undefined;
  hostKeyAlgorithms: Buffer | undefined;

  eve(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    if (this.proto !== undefined) o.proto_version = this.proto.toString('latin1');
    if (this.software !== undefined) o.software_version = this.software.toString('latin1');
    if (this.hassh !== undefined && this.hasshString !== undefined) {
      o.hassh = { hash: this.hassh.toString('latin1'), string: this.hasshString.toString('latin1') };
    }
    return o;
  }
}

/** The banner exchange of one SSH connection. */
export class SshTx implements AppTx {
  readonly proto = 'ssh' as const;
  readonly id: number;
  progress = 0;
  readonly client = new SshSide();
  readonly server = new SshSide();

  constructor(id: number) {
    this.id = id;
  }

  side(dir: Direction): SshSide {
    return dir === TO_SERVER ? this.client : this.server;
  }
  /** ssh.proto of one direction. */
  sshProto(dir: Direction): Buffer | undefined {
    return this.side(dir).proto;
  }
  /** ssh.software of one direction. */
  sshSoftware(dir: Direction): Buffer | undefined {
    return this.side(dir).software;
  }

  toEve(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    if (this.client.banner !== undefined) o.client = this.client.eve();
    if (this.server.banner !== undefined) o.server = this.server.eve();
    return o;
  }
}

// Phases of one direction.
const PH_BANNER = 0;
const PH_PACKETS = 1;
const PH_DONE = 2;

class SshDir {
  phase = PH_BANNER;
  /** The current line (banner candidate); bytes past MAX_BANNER_LINE are counted, not kept. */
  readonly line = Buffer.alloc(MAX_BANNER_LINE);
  lineLen = 0;
  /** Bytes of lines before the banner (server only). */
  preBytes = 0;
  /** Long banner already reported; waiting for its end of line. */
  longBanner = false;
  // packet framing
  readonly hdr = Buffer.alloc(6);
  hdrLen = 0;
  remain = 0;
  kex: Buffer | null = null;
  kexFill = 0;
  kexPad = 0;
  /** Last byte of the current line (to drop a CR before LF). */
  last = 0;
}

class SshState implements AppParserState {
  private readonly sink: AppSink;
  private readonly flow: unknown;
  private readonly dirs: [SshDir, SshDir] = [new SshDir(), new SshDir()];
  tx: SshTx | undefined;

  constructor(sink: AppSink, flow: unknown) {
    this.sink = sink;
    this.flow = flow;
  }

  private ensureTx(): SshTx {
    if (this.tx === undefined) this.tx = new SshTx(0);
    return this.tx;
  }

  private progress(flags: number, dir: Direction): void {
    const tx = this.tx;
    if (tx === undefined || (tx.progress & flags) === flags) return;
    tx.progress |= flags;
    this.sink.txProgress(this.flow, tx, dir);
  }

  private stop(d: SshDir, event: string | undefined): void {
    if (event !== undefined) this.sink.anomaly(this.flow, 'ssh', event);
    d.phase = PH_DONE;
    d.kex = null;
  }

  parse(dir: Direction, buf: Buffer, off: number, end: number): void {
    const d = this.dirs[dir];
    while (off < end) {
      if (d.phase === PH_BANNER) off = this.bannerData(dir, d, buf, off, end);
      else if (d.phase === PH_PACKETS) off = this.packetData(dir, d, buf, off, end);
      else return;
    }
  }

  gap(dir: Direction, len: number): void {
    const d = this.dirs[dir];
    if (len <= 0 || d.phase === PH_DONE) return;
    if (d.phase === PH_PACKETS && d.hdrLen === 0 && d.remain > 0 && len <= d.remain) {
      // Inside a packet the framing survives; a KEXINIT with a hole is dropped.
      d.remain -= len;
      d.kex = null;
      return;
    }
    this.stop(d, undefined);
  }

  end(): void {
    for (const d of this.dirs) d.kex = null;
    if (this.tx !== undefined) this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
  }

  // --- identification line ---

  private bannerData(dir: Direction, d: SshDir, buf: Buffer, off: number, end: number): number {
    while (off < end) {
      const c = buf[off++]!;
      if (c === 0x0a) {
        this.lineDone(dir, d, false);
        return off;
      }
      if (d.lineLen < MAX_BANNER_LINE) d.line[d.lineLen] = c;
      d.lineLen++;
      d.last = c;
      // The client's first line must be its banner: catch anything else at once.
      if (dir === TO_SERVER && d.lineLen <= 4 && c !== SSH_PREFIX[d.lineLen - 1]) {
        this.stop(d, EVENT_INVALID_BANNER);
        return end;
      }
      // 255 bytes or more without LF: longer than RFC 4253 allows, whatever comes next.
      if (d.lineLen >= MAX_BANNER_LINE && !d.longBanner && startsWithSsh(d)) {
        d.longBanner = true;
        this.sink.anomaly(this.flow, 'ssh', EVENT_LONG_BANNER);
      }
      if (d.preBytes + d.lineLen > MAX_PRE_BANNER_BYTES) {
        // No end of line in sight: keep what a banner we have, and give up on the framing.
        if (startsWithSsh(d)) {
          this.lineDone(dir, d, true);
          this.stop(d, undefined);
        } else {
          this.stop(d, EVENT_INVALID_BANNER);
        }
        return end;
      }
    }
    return off;
  }

  private lineDone(dir: Direction, d: SshDir, cut: boolean): void {
    const len = d.lineLen;
    d.lineLen = 0;
    const contentLen = len - (!cut && d.last === 0x0d ? 1 : 0);
    if (!startsWithSsh(d, len)) {
      // RFC 4253 4.2: only the server may send other lines before its banner.
      if (dir === TO_SERVER) {
        this.stop(d, EVENT_INVALID_BANNER);
        return;
      }
      d.preBytes += len + 1;
      if (d.preBytes > MAX_PRE_BANNER_BYTES) this.stop(d, EVENT_INVALID_BANNER);
      return;
    }
    // 255 bytes including CR LF: more than 253 before them is too long.
    if (contentLen > MAX_BANNER_LINE - 2 && !d.longBanner) this.sink.anomaly(this.flow, 'ssh', EVENT_LONG_BANNER);
    d.longBanner = false;
    const n = Math.min(contentLen, MAX_BANNER_LINE);
    // "SSH-" protoversion "-" softwareversion [SP comments]
    let dash = -1;
    for (let i = 4; i < n; i++) {
      if (d.line[i] === 0x2d) {
        dash = i;
        break;
      }
    }
    if (dash <= 4) {
      this.stop(d, EVENT_INVALID_BANNER);
      return;
    }
    const copy = Buffer.from(d.line.subarray(0, n)); // the one copy the transaction owns
    let sp = n;
    for (let i = dash + 1; i < n; i++) {
      if (copy[i] === 0x20) {
        sp = i;
        break;
      }
    }
    const tx = this.ensureTx();
    const side = tx.side(dir);
    side.banner = copy;
    side.proto = copy.subarray(4, dash);
    side.software = copy.subarray(dash + 1, sp);
    side.comments = sp < n ? copy.subarray(sp + 1, n) : undefined;
    d.phase = PH_PACKETS;
    this.progress(dir === TO_SERVER ? TX_REQUEST_HEADERS : TX_RESPONSE_HEADERS, dir);
    if (tx.client.banner !== undefined && tx.server.banner !== undefined) {
      this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, dir);
    }
  }

  // --- binary packets ---

  private packetData(dir: Direction, d: SshDir, buf: Buffer, off: number, end: number): number {
    const tx = this.tx;
    // SSH 1.x (protoversion "1.x" other than "1.99") frames packets differently: stop.
    if (tx === undefined || isSsh1(tx.client.proto) || isSsh1(tx.server.proto)) {
      this.stop(d, undefined);
      return end;
    }
    if (d.remain > 0) {
      let n = end - off;
      if (n > d.remain) n = d.remain;
      if (d.kex !== null) {
        buf.copy(d.kex, d.kexFill, off, off + n);
        d.kexFill += n;
      }
      d.remain -= n;
      off += n;
      if (d.remain === 0) this.packetDone(dir, d);
      return off;
    }
    while (d.hdrLen < 6 && off < end) d.hdr[d.hdrLen++] = buf[off++]!;
    if (d.hdrLen < 6) return off;
    d.hdrLen = 0;
    const pktLen = d.hdr.readUInt32BE(0);
    const padLen = d.hdr[4]!;
    const msg = d.hdr[5]!;
    // packet_length covers padding_length, payload and padding: at least the two bytes
    // read with it, and the padding must fit (RFC 4253 6).
    if (pktLen < 2 || pktLen > MAX_PACKET_LEN || padLen + 2 > pktLen) {
      this.stop(d, EVENT_INVALID_RECORD);
      return end;
    }
    if (msg === SSH_MSG_NEWKEYS) {
      // Everything after NEWKEYS is encrypted.
      this.stop(d, undefined);
      return end;
    }
    d.remain = pktLen - 2;
    if (msg === SSH_MSG_KEXINIT && tx.side(dir).hassh === undefined) {
      // Buffer the payload after the message code; the padding is skipped.
      const payloadLen = pktLen - 2 - padLen;
      if (payloadLen > MAX_KEXINIT) {
        this.sink.anomaly(this.flow, 'ssh', EVENT_LONG_KEX_RECORD);
      } else {
        d.kex = Buffer.allocUnsafe(pktLen - 2);
        d.kexFill = 0;
        d.kexPad = padLen;
      }
    }
    if (d.remain === 0) this.packetDone(dir, d);
    return off;
  }

  private packetDone(dir: Direction, d: SshDir): void {
    const kex = d.kex;
    d.kex = null;
    if (kex !== null) this.onKexinit(dir, kex.subarray(0, kex.length - d.kexPad));
  }

  /** RFC 4253 7.1: cookie(16), ten name-lists, first_kex_packet_follows, reserved. */
  private onKexinit(dir: Direction, k: Buffer): void {
    const side = this.tx?.side(dir);
    if (side === undefined) return;
    let p = 16;
    const lists: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      if (p + 4 > k.length || k.readUInt32BE(p) > k.length - p - 4) {
        this.sink.anomaly(this.flow, 'ssh', EVENT_INVALID_RECORD);
        return;
      }
      const len = k.readUInt32BE(p);
      p += 4;
      lists.push(k.subarray(p, p + len));
      p += len;
    }
    // kex, host key, enc c2s, enc s2c, mac c2s, mac s2c, comp c2s, comp s2c, lang c2s, lang s2c.
    // HASSH takes the sender's own direction (hasshServer: the server-to-client lists).
    const c = dir === TO_SERVER;
    const s = Buffer.concat([lists[0]!, SEMI, lists[c ? 2 : 3]!, SEMI, lists[c ? 4 : 5]!, SEMI, lists[c ? 6 : 7]!]);
    side.kexAlgorithms = lists[0];
    side.hostKeyAlgorithms = lists[1];
    side.hasshString = s;
    side.hassh = Buffer.from(createHash('md5').update(s).digest('hex'), 'latin1');
  }
}

/** The line collected so far (`len` bytes) starts with "SSH-". */
function startsWithSsh(d: SshDir, len = d.lineLen): boolean {
  const l = d.line;
  return len >= 4 && l[0] === 0x53 && l[1] === 0x53 && l[2] === 0x48 && l[3] === 0x2d;
}

const SEMI = Buffer.from(';');

/** SSH protocol 1 (not 1.99, which announces 2.0 compatibility). */
function isSsh1(proto: Buffer | undefined): boolean {
  if (proto === undefined || proto.length < 2 || proto[0] !== 0x31 || proto[1] !== 0x2e) return false;
  return !(proto.length === 4 && proto[2] === 0x39 && proto[3] === 0x39);
}

/** "SSH-" at the start of either direction. */
export function probeSsh(buf: Buffer, off: number, end: number): ProbeResult {
  const n = Math.min(end - off, 4);
  for (let i = 0; i < n; i++) if (buf[off + i] !== SSH_PREFIX[i]) return PROBE_NO;
  return n === 4 ? PROBE_YES : PROBE_NEED_MORE;
}

export const sshParser: AppParser = {
  name: 'ssh',
  transport: 'tcp',
  defaultPorts: [22],
  probe: probeSsh,
  create(sink: AppSink, flow: unknown): AppParserState {
    return new SshState(sink, flow);
  },
};
