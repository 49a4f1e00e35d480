// Factory for header-field keywords that take a Suricata integer comparison
// (ttl, itype, icode, icmp_id, icmp_seq, seq, ack, window, fragoffset).

import type { PacketTest } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail, parseUintCompare, unquote } from './util.js';

type NumericKind = Extract<PacketTest, { compare: unknown }>['kind'];

export function numericKeyword(kind: Exclude<NumericKind, 'ip_proto'>, max: number): KeywordDef {
  return {
    names: [kind],
    value: 'required',
    setup(b, value, name) {
      if (b.once(kind)) fail(name, 'duplicated keyword');
      b.packetTests.push({ kind, compare: parseUintCompare(name, unquote(value!), max) });
    },
  };
}
