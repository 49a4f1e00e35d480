// Rule variables ($HOME_NET, $HTTP_PORTS, ...) and the address / port groups of rule headers,
// compiled to sorted ranges the engine tests with a binary search.
//
// Grammar (Suricata's, doc: rules/intro "Source and destination", "Ports"):
//   group := '!'? ( 'any' | '$'NAME | '[' group (',' group)* ']' | address | port )
//   address := IPv4 | IPv4/len | IPv4/netmask | IPv4-IPv4 | IPv6 | IPv6/len | IPv6-IPv6
//   port := N | N:M | N: | :M
// Inside a list, negated items are subtracted from the union of the others (from everything
// when the list has only negations): `[10.0.0.0/8,!10.1.0.0/16]`, `[!80]`, `![1:1023,8080]`.

import { isIPv4, isIPv6 } from 'node:net';
import { type AddressGroup, type PortGroup, RuleError } from './types.js';

/** Address groups of Suricata's default suricata.yaml (7.x/8.x `vars.address-groups`). */
export const DEFAULT_ADDRESS_VARS: Readonly<Record<string, string>> = {
  HOME_NET: '[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]',
  EXTERNAL_NET: '!$HOME_NET',
  HTTP_SERVERS: '$HOME_NET',
  SMTP_SERVERS: '$HOME_NET',
  SQL_SERVERS: '$HOME_NET',
  DNS_SERVERS: '$HOME_NET',
  TELNET_SERVERS: '$HOME_NET',
  AIM_SERVERS: '$EXTERNAL_NET',
  DC_SERVERS: '$HOME_NET',
  DNP3_SERVER: '$HOME_NET',
  DNP3_CLIENT: '$HOME_NET',
  MODBUS_CLIENT: '$HOME_NET',
  MODBUS_SERVER: '$HOME_NET',
  ENIP_CLIENT: '$HOME_NET',
  ENIP_SERVER: '$HOME_NET',
};

/** Port groups of Suricata's default suricata.yaml (`vars.port-groups`). */
export const DEFAULT_PORT_VARS: Readonly<Record<string, string>> = {
  HTTP_PORTS: '80',
  SHELLCODE_PORTS: '!80',
  ORACLE_PORTS: '1521',
  SSH_PORTS: '22',
  DNP3_PORTS: '20000',
  MODBUS_PORTS: '502',
  FILE_DATA_PORTS: '[$HTTP_PORTS,110,143]',
  FTP_PORTS: '21',
  GENEVE_PORTS: '6081',
  VXLAN_PORTS: '4789',
  TEREDO_PORTS: '3544',
};

/** Variable tables; a name may be in both (an override of a name neither default knows). */
export interface Vars {
  readonly address: ReadonlyMap<string, string>;
  readonly port: ReadonlyMap<string, string>;
}

export function defaultVars(): Vars {
  return {
    address: new Map(Object.entries(DEFAULT_ADDRESS_VARS)),
    port: new Map(Object.entries(DEFAULT_PORT_VARS)),
  };
}

/** Parse a `--var NAME=VALUE` argument (a leading `$` on NAME is allowed). Throws Error. */
export function parseVarAssignment(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`"${arg}" is not NAME=VALUE`);
  let name = arg.slice(0, eq).trim();
  if (name.startsWith('$')) name = name.slice(1);
  const value = arg.slice(eq + 1).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a valid variable name`);
  if (value === '') throw new Error(`variable ${name} has an empty value`);
  return [name, value];
}

/**
 * `base` with overrides laid over it. A name already known as an address (port) variable
 * replaces that one; an unknown name is defined in both tables (its use decides its kind).
 */
export function varsWith(base: Vars, overrides: Iterable<readonly [string, string]> | readonly string[]): Vars {
  const address = new Map(base.address);
  const port = new Map(base.port);
  for (const item of overrides as Iterable<string | readonly [string, string]>) {
    const [name, value] = typeof item === 'string' ? parseVarAssignment(item) : item;
    const inAddr = address.has(name);
    const inPort = port.has(name);
    if (inAddr || !inPort) address.set(name, value);
    if (inPort || !inAddr) port.set(name, value);
  }
  return { address, port };
}

/**
 * Compile every variable; returns one message per variable that does not parse. A name in both
 * tables (an override neither default knows) only has to parse as one of the two kinds.
 */
export function checkVars(vars: Vars): string[] {
  const c = groupCompiler(vars);
  const problems: string[] = [];
  const names = new Set([...vars.address.keys(), ...vars.port.keys()]);
  for (const name of names) {
    let firstError: Error | null = null;
    let ok = false;
    for (const kind of ['address', 'port'] as const) {
      if (!(kind === 'address' ? vars.address : vars.port).has(name)) continue;
      try {
        if (kind === 'address') c.address(`$${name}`, 'address variable');
        else c.port(`$${name}`, 'port variable');
        ok = true;
      } catch (err) {
        firstError ??= err as Error;
      }
    }
    if (!ok && firstError !== null) problems.push(firstError.message);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Membership tests on compiled groups (used by the engine and by tests).

/** Is the IPv4 address (unsigned 32-bit number) in the group? */
export function addressGroupHasV4(g: AddressGroup, addr: number): boolean {
  if (g.any) return true;
  const r = g.v4;
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  addr >>>= 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (addr < r[mid * 2]!) hi = mid - 1;
    else if (addr > r[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Is the IPv6 address at buf[off..off+16) in the group? */
export function addressGroupHasV6(g: AddressGroup, buf: Uint8Array, off: number): boolean {
  if (g.any) return true;
  const r = g.v6;
  const w0 = readU32(buf, off);
  const w1 = readU32(buf, off + 4);
  const w2 = readU32(buf, off + 8);
  const w3 = readU32(buf, off + 12);
  let lo = 0;
  let hi = (r.length >> 3) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = mid * 8;
    if (cmp6(w0, w1, w2, w3, r, b) < 0) hi = mid - 1;
    else if (cmp6(w0, w1, w2, w3, r, b + 4) > 0) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Is the port in the group? */
export function portGroupHas(g: PortGroup, port: number): boolean {
  if (g.any) return true;
  const r = g.ranges;
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (port < r[mid * 2]!) hi = mid - 1;
    else if (port > r[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Text address helper (tests, CLI): IPv4 dotted or IPv6 text. */
export function addressGroupHas(g: AddressGroup, ip: string): boolean {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return addressGroupHasV4(g, v4);
  const v6 = parseIpv6(ip);
  if (v6 === null) throw new Error(`"${ip}" is not an IP address`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[i * 2] = v6[i]! >> 8;
    bytes[i * 2 + 1] = v6[i]! & 0xff;
  }
  return addressGroupHasV6(g, bytes, 0);
}

function readU32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

function cmp6(w0: number, w1: number, w2: number, w3: number, r: Uint32Array, b: number): number {
  if (w0 !== r[b]) return w0 < r[b]! ? -1 : 1;
  if (w1 !== r[b + 1]) return w1 < r[b + 1]! ? -1 : 1;
  if (w2 !== r[b + 2]) return w2 < r[b + 2]! ? -1 : 1;
  if (w3 !== r[b + 3]) return w3 < r[b + 3]! ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// IP text parsing.

/** Dotted-quad IPv4 to an unsigned 32-bit number, or null. */
export function parseIpv4(s: string): number | null {
  if (!isIPv4(s)) return null;
  const p = s.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** IPv6 text (with `::` and an optional dotted tail) to eight 16-bit groups, or null. */
export function parseIpv6(s: string): number[] | null {
  if (!isIPv6(s) || s.includes('%')) return null;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const halves = text.split('::');
  let groups: number[];
  if (halves.length === 2) {
    const head = parse(halves[0]!);
    const rest = parse(halves[1]!);
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    groups = parse(text);
  }
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

// ---------------------------------------------------------------------------------------------
// Range sets. bigint for both families (compile time only); v4 fits in 32 bits, v6 in 128.

type Range = [bigint, bigint];

interface AddrSet {
  v4: Range[];
  v6: Range[];
}

const V4_MAX = 0xffffffffn;
const V6_MAX = (1n << 128n) - 1n;

function normalize(ranges: Range[]): Range[] {
  if (ranges.length <= 1) return ranges.slice();
  const sorted = ranges.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1n) {
      if (r[1] > last[1]) last[1] = r[1];
    } else {
      out.push([r[0], r[1]]);
    }
  }
  return out;
}

function subtract(a: Range[], b: Range[]): Range[] {
  if (b.length === 0) return a;
  const bs = normalize(b);
  const out: Range[] = [];
  for (const [start, end] of normalize(a)) {
    let cur = start;
    for (const [bs0, be0] of bs) {
      if (be0 < cur || bs0 > end) continue;
      if (bs0 > cur) out.push([cur, bs0 - 1n]);
      cur = be0 + 1n;
      if (cur > end) break;
    }
    if (cur <= end) out.push([cur, end]);
  }
  return out;
}

function allAddresses(): AddrSet {
  return { v4: [[0n, V4_MAX]], v6: [[0n, V6_MAX]] };
}

function isAllAddresses(s: AddrSet): boolean {
  const full = (r: Range[], max: bigint): boolean => r.length === 1 && r[0]![0] === 0n && r[0]![1] === max;
  return full(s.v4, V4_MAX) && full(s.v6, V6_MAX);
}

// ---------------------------------------------------------------------------------------------
// Group expression tokenizer/parser, shared by addresses and ports.

type Node =
  | { t: 'neg'; item: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'var'; name: string }
  | { t: 'any' }
  | { t: 'atom'; text: string };

function parseGroupExpr(text: string, what: string): Node {
  let pos = 0;
  const s = text;
  const fail = (msg: string): never => {
    throw new RuleError(`${what}: ${msg} in "${text}"`);
  };
  const skipWs = (): void => {
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t')) pos++;
  };
  const item = (): Node => {
    skipWs();
    if (pos >= s.length) return fail('missing value');
    const c = s[pos]!;
    if (c === '!') {
      pos++;
      return { t: 'neg', item: item() };
    }
    if (c === '[') {
      pos++;
      const items: Node[] = [];
      skipWs();
      if (s[pos] === ']') return fail('empty list');
      for (;;) {
        items.push(item());
        skipWs();
        if (s[pos] === ',') {
          pos++;
          continue;
        }
        if (s[pos] === ']') {
          pos++;
          break;
        }
        return fail(pos >= s.length ? 'missing "]"' : `unexpected "${s[pos]}"`);
      }
      return { t: 'list', items };
    }
    let end = pos;
    while (end < s.length && !',[]! \t'.includes(s[end]!)) end++;
    const word = s.slice(pos, end);
    if (word === '') return fail(`unexpected "${c}"`);
    pos = end;
    if (word.toLowerCase() === 'any') return { t: 'any' };
    if (word.startsWith('$')) {
      const name = word.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`"${word}" is not a valid variable name`);
      return { t: 'var', name };
    }
    return { t: 'atom', text: word };
  };
  const node = item();
  skipWs();
  if (pos < s.length) fail(`unexpected "${s[pos]}"`);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Compilation with per-Vars caches.

export interface GroupCompiler {
  /** Compile an address group; `what` names the header part in error messages. */
  address(text: string, what: string): AddressGroup;
  port(text: string, what: string): PortGroup;
}

const compilers = new WeakMap<Vars, GroupCompiler>();

/** The (cached) compiler for a Vars object. */
export function groupCompiler(vars: Vars): GroupCompiler {
  let c = compilers.get(vars);
  if (c === undefined) {
    c = makeCompiler(vars);
    compilers.set(vars, c);
  }
  return c;
}

function makeCompiler(vars: Vars): GroupCompiler {
  const addrVarCache = new Map<string, AddrSet>();
  const portVarCache = new Map<string, Range[]>();
  const addrCache = new Map<string, AddressGroup>();
  const portCache = new Map<string, PortGroup>();

  const addrVar = (name: string, what: string, stack: string[]): AddrSet => {
    const hit = addrVarCache.get(name);
    if (hit !== undefined) return hit;
    const value = vars.address.get(name);
    if (value === undefined) {
      const hint = vars.port.has(name) ? ' (it is a port variable)' : '';
      throw new RuleError(`${what}: unknown address variable $${name}${hint}`);
    }
    if (stack.includes(name)) throw new RuleError(`${what}: variable $${name} refers to itself`);
    const set = evalAddr(parseGroupExpr(value, `${what}: $${name}`), `${what}: $${name}`, [...stack, name]);
    addrVarCache.set(name, set);
    return set;
  };

  const evalAddr = (node: Node, what: string, stack: string[]): AddrSet => {
    switch (node.t) {
      case 'any':
        return allAddresses();
      case 'var':
        return addrVar(node.name, what, stack);
      case 'atom':
        return parseAddressAtom(node.text, what);
      case 'neg': {
        const inner = evalAddr(node.item, what, stack);
        const all = allAddresses();
        return { v4: subtract(all.v4, inner.v4), v6: subtract(all.v6, inner.v6) };
      }
      case 'list': {
        const pos: AddrSet = { v4: [], v6: [] };
        const neg: AddrSet = { v4: [], v6: [] };
        let positives = 0;
        for (const it of node.items) {
          if (it.t === 'neg') {
            const s = evalAddr(it.item, what, stack);
            neg.v4.push(...s.v4);
            neg.v6.push(...s.v6);
          } else {
            const s = evalAddr(it, what, stack);
            pos.v4.push(...s.v4);
            pos.v6.push(...s.v6);
            positives++;
          }
        }
        const base = positives === 0 ? allAddresses() : pos;
        return { v4: normalize(subtract(base.v4, neg.v4)), v6: normalize(subtract(base.v6, neg.v6)) };
      }
    }
  };

  const portVar = (name: string, what: string, stack: string[]): Range[] => {
    const hit = portVarCache.get(name);
    if (hit !== undefined) return hit;
    const value = vars.port.get(name);
    if (value === undefined) {
      const hint = vars.address.has(name) ? ' (it is an address variable)' : '';
      throw new RuleError(`${what}: unknown port variable $${name}${hint}`);
    }
    if (stack.includes(name)) throw new RuleError(`${what}: variable $${name} refers to itself`);
    const set = evalPort(parseGroupExpr(value, `${what}: $${name}`), `${what}: $${name}`, [...stack, name]);
    portVarCache.set(name, set);
    return set;
  };

  const ALL_PORTS: Range[] = [[0n, 65535n]];
  const evalPort = (node: Node, what: string, stack: string[]): Range[] => {
    switch (node.t) {
      case 'any':
        return ALL_PORTS;
      case 'var':
        return portVar(node.name, what, stack);
      case 'atom':
        return [parsePortAtom(node.text, what)];
      case 'neg':
        return subtract(ALL_PORTS, evalPort(node.item, what, stack));
      case 'list': {
        const pos: Range[] = [];
        const neg: Range[] = [];
        let positives = 0;
        for (const it of node.items) {
          if (it.t === 'neg') neg.push(...evalPort(it.item, what, stack));
          else {
            pos.push(...evalPort(it, what, stack));
            positives++;
          }
        }
        return normalize(subtract(positives === 0 ? ALL_PORTS : pos, neg));
      }
    }
  };

  return {
    address(text: string, what: string): AddressGroup {
      const key = `${what}\u0000${text}`;
      const hit = addrCache.get(key);
      if (hit !== undefined) return hit;
      const set = evalAddr(parseGroupExpr(text, what), what, []);
      const v4 = normalize(set.v4);
      const v6 = normalize(set.v6);
      if (v4.length === 0 && v6.length === 0) throw new RuleError(`${what}: "${text}" matches no address`);
      const any = isAllAddresses({ v4, v6 });
      const g: AddressGroup = { text, any, v4: packV4(v4), v6: packV6(v6) };
      addrCache.set(key, g);
      return g;
    },
    port(text: string, what: string): PortGroup {
      const key = `${what}\u0000${text}`;
      const hit = portCache.get(key);
      if (hit !== undefined) return hit;
      const ranges = normalize(evalPort(parseGroupExpr(text, what), what, []));
      if (ranges.length === 0) throw new RuleError(`${what}: "${text}" matches no port`);
      const any = ranges.length === 1 && ranges[0]![0] === 0n && ranges[0]![1] === 65535n;
      const packed = new Uint16Array(ranges.length * 2);
      ranges.forEach((r, i) => {
        packed[i * 2] = Number(r[0]);
        packed[i * 2 + 1] = Number(r[1]);
      });
      const g: PortGroup = { text, any, ranges: packed };
      portCache.set(key, g);
      return g;
    },
  };
}

function packV4(ranges: Range[]): Uint32Array {
  const out = new Uint32Array(ranges.length * 2);
  ranges.forEach((r, i) => {
    out[i * 2] = Number(r[0]);
    out[i * 2 + 1] = Number(r[1]);
  });
  return out;
}

function packV6(ranges: Range[]): Uint32Array {
  const out = new Uint32Array(ranges.length * 8);
  ranges.forEach((r, i) => {
    for (let k = 0; k < 2; k++) {
      const v = r[k]!;
      for (let w = 0; w < 4; w++) out[i * 8 + k * 4 + w] = Number((v >> BigInt(96 - 32 * w)) & 0xffffffffn);
    }
  });
  return out;
}

function v6ToBig(groups: number[]): bigint {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** One address: IP, CIDR, IP/netmask or IP-IP range. */
function parseAddressAtom(text: string, what: string): AddrSet {
  const bad = (why = 'is not a valid address'): never => {
    throw new RuleError(`${what}: "${text}" ${why}`);
  };
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = text.slice(0, dash);
    const b = text.slice(dash + 1);
    const a4 = parseIpv4(a);
    const b4 = parseIpv4(b);
    if (a4 !== null && b4 !== null) {
      if (a4 > b4) bad('is a range whose start is above its end');
      return { v4: [[BigInt(a4), BigInt(b4)]], v6: [] };
    }
    const a6 = parseIpv6(a);
    const b6 = parseIpv6(b);
    if (a6 !== null && b6 !== null) {
      const x = v6ToBig(a6);
      const y = v6ToBig(b6);
      if (x > y) bad('is a range whose start is above its end');
      return { v4: [], v6: [[x, y]] };
    }
    return bad();
  }
  const slash = text.indexOf('/');
  const ip = slash >= 0 ? text.slice(0, slash) : text;
  const mask = slash >= 0 ? text.slice(slash + 1) : null;
  const v4 = parseIpv4(ip);
  if (v4 !== null) {
    let bits = 32;
    if (mask !== null) {
      if (/^\d{1,2}$/.test(mask)) bits = Number(mask);
      else {
        const m = parseIpv4(mask);
        if (m === null) return bad('has an invalid netmask');
        bits = Math.clz32(~m);
        if (((m << bits) | 0) !== 0 && bits < 32) return bad('has a non-contiguous netmask');
      }
      if (bits > 32) return bad('has a prefix length above 32');
    }
    const size = 2n ** BigInt(32 - bits);
    const start = (BigInt(v4) / size) * size;
    return { v4: [[start, start + size - 1n]], v6: [] };
  }
  const v6 = parseIpv6(ip);
  if (v6 !== null) {
    let bits = 128;
    if (mask !== null) {
      if (!/^\d{1,3}$/.test(mask)) return bad('has an invalid prefix length');
      bits = Number(mask);
      if (bits > 128) return bad('has a prefix length above 128');
    }
    const size = 2n ** BigInt(128 - bits);
    const start = (v6ToBig(v6) / size) * size;
    return { v4: [], v6: [[start, start + size - 1n]] };
  }
  return bad();
}

/** One port item: N, N:M, N:, :M. */
function parsePortAtom(text: string, what: string): Range {
  const num = (s: string): number => {
    if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new RuleError(`${what}: "${text}" is not a valid port`);
    return Number(s);
  };
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = num(text);
    return [BigInt(p), BigInt(p)];
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  if (a === '' && b === '') throw new RuleError(`${what}: "${text}" is not a valid port range`);
  const lo = a === '' ? 0 : num(a);
  const hi = b === '' ? 65535 : num(b);
  if (lo > hi) throw new RuleError(`${what}: "${text}" is a range whose start is above its end`);
  return [BigInt(lo), BigInt(hi)];
}
