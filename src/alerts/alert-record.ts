// The EVE `alert` record (Suricata's alert logger): the packet's (or flow's) header oriented as
// the rule matched, the rule's identity and severity, the flow's counters so far, and the
// transaction object (`http`, `dns`, `tls`, ...) when an app-layer rule matched.

import { type Direction, TO_CLIENT, TO_SERVER } from '../app/types.js';
import type { AlertEvent } from '../detect/engine.js';
import type { FlowEngine } from '../flow/engine.js';
import { eveTime, flowHeader, flowTuple } from './flow-records.js';
import { type EveRecord, packetHeader, type RecordContext, swapEndpoints } from './records.js';

function directionName(dir: Direction): string {
  return dir === TO_SERVER ? 'to_server' : 'to_client';
}

export function alertRecord(a: AlertEvent, flows: FlowEngine, ctx: RecordContext): EveRecord {
  const { sig, packet: p, flow: idx, tx } = a;
  const tuple = flowTuple(flows, idx);
  let r: EveRecord;
  if (p !== null) {
    r = packetHeader(p, 'alert', ctx);
    r.flow_id = tuple.flowId;
    if (a.swapped) swapEndpoints(r);
  } else {
    // No packet at hand (the flow ended): the flow's endpoints, oriented as the match.
    r = flowHeader(flows, idx, 'alert', flows.packetTime, ctx, tuple);
    if ((a.dir === TO_CLIENT) !== a.swapped) swapEndpoints(r);
  }
  if (tx !== null) r.tx_id = tx.id;
  const rule = sig.rule;
  const alert: Record<string, unknown> = {
    action: 'allowed',
    gid: rule.gid,
    signature_id: rule.sid,
    rev: rule.rev,
    signature: rule.msg,
    category: sig.category,
    severity: sig.severity,
  };
  if (sig.metadata !== undefined) alert.metadata = sig.metadata;
  r.alert = alert;
  const app = flows.appName(idx);
  if (app !== '' && app !== 'failed') r.app_proto = app;
  r.direction = directionName(a.dir);
  const t = flows.table;
  r.flow = {
    pkts_toserver: t.pktsToServer(idx),
    pkts_toclient: t.pktsToClient(idx),
    bytes_toserver: t.bytesToServer(idx),
    bytes_toclient: t.bytesToClient(idx),
    start: eveTime(t.startTs(idx)),
    src_ip: tuple.srcIp,
    dest_ip: tuple.destIp,
    ...(tuple.srcPort >= 0 ? { src_port: tuple.srcPort, dest_port: tuple.destPort } : {}),
  };
  if (tx !== null) {
    const eve = tx.proto === 'dns' ? (tx.toEve as (d?: Direction) => Record<string, unknown>).call(tx, a.dir) : tx.toEve();
    r[tx.proto] = eve;
  }
  r.community_id = tuple.communityId;
  return r;
}
