// ip_proto: IP protocol number or name, with optional < > ! (`ip_proto:tcp;`, `ip_proto:!6;`,
// `ip_proto:>50;`).

import type { KeywordDef } from './registry.js';
import { fail, own, parseUint, U8_MAX, unquote } from './util.js';

/** IANA protocol names (as in /etc/protocols, which Suricata consults). */
export const IP_PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  ipv4: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  'ax.25': 93,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
};

export const ipProto: KeywordDef = {
  names: ['ip_proto'],
  value: 'required',
  setup(b, value, name) {
    const v = unquote(value!).trim();
    const m = /^([<>!]?)\s*(\S+)$/.exec(v);
    if (m === null) fail(name, `"${v}" is not a protocol number or name`);
    const word = m[2]!.toLowerCase();
    const num = /^\d+$/.test(word) ? parseUint(name, word, U8_MAX, 'protocol') : own(IP_PROTOCOL_NUMBERS, word);
    if (num === undefined) fail(name, `unknown protocol "${m[2]}"`);
    const op = m[1] === '<' ? 'lt' : m[1] === '>' ? 'gt' : m[1] === '!' ? 'ne' : 'eq';
    if (op === 'lt' && num === 0) fail(name, '"<0" can never match');
    if (op === 'gt' && num === U8_MAX) fail(name, '">255" can never match');
    b.packetTests.push({ kind: 'ip_proto', compare: { op, value: num } });
  },
};
