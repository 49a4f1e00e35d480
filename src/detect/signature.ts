// A parsed Rule compiled for the engine: which traffic it applies to (protocol class, app
// protocol, direction), where it is inspected (per packet / stream chunk, or per app-layer
// transaction), its prefilter (fast) pattern, and its match lists in executable form.

import { APP_DHCP, APP_DNS, APP_HTTP, APP_SSH, APP_TLS, APP_UNKNOWN } from '../app/registry.js';
import { TX_REQUEST_HEADERS, TX_RESPONSE_HEADERS } from '../app/types.js';
import { bufferInfo, DIR_TC, DIR_TS } from './app-buffers.js';
import { type CompiledList, compileList } from './inspect/payload.js';
import type { RegexRunner } from './inspect/regex.js';
import { pcreLiterals } from './rules/pcre-literals.js';
import type { AppProto, BufferName, ContentMatch, MatchList, PcreMatch, Rule } from './rules/types.js';

/** Protocol classes packet groups are built for. */
export const PC_TCP = 0;
export const PC_UDP = 1;
export const PC_ICMP4 = 2;
export const PC_ICMP6 = 3;
export const PC_OTHER = 4;
export const PROTO_CLASSES = 5;

export function protoClassOf(ipProto: number): number {
  switch (ipProto) {
    case 6:
      return PC_TCP;
    case 17:
      return PC_UDP;
    case 1:
      return PC_ICMP4;
    case 58:
      return PC_ICMP6;
    default:
      return PC_OTHER;
  }
}

const APP_IDS: Record<AppProto, number> = { http: APP_HTTP, tls: APP_TLS, dns: APP_DNS, ssh: APP_SSH, dhcp: APP_DHCP };

export function appIdOf(proto: AppProto): number {
  return APP_IDS[proto];
}

export interface FastPattern {
  readonly buffer: BufferName;
  readonly pattern: Uint8Array;
  readonly nocase: boolean;
  /** `fast_pattern:only`-like: the pattern found is the whole content match. */
  readonly only: boolean;
  /**
   * Further patterns any one of which makes the rule a candidate too: a rule prefiltered on
   * its pcre's literals (see pcreLiterals) has one per alternative.
   */
  readonly more?: readonly Uint8Array[];
}

/** Flowbit operation with names resolved to bit numbers. */
export interface CompiledFlowbits {
  readonly cmd: 'set' | 'isset' | 'isnotset' | 'unset' | 'toggle';
  readonly bits: readonly number[];
  readonly join: 'single' | 'or' | 'and';
}

export interface Sig {
  /** Position in evaluation order (index into the engine's sig array). */
  num: number;
  readonly rule: Rule;
  /** 'packet': payload/header rule run per packet or stream chunk; 'tx': per transaction. */
  readonly kind: 'packet' | 'tx';
  /** Bit per protocol class (1 << PC_*). */
  readonly protoMask: number;
  /** App protocol the flow must carry (APP_UNKNOWN = any). */
  readonly appId: number;
  /** Packet directions (DIR_TS | DIR_TC) the flow keyword allows. */
  readonly dirMask: number;
  /** Payload list (packet payload / stream), if any. */
  readonly payload: CompiledList | null;
  /** App-layer lists with their buffer names (tx sigs). */
  readonly appLists: readonly { readonly buffer: BufferName; readonly list: CompiledList }[];
  /** Transaction directions a tx sig is inspected in, and the progress point for each. */
  readonly txDirs: number;
  readonly txStage: readonly [number, number];
  readonly fp: FastPattern | null;
  /**
   * Transaction rules that also have payload contents: the fast pattern of that payload part.
   * The stream is matched against it as it passes; the transaction then finds it was seen.
   */
  readonly payloadFp: FastPattern | null;
  readonly flowbits: readonly CompiledFlowbits[];
  /** Sorting rank for flowbits: setters before readers, as Suricata orders them. */
  readonly flowbitsRank: number;
  /** Payload content rules on TCP are matched on the reassembled stream, others per packet. */
  readonly onlyStream: boolean;
  readonly noStream: boolean;
  /** Suricata severity (1 high .. ). */
  readonly severity: number;
  readonly category: string;
  /** byte_extract variables by name -> slot. */
  readonly varIndex: ReadonlyMap<string, number>;
  /** EVE alert.metadata: key -> values. */
  readonly metadata: Record<string, string[]> | undefined;
}

function protoMaskOf(rule: Rule): number {
  switch (rule.protocol) {
    case 'tcp':
    case 'tcp-pkt':
    case 'tcp-stream':
    case 'http':
    case 'tls':
    case 'ssh':
      return 1 << PC_TCP;
    case 'udp':
    case 'dhcp':
      return 1 << PC_UDP;
    case 'dns':
      return (1 << PC_TCP) | (1 << PC_UDP);
    case 'icmp':
    case 'icmpv4':
      return 1 << PC_ICMP4;
    case 'icmpv6':
      return 1 << PC_ICMP6;
    default:
      return (1 << PROTO_CLASSES) - 1;
  }
}

/**
 * The rule's fast pattern: the content marked fast_pattern, else the longest positive content
 * of the lists the rule is prefiltered on (ties: the later one, as it is usually the most
 * specific). A rule whose only contents are negated has none.
 */
function pickFastPattern(lists: readonly MatchList[]): FastPattern | null {
  let best: { c: ContentMatch; buffer: BufferName } | null = null;
  for (const l of lists) {
    for (const m of l.matches) {
      if (m.kind !== 'content') continue;
      if (m.fastPattern !== null) {
        if (m.negated) return null;
        const fp = m.fastPattern;
        const pattern =
          fp.offset !== undefined ? m.pattern.subarray(fp.offset, fp.offset + (fp.length ?? 0)) : m.pattern;
        return { buffer: l.buffer, pattern, nocase: m.nocase, only: fp.only };
      }
      if (m.negated) continue;
      if (best === null || m.pattern.length >= best.c.pattern.length) best = { c: m, buffer: l.buffer };
    }
  }
  if (best === null) return pcreFastPattern(lists);
  return { buffer: best.buffer, pattern: best.c.pattern, nocase: best.c.nocase, only: false };
}

/**
 * A rule without a positive content: prefilter on the literals its first (positive) pcre must
 * contain, when there are such (pcre-only rules otherwise run on every packet or transaction).
 */
function pcreFastPattern(lists: readonly MatchList[]): FastPattern | null {
  for (const l of lists) {
    for (const m of l.matches) {
      if (m.kind !== 'pcre' || m.negated) continue;
      const lits = pcreLiterals(m.source, m.extended);
      if (lits === null) continue;
      return { buffer: l.buffer, pattern: lits[0]!, nocase: m.caseless, only: false, more: lits.slice(1) };
    }
  }
  return null;
}

function metadataOf(rule: Rule): Record<string, string[]> | undefined {
  if (rule.metadata.length === 0 && (rule.action === 'alert' || rule.action === 'pass')) return undefined;
  const out: Record<string, string[]> = {};
  for (const { key, value } of rule.metadata) (out[key] ??= []).push(value);
  // vsids is passive: a drop/reject rule alerts, and says what it would have done.
  if (rule.action !== 'alert' && rule.action !== 'pass') (out.rule_action ??= []).push(rule.action);
  return out;
}

export interface CompileContext {
  /** Flowbit name -> bit number, shared by every rule. */
  readonly flowbitIds: Map<string, number>;
  readonly makeRegex: (m: PcreMatch) => RegexRunner;
  readonly categoryOf: (classtype: string | null) => string;
}

export function compileSig(rule: Rule, ctx: CompileContext): Sig {
  const varIndex = new Map<string, number>();
  rule.byteVars.forEach((v, i) => varIndex.set(v, i));
  const payloadList = rule.lists.find((l) => l.buffer === 'payload') ?? null;
  const appListsRaw = rule.lists.filter((l) => l.buffer !== 'payload');

  // App protocol: the header's, else the one implied by the sticky buffers.
  let appProto: AppProto | null = rule.appProto;
  for (const l of appListsRaw) appProto ??= bufferInfo(l.buffer)?.proto ?? null;
  const appId = appProto !== null ? appIdOf(appProto) : APP_UNKNOWN;

  const flow = rule.flow;
  let dirMask = DIR_TS | DIR_TC;
  if (flow?.toServer) dirMask = DIR_TS;
  else if (flow?.toClient) dirMask = DIR_TC;

  // A transaction rule: it reads app-layer buffers, or it names an app protocol and has
  // nothing to look at in packets (Suricata then matches it once per transaction).
  const headerOnly = payloadList === null && rule.packetTests.length === 0;
  const isTx = appListsRaw.length > 0 || (appProto !== null && headerOnly);

  let txDirs = 0;
  const txStage: [number, number] = [TX_REQUEST_HEADERS, TX_RESPONSE_HEADERS];
  if (isTx) {
    let both = DIR_TS | DIR_TC;
    let any = 0;
    for (const l of appListsRaw) {
      const info = bufferInfo(l.buffer);
      if (info === undefined) continue;
      both &= info.dirs;
      any |= info.dirs;
      txStage[0] = Math.max(txStage[0], info.stage[0]);
      txStage[1] = Math.max(txStage[1], info.stage[1]);
    }
    if (appListsRaw.length === 0) txDirs = DIR_TS;
    else if (both !== 0) txDirs = both;
    else txDirs = any & DIR_TC ? DIR_TC : DIR_TS;
    // A to-client inspection of a rule that also reads request buffers still waits for the response.
    txDirs &= dirMask;
  }

  const lists = isTx ? appListsRaw : payloadList !== null ? [payloadList] : [];
  const fp = pickFastPattern(lists);

  const flowbits: CompiledFlowbits[] = rule.flowbits.map((op) => ({
    cmd: op.cmd,
    join: op.join,
    bits: op.names.map((n) => {
      let id = ctx.flowbitIds.get(n);
      if (id === undefined) {
        id = ctx.flowbitIds.size;
        ctx.flowbitIds.set(n, id);
      }
      return id;
    }),
  }));
  const sets = flowbits.some((f) => f.cmd === 'set' || f.cmd === 'unset' || f.cmd === 'toggle');
  const reads = flowbits.some((f) => f.cmd === 'isset' || f.cmd === 'isnotset');
  // Suricata's order: setters, then rules that set and read, then readers, then the rest.
  const flowbitsRank = sets && !reads ? 0 : sets ? 1 : reads ? 2 : 3;

  return {
    num: -1,
    rule,
    kind: isTx ? 'tx' : 'packet',
    protoMask: protoMaskOf(rule),
    appId,
    dirMask,
    payload: payloadList !== null ? compileList(payloadList.matches, varIndex, ctx.makeRegex) : null,
    appLists: appListsRaw.map((l) => ({ buffer: l.buffer, list: compileList(l.matches, varIndex, ctx.makeRegex) })),
    txDirs,
    txStage,
    fp,
    payloadFp: isTx && payloadList !== null ? pickFastPattern([payloadList]) : null,
    flowbits,
    flowbitsRank,
    onlyStream: flow?.onlyStream === true || rule.protocol === 'tcp-stream',
    noStream: flow?.noStream === true || rule.protocol === 'tcp-pkt',
    severity: rule.priority,
    category: ctx.categoryOf(rule.classtype),
    varIndex,
    metadata: metadataOf(rule),
  };
}
