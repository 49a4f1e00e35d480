// The parsed form of a Suricata/Snort rule: what the rule parser (parser.ts) produces and the
// detection engine consumes. Nothing here matches traffic; it is data, validated once at load.
//
// The shape follows Suricata's signature model: a header (action, protocol, addresses, ports,
// direction), rule-level settings (sid, msg, classtype, flow, flowbits, threshold...), and
// ordered "match lists" (Suricata's sigmatch lists): one per inspection buffer, in the order the
// rule wrote them, plus the non-payload packet tests. Legacy content modifiers (`http_uri` ...)
// and sticky buffers (`http.uri; content:...`) end up in the same representation.

/** Rule action. vsids is passive: drop/reject rules load and alert with their action recorded. */
export type RuleAction = 'alert' | 'pass' | 'drop' | 'reject' | 'rejectsrc' | 'rejectdst' | 'rejectboth';

/** Protocol written in the rule header (`http1` is read as `http`). */
export type RuleProtocol =
  | 'ip'
  | 'tcp'
  | 'udp'
  | 'icmp'
  | 'icmpv4'
  | 'icmpv6'
  | 'tcp-pkt'
  | 'tcp-stream'
  | 'http'
  | 'dns'
  | 'tls'
  | 'ssh'
  | 'dhcp';

/** Application-layer protocols vsids parses (src/app). */
export type AppProto = 'http' | 'dns' | 'tls' | 'ssh' | 'dhcp';

/**
 * A compiled address group (`any`, `$HOME_NET`, `[10.0.0.0/8,!10.1.0.0/16]`, ...), negations
 * resolved. Ranges are sorted, non-overlapping, non-adjacent and inclusive.
 */
export interface AddressGroup {
  /** The group as written in the rule (before variable expansion). */
  readonly text: string;
  /** True when the group covers every IPv4 and every IPv6 address. */
  readonly any: boolean;
  /** IPv4 ranges: [start0, end0, start1, end1, ...] as unsigned 32-bit numbers. */
  readonly v4: Uint32Array;
  /**
   * IPv6 ranges, 8 words per range: start as four big-endian 32-bit words, then end as four
   * words. Compare word by word (most significant first).
   */
  readonly v6: Uint32Array;
}

/** A compiled port group (`any`, `80`, `[80,443,8000:8100]`, `!$HTTP_PORTS`, ...). */
export interface PortGroup {
  readonly text: string;
  /** True when every port 0..65535 is in the group. */
  readonly any: boolean;
  /** Inclusive ranges [lo0, hi0, lo1, hi1, ...], sorted, merged. */
  readonly ranges: Uint16Array;
}

/**
 * A numeric value that may instead name a `byte_extract` variable defined earlier in the rule
 * (a string is always such a variable name; the parser has checked that it exists).
 */
export type IntOrVar = number | string;

/**
 * Suricata's integer comparison (doc: rules/integer-keywords): `5`, `=5`, `!5`, `!=5`, `<5`,
 * `<=5`, `>5`, `>=5`, `1-10` / `1<>10` (exclusive range), `!1-10` (outside the range),
 * `&0xc0=0x80` / `&0xc0!=0` (masked compare).
 */
export type UintCompare =
  | { readonly op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; readonly value: number }
  | { readonly op: 'range' | 'notrange'; readonly min: number; readonly max: number }
  | { readonly op: 'mask-eq' | 'mask-ne'; readonly mask: number; readonly value: number };

/**
 * Inspection buffers. `payload` is the packet payload / reassembled stream (Suricata's pmatch
 * list, selected again by `pkt_data`); every other name is a sticky buffer, named with
 * Suricata's dotted keyword (legacy spellings such as `dns_query` or `http_client_body` map here).
 */
export type BufferName =
  | 'payload'
  | 'file.data'
  | 'http.uri'
  | 'http.uri.raw'
  | 'http.method'
  | 'http.host'
  | 'http.host.raw'
  | 'http.user_agent'
  | 'http.header'
  | 'http.header.raw'
  | 'http.cookie'
  | 'http.content_type'
  | 'http.request_line'
  | 'http.request_body'
  | 'http.stat_code'
  | 'http.stat_msg'
  | 'http.response_body'
  | 'http.response_line'
  | 'http.protocol'
  | 'http.referer'
  | 'http.accept'
  | 'http.accept_lang'
  | 'http.accept_enc'
  | 'http.connection'
  | 'http.content_len'
  | 'http.server'
  | 'http.location'
  | 'dns.query'
  | 'tls.sni'
  | 'tls.cert_subject'
  | 'tls.cert_issuer'
  | 'tls.cert_serial'
  | 'tls.certs'
  | 'ja3.hash'
  | 'ja3.string'
  | 'ja4.hash'
  | 'ja3s.hash'
  | 'ja3s.string'
  | 'tls.cert_fingerprint'
  | 'ssh.proto'
  | 'ssh.software';

/** fast_pattern on a content: plain, `only` (the pattern alone decides), or a chop. */
export interface FastPatternSpec {
  readonly only: boolean;
  /** `fast_pattern:offset,length`: only these bytes of the content go to the prefilter. */
  readonly offset?: number;
  readonly length?: number;
}

export interface ContentMatch {
  readonly kind: 'content';
  /** The bytes to find (escapes and |hex| decoded). */
  readonly pattern: Uint8Array;
  negated: boolean;
  nocase: boolean;
  /** `rawbytes` (accepted for Snort compatibility; no effect in Suricata). */
  rawbytes: boolean;
  /** Absolute window: match must start at >= offset and end at <= offset+depth (depth counts from offset). */
  offset?: IntOrVar;
  depth?: IntOrVar;
  /** Relative to the end of the previous match in the same list (or the buffer start if none). */
  distance?: IntOrVar;
  within?: IntOrVar;
  /** `startswith`: also recorded as depth = pattern length, offset = 0. */
  startswith: boolean;
  /** `endswith`: the match must end at the end of the buffer. */
  endswith: boolean;
  fastPattern: FastPatternSpec | null;
}

/** pcre; the regex is kept as written plus a JavaScript translation that compiled at load. */
export interface PcreMatch {
  readonly kind: 'pcre';
  readonly negated: boolean;
  /** The regex between the slashes, as written. */
  readonly source: string;
  /** The modifier letters as written (e.g. "smiR"). */
  readonly flags: string;
  /** PCRE options. */
  readonly caseless: boolean; // i
  readonly dotall: boolean; // s
  readonly multiline: boolean; // m
  readonly extended: boolean; // x
  readonly anchored: boolean; // A: match only at the start position
  readonly dollarEndOnly: boolean; // E
  readonly ungreedy: boolean; // G
  /** R: start where the previous match in this list ended. */
  readonly relative: boolean;
  /** O: override Suricata's match limit. */
  readonly matchLimitOverride: boolean;
  /**
   * The pattern translated to JavaScript (applied to a latin1 view of the bytes) and its flags.
   * PCRE-only syntax is rewritten: `(?P<n>` -> `(?<n>`, `\A`, `\z`, `\Z`, `$`, `.`, `\h`, POSIX
   * classes, inline `(?i)`, `x` mode... `jsExact` is false when the rewrite only approximates
   * PCRE (atomic groups and possessive quantifiers become ordinary ones).
   */
  readonly jsSource: string;
  readonly jsFlags: string;
  readonly jsExact: boolean;
  /** The same pattern for RE2 (anchors spelled natively; RE2 refuses what it cannot run). */
  readonly re2Source: string;
}

export type ByteEndian = 'big' | 'little' | 'dce';
export type ByteStringBase = 'hex' | 'dec' | 'oct';

export interface ByteTestMatch {
  readonly kind: 'byte_test';
  readonly nbytes: IntOrVar;
  readonly op: '<' | '>' | '=' | '<=' | '>=' | '&' | '^';
  /** `!` before the operator. */
  readonly negated: boolean;
  readonly value: IntOrVar;
  readonly offset: IntOrVar;
  readonly relative: boolean;
  readonly endian: ByteEndian;
  /** `string,<base>`: the bytes are ASCII digits in this base; null for binary. */
  readonly string: ByteStringBase | null;
  readonly bitmask: number | null;
}

export interface ByteJumpMatch {
  readonly kind: 'byte_jump';
  readonly nbytes: IntOrVar;
  readonly offset: IntOrVar;
  readonly relative: boolean;
  readonly multiplier: number;
  readonly endian: ByteEndian;
  readonly string: ByteStringBase | null;
  readonly align: boolean;
  readonly fromBeginning: boolean;
  readonly fromEnd: boolean;
  readonly postOffset: number;
  readonly bitmask: number | null;
}

export interface ByteExtractMatch {
  readonly kind: 'byte_extract';
  readonly nbytes: number;
  readonly offset: number;
  /** Variable name later keywords refer to. */
  readonly name: string;
  readonly relative: boolean;
  readonly multiplier: number;
  readonly endian: ByteEndian;
  readonly string: ByteStringBase | null;
  /** align 2 or 4 (0 = none). */
  readonly align: number;
  readonly bitmask: number | null;
}

export interface IsdataatMatch {
  readonly kind: 'isdataat';
  readonly negated: boolean;
  readonly offset: IntOrVar;
  readonly relative: boolean;
  readonly rawbytes: boolean;
}

/** bsize: length of the sticky buffer. */
export interface BsizeMatch {
  readonly kind: 'bsize';
  readonly compare: UintCompare;
}

/** urilen: length of the (normalized or raw) URI; lives in the http.uri / http.uri.raw list. */
export interface UrilenMatch {
  readonly kind: 'urilen';
  readonly compare: UintCompare;
  readonly raw: boolean;
}

export type MatchEntry =
  | ContentMatch
  | PcreMatch
  | ByteTestMatch
  | ByteJumpMatch
  | ByteExtractMatch
  | IsdataatMatch
  | BsizeMatch
  | UrilenMatch;

/** One buffer's ordered matches (Suricata sigmatch list). */
export interface MatchList {
  readonly buffer: BufferName;
  readonly matches: MatchEntry[];
}

/** Flag-set tests (tcp flags, fragbits): which bits, how to compare, which bits to ignore. */
export interface FlagSetTest {
  /** Bit mask of the flags named in the rule. */
  readonly bits: number;
  /**
   * exact: exactly these (after ignoring `ignore`); plus (`+`): these and maybe others;
   * any (`*`): at least one of these; not (`!`): none of these.
   */
  readonly mode: 'exact' | 'plus' | 'any' | 'not';
  /** Bits masked out before comparing (`flags:S,12` ignores CWR and ECE). */
  readonly ignore: number;
}

/** TCP flag bits as in the TCP header byte (plus nothing else). */
export const TCP_FLAG_BITS = {
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  A: 0x10,
  U: 0x20,
  E: 0x40, // ECE (also written 2)
  C: 0x80, // CWR (also written 1)
} as const;

/** IPv4 fragment bits as in the flags/fragment-offset word's top bits (>> 13). */
export const FRAG_BITS = { R: 0x4, D: 0x2, M: 0x1 } as const;

/** Non-payload packet tests (Suricata's "match" list), in rule order. */
export type PacketTest =
  | { readonly kind: 'flags'; readonly test: FlagSetTest }
  | { readonly kind: 'fragbits'; readonly test: FlagSetTest }
  | { readonly kind: NumericPacketField; readonly compare: UintCompare }
  | { readonly kind: 'ip_proto'; readonly compare: UintCompare }
  | { readonly kind: 'ipopts'; readonly option: IpOption }
  | { readonly kind: 'sameip' };

/** Header fields compared with a UintCompare. */
export type NumericPacketField =
  | 'ttl'
  | 'itype'
  | 'icode'
  | 'icmp_id'
  | 'icmp_seq'
  | 'dsize'
  | 'seq'
  | 'ack'
  | 'window'
  | 'fragoffset';

export type IpOption = 'rr' | 'eol' | 'nop' | 'ts' | 'sec' | 'esec' | 'lsrr' | 'lsrre' | 'ssrr' | 'satid' | 'any';

/** flow keyword. */
export interface FlowOptions {
  readonly established: boolean;
  readonly notEstablished: boolean;
  readonly stateless: boolean;
  readonly toServer: boolean;
  readonly toClient: boolean;
  readonly onlyStream: boolean;
  readonly noStream: boolean;
  readonly onlyFrag: boolean;
  readonly noFrag: boolean;
}

export type FlowbitsCommand = 'set' | 'isset' | 'isnotset' | 'unset' | 'toggle';

/** One flowbits operation (`flowbits:noalert` sets Rule.noalert instead). */
export interface FlowbitsOp {
  readonly cmd: FlowbitsCommand;
  /** One name, or several joined by `|` (any of them) or `&` (all of them). */
  readonly names: readonly string[];
  readonly join: 'single' | 'or' | 'and';
}

export type ThresholdTrack = 'by_src' | 'by_dst' | 'by_both' | 'by_rule' | 'by_flow';

export type ThresholdSpec =
  | {
      readonly keyword: 'threshold';
      readonly type: 'limit' | 'threshold' | 'both';
      readonly track: ThresholdTrack;
      readonly count: number;
      readonly seconds: number;
    }
  | {
      readonly keyword: 'detection_filter';
      readonly track: ThresholdTrack;
      readonly count: number;
      readonly seconds: number;
    };

/** app-layer-protocol keyword. */
export interface AppLayerProtocolTest {
  readonly proto: string;
  readonly negated: boolean;
  /** Optional Suricata mode: final, original, either, to_server, to_client, direction. */
  readonly mode: string | null;
}

export interface Reference {
  readonly type: string;
  readonly value: string;
}

export interface MetadataEntry {
  readonly key: string;
  readonly value: string;
}

export interface Rule {
  readonly sid: number;
  readonly gid: number;
  /** Defaults to 0 as in Suricata. */
  readonly rev: number;
  /** Empty string when the rule has no msg (Suricata allows that). */
  readonly msg: string;
  readonly action: RuleAction;
  readonly protocol: RuleProtocol;
  /** Application layer the rule inspects: from the header protocol or implied by its keywords. */
  readonly appProto: AppProto | null;
  readonly src: AddressGroup;
  readonly srcPorts: PortGroup;
  readonly dst: AddressGroup;
  readonly dstPorts: PortGroup;
  /** `<>`: the rule applies in both directions. */
  readonly bidirectional: boolean;
  readonly classtype: string | null;
  /** Severity: the `priority` keyword, else the classtype's priority, else 3. */
  readonly priority: number;
  readonly references: readonly Reference[];
  readonly metadata: readonly MetadataEntry[];
  readonly target: 'src_ip' | 'dest_ip' | null;
  readonly flow: FlowOptions | null;
  /** Conditions (isset/isnotset) and actions (set/unset/toggle) in rule order. */
  readonly flowbits: readonly FlowbitsOp[];
  /** `noalert` or `flowbits:noalert`: the rule runs (sets flowbits) but never alerts. */
  readonly noalert: boolean;
  readonly threshold: ThresholdSpec | null;
  readonly appLayerProtocols: readonly AppLayerProtocolTest[];
  /** One list per inspected buffer, ordered by the rule position of each list's first entry. */
  readonly lists: readonly MatchList[];
  /** Header-field tests (flags, ttl, dsize...). */
  readonly packetTests: readonly PacketTest[];
  /** byte_extract variable names, in definition order. */
  readonly byteVars: readonly string[];
  /** The rule text as loaded (continuation lines joined). */
  readonly text: string;
  readonly file: string;
  /** 1-based line of the rule's first line in `file`. */
  readonly line: number;
}

/** A rule that failed to parse: the message names the keyword (or header part) at fault. */
export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}
