// Small helpers every layer decoder uses to report what it found. Kept out of the
// protocol files so each decoder only describes its own header.

import { MAX_ANOMALIES, MAX_TUNNELS, type Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';

const TUNNEL_TOO_DEEP = anomalyCode('generic.tunnel_too_deep');

/**
 * Record a decoder event at absolute offset `off` of the frame. The per-packet list is
 * bounded; events past the bound are dropped (the first ones explain the packet best).
 */
export function addAnomaly(p: Packet, code: number, off: number): void {
  const n = p.anomalyCount;
  if (n >= MAX_ANOMALIES) return;
  for (let i = 0; i < n; i++) if (p.anomalies[i] === code) return;
  p.anomalies[n] = code;
  p.anomalyOffs[n] = off - p.start;
  p.anomalyCount = n + 1;
}

/** Record an event and tell the decode loop to stop at this layer. Returns L_NONE (0). */
export function invalid(p: Packet, code: number, off: number): number {
  addAnomaly(p, code, off);
  p.invalid = true;
  return 0;
}

/**
 * Save the current (outer) IP context before a tunnel hands its payload to an inner
 * decoder, so flows and EVE `tunnel` can still see the outer addresses. Returns false,
 * with an anomaly, when the tunnel stack is full.
 */
export function pushTunnel(p: Packet, kind: number, id: number, off: number): boolean {
  const d = p.tunnelDepth;
  if (d >= MAX_TUNNELS) {
    addAnomaly(p, TUNNEL_TOO_DEEP, off);
    p.invalid = true;
    return false;
  }
  p.tunnelKind[d] = kind;
  p.tunnelIpVersion[d] = p.ipVersion;
  p.tunnelSrcOff[d] = p.srcAddrOff;
  p.tunnelDstOff[d] = p.dstAddrOff;
  p.tunnelProto[d] = p.ipProto;
  p.tunnelSrcPort[d] = p.srcPort;
  p.tunnelDstPort[d] = p.dstPort;
  p.tunnelId[d] = id;
  p.tunnelDepth = d + 1;
  return true;
}

/** Hand the rest of [off, end) to the next layer. Returns `layer` for a one-line tail call. */
export function next(p: Packet, layer: number, off: number, end: number): number {
  p.nextOff = off;
  p.nextEnd = end;
  return layer;
}
