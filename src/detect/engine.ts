// The signature engine: prefilter + per-rule evaluation, flowbits, thresholds.
//
// Rules are compiled (signature.ts) and grouped as Suricata's signature group heads:
//   * packet groups, per protocol class and packet direction, each with an Aho–Corasick
//     automaton over the fast patterns of its payload rules and a list of rules that cannot be
//     prefiltered (header-only rules, rules with only negated contents);
//   * transaction groups, per app protocol and direction, with one automaton per sticky buffer.
// Only candidates (a fast-pattern hit, or an unprefilterable rule) run their full option list.
//
// Where a rule is inspected:
//   * TCP payload rules on the reassembled stream: every in-order chunk the reassembler
//     delivers is scanned once, and the bytes around the previous chunk's end are scanned again
//     so that a content split across segments is found (as Suricata's stream inspection does);
//   * other payload and header rules on each packet;
//   * app-layer rules once per transaction and direction, when the buffers they read are complete.
// One alert per rule per packet and per transaction direction.

import { APP_FAILED, APP_NAMES, APP_UNKNOWN } from '../app/registry.js';
import {
  type AppTx,
  type Direction,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from '../app/types.js';
import type { Packet } from '../core/packet.js';
import type { FlowEngine } from '../flow/engine.js';
import { STATE_ESTABLISHED } from '../flow/flow-table.js';
import { appBuffer, DIR_TC, DIR_TS, isMultiBuffer, multiBuffer, multiBufferCount } from './app-buffers.js';
import { FlowbitStore } from './flowbits.js';
import { packetTestPasses } from './inspect/packet-tests.js';
import { type CompiledList, PayloadInspector } from './inspect/payload.js';
import { compileRegex, type RegexRunner } from './inspect/regex.js';
import { type Mpm, MpmBuilder } from './mpm/aho-corasick.js';
import type { ClassificationTable } from './rules/classification.js';
import type { AppLayerProtocolTest, BufferName, PcreMatch, Rule } from './rules/types.js';
import { addressGroupHasV4, addressGroupHasV6, portGroupHas } from './rules/vars.js';
import { compileSig, type FastPattern, PC_TCP, PROTO_CLASSES, protoClassOf, type Sig } from './signature.js';
import { StreamTails } from './stream-tails.js';
import { ThresholdTable } from './threshold.js';
import { copyBytes, u32be } from '../core/bytes.js';

export interface DetectConfig {
  /** Bytes of each TCP direction kept to find contents split across segments. */
  streamTail: number;
  /** Content retries per rule inspection (Suricata's inspection-recursion-limit). */
  recursionLimit: number;
  /** Most threshold/detection_filter trackers kept. */
  maxThresholdTrackers: number;
}

export const DEFAULT_DETECT_CONFIG: DetectConfig = {
  streamTail: 256,
  recursionLimit: 3000,
  maxThresholdTrackers: 100_000,
};

/** One alert, as the engine reports it; the output stage turns it into an EVE record. */
export interface AlertEvent {
  readonly sig: Sig;
  /** The packet being processed (null when a flow ends without one, e.g. on timeout). */
  readonly packet: Packet | null;
  readonly flow: number;
  /** The transaction the rule matched on, for app-layer rules. */
  readonly tx: AppTx | null;
  /** Direction of the match within the flow. */
  readonly dir: Direction;
  /** The rule's source is the packet's destination (bidirectional rules matched the other way). */
  readonly swapped: boolean;
}

export interface AlertSink {
  alert(a: AlertEvent): void;
}

/** A set of rules that share a prefilter. */
class RuleSet {
  mpm: Mpm | null = null;
  /** Rules without a prefilter pattern: always candidates. */
  always: Int32Array = new Int32Array(0);
  readonly alwaysList: number[] = [];
  readonly builder = new MpmBuilder();
  patterns = 0;
  maxPattern = 0;

  add(sig: Sig, fp: FastPattern | null = sig.fp): void {
    if (fp === null) this.alwaysList.push(sig.num);
    else {
      for (const pattern of fp.more === undefined ? [fp.pattern] : [fp.pattern, ...fp.more]) {
        this.builder.add(pattern, sig.num, fp.nocase);
        this.patterns++;
        if (pattern.length > this.maxPattern) this.maxPattern = pattern.length;
      }
    }
  }

  build(): void {
    this.always = Int32Array.from(this.alwaysList.sort((a, b) => a - b));
    if (this.patterns > 0) this.mpm = this.builder.build();
  }

  get empty(): boolean {
    return this.patterns === 0 && this.alwaysList.length === 0;
  }
}

/** Transaction rules of one app protocol and direction: one prefilter per buffer. */
class TxGroup {
  readonly byBuffer = new Map<BufferName, RuleSet>();
  /** Per buffer: the progress points (TX_* bits) at which some rule of its set is evaluated. */
  private readonly stagesOf = new Map<BufferName, number>();
  readonly always = new RuleSet();
  /** `stages`: a set is scanned only at a progress point one of its rules is evaluated at. */
  sets: { buffer: BufferName; set: RuleSet; stages: number }[] = [];

  constructor(private readonly dir: Direction) {}

  add(sig: Sig): void {
    if (sig.fp === null) this.always.add(sig);
    else {
      const b = sig.fp.buffer;
      let s = this.byBuffer.get(b);
      if (s === undefined) {
        s = new RuleSet();
        this.byBuffer.set(b, s);
      }
      s.add(sig);
      this.stagesOf.set(b, (this.stagesOf.get(b) ?? 0) | sig.txStage[this.dir]!);
    }
  }

  build(): void {
    this.always.build();
    for (const s of this.byBuffer.values()) s.build();
    this.sets = [...this.byBuffer].map(([buffer, set]) => ({ buffer, set, stages: this.stagesOf.get(buffer)! }));
  }
}

/**
 * TCP stream rules of one direction, grouped by the flow's server port (Suricata's port
 * groups): rules for any port are in every set; a rule for specific ports only in the sets of
 * those ports. A port no rule names uses the any-port set.
 */
class PortSets {
  readonly setOfPort = new Uint16Array(65536);
  /** Bit per port: the port has a set of its own (else the any-port set, sets[0]). */
  private readonly ownSet = new Int32Array(65536 / 32);
  readonly sets: RuleSet[] = [];
  maxPattern = 0;
  private readonly anySigs: Sig[] = [];
  private readonly byPort = new Map<number, Sig[]>();

  private static fpOf(sig: Sig): FastPattern | null {
    return sig.kind === 'tx' ? sig.payloadFp : sig.fp;
  }

  /** `ports`: the rule's port group that holds the server port in this direction. */
  add(sig: Sig, ports: Rule['dstPorts']): void {
    // Wide groups (any, negations, big ranges) are treated as any: the header check decides.
    let width = 0;
    for (let i = 0; i < ports.ranges.length; i += 2) width += ports.ranges[i + 1]! - ports.ranges[i]! + 1;
    if (ports.any || width > 1024) {
      this.anySigs.push(sig);
      return;
    }
    for (let i = 0; i < ports.ranges.length; i += 2) {
      for (let port = ports.ranges[i]!; port <= ports.ranges[i + 1]!; port++) {
        let l = this.byPort.get(port);
        if (l === undefined) {
          l = [];
          this.byPort.set(port, l);
        }
        l.push(sig);
      }
    }
  }

  build(): void {
    const base = new RuleSet();
    for (const sig of this.anySigs) base.add(sig, PortSets.fpOf(sig));
    this.sets.push(base);
    const byKey = new Map<string, number>();
    for (const [port, sigs] of this.byPort) {
      const key = sigs.map((x) => x.num).join(',');
      let idx = byKey.get(key);
      if (idx === undefined) {
        const set = new RuleSet();
        for (const sig of this.anySigs) set.add(sig, PortSets.fpOf(sig));
        for (const sig of sigs) set.add(sig, PortSets.fpOf(sig));
        idx = this.sets.length;
        this.sets.push(set);
        byKey.set(key, idx);
      }
      this.setOfPort[port] = idx;
      this.ownSet[port >> 5]! |= 1 << (port & 31);
    }
    for (const set of this.sets) {
      set.build();
      if (set.maxPattern > this.maxPattern) this.maxPattern = set.maxPattern;
    }
    this.empty = this.sets.every((x) => x.empty);
  }

  /** No rule in any set (set by build()). */
  empty = true;

  /**
   * The set for a port (-1: a packet without ports, the any-port set). A to-client packet's
   * destination is a random ephemeral port: the 8 KiB bitmap of ports with a set of their own
   * stays in cache where a load from the 128 KiB port map missed it on every packet.
   */
  setFor(port: number): RuleSet {
    const sets = this.sets;
    if (sets.length === 1 || port < 0 || (this.ownSet[port >> 5]! & (1 << (port & 31))) === 0) return sets[0]!;
    return sets[this.setOfPort[port]!]!;
  }
}

const STAGES = [TX_REQUEST_HEADERS, TX_REQUEST_DONE, TX_RESPONSE_HEADERS, TX_RESPONSE_DONE] as const;
const DIRECTIONS = [TO_SERVER, TO_CLIENT] as const;

/** Statistics of the engine (EVE stats `detect`, replay summary). */
export interface DetectCounters {
  alerts: number;
  rulesLoaded: number;
  rulesNotPrefiltered: number;
  /** pcre rules running on the backtracking fallback engine. */
  pcreFallback: number;
  inspected: number;
}

export class DetectEngine {
  readonly sigs: Sig[];
  readonly counters: DetectCounters;
  /** Per protocol class and direction: header-only and payload rules, by the packet's destination port. */
  private readonly pktGroups: { header: PortSets; payload: PortSets }[] = [];
  /** TCP payload rules matched on the stream, per direction. */
  private readonly streamGroups: PortSets[] = [];
  /** app id * 2 + direction. */
  private readonly txGroups: (TxGroup | undefined)[] = [];
  private readonly inspector: PayloadInspector;
  private readonly flowbits: FlowbitStore;
  private readonly thresholds: ThresholdTable;
  /** Candidate marks and lists (reused). */
  private readonly seen: Uint8Array;
  private readonly cand: Int32Array;
  /** Per rule: serial of the last packet / tx inspection it alerted in (one alert each). */
  private readonly alertedAt: Float64Array;
  private serial = 1;
  /** Serial of the packet being processed: a rule alerts at most once per packet. */
  private packetSerial = 0;
  /** Stream tails per flow slot * 2 + direction. */
  private readonly tails: StreamTails;
  private window: Buffer = Buffer.allocUnsafe(4096);
  /** Stream bytes the current packet delivered in its own direction, inspected with it. */
  private pendingSrc: Buffer = Buffer.alloc(0);
  private pendingOff = 0;
  private pendingScratch: Buffer = Buffer.allocUnsafe(4096);
  private pendingLen = 0;
  private pendingFlow = -1;
  private pendingDir: Direction = TO_SERVER;
  /** Bytes a stream tail keeps free after its kept bytes: the next chunk's first maxPattern - 1. */
  private readonly tailRoom: number;
  /**
   * Per flow direction (flow * 2 + dir): transaction rules whose payload part matched the
   * stream so far (rules mixing raw content with app-layer buffers; rare, so a Map).
   */
  private readonly payloadSeen = new Map<number, Set<number>>();

  private notePayload(flow: number, dir: Direction, sig: number): void {
    let set = this.payloadSeen.get(flow * 2 + dir);
    if (set === undefined) {
      set = new Set();
      this.payloadSeen.set(flow * 2 + dir, set);
    }
    set.add(sig);
  }

  /** Tells this engine's marks on transactions (AppTx.inspected) from those of an earlier one. */
  private readonly generation = nextGeneration();
  /** The packet being processed (stream chunks arrive while the flow stage handles it). */
  private packet: Packet | null = null;

  constructor(
    rules: readonly Rule[],
    private readonly flows: FlowEngine,
    private readonly sink: AlertSink,
    classifications: ClassificationTable,
    private readonly config: DetectConfig = DEFAULT_DETECT_CONFIG,
  ) {
    const flowbitIds = new Map<string, number>();
    let pcreFallback = 0;
    const makeRegex = (m: PcreMatch): RegexRunner => {
      const r = compileRegex(m);
      if (r.engine === 'js') pcreFallback++;
      return r;
    };
    const categoryOf = (c: string | null): string =>
      c === null ? '' : (classifications.get(c)?.description ?? c);
    const compiled = rules.map((r) => compileSig(r, { flowbitIds, makeRegex, categoryOf }));
    // Evaluation order: pass rules first, flowbit setters before readers, then by priority.
    compiled.sort(
      (a, b) =>
        Number(b.rule.action === 'pass') - Number(a.rule.action === 'pass') ||
        a.flowbitsRank - b.flowbitsRank ||
        a.severity - b.severity ||
        a.rule.sid - b.rule.sid,
    );
    compiled.forEach((s, i) => {
      s.num = i;
    });
    this.sigs = compiled;
    const n = compiled.length;
    this.seen = new Uint8Array(n + 1);
    this.cand = new Int32Array(n + 1);
    this.alertedAt = new Float64Array(n);
    this.inspector = new PayloadInspector(config.recursionLimit);
    this.flowbits = new FlowbitStore(flows.table.capacity, Math.max(1, Math.ceil(flowbitIds.size / 32)));
    this.thresholds = new ThresholdTable(config.maxThresholdTrackers);

    for (let g = 0; g < PROTO_CLASSES * 2; g++) this.pktGroups.push({ header: new PortSets(), payload: new PortSets() });
    this.streamGroups.push(new PortSets(), new PortSets());
    let notPrefiltered = 0;
    for (const sig of compiled) {
      if (sig.kind === 'tx') {
        for (const d of DIRECTIONS) {
          if ((sig.txDirs & (d === TO_SERVER ? DIR_TS : DIR_TC)) === 0) continue;
          const key = sig.appId * 2 + d;
          let g = this.txGroups[key];
          if (g === undefined) {
            g = new TxGroup(d);
            this.txGroups[key] = g;
          }
          g.add(sig);
        }
        if (sig.payload !== null && (sig.protoMask & (1 << PC_TCP)) !== 0) {
          // Its payload part is matched on the stream as it passes (see payloadSeen).
          for (let d = 0; d < 2; d++) {
            if ((sig.txDirs & (d === 0 ? DIR_TS : DIR_TC)) === 0) continue;
            const r = sig.rule;
            this.streamGroups[d]!.add(sig, r.bidirectional ? ANY_PORTS : d === 0 ? r.dstPorts : r.srcPorts);
          }
        }
      } else {
        for (let pc = 0; pc < PROTO_CLASSES; pc++) {
          if ((sig.protoMask & (1 << pc)) === 0) continue;
          for (let d = 0; d < 2; d++) {
            if ((sig.dirMask & (d === 0 ? DIR_TS : DIR_TC)) === 0) continue;
            const g = this.pktGroups[pc * 2 + d]!;
            const r = sig.rule;
            // Packet rules: the rule's destination ports hold the packet's destination port.
            const pktPorts = r.bidirectional ? ANY_PORTS : r.dstPorts;
            if (sig.payload === null) g.header.add(sig, pktPorts);
            else if (pc === PC_TCP && !sig.noStream) {
              const ports = r.bidirectional ? ANY_PORTS : d === 0 ? r.dstPorts : r.srcPorts;
              this.streamGroups[d]!.add(sig, ports);
            } else g.payload.add(sig, pktPorts);
          }
        }
      }
      if (sig.fp === null && (sig.payload !== null || sig.appLists.length > 0)) notPrefiltered++;
    }
    for (const g of this.pktGroups) {
      g.header.build();
      g.payload.build();
    }
    for (const s of this.streamGroups) s.build();
    for (const g of this.txGroups) g?.build();
    const maxStreamPattern = Math.max(this.streamGroups[0]!.maxPattern, this.streamGroups[1]!.maxPattern);
    this.tailRoom = Math.max(1, maxStreamPattern - 1);
    this.tails = new StreamTails(flows.table.capacity, Math.max(0, config.streamTail), this.tailRoom);
    this.counters = {
      alerts: 0,
      rulesLoaded: n,
      rulesNotPrefiltered: notPrefiltered,
      pcreFallback,
      inspected: 0,
    };
  }

  // --- packets ---

  /** The packet the flow stage is about to process (stream chunks will refer to it). */
  setPacket(p: Packet | null): void {
    this.packet = p;
    this.pendingLen = 0;
    this.serial++;
    this.packetSerial = this.serial;
  }

  /**
   * Inspect a packet after the flow stage processed it, in one pass over one candidate list in
   * rule order (flowbits set by one rule are seen by the next): header rules, payload rules on
   * the packet payload, and TCP payload rules on the stream bytes this packet delivered.
   */
  inspectPacket(p: Packet, flow: number, toServer: boolean): void {
    if (flow < 0 || p.srcAddrOff < 0) {
      this.pendingLen = 0;
      return;
    }
    const pc = protoClassOf(p.ipProto);
    const g = this.pktGroups[pc * 2 + (toServer ? 0 : 1)]!;
    const dir: Direction = toServer ? TO_SERVER : TO_CLIENT;
    // A packet without ports (ICMP, ...) meets only the rules for any port.
    const port = p.dstPort;
    const header = g.header.setFor(port);
    const payloadSet = g.payload.setFor(port);
    let n = this.addAlways(header, 0);
    if (p.payloadLen > 0) n += this.collect(payloadSet, p.data, p.payloadOff, p.payloadOff + p.payloadLen, n);
    n = this.addAlways(payloadSet, n);

    // Stream bytes of this packet's direction, scanned by the set of the flow's server port.
    let hasChunk = false;
    let tail = -1;
    let tailLen = 0;
    const src = this.pendingSrc;
    const cOff = this.pendingOff;
    const cEnd = cOff + this.pendingLen;
    // Pending bytes are always this packet's own (its direction may have been turned around
    // since, when the flow stage found the first sender was the server).
    if (this.pendingLen > 0 && this.pendingFlow === flow) {
      const stream = this.streamSetFor(flow, dir);
      if (!stream.empty) {
        hasChunk = true;
        tail = this.tails.find(flow * 2 + dir);
        tailLen = tail >= 0 ? this.tails.length(tail) : 0;
        n += this.collect(stream, src, cOff, cEnd, n);
        if (tailLen > 0 && stream.mpm !== null && stream.maxPattern > 1) {
          const k = stream.maxPattern - 1;
          const a = Math.min(k, tailLen);
          const b = Math.min(k, cEnd - cOff);
          // the chunk's first bytes go in the room after the kept ones: one copy makes the seam
          // contiguous
          const tb = this.tails.data;
          const end = this.tails.base(tail) + tailLen;
          copyBytes(src, cOff, cOff + b, tb, end);
          n += stream.mpm.scanMark(tb, end - a, end + b, this.seen, this.cand, n);
        }
        n = this.addAlways(stream, n);
      }
    }
    this.pendingLen = 0;
    if (n > 0) {
      sortInts(this.cand, n);
      // Views are made only now that some rule needs them.
      const payload = p.payloadLen > 0 ? p.data.subarray(p.payloadOff, p.payloadOff + p.payloadLen) : null;
      const chunk = hasChunk ? src.subarray(cOff, cEnd) : null;
      let window: Buffer | null = null;
      for (let i = 0; i < n; i++) {
        const sig = this.sigs[this.cand[i]!]!;
        if (!this.preconditions(sig, p, flow, dir)) continue;
        const list = sig.payload;
        let ok: boolean;
        if (list === null) ok = true;
        else if (pc === PC_TCP && !sig.noStream) {
          // A stream rule: the chunk, else the window reaching back into earlier segments.
          if (chunk === null) continue;
          ok = this.inspector.run(list, chunk);
          if (!ok && tailLen > 0) {
            window ??= this.windowOf(tail, tailLen, chunk);
            ok = this.inspector.run(list, window) && this.inspector.lastEnd > tailLen;
          }
        } else ok = payload !== null && this.inspector.run(list, payload);
        if (!ok) continue;
        if (sig.kind === 'tx') {
          // The payload part of a transaction rule: remember it for the transaction.
          this.notePayload(flow, dir, sig.num);
          continue;
        }
        if (!this.flowbitsHold(sig, flow)) continue;
        this.matched(sig, p, flow, null, dir, this.swappedFor(sig, p));
        // A pass rule ends the packet's inspection: the rules after it do not run (Suricata).
        if (sig.rule.action === 'pass') break;
      }
      this.clearSeen(n);
      this.inspector.invalidate();
    }
    if (hasChunk) this.keepTail(flow, dir, src, cOff, cEnd);
  }

  /**
   * In-order TCP bytes [off, end) of a flow direction, delivered while the current packet is
   * processed. They are inspected with the packet (inspectPacket); bytes of the other direction
   * (flushed at teardown) are inspected at once.
   */
  streamData(flow: number, dir: Direction, buf: Buffer, off: number, end: number): void {
    if (end <= off || this.streamGroups[dir]!.empty || this.packet === null) return;
    const toServer = this.flows.lastToServer;
    if ((dir === TO_SERVER) !== toServer) {
      this.inspectStreamNow(flow, dir, buf, off, end);
      return;
    }
    const len = end - off;
    if (this.pendingLen > 0 && this.pendingFlow === flow && this.pendingDir === dir) {
      // Several chunks in one packet (a hole filled): inspect them as one.
      const need = this.pendingLen + len;
      let scratch = this.pendingScratch;
      if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      if (this.pendingSrc !== scratch || this.pendingOff !== 0) {
        copyBytes(this.pendingSrc, this.pendingOff, this.pendingOff + this.pendingLen, scratch, 0);
      }
      copyBytes(buf, off, end, scratch, this.pendingLen);
      this.pendingScratch = scratch;
      this.pendingSrc = scratch;
      this.pendingOff = 0;
      this.pendingLen = need;
      return;
    }
    this.pendingFlow = flow;
    this.pendingDir = dir;
    this.pendingSrc = buf;
    this.pendingOff = off;
    this.pendingLen = len;
  }

  /** The stream rule set for a flow direction (by the flow's server port). */
  private streamSetFor(flow: number, dir: Direction): RuleSet {
    const g = this.streamGroups[dir]!;
    return g.setFor(this.flows.serverPort(flow));
  }

  /** Stream bytes outside the packet's own direction: a pass of their own. */
  private inspectStreamNow(flow: number, dir: Direction, buf: Buffer, off: number, end: number): void {
    const set = this.streamSetFor(flow, dir);
    let n = this.collect(set, buf, off, end, 0);
    n = this.addAlways(set, n);
    if (n > 0) {
      const chunk = buf.subarray(off, end);
      sortInts(this.cand, n);
      for (let i = 0; i < n; i++) {
        const sig = this.sigs[this.cand[i]!]!;
        if (!this.flowMatches(sig, flow, dir)) continue;
        if (this.flowHeaderOrder(sig, flow, dir) < 0) continue;
        if (!this.inspector.run(sig.payload!, chunk) || !this.flowbitsHold(sig, flow)) continue;
        this.matched(sig, null, flow, null, dir, false);
      }
      this.clearSeen(n);
      this.inspector.invalidate();
    }
    this.keepTail(flow, dir, buf, off, end);
  }

  /** Keep the last bytes of a direction for the next chunk. */
  private keepTail(flow: number, dir: Direction, buf: Buffer, off: number, end: number): void {
    if (this.config.streamTail <= 0) return;
    this.tails.append(flow * 2 + dir, buf, off, end);
  }

  /** The tail slot's tailLen bytes followed by the chunk, in one buffer. */
  private windowOf(tail: number, tailLen: number, chunk: Buffer): Buffer {
    const need = tailLen + chunk.length;
    if (this.window.length < need) this.window = Buffer.allocUnsafe(Math.max(need, this.window.length * 2));
    const at = this.tails.base(tail);
    copyBytes(this.tails.data, at, at + tailLen, this.window, 0);
    copyBytes(chunk, 0, chunk.length, this.window, tailLen);
    return this.window.subarray(0, need);
  }

  /** Mark prefilter candidates of a set for buf[off, end); returns how many are in `cand`. */
  private collect(set: RuleSet, buf: Buffer, off: number, end: number, n: number): number {
    if (set.mpm === null || end <= off) return 0;
    return set.mpm.scanMark(buf, off, end, this.seen, this.cand, n);
  }

  /** Append the set's unprefiltered rules to the candidates (marking them). */
  private addAlways(set: RuleSet, n: number): number {
    const always = set.always;
    for (let i = 0; i < always.length; i++) {
      const s = always[i]!;
      if (this.seen[s] === 0) {
        this.seen[s] = 1;
        this.cand[n++] = s;
      }
    }
    return n;
  }

  private clearSeen(n: number): void {
    for (let i = 0; i < n; i++) this.seen[this.cand[i]!] = 0;
  }

  /** Header, flow, app protocol and packet tests (everything before the payload). */
  private preconditions(sig: Sig, p: Packet, flow: number, dir: Direction): boolean {
    if (this.alertedAt[sig.num] === this.packetSerial) return false;
    if (!this.headerMatches(sig, p)) return false;
    if (!this.flowMatches(sig, flow, dir)) return false;
    const rule = sig.rule;
    const tests = rule.packetTests;
    for (let i = 0; i < tests.length; i++) if (!packetTestPasses(tests[i]!, p)) return false;
    return true;
  }

  /** flowbits conditions (evaluated last, as Suricata's match list). */
  private flowbitsHold(sig: Sig, flow: number): boolean {
    return sig.flowbits.length === 0 || this.flowbits.conditionsHold(flow, sig.flowbits);
  }

  private flowMatches(sig: Sig, flow: number, dir: Direction): boolean {
    if ((sig.dirMask & (dir === TO_SERVER ? DIR_TS : DIR_TC)) === 0) return false;
    const t = this.flows.table;
    const fo = sig.rule.flow;
    if (fo !== null) {
      const est = t.state(flow) === STATE_ESTABLISHED;
      if (fo.established && !est) return false;
      if (fo.notEstablished && est) return false;
    }
    const app = t.appProto(flow);
    if (sig.appId !== APP_UNKNOWN && app !== sig.appId) return false;
    const alp = sig.rule.appLayerProtocols;
    for (let i = 0; i < alp.length; i++) if (!appLayerProtocolMatches(alp[i]!, app)) return false;
    return true;
  }

  private headerMatches(sig: Sig, p: Packet): boolean {
    if (this.headerOrder(sig, p, false)) return true;
    return sig.rule.bidirectional && this.headerOrder(sig, p, true);
  }

  /** Do the rule's addresses and ports match the packet (reversed: dst as src)? */
  private headerOrder(sig: Sig, p: Packet, reversed: boolean): boolean {
    const r = sig.rule;
    const sOff = reversed ? p.dstAddrOff : p.srcAddrOff;
    const dOff = reversed ? p.srcAddrOff : p.dstAddrOff;
    if (!addrMatches(r.src, p, sOff) || !addrMatches(r.dst, p, dOff)) return false;
    const sp = reversed ? p.dstPort : p.srcPort;
    const dp = reversed ? p.srcPort : p.dstPort;
    if (!r.srcPorts.any && (sp < 0 || !portGroupHas(r.srcPorts, sp))) return false;
    if (!r.dstPorts.any && (dp < 0 || !portGroupHas(r.dstPorts, dp))) return false;
    return true;
  }

  private swappedFor(sig: Sig, p: Packet): boolean {
    return sig.rule.bidirectional && !this.headerOrder(sig, p, false);
  }

  // --- transactions ---

  /**
   * A transaction progressed. Rules whose buffers are complete at a progress point reached for
   * the first time are inspected now, once per direction.
   */
  inspectTx(flow: number, tx: AppTx, p: Packet | null): void {
    const appId = this.flows.table.appProto(flow);
    // tx.inspected: this engine's generation above the four stage bits (a transaction open when
    // the rules were replaced is inspected afresh by the new engine, stage by stage)
    const mark = tx.inspected;
    const done = mark >>> 4 === this.generation ? mark & 15 : 0;
    let top = 0;
    for (const s of STAGES) if (tx.progress >= s) top = s;
    if (top === 0) return;
    let newly = 0;
    for (const s of STAGES) if (s <= top && (done & s) === 0) newly |= s;
    if (newly === 0) return;
    tx.inspected = (this.generation << 4) | done | newly;
    for (const d of DIRECTIONS) {
      const g = this.txGroups[appId * 2 + d];
      if (g === undefined) continue;
      this.runTxGroup(g, flow, tx, d, newly, p);
    }
  }

  private runTxGroup(g: TxGroup, flow: number, tx: AppTx, dir: Direction, stages: number, p: Packet | null): void {
    let n = 0;
    for (const { buffer, set, stages: at } of g.sets) {
      // a buffer complete since an earlier stage is scanned again only if one of its rules is due now
      if (set.mpm === null || (at & stages) === 0) continue;
      if (isMultiBuffer(buffer)) {
        const count = multiBufferCount(tx, buffer);
        for (let i = 0; i < count; i++) {
          const b = multiBuffer(tx, buffer, i);
          if (b !== undefined && b.length > 0) n += set.mpm.scanMark(b, 0, b.length, this.seen, this.cand, n);
        }
        continue;
      }
      const b = appBuffer(tx, buffer, dir);
      if (b !== undefined && b.length > 0) n += set.mpm.scanMark(b, 0, b.length, this.seen, this.cand, n);
    }
    n = this.addAlways(g.always, n);
    if (n === 0) return;
    sortInts(this.cand, n);
    for (let i = 0; i < n; i++) {
      const sig = this.sigs[this.cand[i]!]!;
      if ((stages & sig.txStage[dir]!) === 0) continue;
      if (this.inspectTxSig(sig, flow, tx, dir, p) && sig.rule.action === 'pass') break;
    }
    this.clearSeen(n);
  }

  private inspectTxSig(sig: Sig, flow: number, tx: AppTx, dir: Direction, p: Packet | null): boolean {
    // The packet that completed the buffers travels in `dir`; else only flow-level checks apply.
    const pkt = p !== null && this.lastPacketDir() === dir ? p : null;
    let swapped: boolean;
    if (pkt !== null) {
      if (!this.headerMatches(sig, pkt)) return false;
      swapped = this.swappedFor(sig, pkt);
      const tests = sig.rule.packetTests;
      for (let i = 0; i < tests.length; i++) if (!packetTestPasses(tests[i]!, pkt)) return false;
    } else {
      if (sig.rule.packetTests.length > 0) return false;
      const order = this.flowHeaderOrder(sig, flow, dir);
      if (order < 0) return false;
      swapped = order === 1;
    }
    if (!this.flowMatches(sig, flow, dir)) return false;
    for (const { buffer, list } of sig.appLists) {
      if (!this.inspectBuffer(list, tx, buffer, dir)) return false;
    }
    if (sig.payload !== null && !this.payloadSeen.get(flow * 2 + dir)?.has(sig.num)) {
      if (pkt === null || pkt.payloadLen === 0) return false;
      const payload = pkt.data.subarray(pkt.payloadOff, pkt.payloadOff + pkt.payloadLen);
      if (!this.inspector.run(sig.payload, payload)) return false;
    }
    if (!this.flowbitsHold(sig, flow)) return false;
    this.matched(sig, pkt, flow, tx, dir, swapped);
    return true;
  }

  private inspectBuffer(list: CompiledList, tx: AppTx, buffer: BufferName, dir: Direction): boolean {
    if (isMultiBuffer(buffer)) {
      const count = multiBufferCount(tx, buffer);
      for (let i = 0; i < count; i++) {
        const b = multiBuffer(tx, buffer, i);
        if (b !== undefined && this.inspector.run(list, b)) return true;
      }
      return false;
    }
    const b = appBuffer(tx, buffer, dir);
    return b !== undefined && this.inspector.run(list, b);
  }

  private lastPacketDir(): Direction {
    // The transaction progressed while the flow stage handled `p`: its direction is the last one.
    return this.flows.lastToServer ? TO_SERVER : TO_CLIENT;
  }

  /**
   * Header match against the flow's endpoints when no packet is at hand: 0 when the rule's
   * source is the sender in `dir`, 1 when reversed (bidirectional), -1 when no match.
   */
  private flowHeaderOrder(sig: Sig, flow: number, dir: Direction): number {
    const t = this.flows.table;
    const ends = this.flows.endpoints(flow);
    const fromClient = dir === TO_SERVER;
    const src = fromClient ? ends.client : ends.server;
    const dst = fromClient ? ends.server : ends.client;
    const sp = fromClient ? ends.clientPort : ends.serverPort;
    const dp = fromClient ? ends.serverPort : ends.clientPort;
    const v6 = t.keyWord(flow, 9) >>> 8 === 6;
    const r = sig.rule;
    const fwd =
      groupHasWords(r.src, src, v6) &&
      groupHasWords(r.dst, dst, v6) &&
      portGroupHas(r.srcPorts, sp) &&
      portGroupHas(r.dstPorts, dp);
    if (fwd) return 0;
    if (
      r.bidirectional &&
      groupHasWords(r.src, dst, v6) &&
      groupHasWords(r.dst, src, v6) &&
      portGroupHas(r.srcPorts, dp) &&
      portGroupHas(r.dstPorts, sp)
    )
      return 1;
    return -1;
  }

  // --- alerts ---

  private matched(sig: Sig, p: Packet | null, flow: number, tx: AppTx | null, dir: Direction, swapped: boolean): void {
    const th = sig.rule.threshold;
    if (th !== null && !this.thresholdAllows(sig, p, flow, dir, swapped)) {
      // detection_filter suppresses the alert, not the rule's other effects (flowbits).
      if (th.keyword === 'detection_filter') this.flowbits.apply(flow, sig.flowbits);
      return;
    }
    if (sig.flowbits.length > 0) this.flowbits.apply(flow, sig.flowbits);
    this.alertedAt[sig.num] = tx === null ? this.packetSerial : -1;
    if (sig.rule.noalert || sig.rule.action === 'pass') return;
    this.counters.alerts++;
    this.sink.alert({ sig, packet: p, flow, tx, dir, swapped });
  }

  private thresholdAllows(sig: Sig, p: Packet | null, flow: number, dir: Direction, swapped: boolean): boolean {
    const th = sig.rule.threshold!;
    const ends = this.flows.endpoints(flow);
    // Source and destination of the alert (the rule's orientation).
    let srcIsClient = dir === TO_SERVER;
    if (swapped) srcIsClient = !srcIsClient;
    const src = srcIsClient ? ends.client : ends.server;
    const dst = srcIsClient ? ends.server : ends.client;
    let key: string;
    switch (th.track) {
      case 'by_src':
        key = `${sig.num}|s|${src.join('.')}`;
        break;
      case 'by_dst':
        key = `${sig.num}|d|${dst.join('.')}`;
        break;
      case 'by_both':
        key = `${sig.num}|b|${src.join('.')}|${dst.join('.')}`;
        break;
      case 'by_flow':
        key = `${sig.num}|f|${flow}|${this.flows.table.seq(flow)}`;
        break;
      default:
        key = `${sig.num}|r`;
    }
    const now = p !== null ? p.tsSec + p.tsNsec * 1e-9 : this.flows.packetTime;
    return this.thresholds.allow(th, key, now);
  }

  /** A flow ended: forget its flowbits and stream tails. */
  flowEnded(flow: number): void {
    this.flowbits.clear(flow);
    if (this.payloadSeen.size > 0) {
      this.payloadSeen.delete(flow * 2);
      this.payloadSeen.delete(flow * 2 + 1);
    }
    this.tails.release(flow * 2);
    this.tails.release(flow * 2 + 1);
  }

  /** Threshold trackers forgotten because the table was full. */
  get thresholdEvictions(): number {
    return this.thresholds.evicted;
  }

  /** Inspections stopped by the recursion limit. */
  get recursionLimitHits(): number {
    return this.inspector.budgetExhausted;
  }
}

const ANY_PORTS: Rule['dstPorts'] = { text: 'any', any: true, ranges: new Uint16Array([0, 65535]) };

function appLayerProtocolMatches(t: AppLayerProtocolTest, app: number): boolean {
  // Unknown until detection completes: neither `http` nor `!http` holds yet (Suricata).
  if (app === APP_UNKNOWN) return false;
  const name = app === APP_FAILED ? 'failed' : APP_NAMES[app];
  const want = t.proto === 'http1' ? 'http' : t.proto;
  const is = name === want;
  return t.negated ? !is : is;
}

function addrMatches(g: Rule['src'], p: Packet, off: number): boolean {
  if (g.any) return true;
  if (p.ipVersion === 4) return addressGroupHasV4(g, u32be(p.data, off));
  return addressGroupHasV6(g, p.data, off);
}

const V6_SCRATCH = Buffer.alloc(16);

function groupHasWords(g: Rule['src'], words: readonly number[], v6: boolean): boolean {
  if (g.any) return true;
  if (!v6) return addressGroupHasV4(g, words[0]!);
  for (let i = 0; i < 4; i++) V6_SCRATCH.writeUInt32BE(words[i]! >>> 0, i * 4);
  return addressGroupHasV6(g, V6_SCRATCH, 0);
}

let generations = 0;

/** 1, 2, ... (never 0, the mark of a transaction no engine has inspected), wrapping below 2^27. */
function nextGeneration(): number {
  generations = (generations % 0x7ffffff) + 1;
  return generations;
}

/** Insertion sort of a[0, n) (candidate lists are short). */
function sortInts(a: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * What the flow stage must keep for these rules, decided before the engine is built: every TCP
 * stream (rules that inspect TCP payload) and HTTP bodies (body / file.data buffers).
 */
export function detectNeeds(rules: readonly Rule[]): { streams: boolean; bodies: boolean } {
  let streams = false;
  let bodies = false;
  for (const r of rules) {
    for (const l of r.lists) {
      if (l.buffer === 'payload') {
        if (r.protocol !== 'udp' && r.protocol !== 'icmp' && r.protocol !== 'icmpv4' && r.protocol !== 'icmpv6') {
          streams = true;
        }
      } else if (l.buffer === 'http.request_body' || l.buffer === 'http.response_body' || l.buffer === 'file.data') {
        bodies = true;
      }
    }
  }
  return { streams, bodies };
}
