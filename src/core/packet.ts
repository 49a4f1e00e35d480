// The one decoded packet, reused for every frame.
//
// Capture fills the frame fields (`data` is the reader's chunk buffer; the frame is
// data[start, start + caplen)), the decoder fills the rest. Every offset below is an
// absolute index into `data`, so no per-packet Buffer view has to be allocated. A field
// that is absent holds -1. Downstream stages must copy whatever they keep beyond the
// current packet: the reader reuses its buffer.

import { L_NONE } from './layers.js';

export const MAX_LAYERS = 32;
export const MAX_VLANS = 8;
/** Bound on nested tunnels (VXLAN in GRE in ...), as the issue asks. */
export const MAX_TUNNELS = 8;
export const MAX_ANOMALIES = 16;
export const MAX_MPLS_LABELS = 8;

const EMPTY = Buffer.alloc(0);

export class Packet {
  // --- frame, from capture ---
  data: Buffer = EMPTY;
  start = 0;
  caplen = 0;
  /** Original length on the wire. */
  len = 0;
  tsSec = 0;
  tsNsec = 0;
  linkType = 1;
  ifIndex = 0;
  /** 1-based frame number within its source (pcap_cnt). */
  frameNo = 0;

  // --- layer stack ---
  layerCount = 0;
  readonly layerIds = new Uint8Array(MAX_LAYERS);
  readonly layerOffs = new Int32Array(MAX_LAYERS);
  /** Set by each layer decoder: where the next layer starts and where its bytes end. */
  nextOff = 0;
  nextEnd = 0;
  /** Set by a decoder that wants the loop to stop with an error status (anomaly already recorded). */
  invalid = false;

  // --- link layer ---
  /** Outermost Ethernet header, and the innermost one (after tunnels). */
  ethOff = -1;
  innerEthOff = -1;
  /** Last ethertype / encapsulated protocol seen at L2 (after VLAN tags). */
  etherType = -1;
  vlanCount = 0;
  readonly vlanIds = new Uint16Array(MAX_VLANS);
  /** Number of VLAN tags stacked directly on the current Ethernet header (QinQ depth check). */
  vlanRun = 0;
  mplsCount = 0;
  readonly mplsLabels = new Uint32Array(MAX_MPLS_LABELS);
  /** PPPoE session id, -1 when not PPPoE. */
  pppoeSession = -1;
  /** ARP header offset (innermost ARP seen). */
  arpOff = -1;
  arpOp = -1;

  // --- innermost IP layer ---
  ipVersion = 0;
  l3Off = -1;
  /** IP header length; for IPv6 it includes the extension headers. */
  l3HdrLen = 0;
  /** End of the IP datagram in `data` (total length, clipped to what was captured). */
  l3End = -1;
  srcAddrOff = -1;
  dstAddrOff = -1;
  /** Transport protocol number after IPv6 extension headers; -1 when no IP. */
  ipProto = -1;
  ttl = -1;
  tos = 0;
  ipId = 0;
  /** Fragment offset in bytes, the MF bit, and DF (IPv4). */
  fragOffset = 0;
  fragMore = false;
  fragDontFrag = false;
  isFragment = false;
  /** IPv6 fragment header identification. */
  frag6Id = 0;
  ipv6FlowLabel = 0;
  /** IPv4 header checksum: 0 not checked, 1 ok, 2 bad. */
  ipCsumStatus = 0;
  /** Bit set of IPv4 options seen (see IPOPT_* in decode/ipv4.ts). */
  ipOpts = 0;
  /** IPv6 extension headers seen, as a bit set (see decode/ipv6.ts). */
  ip6Exts = 0;

  // --- transport ---
  l4Off = -1;
  l4HdrLen = 0;
  srcPort = -1;
  dstPort = -1;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWin = 0;
  tcpMss = -1;
  tcpWscale = -1;
  tcpSackPermitted = false;
  tcpSackBlocks = 0;
  tcpHasTs = false;
  tcpTsVal = 0;
  tcpTsEcr = 0;
  icmpType = -1;
  icmpCode = -1;
  icmpId = -1;
  icmpSeq = -1;
  /** Offset of the IP header quoted inside an ICMP error, -1 otherwise. Not a layer. */
  icmpInnerOff = -1;
  sctpVtag = 0;
  udpLen = 0;
  payloadOff = -1;
  payloadLen = 0;

  // --- tunnels: one entry per decapsulation, outermost first ---
  tunnelDepth = 0;
  readonly tunnelKind = new Uint8Array(MAX_TUNNELS);
  readonly tunnelIpVersion = new Uint8Array(MAX_TUNNELS);
  readonly tunnelSrcOff = new Int32Array(MAX_TUNNELS);
  readonly tunnelDstOff = new Int32Array(MAX_TUNNELS);
  readonly tunnelProto = new Int16Array(MAX_TUNNELS);
  readonly tunnelSrcPort = new Int32Array(MAX_TUNNELS);
  readonly tunnelDstPort = new Int32Array(MAX_TUNNELS);
  /** VNI (VXLAN/Geneve), GRE key, ERSPAN session id; -1 when the tunnel has none. */
  readonly tunnelId = new Float64Array(MAX_TUNNELS);
  /** VXLAN/Geneve VNI of the innermost such tunnel, -1 otherwise. */
  vni = -1;
  greKey = -1;
  greSeq = -1;
  greProto = -1;
  erspanVersion = -1;
  erspanSession = -1;
  erspanVlan = -1;
  /** ERSPAN III direction bit: 0 ingress, 1 egress; -1 when unknown. */
  erspanDirection = -1;
  erspanHwId = -1;

  // --- anomalies (codes from decode/anomalies.ts) ---
  anomalyCount = 0;
  readonly anomalies = new Uint16Array(MAX_ANOMALIES);
  /** Byte offset (relative to the frame) where each anomaly was found. */
  readonly anomalyOffs = new Int32Array(MAX_ANOMALIES);

  /** Clear everything the decoder writes; the capture fields stay. */
  resetDecode(): void {
    this.layerCount = 0;
    this.nextOff = 0;
    this.nextEnd = 0;
    this.invalid = false;
    this.ethOff = -1;
    this.innerEthOff = -1;
    this.etherType = -1;
    this.vlanCount = 0;
    this.vlanRun = 0;
    this.mplsCount = 0;
    this.pppoeSession = -1;
    this.arpOff = -1;
    this.arpOp = -1;
    this.ipVersion = 0;
    this.l3Off = -1;
    this.l3HdrLen = 0;
    this.l3End = -1;
    this.srcAddrOff = -1;
    this.dstAddrOff = -1;
    this.ipProto = -1;
    this.ttl = -1;
    this.tos = 0;
    this.ipId = 0;
    this.fragOffset = 0;
    this.fragMore = false;
    this.fragDontFrag = false;
    this.isFragment = false;
    this.frag6Id = 0;
    this.ipv6FlowLabel = 0;
    this.ipCsumStatus = 0;
    this.ipOpts = 0;
    this.ip6Exts = 0;
    this.resetTransport();
    this.tunnelDepth = 0;
    this.vni = -1;
    this.greKey = -1;
    this.greSeq = -1;
    this.greProto = -1;
    this.erspanVersion = -1;
    this.erspanSession = -1;
    this.erspanVlan = -1;
    this.erspanDirection = -1;
    this.erspanHwId = -1;
    this.anomalyCount = 0;
  }

  /** Clear transport fields: called when a new (inner) IP header replaces the current one. */
  resetTransport(): void {
    this.l4Off = -1;
    this.l4HdrLen = 0;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWin = 0;
    this.tcpMss = -1;
    this.tcpWscale = -1;
    this.tcpSackPermitted = false;
    this.tcpSackBlocks = 0;
    this.tcpHasTs = false;
    this.tcpTsVal = 0;
    this.tcpTsEcr = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpId = -1;
    this.icmpSeq = -1;
    this.icmpInnerOff = -1;
    this.sctpVtag = 0;
    this.udpLen = 0;
    this.payloadOff = -1;
    this.payloadLen = 0;
  }

  /** The layer at the top of the stack, L_NONE when empty. */
  lastLayer(): number {
    return this.layerCount === 0 ? L_NONE : this.layerIds[this.layerCount - 1]!;
  }

  hasLayer(id: number): boolean {
    for (let i = 0; i < this.layerCount; i++) if (this.layerIds[i] === id) return true;
    return false;
  }
}
