// Suricata/Snort rule text -> validated Rule (types.ts). Matching is the engine's job; this file
// reads the header, splits the options with Suricata's escaping rules and runs each keyword's
// setup (keywords/) in rule order, then checks what can only be checked once the rule is whole.
//
//   action protocol src_addr src_port direction dst_addr dst_port (option; option:value; ...)
//
// Every problem is a RuleError whose message names the keyword or header part at fault.

import { type ClassificationTable, defaultClassifications } from './classification.js';
import { KEYWORDS } from './keywords/index.js';
import type { PlacedEntry, RuleBuilder } from './keywords/registry.js';
import { own } from './keywords/util.js';
import {
  type AppLayerProtocolTest,
  type AppProto,
  type BufferName,
  type ContentMatch,
  type FlowbitsOp,
  type FlowOptions,
  type MatchEntry,
  type MatchList,
  type MetadataEntry,
  type PacketTest,
  type Reference,
  type Rule,
  type RuleAction,
  RuleError,
  type RuleProtocol,
  type ThresholdSpec,
  type UintCompare,
} from './types.js';
import { defaultVars, groupCompiler, type Vars } from './vars.js';

export interface ParseOptions {
  /** Address/port variables (default: Suricata's default suricata.yaml). */
  vars?: Vars;
  /** classification.config entries (default: the shipped signatures/classification.config). */
  classifications?: ClassificationTable;
  /** Where the rule came from, copied into Rule.file / Rule.line. */
  file?: string;
  line?: number;
}

const ACTIONS: ReadonlySet<string> = new Set<RuleAction>([
  'alert',
  'pass',
  'drop',
  'reject',
  'rejectsrc',
  'rejectdst',
  'rejectboth',
]);

const PROTOCOLS: Readonly<Record<string, RuleProtocol>> = {
  ip: 'ip',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv4: 'icmpv4',
  icmpv6: 'icmpv6',
  'tcp-pkt': 'tcp-pkt',
  'tcp-stream': 'tcp-stream',
  http: 'http',
  http1: 'http',
  dns: 'dns',
  tls: 'tls',
  ssh: 'ssh',
  dhcp: 'dhcp',
};

/** Protocols Suricata knows in a rule header that vsids has no parser for. */
const UNSUPPORTED_PROTOCOLS: ReadonlySet<string> = new Set([
  'sctp',
  'pkthdr',
  'ftp',
  'ftp-data',
  'smtp',
  'imap',
  'pop3',
  'smb',
  'dcerpc',
  'dnp3',
  'enip',
  'modbus',
  'nfs',
  'ntp',
  'tftp',
  'ikev2',
  'ike',
  'krb5',
  'snmp',
  'sip',
  'rfb',
  'mqtt',
  'pgsql',
  'telnet',
  'websocket',
  'ldap',
  'doh2',
  'rdp',
  'bittorrent-dht',
  'quic',
  'http2',
  'irc',
  'jabber',
  'template',
]);

const APP_PROTOCOLS: ReadonlySet<RuleProtocol> = new Set<RuleProtocol>(['http', 'dns', 'tls', 'ssh', 'dhcp']);

let sharedDefaultVars: Vars | undefined;

/** Parse one rule. Throws RuleError (message names the keyword or header part at fault). */
export function parseRule(text: string, opts: ParseOptions = {}): Rule {
  sharedDefaultVars ??= defaultVars();
  const vars = opts.vars ?? sharedDefaultVars;
  const classifications = opts.classifications ?? defaultClassifications();
  const { header, options } = splitRule(text);

  const tokens = tokenizeHeader(header);
  if (tokens.length !== 7) {
    const got = `${tokens.length} part${tokens.length === 1 ? '' : 's'}`;
    throw new RuleError(`header: expected "action protocol src_addr src_port direction dst_addr dst_port", got ${got}`);
  }
  const [actionText, protoText, srcText, sportText, dirText, dstText, dportText] = tokens as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!ACTIONS.has(actionText)) throw new RuleError(`action: unknown action "${actionText}"`);
  const protoKey = protoText.toLowerCase();
  const protocol = own(PROTOCOLS, protoKey);
  if (protocol === undefined) {
    if (UNSUPPORTED_PROTOCOLS.has(protoKey)) throw new RuleError(`protocol: "${protoText}" is not supported by vsids`);
    throw new RuleError(`protocol: unknown protocol "${protoText}"`);
  }
  if (dirText !== '->' && dirText !== '<>') throw new RuleError(`direction: "${dirText}" is not "->" or "<>"`);
  const compiler = groupCompiler(vars);
  const src = compiler.address(srcText, 'source address');
  const srcPorts = compiler.port(sportText, 'source port');
  const dst = compiler.address(dstText, 'destination address');
  const dstPorts = compiler.port(dportText, 'destination port');

  const b = new Builder(protocol, classifications);
  for (const opt of options) {
    const def = KEYWORDS.get(opt.name.toLowerCase());
    if (def === undefined) throw new RuleError(`unsupported keyword "${opt.name}"`);
    if (def.value === 'none' && opt.value !== null && opt.value !== '') {
      throw new RuleError(`${opt.name}: takes no value (got "${opt.value}")`);
    }
    if (def.value === 'required' && (opt.value === null || opt.value === '')) {
      throw new RuleError(`${opt.name}: needs a value`);
    }
    def.setup(b, opt.value, opt.name.toLowerCase());
  }
  b.finishSticky();
  validateWholeRule(b);

  if (b.sid === undefined) throw new RuleError('sid: the rule has no sid');
  return {
    sid: b.sid,
    gid: b.gid ?? 1,
    rev: b.rev ?? 0,
    msg: b.msg ?? '',
    action: actionText as RuleAction,
    protocol,
    appProto: b.appProto,
    src,
    srcPorts,
    dst,
    dstPorts,
    bidirectional: dirText === '<>',
    classtype: b.classtype,
    priority: b.priority ?? b.classPriority ?? 3,
    references: b.references,
    metadata: b.metadata,
    target: b.target,
    flow: b.flow,
    flowbits: b.flowbits,
    noalert: b.noalert,
    threshold: b.threshold,
    appLayerProtocols: b.appLayerProtocols,
    lists: b.matchLists(),
    packetTests: b.packetTests,
    byteVars: b.byteVars,
    text,
    file: opts.file ?? '',
    line: opts.line ?? 0,
  };
}

/** The match list for a buffer, if the rule has one. */
export function ruleList(rule: Rule, buffer: BufferName): MatchList | undefined {
  return rule.lists.find((l) => l.buffer === buffer);
}

// ---------------------------------------------------------------------------------------------
// Text splitting.

export interface RawOption {
  readonly name: string;
  /** Trimmed value, escapes kept; null when the option has no ':'. */
  readonly value: string | null;
}

/**
 * Split rule text into header and options. Options are separated by `;` not preceded by a
 * backslash (a backslash protects the next character, so `\\;` ends an option); the option list
 * runs from the first `(` to the final `)`.
 */
export function splitRule(text: string): { header: string; options: RawOption[] } {
  const open = text.indexOf('(');
  if (open < 0) throw new RuleError('rule has no options: missing "("');
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) throw new RuleError('rule must end with ")"');
  const header = text.slice(0, open).trim();
  const body = trimmed.slice(open + 1, -1);
  const options: RawOption[] = [];
  let i = 0;
  while (i < body.length) {
    while (i < body.length && isSpace(body[i]!)) i++;
    if (i >= body.length) break;
    const start = i;
    while (i < body.length && body[i] !== ';') {
      if (body[i] === '\\') i++;
      i++;
    }
    const raw = body.slice(start, Math.min(i, body.length));
    if (i >= body.length) throw new RuleError(`option "${raw.trim()}" has no terminating ";"`);
    i++; // past ';'
    const colon = raw.indexOf(':');
    const name = (colon < 0 ? raw : raw.slice(0, colon)).trim();
    const value = colon < 0 ? null : raw.slice(colon + 1).trim();
    if (name === '') throw new RuleError(`option "${raw.trim()}" has no keyword`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new RuleError(`"${name}" is not a keyword`);
    options.push({ name, value });
  }
  return { header, options };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Split the header on whitespace outside [..] lists. */
function tokenizeHeader(header: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of header) {
    if (c === '[') depth++;
    else if (c === ']') depth--;
    if (isSpace(c) && depth <= 0) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else if (!isSpace(c)) cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The rule under construction.

interface StickyUse {
  keyword: string;
  buffer: BufferName;
  added: number;
}

class Builder implements RuleBuilder {
  sid: number | undefined;
  gid: number | undefined;
  rev: number | undefined;
  msg: string | undefined;
  classtype: string | null = null;
  classPriority: number | undefined;
  priority: number | undefined;
  references: Reference[] = [];
  metadata: MetadataEntry[] = [];
  target: 'src_ip' | 'dest_ip' | null = null;
  flow: FlowOptions | null = null;
  flowbits: FlowbitsOp[] = [];
  noalert = false;
  threshold: ThresholdSpec | null = null;
  appLayerProtocols: AppLayerProtocolTest[] = [];
  packetTests: PacketTest[] = [];
  byteVars: string[] = [];
  appProto: AppProto | null;
  sticky: BufferName | null = null;

  private readonly lists = new Map<BufferName, MatchEntry[]>();
  private readonly order: PlacedEntry[] = [];
  private readonly used = new Set<string>();
  private stickyUse: StickyUse | null = null;

  constructor(
    readonly protocol: RuleProtocol,
    readonly classifications: ClassificationTable,
  ) {
    this.appProto = APP_PROTOCOLS.has(protocol) ? (protocol as AppProto) : null;
  }

  setSticky(buffer: BufferName, keyword: string): void {
    this.finishSticky();
    if (buffer === 'payload') {
      this.sticky = null;
      return;
    }
    this.sticky = buffer;
    this.stickyUse = { keyword, buffer, added: 0 };
  }

  /** Suricata refuses a sticky buffer that no match follows. */
  finishSticky(): void {
    const use = this.stickyUse;
    this.stickyUse = null;
    if (use !== null && use.added === 0) {
      throw new RuleError(`${use.keyword}: sticky buffer is not followed by any content or other match for it`);
    }
  }

  requireApp(proto: AppProto, keyword: string): void {
    if (APP_PROTOCOLS.has(this.protocol) && this.protocol !== proto) {
      throw new RuleError(`${keyword}: inspects ${proto} but the rule's protocol is ${this.protocol}`);
    }
    if (this.appProto !== null && this.appProto !== proto) {
      throw new RuleError(`${keyword}: inspects ${proto} but the rule already inspects ${this.appProto}`);
    }
    if (this.protocol === 'icmp' || this.protocol === 'icmpv4' || this.protocol === 'icmpv6') {
      throw new RuleError(`${keyword}: inspects ${proto}, which cannot run over ${this.protocol}`);
    }
    this.appProto = proto;
  }

  append<T extends MatchEntry>(buffer: BufferName, entry: T): PlacedEntry<T> {
    let list = this.lists.get(buffer);
    if (list === undefined) {
      list = [];
      this.lists.set(buffer, list);
    }
    list.push(entry);
    const placed: PlacedEntry<T> = { entry, buffer };
    this.order.push(placed);
    if (this.stickyUse !== null && this.stickyUse.buffer === buffer) this.stickyUse.added++;
    return placed;
  }

  move(placed: PlacedEntry, to: BufferName): void {
    const from = this.lists.get(placed.buffer);
    const i = from?.indexOf(placed.entry) ?? -1;
    if (from !== undefined && i >= 0) from.splice(i, 1);
    let list = this.lists.get(to);
    if (list === undefined) {
      list = [];
      this.lists.set(to, list);
    }
    list.push(placed.entry);
    placed.buffer = to;
  }

  list(buffer: BufferName): readonly MatchEntry[] {
    return this.lists.get(buffer) ?? [];
  }

  lastContent(): PlacedEntry<ContentMatch> | null {
    return this.lastEntry(['content']) as PlacedEntry<ContentMatch> | null;
  }

  lastContentIn(buffer: BufferName): PlacedEntry<ContentMatch> | null {
    for (let i = this.order.length - 1; i >= 0; i--) {
      const p = this.order[i]!;
      if (p.entry.kind === 'content' && p.buffer === buffer) return p as PlacedEntry<ContentMatch>;
    }
    return null;
  }

  lastEntry(kinds: readonly MatchEntry['kind'][]): PlacedEntry | null {
    for (let i = this.order.length - 1; i >= 0; i--) {
      const p = this.order[i]!;
      if (kinds.includes(p.entry.kind)) return p;
    }
    return null;
  }

  placement(relative: boolean): BufferName {
    if (this.sticky !== null) return this.sticky;
    if (relative) {
      const prev = this.lastEntry(['content', 'pcre', 'byte_test', 'byte_jump', 'byte_extract', 'isdataat']);
      if (prev !== null) return prev.buffer;
    }
    return 'payload';
  }

  once(keyword: string): boolean {
    if (this.used.has(keyword)) return true;
    this.used.add(keyword);
    return false;
  }

  /** Non-empty lists, ordered by the rule position of the first keyword each one holds. */
  matchLists(): MatchList[] {
    const out: MatchList[] = [];
    const seen = new Set<BufferName>();
    for (const p of this.order) {
      if (seen.has(p.buffer)) continue;
      seen.add(p.buffer);
      out.push({ buffer: p.buffer, matches: this.lists.get(p.buffer)! });
    }
    return out;
  }

  /** Every content with its current list. */
  contents(): PlacedEntry<ContentMatch>[] {
    return this.order.filter((p) => p.entry.kind === 'content') as PlacedEntry<ContentMatch>[];
  }
}

// ---------------------------------------------------------------------------------------------
// Checks that need the whole rule.

function validateWholeRule(b: Builder): void {
  const contents = b.contents();
  if (contents.filter((p) => p.entry.fastPattern !== null).length > 1) {
    throw new RuleError('fast_pattern: can be used on only one content in a rule');
  }
  for (const { entry: c, buffer } of contents) {
    const hasPos = c.depth !== undefined || c.offset !== undefined;
    const hasRel = c.distance !== undefined || c.within !== undefined;
    if (c.fastPattern !== null && c.negated && (hasPos || hasRel)) {
      throw new RuleError(
        'fast_pattern: cannot be used on a negated content that has depth, offset, distance or within',
      );
    }
    if (c.fastPattern?.only && (c.negated || hasPos || hasRel)) {
      throw new RuleError(
        'fast_pattern: "only" cannot be used with a negated content or with distance, within, offset or depth',
      );
    }
    if (buffer === 'http.host' && !c.nocase && /[A-Z]/.test(Buffer.from(c.pattern).toString('latin1'))) {
      throw new RuleError(
        'http.host: pattern has upper-case characters but the host buffer is lower-cased; ' +
          'use a lower-case pattern or nocase',
      );
    }
    if (c.rawbytes && buffer !== 'payload') {
      throw new RuleError(`rawbytes: cannot be used on a content in the ${buffer} buffer`);
    }
  }
  for (const list of b.matchLists()) {
    // A relative content cannot chain to a fast_pattern:only content (its match position is unknown).
    list.matches.forEach((m, i) => {
      const next = list.matches[i + 1];
      if (m.kind !== 'content' || !m.fastPattern?.only || next?.kind !== 'content') return;
      if (next.distance !== undefined || next.within !== undefined) {
        throw new RuleError('fast_pattern: "only" content cannot be followed by a relative (distance/within) content');
      }
    });
    for (const m of list.matches) {
      if (m.kind !== 'bsize') continue;
      const max = compareMax(m.compare);
      if (max === null) continue;
      for (const c of list.matches) {
        if (c.kind === 'content' && !c.negated && c.pattern.length > max) {
          throw new RuleError(
            `bsize: content of ${c.pattern.length} bytes cannot fit a ${list.buffer} buffer of at most ${max} bytes`,
          );
        }
      }
    }
  }
}

/** Largest value a comparison accepts, or null when unbounded. */
function compareMax(c: UintCompare): number | null {
  switch (c.op) {
    case 'eq':
    case 'lte':
      return c.value;
    case 'lt':
      return c.value - 1;
    case 'range':
      return c.max - 1;
    default:
      return null;
  }
}
