// DNS: Domain Name System over UDP and TCP.
// RFC 1035 §4 (message format, §4.1.4 name compression), RFC 3596 (AAAA), RFC 2782 (SRV),
// RFC 4255 (SSHFP), RFC 6891 (EDNS OPT), RFC 7766 §8 (DNS over TCP: 2-byte length prefix).
// https://www.rfc-editor.org/rfc/rfc1035#section-4.1
//
//                                  1  1  1  1  1  1
//    0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |                      ID                       |  pairs a response with its query
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |                    QDCOUNT                    |  questions
//  |                    ANCOUNT                    |  answer RRs
//  |                    NSCOUNT                    |  authority RRs
//  |                    ARCOUNT                    |  additional RRs
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  question: QNAME (labels or pointer) QTYPE(16) QCLASS(16)
//  RR:       NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA
//
// A name is a run of labels (length byte 0..63, then the bytes) ended by a zero byte or by a
// compression pointer (two bytes, top bits 11, 14-bit offset from the start of the message).
// Pointers are the classic parser trap: this parser follows a pointer only when it points
// strictly before the segment it was found in, so every jump goes backwards and no loop is
// possible; it also bounds the jumps and the name length (255 octets on the wire, RFC 1035
// §2.3.4). A bad name never stops the record walk once the end of the name in the record is
// known (after its first pointer): the name is kept as decoded so far and an anomaly is raised.
//
// Transactions: a query opens a DnsTx; the response with the same ID completes it (the oldest
// open query with that ID). A response with no open query gets a transaction of its own.
// Event names are Suricata 8's (rules/dns-events.rules).

import { formatIpv4, formatIpv6 } from '../core/addr.js';
import { u32be } from '../core/bytes.js';
import {
  type AppLimits,
  type AppParser,
  type AppParserState,
  type AppSink,
  type AppTx,
  DEFAULT_APP_LIMITS,
  type Direction,
  PROBE_NEED_MORE,
  PROBE_NO,
  PROBE_YES,
  type ProbeResult,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from './types.js';

/** Every anomaly this file raises, as `sink.anomaly(flow, 'dns', name)`. */
export const DNS_EVENTS = {
  /** A length field points past the message, a label type is reserved, a record is cut short. */
  malformedData: 'dns.malformed_data',
  /** QR=1 (a response) in the to-server direction. */
  notRequest: 'dns.not_request',
  /** QR=0 (a query) in the to-client direction. */
  notResponse: 'dns.not_response',
  /** The reserved Z bit (0x0040) is set. */
  zFlagSet: 'dns.z_flag_set',
  /** Opcode 7..15 (unassigned). */
  invalidOpcode: 'dns.invalid_opcode',
  /** A name longer than 255 octets on the wire: kept truncated. */
  nameTooLong: 'dns.name_too_long',
  /** A compression pointer that would loop (into its own segment or itself), or too many jumps. */
  infiniteLoop: 'dns.infinite_loop',
  /** The authority section could not be parsed (the answers were kept). */
  invalidAuthorities: 'dns.invalid_authorities',
  /** The additional section could not be parsed. */
  invalidAdditionals: 'dns.invalid_additionals',
} as const;

const EV_MALFORMED = 1;
const EV_NOT_REQUEST = 2;
const EV_NOT_RESPONSE = 4;
const EV_Z_FLAG = 8;
const EV_INVALID_OPCODE = 16;
const EV_NAME_TOO_LONG = 32;
const EV_INFINITE_LOOP = 64;
const EV_INVALID_AUTHORITIES = 128;
const EV_INVALID_ADDITIONALS = 256;
const EVENT_BITS: readonly [number, string][] = [
  [EV_MALFORMED, DNS_EVENTS.malformedData],
  [EV_NOT_REQUEST, DNS_EVENTS.notRequest],
  [EV_NOT_RESPONSE, DNS_EVENTS.notResponse],
  [EV_Z_FLAG, DNS_EVENTS.zFlagSet],
  [EV_INVALID_OPCODE, DNS_EVENTS.invalidOpcode],
  [EV_NAME_TOO_LONG, DNS_EVENTS.nameTooLong],
  [EV_INFINITE_LOOP, DNS_EVENTS.infiniteLoop],
  [EV_INVALID_AUTHORITIES, DNS_EVENTS.invalidAuthorities],
  [EV_INVALID_ADDITIONALS, DNS_EVENTS.invalidAdditionals],
];

/** RFC 1035 §4.1.1: the fixed header. */
export const DNS_HEADER_LEN = 12;
/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire (length bytes and root included). */
export const DNS_MAX_NAME_WIRE = 255;
/** Compression pointers followed per name; each must go further back, so this is only a backstop. */
export const DNS_MAX_POINTER_JUMPS = 64;
/** Entries kept per section; a message with more stops being parsed there (AXFR-sized answers). */
export const DNS_MAX_RECORDS = 256;
/** Probing: a query or response has 1..this many questions. */
const PROBE_MAX_QUESTIONS = 8;

// Record types this parser decodes (IANA "Resource Record (RR) TYPEs").
export const DNS_TYPE_A = 1;
export const DNS_TYPE_NS = 2;
export const DNS_TYPE_CNAME = 5;
export const DNS_TYPE_SOA = 6;
export const DNS_TYPE_NULL = 10;
export const DNS_TYPE_PTR = 12;
export const DNS_TYPE_MX = 15;
export const DNS_TYPE_TXT = 16;
export const DNS_TYPE_AAAA = 28;
export const DNS_TYPE_SRV = 33;
export const DNS_TYPE_DNAME = 39;
export const DNS_TYPE_OPT = 41;
export const DNS_TYPE_SSHFP = 44;

const RRTYPE_NAMES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  3: 'MD',
  4: 'MF',
  5: 'CNAME',
  6: 'SOA',
  7: 'MB',
  8: 'MG',
  9: 'MR',
  10: 'NULL',
  11: 'WKS',
  12: 'PTR',
  13: 'HINFO',
  14: 'MINFO',
  15: 'MX',
  16: 'TXT',
  17: 'RP',
  18: 'AFSDB',
  19: 'X25',
  20: 'ISDN',
  21: 'RT',
  22: 'NSAP',
  23: 'NSAPPTR',
  24: 'SIG',
  25: 'KEY',
  26: 'PX',
  27: 'GPOS',
  28: 'AAAA',
  29: 'LOC',
  30: 'NXT',
  33: 'SRV',
  34: 'ATMA',
  35: 'NAPTR',
  36: 'KX',
  37: 'CERT',
  38: 'A6',
  39: 'DNAME',
  41: 'OPT',
  42: 'APL',
  43: 'DS',
  44: 'SSHFP',
  45: 'IPSECKEY',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  49: 'DHCID',
  50: 'NSEC3',
  51: 'NSEC3PARAM',
  52: 'TLSA',
  55: 'HIP',
  59: 'CDS',
  60: 'CDNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  249: 'TKEY',
  250: 'TSIG',
  251: 'IXFR',
  252: 'AXFR',
  253: 'MAILB',
  254: 'MAILA',
  255: 'ANY',
  256: 'URI',
  257: 'CAA',
};

/** RR type as EVE writes it (`A`, `AAAA`, ...; the number for unnamed types). */
export function dnsTypeName(type: number): string {
  return RRTYPE_NAMES[type] ?? String(type);
}

const RCODE_NAMES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** Header RCODE as EVE writes it (`NOERROR`, `NXDOMAIN`, ...; the number when unassigned). */
export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? String(rcode);
}

const EMPTY = Buffer.alloc(0);
const HEX = '0123456789abcdef';

/** Bytes as EVE text, the way Suricata writes them: printable ASCII kept, anything else as \xNN. */
export function dnsText(b: Buffer): string {
  let plain = true;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return b.toString('latin1');
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return s;
}

function hexString(b: Buffer, sep: string): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i > 0) s += sep;
    s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Parsed messages. Every Buffer below is a view of the one buffer the message owns (`buf`):
// decoded names and kept RDATA bytes are written to a scratch area while parsing, copied once
// into `buf`, then bound as views.
// ---------------------------------------------------------------------------------------------

/** One question (RFC 1035 §4.1.2). */
export class DnsQuestion {
  /** The name was longer than 255 octets and is cut. */
  nameTruncated = false;
  /** @internal the message's buffer, and the name's place in it (views are made on first use) */
  _buf: Buffer = EMPTY;
  _nOff = 0;
  _nLen = 0;
  private _name: Buffer | undefined = undefined;

  readonly type: number;
  readonly class: number;

  constructor(type: number, cls: number) {
    this.type = type;
    this.class = cls;
  }

  /** Decoded name in dotted form, no trailing dot (`www.example.com`; empty for the root). */
  get name(): Buffer {
    if (this._name === undefined) this._name = this._buf.subarray(this._nOff, this._nOff + this._nLen);
    return this._name;
  }

  _bind(owned: Buffer): void {
    this._buf = owned;
  }
}

export interface DnsSoa {
  mname: Buffer;
  rname: Buffer;
  mnameTruncated: boolean;
  rnameTruncated: boolean;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface DnsSrv {
  priority: number;
  weight: number;
  port: number;
  /** The target name is `rdata`. */
}

export interface DnsSshfp {
  algo: number;
  fpType: number;
  /** The fingerprint is `rdata`. */
}

export interface DnsOpt {
  code: number;
  data: Buffer;
}

/** One resource record (RFC 1035 §4.1.3) of the answer, authority or additional section. */
export class DnsRecord {
  /** The owner name was longer than 255 octets and is cut. */
  nameTruncated = false;
  /** A name inside RDATA was longer than 255 octets and is cut. */
  rdataTruncated = false;
  /** The RDATA did not have the shape its type requires (the record is kept, the data is not). */
  rdataMalformed = false;
  /** MX preference. */
  preference = -1;
  soa: DnsSoa | undefined = undefined;
  srv: DnsSrv | undefined = undefined;
  sshfp: DnsSshfp | undefined = undefined;
  /** TXT character-strings, in order. */
  txt: Buffer[] | undefined = undefined;
  /** OPT (EDNS) options. */
  opt: DnsOpt[] | undefined = undefined;
  private text: string | undefined = undefined;

  /** @internal the message's buffer, and the name's and RDATA's places in it (views made on first use) */
  _buf: Buffer = EMPTY;
  _nOff = 0;
  _nLen = 0;
  _rOff = 0;
  _rLen = 0;
  private _name: Buffer | undefined = undefined;
  private _rdata: Buffer | undefined = undefined;
  /** @internal [off, len, off, len...] of TXT strings, OPT data, or SOA mname/rname */
  _parts: number[] | undefined = undefined;

  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdlength: number;

  constructor(type: number, cls: number, ttl: number, rdlength: number) {
    this.type = type;
    this.class = cls;
    this.ttl = ttl;
    this.rdlength = rdlength;
  }

  /** The RDATA as EVE's `rdata` text: dotted IPv4, RFC 5952 IPv6, a name, TXT text; '' when none. */
  get data(): string {
    if (this.text !== undefined) return this.text;
    let s = '';
    const r = this.rdata;
    if (!this.rdataMalformed) {
      switch (this.type) {
        case DNS_TYPE_A:
          s = r.length === 4 ? formatIpv4(r, 0) : '';
          break;
        case DNS_TYPE_AAAA:
          s = r.length === 16 ? formatIpv6(r, 0) : '';
          break;
        case DNS_TYPE_NS:
        case DNS_TYPE_CNAME:
        case DNS_TYPE_PTR:
        case DNS_TYPE_DNAME:
        case DNS_TYPE_MX:
        case DNS_TYPE_NULL:
          s = dnsText(r);
          break;
        case DNS_TYPE_TXT:
          s = (this.txt ?? []).map(dnsText).join(' ');
          break;
        case DNS_TYPE_SRV:
          s = dnsText(r);
          break;
      }
    }
    this.text = s;
    return s;
  }

  /** Decoded owner name (dotted, no trailing dot). */
  get name(): Buffer {
    if (this._name === undefined) this._name = this._buf.subarray(this._nOff, this._nOff + this._nLen);
    return this._name;
  }

  /**
   * RDATA as kept: the 4 / 16 address bytes (A, AAAA), the decoded name (NS, CNAME, PTR, DNAME,
   * MX exchange, SRV target), the strings concatenated (TXT; each one in `txt`), the raw bytes
   * (NULL), the fingerprint (SSHFP). Empty for other types (only `rdlength` is kept).
   */
  get rdata(): Buffer {
    if (this._rdata === undefined) {
      this._rdata = this._rLen > 0 ? this._buf.subarray(this._rOff, this._rOff + this._rLen) : EMPTY;
    }
    return this._rdata;
  }

  _bind(owned: Buffer): void {
    this._buf = owned;
    const parts = this._parts;
    if (parts === undefined) return;
    if (this.soa) {
      this.soa.mname = owned.subarray(parts[0]!, parts[0]! + parts[1]!);
      this.soa.rname = owned.subarray(parts[2]!, parts[2]! + parts[3]!);
    } else if (this.txt) {
      for (let i = 0; i < parts.length; i += 2) this.txt.push(owned.subarray(parts[i]!, parts[i]! + parts[i + 1]!));
    } else if (this.opt) {
      for (let i = 0, j = 0; i < parts.length; i += 2, j++) {
        this.opt[j]!.data = owned.subarray(parts[i]!, parts[i]! + parts[i + 1]!);
      }
    }
    this._parts = undefined;
  }

  /** This record as an EVE answers/authorities/additionals entry (several for a multi-string TXT). */
  eveEntries(section: 'answers' | 'authorities' | 'additionals', out: Record<string, unknown>[]): void {
    // The schema allows the *_truncated flags on authorities only (answers and additionals reject them).
    const flags = section === 'authorities';
    const base = (): Record<string, unknown> => {
      const e: Record<string, unknown> = { rrname: dnsText(this.name) };
      if (flags && this.nameTruncated) e.rrname_truncated = true;
      e.rrtype = dnsTypeName(this.type);
      e.ttl = this.ttl;
      return e;
    };
    if (this.rdataMalformed) {
      out.push(base());
      return;
    }
    switch (this.type) {
      case DNS_TYPE_TXT: {
        const txt = this.txt ?? [];
        if (txt.length === 0) out.push(base());
        for (const t of txt) {
          const e = base();
          e.rdata = dnsText(t);
          out.push(e);
        }
        return;
      }
      case DNS_TYPE_SOA: {
        const e = base();
        if (this.soa && section !== 'additionals') e.soa = soaEve(this.soa);
        out.push(e);
        return;
      }
      case DNS_TYPE_SRV: {
        const e = base();
        // The schema has `srv` on answers only.
        if (this.srv && section === 'answers') {
          e.srv = {
            priority: this.srv.priority,
            weight: this.srv.weight,
            port: this.srv.port,
            name: dnsText(this.rdata),
          };
        }
        out.push(e);
        return;
      }
      case DNS_TYPE_SSHFP: {
        const e = base();
        if (this.sshfp && section === 'answers') {
          e.sshfp = { fingerprint: hexString(this.rdata, ':'), algo: this.sshfp.algo, type: this.sshfp.fpType };
        }
        out.push(e);
        return;
      }
      case DNS_TYPE_OPT: {
        const e = base();
        if (this.opt && this.opt.length > 0 && section === 'additionals') {
          e.opt = this.opt.map((o) => ({ code: o.code, data: hexString(o.data, '') }));
        }
        out.push(e);
        return;
      }
      case DNS_TYPE_A:
      case DNS_TYPE_AAAA:
      case DNS_TYPE_NS:
      case DNS_TYPE_CNAME:
      case DNS_TYPE_PTR:
      case DNS_TYPE_DNAME:
      case DNS_TYPE_MX:
      case DNS_TYPE_NULL: {
        const e = base();
        e.rdata = this.data;
        if (flags && this.rdataTruncated) e.rdata_truncated = true;
        out.push(e);
        return;
      }
      default:
        out.push(base()); // other types: owner, type and TTL only
    }
  }
}

function soaEve(soa: DnsSoa): Record<string, unknown> {
  const o: Record<string, unknown> = { mname: dnsText(soa.mname) };
  if (soa.mnameTruncated) o.mname_truncated = true;
  o.rname = dnsText(soa.rname);
  o.serial = soa.serial;
  o.refresh = soa.refresh;
  o.retry = soa.retry;
  o.expire = soa.expire;
  o.minimum = soa.minimum;
  return o;
}

/**
 * One DNS message (query or response).
 *
 * The parser checks a message when it arrives (everything that raises an event, and whether
 * it is usable at all) and keeps one copy of its bytes; the questions and records are decoded
 * from that copy the first time any of them is asked for, then kept.
 */
export class DnsMessage {
  /** The authority / additional section failed to parse (what parsed before the failure is kept). */
  invalidAuthorities = false;
  invalidAdditionals = false;
  /** A section had more than DNS_MAX_RECORDS entries: parsing stopped there. */
  capped = false;
  /** @internal The message as received: [rawOff, rawOff + rawLen) of `raw` (its copy); undefined once decoded. */
  private raw: Buffer | undefined;
  private rawOff: number;
  private rawLen: number;
  /** What decoding made (undefined until then). */
  private dec: DecodedMessage | undefined = undefined;

  constructor(
    /** Header ID. */
    readonly id: number,
    /** The whole 16-bit flags word. */
    readonly flags: number,
    /** The message's bytes (a copy it owns), decoded on first use: [rawOff, rawOff + rawLen) of `raw`. */
    raw?: Buffer,
    rawOff = 0,
    rawLen = raw === undefined ? 0 : raw.length - rawOff,
  ) {
    this.raw = raw;
    this.rawOff = rawOff;
    this.rawLen = rawLen;
  }

  /** Decode the questions and records from the kept bytes, once. */
  private decode(): DecodedMessage {
    let d = this.dec;
    if (d === undefined) {
      d = new DecodedMessage();
      this.dec = d;
      const raw = this.raw;
      this.raw = undefined;
      if (raw !== undefined) BUILDER.parse(raw, this.rawOff, this.rawOff + this.rawLen, this);
    }
    return d;
  }

  get queries(): DnsQuestion[] {
    return this.decode().queries;
  }
  get answers(): DnsRecord[] {
    return this.decode().answers;
  }
  get authorities(): DnsRecord[] {
    return this.decode().authorities;
  }
  get additionals(): DnsRecord[] {
    return this.decode().additionals;
  }
  /** The bytes every view of this message points into (decoded names and kept RDATA). */
  get buf(): Buffer {
    return this.decode().buf;
  }

  get qr(): boolean {
    return (this.flags & 0x8000) !== 0;
  }
  get opcode(): number {
    return (this.flags >> 11) & 0xf;
  }
  get aa(): boolean {
    return (this.flags & 0x0400) !== 0;
  }
  get tc(): boolean {
    return (this.flags & 0x0200) !== 0;
  }
  get rd(): boolean {
    return (this.flags & 0x0100) !== 0;
  }
  get ra(): boolean {
    return (this.flags & 0x0080) !== 0;
  }
  get z(): boolean {
    return (this.flags & 0x0040) !== 0;
  }
  get rcode(): number {
    return this.flags & 0xf;
  }
  get rcodeName(): string {
    return dnsRcodeName(this.rcode);
  }

  _bind(owned: Buffer): void {
    const d = this.decode();
    d.buf = owned;
    for (const q of d.queries) q._bind(owned);
    for (const r of d.answers) r._bind(owned);
    for (const r of d.authorities) r._bind(owned);
    for (const r of d.additionals) r._bind(owned);
  }
}

/** A message's questions and records, once decoded. */
class DecodedMessage {
  readonly queries: DnsQuestion[] = [];
  readonly answers: DnsRecord[] = [];
  readonly authorities: DnsRecord[] = [];
  readonly additionals: DnsRecord[] = [];
  buf: Buffer = EMPTY;
}

export interface DnsEveOptions {
  /** Add Suricata's `grouped` object (answers grouped by type) next to the detailed `answers`. */
  grouped?: boolean;
}

/**
 * A query and its response. Either side may be missing: a query still waiting (or never
 * answered), or a response whose query was not seen.
 */
export class DnsTx implements AppTx {
  readonly proto = 'dns' as const;
  progress = 0;
  inspected = 0;
  request: DnsMessage | undefined = undefined;
  response: DnsMessage | undefined = undefined;

  constructor(readonly id: number) {}

  /** The message the transaction is known by: the query when seen, else the response. */
  private get primary(): DnsMessage | undefined {
    return this.request ?? this.response;
  }
  /** Header ID (the same on both sides). */
  get dnsId(): number {
    return this.primary?.id ?? 0;
  }
  /** The first question's name, decoded (`dns.query`); empty when there is none. */
  get queryName(): Buffer {
    return this.primary?.queries[0]?.name ?? EMPTY;
  }
  get queries(): DnsQuestion[] {
    return this.primary?.queries ?? [];
  }
  get answers(): DnsRecord[] {
    return this.response?.answers ?? [];
  }
  get authorities(): DnsRecord[] {
    return this.response?.authorities ?? [];
  }
  get additionals(): DnsRecord[] {
    return this.response?.additionals ?? [];
  }
  /** Response RCODE; -1 while there is no response. */
  get rcode(): number {
    return this.response ? this.response.rcode : -1;
  }
  /** Response RCODE name (`NOERROR`, `NXDOMAIN`...); '' while there is no response. */
  get rcodeName(): string {
    return this.response ? this.response.rcodeName : '';
  }
  /** Header flags of the response when there is one, else of the query. */
  get flags(): number {
    return (this.response ?? this.request)?.flags ?? 0;
  }

  /**
   * Suricata's EVE `dns` object, version 3. `dir` picks the side: TO_SERVER the query
   * (`type: "request"`), TO_CLIENT the response (`type: "response"`). Without `dir`: the
   * response when there is one, else the query. `{}` when the asked-for side was not seen.
   */
  toEve(dir?: Direction, options: DnsEveOptions = {}): Record<string, unknown> {
    let m: DnsMessage | undefined;
    if (dir === TO_SERVER) m = this.request;
    else if (dir === TO_CLIENT) m = this.response;
    else m = this.response ?? this.request;
    if (m === undefined) return {};
    const isResponse = m === this.response;
    const e: Record<string, unknown> = {
      version: 3,
      type: isResponse ? 'response' : 'request',
      tx_id: this.id,
      id: m.id,
      flags: m.flags.toString(16),
    };
    if (m.qr) e.qr = true;
    if (m.aa) e.aa = true;
    if (m.tc) e.tc = true;
    if (m.rd) e.rd = true;
    if (m.ra) e.ra = true;
    if (m.z) e.z = true;
    e.opcode = m.opcode;
    e.rcode = m.rcodeName;
    if (m.queries.length > 0) {
      e.queries = m.queries.map((q) => {
        const o: Record<string, unknown> = { rrname: dnsText(q.name), rrtype: dnsTypeName(q.type) };
        if (q.nameTruncated) o.rrname_truncated = true;
        return o;
      });
    }
    if (m.answers.length > 0) {
      const answers: Record<string, unknown>[] = [];
      for (const r of m.answers) r.eveEntries('answers', answers);
      e.answers = answers;
      if (options.grouped) {
        const g = groupAnswers(m.answers);
        if (g !== undefined) e.grouped = g;
      }
    }
    if (m.authorities.length > 0) {
      const out: Record<string, unknown>[] = [];
      for (const r of m.authorities) r.eveEntries('authorities', out);
      e.authorities = out;
    }
    const adds: Record<string, unknown>[] = [];
    for (const r of m.additionals) {
      // As Suricata: an OPT record without options says nothing worth a line.
      if (r.type === DNS_TYPE_OPT && (r.opt === undefined || r.opt.length === 0)) continue;
      r.eveEntries('additionals', adds);
    }
    if (adds.length > 0) e.additionals = adds;
    return e;
  }
}

function groupAnswers(answers: DnsRecord[]): Record<string, unknown[]> | undefined {
  const g: Record<string, unknown[]> = {};
  let any = false;
  const add = (k: string, v: unknown) => {
    let a = g[k];
    if (a === undefined) {
      a = [];
      g[k] = a;
    }
    a.push(v);
    any = true;
  };
  for (const r of answers) {
    if (r.rdataMalformed) continue;
    switch (r.type) {
      case DNS_TYPE_A:
      case DNS_TYPE_AAAA:
      case DNS_TYPE_CNAME:
      case DNS_TYPE_MX:
      case DNS_TYPE_NS:
      case DNS_TYPE_PTR:
      case DNS_TYPE_NULL:
        add(dnsTypeName(r.type), r.data);
        break;
      case DNS_TYPE_TXT:
        for (const t of r.txt ?? []) add('TXT', dnsText(t));
        break;
      case DNS_TYPE_SOA:
        if (r.soa) add('SOA', soaEve(r.soa));
        break;
      case DNS_TYPE_SRV:
        if (r.srv) add('SRV', { priority: r.srv.priority, weight: r.srv.weight, port: r.srv.port, name: r.data });
        break;
      case DNS_TYPE_SSHFP:
        if (r.sshfp) add('SSHFP', { fingerprint: hexString(r.rdata, ':'), algo: r.sshfp.algo, type: r.sshfp.fpType });
        break;
    }
  }
  return any ? g : undefined;
}

// ---------------------------------------------------------------------------------------------
// Message parser. Two instances, reused. PARSER checks each message as it arrives: it walks
// every name and record, raising the events, without decoding or allocating anything.
// BUILDER decodes a kept message when its contents are first asked for, with the same walk:
// decoded bytes go to a growable scratch buffer that is copied once per message into the
// buffer the message owns.
// ---------------------------------------------------------------------------------------------

/** Small copies by hand: Buffer#copy costs more than a 63-byte label loop. */
function copyBytes(src: Buffer, from: number, dst: Buffer, to: number, len: number): void {
  if (len > 64) {
    src.copy(dst, to, from, from + len);
    return;
  }
  for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!;
}

/** Kept copies of small messages are cut from 8 KiB slabs (the size of Node's Buffer pool). */
const RAW_SLAB_SIZE = 8192;
const RAW_SLAB_MAX = 1024;
let rawSlab: Buffer = EMPTY;
let rawSlabUsed = RAW_SLAB_SIZE; // no slab yet

/** Segments [start, pointer] a name went through, for telling a loop from a forward pointer. */
const SEGMENTS = new Int32Array(2 * DNS_MAX_POINTER_JUMPS);

class MessageParser {
  private scratch: Buffer = EMPTY;
  private used = 0;
  /** EV_* bits raised by the last parse(). */
  events = 0;
  /** Section outcomes of the last parse() (see DnsMessage). */
  capped = false;
  invalidAuthorities = false;
  invalidAdditionals = false;
  /** Decoding into a message (names and RDATA copied, objects made), or only checking. */
  private build = false;
  // Result of readName().
  private nOff = 0;
  private nLen = 0;
  private nTrunc = false;

  private reserve(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.used + n, 4096));
    this.scratch.copy(next, 0, 0, this.used);
    this.scratch = next;
  }

  private copyRaw(buf: Buffer, start: number, end: number): number {
    if (!this.build) return 0;
    const len = end - start;
    this.reserve(len);
    const off = this.used;
    copyBytes(buf, start, this.scratch, off, len);
    this.used += len;
    return off;
  }

  /**
   * Decode the name at `pos` of the message [ms, me) into the scratch area (nOff/nLen/nTrunc).
   * `limit` bounds the name's first segment (the RDATA end for names inside RDATA). Returns the
   * position just after the name in its first segment, or -1 when that cannot be known.
   */
  private readName(buf: Buffer, ms: number, me: number, pos: number, limit: number): number {
    const start = this.used;
    let p = pos;
    let segStart = pos;
    let segEnd = limit;
    let after = -1;
    let wire = 0;
    let truncated = false;
    let jumps = 0;
    for (;;) {
      if (p >= segEnd) {
        // Ran out of bytes before the terminating zero label.
        this.events |= EV_MALFORMED;
        if (after < 0) return -1;
        break;
      }
      const len = buf[p]!;
      if (len === 0) {
        p++;
        break;
      }
      const top = len & 0xc0;
      if (top === 0xc0) {
        if (p + 1 >= segEnd) {
          this.events |= EV_MALFORMED;
          if (after < 0) return -1;
          break;
        }
        const target = ms + (((len & 0x3f) << 8) | buf[p + 1]!);
        if (after < 0) after = p + 2;
        if (truncated) break; // the name is already cut: no need to follow it further
        if (target >= segStart) {
          // Into its own segment (or itself), or into a segment this name already went
          // through: following it would loop. Elsewhere: a forward pointer, which RFC 1035
          // §4.1.4 does not allow (a pointer names "a prior occurrence").
          let loop = target <= p;
          for (let i = 0; !loop && i < jumps; i++) loop = target >= SEGMENTS[2 * i]! && target <= SEGMENTS[2 * i + 1]!;
          this.events |= loop ? EV_INFINITE_LOOP : EV_MALFORMED;
          break;
        }
        if (target < ms + DNS_HEADER_LEN) {
          this.events |= EV_MALFORMED; // into the header: not a name
          break;
        }
        if (jumps === DNS_MAX_POINTER_JUMPS) {
          this.events |= EV_INFINITE_LOOP;
          break;
        }
        SEGMENTS[2 * jumps] = segStart;
        SEGMENTS[2 * jumps + 1] = p;
        jumps++;
        p = target;
        segStart = target;
        segEnd = me;
        continue;
      }
      if (top !== 0) {
        // 01 and 10: extended / reserved label types (RFC 6891 §5 retired them).
        this.events |= EV_MALFORMED;
        if (after < 0) return -1;
        break;
      }
      if (p + 1 + len > segEnd) {
        this.events |= EV_MALFORMED;
        if (after < 0) return -1;
        break;
      }
      wire += len + 1;
      if (!truncated && wire + 1 > DNS_MAX_NAME_WIRE) {
        truncated = true;
        this.events |= EV_NAME_TOO_LONG;
      }
      if (!truncated && this.build) {
        this.reserve(len + 1);
        if (this.used > start) this.scratch[this.used++] = 0x2e; // '.'
        copyBytes(buf, p + 1, this.scratch, this.used, len);
        this.used += len;
      }
      p += 1 + len;
    }
    this.nOff = start;
    this.nLen = this.used - start;
    this.nTrunc = truncated;
    return after >= 0 ? after : p;
  }

  /**
   * Walk one message [ms, me). With `m`, decode it into `m` (its lists must be empty);
   * without, only check it (events, section outcomes). False when its header, questions or
   * answers are unusable.
   */
  parse(buf: Buffer, ms: number, me: number, m: DnsMessage | null): boolean {
    this.events = 0;
    this.used = 0;
    this.capped = false;
    this.invalidAuthorities = false;
    this.invalidAdditionals = false;
    this.build = m !== null;
    if (me - ms < DNS_HEADER_LEN) {
      this.events |= EV_MALFORMED;
      return false;
    }
    const flags = (buf[ms + 2]! << 8) | buf[ms + 3]!;
    const qd = (buf[ms + 4]! << 8) | buf[ms + 5]!;
    const an = (buf[ms + 6]! << 8) | buf[ms + 7]!;
    const ns = (buf[ms + 8]! << 8) | buf[ms + 9]!;
    const ar = (buf[ms + 10]! << 8) | buf[ms + 11]!;
    if (((flags >> 11) & 0xf) >= 7) this.events |= EV_INVALID_OPCODE;
    if ((flags & 0x0040) !== 0) this.events |= EV_Z_FLAG;

    let p = ms + DNS_HEADER_LEN;
    const nq = Math.min(qd, DNS_MAX_RECORDS);
    for (let i = 0; i < nq; i++) {
      const np = this.readName(buf, ms, me, p, me);
      if (np < 0 || np + 4 > me) {
        this.events |= EV_MALFORMED;
        return false;
      }
      if (m !== null) {
        const q = new DnsQuestion((buf[np]! << 8) | buf[np + 1]!, (buf[np + 2]! << 8) | buf[np + 3]!);
        q._nOff = this.nOff;
        q._nLen = this.nLen;
        q.nameTruncated = this.nTrunc;
        m.queries.push(q);
      }
      p = np + 4;
    }
    if (qd > DNS_MAX_RECORDS) this.capped = true;
    if (!this.capped) {
      p = this.records(buf, ms, me, p, an, m === null ? null : m.answers);
      if (p < 0) {
        this.events |= EV_MALFORMED;
        return false;
      }
    }
    if (!this.capped) {
      p = this.records(buf, ms, me, p, ns, m === null ? null : m.authorities);
      if (p < 0) {
        this.invalidAuthorities = true;
        this.events |= EV_INVALID_AUTHORITIES;
      }
    }
    if (!this.capped && p >= 0) {
      p = this.records(buf, ms, me, p, ar, m === null ? null : m.additionals);
      if (p < 0) {
        this.invalidAdditionals = true;
        this.events |= EV_INVALID_ADDITIONALS;
      }
    }
    if (m !== null) {
      m.capped = this.capped;
      m.invalidAuthorities = this.invalidAuthorities;
      m.invalidAdditionals = this.invalidAdditionals;
      if (this.used > 0) {
        const owned = Buffer.allocUnsafe(this.used);
        this.scratch.copy(owned, 0, 0, this.used);
        m._bind(owned);
      } else {
        m._bind(EMPTY);
      }
    }
    return true;
  }

  /** `count` RRs from `p` (into `out` when decoding); the position after them, or -1 when one is cut short. */
  private records(buf: Buffer, ms: number, me: number, p: number, count: number, out: DnsRecord[] | null): number {
    const n = Math.min(count, DNS_MAX_RECORDS);
    for (let i = 0; i < n; i++) {
      // A record cut short fails its whole section: the caller names that, not the name parser.
      const ev0 = this.events;
      const np = this.readName(buf, ms, me, p, me);
      if (np < 0 || np + 10 > me) {
        this.events = ev0;
        return -1;
      }
      const nOff = this.nOff;
      const nLen = this.nLen;
      const nTrunc = this.nTrunc;
      const type = (buf[np]! << 8) | buf[np + 1]!;
      const rdlen = (buf[np + 8]! << 8) | buf[np + 9]!;
      const rs = np + 10;
      const re = rs + rdlen;
      if (re > me) {
        this.events = ev0;
        return -1;
      }
      let r: DnsRecord | null = null;
      if (out !== null) {
        const cls = (buf[np + 2]! << 8) | buf[np + 3]!;
        const ttl = u32be(buf, np + 4);
        r = new DnsRecord(type, cls, ttl, rdlen);
        r._nOff = nOff;
        r._nLen = nLen;
        r.nameTruncated = nTrunc;
      }
      this.rdata(buf, ms, me, rs, re, type, r);
      if (r !== null) out!.push(r);
      p = re;
    }
    if (count > DNS_MAX_RECORDS) this.capped = true;
    return p;
  }

  /**
   * RDATA [rs, re) of a record of `type`, decoded into `r` (null: only checked). Its length is
   * known, so a bad RDATA spoils only itself.
   */
  private rdata(buf: Buffer, ms: number, me: number, rs: number, re: number, type: number, r: DnsRecord | null): void {
    const len = re - rs;
    switch (type) {
      case DNS_TYPE_A:
      case DNS_TYPE_AAAA:
        if (len !== (type === DNS_TYPE_A ? 4 : 16)) {
          this.badRdata(r);
          return;
        }
        if (r !== null) {
          r._rOff = this.copyRaw(buf, rs, re);
          r._rLen = len;
        }
        return;
      case DNS_TYPE_NS:
      case DNS_TYPE_CNAME:
      case DNS_TYPE_PTR:
      case DNS_TYPE_DNAME:
        this.rdataName(buf, ms, me, rs, re, r);
        return;
      case DNS_TYPE_MX:
        if (len < 3) {
          this.badRdata(r);
          return;
        }
        if (r !== null) r.preference = (buf[rs]! << 8) | buf[rs + 1]!;
        this.rdataName(buf, ms, me, rs + 2, re, r);
        return;
      case DNS_TYPE_SRV:
        if (len < 7) {
          this.badRdata(r);
          return;
        }
        if (r !== null) {
          r.srv = {
            priority: (buf[rs]! << 8) | buf[rs + 1]!,
            weight: (buf[rs + 2]! << 8) | buf[rs + 3]!,
            port: (buf[rs + 4]! << 8) | buf[rs + 5]!,
          };
        }
        this.rdataName(buf, ms, me, rs + 6, re, r);
        return;
      case DNS_TYPE_SOA: {
        const p1 = this.readName(buf, ms, me, rs, re);
        if (p1 < 0) {
          this.badRdata(r);
          return;
        }
        const mOff = this.nOff;
        const mLen = this.nLen;
        const mTrunc = this.nTrunc;
        const p2 = this.readName(buf, ms, me, p1, re);
        if (p2 < 0 || p2 + 20 > re) {
          this.badRdata(r);
          return;
        }
        if (r !== null) {
          r.soa = {
            mname: EMPTY,
            rname: EMPTY,
            mnameTruncated: mTrunc,
            rnameTruncated: this.nTrunc,
            serial: u32be(buf, p2),
            refresh: u32be(buf, p2 + 4),
            retry: u32be(buf, p2 + 8),
            expire: u32be(buf, p2 + 12),
            minimum: u32be(buf, p2 + 16),
          };
          r._parts = [mOff, mLen, this.nOff, this.nLen];
        }
        return;
      }
      case DNS_TYPE_TXT: {
        // RFC 1035 §3.3.14: one or more <character-string>s (length byte + bytes).
        const parts: number[] | null = r === null ? null : [];
        const start = this.used;
        let p = rs;
        while (p < re) {
          const l = buf[p]!;
          if (p + 1 + l > re) {
            this.events |= EV_MALFORMED;
            break;
          }
          if (parts !== null) parts.push(this.copyRaw(buf, p + 1, p + 1 + l), l);
          p += 1 + l;
        }
        if (r !== null) {
          r.txt = [];
          r._parts = parts!;
          r._rOff = start;
          r._rLen = this.used - start;
        }
        return;
      }
      case DNS_TYPE_NULL:
        if (r !== null) {
          r._rOff = this.copyRaw(buf, rs, re);
          r._rLen = len;
        }
        return;
      case DNS_TYPE_SSHFP:
        // RFC 4255 §3.1: algorithm, fingerprint type, fingerprint.
        if (len < 2) {
          this.badRdata(r);
          return;
        }
        if (r !== null) {
          r.sshfp = { algo: buf[rs]!, fpType: buf[rs + 1]! };
          r._rOff = this.copyRaw(buf, rs + 2, re);
          r._rLen = len - 2;
        }
        return;
      case DNS_TYPE_OPT: {
        // RFC 6891 §6.1.2: {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}*.
        const parts: number[] | null = r === null ? null : [];
        const opts: DnsOpt[] | null = r === null ? null : [];
        let p = rs;
        while (p + 4 <= re) {
          const code = (buf[p]! << 8) | buf[p + 1]!;
          const l = (buf[p + 2]! << 8) | buf[p + 3]!;
          if (p + 4 + l > re) break;
          if (parts !== null) {
            parts.push(this.copyRaw(buf, p + 4, p + 4 + l), l);
            opts!.push({ code, data: EMPTY });
          }
          p += 4 + l;
        }
        if (p !== re) this.events |= EV_MALFORMED;
        if (r !== null) {
          r.opt = opts!;
          r._parts = parts!;
        }
        return;
      }
      default:
        return; // kept as its length only
    }
  }

  private rdataName(buf: Buffer, ms: number, me: number, p: number, re: number, r: DnsRecord | null): void {
    const np = this.readName(buf, ms, me, p, re);
    if (np < 0) {
      this.badRdata(r);
      return;
    }
    if (r !== null) {
      r._rOff = this.nOff;
      r._rLen = this.nLen;
      r.rdataTruncated = this.nTrunc;
    }
  }

  private badRdata(r: DnsRecord | null): void {
    if (r !== null) {
      r.rdataMalformed = true;
      r.soa = undefined;
      r.srv = undefined;
      r.sshfp = undefined;
      r._parts = undefined;
      r._rLen = 0;
    }
    this.events |= EV_MALFORMED;
  }

  /**
   * Check one message [start, end) and, when usable, keep a copy of it as a DnsMessage
   * (decoded on first use); null when unusable. `events` has what the check raised.
   */
  message(buf: Buffer, start: number, end: number): DnsMessage | null {
    if (!this.parse(buf, start, end, null)) return null;
    const len = end - start;
    let raw: Buffer;
    let rawOff = 0;
    if (len > RAW_SLAB_MAX) {
      raw = Buffer.allocUnsafe(len);
    } else {
      // Small messages share a slab, as Buffer.allocUnsafe shares its pool, without a
      // Buffer object each.
      if (rawSlabUsed + len > RAW_SLAB_SIZE) {
        rawSlab = Buffer.allocUnsafeSlow(RAW_SLAB_SIZE);
        rawSlabUsed = 0;
      }
      raw = rawSlab;
      rawOff = rawSlabUsed;
      rawSlabUsed += len;
    }
    copyBytes(buf, start, raw, rawOff, len);
    const m = new DnsMessage(
      (buf[start]! << 8) | buf[start + 1]!,
      (buf[start + 2]! << 8) | buf[start + 3]!,
      raw,
      rawOff,
      len,
    );
    m.capped = this.capped;
    m.invalidAuthorities = this.invalidAuthorities;
    m.invalidAdditionals = this.invalidAdditionals;
    return m;
  }
}

/** Checks messages as they arrive. */
const PARSER = new MessageParser();
/** Decodes kept messages on first use (separate, so a decode never clobbers PARSER's results). */
const BUILDER = new MessageParser();

/** Parse one DNS message [start, end) outside of a flow (tests, tools). `events` gets the anomaly names. */
export function parseDnsMessage(buf: Buffer, start: number, end: number, events?: string[]): DnsMessage | null {
  const m = PARSER.message(buf, start, end);
  if (events) for (const [bit, name] of EVENT_BITS) if ((PARSER.events & bit) !== 0) events.push(name);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Probing
// ---------------------------------------------------------------------------------------------

/**
 * Does [ms, avail) look like the start of a DNS message of `msgLen` bytes? Header counts must
 * fit the length, the opcode must be assigned, the first question's name must be well formed
 * (as far as it is available).
 */
function plausible(buf: Buffer, ms: number, avail: number, msgLen: number): boolean {
  if (msgLen < DNS_HEADER_LEN || avail - ms < DNS_HEADER_LEN) return false;
  const flags = (buf[ms + 2]! << 8) | buf[ms + 3]!;
  const opcode = (flags >> 11) & 0xf;
  // 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE, 6 DSO; 3 and 7..15 are unassigned.
  if (opcode === 3 || opcode >= 7) return false;
  const qd = (buf[ms + 4]! << 8) | buf[ms + 5]!;
  if (qd < 1 || qd > PROBE_MAX_QUESTIONS) return false;
  const rrs =
    ((buf[ms + 6]! << 8) | buf[ms + 7]!) +
    ((buf[ms + 8]! << 8) | buf[ms + 9]!) +
    ((buf[ms + 10]! << 8) | buf[ms + 11]!);
  // Smallest question: root name + type + class = 5; smallest RR: 11.
  if (DNS_HEADER_LEN + qd * 5 + rrs * 11 > msgLen) return false;
  const me = ms + msgLen;
  const end = Math.min(avail, me);
  let p = ms + DNS_HEADER_LEN;
  let wire = 0;
  for (;;) {
    if (p >= end) return p < me; // cut by what is available, not by the message
    const len = buf[p]!;
    if (len === 0) {
      p++;
      break;
    }
    // The first name of a message has nothing before it to point to; 01/10 are reserved.
    if ((len & 0xc0) !== 0) return false;
    wire += len + 1;
    if (wire + 1 > DNS_MAX_NAME_WIRE) return false;
    p += 1 + len;
  }
  return p + 4 <= me;
}

function probeUdp(buf: Buffer, off: number, end: number): ProbeResult {
  return plausible(buf, off, end, end - off) ? PROBE_YES : PROBE_NO;
}

function probeTcp(buf: Buffer, off: number, end: number): ProbeResult {
  if (end - off < 2) return PROBE_NEED_MORE;
  const len = (buf[off]! << 8) | buf[off + 1]!;
  if (len < DNS_HEADER_LEN) return PROBE_NO;
  if (end - off < 2 + DNS_HEADER_LEN) return PROBE_NEED_MORE;
  return plausible(buf, off + 2, end, len) ? PROBE_YES : PROBE_NO;
}

// ---------------------------------------------------------------------------------------------
// Per-flow state
// ---------------------------------------------------------------------------------------------

/** A TCP direction's partial message (RFC 7766 §8: each message follows its 2-byte length). */
class TcpDir {
  buf: Buffer = EMPTY;
  /** Bytes held in buf (length prefix included). */
  have = 0;
  /** After a gap: wait for bytes that look like the start of a message. */
  gap = false;
}

class DnsState implements AppParserState {
  private nextTxId = 0;
  /** Queries waiting for their response, oldest first. */
  private readonly open: DnsTx[] = [];
  private readonly dirs: [TcpDir, TcpDir] | undefined;

  constructor(
    private readonly sink: AppSink,
    private readonly flow: unknown,
    tcp: boolean,
    private readonly maxOpen: number,
  ) {
    this.dirs = tcp ? [new TcpDir(), new TcpDir()] : undefined;
  }

  parse(dir: Direction, buf: Buffer, off: number, end: number): void {
    if (end <= off) return;
    if (this.dirs === undefined) {
      this.message(dir, buf, off, end);
      return;
    }
    const d = this.dirs[dir];
    if (d.gap) {
      // Mid-message after lost bytes: resume only where a message plausibly starts.
      if (probeTcp(buf, off, end) === PROBE_NO) return;
      d.gap = false;
    }
    while (off < end) {
      if (d.have > 0) {
        // Complete the held message: first its length prefix, then its body.
        if (d.have < 2) {
          d.buf[d.have++] = buf[off++]!;
          if (d.have < 2) continue;
        }
        const need = 2 + ((d.buf[0]! << 8) | d.buf[1]!);
        if (d.buf.length < need) {
          const next = Buffer.allocUnsafe(need);
          d.buf.copy(next, 0, 0, d.have);
          d.buf = next;
        }
        const n = Math.min(need - d.have, end - off);
        buf.copy(d.buf, d.have, off, off + n);
        d.have += n;
        off += n;
        if (d.have === need) {
          d.have = 0;
          this.tcpMessage(dir, d.buf, 2, need);
        }
        continue;
      }
      if (end - off >= 2) {
        const len = (buf[off]! << 8) | buf[off + 1]!;
        if (end - off >= 2 + len) {
          this.tcpMessage(dir, buf, off + 2, off + 2 + len);
          off += 2 + len;
          continue;
        }
      }
      // A message cut by the end of this stretch: hold it until the rest arrives.
      const n = end - off;
      const want = n >= 2 ? 2 + ((buf[off]! << 8) | buf[off + 1]!) : 2;
      if (d.buf.length < want) d.buf = Buffer.allocUnsafe(Math.max(want, 64));
      buf.copy(d.buf, 0, off, end);
      d.have = n;
      off = end;
    }
  }

  private tcpMessage(dir: Direction, buf: Buffer, start: number, end: number): void {
    if (end === start) {
      // A zero length prefix: nothing to parse, but no DNS speaker sends it.
      this.sink.anomaly(this.flow, 'dns', DNS_EVENTS.malformedData);
      return;
    }
    this.message(dir, buf, start, end);
  }

  gap(dir: Direction): void {
    if (this.dirs === undefined) return;
    const d = this.dirs[dir];
    d.have = 0;
    d.gap = true;
  }

  end(): void {
    if (this.dirs === undefined) return;
    // A message cut by the end of the flow is dropped quietly, as Suricata does.
    this.dirs[0].have = 0;
    this.dirs[1].have = 0;
  }

  private message(dir: Direction, buf: Buffer, start: number, end: number): void {
    const m = PARSER.message(buf, start, end);
    let ev = PARSER.events;
    if (m !== null) {
      if (m.qr && dir === TO_SERVER) ev |= EV_NOT_REQUEST;
      else if (!m.qr && dir === TO_CLIENT) ev |= EV_NOT_RESPONSE;
    }
    if (ev !== 0) {
      for (const [bit, name] of EVENT_BITS) if ((ev & bit) !== 0) this.sink.anomaly(this.flow, 'dns', name);
    }
    if (m === null) return;
    // The QR bit, not the direction, says query or response: a capture that starts with a
    // response makes the server the flow's initiator.
    if (!m.qr) {
      const tx = new DnsTx(this.nextTxId++);
      tx.request = m;
      tx.progress = TX_REQUEST_HEADERS | TX_REQUEST_DONE;
      if (this.open.length >= this.maxOpen) this.open.shift(); // oldest query is given up on
      this.open.push(tx);
      this.sink.txProgress(this.flow, tx, dir);
      return;
    }
    let tx: DnsTx | undefined;
    const open = this.open;
    for (let i = 0; i < open.length; i++) {
      if (open[i]!.request!.id === m.id) {
        tx = open[i]!;
        // Remove it in place (splice would allocate the array of what it removed).
        for (let j = i + 1; j < open.length; j++) open[j - 1] = open[j]!;
        open.pop();
        break;
      }
    }
    if (tx === undefined) tx = new DnsTx(this.nextTxId++);
    tx.response = m;
    tx.progress |= TX_RESPONSE_HEADERS | TX_RESPONSE_DONE;
    this.sink.txProgress(this.flow, tx, dir);
  }
}

/** A DNS parser for one transport, with the given bounds (`maxOpenTxs`: queries awaiting a response). */
export function makeDnsParser(transport: 'udp' | 'tcp', limits: AppLimits = DEFAULT_APP_LIMITS): AppParser {
  const tcp = transport === 'tcp';
  const maxOpen = Math.max(1, limits.maxOpenTxs);
  return {
    name: 'dns',
    transport,
    defaultPorts: [53],
    probe: (buf, off, end) => (tcp ? probeTcp(buf, off, end) : probeUdp(buf, off, end)),
    create: (sink, flow) => new DnsState(sink, flow, tcp, maxOpen),
  };
}

export const dnsUdpParser: AppParser = makeDnsParser('udp');
export const dnsTcpParser: AppParser = makeDnsParser('tcp');
