// Address formatting, used only when a record is written (never on the packet path).
import { u16be } from './bytes.js';

const HEX = '0123456789abcdef';

export function formatMac(buf: Buffer, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const b = buf[off + i]!;
    if (i > 0) s += ':';
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

export function formatIpv4(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** RFC 5952 text form: lower case, longest run of two or more zero groups compressed. */
export function formatIpv6(buf: Buffer, off: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = u16be(buf, off + i * 2);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // An IPv4-mapped address keeps its dotted tail, as Suricata and tshark print it.
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(buf, off + 12)}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += groups[i]!.toString(16);
  }
  return s;
}

export function formatIp(buf: Buffer, off: number, version: number): string {
  return version === 4 ? formatIpv4(buf, off) : formatIpv6(buf, off);
}
