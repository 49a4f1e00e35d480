// What a keyword module provides, and the rule-under-construction it works on.
//
// Each file in keywords/ exports one KeywordDef (or a small table of them for families like the
// sticky buffers): the names it answers to, whether it takes a value, and a setup function that
// validates the value and records a typed option on the RuleBuilder. Keywords run in rule order,
// so order-dependent semantics (content modifiers, sticky buffers, relative matches) live here.
// The detection engine later adds matching for these typed options; nothing here matches.

import type { ClassificationTable } from '../classification.js';
import type {
  AppLayerProtocolTest,
  AppProto,
  BufferName,
  ContentMatch,
  FlowbitsOp,
  FlowOptions,
  MatchEntry,
  MetadataEntry,
  PacketTest,
  Reference,
  RuleProtocol,
  ThresholdSpec,
} from '../types.js';

/** A match entry with the list it currently sits in (legacy modifiers move contents). */
export interface PlacedEntry<T extends MatchEntry = MatchEntry> {
  readonly entry: T;
  buffer: BufferName;
}

export interface RuleBuilder {
  readonly protocol: RuleProtocol;
  readonly classifications: ClassificationTable;

  sid: number | undefined;
  gid: number | undefined;
  rev: number | undefined;
  msg: string | undefined;
  classtype: string | null;
  /** The classtype's priority (used when `priority` is not given). */
  classPriority: number | undefined;
  /** The `priority` keyword. */
  priority: number | undefined;
  references: Reference[];
  metadata: MetadataEntry[];
  target: 'src_ip' | 'dest_ip' | null;
  flow: FlowOptions | null;
  flowbits: FlowbitsOp[];
  noalert: boolean;
  threshold: ThresholdSpec | null;
  appLayerProtocols: AppLayerProtocolTest[];
  packetTests: PacketTest[];
  byteVars: string[];
  /** Application layer required so far (header protocol or keywords). */
  appProto: AppProto | null;

  /** The sticky buffer in effect (null: none, matches go to the payload list). */
  readonly sticky: BufferName | null;
  /** Select a sticky buffer (`pkt_data` passes 'payload', which clears it). */
  setSticky(buffer: BufferName, keyword: string): void;
  /** Require an application layer; throws naming `keyword` if the rule already needs another. */
  requireApp(proto: AppProto, keyword: string): void;

  /** Add an entry at the end of a buffer's list. */
  append<T extends MatchEntry>(buffer: BufferName, entry: T): PlacedEntry<T>;
  /** Move an entry (and everything it carries) to the end of another buffer's list. */
  move(placed: PlacedEntry, to: BufferName): void;
  /** The entries of a buffer's list so far. */
  list(buffer: BufferName): readonly MatchEntry[];
  /** The most recent content keyword of the rule, whatever its list. */
  lastContent(): PlacedEntry<ContentMatch> | null;
  /** The most recent content keyword that is (still) in this buffer's list. */
  lastContentIn(buffer: BufferName): PlacedEntry<ContentMatch> | null;
  /** The most recent entry of one of these kinds, in any list. */
  lastEntry(kinds: readonly MatchEntry['kind'][]): PlacedEntry | null;
  /**
   * Where a payload keyword goes (Suricata's rule): the sticky buffer if one is set; else, for a
   * relative keyword, the list of the most recent content/pcre/byte_* /isdataat; else payload.
   */
  placement(relative: boolean): BufferName;
  /** Has this keyword been used already in the rule? (Records the use.) */
  once(keyword: string): boolean;
}

export interface KeywordDef {
  /** Names the keyword answers to (lower case); the first is its canonical name. */
  readonly names: readonly string[];
  /** 'none': takes no value; 'required': needs one; 'optional': either. */
  readonly value: 'none' | 'required' | 'optional';
  /** Validate and record. `value` is trimmed (null when absent); `name` is the name used. */
  setup(b: RuleBuilder, value: string | null, name: string): void;
}
