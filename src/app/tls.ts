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
// X509Certificate, once per certificate, when they are first asked for. ChangeCipherSpec, alerts, heartbeats and
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
import { type ClientHelloPrint, isGrease, ja3Hash, ja3String, ja3sString, ja4 } from './ja.js';
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

/**
 * Node's multi-line distinguished name "C=US\nO=Google Inc\nCN=x" as the bytes of
 * "C=US, O=Google Inc, CN=x". OpenSSL escapes control bytes as `\XX` and RFC 2253 specials
 * with a backslash; they are unescaped so the buffer holds the certificate's own bytes (a NUL
 * in a subject stays a NUL, as Suricata's tls.cert_subject).
 */
function dnBytes(dn: string | undefined): Buffer | undefined {
  if (dn === undefined) return undefined;
  const text = dn.split('\n').join(', ');
  if (!text.includes('\\')) return Buffer.from(text, 'utf8');
  const out: number[] = [];
  const push = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) out.push(b);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      push(c);
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      push(text[i + 1]!);
      i += 1;
    }
  }
  return Buffer.from(out);
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

/**
 * What the parser keeps of one peer's certificate chain; text fields are Buffers for detection.
 *
 * The leaf is checked with X509Certificate when the chain arrives (OpenSSL's verdict decides
 * the tls.invalid_certificate anomaly, at that moment); its fields are read from the decoded
 * certificate, and its SHA-1 fingerprint computed, only when first asked for (then kept).
 */
export class TlsCert {
  /** Every certificate of the chain (DER), leaf first: views into the Certificate message. */
  readonly chain: Buffer[];
  /** The decoded leaf; null when there is none or it did not decode. */
  private x509: X509Certificate | null = null;
  private decoded = false;
  private _subject: Buffer | undefined = undefined;
  private _issuer: Buffer | undefined = undefined;
  private _serial: Buffer | undefined = undefined;
  private _fingerprint: Buffer | undefined = undefined;
  private _notBefore = Number.NaN;
  private _notAfter = Number.NaN;
  private _sans: string[] | undefined = undefined;

  constructor(chain: Buffer[]) {
    this.chain = chain;
  }

  /**
   * @internal Decode the leaf (there must be one). X509Certificate throws on bad DER: the
   * error is caught here (once per certificate, not per packet); false means
   * tls.invalid_certificate.
   */
  _check(): boolean {
    const der = this.chain[0]!;
    // A DER certificate is a SEQUENCE; X509Certificate would also accept PEM text.
    if (der[0] !== 0x30) return false;
    try {
      this.x509 = new X509Certificate(der);
    } catch {
      return false;
    }
    return true;
  }

  /** Read the leaf's fields out of the decoded certificate, once. */
  private decode(): void {
    if (this.decoded) return;
    this.decoded = true;
    const x = this.x509;
    if (x === null) return;
    const der = this.chain[0]!;
    this._subject = dnBytes(x.subject);
    this._issuer = dnBytes(x.issuer);
    const raw = derSerial(der);
    if (raw !== undefined) this._serial = Buffer.from(colonHex(raw, true), 'latin1');
    else if (x.serialNumber) this._serial = Buffer.from(colonHex(Buffer.from(x.serialNumber, 'hex'), true), 'latin1');
    this._notBefore = parseOpensslTime(x.validFrom);
    this._notAfter = parseOpensslTime(x.validTo);
    this._sans = sanList(x.subjectAltName);
  }

  /** Leaf certificate fields (undefined when it did not decode). */
  get subject(): Buffer | undefined {
    this.decode();
    return this._subject;
  }
  get issuer(): Buffer | undefined {
    this.decode();
    return this._issuer;
  }
  /** "00:A1:B2:..." (upper-case hex, colon separated) as Suricata prints it. */
  get serial(): Buffer | undefined {
    this.decode();
    return this._serial;
  }
  /** SHA-1 of the leaf DER, "a1:b2:..." (lower-case hex, colon separated); also for a leaf that did not decode. */
  get fingerprint(): Buffer | undefined {
    if (this._fingerprint === undefined && this.chain.length > 0) {
      this._fingerprint = Buffer.from(colonHex(createHash('sha1').update(this.chain[0]!).digest(), false), 'latin1');
    }
    return this._fingerprint;
  }
  /** Validity, epoch seconds (NaN when unknown). */
  get notBefore(): number {
    this.decode();
    return this._notBefore;
  }
  get notAfter(): number {
    this.decode();
    return this._notAfter;
  }
  get subjectAltNames(): string[] {
    this.decode();
    if (this._sans === undefined) this._sans = [];
    return this._sans;
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

// ---------------------------------------------------------------------------------------
// Transaction
//
// The parser walks each hello once, for what it must know at once: the anomalies, the
// versions, the chosen cipher, the session ids and SNI (as offsets), whether the session
// resumes. The lists (ciphers, extensions, groups, ALPN...) are read by walking the kept
// message again, with the same code, the first time one of them is asked for; JA3/JA3S/JA4
// are built and hashed from them then, and kept.

function bufList(list: readonly Buffer[]): string[] {
  return list.map((b) => b.toString('latin1'));
}

function withoutGrease(list: readonly number[]): number[] {
  return list.filter((v) => !isGrease(v));
}

/** The lists of a ClientHello (wire order, GREASE included). */
class ClientLists {
  readonly supportedVersions: number[] = [];
  readonly ciphers: number[] = [];
  readonly compressionMethods: number[] = [];
  readonly extensions: number[] = [];
  readonly groups: number[] = [];
  readonly pointFormats: number[] = [];
  readonly sigAlgs: number[] = [];
  readonly alpns: Buffer[] = [];
}

/** The lists of a ServerHello. */
class ServerLists {
  readonly extensions: number[] = [];
  readonly alpns: Buffer[] = [];
}

// Fingerprint states.
/** No fingerprint (no hello parsed whole). */
const FP_NONE = 0;
/** From the current lists and fields, on demand. */
const FP_LAZY = 1;
/** Fixed: computed before a later hello changed the lists (a HelloRetryRequest and the like). */
const FP_FIXED = 2;

/** One TLS handshake (one per connection). */
export class TlsTx implements AppTx {
  readonly proto = 'tls' as const;
  readonly id: number;
  progress = 0;
  inspected = 0;

  // --- ClientHello ---
  /** ClientHello legacy_version (0 until seen); 0x0002 for an SSL 2.0 CLIENT-HELLO. */
  clientVersion = 0;
  /** The client presented a session ticket. */
  clientTicket = false;

  // --- ServerHello ---
  /** ServerHello legacy_version (0 until seen). */
  serverVersion = 0;
  /** Negotiated version: supported_versions of the ServerHello, else its legacy_version. */
  negotiatedVersion = 0;
  /** Version of the server's first record, when no ServerHello was seen. */
  serverRecordVersion = 0;
  /** Chosen cipher suite (-1 until seen). */
  cipher = -1;
  helloRetryRequest = false;
  sessionResumed = false;

  // --- Certificates ---
  serverCert: TlsCert | undefined = undefined;
  clientCert: TlsCert | undefined = undefined;

  // --- kept bytes (views made on first use) ---
  /** @internal The ClientHello body (or SSL 2.0 CLIENT-HELLO record) the client lists come from. */
  _ch: Buffer | undefined = undefined;
  _chV2 = false;
  private _cLists: ClientLists | undefined = undefined;
  /** @internal The last ServerHello body: the server lists come from it. */
  _sh: Buffer | undefined = undefined;
  private _sLists: ServerLists | undefined = undefined;
  /** @internal The ServerHello carries pre_shared_key (TLS 1.3 resumption). */
  _psk = false;
  private _csidSrc: Buffer | undefined = undefined;
  private _csidOff = 0;
  private _csidLen = 0;
  private _csid: Buffer | undefined = undefined;
  private _ssidSrc: Buffer | undefined = undefined;
  private _ssidOff = 0;
  private _ssidLen = 0;
  private _ssid: Buffer | undefined = undefined;
  private _sniSrc: Buffer | undefined = undefined;
  private _sniOff = 0;
  private _sniLen = 0;
  private _sni: Buffer | undefined = undefined;
  // Fingerprints.
  private _ja3State = FP_NONE;
  private _ja3String: Buffer | undefined = undefined;
  private _ja3Hash: Buffer | undefined = undefined;
  private _ja4: Buffer | undefined = undefined;
  private _ja3sState = FP_NONE;
  private _ja3sString: Buffer | undefined = undefined;
  private _ja3sHash: Buffer | undefined = undefined;

  constructor(id: number) {
    this.id = id;
  }

  // --- ClientHello fields ---

  /** @internal The client lists, read from the kept ClientHello the first time. */
  _clientLists(): ClientLists {
    let l = this._cLists;
    if (l === undefined) {
      l = new ClientLists();
      this._cLists = l;
      const m = this._ch;
      this._ch = undefined;
      if (m !== undefined) {
        if (this._chV2) sslv2Ciphers(m, l);
        else walkClientHello(this, m, null, l);
      }
    }
    return l;
  }
  /** @internal The client lists if already read (a walk then adds to them), else null. */
  _clientListsIfRead(): ClientLists | null {
    return this._cLists ?? null;
  }

  /** supported_versions offered by the client (wire order, GREASE included). */
  get clientSupportedVersions(): number[] {
    return this._clientLists().supportedVersions;
  }
  get ciphers(): number[] {
    return this._clientLists().ciphers;
  }
  get compressionMethods(): number[] {
    return this._clientLists().compressionMethods;
  }
  /** Extension types in wire order (GREASE included). */
  get extensions(): number[] {
    return this._clientLists().extensions;
  }
  get groups(): number[] {
    return this._clientLists().groups;
  }
  get pointFormats(): number[] {
    return this._clientLists().pointFormats;
  }
  get sigAlgs(): number[] {
    return this._clientLists().sigAlgs;
  }
  /** ALPN protocols offered by the client. */
  get clientAlpns(): Buffer[] {
    return this._clientLists().alpns;
  }
  get clientSessionId(): Buffer | undefined {
    if (this._csid === undefined && this._csidSrc !== undefined) {
      this._csid = this._csidSrc.subarray(this._csidOff, this._csidOff + this._csidLen);
    }
    return this._csid;
  }
  /** server_name host_name (tls.sni). */
  get sni(): Buffer | undefined {
    if (this._sni === undefined && this._sniSrc !== undefined) {
      this._sni = this._sniSrc.subarray(this._sniOff, this._sniOff + this._sniLen);
    }
    return this._sni;
  }

  /** @internal */
  _setClientSid(src: Buffer, off: number, len: number): void {
    this._csidSrc = src;
    this._csidOff = off;
    this._csidLen = len;
    this._csid = undefined;
  }
  /** @internal */
  _hasSni(): boolean {
    return this._sniSrc !== undefined;
  }
  /** @internal */
  _setSni(src: Buffer, off: number, len: number): void {
    this._sniSrc = src;
    this._sniOff = off;
    this._sniLen = len;
    this._sni = undefined;
  }

  /**
   * @internal A ClientHello (TLS or SSL 2.0) is about to be read. A first one is only kept;
   * after an earlier one (whose legacy_version was 0, or that was too short) the lists are
   * read now and the new one adds to them, and the fingerprints of the earlier one are fixed.
   */
  _beginClientHello(m: Buffer, v2: boolean): void {
    if (this._ja3State === FP_LAZY) {
      void this.ja3String;
      void this.ja4;
      this._ja3State = FP_FIXED;
    }
    if (this._ch !== undefined) this._clientLists();
    if (this._cLists === undefined) {
      this._ch = m;
      this._chV2 = v2;
    }
  }

  /** @internal The ClientHello just read was whole: fingerprint it (on demand). */
  _clientHelloOk(): void {
    this._ja3State = FP_LAZY;
    this._ja3String = undefined;
    this._ja3Hash = undefined;
    this._ja4 = undefined;
  }

  private print(): ClientHelloPrint {
    const l = this._clientLists();
    return {
      version: this.clientVersion,
      ciphers: l.ciphers,
      extensions: l.extensions,
      groups: l.groups,
      pointFormats: l.pointFormats,
      sigAlgs: l.sigAlgs,
      supportedVersions: l.supportedVersions,
      firstAlpn: l.alpns[0],
    };
  }

  /** ja3.string, ja3.hash (32 hex characters), ja4.hash; undefined without a whole ClientHello. */
  get ja3String(): Buffer | undefined {
    if (this._ja3String === undefined && this._ja3State === FP_LAZY) {
      this._ja3String = Buffer.from(ja3String(this.print()), 'latin1');
    }
    return this._ja3String;
  }
  get ja3Hash(): Buffer | undefined {
    if (this._ja3Hash === undefined && this._ja3State !== FP_NONE) {
      const s = this.ja3String;
      if (s !== undefined) this._ja3Hash = Buffer.from(ja3Hash(s.toString('latin1')), 'latin1');
    }
    return this._ja3Hash;
  }
  get ja4(): Buffer | undefined {
    if (this._ja4 === undefined && this._ja3State === FP_LAZY) this._ja4 = Buffer.from(ja4(this.print()), 'latin1');
    return this._ja4;
  }

  // --- ServerHello fields ---

  private serverLists(): ServerLists {
    let l = this._sLists;
    if (l === undefined) {
      l = new ServerLists();
      this._sLists = l;
      if (this._sh !== undefined) walkServerHello(this, this._sh, null, l);
    }
    return l;
  }

  get serverExtensions(): number[] {
    return this.serverLists().extensions;
  }
  get serverAlpns(): Buffer[] {
    return this.serverLists().alpns;
  }
  get serverSessionId(): Buffer | undefined {
    if (this._ssid === undefined && this._ssidSrc !== undefined) {
      this._ssid = this._ssidSrc.subarray(this._ssidOff, this._ssidOff + this._ssidLen);
    }
    return this._ssid;
  }

  /** @internal */
  _setServerSid(src: Buffer, off: number, len: number): void {
    this._ssidSrc = src;
    this._ssidOff = off;
    this._ssidLen = len;
    this._ssid = undefined;
  }

  /** @internal The server echoed a non-empty client session id (TLS <= 1.2 resumption). */
  _sessionIdEchoed(): boolean {
    const s = this._ssidSrc;
    const c = this._csidSrc;
    const n = this._ssidLen;
    if (s === undefined || c === undefined || n === 0 || n !== this._csidLen) return false;
    for (let i = 0; i < n; i++) if (s[this._ssidOff + i] !== c[this._csidOff + i]) return false;
    return true;
  }

  /** @internal A ServerHello replaces the lists of an earlier one (after a HelloRetryRequest). */
  _beginServerHello(m: Buffer): void {
    this._sh = m;
    this._sLists = undefined;
    this._psk = false;
    this.negotiatedVersion = 0;
  }

  /**
   * @internal The ServerHello was read; `ok` when whole. A ServerHello cut short keeps the
   * JA3S of the one before it, made from what that one said.
   */
  _endServerHello(ok: boolean, prevVersion: number, prevCipher: number, prevHello: Buffer | undefined): void {
    if (ok) {
      this._ja3sState = FP_LAZY;
      this._ja3sString = undefined;
      this._ja3sHash = undefined;
    } else if (this._ja3sState === FP_LAZY) {
      if (this._ja3sString === undefined) {
        const l = new ServerLists();
        if (prevHello !== undefined) walkServerHello(this, prevHello, null, l);
        this._ja3sString = Buffer.from(ja3sString(prevVersion, prevCipher, l.extensions), 'latin1');
      }
      this._ja3sState = FP_FIXED;
    }
  }

  /** @internal An SSL 2.0 SERVER-HELLO sets the server version: fix a JA3S made before it. */
  _fixJa3s(): void {
    if (this._ja3sState !== FP_LAZY) return;
    void this.ja3sString;
    this._ja3sState = FP_FIXED;
  }

  get ja3sString(): Buffer | undefined {
    if (this._ja3sString === undefined && this._ja3sState === FP_LAZY) {
      this._ja3sString = Buffer.from(ja3sString(this.serverVersion, this.cipher, this.serverExtensions), 'latin1');
    }
    return this._ja3sString;
  }
  get ja3sHash(): Buffer | undefined {
    if (this._ja3sHash === undefined && this._ja3sState !== FP_NONE) {
      const s = this.ja3sString;
      if (s !== undefined) this._ja3sHash = Buffer.from(ja3Hash(s.toString('latin1')), 'latin1');
    }
    return this._ja3sHash;
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
    const sni = this.sni;
    if (sni !== undefined) o.sni = sni.toString('latin1');
    o.version = this.version;
    const ja3h = this.ja3Hash;
    const ja3s = this.ja3String;
    if (ja3h !== undefined && ja3s !== undefined) {
      o.ja3 = { hash: ja3h.toString('latin1'), string: ja3s.toString('latin1') };
    }
    const ja3sh = this.ja3sHash;
    const ja3ss = this.ja3sString;
    if (ja3sh !== undefined && ja3ss !== undefined) {
      o.ja3s = { hash: ja3sh.toString('latin1'), string: ja3ss.toString('latin1') };
    }
    const j4 = this.ja4;
    if (j4 !== undefined) o.ja4 = j4.toString('latin1');
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
// Hello walkers. One code path for both walks of a message: the first (`st` set) reports
// anomalies and sets the transaction's fields; a later one (`st` null) only fills lists.
// Both follow the same checks, so a list read later is what the first walk went through.

/** Where the first walk of a hello reports. */
interface HelloReporter {
  anomaly(event: string): void;
  /** Set when the client offers TLS 1.3. */
  client13: boolean;
}

/** RFC 5246 7.4.1.2 / RFC 8446 4.1.2. False when a length does not fit. */
function walkClientHello(tx: TlsTx, m: Buffer, st: HelloReporter | null, l: ClientLists | null): boolean {
  const n = m.length;
  if (n < 35) return false;
  if (st !== null) tx.clientVersion = (m[0]! << 8) | m[1]!;
  let p = 34; // version + random
  const sidLen = m[p++]!;
  if (sidLen > 32 || p + sidLen > n) return false;
  if (st !== null) tx._setClientSid(m, p, sidLen);
  p += sidLen;
  if (p + 2 > n) return false;
  const cl = (m[p]! << 8) | m[p + 1]!;
  p += 2;
  if (cl & 1 || p + cl > n) return false;
  if (l !== null) for (let i = 0; i < cl; i += 2) l.ciphers.push((m[p + i]! << 8) | m[p + i + 1]!);
  p += cl;
  if (p + 1 > n) return false;
  const compLen = m[p++]!;
  if (p + compLen > n) return false;
  if (l !== null) for (let i = 0; i < compLen; i++) l.compressionMethods.push(m[p + i]!);
  p += compLen;
  if (p === n) return true; // extensions are optional (RFC 5246 7.4.1.2)
  if (p + 2 > n) return false;
  const total = (m[p]! << 8) | m[p + 1]!;
  p += 2;
  const end = p + total;
  if (end > n) return false;
  while (p < end) {
    if (p + 4 > end) return false;
    const type = (m[p]! << 8) | m[p + 1]!;
    const len = (m[p + 2]! << 8) | m[p + 3]!;
    p += 4;
    if (p + len > end) return false;
    if (l !== null) l.extensions.push(type);
    clientExtension(tx, st, l, type, m, p, p + len);
    p += len;
  }
  return true;
}

function clientExtension(
  tx: TlsTx,
  st: HelloReporter | null,
  l: ClientLists | null,
  type: number,
  m: Buffer,
  p: number,
  end: number,
): void {
  const len = end - p;
  switch (type) {
    case EXT_SERVER_NAME: {
      if (st === null) return;
      // RFC 6066 3: server_name_list<2>, entries: name_type(1) host_name<2>.
      if (len === 0) return;
      if (len < 3) {
        st.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
        return;
      }
      const nameType = m[p + 2]!;
      if (nameType !== 0) {
        st.anomaly(EVENT_INVALID_SNI_TYPE);
        return;
      }
      if (len < 5) {
        st.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
        return;
      }
      const nameLen = (m[p + 3]! << 8) | m[p + 4]!;
      // A host name is a DNS name: 1..255 bytes.
      if (nameLen === 0 || nameLen > 255 || p + 5 + nameLen > end) {
        st.anomaly(EVENT_INVALID_SNI_LENGTH);
        return;
      }
      // RFC 5246 7.4.1.4: at most one extension of each type.
      if (tx._hasSni()) {
        st.anomaly(EVENT_MULTIPLE_SNI);
        return;
      }
      tx._setSni(m, p + 5, nameLen);
      return;
    }
    case EXT_SUPPORTED_GROUPS:
      u16List(st, m, p, end, 2, l === null ? null : l.groups);
      return;
    case EXT_SIGNATURE_ALGORITHMS:
      u16List(st, m, p, end, 2, l === null ? null : l.sigAlgs);
      return;
    case EXT_SUPPORTED_VERSIONS:
      if (u16List(st, m, p, end, 1, l === null ? null : l.supportedVersions) && st !== null) {
        const vl = m[p]!;
        for (let i = 0; i < vl; i += 2) if (isTls13((m[p + 1 + i]! << 8) | m[p + 2 + i]!)) st.client13 = true;
      }
      return;
    case EXT_EC_POINT_FORMATS: {
      if (len === 0) return;
      const pl = m[p]!;
      if (1 + pl > len) {
        st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
        return;
      }
      if (l !== null) for (let i = 0; i < pl; i++) l.pointFormats.push(m[p + 1 + i]!);
      return;
    }
    case EXT_ALPN:
      alpnList(st, m, p, end, l === null ? null : l.alpns);
      return;
    case EXT_SESSION_TICKET:
      if (st !== null && len > 0) tx.clientTicket = true;
      return;
    case EXT_EARLY_DATA:
      return;
  }
}

/** RFC 5246 7.4.1.3 / RFC 8446 4.1.3. */
function walkServerHello(tx: TlsTx, m: Buffer, st: HelloReporter | null, l: ServerLists | null): boolean {
  const n = m.length;
  if (n < 35) return false;
  if (st !== null) {
    tx.serverVersion = (m[0]! << 8) | m[1]!;
    tx.helloRetryRequest = isHrrRandom(m);
  }
  let p = 34;
  const sidLen = m[p++]!;
  if (sidLen > 32 || p + sidLen + 3 > n) return false;
  if (st !== null) tx._setServerSid(m, p, sidLen);
  p += sidLen;
  if (st !== null) tx.cipher = (m[p]! << 8) | m[p + 1]!;
  p += 3; // cipher suite + compression method
  if (p === n) return true;
  if (p + 2 > n) return false;
  const total = (m[p]! << 8) | m[p + 1]!;
  p += 2;
  const end = p + total;
  if (end > n) return false;
  while (p < end) {
    if (p + 4 > end) return false;
    const type = (m[p]! << 8) | m[p + 1]!;
    const len = (m[p + 2]! << 8) | m[p + 3]!;
    p += 4;
    if (p + len > end) return false;
    if (l !== null) l.extensions.push(type);
    if (st !== null && type === EXT_PRE_SHARED_KEY) tx._psk = true;
    const e = p + len;
    if (type === EXT_SUPPORTED_VERSIONS) {
      // RFC 8446 4.2.1: the ServerHello carries the one selected version.
      if (st !== null) {
        if (len !== 2) st.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
        else tx.negotiatedVersion = (m[p]! << 8) | m[p + 1]!;
      }
    } else if (type === EXT_ALPN) {
      alpnList(st, m, p, e, l === null ? null : l.alpns);
    }
    p = e;
  }
  return true;
}

/** RFC 8446 4.1.3: the ServerHello random of a HelloRetryRequest. */
function isHrrRandom(m: Buffer): boolean {
  for (let i = 0; i < 32; i++) if (m[2 + i] !== HRR_RANDOM[i]) return false;
  return true;
}

/**
 * A list of 16-bit values behind a 1- or 2-byte length, into `out` when given. True when
 * the list is well formed and not empty.
 */
function u16List(
  st: HelloReporter | null,
  m: Buffer,
  p: number,
  end: number,
  lenBytes: number,
  out: number[] | null,
): boolean {
  if (p === end) return false;
  if (p + lenBytes > end) {
    st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    return false;
  }
  const l = lenBytes === 1 ? m[p]! : (m[p]! << 8) | m[p + 1]!;
  p += lenBytes;
  if (l & 1 || p + l > end) {
    st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    return false;
  }
  if (out !== null) for (let i = 0; i < l; i += 2) out.push((m[p + i]! << 8) | m[p + i + 1]!);
  return true;
}

/** RFC 7301 3.1: protocol_name_list<2>, each ProtocolName<1..2^8-1>. */
function alpnList(st: HelloReporter | null, m: Buffer, p: number, end: number, out: Buffer[] | null): void {
  if (p === end) return;
  if (p + 2 > end) {
    st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    return;
  }
  const l = (m[p]! << 8) | m[p + 1]!;
  p += 2;
  if (p + l > end) {
    st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    return;
  }
  const listEnd = p + l;
  while (p < listEnd) {
    const pl = m[p++]!;
    if (p + pl > listEnd) {
      st?.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
      return;
    }
    if (pl > 0 && out !== null) out.push(m.subarray(p, p + pl));
    p += pl;
  }
}

/** The cipher specs of an SSL 2.0 CLIENT-HELLO record (already checked). */
function sslv2Ciphers(r: Buffer, l: ClientLists): void {
  const csLen = (r[3]! << 8) | r[4]!;
  for (let i = 9; i < 9 + csLen; i += 3) {
    // A spec whose first byte is 0 is a TLS cipher suite (RFC 5246 E.2).
    l.ciphers.push(r[i] === 0 ? (r[i + 1]! << 8) | r[i + 2]! : (r[i]! << 16) | (r[i + 1]! << 8) | r[i + 2]!);
  }
}

// ---------------------------------------------------------------------------------------
// Parser state

/** Per-direction framing state (allocated once per flow; headers are kept as numbers). */
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
  hdrLen = 0;
  hdrNeed = 5;
  /** Header bytes 0, 1, 2 and the 16-bit length (bytes 3-4); SSL 2.0: bytes 0 and 1. */
  h0 = 0;
  h1 = 0;
  h2 = 0;
  hLen = 0;
  inRecord = false;
  recType = 0;
  recLen = 0;
  recRemain = 0;
  /** First bytes of an alert or heartbeat record. */
  pre0 = 0;
  pre1 = 0;
  pre2 = 0;
  preLen = 0;
  /** A gap hit the current record: its content checks are skipped. */
  recBroken = false;

  // Handshake message reassembly.
  hsHdrLen = 0;
  hsType = 0;
  hsLen = 0;
  hsFill = 0;
  /** The message being collected (only for types we parse), owned by the transaction after. */
  hsBuf: Buffer | null = null;
}

class TlsState implements AppParserState, HelloReporter {
  private readonly sink: AppSink;
  private readonly flow: unknown;
  private readonly dirs: [DirState, DirState] = [new DirState(), new DirState()];
  tx: TlsTx | undefined;
  /** The client offered TLS 1.3 (its ChangeCipherSpec is then only a compatibility no-op). */
  client13 = false;
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

  /** Application data (or records after ChangeCipherSpec) flowed in this direction. */
  encrypted(dir: Direction): boolean {
    const d = this.dirs[dir];
    return d.appBytes > 0 || d.encrypted;
  }

  anomaly(event: string): void {
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
        if (d.hdrLen === 0) {
          // A whole header in view (the usual case): read it in place.
          const b0 = buf[off]!;
          if (b0 & 0x80) {
            d.hdrNeed = 2;
            if (end - off >= 2) {
              d.h0 = b0;
              d.h1 = buf[off + 1]!;
              off += 2;
              this.startSslv2Record(d);
              continue;
            }
          } else {
            d.hdrNeed = 5;
            if (end - off >= 5) {
              d.h0 = b0;
              d.h1 = buf[off + 1]!;
              d.h2 = buf[off + 2]!;
              d.hLen = (buf[off + 3]! << 8) | buf[off + 4]!;
              off += 5;
              this.startRecord(dir, d);
              continue;
            }
          }
        }
        while (d.hdrLen < d.hdrNeed && off < end) {
          const b = buf[off++]!;
          switch (d.hdrLen++) {
            case 0:
              d.h0 = b;
              break;
            case 1:
              d.h1 = b;
              break;
            case 2:
              d.h2 = b;
              break;
            case 3:
              d.hLen = b << 8;
              break;
            default:
              d.hLen |= b;
          }
        }
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
    this.dirs[0].hsBuf = null;
    this.dirs[1].hsBuf = null;
    this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
  }

  // --- record layer ---

  private startRecord(dir: Direction, d: DirState): void {
    const type = d.h0;
    const len = d.hLen;
    if (type < CT_CHANGE_CIPHER_SPEC || type > CT_HEARTBEAT) {
      this.kill(d, EVENT_INVALID_RECORD_TYPE);
      return;
    }
    // Record versions are SSL 3.0 .. TLS 1.2 on the wire (TLS 1.3 keeps 0x0303); allow 3.4.
    if (d.h1 !== 3 || d.h2 > 4) {
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
      this.serverRecordVersion = (d.h1 << 8) | d.h2;
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
    const len = ((d.h0 & 0x7f) << 8) | d.h1;
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
        while (d.preLen < 3 && off < end) {
          const b = buf[off++]!;
          if (d.preLen === 0) d.pre0 = b;
          else if (d.preLen === 1) d.pre1 = b;
          else d.pre2 = b;
          d.preLen++;
        }
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
      const type = d.pre0;
      const payloadLen = (d.pre1 << 8) | d.pre2;
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
        if (d.hsHdrLen === 0 && end - off >= 4) {
          d.hsType = buf[off]!;
          d.hsLen = (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!;
          d.hsHdrLen = 4;
          off += 4;
        } else {
          const b = buf[off++]!;
          if (d.hsHdrLen === 0) {
            d.hsType = b;
            d.hsLen = 0;
          } else {
            d.hsLen = (d.hsLen << 8) | b;
          }
          if (++d.hsHdrLen < 4) continue;
        }
        const type = d.hsType;
        const len = d.hsLen;
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
          // Only as large as the message says, and only for the messages we read.
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
    tx._beginClientHello(m, false);
    // Anomalies, versions, session id, SNI now; the lists when someone asks for them.
    if (walkClientHello(tx, m, this, tx._clientListsIfRead())) tx._clientHelloOk();
    else this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    this.progress(TX_REQUEST_HEADERS, TO_SERVER);
  }

  private onServerHello(m: Buffer): void {
    const tx = this.ensureTx();
    // A ServerHello after a HelloRetryRequest replaces it.
    const prevVersion = tx.serverVersion;
    const prevCipher = tx.cipher;
    const prevHello = tx._sh;
    tx._beginServerHello(m);
    const ok = walkServerHello(tx, m, this, null);
    if (!ok) this.anomaly(EVENT_HANDSHAKE_INVALID_LENGTH);
    if (tx.negotiatedVersion === 0) tx.negotiatedVersion = tx.serverVersion;
    this.serverHelloSeen = true;
    tx._endServerHello(ok, prevVersion, prevCipher, prevHello);
    this.negotiated13 = isTls13(tx.negotiatedVersion);
    if (this.negotiated13) {
      // RFC 8446 2.1: a pre_shared_key in the ServerHello means a resumed (PSK) session.
      tx.sessionResumed = tx._psk;
    } else if (tx._sessionIdEchoed()) {
      // TLS <= 1.2: the server echoes the client's session id to resume it.
      tx.sessionResumed = true;
    }
    this.progress(TX_RESPONSE_HEADERS, TO_CLIENT);
    if (this.negotiated13 && !tx.helloRetryRequest) {
      // Everything after a TLS 1.3 ServerHello (certificates included) is encrypted.
      this.dirs[TO_SERVER].hsOff = true;
      this.dirs[TO_CLIENT].hsOff = true;
      this.progress(TX_REQUEST_DONE | TX_RESPONSE_DONE, TO_CLIENT);
    }
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
    if (chain.length > 0 && !cert._check()) this.anomaly(EVENT_INVALID_CERTIFICATE);
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
      tx._beginClientHello(r, true);
      const lists = tx._clientListsIfRead();
      if (lists !== null) sslv2Ciphers(r, lists);
      tx._setClientSid(r, 9 + csLen, sidLen);
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
    tx._fixJa3s();
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
