// EVE records that describe flows and their transactions: `flow` when a flow ends, and
// `http` / `dns` / `tls` / `ssh` / `dhcp` per application transaction. Field names follow
// Suricata's EVE format (../shared/reference/eve.schema.json). Built only when written.

import type { AppTx } from '../app/types.js';
import { formatIp } from '../core/addr.js';
import { ipProtoName } from '../core/layers.js';
import { eveTimestamp } from '../core/time.js';
import { communityId } from '../flow/community-id.js';
import type { FlowEngine } from '../flow/engine.js';
import { REASON_NAMES, STATE_NAMES } from '../flow/flow-table.js';
import { TCP_STATE_NAMES } from '../flow/tcp-state.js';
import type { EveRecord, RecordContext } from './records.js';

/** Float seconds to an EVE timestamp, exact to the microsecond. */
export function eveTime(ts: number): string {
  const us = Math.round(ts * 1e6);
  const sec = Math.floor(us / 1e6);
  return eveTimestamp(sec, (us - sec * 1e6) * 1000);
}

/** The flow's endpoints in initiator -> responder order. */
export interface FlowTuple {
  srcIp: string;
  destIp: string;
  srcPort: number;
  destPort: number;
  proto: number;
  ipVersion: number;
  communityId: string;
  flowId: number;
  vlan: number[];
}

/** Address A (first = 0) or B (first = 4) of a flow's key as raw bytes. */
function addrBytes(engine: FlowEngine, idx: number, first: number, v6: boolean): Buffer {
  const b = Buffer.alloc(v6 ? 16 : 4);
  const words = v6 ? 4 : 1;
  for (let i = 0; i < words; i++) b.writeUInt32BE(engine.table.keyWord(idx, first + i), i * 4);
  return b;
}

/** flow_id: unique per flow within a run and stable for its lifetime (fits in 2^53). */
export function flowId(engine: FlowEngine, idx: number): number {
  const t = engine.table;
  return t.seq(idx) * 1048576 + (t.hash(idx) & 0xfffff);
}

/**
 * Per flow slot, the tuple last built and the key it was built for (sequence number * 2 + which
 * endpoint is the initiator): a flow writes many records (its transactions, alerts, the flow
 * record), and the addresses, ports and Community ID (a SHA-1) are the same in all of them.
 */
interface TupleCache {
  key: Float64Array;
  tuple: (FlowTuple | undefined)[];
}
const tupleCaches = new WeakMap<FlowEngine, TupleCache>();

/** The flow's tuple (shared by every record of the flow: do not modify it). */
export function flowTuple(engine: FlowEngine, idx: number): FlowTuple {
  let cache = tupleCaches.get(engine);
  if (cache === undefined) {
    cache = { key: new Float64Array(engine.table.capacity), tuple: new Array<FlowTuple | undefined>(engine.table.capacity) };
    tupleCaches.set(engine, cache);
  }
  const key = engine.table.seq(idx) * 2 + (engine.table.initiatorIsA(idx) ? 1 : 0);
  if (cache.key[idx] === key) return cache.tuple[idx]!;
  const tuple = buildTuple(engine, idx);
  cache.key[idx] = key;
  cache.tuple[idx] = tuple;
  return tuple;
}

function buildTuple(engine: FlowEngine, idx: number): FlowTuple {
  const t = engine.table;
  const ipVersion = t.keyWord(idx, 9) >>> 8;
  const proto = t.ipProto(idx);
  const v6 = ipVersion === 6;
  const a = addrBytes(engine, idx, 0, v6);
  const b = addrBytes(engine, idx, 4, v6);
  const aFirst = t.initiatorIsA(idx);
  const src = aFirst ? a : b;
  const dst = aFirst ? b : a;
  let srcPort = engine.clientPort(idx);
  let destPort = engine.serverPort(idx);
  let cidSrcPort = srcPort;
  let cidDstPort = destPort;
  const icmp = proto === 1 || proto === 58;
  if (icmp) {
    // ICMP flows have no ports in EVE; Community ID hashes the first message's type and code.
    const tc = engine.icmpTypeCode[idx]!;
    cidSrcPort = tc >= 0 ? tc >> 8 : 0;
    cidDstPort = tc >= 0 ? tc & 0xff : 0;
    srcPort = -1;
    destPort = -1;
  }
  const vw = t.vlan(idx);
  const vlan: number[] = [];
  if (vw !== 0) {
    vlan.push(vw & 0xffff);
    if (vw >>> 16 !== 0) vlan.push(vw >>> 16);
  }
  return {
    srcIp: formatIp(src, 0, ipVersion),
    destIp: formatIp(dst, 0, ipVersion),
    srcPort,
    destPort,
    proto,
    ipVersion,
    communityId: communityId(src, dst, proto, cidSrcPort, cidDstPort),
    flowId: flowId(engine, idx),
    vlan,
  };
}

/** Common header of a flow-scoped record: time, ids, tuple (initiator first), app_proto. */
export function flowHeader(
  engine: FlowEngine,
  idx: number,
  eventType: string,
  ts: number,
  ctx: RecordContext,
  tuple = flowTuple(engine, idx),
): EveRecord {
  const r: EveRecord = { timestamp: eveTime(ts), flow_id: tuple.flowId, event_type: eventType };
  if (ctx.iface !== undefined) r.in_iface = ctx.iface;
  if (tuple.vlan.length > 0) r.vlan = tuple.vlan.slice();
  r.src_ip = tuple.srcIp;
  if (tuple.srcPort >= 0) r.src_port = tuple.srcPort;
  r.dest_ip = tuple.destIp;
  if (tuple.destPort >= 0) r.dest_port = tuple.destPort;
  r.ip_v = tuple.ipVersion;
  r.proto = ipProtoName(tuple.proto);
  if (tuple.proto === 1 || tuple.proto === 58) {
    // ICMP flows carry the first message's type and code, as Suricata's records do.
    const tc = engine.icmpTypeCode[idx]!;
    if (tc >= 0) {
      r.icmp_type = tc >> 8;
      r.icmp_code = tc & 0xff;
    }
  }
  const app = engine.appName(idx);
  if (app !== '') r.app_proto = app;
  r.community_id = tuple.communityId;
  if (ctx.sensorName !== undefined) r.host = ctx.sensorName;
  return r;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** The EVE `flow` record of a flow that ended for `reason`. */
export function flowRecord(
  engine: FlowEngine,
  idx: number,
  reason: number,
  ctx: RecordContext,
  alerted = false,
): EveRecord {
  const t = engine.table;
  const start = t.startTs(idx);
  const end = t.lastTs(idx);
  const r = flowHeader(engine, idx, 'flow', start, ctx);
  const ext = engine.ext[idx];
  const flow: Record<string, unknown> = {
    pkts_toserver: t.pktsToServer(idx),
    pkts_toclient: t.pktsToClient(idx),
    bytes_toserver: t.bytesToServer(idx),
    bytes_toclient: t.bytesToClient(idx),
    start: eveTime(start),
    end: eveTime(end),
    age: Math.max(0, Math.round(end - start)),
    state: STATE_NAMES[t.state(idx)],
    reason: REASON_NAMES[reason],
    alerted,
  };
  if (ext !== undefined && ext.txCount > 0) flow.tx_cnt = ext.txCount;
  r.flow = flow;
  if (r.proto === 'TCP') {
    const ts = t.flagsToServer(idx);
    const tc = t.flagsToClient(idx);
    const all = ts | tc;
    const tcp: Record<string, unknown> = { tcp_flags: hex2(all), tcp_flags_ts: hex2(ts), tcp_flags_tc: hex2(tc) };
    if (all & 0x02) tcp.syn = true;
    if (all & 0x01) tcp.fin = true;
    if (all & 0x04) tcp.rst = true;
    if (all & 0x08) tcp.psh = true;
    if (all & 0x10) tcp.ack = true;
    if (all & 0x20) tcp.urg = true;
    if (all & 0x40) tcp.ecn = true;
    if (all & 0x80) tcp.cwr = true;
    tcp.state = TCP_STATE_NAMES[t.tcpState(idx)];
    r.tcp = tcp;
  }
  return r;
}

/** The EVE record of an application transaction (`http`, `dns`, `tls`, `ssh`, `dhcp`). */
export function txRecord(engine: FlowEngine, idx: number, tx: AppTx, ctx: RecordContext, eve = tx.toEve()): EveRecord {
  const r = flowHeader(engine, idx, tx.proto, engine.packetTime, ctx);
  r.tx_id = tx.id;
  r[tx.proto] = eve;
  return r;
}
