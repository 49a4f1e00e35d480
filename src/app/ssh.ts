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
import { u32be } from '../core/bytes.js';
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
/** "SSH-" as a big-endian 32-bit word. */
const SSH_WORD = 0x5353482d;

/**
 * One side's identification and key-exchange fingerprint. Buffers are views of one copy (the
 * banner line, the KEXINIT payload), made when first asked for; the HASSH string and hash
 * too.
 */
export class SshSide {
  /** @internal The identification line (owned copy), and where its dash and space are. */
  _line: Buffer | undefined = undefined;
  _dash = 0;
  _sp = 0;
  /** @internal protoversion 1.x other than 1.99. */
  _ssh1 = false;
  /** @internal A KEXINIT payload (after the message code) whose ten name-lists fit. */
  _kex: Buffer | undefined = undefined;
  /** @internal TO_SERVER: the client's KEXINIT (HASSH takes the sender's direction). */
  _client = false;
  private _proto: Buffer | undefined = undefined;
  private _software: Buffer | undefined = undefined;
  private _comments: Buffer | undefined = undefined;
  private _hasshString: Buffer | undefined = undefined;
  private _hassh: Buffer | undefined = undefined;
  private _kexAlgorithms: Buffer | undefined = undefined;
  private _hostKeyAlgorithms: Buffer | undefined = undefined;

  /** The whole identification line without CR LF. */
  get banner(): Buffer | undefined {
    return this._line;
  }
  /** protoversion, e.g. "2.0" (ssh.proto). */
  get proto(): Buffer | undefined {
    if (this._proto === undefined && this._line !== undefined) this._proto = this._line.subarray(4, this._dash);
    return this._proto;
  }
  /** softwareversion, e.g. "OpenSSH_8.9p1" (ssh.software). */
  get software(): Buffer | undefined {
    if (this._software === undefined && this._line !== undefined) {
      this._software = this._line.subarray(this._dash + 1, this._sp);
    }
    return this._software;
  }
  /** Text after the first space, if any. */
  get comments(): Buffer | undefined {
    const l = this._line;
    if (this._comments === undefined && l !== undefined && this._sp < l.length) {
      this._comments = l.subarray(this._sp + 1, l.length);
    }
    return this._comments;
  }

  /** The name-lists of the KEXINIT (views), or null. */
  private lists(): Buffer[] | null {
    const k = this._kex;
    if (k === undefined) return null;
    const lists: Buffer[] = [];
    let p = 16;
    for (let i = 0; i < 10; i++) {
      const len = u32be(k, p);
      p += 4;
      lists.push(k.subarray(p, p + len));
      p += len;
    }
    return lists;
  }

  /** HASSH string "kex;enc;mac;comp" and its MD5 (hassh / hasshServer). */
  get hasshString(): Buffer | undefined {
    if (this._hasshString === undefined) {
      const l = this.lists();
      if (l === null) return undefined;
      // kex, host key, enc c2s, enc s2c, mac c2s, mac s2c, comp c2s, comp s2c, lang c2s, lang s2c.
      // HASSH takes the sender's own direction (hasshServer: the server-to-client lists).
      const c = this._client;
      this._hasshString = Buffer.concat([l[0]!, SEMI, l[c ? 2 : 3]!, SEMI, l[c ? 4 : 5]!, SEMI, l[c ? 6 : 7]!]);
    }
    return this._hasshString;
  }
  get hassh(): Buffer | undefined {
    if (this._hassh === undefined) {
      const s = this.hasshString;
      if (s === undefined) return undefined;
      this._hassh = Buffer.from(createHash('md5').update(s).digest('hex'), 'latin1');
    }
    return this._hassh;
  }
  /** KEXINIT lists, kept for detection and debugging. */
  get kexAlgorithms(): Buffer | undefined {
    if (this._kexAlgorithms === undefined) this._kexAlgorithms = this.lists()?.[0];
    return this._kexAlgorithms;
  }
  get hostKeyAlgorithms(): Buffer | undefined {
    if (this._hostKeyAlgorithms === undefined) this._hostKeyAlgorithms = this.lists()?.[1];
    return this._hostKeyAlgorithms;
  }

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
  inspected = 0;
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
  /**
   * The current line (banner candidate) when it spans parse calls; bytes past
   * MAX_BANNER_LINE are counted, not kept. Allocated on first need: a line that ends in the
   * bytes it started in is read where it is.
   */
  line: Buffer | null = null;
  /** Where the current line starts in the bytes being parsed; -1 when it is held in `line`. */
  lineStart = -1;
  lineLen = 0;
  /** The line's first four bytes, big-endian (for the "SSH-" test). */
  first4 = 0;
  /** Bytes of lines before the banner (server only). */
  preBytes = 0;
  /** Long banner already reported; waiting for its end of line. */
  longBanner = false;
  // packet framing: packet_length, padding_length, message code
  hdrLen = 0;
  pktLen = 0;
  padLen = 0;
  msg = 0;
  remain = 0;
  /** KEXINIT payload being collected (padding left out). */
  kex: Buffer | null = null;
  /** NEWKEYS was sent: the rest of this direction is encrypted. */
  encrypted = false;
  kexFill = 0;
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

  encrypted(dir: Direction): boolean {
    return this.dirs[dir].encrypted;
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
    d.line = null;
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
    for (const d of this.dirs) {
      d.kex = null;
      d.line = null;
    }
    if (this.tx !== undefined) this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
  }

  // --- identification line ---

  private bannerData(dir: Direction, d: SshDir, buf: Buffer, off: number, end: number): number {
    // A line that started in earlier bytes is held in d.line; a new one is read in place.
    if (d.lineLen === 0) d.lineStart = off;
    while (off < end) {
      const c = buf[off++]!;
      if (c === 0x0a) {
        this.lineDone(dir, d, false, buf);
        return off;
      }
      if (d.lineStart < 0 && d.lineLen < MAX_BANNER_LINE) d.line![d.lineLen] = c;
      d.lineLen++;
      d.last = c;
      if (d.lineLen <= 4) {
        d.first4 = (d.first4 << 8) | c;
        // The client's first line must be its banner: catch anything else at once.
        if (dir === TO_SERVER && c !== SSH_PREFIX[d.lineLen - 1]) {
          this.stop(d, EVENT_INVALID_BANNER);
          return end;
        }
      }
      // 255 bytes or more without LF: longer than RFC 4253 allows, whatever comes next.
      if (d.lineLen >= MAX_BANNER_LINE && !d.longBanner && startsWithSsh(d)) {
        d.longBanner = true;
        this.sink.anomaly(this.flow, 'ssh', EVENT_LONG_BANNER);
      }
      if (d.preBytes + d.lineLen > MAX_PRE_BANNER_BYTES) {
        // No end of line in sight: keep what a banner we have, and give up on the framing.
        if (startsWithSsh(d)) {
          this.lineDone(dir, d, true, buf);
          this.stop(d, undefined);
        } else {
          this.stop(d, EVENT_INVALID_BANNER);
        }
        return end;
      }
    }
    // The line goes on in later bytes: keep what of it a banner can use.
    if (d.lineStart >= 0 && d.lineLen > 0) {
      if (d.line === null) d.line = Buffer.allocUnsafe(MAX_BANNER_LINE);
      const n = Math.min(d.lineLen, MAX_BANNER_LINE);
      buf.copy(d.line, 0, d.lineStart, d.lineStart + n);
      d.lineStart = -1;
    }
    return off;
  }

  /** The current line ended (LF, or `cut` short); its bytes are in `buf` at lineStart, or in d.line. */
  private lineDone(dir: Direction, d: SshDir, cut: boolean, buf: Buffer): void {
    const len = d.lineLen;
    const ssh = startsWithSsh(d, len);
    d.lineLen = 0;
    d.first4 = 0;
    const src = d.lineStart >= 0 ? buf : d.line!;
    const s0 = d.lineStart >= 0 ? d.lineStart : 0;
    const contentLen = len - (!cut && d.last === 0x0d ? 1 : 0);
    if (!ssh) {
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
      if (src[s0 + i] === 0x2d) {
        dash = i;
        break;
      }
    }
    if (dash <= 4) {
      this.stop(d, EVENT_INVALID_BANNER);
      return;
    }
    const copy = Buffer.allocUnsafe(n); // the one copy the transaction owns
    src.copy(copy, 0, s0, s0 + n);
    d.line = null;
    let sp = n;
    for (let i = dash + 1; i < n; i++) {
      if (copy[i] === 0x20) {
        sp = i;
        break;
      }
    }
    const tx = this.ensureTx();
    const side = tx.side(dir);
    side._line = copy;
    side._dash = dash;
    side._sp = sp;
    side._ssh1 = isSsh1(copy, dash);
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
    if (tx === undefined || tx.client._ssh1 || tx.server._ssh1) {
      this.stop(d, undefined);
      return end;
    }
    if (d.remain > 0) {
      let n = end - off;
      if (n > d.remain) n = d.remain;
      const kex = d.kex;
      if (kex !== null) {
        // The payload is kept; the padding after it is not.
        const k = Math.min(n, kex.length - d.kexFill);
        if (k > 0) {
          buf.copy(kex, d.kexFill, off, off + k);
          d.kexFill += k;
        }
      }
      d.remain -= n;
      off += n;
      if (d.remain === 0) this.packetDone(dir, d);
      return off;
    }
    if (d.hdrLen === 0 && end - off >= 6) {
      d.pktLen = u32be(buf, off);
      d.padLen = buf[off + 4]!;
      d.msg = buf[off + 5]!;
      off += 6;
    } else {
      while (d.hdrLen < 6 && off < end) {
        const b = buf[off++]!;
        const i = d.hdrLen++;
        if (i === 0) d.pktLen = b;
        else if (i < 4) d.pktLen = d.pktLen * 256 + b;
        else if (i === 4) d.padLen = b;
        else d.msg = b;
      }
      if (d.hdrLen < 6) return off;
      d.hdrLen = 0;
    }
    const pktLen = d.pktLen;
    const padLen = d.padLen;
    const msg = d.msg;
    // packet_length covers padding_length, payload and padding: at least the two bytes
    // read with it, and the padding must fit (RFC 4253 6).
    if (pktLen < 2 || pktLen > MAX_PACKET_LEN || padLen + 2 > pktLen) {
      this.stop(d, EVENT_INVALID_RECORD);
      return end;
    }
    if (msg === SSH_MSG_NEWKEYS) {
      // Everything after NEWKEYS is encrypted.
      d.encrypted = true;
      this.stop(d, undefined);
      return end;
    }
    d.remain = pktLen - 2;
    if (msg === SSH_MSG_KEXINIT && tx.side(dir)._kex === undefined) {
      // Buffer the payload after the message code; the padding is skipped.
      const payloadLen = pktLen - 2 - padLen;
      if (payloadLen > MAX_KEXINIT) {
        this.sink.anomaly(this.flow, 'ssh', EVENT_LONG_KEX_RECORD);
      } else {
        d.kex = Buffer.allocUnsafe(payloadLen);
        d.kexFill = 0;
      }
    }
    if (d.remain === 0) this.packetDone(dir, d);
    return off;
  }

  private packetDone(dir: Direction, d: SshDir): void {
    const kex = d.kex;
    d.kex = null;
    if (kex !== null) this.onKexinit(dir, kex);
  }

  /**
   * RFC 4253 7.1: cookie(16), ten name-lists, first_kex_packet_follows, reserved. The lists
   * are checked now and read (HASSH, algorithms) when asked for.
   */
  private onKexinit(dir: Direction, k: Buffer): void {
    const side = this.tx?.side(dir);
    if (side === undefined) return;
    let p = 16;
    for (let i = 0; i < 10; i++) {
      if (p + 4 > k.length || u32be(k, p) > k.length - p - 4) {
        this.sink.anomaly(this.flow, 'ssh', EVENT_INVALID_RECORD);
        return;
      }
      p += 4 + u32be(k, p);
    }
    side._kex = k;
    side._client = dir === TO_SERVER;
  }
}

/** The line collected so far (`len` bytes) starts with "SSH-". */
function startsWithSsh(d: SshDir, len = d.lineLen): boolean {
  return len >= 4 && d.first4 === SSH_WORD;
}

const SEMI = Buffer.from(';');

/** SSH protocol 1 (not 1.99, which announces 2.0 compatibility): the protoversion line[4, dash). */
function isSsh1(line: Buffer, dash: number): boolean {
  const n = dash - 4;
  if (n < 2 || line[4] !== 0x31 || line[5] !== 0x2e) return false;
  return !(n === 4 && line[6] === 0x39 && line[7] === 0x39);
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
