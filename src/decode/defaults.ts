// The default protocol registrations: which number selects which decoder. Adding a
// protocol is adding its file and a line here. `configureDecoders` changes the port
// based ones from config (for example VXLAN on Linux's legacy port 8472).

import * as L from '../core/layers.js';
import { decodeArp } from './arp.js';
import { decodeChdlc } from './chdlc.js';
import { registerLayer } from './decoder.js';
import { decodeErspan, decodeErspan3 } from './erspan.js';
import { decodeEsp } from './esp.js';
import { decodeEthernet } from './ethernet.js';
import { decodeGeneve } from './geneve.js';
import { decodeGre } from './gre.js';
import { decodeIcmp } from './icmp.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeMpls, decodePseudowireEthernet } from './mpls.js';
import { decodeNsh } from './nsh.js';
import { decodeNull } from './null.js';
import { decodePpp } from './ppp.js';
import { decodePppoeDiscovery, decodePppoeSession } from './pppoe.js';
import { decodeRaw } from './raw.js';
import {
  registerEthertype,
  registerGreProto,
  registerIpProto,
  registerLinkType,
  registerNshProto,
  registerUdpPort,
  unregisterUdpPort,
} from './registry.js';
import { decodeSctp } from './sctp.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeVlan } from './vlan.js';
import { decodeVxlan } from './vxlan.js';

export interface DecoderConfig {
  vxlan: { enabled: boolean; ports: number[] };
  geneve: { enabled: boolean; ports: number[] };
}

export const DEFAULT_DECODER_CONFIG: DecoderConfig = {
  vxlan: { enabled: true, ports: [4789] },
  geneve: { enabled: true, ports: [6081] },
};

let registered = false;
let currentUdpTunnelPorts: number[] = [];

/** Register every decoder and the default numbers. Idempotent. */
export function registerDefaultDecoders(config: DecoderConfig = DEFAULT_DECODER_CONFIG): void {
  if (!registered) {
    registered = true;
    registerLayer(L.L_ETH, decodeEthernet);
    registerLayer(L.L_VLAN, decodeVlan);
    registerLayer(L.L_ARP, decodeArp);
    registerLayer(L.L_IPV4, decodeIpv4);
    registerLayer(L.L_IPV6, decodeIpv6);
    registerLayer(L.L_TCP, decodeTcp);
    registerLayer(L.L_UDP, decodeUdp);
    registerLayer(L.L_ICMP, decodeIcmp);
    registerLayer(L.L_ICMPV6, decodeIcmpv6);
    registerLayer(L.L_SCTP, decodeSctp);
    registerLayer(L.L_VXLAN, decodeVxlan);
    registerLayer(L.L_GENEVE, decodeGeneve);
    registerLayer(L.L_GRE, decodeGre);
    registerLayer(L.L_ERSPAN, decodeErspan);
    registerLayer(L.L_ERSPAN3, decodeErspan3);
    registerLayer(L.L_MPLS, decodeMpls);
    registerLayer(L.L_PW_ETH, decodePseudowireEthernet);
    registerLayer(L.L_PPPOE, decodePppoeSession);
    registerLayer(L.L_PPPOE_DISC, decodePppoeDiscovery);
    registerLayer(L.L_PPP, decodePpp);
    registerLayer(L.L_SLL, decodeSll);
    registerLayer(L.L_SLL2, decodeSll2);
    registerLayer(L.L_NULL, decodeNull);
    registerLayer(L.L_RAW, decodeRaw);
    registerLayer(L.L_ESP, decodeEsp);
    registerLayer(L.L_NSH, decodeNsh);
    registerLayer(L.L_CHDLC, decodeChdlc);

    // EtherTypes
    registerEthertype(0x0800, L.L_IPV4);
    registerEthertype(0x86dd, L.L_IPV6);
    registerEthertype(0x0806, L.L_ARP);
    registerEthertype(0x8100, L.L_VLAN); // 802.1Q C-tag
    registerEthertype(0x88a8, L.L_VLAN); // 802.1ad S-tag
    registerEthertype(0x9100, L.L_VLAN); // pre-standard QinQ
    registerEthertype(0x8847, L.L_MPLS); // MPLS unicast
    registerEthertype(0x8848, L.L_MPLS); // MPLS multicast
    registerEthertype(0x8864, L.L_PPPOE);
    registerEthertype(0x8863, L.L_PPPOE_DISC);
    registerEthertype(0x894f, L.L_NSH); // also reached through Geneve's protocol type

    // IP protocols
    registerIpProto(1, L.L_ICMP);
    registerIpProto(4, L.L_IPV4); // IP-in-IP
    registerIpProto(6, L.L_TCP);
    registerIpProto(17, L.L_UDP);
    registerIpProto(41, L.L_IPV6); // IPv6-in-IP
    registerIpProto(47, L.L_GRE);
    registerIpProto(50, L.L_ESP);
    registerIpProto(58, L.L_ICMPV6);
    registerIpProto(132, L.L_SCTP);
    registerIpProto(137, L.L_MPLS); // MPLS-in-IP (RFC 4023)

    // GRE protocol types (EtherType space)
    registerGreProto(0x0800, L.L_IPV4);
    registerGreProto(0x86dd, L.L_IPV6);
    registerGreProto(0x6558, L.L_ETH); // transparent Ethernet bridging
    registerGreProto(0x88be, L.L_ERSPAN); // ERSPAN type I and II
    registerGreProto(0x22eb, L.L_ERSPAN3); // ERSPAN type III
    registerGreProto(0x8847, L.L_MPLS);
    registerGreProto(0x880b, L.L_PPP); // PPTP
    registerGreProto(0x8100, L.L_VLAN);
    registerGreProto(0x0806, L.L_ARP);
    registerGreProto(0x894f, L.L_NSH);

    // NSH next protocols (RFC 8300 section 11.2.5)
    registerNshProto(1, L.L_IPV4);
    registerNshProto(2, L.L_IPV6);
    registerNshProto(3, L.L_ETH);
    registerNshProto(4, L.L_NSH); // nested NSH; the layer bound stops a loop
    registerNshProto(5, L.L_MPLS);

    // Link types (pcap LINKTYPE_* numbers)
    registerLinkType(1, L.L_ETH); // EN10MB
    registerLinkType(0, L.L_NULL); // BSD loopback
    registerLinkType(108, L.L_NULL); // OpenBSD loopback
    registerLinkType(12, L.L_RAW); // DLT_RAW on most BSDs
    registerLinkType(14, L.L_RAW); // DLT_RAW on OpenBSD
    registerLinkType(101, L.L_RAW); // LINKTYPE_RAW
    registerLinkType(228, L.L_IPV4); // LINKTYPE_IPV4
    registerLinkType(229, L.L_IPV6); // LINKTYPE_IPV6
    registerLinkType(113, L.L_SLL); // Linux cooked v1
    registerLinkType(276, L.L_SLL2); // Linux cooked v2
    registerLinkType(104, L.L_CHDLC); // Cisco HDLC
  }
  configureDecoders(config);
}

/** Re-point the UDP tunnel ports (VXLAN, Geneve) from config. */
export function configureDecoders(config: DecoderConfig): void {
  for (const port of currentUdpTunnelPorts) unregisterUdpPort(port);
  currentUdpTunnelPorts = [];
  if (config.vxlan.enabled) {
    for (const port of config.vxlan.ports) registerUdpPort(port, L.L_VXLAN);
    currentUdpTunnelPorts.push(...config.vxlan.ports);
  }
  if (config.geneve.enabled) {
    for (const port of config.geneve.ports) registerUdpPort(port, L.L_GENEVE);
    currentUdpTunnelPorts.push(...config.geneve.ports);
  }
}
