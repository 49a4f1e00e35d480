// Every decoder event vsids can raise, by stable dotted name.
//
// Names are Suricata's decoder event names (`decoder.event.<layer>.<event>` in its stats,
// `decoder.<layer>.<event>` in EVE anomaly records) wherever Suricata has one; entries marked
// `false` are vsids's own, for conditions Suricata does not name. The numeric code of an
// event is its index here; the Packet stores codes, and names are looked up only on output.

const TABLE: ReadonlyArray<readonly [name: string, suricata: boolean]> = [
  // vsids-only events (L2/L3 decoders: add new ones in this block)
  ['generic.too_many_layers', false],
  ['generic.tunnel_too_deep', false],
  ['vxlan.header_too_small', false],
  ['vxlan.flags_invalid', false],
  ['geneve.header_too_small', false],
  ['geneve.opt_len_invalid', false],
  ['geneve.unsupported_version', false],
  ['gre.unknown_protocol', false],
  ['mpls.too_many_labels', false],
  ['ipv6.ext_too_many', false],
  ['icmpv4.trunc_inner', false],
  ['pppoe.unsupported_version', false],
  // vsids-only events (L4 and tunnel decoders: add new ones in this block)
  ['tcp.opt_trunc', false],
  ['sctp.trunc_pkt', false],
  ['erspan.unsupported_frame_type', false],
  // arp
  ['arp.invalid_hardware_size', true],
  ['arp.invalid_pkt', true],
  ['arp.invalid_protocol_size', true],
  ['arp.pkt_too_small', true],
  ['arp.unsupported_hardware', true],
  ['arp.unsupported_opcode', true],
  ['arp.unsupported_protocol', true],
  // chdlc
  ['chdlc.pkt_too_small', true],
  // erspan
  ['erspan.header_too_small', true],
  ['erspan.too_many_vlan_layers', true],
  ['erspan.unsupported_version', true],
  // esp
  ['esp.pkt_too_small', true],
  // ethernet
  ['ethernet.pkt_too_small', true],
  ['ethernet.unknown_ethertype', true],
  // geneve
  ['geneve.unknown_payload_type', true],
  // gre
  ['gre.pkt_too_small', true],
  ['gre.version0_flags', true],
  ['gre.version0_hdr_too_big', true],
  ['gre.version0_malformed_sre_hdr', true],
  ['gre.version0_recur', true],
  ['gre.version1_chksum', true],
  ['gre.version1_flags', true],
  ['gre.version1_hdr_too_big', true],
  ['gre.version1_malformed_sre_hdr', true],
  ['gre.version1_no_key', true],
  ['gre.version1_recur', true],
  ['gre.version1_route', true],
  ['gre.version1_ssr', true],
  ['gre.version1_wrong_protocol', true],
  ['gre.wrong_version', true],
  // icmpv4
  ['icmpv4.ipv4_trunc_pkt', true],
  ['icmpv4.ipv4_unknown_ver', true],
  ['icmpv4.pkt_too_small', true],
  ['icmpv4.unknown_code', true],
  ['icmpv4.unknown_type', true],
  // icmpv6
  ['icmpv6.experimentation_type', true],
  ['icmpv6.ipv6_trunc_pkt', true],
  ['icmpv6.ipv6_unknown_version', true],
  ['icmpv6.mld_message_with_invalid_hl', true],
  ['icmpv6.pkt_too_small', true],
  ['icmpv6.unassigned_type', true],
  ['icmpv6.unknown_code', true],
  ['icmpv6.unknown_type', true],
  // ipraw
  ['ipraw.invalid_ip_version', true],
  // ipv4
  ['ipv4.frag_ignored', true],
  ['ipv4.frag_overlap', true],
  ['ipv4.frag_pkt_too_large', true],
  ['ipv4.hlen_too_small', true],
  ['ipv4.icmpv6', true],
  ['ipv4.iplen_smaller_than_hlen', true],
  ['ipv4.opt_duplicate', true],
  ['ipv4.opt_eol_required', true],
  ['ipv4.opt_invalid', true],
  ['ipv4.opt_invalid_len', true],
  ['ipv4.opt_malformed', true],
  ['ipv4.opt_pad_required', true],
  ['ipv4.opt_unknown', true],
  ['ipv4.pkt_too_small', true],
  ['ipv4.trunc_pkt', true],
  ['ipv4.unknown_protocol', true],
  ['ipv4.wrong_ip_version', true],
  // ipv6
  ['ipv6.data_after_none_header', true],
  ['ipv6.dstopts_only_padding', true],
  ['ipv6.dstopts_unknown_opt', true],
  ['ipv6.exthdr_ah_res_not_null', true],
  ['ipv6.exthdr_dupl_ah', true],
  ['ipv6.exthdr_dupl_dh', true],
  ['ipv6.exthdr_dupl_eh', true],
  ['ipv6.exthdr_dupl_fh', true],
  ['ipv6.exthdr_dupl_hh', true],
  ['ipv6.exthdr_dupl_rh', true],
  ['ipv6.exthdr_invalid_optlen', true],
  ['ipv6.exthdr_useless_fh', true],
  ['ipv6.fh_non_zero_reserved_field', true],
  ['ipv6.frag_ignored', true],
  ['ipv6.frag_invalid_length', true],
  ['ipv6.frag_overlap', true],
  ['ipv6.frag_pkt_too_large', true],
  ['ipv6.hopopts_only_padding', true],
  ['ipv6.hopopts_unknown_opt', true],
  ['ipv6.icmpv4', true],
  ['ipv6.ipv4_in_ipv6_too_small', true],
  ['ipv6.ipv4_in_ipv6_wrong_version', true],
  ['ipv6.ipv6_in_ipv6_too_small', true],
  ['ipv6.ipv6_in_ipv6_wrong_version', true],
  ['ipv6.pkt_too_small', true],
  ['ipv6.rh_type_0', true],
  ['ipv6.trunc_exthdr', true],
  ['ipv6.trunc_pkt', true],
  ['ipv6.unknown_next_header', true],
  ['ipv6.wrong_ip_version', true],
  ['ipv6.zero_len_padn', true],
  // ltnull
  ['ltnull.pkt_too_small', true],
  ['ltnull.unsupported_type', true],
  // mpls
  ['mpls.bad_label_implicit_null', true],
  ['mpls.bad_label_reserved', true],
  ['mpls.bad_label_router_alert', true],
  ['mpls.header_too_small', true],
  ['mpls.pkt_too_small', true],
  ['mpls.unknown_payload_type', true],
  // nsh
  ['nsh.bad_header_length', true],
  ['nsh.header_too_small', true],
  ['nsh.reserved_type', true],
  ['nsh.unknown_payload', true],
  ['nsh.unsupported_type', true],
  ['nsh.unsupported_version', true],
  // ppp
  ['ppp.ip4_pkt_too_small', true],
  ['ppp.ip6_pkt_too_small', true],
  ['ppp.pkt_too_small', true],
  ['ppp.unsup_proto', true],
  ['ppp.vju_pkt_too_small', true],
  ['ppp.wrong_type', true],
  // pppoe
  ['pppoe.malformed_tags', true],
  ['pppoe.pkt_too_small', true],
  ['pppoe.wrong_code', true],
  // sctp
  ['sctp.chunk_len_invalid', true],
  ['sctp.chunk_too_small', true],
  ['sctp.data_with_zero_vtag', true],
  ['sctp.init_chunk_bundled', true],
  ['sctp.init_with_non_zero_vtag', true],
  ['sctp.pkt_too_small', true],
  ['sctp.too_many_chunks', true],
  ['sctp.too_many_data_chunks', true],
  // sll
  ['sll.pkt_too_small', true],
  // sll2
  ['sll2.pkt_too_small', true],
  // tcp
  ['tcp.hlen_too_small', true],
  ['tcp.invalid_optlen', true],
  ['tcp.opt_duplicate', true],
  ['tcp.opt_invalid_len', true],
  ['tcp.pkt_too_small', true],
  // udp
  ['udp.hlen_invalid', true],
  ['udp.hlen_too_small', true],
  ['udp.len_invalid', true],
  ['udp.pkt_too_small', true],
  // vlan
  ['vlan.header_too_small', true],
  ['vlan.too_many_layers', true],
  ['vlan.unknown_type', true],
  // vxlan
  ['vxlan.unknown_payload_type', true],
];

export const ANOMALY_COUNT = TABLE.length;
/** Short names (`ipv4.hlen_too_small`), as `vsids decode` prints them. */
export const ANOMALY_NAMES: readonly string[] = TABLE.map((e) => e[0]);
/** True when Suricata's EVE stats schema has a `decoder.event.<layer>.<event>` counter for it. */
export const ANOMALY_IN_SURICATA_STATS: readonly boolean[] = TABLE.map((e) => e[1]);

const CODE_BY_NAME = new Map<string, number>(ANOMALY_NAMES.map((n, i) => [n, i]));

/** The code of a named anomaly; throws at start-up (a programmer error) if the name is not in the table. */
export function anomalyCode(name: string): number {
  const code = CODE_BY_NAME.get(name);
  if (code === undefined) throw new Error(`unknown anomaly name: ${name}`);
  return code;
}

/** The EVE `anomaly.event` value for a code, as Suricata writes it. */
export function anomalyEventName(code: number): string {
  return `decoder.${ANOMALY_NAMES[code]}`;
}

/** The layer part of an anomaly's name (`ipv4` for `ipv4.hlen_too_small`). */
export function anomalyLayer(code: number): string {
  const name = ANOMALY_NAMES[code]!;
  return name.slice(0, name.indexOf('.'));
}
