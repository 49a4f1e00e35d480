// TLS / SSL handshake parser: RFC 5246 (TLS 1.2), RFC 8446 (TLS 1.3), RFC 6101 (SSL 3.0),
// SSL 2.0 CLIENT-HELLO / SERVER-HELLO (draft-hickman-netscape-ssl-00).
// https://www.rfc-editor.org/rfc/rfc5246  https://www.rfc-editor.org/rfc/rfc8446
//
// Record layer (RFC 5246 6.2.1):
//
//   +--------+--------+--------+--------+--------+---------------------------+
//   |  type  | major  | minor  |     length      |  fragment (length bytes)  |
//   +--------+--------+--------+--------+--------+---------------------------+
//   type: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data, 24 heartbeat
//
// Handshake messages (RFC 5246 7.4) travel inside handshake records; one message may span
// many records and one record may hold many messages:
//
//   +--------+--------+--------+--------+-----------------------------+
//   | msg_type |        length (24 bit) |  body (length bytes)        |
//   +--------+--------+--------+--------+-----------------------------+
//
// SSL 2.0 records start with a 2-byte header whose top bit is set (length in the other
// 15 bits); no TLS record type has that bit, which is how the two are told apart.
//
// What is parsed: ClientHello (versions, ciphers, extensions: SNI, groups, point formats,
// signature algorithms, ALPN, supported_versions), ServerHello, and the Certificate
// message while it is in clear (TLS <= 1.2). From the first certificate of the chain we
// take subject/issuer/serial/validity/SHA-1 fingerprint/SANs via node:crypto's
// X509Certificate, once per certificate. ChangeCipherSpec, alerts, heartbeats and
// application data are walked record by record (counted, checked, not decrypted); after a
// TLS 1.3 ServerHello everything else of the handshake is encrypted.
//
// One transaction (TlsTx) per connection: its progress follows the handshake
// (ClientHello -> TX_REQUEST_HEADERS, ServerHello -> TX_RESPONSE_HEADERS, certificate or
// TLS 1.3 ServerHello or ChangeCipherSpec / application data -> TX_RESPONSE_DONE).
//
// Anomaly names are Suricata's TLS app-layer events (rules/tls-events.rules), e.g.
// tls.invalid_record_type. A direction whose record framing is lost stops being parsed.

import { createHash, X509Certificate } from 'node:crypto';
import { isGrease, ja3Hash, ja3String, ja3sString, ja4 } from './ja.js';
import {
  type AppParser,
  type AppParserState,
  type AppSink,
  type AppTx,
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

// Record content types (RFC 5246 6.2.1, RFC 6520 heartbeat).
const CT_CHANGE_CIPHER_SPEC = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPLICATION_DATA = 23;
const CT_HEARTBEAT = 24;
/** Internal marker: the current record is an SSL 2.0 record. */
const CT_SSLV2 = 0x100;

// Handshake types we parse.
const HS_CLIENT_HELLO = 1;
const HS_SERVER_HELLO = 2;
const HS_CERTIFICATE = 11;

// SSL 2.0 message types.
const SSLV2_MT_ERROR = 0;
const SSLV2_MT_CLIENT_HELLO = 1;
const SSLV2_MT_SERVER_HELLO = 4;

// Extension types (IANA "TLS ExtensionType Values").
const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_GROUPS = 10;
const EXT_EC_POINT_FORMATS = 11;
const EXT_SIGNATURE_ALGORITHMS = 13;
const EXT_ALPN = 16;
const EXT_SESSION_TICKET = 35;
const EXT_PRE_SHARED_KEY = 41;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_VERSIONS = 43;

/** RFC 5246 6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes. */
const MAX_RECORD_LEN = (1 << 14) + 2048;
/** Largest handshake message buffered for parsing (certificate chains included). */
const MAX_HANDSHAKE_MSG = 64 * 1024;
/** RFC 6520 4: a heartbeat message carries at least 16 bytes of padding. */
const HEARTBEAT_MIN_PADDING = 16;

/** Handshake message types defined by RFC 5246/8446/6066/4680 and friends. */
const KNOWN_HANDSHAKE = new Uint8Array(256);
for (const t of [0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 67, 254])
  KNOWN_HANDSHAKE[t] = 1;

/** RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest. */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

const EVENT_INVALID_RECORD_TYPE = 'tls.invalid_record_type';
const EVENT_INVALID_RECORD_VERSION = 'tls.invalid_record_version';
const EVENT_INVALID_RECORD_LENGTH = 'tls.invalid_record_length';
const EVENT_INVALID_HANDSHAKE_MESSAGE = 'tls.invalid_handshake_message';
const EVENT_HANDSHAKE_INVALID_LENGTH = 'tls.handshake_invalid_length';
const EVENT_INVALID_SSLV2_HEADER = 'tls.invalid_sslv2_header';
const EVENT_INVALID_SSL_RECORD = 'tls.invalid_ssl_record';
const EVENT_ERROR_MESSAGE = 'tls.error_message_encountered';
const EVENT_INVALID_ALERT = 'tls.invalid_alert_message';
const EVENT_HEARTBEAT = 'tls.heartbeat_message';
const EVENT_INVALID_HEARTBEAT = 'tls.invalid_heartbeat_message';
const EVENT_OVERFLOW_HEARTBEAT = 'tls.overflow_heartbeat_message';
const EVENT_DATALEAK_HEARTBEAT = 'tls.dataleak_heartbeat_mismatch';
const EVENT_MULTIPLE_SNI = 'tls.multiple_sni_extensions';
const EVENT_INVALID_SNI_TYPE = 'tls.invalid_sni_type';
const EVENT_INVALID_SNI_LENGTH = 'tls.invalid_sni_length';
const EVENT_CERT_INVALID_LENGTH = 'tls.certificate_invalid_length';
const EVENT_INVALID_CERTIFICATE = 'tls.invalid_certificate';

/** Every anomaly name this parser can report. */
export const TLS_EVENTS: readonly string[] = [
  EVENT_INVALID_RECORD_TYPE,
  EVENT_INVALID_RECORD_VERSION,
  EVENT_INVALID_RECORD_LENGTH,
  EVENT_INVALID_HANDSHAKE_MESSAGE,
  EVENT_HANDSHAKE_INVALID_LENGTH,
  EVENT_INVALID_SSLV2_HEADER,
  EVENT_INVALID_SSL_RECORD,
  EVENT_ERROR_MESSAGE,
  EVENT_INVALID_ALERT,
  EVENT_HEARTBEAT,
  EVENT_INVALID_HEARTBEAT,
  EVENT_OVERFLOW_HEARTBEAT,
  EVENT_DATALEAK_HEARTBEAT,
  EVENT_MULTIPLE_SNI,
  EVENT_INVALID_SNI_TYPE,
  EVENT_INVALID_SNI_LENGTH,
  EVENT_CERT_INVALID_LENGTH,
  EVENT_INVALID_CERTIFICATE,
];

/** TLS 1.3 or one of its drafts (0x7fXX, Facebook's 0xfbXX). */
function isTls13(v: number): boolean {
  return v === 0x0304 || v >> 8 === 0x7f || v >> 8 === 0xfb;
}

/** Version as Suricata prints it in EVE `tls.version`. */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0:
      return 'UNDETERMINED';
    case 0x0002:
    case 0x0200:
      return 'SSLv2';
    case 0x0300:
      return 'SSLv3';
    case 0x0301:
      return 'TLSv1';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
    case 0x7f01:
      return 'TLS 1.3 draft-<16';
  }
  const lo = v & 0xff;
  if (v >> 8 === 0x7f && lo >= 16 && lo <= 28) return `TLS 1.3 draft-${lo}`;
  if (v >> 8 === 0xfb && (lo === 0x14 || lo === 0x15 || lo === 0x16 || lo === 0x17 || lo === 0x1a)) {
    return `TLS 1.3 draft-${lo}-fb`;
  }
  return `0x${v.toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------
// Certificates

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Node's "Nov 23 15:27:00 2026 GMT" (OpenSSL ASN1_TIME_print) as epoch seconds, NaN if odd. */
function parseOpensslTime(s: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/.exec(s);
  if (m === null) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? Number.NaN : Math.floor(t / 1000);
  }
  const mon = MONTHS[m[1]!];
  if (mon === undefined) return Number.NaN;
  return Date.UTC(Number(m[6]), mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
}

/** EVE tls date "2024-01-02T03:04:05" (UTC, no zone), or undefined outside the schema's years. */
function eveDate(sec: number): string | undefined {
  if (!Number.isFinite(sec)) return undefined;
  const d = new Date(sec * 1000);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 2999) return undefined;
  return d.toISOString().slice(0, 19);
}

/** One DER tag-length header: value is [valOff, valEnd). Null when it does not fit. */
function derHeader(b: Buffer, off: number, end: number): { tag: number; valOff: number; valEnd: number } | null {
  if (off + 2 > end) return null;
  const tag = b[off]!;
  let len = b[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > end) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > end) return null;
  return { tag, valOff: p, valEnd: p + len };
}

/**
 * The serial number's raw content octets (RFC 5280 4.1: Certificate -> tbsCertificate ->
 * [0] version, serialNumber INTEGER). Suricata prints these bytes, leading 00 included,
 * which Node's serialNumber (a BIGNUM) would drop.
 */
function derSerial(der: Buffer): Buffer | undefined {
  const cert = derHeader(der, 0, der.length);
  if (cert === null || cert.tag !== 0x30) return undefined;
  const tbs = derHeader(der, cert.valOff, cert.valEnd);
  if (tbs === null || tbs.tag !== 0x30) return undefined;
  let f = derHeader(der, tbs.valOff, tbs.valEnd);
  if (f !== null && f.tag === 0xa0) f = derHeader(der, f.valEnd, tbs.valEnd);
  if (f === null || f.tag !== 0x02) return undefined;
  return der.subarray(f.valOff, f.valEnd);
}

function colonHex(b: Uint8Array, upper: boolean): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const h = b[i]!.toString(16).padStart(2, '0');
    s += (i === 0 ? '' : ':') + (upper ? h.toUpperCase() : h);
  }
  return s;
}

/** Node's multi-line distinguished name "C=US\nO=Google Inc\nCN=x" as "C=US, O=Google Inc, CN=x". */
function dnString(dn: string | undefined): string | undefined {
  if (dn === undefined) return undefined;
  return dn.split('\n').join(', ');
}

/** SAN values without their "DNS:" / "IP Address:" / "email:" / "URI:" prefixes. */
function sanList(san: string | undefined): string[] {
  if (san === undefined || san.length === 0) return [];
  const out: string[] = [];
  for (const part of san.split(', ')) {
    const i = part.indexOf(':');
    const kind = i < 0 ? '' : part.slice(0, i);
    out.push(kind === 'DNS' || kind === 'IP Address' || kind === 'email' || kind === 'URI' ? part.slice(i + 1) : part);
  }
  return out;
}

/** What the parser keeps of one peer's certificate chain; text fields are Buffers for detection. */
export class TlsCert {
  /** Every certificate of the chain (DER), leaf first: views into the Certificate message. */
  readonly chain: Buffer[];
  /** Leaf certificate fields (undefined when it did not decode). */
  subject: Buffer | undefined;
  issuer: Buffer | undefined;
  /** "00:A1:B2:..." (upper-case hex, colon separated) as Suricata prints it. */
  serial: Buffer | undefined;
  /** SHA-1 of the leaf DER, "a1:b2:..." (lower-case hex, colon separated). */
  fingerprint: Buffer | undefined;
  /** Validity, epoch seconds (NaN when unknown). */
  notBefore = Number.NaN;
  notAfter = Number.NaN;
  subjectAltNames: string[] = [];

  constructor(chain: Buffer[]) {
    this.chain = chain;
  }

  eve(o: Record<string, unknown>): void {
    if (this.subject !== undefined) o.subject = this.subject.toString('utf8');
    if (this.issuer !== undefined) o.issuerdn = this.issuer.toString('utf8');
    if (this.serial !== undefined) o.serial = this.serial.toString('latin1');
    if (this.fingerprint !== undefined) o.fingerprint = this.fingerprint.toString('latin1');
    const nb = eveDate(this.notBefore);
    if (nb !== undefined) o.notbefore = nb;
    const na = eveDate(this.notAfter);
    if (na !== undefined) o.notafter = na;
    if (this.subjectAltNames.length > 0) o.subjectaltname = this.subjectAltNames;
  }
}

/**
 * Decode the leaf of a chain. X509Certificate throws on bad DER: the error is caught here
 * (once per certificate, not per packet) and reported as tls.invalid_certificate.
 */
function decodeLeaf(cert: TlsCert, der: Buffer): boolean {
  cert.fingerprint = Buffer.from(colonHex(createHash('sha1').update(der).digest(), false), 'latin1');
  // A DER certificate is a SEQUENCE; X509Certificate would also accept PEM text.
  if (der[0] !== 0x30) return false;
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch {
    return false;
  }
  const subject = dnString(x.subject);
  const issuer = dnString(x.issuer);
  if (subject !== undefined) cert.subject = Buffer.from(subject, 'utf8');
  if (issuer !== undefined) cert.issuer = Buffer.from(issuer, 'utf8');
  const raw = derSerial(der);
  if (raw !== undefined) cert.serial = Buffer.from(colonHex(raw, true), 'latin1');
  else if (x.serialNumber) cert.serial = Buffer.from(colonHex(Buffer.from(x.serialNumber, 'hex'), true), 'latin1');
  cert.notBefore = parseOpensslTime(x.validFrom);
  cert.notAfter = parseOpensslTime(x.validTo);
  cert.subjectAltNames = sanList(x.subjectAltName);
  return true;
}

// ---------------------------------------------------------------------------------------
// Transaction

function bufList(list: readonly Buffer[]): string[] {
  return list.map((b) => b.toString('latin1'));
}

function withoutGrease(list: readonly number[]): number[] {
  return list.filter((v) => !isGrease(v));
}

/** One TLS handshake (one per connection). */
export class TlsTx implements AppTx {
  readonly proto = 'tls' as const;
  readonly id: number;
  progress = 0;

  // --- ClientHello ---
  /** ClientHello legacy_version (0 until seen); 0x0002 for an SSL 2.0 CLIENT-HELLO. */
  clientVersion = 0;
  /** supported_versions offered by the client (wire order, GREASE included). */
  clientSupportedVersions: number[] = [];
  clientSessionId: Buffer | undefined;
  ciphers: number[] = [];
  compressionMethods: number[] = [];
  /** Extension types in wire order (GREASE included). */
  extensions: number[] = [];
  groups: number[] = [];
  pointFormats: number[] = [];
  sigAlgs: number[] = [];
  /** server_name host_name (tls.sni). */
  sni: Buffer | undefined;
  /** ALPN protocols offered by the client. */
  clientAlpns: Buffer[] = [];
  /** The client presented a session ticket. */
  clientTicket = false;
  /** ja3.string, ja3.hash (32 hex characters), ja4.hash. */
  ja3String: Buffer | undefined;
  ja3Hash: Buffer | undefined;
  ja4: Buffer | undefined;

  // --- ServerHello ---
  /** ServerHello legacy_version (0 until seen). */
  serverVersion = 0;
  /** Negotiated version: supported_versions of the ServerHello, else its legacy_version. */
  negotiatedVersion = 0;
  /** Version of the server's first record, when no ServerHello was seen. */
  serverRecordVersion = 0;
  /** Chosen cipher suite (-1 until seen). */
  cipher = -1;
  serverSessionId: Buffer | undefined;
  serverExtensions: number[] = [];
  serverAlpns: Buffer[] = [];
  ja3sString: Buffer | undefined;
  ja3sHash: Buffer | undefined;
  helloRetryRequest = false;
  sessionResumed = false;

  // --- Certificates ---
  serverCert: TlsCert | undefined;
  clientCert: TlsCert | undefined;

  constructor(id: number) {
    this.id = id;
  }

  /** Version name as Suricata prints it ("TLS 1.2", "TLS 1.3", "TLSv1", "SSLv3", "UNDETERMINED"). */
  get version(): string {
    return tlsVersionName(this.negotiatedVersion !== 0 ? this.negotiatedVersion : this.serverRecordVersion);
  }
  get certSubject(): Buffer | undefined {
    return this.serverCert?.subject;
  }
  get certIssuer(): Buffer | undefined {
    return this.serverCert?.issuer;
  }
  get certSerial(): Buffer | undefined {
    return this.serverCert?.serial;
  }
  get certFingerprint(): Buffer | undefined {
    return this.serverCert?.fingerprint;
  }
  /** Leaf validity, epoch seconds (NaN when unknown). */
  get notBefore(): number {
    return this.serverCert?.notBefore ?? Number.NaN;
  }
  get notAfter(): number {
    return this.serverCert?.notAfter ?? Number.NaN;
  }
  get subjectAltNames(): readonly string[] {
    return this.serverCert?.subjectAltNames ?? [];
  }
  /** Number of certificates the server sent (tls.cert_chain_len). */
  get certChainLen(): number {
    return this.serverCert?.chain.length ?? 0;
  }

  toEve(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.serverCert?.eve(o);
    if (this.sessionResumed) o.session_resumed = true;
    if (this.sni !== undefined) o.sni = this.sni.toString('latin1');
    o.version = this.version;
    if (this.ja3Hash !== undefined && this.ja3String !== undefined) {
      o.ja3 = { hash: this.ja3Hash.toString('latin1'), string: this.ja3String.toString('latin1') };
    }
    if (this.ja3sHash !== undefined && this.ja3sString !== undefined) {
      o.ja3s = { hash: this.ja3sHash.toString('latin1'), string: this.ja3sString.toString('latin1') };
    }
    if (this.ja4 !== undefined) o.ja4 = this.ja4.toString('latin1');
    if (this.clientAlpns.length > 0) o.client_alpns = bufList(this.clientAlpns);
    if (this.serverAlpns.length > 0) o.server_alpns = bufList(this.serverAlpns);
    if (this.clientVersion !== 0) {
      let v = 0;
      for (const sv of this.clientSupportedVersions) {
        if (!isGrease(sv)) {
          v = sv;
          break;
        }
      }
      const ch: Record<string, unknown> = { version: tlsVersionName(v !== 0 ? v : this.clientVersion) };
      const ciphers = withoutGrease(this.ciphers);
      if (ciphers.length > 0) ch.ciphers = ciphers;
      const exts = withoutGrease(this.extensions);
      if (exts.length > 0) ch.exts = exts;
      const sigs = withoutGrease(this.sigAlgs);
      if (sigs.length > 0) ch.sig_algs = sigs;
      o.client_handshake = ch;
    }
    if (this.cipher >= 0) {
      const sh: Record<string, unknown> = { version: tlsVersionName(this.negotiatedVersion), cipher: this.cipher };
      const exts = withoutGrease(this.serverExtensions);
      if (exts.length > 0) sh.exts = exts;
      o.server_handshake = sh;
    }
    if (this.clientCert !== undefined) {
      const c: Record<string, unknown> = {};
      this.clientCert.eve(c);
      o.client = c;
    }
    return o;
  }
}

// ---------------------------------------------------------------------------------------
// Parser state

/** Per-direction framing state (allocated once per flow). */
class DirState {
  /** Framing lost or hopeless input: the rest of this direction is ignored. */
  dead = false;
  /** Records of this direction seen so far (counted, whether parsed or not). */
  records = 0;
  /** ChangeCipherSpec seen and the handshake that follows is encrypted. */
  encrypted = false;
  /** Handshake messages of this direction are no longer parsed (1.3, gap, bad type). */
  hsOff = false;
  /** Application data bytes seen (encrypted, not inspected). */
  appBytes = 0;

  // Record header being collected (5 bytes TLS, 2 bytes SSL 2.0).
  readonly hdr = new Uint8Array(5);
  hdrLen = 0;
  hdrNeed = 5;
  inRecord = false;
  recType = 0;
  recLen = 0;
  recRemain = 0;
  /** First bytes of an alert or heartbeat record. */
  readonly pre = new Uint8Array(3);
  preLen = 0;
  /** A gap hit the current record: its content checks are skipped. */
  recBroken = false;

  // Handshake message reassembly.
  readonly hsHdr = new Uint8Array(4);
  hsHdrLen = 0;
  hsType = 0;
  hsLen = 0;
  hsFill = 0;
  /** The message being collected (only for types we parse), owned by the transaction after. */
  hsBuf: Buffer | null = null;
}

class TlsState implements AppParserState {
  private readonly sink: AppSink;
  private readonly flow: unknown;
  private readonly dirs: [DirState, DirState] = [new DirState(), new DirState()];
  tx: TlsTx | undefined;
  /** The client offered TLS 1.3 (its ChangeCipherSpec is then only a compatibility no-op). */
  private client13 = false;
  private serverHelloSeen = false;
  private negotiated13 = false;
  private sslv2Session = false;
  /** Version of the server's first record (what Suricata reports without a ServerHello). */
  private serverRecordVersion = 0;
  /** Length of the last encrypted heartbeat request (RFC 6520), -1 if none. */
  private hbRequestLen = -1;

  constructor(sink: AppSink, flow: unknown) {
    this.sink = sink;
    this.flow = flow;
  }

  private anomaly(event: string): void {
    this.sink.anomaly(this.flow, 'tls', event);
  }

  private ensureTx(): TlsTx {
    if (this.tx === undefined) {
      this.tx = new TlsTx(0);
      this.tx.serverRecordVersion = this.serverRecordVersion;
    }
    return this.tx;
  }

  private progress(flags: number, dir: Direction): void {
    const tx = this.tx;
    if (tx === undefined || (tx.progress & flags) === flags) return;
    tx.progress |= flags;
    this.sink.txProgress(this.flow, tx, dir);
  }

  private kill(d: DirState, event: string | undefined): void {
    if (event !== undefined) this.anomaly(event);
    d.dead = true;
    d.hsBuf = null;
  }

  parse(dir: Direction, buf: Buffer, off: number, end: number): void {
    const d = this.dirs[dir];
    while (off < end && !d.dead) {
      if (!d.inRecord) {
        if (d.hdrLen === 0) d.hdrNeed = buf[off]! & 0x80 ? 2 : 5;
        while (d.hdrLen < d.hdrNeed && off < end) d.hdr[d.hdrLen++] = buf[off++]!;
        if (d.hdrLen < d.hdrNeed) return;
        d.hdrLen = 0;
        if (d.hdrNeed === 2) this.startSslv2Record(d);
        else this.startRecord(dir, d);
        continue;
      }
      let n = end - off;
      if (n > d.recRemain) n = d.recRemain;
      this.recordData(dir, d, buf, off, off + n);
      off += n;
      d.recRemain -= n;
      if (d.recRemain === 0 && d.inRecord) {
        d.inRecord = false;
        this.endRecord(dir, d);
      }
    }
  }

  gap(dir: Direction, len: number): void {
    const d = this.dirs[dir];
    if (d.dead || len <= 0) return;
    // A gap inside the current record keeps the framing (we know where the record ends);
    // anywhere else the next record header is lost.
    if (d.inRecord && d.recType !== CT_SSLV2 && len <= d.recRemain) {
      d.recRemain -= len;
      d.recBroken = true;
      if (d.recType === CT_HANDSHAKE) {
        // Message boundaries inside the lost bytes are unknown: stop parsing handshakes.
        d.hsOff = true;
        d.hsBuf = null;
      }
      if (d.recRemain === 0) {
        d.inRecord = false;
        this.endRecord(dir, d);
      }
      return;
    }
    this.kill(d, undefined);
  }

  end(): void {
    for (const d of this.dirs) d.hsBuf = null;
    this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
  }

  // --- record layer ---

  private startRecord(dir: Direction, d: DirState): void {
    const h = d.hdr;
    const type = h[0]!;
    const len = (h[3]! << 8) | h[4]!;
    if (type < CT_CHANGE_CIPHER_SPEC || type > CT_HEARTBEAT) {
      this.kill(d, EVENT_INVALID_RECORD_TYPE);
      return;
    }
    // Record versions are SSL 3.0 .. TLS 1.2 on the wire (TLS 1.3 keeps 0x0303); allow 3.4.
    if (h[1] !== 3 || h[2]! > 4) {
      this.kill(d, EVENT_INVALID_RECORD_VERSION);
      return;
    }
    // RFC 5246 6.2.1: zero-length fragments are allowed for application data only.
    if ((len === 0 && type !== CT_APPLICATION_DATA) || len > MAX_RECORD_LEN) {
      this.kill(d, EVENT_INVALID_RECORD_LENGTH);
      return;
    }
    d.records++;
    d.recType = type;
    d.recLen = len;
    d.recRemain = len;
    d.preLen = 0;
    d.recBroken = false;
    d.inRecord = true;
    if (dir === TO_CLIENT && this.serverRecordVersion === 0) {
      this.serverRecordVersion = (h[1]! << 8) | h[2]!;
      if (this.tx !== undefined) this.tx.serverRecordVersion = this.serverRecordVersion;
    }
    if (type === CT_APPLICATION_DATA) this.onApplicationData(dir, d, len);
    else if (type === CT_HEARTBEAT) this.anomaly(EVENT_HEARTBEAT);
    if (len === 0) {
      d.inRecord = false;
      this.endRecord(dir, d);
    }
  }

  private startSslv2Record(d: DirState): void {
    // SSL 2.0 records only open a direction (v2-compatible CLIENT-HELLO) or follow an
    // SSL 2.0 SERVER-HELLO; elsewhere a byte with the top bit set is not a record type.
    if (d.records !== 0 && !this.sslv2Session) {
      this.kill(d, EVENT_INVALID_RECORD_TYPE);
      return;
    }
    const len = ((d.hdr[0]! & 0x7f) << 8) | d.hdr[1]!;
    if (len === 0) {
      this.kill(d, EVENT_INVALID_SSLV2_HEADER);
      return;
    }
    const first = d.records === 0;
    d.records++;
    d.recType = CT_SSLV2;
    d.recLen = len;
    d.recRemain = len;
    d.recBroken = false;
    d.inRecord = true;
    d.hsBuf = first ? Buffer.allocUnsafe(len) : null;
    d.hsFill = 0;
  }

  private recordData(dir: Direction, d: DirState, buf: Buffer, off: number, end: number): void {
    switch (d.recType) {
      case CT_HANDSHAKE:
        if (!d.encrypted && !d.hsOff) this.handshakeData(dir, d, buf, off, end);
        break;
      case CT_ALERT:
      case CT_HEARTBEAT:
        while (d.preLen < 3 && off < end) d.pre[d.preLen++] = buf[off++]!;
        break;
      case CT_SSLV2:
        if (d.hsBuf !== null) {
          buf.copy(d.hsBuf, d.hsFill, off, end);
          d.hsFill += end - off;
        }
        break;
    }
  }

  private endRecord(dir: Direction, d: DirState): void {
    switch (d.recType) {
      case CT_CHANGE_CIPHER_SPEC:
        this.onChangeCipherSpec(dir, d);
        break;
      case CT_ALERT:
        // An alert in clear is exactly level + description (RFC 5246 7.2).
        if (!d.encrypted && !d.recBroken && d.recLen < 2) this.anomaly(EVENT_INVALID_ALERT);
        this.onAlert(dir);
        break;
      case CT_HEARTBEAT:
        if (!d.recBroken) this.onHeartbeat(dir, d);
        break;
      case CT_SSLV2: {
        const rec = d.hsBuf;
        d.hsBuf = null;
        if (rec !== null && !d.recBroken) this.onSslv2Record(dir, d, rec);
        break;
      }
    }
  }

  private onChangeCipherSpec(dir: Direction, d: DirState): void {
    const tx = this.tx;
    // TLS 1.3 (RFC 8446 D.4): ChangeCipherSpec is a middlebox-compatibility no-op and may
    // come before a second ClientHello; encryption shows as application_data records.
    const compat = this.client13 && (!this.serverHelloSeen || this.negotiated13);
    if (!compat) {
      d.encrypted = true;
      d.hsBuf = null;
      d.hsHdrLen = 0;
    }
    if (tx === undefined) return;
    if (dir === TO_CLIENT) {
      // TLS <= 1.2: a server that switches to encryption without sending a certificate
      // resumed a session (by id or by ticket).
      if (this.serverHelloSeen && !this.negotiated13 && tx.serverCert === undefined) tx.sessionResumed = true;
      this.progress(TX_RESPONSE_DONE, dir);
    } else if (!(this.client13 && !this.serverHelloSeen)) {
      this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, dir);
    }
  }

  private onApplicationData(dir: Direction, d: DirState, len: number): void {
    d.appBytes += len;
    // TLS 1.3 0-RTT early data comes before the ServerHello: the handshake is not done.
    if (dir === TO_SERVER && this.client13 && !this.serverHelloSeen) return;
    this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, dir);
  }

  private onAlert(dir: Direction): void {
    // An alert ends (or aborts) the handshake as far as anything more can be seen.
    if (this.tx !== undefined) this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, dir);
  }

  private onHeartbeat(dir: Direction, d: DirState): void {
    if (!d.encrypted) {
      // RFC 6520 4: type(1) payload_length(2) payload padding(>= 16).
      if (d.preLen < 3) {
        this.anomaly(EVENT_INVALID_HEARTBEAT);
        return;
      }
      const type = d.pre[0]!;
      const payloadLen = (d.pre[1]! << 8) | d.pre[2]!;
      if (type !== 1 && type !== 2) {
        this.anomaly(EVENT_INVALID_HEARTBEAT);
        return;
      }
      // Heartbleed (CVE-2014-0160): a claimed payload longer than the record carries.
      if (3 + payloadLen + HEARTBEAT_MIN_PADDING > d.recLen) this.anomaly(EVENT_OVERFLOW_HEARTBEAT);
      return;
    }
    // Encrypted: a response larger than the request leaks memory (Heartbleed after CCS).
    if (dir === TO_SERVER) this.hbRequestLen = d.recLen;
    else if (this.hbRequestLen >= 0 && d.recLen > this.hbRequestLen) this.anomaly(EVENT_DATALEAK_HEARTBEAT);
  }

  // --- handshake layer ---

  private handshakeData(dir: Direction, d: DirState, buf: Buffer, off: number, end: number): void {
    while (off < end) {
      if (d.hsHdrLen < 4) {
        d.hsHdr[d.hsHdrLen++] = buf[off++]!;
        if (d.hsHdrLen < 4) continue;
        const type = d.hsHdr[0]!;
        const len = (d.hsHdr[1]! << 16) | (d.hsHdr[2]! << 8) | d.hsHdr[3]!;
        d.hsType = type;
        d.hsLen = len;
        d.hsFill = 0;
        d.hsBuf = null;
        if (
          KNOWN_HANDSHAKE[type] === 0 ||
          (type === HS_CLIENT_HELLO && dir !== TO_SERVER) ||
          (type === HS_SERVER_HELLO && dir !== TO_CLIENT)
        ) {
          // Garbage where a handshake message should start: the stream is not what it
          // claims to be, stop reading handshakes from this side.
          this.anomaly(EVENT_INVALID_HANDSHAKE_MESSAGE);
          d.hsOff = true;
          return;
        }
        if (type === HS_CLIENT_HELLO || type === HS_SERVER_HELLO || type === HS_CERTIFICATE) {
          if (len > MAX_HANDSHAKE_MSG) this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
          else d.hsBuf = Buffer.allocUnsafe(len);
        }
        if (len === 0) this.endHandshake(dir, d);
        continue;
      }
      let n = end - off;
      if (n > d.hsLen - d.hsFill) n = d.hsLen - d.hsFill;
      if (d.hsBuf !== null) buf.copy(d.hsBuf, d.hsFill, off, off + n);
      d.hsFill += n;
      off += n;
      if (d.hsFill === d.hsLen) {
        this.endHandshake(dir, d);
        // The message may have ended the readable part of the handshake (TLS 1.3).
        if (d.hsOff || d.encrypted || d.dead) return;
      }
    }
  }

  private endHandshake(dir: Direction, d: DirState): void {
    const msg = d.hsBuf;
    d.hsBuf = null;
    d.hsHdrLen = 0;
    if (msg === null) return;
    switch (d.hsType) {
      case HS_CLIENT_HELLO:
        this.onClientHello(msg);
        break;
      case HS_SERVER_HELLO:
        this.onServerHello(msg);
        break;
      case HS_CERTIFICATE:
        this.onCertificate(dir, msg);
        break;
    }
  }

  private onClientHello(m: Buffer): void {
    const tx = this.ensureTx();
    // A second ClientHello answers a HelloRetryRequest: the fingerprints stay on the first.
    if (tx.clientVersion !== 0) return;
    const ok = this.parseClientHello(tx, m);
    if (ok) {
      const print = {
        version: tx.clientVersion,
        ciphers: tx.ciphers,
        extensions: tx.extensions,
        groups: tx.groups,
        pointFormats: tx.pointFormats,
        sigAlgs: tx.sigAlgs,
        supportedVersions: tx.clientSupportedVersions,
        firstAlpn: tx.clientAlpns[0],
      };
      const s = ja3String(print);
      tx.ja3String = Buffer.from(s, 'latin1');
      tx.ja3Hash = Buffer.from(ja3Hash(s), 'latin1');
      tx.ja4 = Buffer.from(ja4(print), 'latin1');
    } else {
      this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    }
    for (const v of tx.clientSupportedVersions) if (isTls13(v)) this.client13 = true;
    this.progress(TX_REQUEST_HEADERS, TO_SERVER);
  }

  /** RFC 5246 7.4.1.2 / RFC 8446 4.1.2. False when a length does not fit. */
  private parseClientHello(tx: TlsTx, m: Buffer): boolean {
    const n = m.length;
    if (n < 35) return false;
    tx.clientVersion = (m[0]! << 8) | m[1]!;
    let p = 34; // version + random
    const sidLen = m[p++]!;
    if (sidLen > 32 || p + sidLen > n) return false;
    tx.clientSessionId = m.subarray(p, p + sidLen);
    p += sidLen;
    if (p + 2 > n) return false;
    const cl = (m[p]! << 8) | m[p + 1]!;
    p += 2;
    if (cl & 1 || p + cl > n) return false;
    for (let i = 0; i < cl; i += 2) tx.ciphers.push((m[p + i]! << 8) | m[p + i + 1]!);
    p += cl;
    if (p + 1 > n) return false;
    const compLen = m[p++]!;
    if (p + compLen > n) return false;
    for (let i = 0; i < compLen; i++) tx.compressionMethods.push(m[p + i]!);
    p += compLen;
    if (p === n) return true; // extensions are optional (RFC 5246 7.4.1.2)
    return this.parseExtensions(tx, m, p, true);
  }

  /** The extensions block of a ClientHello or ServerHello. False when its lengths do not fit. */
  private parseExtensions(tx: TlsTx, m: Buffer, p: number, client: boolean): boolean {
    const n = m.length;
    if (p + 2 > n) return false;
    const total = (m[p]! << 8) | m[p + 1]!;
    p += 2;
    const end = p + total;
    if (end > n) return false;
    const types = client ? tx.extensions : tx.serverExtensions;
    while (p < end) {
      if (p + 4 > end) return false;
      const type = (m[p]! << 8) | m[p + 1]!;
      const len = (m[p + 2]! << 8) | m[p + 3]!;
      p += 4;
      if (p + len > end) return false;
      types.push(type);
      if (client) this.clientExtension(tx, type, m, p, p + len);
      else this.serverExtension(tx, type, m, p, p + len);
      p += len;
    }
    return true;
  }

  private clientExtension(tx: TlsTx, type: number, m: Buffer, p: number, end: number): void {
    const len = end - p;
    switch (type) {
      case EXT_SERVER_NAME: {
        // RFC 6066 3: server_name_list<2>, entries: name_type(1) host_name<2>.
        if (len === 0) return;
        if (len < 3) {
          this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
          return;
        }
        const nameType = m[p + 2]!;
        if (nameType !== 0) {
          this.anomaly(EVENT_INVALID_SNI_TYPE);
          return;
        }
        if (len < 5) {
          this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
          return;
        }
        const nameLen = (m[p + 3]! << 8) | m[p + 4]!;
        // A host name is a DNS name: 1..255 bytes.
        if (nameLen === 0 || nameLen > 255 || p + 5 + nameLen > end) {
          this.anomaly(EVENT_INVALID_SNI_LENGTH);
          return;
        }
        // RFC 5246 7.4.1.4: at most one extension of each type.
        if (tx.sni !== undefined) {
          this.anomaly(EVENT_MULTIPLE_SNI);
          return;
        }
        tx.sni = m.subarray(p + 5, p + 5 + nameLen);
        return;
      }
      case EXT_SUPPORTED_GROUPS:
        this.u16List(m, p, end, 2, tx.groups);
        return;
      case EXT_SIGNATURE_ALGORITHMS:
        this.u16List(m, p, end, 2, tx.sigAlgs);
        return;
      case EXT_SUPPORTED_VERSIONS:
        this.u16List(m, p, end, 1, tx.clientSupportedVersions);
        return;
      case EXT_EC_POINT_FORMATS: {
        if (len === 0) return;
        const l = m[p]!;
        if (1 + l > len) {
          this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
          return;
        }
        for (let i = 0; i < l; i++) tx.pointFormats.push(m[p + 1 + i]!);
        return;
      }
      case EXT_ALPN:
        this.alpnList(m, p, end, tx.clientAlpns);
        return;
      case EXT_SESSION_TICKET:
        if (len > 0) tx.clientTicket = true;
        return;
      case EXT_EARLY_DATA:
        return;
    }
  }

  private serverExtension(tx: TlsTx, type: number, m: Buffer, p: number, end: number): void {
    switch (type) {
      case EXT_SUPPORTED_VERSIONS:
        // RFC 8446 4.2.1: the ServerHello carries the one selected version.
        if (end - p !== 2) {
          this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
          return;
        }
        tx.negotiatedVersion = (m[p]! << 8) | m[p + 1]!;
        return;
      case EXT_ALPN:
        this.alpnList(m, p, end, tx.serverAlpns);
        return;
    }
  }

  /** A list of 16-bit values behind a 1- or 2-byte length. */
  private u16List(m: Buffer, p: number, end: number, lenBytes: number, out: number[]): void {
    if (p === end) return;
    if (p + lenBytes > end) {
      this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
      return;
    }
    const l = lenBytes === 1 ? m[p]! : (m[p]! << 8) | m[p + 1]!;
    p += lenBytes;
    if (l & 1 || p + l > end) {
      this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
      return;
    }
    for (let i = 0; i < l; i += 2) out.push((m[p + i]! << 8) | m[p + i + 1]!);
  }

  /** RFC 7301 3.1: protocol_name_list<2>, each ProtocolName<1..2^8-1>. */
  private alpnList(m: Buffer, p: number, end: number, out: Buffer[]): void {
    if (p === end) return;
    if (p + 2 > end) {
      this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
      return;
    }
    const l = (m[p]! << 8) | m[p + 1]!;
    p += 2;
    if (p + l > end) {
      this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
      return;
    }
    const listEnd = p + l;
    while (p < listEnd) {
      const pl = m[p++]!;
      if (p + pl > listEnd) {
        this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
        return;
      }
      if (pl > 0) out.push(m.subarray(p, p + pl));
      p += pl;
    }
  }

  private onServerHello(m: Buffer): void {
    const tx = this.ensureTx();
    // A ServerHello after a HelloRetryRequest replaces it.
    tx.serverExtensions = [];
    tx.serverAlpns = [];
    tx.negotiatedVersion = 0;
    const ok = this.parseServerHello(tx, m);
    if (!ok) this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    if (tx.negotiatedVersion === 0) tx.negotiatedVersion = tx.serverVersion;
    this.serverHelloSeen = true;
    if (ok) {
      const s = ja3sString(tx.serverVersion, tx.cipher, tx.serverExtensions);
      tx.ja3sString = Buffer.from(s, 'latin1');
      tx.ja3sHash = Buffer.from(ja3Hash(s), 'latin1');
    }
    this.negotiated13 = isTls13(tx.negotiatedVersion);
    if (this.negotiated13) {
      // RFC 8446 2.1: a pre_shared_key in the ServerHello means a resumed (PSK) session.
      tx.sessionResumed = tx.serverExtensions.includes(EXT_PRE_SHARED_KEY);
    } else {
      // TLS <= 1.2: the server echoes the client's session id to resume it.
      const sid = tx.serverSessionId;
      if (sid !== undefined && sid.length > 0 && tx.clientSessionId !== undefined && sid.equals(tx.clientSessionId)) {
        tx.sessionResumed = true;
      }
    }
    this.progress(TX_RESPONSE_HEADERS, TO_CLIENT);
    if (this.negotiated13 && !tx.helloRetryRequest) {
      // Everything after a TLS 1.3 ServerHello (certificates included) is encrypted.
      this.dirs[TO_SERVER].hsOff = true;
      this.dirs[TO_CLIENT].hsOff = true;
      this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
    }
  }

  /** RFC 5246 7.4.1.3 / RFC 8446 4.1.3. */
  private parseServerHello(tx: TlsTx, m: Buffer): boolean {
    const n = m.length;
    if (n < 35) return false;
    tx.serverVersion = (m[0]! << 8) | m[1]!;
    tx.helloRetryRequest = m.subarray(2, 34).equals(HRR_RANDOM);
    let p = 34;
    const sidLen = m[p++]!;
    if (sidLen > 32 || p + sidLen + 3 > n) return false;
    tx.serverSessionId = m.subarray(p, p + sidLen);
    p += sidLen;
    tx.cipher = (m[p]! << 8) | m[p + 1]!;
    p += 3; // cipher suite + compression method
    if (p === n) return true;
    return this.parseExtensions(tx, m, p, false);
  }

  /** RFC 5246 7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
  private onCertificate(dir: Direction, m: Buffer): void {
    const tx = this.ensureTx();
    const n = m.length;
    if (n < 3) {
      this.anomaly(EVENT_CERT_INVALID_LENGTH);
      return;
    }
    const total = (m[0]! << 16) | (m[1]! << 8) | m[2]!;
    if (3 + total !== n) {
      this.anomaly(EVENT_CERT_INVALID_LENGTH);
      return;
    }
    const chain: Buffer[] = [];
    let p = 3;
    while (p < n) {
      if (p + 3 > n) {
        this.anomaly(EVENT_CERT_INVALID_LENGTH);
        return;
      }
      const len = (m[p]! << 16) | (m[p + 1]! << 8) | m[p + 2]!;
      p += 3;
      if (len === 0 || p + len > n) {
        this.anomaly(EVENT_CERT_INVALID_LENGTH);
        return;
      }
      chain.push(m.subarray(p, p + len));
      p += len;
    }
    this.setCert(tx, dir, chain);
  }

  private setCert(tx: TlsTx, dir: Direction, chain: Buffer[]): void {
    const cert = new TlsCert(chain);
    if (chain.length > 0 && !decodeLeaf(cert, chain[0]!)) this.anomaly(EVENT_INVALID_CERTIFICATE);
    if (dir === TO_CLIENT) {
      if (tx.serverCert !== undefined) return;
      tx.serverCert = cert;
      tx.sessionResumed = false;
      this.progress(TX_RESPONSE_DONE, TO_CLIENT);
    } else if (tx.clientCert === undefined) {
      tx.clientCert = cert;
    }
  }

  // --- SSL 2.0 ---

  private onSslv2Record(dir: Direction, d: DirState, r: Buffer): void {
    const type = r[0]!;
    if (dir === TO_SERVER) {
      if (type !== SSLV2_MT_CLIENT_HELLO) return;
      const tx = this.ensureTx();
      if (tx.clientVersion !== 0) return;
      // CLIENT-HELLO: type(1) version(2) cipher_specs_len(2) session_id_len(2)
      // challenge_len(2), cipher specs (3 bytes each), session id, challenge.
      if (r.length < 9) {
        this.kill(d, EVENT_INVALID_SSL_RECORD);
        return;
      }
      const csLen = (r[3]! << 8) | r[4]!;
      const sidLen = (r[5]! << 8) | r[6]!;
      const chLen = (r[7]! << 8) | r[8]!;
      if (csLen % 3 !== 0 || 9 + csLen + sidLen + chLen > r.length) {
        this.kill(d, EVENT_INVALID_SSL_RECORD);
        return;
      }
      tx.clientVersion = (r[1]! << 8) | r[2]!;
      for (let i = 9; i < 9 + csLen; i += 3) {
        // A spec whose first byte is 0 is a TLS cipher suite (RFC 5246 E.2).
        tx.ciphers.push(r[i] === 0 ? (r[i + 1]! << 8) | r[i + 2]! : (r[i]! << 16) | (r[i + 1]! << 8) | r[i + 2]!);
      }
      tx.clientSessionId = r.subarray(9 + csLen, 9 + csLen + sidLen);
      this.progress(TX_REQUEST_HEADERS, dir);
      return;
    }
    if (type === SSLV2_MT_ERROR) {
      this.anomaly(EVENT_ERROR_MESSAGE);
      this.onAlert(dir);
      return;
    }
    if (type !== SSLV2_MT_SERVER_HELLO) return;
    // SERVER-HELLO: type(1) session_id_hit(1) certificate_type(1) version(2)
    // certificate_len(2) cipher_specs_len(2) connection_id_len(2), certificate, ...
    if (r.length < 11) {
      this.kill(d, EVENT_INVALID_SSL_RECORD);
      return;
    }
    const tx = this.ensureTx();
    const certLen = (r[5]! << 8) | r[6]!;
    const csLen = (r[7]! << 8) | r[8]!;
    const idLen = (r[9]! << 8) | r[10]!;
    if (11 + certLen + csLen + idLen > r.length) {
      this.kill(d, EVENT_INVALID_SSL_RECORD);
      return;
    }
    tx.serverVersion = (r[3]! << 8) | r[4]!;
    tx.negotiatedVersion = tx.serverVersion;
    if (r[1] !== 0) tx.sessionResumed = true;
    this.serverHelloSeen = true;
    this.sslv2Session = true;
    this.progress(TX_RESPONSE_HEADERS, dir);
    if (certLen > 0 && r[2] === 1) this.setCert(tx, TO_CLIENT, [r.subarray(11, 11 + certLen)]);
    // The rest of an SSL 2.0 session is encrypted (and may use 3-byte headers).
    this.dirs[TO_SERVER].dead = true;
    this.dirs[TO_CLIENT].dead = true;
    this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, dir);
  }
}

// ---------------------------------------------------------------------------------------
// Probing

/** Record header checks shared by both directions: major 3, minor 0..4. */
function recordVersionOk(buf: Buffer, off: number, end: number): ProbeResult {
  if (end - off < 3) return end - off >= 2 && buf[off + 1] !== 3 ? PROBE_NO : PROBE_NEED_MORE;
  return buf[off + 1] === 3 && buf[off + 2]! <= 4 ? PROBE_YES : PROBE_NO;
}

/**
 * TO_SERVER: a handshake record (22) whose first message is a ClientHello, or an SSL 2.0
 * CLIENT-HELLO. TO_CLIENT: a handshake record with a ServerHello, an alert record, or an
 * SSL 2.0 SERVER-HELLO.
 */
export function probeTls(buf: Buffer, off: number, end: number, dir: Direction): ProbeResult {
  const avail = end - off;
  if (avail < 1) return PROBE_NEED_MORE;
  const b0 = buf[off]!;
  if (b0 & 0x80) {
    // SSL 2.0: 2-byte header, then message type; CLIENT-HELLO also carries a version.
    if (avail < 3) return PROBE_NEED_MORE;
    const len = ((b0 & 0x7f) << 8) | buf[off + 1]!;
    if (dir === TO_SERVER) {
      if (len < 9 || buf[off + 2] !== SSLV2_MT_CLIENT_HELLO) return PROBE_NO;
      if (avail < 5) return PROBE_NEED_MORE;
      const major = buf[off + 3]!;
      const minor = buf[off + 4]!;
      return (major === 0 && minor === 2) || (major === 3 && minor <= 4) ? PROBE_YES : PROBE_NO;
    }
    return len >= 11 && buf[off + 2] === SSLV2_MT_SERVER_HELLO ? PROBE_YES : PROBE_NO;
  }
  if (b0 === CT_HANDSHAKE) {
    const v = recordVersionOk(buf, off, end);
    if (v !== PROBE_YES) return v;
    if (avail < 6) return PROBE_NEED_MORE;
    return buf[off + 5] === (dir === TO_SERVER ? HS_CLIENT_HELLO : HS_SERVER_HELLO) ? PROBE_YES : PROBE_NO;
  }
  if (b0 === CT_ALERT && dir === TO_CLIENT) {
    const v = recordVersionOk(buf, off, end);
    if (v !== PROBE_YES) return v;
    if (avail < 5) return PROBE_NEED_MORE;
    return buf[off + 3] === 0 && buf[off + 4] === 2 ? PROBE_YES : PROBE_NO;
  }
  return PROBE_NO;
}

export const tlsParser: AppParser = {
  name: 'tls',
  transport: 'tcp',
  // https, imaps, pop3s, smtps (submissions), ldaps, ftps-data, ftps, telnets, sip-tls, WinRM-https.
  defaultPorts: [443, 8443, 993, 995, 465, 636, 989, 990, 992, 5061, 5986],
  probe: probeTls,
  create(sink: AppSink, flow: unknown): AppParserState {
    return new TlsState(sink, flow);
  },
};
