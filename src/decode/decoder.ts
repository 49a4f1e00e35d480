// The decode loop: start at the link type's first layer and let each layer decoder name
// the next one, until a decoder returns 0, an anomaly stops the packet, or the layer
// bound is reached. Everything is written into the caller's reused Packet.

import { L_NONE, LAYER_COUNT } from '../core/layers.js';
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
