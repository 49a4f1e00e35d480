// The flow stage: turns decoded packets into bidirectional flows, tracks TCP state,
// reassembles TCP streams for the application-layer parsers, and hands them UDP payloads.
//
// Per packet: build the symmetric key, find or create the flow, count it in the direction
// it travels, advance the TCP state machine, and — when the flow carries an application
// protocol — feed the bytes to its parser. Everything that ends (flows, transactions) and
// everything odd (stream and app-layer anomalies) goes to one FlowListener.

import { APP_FAILED, APP_NAMES, APP_UNKNOWN, type AppRegistry, appId, defaultAppRegistry } from '../app/registry.js';
import {
  type AppLimits,
  type AppParser,
  type AppParserState,
  type AppProtoName,
  type AppSink,
  type AppTx,
  DEFAULT_APP_LIMITS,
  type Direction,
  PROBE_NEED_MORE,
  PROBE_YES,
  TO_CLIENT,
  TO_SERVER,
} from '../app/types.js';
import type { Packet } from '../core/packet.js';
import { DEFAULT_FLOW_KEY_CONFIG, FlowKeyBuilder, type FlowKeyConfig, hashKey, vlanWord } from './flow-key.js';
import {
  DEFAULT_FLOW_TABLE_CONFIG,
  FlowTable,
  type FlowTableConfig,
  PC_TCP,
  PC_UDP,
  protoClass,
  R_BYTES_TC,
  R_BYTES_TS,
  R_FLAGS_TC,
  R_FLAGS_TS,
  R_INIT_A,
  R_PKTS_TC,
  R_PKTS_TS,
  R_TCP,
  R_VLAN,
  RB,
  RD,
  RW,
  REASON_TCP_REUSE,
  STATE_CLOSED,
  STATE_ESTABLISHED,
} from './flow-table.js';
import { DEFAULT_REASSEMBLY_LIMITS, type ReassemblyLimits, StreamReassembler, type StreamSink } from './reassembly.js';
import * as T from './tcp-state.js';

export interface FlowEngineConfig {
  table: FlowTableConfig;
  key: FlowKeyConfig;
  reassembly: ReassemblyLimits;
  /** Parse application protocols (HTTP, TLS, DNS, SSH, DHCP). */
  appLayer: boolean;
  /** Restrict parsing to these protocols (undefined = all). */
  appProtocols?: ReadonlySet<string>;
  appLimits: AppLimits;
  /**
   * Keep HTTP body bytes (up to appLimits.maxBodyInspect) for inspection. Off unless a
   * consumer needs them: copying every body costs more than parsing the headers.
   */
  inspectBodies: boolean;
  /**
   * HTTP bodies are valid only during their transaction's progress reports (FlowListener
   * .transaction), and their memory is reused once it is complete (see HttpParserOptions
   * .reuseBodies). The pipeline, which reads bodies only then, turns it on.
   */
  reuseBodies: boolean;
  /** Pick up TCP sessions whose handshake was not seen (a mirror attached mid-session). */
  midstream: boolean;
  /**
   * Reassemble every TCP flow and report its in-order bytes (FlowListener.streamData), even
   * when no app-layer parser takes the flow: the detect stage inspects the streams.
   */
  streamAll: boolean;
}

export const DEFAULT_FLOW_ENGINE_CONFIG: FlowEngineConfig = {
  table: DEFAULT_FLOW_TABLE_CONFIG,
  key: DEFAULT_FLOW_KEY_CONFIG,
  reassembly: DEFAULT_REASSEMBLY_LIMITS,
  appLayer: true,
  appLimits: DEFAULT_APP_LIMITS,
  inspectBodies: false,
  reuseBodies: false,
  midstream: true,
  streamAll: false,
};

/** What the flow stage reports downstream. */
export interface FlowListener {
  /** A flow ended (timeout, teardown timeout, memcap, shutdown); its slot is still readable. */
  flowEnd(engine: FlowEngine, idx: number, reason: number): void;
  /** A transaction reached a new progress point. */
  transaction(engine: FlowEngine, idx: number, tx: AppTx, dir: Direction): void;
  /** A stream (`stream.*`) or app-layer anomaly on a flow. */
  flowAnomaly(engine: FlowEngine, idx: number, type: 'stream' | 'applayer', event: string, appProto: string): void;
  /** In-order TCP bytes of one direction, as the reassembler delivers them (only with streamAll). */
  streamData?(engine: FlowEngine, idx: number, dir: Direction, buf: Buffer, off: number, end: number): void;
}

/** A flow's endpoints as key words (1 for IPv4, 4 for IPv6), client first. */
export interface FlowEndpoints {
  client: number[];
  server: number[];
  clientPort: number;
  serverPort: number;
}

/** Slots of the table that spots flows split by VLAN (direct-mapped, recent flows only). */
const SPLIT_SLOTS = 1 << 16;

/** Bytes kept from the start of a direction while probing needs more. */
const PROBE_BUFFER_MAX = 1024;

/**
 * Per-flow state beyond the table's arrays: streams and the app-layer parser. Per-direction
 * state is in pairs of fields, not two-element arrays: every flow lives until it ends, so
 * each small array would be one more object for the young-generation GC to copy.
 */
export class FlowExt {
  /** Stream reassembler to the server and to the client; created at the first payload. */
  streamTs: StreamReassembler | null = null;
  streamTc: StreamReassembler | null = null;
  parser: AppParser | null = null;
  app: AppParserState | null = null;
  /** The port-based first guess, tried first when probing. */
  guess: AppParser | undefined;
  /** Per direction: bytes held while probing says NEED_MORE. */
  probeBufTs: Buffer | null = null;
  probeBufTc: Buffer | null = null;
  /** Bit `1 << dir`: probing that direction gave NO for every parser. */
  probeFailedBits = 0;
  /** Transactions seen on the flow (EVE tx_cnt). */
  txCount = 0;
  /** Transactions reported but not yet written out, owned by the output stage (made on first use). */
  pendingTxs: AppTx[] | null = null;
  /** Slot index, and the flow's sequence number, to recognise a recycled slot. */
  constructor(
    public idx: number,
    public seq: number,
  ) {}

  stream(dir: Direction): StreamReassembler | null {
    return dir === TO_SERVER ? this.streamTs : this.streamTc;
  }

  setStream(dir: Direction, r: StreamReassembler | null): void {
    if (dir === TO_SERVER) this.streamTs = r;
    else this.streamTc = r;
  }

  probeBuf(dir: Direction): Buffer | null {
    return dir === TO_SERVER ? this.probeBufTs : this.probeBufTc;
  }

  setProbeBuf(dir: Direction, b: Buffer | null): void {
    if (dir === TO_SERVER) this.probeBufTs = b;
    else this.probeBufTc = b;
  }

  probeFailed(dir: Direction): boolean {
    return (this.probeFailedBits & (1 << dir)) !== 0;
  }
}

export class FlowEngine implements AppSink, StreamSink {
  readonly table: FlowTable;
  private readonly kb: FlowKeyBuilder;
  private readonly apps: AppRegistry;
  readonly ext: (FlowExt | undefined)[];
  /** Per flow: ISN + 1 of each direction once a SYN was seen (index idx * 2 + dir), and flags. */
  private readonly isn: Uint32Array;
  private readonly synSeen: Uint8Array;
  /** Per flow: ICMP type << 8 | code of the first packet (Community ID needs it). */
  readonly icmpTypeCode: Int32Array;
  private lastExpire = 0;
  /** True while a flow that ended (timeout, eviction, shutdown) is being flushed: no packet of its own is at hand. */
  ending = false;
  /** Direction of the last packet processed: true when it travelled client -> server. */
  lastToServer = true;
  private now = 0;
  private nowSec = 0;
  private nowNsec = 0;
  // Stream sink context: which flow and direction the reassembler is delivering for.
  private curExt: FlowExt | null = null;
  private curDir: Direction = TO_SERVER;

  // Counters for stats and summaries.
  tcpFlows = 0;
  udpFlows = 0;
  icmpFlows = 0;
  tcpReuse = 0;
  midstreamPickups = 0;
  /** Mid-stream flows turned around because their first bytes were the server's. */
  reversedFlows = 0;
  /** Flows per app protocol: index appId * 2 + (udp ? 1 : 0). */
  readonly appFlows = new Float64Array(16);
  readonly appTxs = new Float64Array(16);
  /** Flows where probing found no parser: [tcp, udp]. */
  readonly appFailed = new Float64Array(2);
  appErrors = 0;
  streamGaps = 0;
  /**
   * New flows whose tuple, VLAN aside, matches a recent flow on another VLAN: with VLAN ids
   * in the key the two directions of a routed conversation become two flows.
   */
  vlanSplitFlows = 0;
  private readonly splitHash = new Uint32Array(SPLIT_SLOTS);
  private readonly splitVlan = new Uint32Array(SPLIT_SLOTS);

  constructor(
    readonly config: FlowEngineConfig,
    private readonly listener: FlowListener,
  ) {
    this.kb = new FlowKeyBuilder(config.key);
    this.table = new FlowTable(config.table, (idx, reason) => this.onFlowEnd(idx, reason));
    const cap = this.table.capacity;
    this.ext = new Array<FlowExt | undefined>(cap);
    this.isn = new Uint32Array(cap * 2);
    this.synSeen = new Uint8Array(cap * 2);
    this.icmpTypeCode = new Int32Array(cap);
    this.apps = defaultAppRegistry(
      config.appProtocols,
      { ...config.appLimits, maxBodyInspect: config.inspectBodies ? config.appLimits.maxBodyInspect : 0 },
      config.reuseBodies,
    );
  }

  /** Packet time of the packet being processed (seconds, float). */
  get packetTime(): number {
    return this.now;
  }

  /**
   * Process one decoded packet. Returns the flow slot, or -1 when the packet has no flow
   * (no IP layer, or a fragment: the reassembled datagram is processed instead).
   */
  process(p: Packet): number {
    const ts = p.tsSec + p.tsNsec * 1e-9;
    this.now = ts;
    this.nowSec = p.tsSec;
    this.nowNsec = p.tsNsec;
    if (ts - this.lastExpire >= 1 || ts < this.lastExpire) {
      this.lastExpire = ts;
      this.table.expire(ts);
    }
    if (p.isFragment) return -1;
    const kb = this.kb;
    if (!kb.build(p)) return -1;
    const t = this.table;
    let idx = t.find(kb);
    const isTcp = p.ipProto === 6 && p.l4Off >= 0;
    const flags = isTcp ? p.tcpFlags : 0;
    if (idx >= 0 && isTcp && (flags & 0x12) === 0x02 && T.isClosed(t.tcpState(idx))) {
      // A new SYN on a finished connection with the same tuple: a new session.
      t.end(idx, REASON_TCP_REUSE);
      this.tcpReuse++;
      idx = -1;
    }
    const senderIsA = !kb.reversed;
    if (idx < 0) {
      idx = this.newFlow(p, ts, senderIsA, flags, isTcp);
    } else {
      t.touch(idx, ts);
    }
    const f64 = t.f64;
    const u32 = t.u32;
    const d = idx * RD;
    const w = idx * RW;
    const toServer = (t.u8[idx * RB + R_INIT_A] === 1) === senderIsA;
    this.lastToServer = toServer;
    const bytes = p.len;
    if (toServer) {
      u32[w + R_PKTS_TS]++;
      f64[d + R_BYTES_TS] += bytes;
    } else {
      u32[w + R_PKTS_TC]++;
      f64[d + R_BYTES_TC] += bytes;
    }

    if (isTcp) this.tcp(p, idx, toServer, flags);
    else if (t.state(idx) !== STATE_ESTABLISHED && u32[w + R_PKTS_TS]! > 0 && u32[w + R_PKTS_TC]! > 0) {
      t.setState(idx, STATE_ESTABLISHED);
    }

    if (this.config.appLayer && p.payloadLen > 0 && (t.appProto(idx) !== APP_FAILED || (isTcp && this.config.streamAll))) {
      const dir: Direction = toServer ? TO_SERVER : TO_CLIENT;
      if (isTcp) this.tcpPayload(p, idx, dir);
      else if (p.ipProto === 17) this.deliver(this.extOf(idx), dir, p.data, p.payloadOff, p.payloadOff + p.payloadLen);
    }
    if (isTcp && (flags & 0x01) !== 0) this.directionClosed(idx, toServer ? TO_SERVER : TO_CLIENT);
    return idx;
  }

  /** A FIN in one direction: once every byte before it is delivered, tell the parser. */
  private directionClosed(idx: number, dir: Direction): void {
    const ext = this.ext[idx];
    if (ext === undefined || ext.app === null || ext.seq !== this.table.seq(idx)) return;
    const r = ext.stream(dir);
    if (r !== null && r.bufferedSegments > 0) return;
    ext.app.closeDirection?.(dir);
  }

  private newFlow(p: Packet, ts: number, senderIsA: boolean, flags: number, isTcp: boolean): number {
    const t = this.table;
    const pc = protoClass(p.ipProto);
    const idx = t.create(this.kb, ts, pc);
    // The initiator is the SYN sender; a SYN/ACK seen first was sent by the responder;
    // otherwise the first packet's sender.
    const synAck = isTcp && (flags & 0x12) === 0x12;
    t.u8[idx * RB + R_INIT_A] = senderIsA !== synAck ? 1 : 0;
    t.u32[idx * RW + R_VLAN] = vlanWord(p);
    this.icmpTypeCode[idx] = p.icmpType >= 0 ? (p.icmpType << 8) | p.icmpCode : -1;
    if (p.vlanCount > 0 && this.config.key.vlanInKey) this.noteVlan(vlanWord(p));
    this.synSeen[idx * 2] = 0;
    this.synSeen[idx * 2 + 1] = 0;
    this.ext[idx] = undefined;
    if (pc === PC_TCP) this.tcpFlows++;
    else if (pc === PC_UDP) this.udpFlows++;
    else if (p.ipProto === 1 || p.ipProto === 58) this.icmpFlows++;
    return idx;
  }

  /** Count a new flow whose tuple was seen on another VLAN recently (see vlanSplitFlows). */
  private noteVlan(vlan: number): void {
    const k = this.kb.key;
    const saved = k[10]!;
    k[10] = 0;
    const h = hashKey(k);
    k[10] = saved;
    const slot = h & (SPLIT_SLOTS - 1);
    if (this.splitHash[slot] === h && this.splitVlan[slot] !== vlan) this.vlanSplitFlows++;
    this.splitHash[slot] = h;
    this.splitVlan[slot] = vlan;
  }

  // --- TCP ---

  private tcp(p: Packet, idx: number, toServer: boolean, flags: number): void {
    const t = this.table;
    const b = idx * RB;
    t.u8[b + (toServer ? R_FLAGS_TS : R_FLAGS_TC)] |= flags;
    const dirIdx = idx * 2 + (toServer ? 0 : 1);
    if (flags & 0x02) {
      this.isn[dirIdx] = (p.tcpSeq + 1) >>> 0;
      this.synSeen[dirIdx] = 1;
    }
    const before = t.u8[b + R_TCP]!;
    const after = T.nextState(before, flags, toServer, this.config.midstream);
    if (after !== before) {
      t.u8[b + R_TCP] = after;
      if (before === T.TCP_NONE && after === T.TCP_ESTABLISHED) this.midstreamPickups++;
      if (after === T.TCP_ESTABLISHED) t.setState(idx, STATE_ESTABLISHED);
      else if (T.isClosed(after)) {
        t.setState(idx, STATE_CLOSED);
        this.flushStreams(idx);
      }
    }
  }

  private tcpPayload(p: Packet, idx: number, dir: Direction): void {
    const ext = this.extOf(idx);
    let r = ext.stream(dir);
    // Data on a SYN (TCP Fast Open) starts after the SYN's sequence number.
    // As an int32 (same value mod 2^32): a uint32 above 2^31 would be boxed as an argument.
    const seq = (p.tcpFlags & 0x02 ? p.tcpSeq + 1 : p.tcpSeq) | 0;
    if (r === null) {
      r = new StreamReassembler(this.config.reassembly);
      const dirIdx = idx * 2 + dir;
      r.init(this.synSeen[dirIdx] ? this.isn[dirIdx]! : seq);
      ext.setStream(dir, r);
    }
    this.curExt = ext;
    this.curDir = dir;
    r.insert(seq, p.data, p.payloadOff, p.payloadLen, this);
  }

  /** Deliver what the reassemblers hold (teardown or flow end), reporting gaps. */
  private flushStreams(idx: number): void {
    const ext = this.ext[idx];
    if (ext === undefined) return;
    this.flushStream(ext, TO_SERVER);
    this.flushStream(ext, TO_CLIENT);
  }

  private flushStream(ext: FlowExt, dir: Direction): void {
    const r = ext.stream(dir);
    if (r === null) return;
    this.curExt = ext;
    this.curDir = dir;
    r.flush(this);
  }

  // StreamSink: in-order bytes from a reassembler.
  data(buf: Buffer, off: number, end: number): void {
    const ext = this.curExt;
    if (ext === null) return;
    // Raw content is not matched once a direction is encrypted (TLS, SSH), as Suricata's default.
    if (this.config.streamAll && ext.app?.encrypted?.(this.curDir) !== true) {
      this.listener.streamData?.(this, ext.idx, this.curDir, buf, off, end);
    }
    this.deliver(ext, this.curDir, buf, off, end);
  }

  gap(len: number): void {
    this.streamGaps++;
    const ext = this.curExt;
    if (ext?.app != null) ext.app.gap(this.curDir, len);
  }

  event(name: string): void {
    const ext = this.curExt;
    if (ext !== null) this.listener.flowAnomaly(this, ext.idx, 'stream', name, this.appName(ext.idx));
  }

  // --- application layer ---

  private extOf(idx: number): FlowExt {
    let ext = this.ext[idx];
    if (ext === undefined || ext.seq !== this.table.seq(idx)) {
      const t = this.table;
      ext = new FlowExt(idx, t.seq(idx));
      const parsers = t.ipProto(idx) === 6 ? this.apps.tcp : this.apps.udp;
      ext.guess = parsers.forPorts(this.serverPort(idx), this.clientPort(idx));
      this.ext[idx] = ext;
      t.addExtBytes(idx, 256);
    }
    return ext;
  }

  private deliver(ext: FlowExt, dirIn: Direction, buf: Buffer, off: number, end: number): void {
    let dir = dirIn;
    if (ext.app !== null) {
      ext.app.parse(dir, buf, off, end, this.nowSec, this.nowNsec);
      return;
    }
    if (this.table.appProto(ext.idx) === APP_FAILED || ext.probeFailed(dir)) return;
    // Probe with what this direction has so far (earlier bytes held while NEED_MORE).
    let pbuf = buf;
    let poff = off;
    let pend = end;
    const held = ext.probeBuf(dir);
    if (held !== null) {
      pbuf = Buffer.concat([held, buf.subarray(off, end)]);
      poff = 0;
      pend = pbuf.length;
    }
    let parser = this.probe(ext, dir, pbuf, poff, pend);
    if (parser === undefined && dir === TO_SERVER && this.pickedUpMidstream(ext.idx)) {
      // A session picked up mid-stream whose first bytes are a server's (an HTTP response):
      // the first sender was the server. Turn the flow around, as Suricata does.
      const reply = this.probe(ext, TO_CLIENT, pbuf, poff, pend);
      if (reply !== null && reply !== undefined) {
        this.reverse(ext);
        dir = TO_CLIENT;
        parser = reply;
      }
    }
    if (parser === null) {
      // Undecided: keep the bytes (bounded) for the next try.
      if (pend - poff <= PROBE_BUFFER_MAX) ext.setProbeBuf(dir, Buffer.from(pbuf.subarray(poff, pend)));
      else this.probeGaveUp(ext, dir);
      return;
    }
    if (parser === undefined) {
      this.probeGaveUp(ext, dir);
      return;
    }
    ext.setProbeBuf(dir, null);
    ext.parser = parser;
    ext.app = parser.create(this, ext);
    const id = appId(parser.name);
    this.table.setAppProto(ext.idx, id);
    this.appFlows[id * 2 + (parser.transport === 'udp' ? 1 : 0)]++;
    ext.app.parse(dir, pbuf, poff, pend, this.nowSec, this.nowNsec);
  }

  /** A TCP flow whose handshake was not seen and whose other direction sent nothing yet. */
  private pickedUpMidstream(idx: number): boolean {
    const t = this.table;
    return (
      t.ipProto(idx) === 6 &&
      this.synSeen[idx * 2] === 0 &&
      this.synSeen[idx * 2 + 1] === 0 &&
      t.u32[idx * RW + R_PKTS_TC] === 0
    );
  }

  /** Swap the flow's sides: the responder becomes the initiator, counters and streams follow. */
  private reverse(ext: FlowExt): void {
    const t = this.table;
    const idx = ext.idx;
    const b = idx * RB;
    const d = idx * RD;
    t.u8[b + R_INIT_A] = t.u8[b + R_INIT_A] === 1 ? 0 : 1;
    const w = idx * RW;
    const pkts = t.u32[w + R_PKTS_TS]!;
    t.u32[w + R_PKTS_TS] = t.u32[w + R_PKTS_TC]!;
    t.u32[w + R_PKTS_TC] = pkts;
    const bytes = t.f64[d + R_BYTES_TS]!;
    t.f64[d + R_BYTES_TS] = t.f64[d + R_BYTES_TC]!;
    t.f64[d + R_BYTES_TC] = bytes;
    const f = t.u8[b + R_FLAGS_TS]!;
    t.u8[b + R_FLAGS_TS] = t.u8[b + R_FLAGS_TC]!;
    t.u8[b + R_FLAGS_TC] = f;
    const s0 = ext.streamTs;
    ext.streamTs = ext.streamTc;
    ext.streamTc = s0;
    const p0 = ext.probeBufTs;
    ext.probeBufTs = ext.probeBufTc;
    ext.probeBufTc = p0;
    const fb = ext.probeFailedBits;
    ext.probeFailedBits = ((fb & 1) << 1) | ((fb >> 1) & 1);
    if (this.curExt === ext) this.curDir = this.curDir === TO_SERVER ? TO_CLIENT : TO_SERVER;
    this.lastToServer = !this.lastToServer;
    this.reversedFlows++;
  }

  /** The parser that recognises these bytes; null when more bytes are needed; undefined when none. */
  private probe(ext: FlowExt, dir: Direction, buf: Buffer, off: number, end: number): AppParser | null | undefined {
    const parsers = (this.table.ipProto(ext.idx) === 6 ? this.apps.tcp : this.apps.udp).parsers;
    let needMore = false;
    const guess = ext.guess;
    if (guess !== undefined) {
      const r = guess.probe(buf, off, end, dir);
      if (r === PROBE_YES) return guess;
      if (r === PROBE_NEED_MORE) needMore = true;
    }
    for (const parser of parsers) {
      if (parser === guess) continue;
      const r = parser.probe(buf, off, end, dir);
      if (r === PROBE_YES) return parser;
      if (r === PROBE_NEED_MORE) needMore = true;
    }
    return needMore ? null : undefined;
  }

  private probeGaveUp(ext: FlowExt, dir: Direction): void {
    ext.setProbeBuf(dir, null);
    ext.probeFailedBits |= 1 << dir;
    const otherFailed = ext.probeFailed(dir === TO_SERVER ? TO_CLIENT : TO_SERVER);
    // Both directions spoke and neither matched, or the client spoke and nothing matched:
    // no parser will take this flow (Suricata's app_proto "failed").
    if (otherFailed || dir === TO_SERVER) {
      this.table.setAppProto(ext.idx, APP_FAILED);
      this.appFailed[this.table.ipProto(ext.idx) === 6 ? 0 : 1]++;
      // The streams are no longer needed for parsing (unless the detect stage reads them).
      if (!this.config.streamAll) {
        ext.streamTs = null;
        ext.streamTc = null;
      }
    }
  }

  // AppSink, called by parsers. `flow` is the FlowExt given at create().
  txProgress(flow: unknown, tx: AppTx, dir: Direction): void {
    const ext = flow as FlowExt;
    if (tx.id >= ext.txCount) {
      ext.txCount = tx.id + 1;
      this.appTxs[appId(tx.proto) * 2 + (ext.parser?.transport === 'udp' ? 1 : 0)]++;
    }
    this.listener.transaction(this, ext.idx, tx, dir);
  }

  anomaly(flow: unknown, proto: AppProtoName, event: string): void {
    const ext = flow as FlowExt;
    this.appErrors++;
    this.listener.flowAnomaly(this, ext.idx, 'applayer', event, proto);
  }

  /** The flow's endpoints, client (initiator) first. */
  endpoints(idx: number): FlowEndpoints {
    const t = this.table;
    const v6 = t.keyWord(idx, 9) >>> 8 === 6;
    const words = v6 ? 4 : 1;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < words; i++) {
      a.push(t.keyWord(idx, i));
      b.push(t.keyWord(idx, 4 + i));
    }
    const aIsClient = t.initiatorIsA(idx);
    return {
      client: aIsClient ? a : b,
      server: aIsClient ? b : a,
      clientPort: this.clientPort(idx),
      serverPort: this.serverPort(idx),
    };
  }

  /** The flow's server (responder) port; 0 for protocols without ports. */
  serverPort(idx: number): number {
    const ports = this.table.keyWord(idx, 8);
    return this.table.initiatorIsA(idx) ? ports & 0xffff : ports >>> 16;
  }

  /** The flow's client (initiator) port; 0 for protocols without ports. */
  clientPort(idx: number): number {
    const ports = this.table.keyWord(idx, 8);
    return this.table.initiatorIsA(idx) ? ports >>> 16 : ports & 0xffff;
  }

  /** EVE app_proto name of a flow ('' when unknown). */
  appName(idx: number): string {
    const id = this.table.appProto(idx);
    return id === APP_UNKNOWN ? '' : (APP_NAMES[id] ?? '');
  }

  private onFlowEnd(idx: number, reason: number): void {
    const ext = this.ext[idx];
    if (ext !== undefined && ext.seq === this.table.seq(idx)) {
      this.ending = true;
      this.flushStreams(idx);
      ext.app?.end();
      this.ending = false;
    }
    this.listener.flowEnd(this, idx, reason);
    this.ext[idx] = undefined;
  }

  /** End every flow (end of input). */
  shutdown(reason: number): void {
    this.table.endAll(reason);
  }
}
