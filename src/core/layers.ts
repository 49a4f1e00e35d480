// Layer identifiers: small integers so the decoder can dispatch through a flat array and
// record the layer stack in a Uint8Array. The names are what `vsids decode` prints.

export const L_NONE = 0;
export const L_ETH = 1;
export const L_VLAN = 2;
export const L_ARP = 3;
export const L_IPV4 = 4;
export const L_IPV6 = 5;
export const L_TCP = 6;
export const L_UDP = 7;
export const L_ICMP = 8;
export const L_ICMPV6 = 9;
export const L_SCTP = 10;
export const L_VXLAN = 11;
export const L_GENEVE = 12;
export const L_GRE = 13;
export const L_ERSPAN = 14;
export const L_MPLS = 15;
export const L_PPPOE = 16;
export const L_PPP = 17;
export const L_SLL = 18;
export const L_SLL2 = 19;
export const L_NULL = 20;
/** Raw IP link types: the first nibble says IPv4 or IPv6. */
export const L_RAW = 21;
export const L_IPV6_EXT = 22;
export const L_ESP = 23;
export const L_PPPOE_DISC = 24;
export const L_ERSPAN3 = 25;
/** Pseudowire control word before an Ethernet frame carried over MPLS. */
export const L_PW_ETH = 26;
/** Network Service Header (RFC 8300). */
export const L_NSH = 27;
/** Cisco HDLC link type (LINKTYPE_C_HDLC = 104). */
export const L_CHDLC = 28;
export const LAYER_COUNT = 29;

export const LAYER_NAMES: readonly string[] = [
  'none',
  'eth',
  'vlan',
  'arp',
  'ipv4',
  'ipv6',
  'tcp',
  'udp',
  'icmp',
  'icmpv6',
  'sctp',
  'vxlan',
  'geneve',
  'gre',
  'erspan',
  'mpls',
  'pppoe',
  'ppp',
  'sll',
  'sll2',
  'null',
  'raw',
  'ipv6_ext',
  'esp',
  'pppoe_disc',
  'erspan',
  'pw',
  'nsh',
  'chdlc',
];

// Tunnel kinds kept in the Packet's tunnel stack.
export const T_NONE = 0;
export const T_VXLAN = 1;
export const T_GENEVE = 2;
export const T_GRE = 3;
export const T_ERSPAN1 = 4;
export const T_ERSPAN2 = 5;
export const T_ERSPAN3 = 6;
export const T_IPIP = 7;
export const T_MPLS = 8;

export const TUNNEL_NAMES: readonly string[] = [
  'none',
  'vxlan',
  'geneve',
  'gre',
  'erspan1',
  'erspan2',
  'erspan3',
  'ipip',
  'mpls',
];

/** IANA protocol names as Suricata prints them in EVE `proto`. */
export function ipProtoName(proto: number): string {
  switch (proto) {
    case 1:
      return 'ICMP';
    case 6:
      return 'TCP';
    case 17:
      return 'UDP';
    case 58:
      return 'IPv6-ICMP';
    case 132:
      return 'SCTP';
    case 47:
      return 'GRE';
    case 50:
      return 'ESP';
    case 51:
      return 'AH';
    case 2:
      return 'IGMP';
    default:
      return String(proto);
  }
}
