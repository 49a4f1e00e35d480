// Dispatch tables: which decoder handles which number. Decoders never name each other;
// they look up the next layer here by ethertype, IP protocol, UDP port or GRE protocol.
// The tables are flat typed arrays so a lookup is one indexed load.

import type { Packet } from '../core/packet.js';

/**
 * A layer decoder reads its header at [off, end) of p.data, fills the Packet, and returns
 * the id of the next layer (0 to stop), having set p.nextOff and p.nextEnd (see events.next).
 * It never throws: a short or impossible header becomes an anomaly and a 0 return.
 */
export type LayerDecoder = (p: Packet, off: number, end: number) => number;

export const ETHERTYPE_LAYER = new Uint8Array(65536);
export const IPPROTO_LAYER = new Uint8Array(256);
/** By UDP destination port (RFC 7348: VXLAN is identified by destination port only). */
export const UDP_PORT_LAYER = new Uint8Array(65536);
export const GRE_PROTO_LAYER = new Uint8Array(65536);
/** By NSH Next Protocol (RFC 8300 section 11.2.5, an 8-bit IANA registry of its own). */
export const NSH_PROTO_LAYER = new Uint8Array(256);
/** Link type -> first layer. Link types above 511 are not supported. */
export const LINKTYPE_LAYER = new Uint8Array(512);

export function registerEthertype(type: number, layer: number): void {
  ETHERTYPE_LAYER[type] = layer;
}
export function registerIpProto(proto: number, layer: number): void {
  IPPROTO_LAYER[proto] = layer;
}
export function registerUdpPort(port: number, layer: number): void {
  UDP_PORT_LAYER[port] = layer;
}
export function unregisterUdpPort(port: number): void {
  UDP_PORT_LAYER[port] = 0;
}
export function registerGreProto(proto: number, layer: number): void {
  GRE_PROTO_LAYER[proto] = layer;
}
export function registerNshProto(proto: number, layer: number): void {
  NSH_PROTO_LAYER[proto] = layer;
}
export function registerLinkType(linkType: number, layer: number): void {
  LINKTYPE_LAYER[linkType] = layer;
}

/** The first layer for a capture link type, or 0 when vsids cannot decode it. */
export function linkTypeLayer(linkType: number): number {
  return linkType >= 0 && linkType < LINKTYPE_LAYER.length ? LINKTYPE_LAYER[linkType]! : 0;
}
