// The decode loop: start at the link type's first layer and let each layer decoder name
// the next one, until a decoder returns 0, an anomaly stops the packet, or the layer
// bound is reached. Everything is written into the caller's reused Packet.

import { L_IPV4, L_IPV6, L_NONE, LAYER_COUNT } from '../core/layers.js';
import { MAX_LAYERS, type Packet } from '../core/packet.js';
import { ANOMALY_COUNT, anomalyCode } from './anomalies.js';
import { addAnomaly } from './events.js';
import { type LayerDecoder, linkTypeLayer } from './registry.js';

const TOO_MANY_LAYERS = anomalyCode('generic.too_many_layers');

const stop: LayerDecoder = () => 0;

/** Decoder per layer id; filled by registerLayer (see defaults.ts). */
const DECODERS: LayerDecoder[] = new Array<LayerDecoder>(LAYER_COUNT).fill(stop);

export function registerLayer(layer: number, decoder: LayerDecoder): void {
  DECODERS[layer] = decoder;
}

/** Decoder counters, as Suricata's `decoder` stats section. */
export class DecodeStats {
  pkts = 0;
  bytes = 0;
  /** Packets with at least one anomaly that stopped decoding. */
  invalid = 0;
  tooManyLayers = 0;
  maxPktSize = 0;
  /** How often each layer decoder ran (indexed by layer id). */
  readonly layerPkts = new Float64Array(LAYER_COUNT);
  /** How often each anomaly was raised (indexed by anomaly code). */
  readonly anomalies = new Float64Array(ANOMALY_COUNT);
  vlanQinq = 0;
  vlanQinqinq = 0;
  /** Tunnelled packets by kind (indexed by T_* constant). */
  readonly tunnels = new Float64Array(16);
}

/**
 * Decode the frame already in p (data, start, caplen, linkType). Counts into `stats`.
 * Unknown link types decode nothing: file readers reject them before they get here.
 */
export function decodePacket(p: Packet, stats: DecodeStats): void {
  p.resetDecode();
  stats.pkts++;
  stats.bytes += p.len;
  if (p.len > stats.maxPktSize) stats.maxPktSize = p.len;

  let layer = linkTypeLayer(p.linkType);
  let off = p.start;
  let end = p.start + p.caplen;
  while (layer !== L_NONE) {
    const n = p.layerCount;
    if (n >= MAX_LAYERS) {
      addAnomaly(p, TOO_MANY_LAYERS, off);
      p.invalid = true;
      stats.tooManyLayers++;
      break;
    }
    p.layerIds[n] = layer;
    p.layerOffs[n] = off;
    p.layerCount = n + 1;
    stats.layerPkts[layer]++;
    layer = DECODERS[layer]!(p, off, end);
    off = p.nextOff;
    end = p.nextEnd;
  }

  if (p.vlanCount === 2) stats.vlanQinq++;
  else if (p.vlanCount > 2) stats.vlanQinqinq++;
  for (let i = 0; i < p.tunnelDepth; i++) stats.tunnels[p.tunnelKind[i]!]++;
  if (p.invalid) stats.invalid++;
  for (let i = 0; i < p.anomalyCount; i++) stats.anomalies[p.anomalies[i]!]++;
}

/**
 * Decode a datagram rebuilt by defragmentation. `data` holds the link/tunnel headers of the
 * fragments (data[0, ipOff)) and then the whole IP datagram. When `frag` (the fragment
 * that completed it, already decoded) has the same header layout, its link and tunnel
 * context is carried over and decoding starts at the IP header, so outer length fields
 * that describe only the first fragment are not re-read; otherwise the frame is decoded
 * from the link layer.
 */
export function decodeReassembled(p: Packet, frag: Packet, data: Buffer, ipOff: number, stats: DecodeStats): void {
  p.data = data;
  p.start = 0;
  p.caplen = data.length;
  p.len = data.length;
  p.tsSec = frag.tsSec;
  p.tsNsec = frag.tsNsec;
  p.linkType = frag.linkType;
  p.ifIndex = frag.ifIndex;
  p.frameNo = frag.frameNo;
  if (frag.l3Off - frag.start !== ipOff) {
    decodePacket(p, stats);
    return;
  }
  p.resetDecode();
  const shift = -frag.start;
  // Layers below IP, and the link/tunnel context, as the fragment had them.
  let n = 0;
  while (n < frag.layerCount && frag.layerOffs[n]! < frag.l3Off) {
    p.layerIds[n] = frag.layerIds[n]!;
    p.layerOffs[n] = frag.layerOffs[n]! + shift;
    n++;
  }
  p.layerCount = n;
  p.ethOff = frag.ethOff >= 0 ? frag.ethOff + shift : -1;
  p.innerEthOff = frag.innerEthOff >= 0 ? frag.innerEthOff + shift : -1;
  p.etherType = frag.etherType;
  p.vlanCount = frag.vlanCount;
  p.vlanIds.set(frag.vlanIds);
  p.mplsCount = frag.mplsCount;
  p.mplsLabels.set(frag.mplsLabels);
  p.pppoeSession = frag.pppoeSession;
  p.tunnelDepth = frag.tunnelDepth;
  p.tunnelKind.set(frag.tunnelKind);
  p.tunnelIpVersion.set(frag.tunnelIpVersion);
  for (let i = 0; i < frag.tunnelDepth; i++) {
    p.tunnelSrcOff[i] = frag.tunnelSrcOff[i]! >= 0 ? frag.tunnelSrcOff[i]! + shift : -1;
    p.tunnelDstOff[i] = frag.tunnelDstOff[i]! >= 0 ? frag.tunnelDstOff[i]! + shift : -1;
  }
  p.tunnelProto.set(frag.tunnelProto);
  p.tunnelSrcPort.set(frag.tunnelSrcPort);
  p.tunnelDstPort.set(frag.tunnelDstPort);
  p.tunnelId.set(frag.tunnelId);
  p.vni = frag.vni;
  p.greKey = frag.greKey;
  p.greSeq = frag.greSeq;
  p.greProto = frag.greProto;
  p.erspanVersion = frag.erspanVersion;
  p.erspanSession = frag.erspanSession;
  p.erspanVlan = frag.erspanVlan;
  p.erspanDirection = frag.erspanDirection;
  p.erspanHwId = frag.erspanHwId;

  let layer = frag.ipVersion === 6 ? L_IPV6 : L_IPV4;
  let off = ipOff;
  let end = data.length;
  while (layer !== L_NONE) {
    const i = p.layerCount;
    if (i >= MAX_LAYERS) {
      addAnomaly(p, TOO_MANY_LAYERS, off);
      p.invalid = true;
      stats.tooManyLayers++;
      break;
    }
    p.layerIds[i] = layer;
    p.layerOffs[i] = off;
    p.layerCount = i + 1;
    stats.layerPkts[layer]++;
    layer = DECODERS[layer]!(p, off, end);
    off = p.nextOff;
    end = p.nextEnd;
  }
  for (let i = 0; i < p.anomalyCount; i++) stats.anomalies[p.anomalies[i]!]++;
}
