// Header tests of a rule (Suricata's "match" list): flags, fragbits, ttl, itype, icode,
// icmp_id, icmp_seq, dsize, seq, ack, window, fragoffset, ip_proto, ipopts, sameip. Each reads
// the decoded Packet; a field the packet does not have fails the test, as in Suricata.

import type { Packet } from '../../core/packet.js';
import {
  IPOPT_EOL,
  IPOPT_ESEC,
  IPOPT_LSRR,
  IPOPT_NOP,
  IPOPT_RR,
  IPOPT_SEC,
  IPOPT_SID,
  IPOPT_SSRR,
  IPOPT_TS,
} from '../../decode/ipv4.js';
import type { FlagSetTest, IpOption, PacketTest } from '../rules/types.js';
import { compareUint } from './payload.js';

const IPOPT_BITS: Record<IpOption, number> = {
  rr: IPOPT_RR,
  eol: IPOPT_EOL,
  nop: IPOPT_NOP,
  ts: IPOPT_TS,
  sec: IPOPT_SEC,
  esec: IPOPT_ESEC,
  lsrr: IPOPT_LSRR,
  lsrre: IPOPT_LSRR,
  ssrr: IPOPT_SSRR,
  satid: IPOPT_SID,
  any: 0xffff,
};

function flagSet(t: FlagSetTest, value: number): boolean {
  const v = value & ~t.ignore;
  switch (t.mode) {
    case 'exact':
      return v === t.bits;
    case 'plus':
      return (v & t.bits) === t.bits;
    case 'any':
      return (v & t.bits) !== 0;
    default:
      return (v & t.bits) === 0;
  }
}

function sameAddress(p: Packet): boolean {
  const n = p.ipVersion === 6 ? 16 : 4;
  const d = p.data;
  for (let i = 0; i < n; i++) if (d[p.srcAddrOff + i] !== d[p.dstAddrOff + i]) return false;
  return true;
}

/** Does the packet pass one header test? */
export function packetTestPasses(t: PacketTest, p: Packet): boolean {
  const isTcp = p.ipProto === 6 && p.l4Off >= 0;
  const isIcmp = (p.ipProto === 1 || p.ipProto === 58) && p.icmpType >= 0;
  switch (t.kind) {
    case 'flags':
      return isTcp && flagSet(t.test, p.tcpFlags);
    case 'fragbits': {
      if (p.ipVersion !== 4) return false;
      const bits = (p.fragDontFrag ? 0x2 : 0) | (p.fragMore ? 0x1 : 0);
      return flagSet(t.test, bits);
    }
    case 'ttl':
      return p.ttl >= 0 && compareUint(t.compare, p.ttl);
    case 'itype':
      return isIcmp && compareUint(t.compare, p.icmpType);
    case 'icode':
      return isIcmp && compareUint(t.compare, p.icmpCode);
    case 'icmp_id':
      return isIcmp && p.icmpId >= 0 && compareUint(t.compare, p.icmpId);
    case 'icmp_seq':
      return isIcmp && p.icmpSeq >= 0 && compareUint(t.compare, p.icmpSeq);
    case 'dsize':
      return p.l4Off >= 0 && compareUint(t.compare, p.payloadLen);
    case 'seq':
      return isTcp && compareUint(t.compare, p.tcpSeq >>> 0);
    case 'ack':
      return isTcp && compareUint(t.compare, p.tcpAck >>> 0);
    case 'window':
      return isTcp && compareUint(t.compare, p.tcpWin);
    case 'fragoffset':
      return p.l3Off >= 0 && compareUint(t.compare, p.fragOffset);
    case 'ip_proto':
      return p.ipProto >= 0 && compareUint(t.compare, p.ipProto);
    case 'ipopts':
      return p.ipVersion === 4 && (p.ipOpts & IPOPT_BITS[t.option]) !== 0;
    case 'sameip':
      return p.srcAddrOff >= 0 && sameAddress(p);
    default:
      return false;
  }
}
