// The packet pipeline as it stands: capture -> decode -> (dedup, defrag) -> flow + app
// layer -> outputs. One Packet is reused for every frame (a second one for datagrams
// rebuilt by defragmentation); `onPacket` is created once and handed to the capture source.

import { alertRecord } from './alerts/alert-record.js';
import type { EveWriter } from './alerts/eve-writer.js';
import { flowHeader, flowRecord, txRecord } from './alerts/flow-records.js';
import {
  anomalyRecords,
  type CaptureCounters,
  type RecordContext,
  statsRecord,
  swapEndpoints,
} from './alerts/records.js';
import type { DnsTx } from './app/dns.js';
import { APP_NAMES } from './app/registry.js';
import { type AppTx, type Direction, TO_CLIENT, TO_SERVER, TX_RESPONSE_DONE } from './app/types.js';
import { Packet } from './core/packet.js';
import { DecodeStats, decodePacket, decodeReassembled } from './decode/decoder.js';
import { type DecoderConfig, registerDefaultDecoders } from './decode/defaults.js';
import { type AlertEvent, type AlertSink, type DetectConfig, DetectEngine, detectNeeds } from './detect/engine.js';
import type { ClassificationTable } from './detect/rules/classification.js';
import type { Rule } from './detect/rules/types.js';
import { type DedupConfig, MirrorDedup } from './flow/dedup.js';
import { type DefragConfig, Defragmenter } from './flow/defrag.js';
import { FlowEngine, type FlowEngineConfig, type FlowListener } from './flow/engine.js';
import { REASON_SHUTDOWN } from './flow/flow-table.js';

export interface PipelineOptions {
  eve?: EveWriter;
  /** EVE event types to write (alert, anomaly, flow, stats, http, dns, tls, ssh, dhcp). */
  eveTypes: ReadonlySet<string>;
  context: RecordContext;
  decoder: DecoderConfig;
  flow: FlowEngineConfig;
  dedup: DedupConfig;
  defrag: Omit<DefragConfig, 'onAnomaly'>;
  /** Rules rejected at load (EVE stats detect.engines[0].rules_failed). */
  detectRulesFailed?: number;
  /** Signature rules to run (none: no detect stage). */
  detect?: { rules: readonly Rule[]; classifications: ClassificationTable; config?: DetectConfig };
}

/** Counters of the whole pipeline for summaries and stats records. */
export interface PipelineCounts {
  packets: number;
  bytes: number;
  invalid: number;
  duplicates: number;
  flows: number;
  tcpFlows: number;
  udpFlows: number;
  icmpFlows: number;
  reassembled: number;
  /** Flows that look split because their directions carry different VLAN ids. */
  vlanSplitFlows: number;
  transactions: Record<string, number>;
  appFlows: Record<string, number>;
  /** Alerts by signature id. */
  alertsBySid: Map<number, number>;
  alerts: number;
}

export class Pipeline implements FlowListener, AlertSink {
  readonly packet = new Packet();
  /** Holds a datagram rebuilt from fragments while it goes through the flow stage. */
  private readonly rebuilt = new Packet();
  readonly decodeStats = new DecodeStats();
  readonly flows: FlowEngine;
  readonly dedup: MirrorDedup;
  readonly defrag: Defragmenter;
  detect: DetectEngine | null = null;
  /** The packet in the flow stage (transactions and stream chunks that arrive belong to it). */
  private current: Packet | null = null;
  private readonly alertsBySid = new Map<number, number>();
  /** Per flow slot: sequence number + 1 of the flow when it alerted (EVE flow.alerted). */
  private readonly alertedFlow: Float64Array;
  private readonly writeAlerts: boolean;
  /** Packet time of the last frame, for records written at the end. */
  lastTsSec = 0;
  lastTsNsec = 0;
  private lastDefragExpire = 0;
  private readonly eve: EveWriter | undefined;
  private readonly writeAnomalies: boolean;
  private readonly writeFlows: boolean;
  private readonly txTypes: ReadonlySet<string>;
  private readonly startedAt = process.hrtime.bigint();

  constructor(private readonly opts: PipelineOptions) {
    registerDefaultDecoders(opts.decoder);
    this.eve = opts.eve;
    const has = (t: string): boolean => opts.eve !== undefined && opts.eveTypes.has(t);
    this.writeAnomalies = has('anomaly');
    this.writeFlows = has('flow');
    this.writeAlerts = has('alert');
    this.txTypes = new Set(['http', 'dns', 'tls', 'ssh', 'dhcp'].filter(has));
    const d = opts.detect;
    let flowConfig = opts.flow;
    if (d !== undefined) {
      // The detect stage decides what the flow stage must keep: TCP streams, HTTP bodies.
      const needs = detectNeeds(d.rules);
      flowConfig = {
        ...flowConfig,
        streamAll: flowConfig.streamAll || needs.streams,
        inspectBodies: flowConfig.inspectBodies || needs.bodies,
      };
    }
    // Bodies are read only by the detect stage, while their transaction reports progress.
    this.flows = new FlowEngine({ ...flowConfig, reuseBodies: true }, this);
    this.alertedFlow = new Float64Array(this.flows.table.capacity);
    if (d !== undefined) this.detect = new DetectEngine(d.rules, this.flows, this, d.classifications, d.config);
    this.dedup = new MirrorDedup(opts.dedup);
    this.defrag = new Defragmenter({ ...opts.defrag });
  }

  /** Runs for every frame the source delivers. */
  readonly onPacket = (p: Packet): void => {
    decodePacket(p, this.decodeStats);
    this.lastTsSec = p.tsSec;
    this.lastTsNsec = p.tsNsec;
    // A second copy of the same IP packet from the mirror is counted and dropped.
    if (p.l3Off >= 0 && this.dedup.enabled && this.dedup.isDuplicate(p)) return;
    if (p.isFragment) {
      this.fragment(p);
      return;
    }
    if (p.anomalyCount !== 0 && this.writeAnomalies) this.logAnomalies(p);
    this.flowAndDetect(p);
  };

  private flowAndDetect(p: Packet): void {
    const detect = this.detect;
    if (detect === null) {
      this.flows.process(p);
      return;
    }
    this.current = p;
    detect.setPacket(p);
    const idx = this.flows.process(p);
    if (idx >= 0) detect.inspectPacket(p, idx, this.flows.lastToServer);
    this.current = null;
  }

  private fragment(p: Packet): void {
    const ts = p.tsSec + p.tsNsec * 1e-9;
    const before = p.anomalyCount;
    const rebuilt = this.defrag.add(p, p.tsSec);
    for (let i = before; i < p.anomalyCount; i++) this.decodeStats.anomalies[p.anomalies[i]!]++;
    if (p.anomalyCount !== 0 && this.writeAnomalies) this.logAnomalies(p);
    if (ts - this.lastDefragExpire >= 1) {
      this.lastDefragExpire = ts;
      this.defrag.expire(p.tsSec);
    }
    if (rebuilt === null) return;
    const q = this.rebuilt;
    decodeReassembled(q, p, rebuilt.data, rebuilt.ipOff, this.decodeStats);
    if (q.anomalyCount !== 0 && this.writeAnomalies) this.logAnomalies(q);
    this.flowAndDetect(q);
  }

  private logAnomalies(p: Packet): void {
    for (const r of anomalyRecords(p, this.opts.context)) this.eve!.write('anomaly', r);
  }

  // --- FlowListener ---

  flowEnd(engine: FlowEngine, idx: number, reason: number): void {
    const ext = engine.ext[idx];
    if (ext !== undefined && ext.pendingTxs !== null) {
      // Transactions still open when the flow ends are written as they stand.
      for (const tx of ext.pendingTxs) this.writeTx(engine, idx, tx);
      ext.pendingTxs = null;
    }
    if (this.writeFlows) {
      const alerted = this.alertedFlow[idx] === engine.table.seq(idx) + 1;
      this.eve!.write('flow', flowRecord(engine, idx, reason, this.opts.context, alerted));
    }
    this.detect?.flowEnded(idx);
  }

  streamData(engine: FlowEngine, idx: number, dir: Direction, buf: Buffer, off: number, end: number): void {
    if (this.detect !== null && !engine.ending) this.detect.streamData(idx, dir, buf, off, end);
  }

  // --- AlertSink ---

  alert(a: AlertEvent): void {
    const sid = a.sig.rule.sid;
    this.alertsBySid.set(sid, (this.alertsBySid.get(sid) ?? 0) + 1);
    this.alertedFlow[a.flow] = this.flows.table.seq(a.flow) + 1;
    if (this.writeAlerts) this.eve!.write('alert', alertRecord(a, this.flows, this.opts.context));
  }

  transaction(engine: FlowEngine, idx: number, tx: AppTx, dir: Direction): void {
    if (this.detect !== null) this.detect.inspectTx(idx, tx, engine.ending ? null : this.current);
    if (!this.txTypes.has(tx.proto)) return;
    if (tx.proto === 'dns') {
      this.dnsTransaction(engine, idx, tx as DnsTx, dir);
      return;
    }
    // A transaction is written once, when complete; one still open at the flow's end is
    // written then (flowEnd).
    const ext = engine.ext[idx]!;
    const pending = ext.pendingTxs === null ? -1 : ext.pendingTxs.indexOf(tx);
    if ((tx.progress & TX_RESPONSE_DONE) !== 0) {
      if (pending >= 0) ext.pendingTxs!.splice(pending, 1);
      this.writeTx(engine, idx, tx);
    } else if (pending < 0) {
      (ext.pendingTxs ??= []).push(tx);
    }
  }

  flowAnomaly(engine: FlowEngine, idx: number, type: 'stream' | 'applayer', event: string, appProto: string): void {
    if (!this.writeAnomalies) return;
    const r = flowHeader(engine, idx, 'anomaly', engine.packetTime, this.opts.context);
    const anomaly: Record<string, unknown> = { type, event };
    if (type === 'applayer') {
      anomaly.app_proto = appProto;
      anomaly.layer = 'proto_parser';
    }
    r.anomaly = anomaly;
    this.eve!.write('anomaly', r);
  }

  private writeTx(engine: FlowEngine, idx: number, tx: AppTx): void {
    this.eve!.write(tx.proto, txRecord(engine, idx, tx, this.opts.context));
  }

  /**
   * DNS is logged as Suricata does: one record for the query when it is seen and one for
   * the response, whose src is the responder.
   */
  private dnsTransaction(engine: FlowEngine, idx: number, tx: DnsTx, dir: Direction): void {
    // The parser reports each message once: the response completes the tx, else it is the query.
    const isResponse = (tx.progress & TX_RESPONSE_DONE) !== 0;
    const r = txRecord(engine, idx, tx, this.opts.context, tx.toEve(isResponse ? TO_CLIENT : TO_SERVER));
    // src is the message's sender.
    if (dir === TO_CLIENT) swapEndpoints(r);
    this.eve!.write('dns', r);
  }

  // --- end of input, stats ---

  /**
   * Swap in a new rule set (SIGHUP). The new engine starts with no flowbits or threshold state;
   * flows and streams go on. HTTP bodies are kept only if the first rule set needed them:
   * returns false when the new rules read bodies the flow stage is not keeping (restart).
   */
  replaceRules(rules: readonly Rule[], classifications: ClassificationTable, config?: DetectConfig): boolean {
    const needs = detectNeeds(rules);
    if (rules.length === 0) {
      this.detect = null;
      return true;
    }
    const cfg = this.flows.config;
    cfg.streamAll = cfg.streamAll || needs.streams;
    this.detect = new DetectEngine(rules, this.flows, this, classifications, config);
    return !needs.bodies || cfg.inspectBodies;
  }

  /** End every flow still open (end of a replay, or shutdown of the daemon). */
  finish(): void {
    this.flows.shutdown(REASON_SHUTDOWN);
  }

  /** Seconds since the pipeline was built (wall clock). */
  uptimeSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  counts(): PipelineCounts {
    const f = this.flows;
    const appFlows: Record<string, number> = {};
    const transactions: Record<string, number> = {};
    for (let id = 1; id < APP_NAMES.length - 1; id++) {
      const n = f.appFlows[id * 2]! + f.appFlows[id * 2 + 1]!;
      if (n > 0) appFlows[APP_NAMES[id]!] = n;
      const t = f.appTxs[id * 2]! + f.appTxs[id * 2 + 1]!;
      if (t > 0) transactions[APP_NAMES[id]!] = t;
    }
    const failed = f.appFailed[0]! + f.appFailed[1]!;
    if (failed > 0) appFlows.failed = failed;
    return {
      packets: this.decodeStats.pkts,
      bytes: this.decodeStats.bytes,
      invalid: this.decodeStats.invalid,
      duplicates: this.dedup.duplicates,
      flows: f.table.created,
      tcpFlows: f.tcpFlows,
      udpFlows: f.udpFlows,
      icmpFlows: f.icmpFlows,
      reassembled: this.defrag.counters.ipv4Reassembled + this.defrag.counters.ipv6Reassembled,
      vlanSplitFlows: f.vlanSplitFlows,
      transactions,
      appFlows,
      alertsBySid: this.alertsBySid,
      alerts: this.detect?.counters.alerts ?? 0,
    };
  }

  /** Write a stats record (periodic in `run`, final in both). */
  writeStats(capture?: CaptureCounters, tsSec = this.lastTsSec, tsNsec = this.lastTsNsec): void {
    if (this.eve === undefined || !this.opts.eveTypes.has('stats')) return;
    const r = statsRecord({
      tsSec,
      tsNsec,
      uptimeSec: this.uptimeSeconds(),
      decode: this.decodeStats,
      capture,
      sensorName: this.opts.context.sensorName,
    });
    const stats = r.stats as Record<string, unknown>;
    stats.flow = this.flowStats();
    stats.tcp = this.tcpStats();
    stats.app_layer = this.appLayerStats();
    stats.defrag = this.defrag.eveStats();
    if (this.detect !== null) {
      const c = this.detect.counters;
      stats.detect = {
        engines: [{ id: 0, rules_loaded: c.rulesLoaded, rules_failed: this.opts.detectRulesFailed ?? 0 }],
        alert: c.alerts,
      };
    }
    this.eve.write('stats', r);
  }

  private flowStats(): Record<string, unknown> {
    const f = this.flows;
    return {
      total: f.table.created,
      active: f.table.active,
      tcp: f.tcpFlows,
      udp: f.udpFlows,
      icmpv4: f.icmpFlows,
      tcp_reuse: f.tcpReuse,
      memuse: f.table.memuse(),
      memcap: f.table.config.memcapBytes,
      spare: f.table.capacity - f.table.active,
    };
  }

  private tcpStats(): Record<string, unknown> {
    const f = this.flows;
    return {
      sessions: f.tcpFlows,
      midstream_pickups: f.midstreamPickups,
      reassembly_gap: f.streamGaps,
    };
  }

  private appLayerStats(): Record<string, unknown> {
    const f = this.flows;
    const flow: Record<string, number> = {};
    const tx: Record<string, number> = {};
    for (let id = 1; id < APP_NAMES.length - 1; id++) {
      const name = APP_NAMES[id]!;
      const tcpName = name === 'dns' ? 'dns_tcp' : name;
      const udpName = name === 'dns' ? 'dns_udp' : name;
      if (f.appFlows[id * 2]! > 0) flow[tcpName] = f.appFlows[id * 2]!;
      if (f.appFlows[id * 2 + 1]! > 0) flow[udpName] = f.appFlows[id * 2 + 1]!;
      if (f.appTxs[id * 2]! > 0) tx[tcpName] = f.appTxs[id * 2]!;
      if (f.appTxs[id * 2 + 1]! > 0) tx[udpName] = f.appTxs[id * 2 + 1]!;
    }
    flow.failed_tcp = f.appFailed[0]!;
    flow.failed_udp = f.appFailed[1]!;
    return { flow, tx };
  }

  close(): void {
    this.eve?.close();
  }
}
