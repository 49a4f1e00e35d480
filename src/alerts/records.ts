// Builders for EVE records (Suricata's field names; see design/OUTPUT.md and
// ../shared/reference/eve.schema.json, which rejects unknown fields). Called only when
// an event is written, so plain objects and strings are fine here.

import { formatIp, formatMac } from '../core/addr.js';
import * as L from '../core/layers.js';
import { ipProtoName } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { eveTimestamp } from '../core/time.js';
import { ANOMALY_IN_SURICATA_STATS, ANOMALY_NAMES, anomalyEventName, anomalyLayer } from '../decode/anomalies.js';
import type { DecodeStats } from '../decode/decoder.js';

/** Where packets come from, for the context fields of every record. */
export interface RecordContext {
  /** Suricata's sensor-name, written as `host` when set. */
  sensorName?: string;
  /** Live interface name, written as `in_iface`. */
  iface?: string;
  /** True when reading files: `pcap_cnt` is written. */
  fromFile: boolean;
}

export interface EveRecord {
  timestamp: string;
  event_type: string;
  [field: string]: unknown;
}

/** The common part of a packet event: time, tuple, L2 and tunnel context. */
export function packetHeader(p: Packet, eventType: string, ctx: RecordContext): EveRecord {
  const r: EveRecord = { timestamp: eveTimestamp(p.tsSec, p.tsNsec), event_type: eventType };
  if (ctx.fromFile) r.pcap_cnt = p.frameNo;
  if (ctx.iface !== undefined) r.in_iface = ctx.iface;
  if (p.vlanCount > 0) r.vlan = Array.from(p.vlanIds.subarray(0, p.vlanCount));
  if (p.srcAddrOff >= 0) {
    r.src_ip = formatIp(p.data, p.srcAddrOff, p.ipVersion);
    if (p.srcPort >= 0) r.src_port = p.srcPort;
    r.dest_ip = formatIp(p.data, p.dstAddrOff, p.ipVersion);
    if (p.dstPort >= 0) r.dest_port = p.dstPort;
    if (p.ipProto >= 0) r.proto = ipProtoName(p.ipProto);
    r.ip_v = p.ipVersion;
  }
  if (p.ethOff >= 0) {
    r.ether = { src_mac: formatMac(p.data, p.ethOff + 6), dest_mac: formatMac(p.data, p.ethOff) };
  }
  if (p.tunnelDepth > 0 && p.tunnelIpVersion[0] !== 0 && p.tunnelSrcOff[0]! >= 0) {
    const v = p.tunnelIpVersion[0]!;
    r.tunnel = {
      src_ip: formatIp(p.data, p.tunnelSrcOff[0]!, v),
      dest_ip: formatIp(p.data, p.tunnelDstOff[0]!, v),
      proto: tunnelProtoName(p.tunnelProto[0]!),
      depth: p.tunnelDepth,
    };
    if (p.tunnelSrcPort[0]! >= 0) (r.tunnel as Record<string, unknown>).src_port = p.tunnelSrcPort[0];
    if (p.tunnelDstPort[0]! >= 0) (r.tunnel as Record<string, unknown>).dest_port = p.tunnelDstPort[0];
  }
  if (ctx.sensorName !== undefined) r.host = ctx.sensorName;
  return r;
}

function tunnelProtoName(proto: number): string {
  return proto >= 0 ? ipProtoName(proto) : 'unknown';
}

/** One `anomaly` record per decoder event of the packet, as Suricata's anomaly logger. */
export function anomalyRecords(p: Packet, ctx: RecordContext): EveRecord[] {
  const out: EveRecord[] = [];
  for (let i = 0; i < p.anomalyCount; i++) {
    const code = p.anomalies[i]!;
    const r = packetHeader(p, 'anomaly', ctx);
    r.anomaly = { type: 'decode', event: anomalyEventName(code), layer: anomalyLayer(code) };
    out.push(r);
  }
  return out;
}

/** Capture counters for the stats record. */
export interface CaptureCounters {
  packets: number;
  kernelDrops: number;
  ifDrops: number;
  errors: number;
}

// Suricata's decoder counter names, by vsids layer id.
const DECODER_COUNTER: ReadonlyArray<readonly [layer: number, counter: string]> = [
  [L.L_ETH, 'ethernet'],
  [L.L_VLAN, 'vlan'],
  [L.L_ARP, 'arp'],
  [L.L_IPV4, 'ipv4'],
  [L.L_IPV6, 'ipv6'],
  [L.L_TCP, 'tcp'],
  [L.L_UDP, 'udp'],
  [L.L_ICMP, 'icmpv4'],
  [L.L_ICMPV6, 'icmpv6'],
  [L.L_SCTP, 'sctp'],
  [L.L_VXLAN, 'vxlan'],
  [L.L_GENEVE, 'geneve'],
  [L.L_GRE, 'gre'],
  [L.L_MPLS, 'mpls'],
  [L.L_PPPOE, 'pppoe'],
  [L.L_PPP, 'ppp'],
  [L.L_SLL, 'sll'],
  [L.L_SLL2, 'sll2'],
  [L.L_NULL, 'null'],
  [L.L_RAW, 'raw'],
  [L.L_ESP, 'esp'],
];

/** Suricata's `decoder` stats section from vsids's counters. */
export function decoderStats(s: DecodeStats): Record<string, unknown> {
  const d: Record<string, unknown> = {
    pkts: s.pkts,
    bytes: s.bytes,
    invalid: s.invalid,
    avg_pkt_size: s.pkts > 0 ? Math.round(s.bytes / s.pkts) : 0,
    max_pkt_size: s.maxPktSize,
    too_many_layers: s.tooManyLayers,
    vlan_qinq: s.vlanQinq,
    vlan_qinqinq: s.vlanQinqinq,
  };
  for (const [layer, name] of DECODER_COUNTER) d[name] = s.layerPkts[layer]!;
  d.erspan = s.layerPkts[L.L_ERSPAN]! + s.layerPkts[L.L_ERSPAN3]!;
  const events: Record<string, Record<string, number>> = {};
  for (let code = 0; code < s.anomalies.length; code++) {
    if (!ANOMALY_IN_SURICATA_STATS[code]) continue;
    const [layer, event] = splitName(ANOMALY_NAMES[code]!);
    events[layer] ??= {};
    events[layer][event] = s.anomalies[code]!;
  }
  d.event = events;
  return d;
}

function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** Counts of every anomaly raised so far, by short name (for summaries and the API). */
export function anomalyTotals(s: DecodeStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (let code = 0; code < s.anomalies.length; code++) {
    if (s.anomalies[code]! > 0) out[ANOMALY_NAMES[code]!] = s.anomalies[code]!;
  }
  return out;
}

export interface StatsInput {
  /** Packet time of the record (the last packet seen), seconds + nanoseconds. */
  tsSec: number;
  tsNsec: number;
  uptimeSec: number;
  decode: DecodeStats;
  capture?: CaptureCounters;
  sensorName?: string;
}

export function statsRecord(s: StatsInput): EveRecord {
  const stats: Record<string, unknown> = { uptime: Math.floor(s.uptimeSec), decoder: decoderStats(s.decode) };
  if (s.capture !== undefined) {
    stats.capture = {
      kernel_packets: s.capture.packets,
      kernel_drops: s.capture.kernelDrops,
      kernel_ifdrops: s.capture.ifDrops,
      errors: s.capture.errors,
    };
  }
  const r: EveRecord = { timestamp: eveTimestamp(s.tsSec, s.tsNsec), event_type: 'stats', stats };
  if (s.sensorName !== undefined) r.host = s.sensorName;
  return r;
}

/** Swap src and dest (addresses and ports) of a record whose packet travels responder -> initiator. */
export function swapEndpoints(r: EveRecord): void {
  const { src_ip, dest_ip, src_port, dest_port } = r;
  r.src_ip = dest_ip;
  r.dest_ip = src_ip;
  if (dest_port !== undefined) r.src_port = dest_port;
  else delete r.src_port;
  if (src_port !== undefined) r.dest_port = src_port;
  else delete r.dest_port;
}
