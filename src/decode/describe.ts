// What `vsids decode` prints for one frame (design/CLI.md): a plain object built only
// when a user asked to see the packet, never on the replay hot path.

import { formatIp, formatMac } from '../core/addr.js';
import { LAYER_NAMES, TUNNEL_NAMES } from '../core/layers.js';
import type { Packet } from '../core/packet.js';
import { isoTimestampZ } from '../core/time.js';
import { ANOMALY_NAMES } from './anomalies.js';

export interface FrameDescription {
  frame: number;
  ts: string;
  caplen: number;
  len: number;
  ifindex?: number;
  linktype: number;
  layers: string[];
  src_mac?: string;
  dest_mac?: string;
  vlan?: number[];
  mpls?: number[];
  src_ip?: string;
  dest_ip?: string;
  ip_proto?: number;
  proto?: string;
  src_port?: number;
  dest_port?: number;
  tcp_flags?: string;
  icmp_type?: number;
  icmp_code?: number;
  fragment?: { offset: number; more: boolean; id: number };
  tunnels?: { kind: string; src_ip?: string; dest_ip?: string; id?: number }[];
  vni?: number;
  gre_key?: number;
  erspan?: { version: number; session?: number; vlan?: number; direction?: string };
  ip_checksum?: 'ok' | 'bad';
  anomalies?: string[];
}

const TCP_FLAG_LETTERS: ReadonlyArray<readonly [number, string]> = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, 'A'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'C'],
];

/** TCP flags as letters in Snort/Suricata order: F S R P A U E C. */
export function tcpFlagString(flags: number): string {
  let s = '';
  for (const [bit, letter] of TCP_FLAG_LETTERS) if (flags & bit) s += letter;
  return s;
}

/** Lower-case transport name for decode output. */
export function transportName(proto: number): string {
  switch (proto) {
    case 1:
      return 'icmp';
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 58:
      return 'icmpv6';
    case 132:
      return 'sctp';
    default:
      return 'other';
  }
}

export function describePacket(p: Packet): FrameDescription {
  const d: FrameDescription = {
    frame: p.frameNo,
    ts: isoTimestampZ(p.tsSec, p.tsNsec),
    caplen: p.caplen,
    len: p.len,
    linktype: p.linkType,
    layers: [],
  };
  if (p.ifIndex !== 0) d.ifindex = p.ifIndex;
  for (let i = 0; i < p.layerCount; i++) d.layers.push(LAYER_NAMES[p.layerIds[i]!]!);
  if (p.ethOff >= 0) {
    d.src_mac = formatMac(p.data, p.ethOff + 6);
    d.dest_mac = formatMac(p.data, p.ethOff);
  }
  if (p.vlanCount > 0) d.vlan = Array.from(p.vlanIds.subarray(0, p.vlanCount));
  if (p.mplsCount > 0) d.mpls = Array.from(p.mplsLabels.subarray(0, p.mplsCount));
  if (p.srcAddrOff >= 0 && p.dstAddrOff >= 0) {
    d.src_ip = formatIp(p.data, p.srcAddrOff, p.ipVersion);
    d.dest_ip = formatIp(p.data, p.dstAddrOff, p.ipVersion);
  }
  if (p.ipProto >= 0) {
    d.ip_proto = p.ipProto;
    d.proto = transportName(p.ipProto);
  }
  if (p.srcPort >= 0) d.src_port = p.srcPort;
  if (p.dstPort >= 0) d.dest_port = p.dstPort;
  if (p.l4Off >= 0 && p.ipProto === 6) d.tcp_flags = tcpFlagString(p.tcpFlags);
  if (p.icmpType >= 0) {
    d.icmp_type = p.icmpType;
    d.icmp_code = p.icmpCode;
  }
  if (p.isFragment) {
    d.fragment = { offset: p.fragOffset, more: p.fragMore, id: p.ipVersion === 6 ? p.frag6Id : p.ipId };
  }
  if (p.ipCsumStatus !== 0) d.ip_checksum = p.ipCsumStatus === 1 ? 'ok' : 'bad';
  if (p.tunnelDepth > 0) {
    d.tunnels = [];
    for (let i = 0; i < p.tunnelDepth; i++) {
      const t: { kind: string; src_ip?: string; dest_ip?: string; id?: number } = {
        kind: TUNNEL_NAMES[p.tunnelKind[i]!]!,
      };
      const v = p.tunnelIpVersion[i]!;
      if (v !== 0 && p.tunnelSrcOff[i]! >= 0) {
        t.src_ip = formatIp(p.data, p.tunnelSrcOff[i]!, v);
        t.dest_ip = formatIp(p.data, p.tunnelDstOff[i]!, v);
      }
      if (p.tunnelId[i]! >= 0) t.id = p.tunnelId[i]!;
      d.tunnels.push(t);
    }
  }
  if (p.vni >= 0) d.vni = p.vni;
  if (p.greKey >= 0) d.gre_key = p.greKey;
  if (p.erspanVersion >= 0) {
    d.erspan = { version: p.erspanVersion };
    if (p.erspanSession >= 0) d.erspan.session = p.erspanSession;
    if (p.erspanVlan >= 0) d.erspan.vlan = p.erspanVlan;
    if (p.erspanDirection >= 0) d.erspan.direction = p.erspanDirection === 0 ? 'ingress' : 'egress';
  }
  if (p.anomalyCount > 0) {
    d.anomalies = [];
    for (let i = 0; i < p.anomalyCount; i++) d.anomalies.push(ANOMALY_NAMES[p.anomalies[i]!]!);
  }
  return d;
}
