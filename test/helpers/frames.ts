// Test helpers: build frames as hex text (for `hex()`), one layer at a time, lengths filled in.
// Each builder puts its header on one line and `body` on the next, so `#` comments in a body stay harmless.

import { hex } from './decode.js';

/** One byte as two hex digits. */
export const h8 = (n: number): string => n.toString(16).padStart(2, '0');
/** A 16-bit number as four hex digits. */
export const h16 = (n: number): string => n.toString(16).padStart(4, '0');
/** Length in bytes of a hex body. */
export const len = (body: string): number => hex(body).length;

/** 192.0.2.1 and 192.0.2.2 (TEST-NET-1), the usual IPv4 endpoints. */
export const V4_A = 'c0000201';
export const V4_B = 'c0000202';
/** 2001:db8::1 and 2001:db8::2, the usual IPv6 endpoints. */
export const V6_A = '20010db8000000000000000000000001';
export const V6_B = '20010db8000000000000000000000002';

/** IPv4 10.0.0.1 -> 10.0.0.2 (valid header checksum), UDP 12345 -> 53, payload "hi": 30 bytes. */
export const IPV4_UDP = '45 00 001e 1234 0000 40 11 5499 0a000001 0a000002  3039 0035 000a 0000 6869';
/** IPv6 2001:db8::1 -> ::2, the same UDP datagram: 50 bytes. */
export const IPV6_UDP = `60000000 000a 11 40 ${V6_A} ${V6_B}\n3039 0035 000a 0000 6869`;

/** Ethernet II, 02:00:00:00:00:01 -> 02:00:00:00:00:02 unless given. */
export const eth = (type: string, body: string, dst = '020000000002', src = '020000000001'): string =>
  `${dst} ${src} ${type}\n${body}\n`;

/** IPv4 without options, id 1, TTL 64; checksum left 0 (vsids reports it, never rejects). `frag`: flags/offset word. */
export const ipv4 = (proto: number, src: string, dst: string, body: string, frag = '0000'): string =>
  `45 00 ${h16(20 + len(body))} 0001 ${frag} 40 ${h8(proto)} 0000 ${src} ${dst}\n${body}\n`;

/** IPv6 without extension headers, traffic class and flow label 0, hop limit 64 unless given. */
export const ipv6 = (nh: number, src: string, dst: string, body: string, hopLimit = 64): string =>
  `60000000 ${h16(len(body))} ${h8(nh)} ${h8(hopLimit)} ${src} ${dst}\n${body}\n`;

/** UDP, checksum 0 (none). */
export const udp = (sport: number, dport: number, body: string): string =>
  `${h16(sport)} ${h16(dport)} ${h16(8 + len(body))} 0000\n${body}\n`;
