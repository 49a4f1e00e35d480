// HTTP/1.x application-layer parser. RFC 9112 https://www.rfc-editor.org/rfc/rfc9112 (message
// syntax and framing), RFC 9110 (semantics); behaviour modelled on libhtp as Suricata runs it.
//
//   request-line  = method SP request-target SP HTTP-version CRLF     ("GET / HTTP/1.1")
//   status-line   = HTTP-version SP status-code SP [ reason-phrase ] CRLF
//   field-line    = field-name ":" OWS field-value OWS CRLF          (obs-fold: CRLF 1*(SP/HTAB))
//   message-body  = Content-Length bytes | chunked | (responses) until close
//   chunked       = *( chunk-size [ ";" ext ] CRLF data CRLF ) "0" CRLF *( trailer CRLF ) CRLF
//
// Each direction of a connection is a small state machine fed in-order stream bytes in any
// chunking. Start line and headers of a message are gathered (bounded) in a per-direction
// buffer that is handed to (or copied once into) the transaction at the end of the head;
// bodies are counted and their first `maxBodyInspect` bytes kept per transaction. Responses
// pair with requests in order (pipelining). Malformed input raises Suricata's HTTP event
// names (rules/http-events.rules) as `applayer` anomalies, at most once per transaction and
// event, and the parser resynchronises on the next line that starts a message; after
// RESYNC_LIMIT bytes without one it stops parsing that direction. Nothing here throws.
//
// Behaviour worth knowing (libhtp's unless said otherwise):
//   * A transaction is created when a request head is complete (TX_REQUEST_HEADERS); a
//     response pairs with the oldest transaction still waiting for one. A response with
//     none waiting gets a transaction of its own (`orphan`, event unable_to_match...).
//   * Header lines: bare LF accepted; obs-fold continuation lines are appended to the field;
//     repeated names are merged "a, b" (a repeated Content-Length is not: a differing one is
//     an event); a line without a colon becomes a header with an empty name; name and value
//     trimmed of SP/HT. `http.header` = "Name: value\r\n" per merged header without Cookie
//     (requests) / Set-Cookie (responses), as Suricata builds it; `http.header.raw` = the
//     header lines as received.
//   * Bounds: a line keeps maxLineLength bytes (the rest skipped: *_field_too_long); a head
//     keeps maxHeaders header lines and max(64 KiB, 4 * maxLineLength) bytes (the rest
//     skipped: *_too_many_headers / *_field_too_long); a request line cut short keeps its
//     " HTTP/x.y" (recovered from the skipped tail) so the headers still parse as headers.
//   * Request line: leading white space, tabs as separators and spaces inside the URI are
//     tolerated (events); no protocol = HTTP/0.9 (no headers; its response is raw data to
//     the close unless it starts with "HTTP/"). Unknown methods are accepted (libhtp); only
//     resynchronisation demands a known one.
//   * Bodies: Transfer-Encoding chunked wins over Content-Length (RFC 9112 6.3); no body for
//     HEAD, 1xx, 204, 304; 1xx but 101 are interim (100-continue); 101 and a 2xx to CONNECT
//     (and an HTTP/2 "PRI *" preface) end HTTP/1 parsing of the connection; a response with
//     neither length nor chunking, or a bad Transfer-Encoding / Content-Length, runs to the
//     close. gzip / x-gzip / deflate (zlib or raw) / br bodies of either direction are
//     decoded for inspection, bounded by maxBodyInspect per transaction (raw kept, event
//     gzip_decompression_failed, when they do not decode).
//   * Gaps: inside a body of known length (or a chunk) the parser stays in sync and only
//     stops keeping body bytes; anywhere else the message is closed as truncated and the
//     next request line (known method) / status line ("HTTP/") is looked for.
//   * end(): a body to the close completes normally; every other open transaction gets its
//     missing *_DONE flags with `truncated` set, so every transaction reaches
//     TX_RESPONSE_DONE exactly once.

import { isUtf8 } from 'node:buffer';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, constants as zc } from 'node:zlib';
import {
  normalizeHostInto,
  normalizeUriInto,
  parseHostPort,
  splitUri,
  URI_LIBHTP_DEFAULTS,
  type UriNormalizeOptions,
  UriParts,
} from './http-uri.js';
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

// ---------------------------------------------------------------------------------------------
// Events (Suricata rules/http-events.rules names)

export const HTTP_EVENTS = Object.freeze({
  requestLineInvalid: 'http.request_line_invalid',
  requestLineIncomplete: 'http.request_line_incomplete',
  requestLineLeadingWhitespace: 'http.request_line_leading_whitespace',
  requestLineMissingProtocol: 'http.request_line_missing_protocol',
  methodDelimNonCompliant: 'http.method_delim_non_compliant',
  uriDelimNonCompliant: 'http.uri_delim_non_compliant',
  requestFieldMissingColon: 'http.request_field_missing_colon',
  responseFieldMissingColon: 'http.response_field_missing_colon',
  requestHeaderInvalid: 'http.request_header_invalid',
  responseHeaderInvalid: 'http.response_header_invalid',
  invalidRequestFieldFolding: 'http.invalid_request_field_folding',
  invalidResponseFieldFolding: 'http.invalid_response_field_folding',
  requestFieldTooLong: 'http.request_field_too_long',
  responseFieldTooLong: 'http.response_field_too_long',
  requestTooManyHeaders: 'http.request_too_many_headers',
  responseTooManyHeaders: 'http.response_too_many_headers',
  requestHeaderRepetition: 'http.request_header_repetition',
  responseHeaderRepetition: 'http.response_header_repetition',
  invalidContentLengthRequest: 'http.invalid_content_length_field_in_request',
  invalidContentLengthResponse: 'http.invalid_content_length_field_in_response',
  duplicateContentLengthRequest: 'http.duplicate_content_length_field_in_request',
  duplicateContentLengthResponse: 'http.duplicate_content_length_field_in_response',
  invalidTransferEncodingRequest: 'http.invalid_transfer_encoding_value_in_request',
  invalidTransferEncodingResponse: 'http.invalid_transfer_encoding_value_in_response',
  invalidRequestChunkLen: 'http.invalid_request_chunk_len',
  invalidResponseChunkLen: 'http.invalid_response_chunk_len',
  missingHostHeader: 'http.missing_host_header',
  hostHeaderAmbiguous: 'http.host_header_ambiguous',
  requestHeaderHostInvalid: 'http.request_header_host_invalid',
  requestUriHostInvalid: 'http.request_uri_host_invalid',
  responseInvalidProtocol: 'http.response_invalid_protocol',
  responseInvalidStatus: 'http.response_invalid_status',
  responseChunkedOldProto: 'http.response_chunked_old_proto',
  continueAlreadySeen: 'http.100_continue_already_seen',
  unableToMatchResponse: 'http.unable_to_match_response_to_request',
  gzipDecompressionFailed: 'http.gzip_decompression_failed',
} as const);

const E = HTTP_EVENTS;

/** Per-direction event names, so the shared code can raise the right one. */
interface DirEvents {
  missingColon: string;
  headerInvalid: string;
  folding: string;
  tooLong: string;
  tooMany: string;
  repetition: string;
  contentLength: string;
  duplicateContentLength: string;
  transferEncoding: string;
  chunkLen: string;
}

const REQ_EVENTS: DirEvents = {
  missingColon: E.requestFieldMissingColon,
  headerInvalid: E.requestHeaderInvalid,
  folding: E.invalidRequestFieldFolding,
  tooLong: E.requestFieldTooLong,
  tooMany: E.requestTooManyHeaders,
  repetition: E.requestHeaderRepetition,
  contentLength: E.invalidContentLengthRequest,
  duplicateContentLength: E.duplicateContentLengthRequest,
  transferEncoding: E.invalidTransferEncodingRequest,
  chunkLen: E.invalidRequestChunkLen,
};

const RESP_EVENTS: DirEvents = {
  missingColon: E.responseFieldMissingColon,
  headerInvalid: E.responseHeaderInvalid,
  folding: E.invalidResponseFieldFolding,
  tooLong: E.responseFieldTooLong,
  tooMany: E.responseTooManyHeaders,
  repetition: E.responseHeaderRepetition,
  contentLength: E.invalidContentLengthResponse,
  duplicateContentLength: E.duplicateContentLengthResponse,
  transferEncoding: E.invalidTransferEncodingResponse,
  chunkLen: E.invalidResponseChunkLen,
};

// ---------------------------------------------------------------------------------------------
// Constants

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** Default ports (Suricata's HTTP ports plus the usual proxies). */
export const HTTP_DEFAULT_PORTS: readonly number[] = Object.freeze([80, 8080, 8000, 8008, 8888, 3128]);

/** Methods recognised by probing and when resynchronising (RFC 9110, WebDAV, DeltaV, CalDAV, ...). */
export const HTTP_METHODS: readonly string[] = Object.freeze([
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'CONNECT',
  'TRACE',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'CHECKOUT',
  'CHECKIN',
  'UNCHECKOUT',
  'VERSION-CONTROL',
  'REPORT',
  'UPDATE',
  'LABEL',
  'MERGE',
  'MKWORKSPACE',
  'MKACTIVITY',
  'BASELINE-CONTROL',
  'ORDERPATCH',
  'ACL',
  'BIND',
  'UNBIND',
  'REBIND',
  'MKCALENDAR',
  'MKREDIRECTREF',
  'UPDATEREDIRECTREF',
  'LINK',
  'UNLINK',
  'PURGE',
  'QUERY',
]);

/** "METHOD " byte patterns for probing. */
const METHOD_PATTERNS: readonly Buffer[] = HTTP_METHODS.map((m) => Buffer.from(`${m} `, 'latin1'));
const HTTP_SLASH = Buffer.from('HTTP/', 'latin1');
const HTTP_1_DOT = Buffer.from('HTTP/1.', 'latin1');

/** RFC 9110 tchar. */
const TCHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  TCHAR[c] = c > 0x20 && c < 0x7f && !'"(),/:;<=>?@[\\]{}'.includes(ch) ? 1 : 0;
}

/** Bytes skipped while looking for the next message start before a direction is given up. */
const RESYNC_LIMIT = 256 * 1024;
/** libhtp's HTP_MAX_HEADERS_REPETITIONS. */
const MAX_REPETITIONS = 64;
/** Bytes of a truncated start line's end kept to recover its protocol. */
const TAIL = 16;

// direction states
const ST_HEAD = 0; // start line + header lines
const ST_BODY_CL = 1; // Content-Length body
const ST_CHUNK_SIZE = 2; // chunk-size line
const ST_CHUNK_DATA = 3; // chunk data
const ST_CHUNK_END = 4; // CRLF after chunk data
const ST_TRAILER = 5; // trailer lines after the last chunk
const ST_BODY_CLOSE = 6; // response body delimited by connection close
const ST_CONNECT_WAIT = 7; // request side after CONNECT, until the response decides
const ST_TUNNEL = 8; // CONNECT 2xx / 101 Switching Protocols / HTTP/2 preface: not HTTP/1 any more
const ST_DEAD = 9; // given up (or ended)

// start-line parse results
const SL_BAD = 0;
const SL_OK = 1;
const SL_09 = 2; // HTTP/0.9 request (no protocol): no headers follow

// start-line anomaly flags (raised on the transaction)
const F_LEADING_WS = 1;
const F_METHOD_DELIM = 2;
const F_URI_DELIM = 4;
const F_INCOMPLETE = 8;
const F_NO_PROTO = 16;
const F_INVALID = 32;
const F_BAD_PROTO = 64; // response protocol not HTTP/d.d
const F_BAD_STATUS = 128;

// pending head anomalies
const P_LONG = 1;
const P_MANY = 2;

// content codings decoded for inspection
const ENC_NONE = 0;
const ENC_GZIP = 1;
const ENC_DEFLATE = 2;
const ENC_BR = 3;

// ---------------------------------------------------------------------------------------------
// Transaction

/** One header as Buffer views into the transaction's own buffer (duplicates merged with ", "). */
export interface HttpHeader {
  readonly name: Buffer;
  readonly value: Buffer;
}

/** Options of `HttpTx.toEve()`. */
export interface HttpEveOptions {
  /** Add `request_headers` / `response_headers` (Suricata's `dump-all-headers`); default off. */
  headers?: boolean | 'request' | 'response';
}

const EMPTY = Buffer.alloc(0);

/** One HTTP request/response pair. Buffer fields are views of bytes the transaction owns. */
export class HttpTx implements AppTx {
  readonly proto = 'http' as const;
  progress = 0;

  // --- request (set at TX_REQUEST_HEADERS)
  /** Raw head as received: request line, header lines, blank line (line bounds applied). */
  requestHead: Buffer | undefined = undefined;
  /** `http.request_line`: the request line without CRLF. */
  requestLine: Buffer | undefined = undefined;
  /** `http.method`. */
  method: Buffer | undefined = undefined;
  /** `http.uri`: normalised request-target (see http-uri.ts). */
  uri: Buffer | undefined = undefined;
  /** `http.uri.raw`: request-target as sent. */
  uriRaw: Buffer | undefined = undefined;
  /** `http.protocol` of the request ("HTTP/1.1"); undefined for HTTP/0.9. */
  protocol: Buffer | undefined = undefined;
  /** `http.host`: host from the absolute URI or Host header, lower-cased, port and trailing dots removed. */
  host: Buffer | undefined = undefined;
  /** `http.host.raw`: Host header value as sent (or the URI's host when there is no Host header). */
  hostRaw: Buffer | undefined = undefined;
  /** Port from the absolute URI or Host header; -1 when none was given. */
  port = -1;
  userAgent: Buffer | undefined = undefined;
  cookie: Buffer | undefined = undefined;
  contentType: Buffer | undefined = undefined;
  referer: Buffer | undefined = undefined;
  xff: Buffer | undefined = undefined;
  /** Request Content-Length; -1 when absent or invalid. */
  contentLength = -1;
  /** `http.header` (request): "Name: value\r\n" per header, Cookie excluded, duplicates merged. */
  requestHeaders: Buffer | undefined = undefined;
  /** `http.header.raw` (request): header lines as received, through the blank line. */
  requestHeadersRaw: Buffer | undefined = undefined;
  requestHeaderList: HttpHeader[] = [];
  /** `http.request_body`: first maxBodyInspect bytes (de-chunked, decompressed if encoded); set at TX_REQUEST_DONE. */
  requestBody: Buffer | undefined = undefined;
  /** Request body bytes after de-chunking (all of them, not only the kept ones). */
  requestBodyLength = 0;
  /** Request line had no protocol: HTTP/0.9. */
  http09 = false;

  // --- response (set at TX_RESPONSE_HEADERS)
  responseHead: Buffer | undefined = undefined;
  /** `http.response_line`. */
  responseLine: Buffer | undefined = undefined;
  /** Protocol of the status line. */
  responseProtocol: Buffer | undefined = undefined;
  /** Status code; -1 when there is none or it is not 3 digits. */
  statusCode = -1;
  /** `http.stat_code`: the status token as sent (normally 3 bytes). */
  statusCodeBuf: Buffer | undefined = undefined;
  /** `http.stat_msg`. */
  statusMessage: Buffer | undefined = undefined;
  /** `http.header` (response): Set-Cookie excluded. */
  responseHeaders: Buffer | undefined = undefined;
  /** `http.header.raw` (response). */
  responseHeadersRaw: Buffer | undefined = undefined;
  responseHeaderList: HttpHeader[] = [];
  responseContentType: Buffer | undefined = undefined;
  /** Response Content-Length; -1 when absent or invalid. */
  responseContentLength = -1;
  /** `http.location`. */
  location: Buffer | undefined = undefined;
  /** `http.server`. */
  server: Buffer | undefined = undefined;
  /** `http.cookie` of the response: Set-Cookie. */
  setCookie: Buffer | undefined = undefined;
  /** Response Content-Range (EVE `content_range`). */
  contentRange: Buffer | undefined = undefined;
  /** `http.response_body` / `file.data`: first maxBodyInspect bytes, decompressed when possible; set at TX_RESPONSE_DONE. */
  responseBody: Buffer | undefined = undefined;
  /** Response body bytes after de-chunking, before decompression. */
  responseBodyLength = 0;
  /** Response message-body bytes on the wire (chunk framing included): EVE `length`. */
  responseMessageLength = 0;
  /** Content-Encoding the kept response body was decoded from ('gzip', 'deflate', 'br'), if any. */
  responseBodyDecoded: string | undefined = undefined;

  // --- state
  /** Bytes were lost (gap) or the flow ended before this transaction was complete. */
  truncated = false;
  /** No request was seen for this response. */
  orphan = false;
  /** Names of the anomalies raised on this transaction (`app-layer-event`). */
  events: string[] | undefined = undefined;

  /** @internal parser bookkeeping */
  _reqBody: Buffer | null = null;
  _reqBodyLen = 0;
  _reqEnc = ENC_NONE;
  _respBody: Buffer | null = null;
  _respBodyLen = 0;
  _respEnc = ENC_NONE;
  _reqGap = false;
  _respGap = false;
  _seen100 = false;
  _head = false;
  _connect = false;
  _detached = false;

  constructor(readonly id: number) {}

  /** A request header's value by case-insensitive name (duplicates merged). */
  requestHeader(name: string): Buffer | undefined {
    return findHeader(this.requestHeaderList, name);
  }

  /** A response header's value by case-insensitive name (duplicates merged). */
  responseHeader(name: string): Buffer | undefined {
    return findHeader(this.responseHeaderList, name);
  }

  /** Suricata's EVE `http` object. */
  toEve(opts?: HttpEveOptions): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    if (this.host !== undefined) o.hostname = str(this.host);
    if (this.port > 0) o.http_port = this.port;
    if (this.uriRaw !== undefined) o.url = str(this.uriRaw);
    if (this.userAgent !== undefined) o.http_user_agent = str(this.userAgent);
    if (this.xff !== undefined) o.xff = str(this.xff);
    // Suricata logs the response's media type here, parameters cut at ';'
    if (this.responseContentType !== undefined) {
      const ct = this.responseContentType;
      const semi = ct.indexOf(0x3b);
      o.http_content_type = str(semi >= 0 ? trimRight(ct.subarray(0, semi)) : ct);
    }
    if (this.referer !== undefined) o.http_refer = str(this.referer);
    if (this.method !== undefined) o.http_method = str(this.method);
    if (this.protocol !== undefined) o.protocol = str(this.protocol);
    if (this.statusCode >= 0) o.status = this.statusCode;
    else if (this.statusCodeBuf !== undefined && this.statusCodeBuf.length > 0)
      o.status_string = str(this.statusCodeBuf);
    if (this.location !== undefined) o.redirect = str(this.location);
    o.length = this.responseMessageLength;
    if (this.contentRange !== undefined) o.content_range = contentRange(this.contentRange);
    const h = opts?.headers;
    if ((h === true || h === 'request') && this.requestHeaderList.length > 0) {
      o.request_headers = this.requestHeaderList.map((x) => ({ name: str(x.name), value: str(x.value) }));
    }
    if ((h === true || h === 'response') && this.responseHeaderList.length > 0) {
      o.response_headers = this.responseHeaderList.map((x) => ({ name: str(x.name), value: str(x.value) }));
    }
    return o;
  }
}

function findHeader(list: readonly HttpHeader[], name: string): Buffer | undefined {
  const n = name.length;
  outer: for (const h of list) {
    if (h.name.length !== n) continue;
    for (let i = 0; i < n; i++) {
      let c = h.name[i]!;
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      let d = name.charCodeAt(i);
      if (d >= 0x41 && d <= 0x5a) d += 0x20;
      if (c !== d) continue outer;
    }
    return h.value;
  }
  return undefined;
}

/** Bytes as an EVE string: UTF-8 when valid, else printable ASCII with other bytes as \xNN. */
function str(b: Buffer): string {
  if (isUtf8(b)) return b.toString('utf8');
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** EVE `content_range`: raw, plus start/end/size when it parses ("bytes 0-99/1000", "bytes *\/1000"). */
function contentRange(v: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { raw: str(v) };
  const m = /^\s*(?:[A-Za-z]+\s+)?(?:(\d{1,15})-(\d{1,15})|\*)\/(\d{1,15}|\*)\s*$/.exec(v.toString('latin1'));
  if (m !== null) {
    if (m[1] !== undefined) o.start = Number(m[1]);
    if (m[2] !== undefined) o.end = Number(m[2]);
    if (m[3] !== '*') o.size = Number(m[3]);
  }
  return o;
}

function trimRight(b: Buffer): Buffer {
  let e = b.length;
  while (e > 0 && (b[e - 1] === SP || b[e - 1] === HT)) e--;
  return b.subarray(0, e);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isWs(c: number): boolean {
  return c === SP || c === HT;
}

/** Whitespace inside a start line (libhtp's htp_is_space: SP HT VT FF CR). */
function isLineSpace(c: number): boolean {
  return c === SP || c === HT || c === 0x0b || c === 0x0c || c === CR;
}

function upper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

/** Does buf[s, e) start like `pat` (case-insensitively)? YES, NO, or NEED_MORE when a prefix. */
function prefixMatch(buf: Uint8Array, s: number, e: number, pat: Uint8Array): ProbeResult {
  const n = Math.min(e - s, pat.length);
  for (let i = 0; i < n; i++) if (upper(buf[s + i]!) !== pat[i]) return PROBE_NO;
  return e - s >= pat.length ? PROBE_YES : PROBE_NEED_MORE;
}

/** Does buf[s, e) start with a known "METHOD "? `ci`: case-insensitive. */
function methodPrefix(buf: Uint8Array, s: number, e: number, ci: boolean): ProbeResult {
  const n = e - s;
  let more = false;
  for (const m of METHOD_PATTERNS) {
    const k = Math.min(n, m.length);
    let i = 0;
    for (; i < k; i++) {
      const c = ci ? upper(buf[s + i]!) : buf[s + i]!;
      if (c !== m[i]) break;
    }
    if (i < k) continue;
    if (n >= m.length) return PROBE_YES;
    more = true;
  }
  return more ? PROBE_NEED_MORE : PROBE_NO;
}

function isKnownMethod(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  outer: for (const m of METHOD_PATTERNS) {
    if (m.length - 1 !== n) continue;
    for (let i = 0; i < n; i++) if (buf[s + i] !== m[i]) continue outer;
    return true;
  }
  return false;
}

function bytesEq(a: Uint8Array, as: number, ae: number, b: string): boolean {
  if (ae - as !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[as + i] !== b.charCodeAt(i)) return false;
  return true;
}

/** "HTTP/d.d" -> major*10+minor (9 for 0.9, 11 for 1.1); 0 when not of that form. */
function parseVersion(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 8 || prefixMatch(b, s, e, HTTP_SLASH) !== PROBE_YES) return 0;
  const ma = b[s + 5]!;
  const mi = b[s + 7]!;
  if (ma < 0x30 || ma > 0x39 || b[s + 6] !== 0x2e || mi < 0x30 || mi > 0x39) return 0;
  return (ma - 0x30) * 10 + (mi - 0x30) || 9;
}

/** Content-Length: 1*DIGIT (already trimmed); -1 when invalid. */
function parseContentLength(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function encodingOf(v: Buffer | undefined): number {
  if (v === undefined) return ENC_NONE;
  const s = v.toString('latin1').trim().toLowerCase();
  if (s === 'gzip' || s === 'x-gzip') return ENC_GZIP;
  if (s === 'deflate') return ENC_DEFLATE;
  if (s === 'br') return ENC_BR;
  return ENC_NONE;
}

const ENC_NAMES = ['', 'gzip', 'deflate', 'br'];

/** One decoding attempt: the output, 'big' when it would exceed `limit`, null when the data is bad. */
function inflateOnce(input: Buffer, enc: number, limit: number): Buffer | 'big' | null {
  try {
    if (enc === ENC_GZIP) return gunzipSync(input, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: limit });
    if (enc === ENC_BR) {
      return brotliDecompressSync(input, { finishFlush: zc.BROTLI_OPERATION_FLUSH, maxOutputLength: limit });
    }
    // "deflate" is meant to be zlib-wrapped (RFC 9110 8.4.1.2); many servers send raw deflate
    try {
      return inflateSync(input, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: limit });
    } catch (e) {
      if (e instanceof RangeError) throw e;
      return inflateRawSync(input, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: limit });
    }
  } catch (e) {
    return e instanceof RangeError ? 'big' : null;
  }
}

function cut(b: Buffer, max: number): Buffer {
  return b.length <= max ? b : Buffer.from(b.subarray(0, max));
}

/**
 * Decode a content-coded body for inspection: its first `max` bytes at most. Truncated input
 * is fine (sync flush). zlib's sync API cannot stop early, so when the whole input would
 * give more than `limit` bytes, the longest input prefix that fits is searched for
 * (doubling from 1 KiB, then bisecting), stopping as soon as `max` bytes come out: the work
 * per transaction stays a small multiple of `limit` whatever the compression ratio
 * (deflate's ratio is at most ~1032:1, so a prefix within one byte of the bound exists).
 * Returns null when the data does not decode.
 */
function decodeBody(raw: Buffer, enc: number, max: number): Buffer | null {
  const limit = Math.max(4 * max, max + 8192);
  const full = inflateOnce(raw, enc, limit);
  if (full !== 'big') return full === null ? null : cut(full, max);
  let best: Buffer | null = null;
  let lo = 0; // longest prefix known to fit
  let hi = raw.length; // shortest prefix known not to fit
  let p = Math.min(1024, raw.length >> 1);
  for (let attempt = 0; attempt < 40 && hi - lo > 1 && p > lo && p < hi; attempt++) {
    const r = inflateOnce(raw.subarray(0, p), enc, limit);
    if (r === null) break;
    if (r === 'big') {
      hi = p;
    } else {
      lo = p;
      best = r;
      if (r.length >= max) break;
    }
    p = hi === raw.length && r !== 'big' ? Math.min(p * 2, hi - 1) : (lo + hi) >>> 1;
  }
  return best === null ? EMPTY : cut(best, max);
}

// ---------------------------------------------------------------------------------------------
// Parser

export interface HttpParserOptions {
  limits?: Partial<AppLimits>;
  /** Path decoding options of `http.uri` (default: libhtp's defaults, URI_LIBHTP_DEFAULTS). */
  uri?: UriNormalizeOptions;
  /** Decode gzip/deflate/br bodies for inspection (default true). */
  decompress?: boolean;
  /** Ports selecting HTTP without probing (default HTTP_DEFAULT_PORTS). */
  ports?: readonly number[];
}

interface Config {
  maxLine: number;
  maxHeaders: number;
  maxBody: number;
  maxOpenTxs: number;
  /** Bound of a whole head (start line + headers) kept per message. */
  headLimit: number;
  uri: UriNormalizeOptions;
  decompress: boolean;
}

/** Per-direction state. */
class Side {
  state = ST_HEAD;
  /** Resynchronising: a start line must begin with a known method / "HTTP/". */
  strict = false;
  /** Bytes skipped while strict (given up past RESYNC_LIMIT). */
  skipped = 0;

  // head assembly
  head: Buffer | null = null;
  headLen = 0;
  lineStart = 0;
  lineLen = 0;
  lineFirst = -1;
  /** Current line is not kept (over maxHeaders or the head bound). */
  lineDrop = false;
  /** Current line is discarded to its LF (strict mode rejected it). */
  lineSkip = false;
  /** Lines kept in this head, start line included. */
  lines = 0;
  startDone = false;
  /** P_* anomalies seen before the transaction exists. */
  pend = 0;
  tail = Buffer.alloc(TAIL);
  tailLen = 0;

  // parsed start line, offsets into `head`
  slStart = 0;
  slEnd = 0; // end of the start line content (CRLF excluded)
  a0 = -1; // method / response protocol
  a1 = -1;
  b0 = -1; // URI / status
  b1 = -1;
  c0 = -1; // protocol / reason
  c1 = -1;
  version = 0;
  slFlags = 0;
  statusCode = -1;

  // message in progress
  tx: HttpTx | null = null;
  /** Transaction whose final response follows a 1xx interim response. */
  interim: HttpTx | null = null;
  remaining = 0;
  // chunk-size line
  csState = 0;
  csDigits = 0;
  csValue = 0;
  csBad = false;
  csLen = 0;
  trailerLines = 0;
  /** Responses still owed to transactions dropped by maxOpenTxs (response side). */
  skipResponses = 0;

  constructor(readonly dir: Direction) {}
}

class HttpState implements AppParserState {
  private readonly sides: [Side, Side] = [new Side(TO_SERVER), new Side(TO_CLIENT)];
  /** Transactions with a request, waiting for their response, oldest first. */
  private readonly pending: HttpTx[] = [];
  private nextId = 0;
  private readonly parts = new UriParts();

  constructor(
    private readonly cfg: Config,
    private readonly sink: AppSink,
    private readonly flow: unknown,
  ) {}

  // --- AppParserState

  parse(dir: Direction, buf: Buffer, off: number, end: number, _tsSec: number, _tsNsec: number): void {
    const s = this.sides[dir];
    if (off < 0) off = 0;
    if (end > buf.length) end = buf.length;
    // keep indexOf from scanning far past `end` in a large shared buffer
    if (buf.length - end > 4096) buf = buf.subarray(0, end);
    let pos = off;
    while (pos < end) {
      const st = s.state;
      const before = pos;
      const cur = s.tx;
      switch (st) {
        case ST_HEAD:
          pos = this.headBytes(s, buf, pos, end);
          break;
        case ST_BODY_CL: {
          const n = Math.min(end - pos, s.remaining);
          this.body(s, buf, pos, pos + n);
          pos += n;
          s.remaining -= n;
          if (s.remaining === 0) this.messageDone(s, false);
          break;
        }
        case ST_CHUNK_SIZE:
          pos = this.chunkSizeBytes(s, buf, pos, end);
          break;
        case ST_CHUNK_DATA: {
          const n = Math.min(end - pos, s.remaining);
          this.body(s, buf, pos, pos + n);
          pos += n;
          s.remaining -= n;
          if (s.remaining === 0) s.state = ST_CHUNK_END;
          break;
        }
        case ST_CHUNK_END: {
          const c = buf[pos]!;
          if (c === CR) pos++;
          else if (c === LF) {
            pos++;
            s.state = ST_CHUNK_SIZE;
          } else s.state = ST_CHUNK_SIZE; // missing CRLF after the data: read the next size
          break;
        }
        case ST_TRAILER:
          pos = this.trailerBytes(s, buf, pos, end);
          break;
        case ST_BODY_CLOSE:
          this.body(s, buf, pos, end);
          pos = end;
          break;
        case ST_CONNECT_WAIT:
          // the client talks before the server answered the CONNECT: a tunnel
          s.state = ST_TUNNEL;
          return;
        default:
          return; // ST_TUNNEL, ST_DEAD
      }
      if (cur !== null && dir === TO_CLIENT && st !== ST_HEAD) cur.responseMessageLength += pos - before;
    }
  }

  gap(dir: Direction, len: number): void {
    const s = this.sides[dir];
    if (len <= 0) return;
    switch (s.state) {
      case ST_BODY_CL:
        this.markGap(s);
        if (len < s.remaining) {
          s.remaining -= len;
          return;
        }
        len -= s.remaining;
        s.remaining = 0;
        this.messageDone(s, len > 0);
        if (len === 0) return;
        break;
      case ST_CHUNK_DATA:
        this.markGap(s);
        if (len < s.remaining) {
          s.remaining -= len;
          return;
        }
        this.messageDone(s, true);
        break;
      case ST_BODY_CLOSE:
        this.markGap(s);
        return;
      case ST_CHUNK_SIZE:
      case ST_CHUNK_END:
      case ST_TRAILER:
        this.markGap(s);
        this.messageDone(s, true);
        break;
      case ST_HEAD:
        break;
      default:
        return; // CONNECT wait, tunnel, dead
    }
    this.resync(s);
  }

  end(): void {
    const req = this.sides[TO_SERVER];
    const resp = this.sides[TO_CLIENT];
    if (req.tx !== null && req.state !== ST_HEAD) this.messageDone(req, true);
    if (resp.tx !== null) this.messageDone(resp, resp.state !== ST_BODY_CLOSE);
    const left: HttpTx[] = [];
    if (resp.interim !== null) left.push(resp.interim);
    if (req.tx !== null) left.push(req.tx);
    left.push(...this.pending);
    for (const tx of left) this.closeTx(tx);
    this.pending.length = 0;
    req.tx = resp.tx = resp.interim = null;
    req.state = resp.state = ST_DEAD;
    req.head = resp.head = null;
  }

  // --- head (start line + header lines)

  private headBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    const isReq = s.dir === TO_SERVER;
    const maxLine = this.cfg.maxLine;
    while (pos < end) {
      // the response to an HTTP/0.9 request has no status line: is this one?
      if (!isReq && !s.startDone && !s.strict && !s.lineSkip && s.lineLen < 5 && this.next09(s)) {
        const have = s.lineLen;
        const n = Math.min(end - pos, 5 - have);
        let ok = true;
        for (let i = 0; i < n; i++) if (upper(buf[pos + i]!) !== HTTP_SLASH[have + i]) ok = false;
        if (!ok) {
          this.start09Response(s);
          return pos;
        }
      }
      let lf = buf.indexOf(LF, pos);
      if (lf < 0 || lf >= end) lf = -1;
      const lineEnd = lf < 0 ? end : lf;
      if (lineEnd > pos) {
        const n = lineEnd - pos;
        if (s.lineLen === 0) {
          s.lineFirst = buf[pos]!;
          s.lineStart = s.headLen;
          s.lineDrop = s.startDone && (s.lines > this.cfg.maxHeaders || s.headLen >= this.cfg.headLimit);
        }
        s.lineLen += n;
        if (!s.lineSkip && !s.lineDrop) this.store(s, buf, pos, lineEnd, maxLine);
        if (!s.startDone && !s.strict && !s.lineSkip && this.startLooksBad(s)) {
          // binary junk: no need to wait for its LF to know it is not a start line
          this.anomaly(null, isReq ? E.requestLineInvalid : E.responseInvalidProtocol);
          s.strict = true;
          s.skipped = 0;
          s.lineSkip = true;
          s.headLen = s.lineStart;
          s.pend = 0;
        }
        if (s.strict && !s.startDone) {
          s.skipped += n;
          if (!s.lineSkip && this.startPrefix(s) === PROBE_NO) {
            s.lineSkip = true;
            s.headLen = s.lineStart;
          }
          if (s.skipped > RESYNC_LIMIT) {
            this.kill(s);
            return end;
          }
        }
      }
      if (lf < 0) return end;
      pos = lf + 1;
      // a whole line
      const empty = s.lineLen === 0 || (s.lineLen === 1 && s.lineFirst === CR);
      if (s.lineSkip) {
        s.lineSkip = false;
        this.resetLine(s);
        continue;
      }
      if (!s.startDone) {
        if (empty) {
          // blank lines before a message are ignored (e.g. a CRLF after a POST body)
          if (s.lineLen > 0) s.headLen = s.lineStart;
          this.resetLine(s);
          continue;
        }
        if (s.strict && this.startPrefix(s) !== PROBE_YES) {
          s.headLen = s.lineStart;
          this.resetLine(s);
          continue;
        }
        this.appendByte(s, LF);
        const r = isReq ? this.parseRequestLine(s) : this.parseStatusLine(s);
        this.resetLine(s);
        if (r === SL_BAD) {
          if (!s.strict) {
            this.anomaly(null, isReq ? E.requestLineInvalid : E.responseInvalidProtocol);
            s.strict = true;
            s.skipped = 0;
          }
          s.headLen = 0;
          s.pend = 0;
          continue;
        }
        s.startDone = true;
        s.lines = 1;
        if (r === SL_09) {
          this.finishHead(s);
          return pos;
        }
        continue;
      }
      if (empty) {
        if (s.lineLen > 0) s.headLen = s.lineStart;
        if (s.lineLen === 1) this.appendByte(s, CR);
        this.appendByte(s, LF);
        this.resetLine(s);
        this.finishHead(s);
        return pos;
      }
      if (s.lineDrop) {
        s.pend |= s.lines > this.cfg.maxHeaders ? P_MANY : P_LONG;
      } else {
        this.appendByte(s, LF);
        s.lines++;
      }
      this.resetLine(s);
    }
    return pos;
  }

  private resetLine(s: Side): void {
    s.lineLen = 0;
    s.lineFirst = -1;
    s.lineDrop = false;
    s.tailLen = 0;
  }

  private resetHead(s: Side): void {
    this.resetLine(s);
    s.lineSkip = false;
    s.headLen = 0;
    s.lines = 0;
    s.startDone = false;
    s.pend = 0;
  }

  /**
   * Can the start line kept so far not become a valid one, whatever follows? Requests: a
   * byte that is neither a token character nor white space before the method ends.
   * Responses: not "HTTP/" after optional white space.
   */
  private startLooksBad(s: Side): boolean {
    const h = s.head;
    if (h === null) return false;
    let p = s.lineStart;
    const e = s.headLen;
    while (p < e && isLineSpace(h[p]!)) p++;
    if (s.dir === TO_CLIENT) return prefixMatch(h, p, e, HTTP_SLASH) === PROBE_NO;
    const limit = Math.min(e, p + 64);
    for (; p < limit; p++) {
      const c = h[p]!;
      if (TCHAR[c] === 1) continue;
      return !isLineSpace(c);
    }
    return false;
  }

  /** Could the (start) line kept so far begin a message? (strict mode) */
  private startPrefix(s: Side): ProbeResult {
    const h = s.head;
    if (h === null) return PROBE_NEED_MORE;
    if (s.dir === TO_SERVER) return methodPrefix(h, s.lineStart, s.headLen, false);
    return prefixMatch(h, s.lineStart, s.headLen, HTTP_SLASH);
  }

  private ensure(s: Side, extra: number): Buffer {
    const need = s.headLen + extra;
    let h = s.head;
    if (h === null || h.length < need) {
      const n = Buffer.allocUnsafe(Math.max(need, h === null ? 1024 : h.length * 2));
      if (h !== null) h.copy(n, 0, 0, s.headLen);
      s.head = h = n;
    }
    return h;
  }

  /** Keep buf[a, b) of the current line, up to maxLine + 1 bytes (the +1 for a CR). */
  private store(s: Side, buf: Buffer, a: number, b: number, maxLine: number): void {
    const room = maxLine + 1 - (s.headLen - s.lineStart);
    const n = Math.min(b - a, Math.max(room, 0));
    if (n > 0) {
      const h = this.ensure(s, n + TAIL + 2);
      buf.copy(h, s.headLen, a, a + n);
      s.headLen += n;
    }
    if (n < b - a) {
      s.pend |= P_LONG;
      if (!s.startDone) this.keepTail(s, buf, a + n, b);
    }
  }

  private appendByte(s: Side, c: number): void {
    const h = this.ensure(s, 1);
    h[s.headLen++] = c;
  }

  /** Remember the last TAIL bytes cut off a too-long start line (to recover its protocol). */
  private keepTail(s: Side, buf: Buffer, a: number, b: number): void {
    const n = b - a;
    const t = s.tail;
    if (n >= TAIL) {
      buf.copy(t, 0, b - TAIL, b);
      s.tailLen = TAIL;
      return;
    }
    const over = s.tailLen + n - TAIL;
    if (over > 0) {
      t.copy(t, 0, over, s.tailLen);
      s.tailLen -= over;
    }
    buf.copy(t, s.tailLen, a, b);
    s.tailLen += n;
  }

  /** Start line content bounds [lineStart, e) without CRLF; a truncated line gets its protocol back. */
  private startLineEnd(s: Side): number {
    if (s.tailLen > 0 && s.dir === TO_SERVER) {
      // "GET /aaaa...(cut)...aaa HTTP/1.1": re-attach " HTTP/1.1" from the kept tail
      const t = s.tail;
      let te = s.tailLen;
      while (te > 0 && isLineSpace(t[te - 1]!)) te--;
      let ts = te;
      while (ts > 0 && !isLineSpace(t[ts - 1]!)) ts--;
      if (ts > 0 && parseVersion(t, ts, te) !== 0) {
        s.headLen--; // LF
        const buf = this.ensure(s, te - ts + 2);
        buf[s.headLen++] = SP;
        t.copy(buf, s.headLen, ts, te);
        s.headLen += te - ts;
        buf[s.headLen++] = LF;
      }
    }
    const h2 = s.head!;
    let e = s.headLen - 1;
    if (e > s.lineStart && h2[e - 1] === CR) e--;
    return e;
  }

  private parseRequestLine(s: Side): number {
    const e = this.startLineEnd(s);
    const h = s.head!;
    let p = s.lineStart;
    let flags = 0;
    s.slStart = p;
    s.slEnd = e;
    while (p < e && isLineSpace(h[p]!)) p++;
    if (p > s.lineStart) flags |= F_LEADING_WS;
    const ms = p;
    while (p < e && TCHAR[h[p]!] === 1) p++;
    const me = p;
    if (me === ms || (p < e && !isLineSpace(h[p]!))) return SL_BAD;
    if (s.strict && (!isKnownMethod(h, ms, me) || h[p] !== SP)) return SL_BAD;
    const known = isKnownMethod(h, ms, me);
    s.a0 = ms;
    s.a1 = me;
    s.c0 = s.c1 = -1;
    if (p < e && h[p] !== SP) flags |= F_METHOD_DELIM;
    while (p < e && isLineSpace(h[p]!)) p++;
    let re = e;
    while (re > p && isLineSpace(h[re - 1]!)) re--;
    if (p === re) {
      // "GET" alone
      s.b0 = s.b1 = me;
      s.version = 9;
      s.slFlags = flags | F_INCOMPLETE | (known ? 0 : F_INVALID);
      return SL_09;
    }
    let q = re - 1;
    while (q > p && !isLineSpace(h[q]!)) q--;
    if (q > p) {
      if (prefixMatch(h, q + 1, re, HTTP_SLASH) === PROBE_YES) {
        // method SP URI SP protocol; the URI may hold spaces (Apache-style)
        let ue = q;
        while (ue > p && isLineSpace(h[ue - 1]!)) ue--;
        if (h[ue] !== SP) flags |= F_URI_DELIM;
        s.b0 = p;
        s.b1 = ue;
        s.c0 = q + 1;
        s.c1 = re;
      } else {
        // libhtp: the URI is the first token, the rest an (invalid) protocol
        let ue = p;
        while (ue < re && !isLineSpace(h[ue]!)) ue++;
        if (h[ue] !== SP) flags |= F_URI_DELIM;
        let ps = ue;
        while (ps < re && isLineSpace(h[ps]!)) ps++;
        s.b0 = p;
        s.b1 = ue;
        s.c0 = ps;
        s.c1 = re;
      }
      s.version = parseVersion(h, s.c0, s.c1);
      if (s.version === 0) flags |= F_INVALID;
      s.slFlags = flags;
      return SL_OK;
    }
    // HTTP/0.9: method SP URI
    s.b0 = p;
    s.b1 = re;
    s.version = 9;
    s.slFlags = flags | F_NO_PROTO | (known ? 0 : F_INVALID);
    return SL_09;
  }

  private parseStatusLine(s: Side): number {
    const e = this.startLineEnd(s);
    const h = s.head!;
    let p = s.lineStart;
    let flags = 0;
    s.slStart = p;
    s.slEnd = e;
    while (p < e && isLineSpace(h[p]!)) p++;
    if (prefixMatch(h, p, e, HTTP_SLASH) !== PROBE_YES) return SL_BAD;
    s.a0 = p;
    while (p < e && !isLineSpace(h[p]!)) p++;
    s.a1 = p;
    s.version = parseVersion(h, s.a0, s.a1);
    if (s.version === 0) flags |= F_BAD_PROTO;
    while (p < e && isLineSpace(h[p]!)) p++;
    s.b0 = p;
    while (p < e && !isLineSpace(h[p]!)) p++;
    s.b1 = p;
    let code = -1;
    if (s.b1 - s.b0 === 3) {
      code = 0;
      for (let i = s.b0; i < s.b1; i++) {
        const c = h[i]!;
        if (c < 0x30 || c > 0x39) {
          code = -1;
          break;
        }
        code = code * 10 + (c - 0x30);
      }
    }
    if (code < 0) flags |= F_BAD_STATUS;
    s.statusCode = code;
    while (p < e && isLineSpace(h[p]!)) p++;
    let re = e;
    while (re > p && isLineSpace(h[re - 1]!)) re--;
    s.c0 = p;
    s.c1 = re;
    s.slFlags = flags;
    return SL_OK;
  }

  /** The head of a message is complete: build the transaction. */
  private finishHead(s: Side): void {
    const h = s.head!;
    const len = s.headLen;
    let owned: Buffer;
    if (len * 2 >= h.length) {
      owned = h.subarray(0, len);
      s.head = null; // handed over to the transaction
    } else {
      owned = Buffer.allocUnsafe(len);
      h.copy(owned, 0, 0, len);
    }
    const pend = s.pend;
    s.strict = false;
    s.skipped = 0;
    this.resetHead(s);
    if (s.dir === TO_SERVER) this.finishRequestHead(s, owned, pend);
    else this.finishResponseHead(s, owned, pend);
  }

  private finishRequestHead(s: Side, head: Buffer, pend: number): void {
    const tx = new HttpTx(this.nextId++);
    const flags = s.slFlags;
    // start-line anomalies
    if (flags & F_LEADING_WS) this.anomaly(tx, E.requestLineLeadingWhitespace);
    if (flags & F_METHOD_DELIM) this.anomaly(tx, E.methodDelimNonCompliant);
    if (flags & F_URI_DELIM) this.anomaly(tx, E.uriDelimNonCompliant);
    if (flags & F_INCOMPLETE) this.anomaly(tx, E.requestLineIncomplete);
    else if (flags & F_NO_PROTO) this.anomaly(tx, E.requestLineMissingProtocol);
    if (flags & F_INVALID) this.anomaly(tx, E.requestLineInvalid);
    if (pend & P_LONG) this.anomaly(tx, E.requestFieldTooLong);
    if (pend & P_MANY) this.anomaly(tx, E.requestTooManyHeaders);

    tx.requestHead = head;
    tx.requestLine = head.subarray(s.slStart, s.slEnd);
    tx.method = head.subarray(s.a0, s.a1);
    tx.uriRaw = head.subarray(s.b0, s.b1);
    if (s.c0 >= 0) tx.protocol = head.subarray(s.c0, s.c1);
    tx.http09 = s.version === 9 && s.c0 < 0;
    const hs = head.indexOf(LF, s.slEnd) + 1;
    tx.requestHeadersRaw = head.subarray(hs);
    const isConnect = bytesEq(head, s.a0, s.a1, 'CONNECT');
    tx._connect = isConnect;
    tx._head = bytesEq(head, s.a0, s.a1, 'HEAD');

    const entries = this.parseFields(tx, head, hs, head.length, REQ_EVENTS);
    const p = this.parts;
    splitUri(head, s.b0, s.b1, p, isConnect);
    const hostHdr = entries.byName.get('host');
    const uriLen = s.b1 - s.b0;
    const hostRoom = Math.max(hostHdr?.valueLen ?? 0, p.hostEnd - p.hostStart, 0);
    const d = this.buildHeaders(entries, 'cookie', uriLen + 1 + hostRoom);
    tx.requestHeaderList = d.list;
    if (d.headersEnd > 0) tx.requestHeaders = d.buf.subarray(0, d.headersEnd);

    // http.uri
    let o = d.end;
    const u0 = o;
    if (isConnect) {
      head.copy(d.buf, o, s.b0, s.b1);
      o += uriLen;
    } else {
      o = normalizeUriInto(head, p, d.buf, o, this.cfg.uri);
    }
    tx.uri = d.buf.subarray(u0, o);

    // http.host: the absolute URI's authority wins over the Host header (RFC 9112 3.2.2)
    const hostHdrValue = hostHdr?.value;
    if (p.hostStart >= 0 && p.hostEnd > p.hostStart) {
      const hp = parseHostPort(head, p.hostStart, p.portStart >= 0 ? p.portEnd : p.hostEnd);
      if (hp.invalid) this.anomaly(tx, E.requestUriHostInvalid);
      const h0 = o;
      o = normalizeHostInto(head, hp.hostStart, hp.hostEnd, d.buf, o);
      tx.host = d.buf.subarray(h0, o);
      tx.port = hp.port;
      tx.hostRaw = hostHdrValue ?? head.subarray(hp.hostStart, hp.hostEnd);
      if (hostHdrValue !== undefined) {
        const hh = parseHostPort(hostHdrValue, 0, hostHdrValue.length);
        if (!hostEquals(hostHdrValue, hh.hostStart, hh.hostEnd, tx.host)) this.anomaly(tx, E.hostHeaderAmbiguous);
      }
    } else if (hostHdrValue !== undefined) {
      const hp = parseHostPort(hostHdrValue, 0, hostHdrValue.length);
      if (hp.invalid) this.anomaly(tx, E.requestHeaderHostInvalid);
      const h0 = o;
      o = normalizeHostInto(hostHdrValue, hp.hostStart, hp.hostEnd, d.buf, o);
      tx.host = d.buf.subarray(h0, o);
      tx.port = hp.port;
      tx.hostRaw = hostHdrValue;
    }
    if (hostHdr === undefined && s.version === 11) this.anomaly(tx, E.missingHostHeader);

    tx.userAgent = entries.byName.get('user-agent')?.value;
    tx.cookie = entries.byName.get('cookie')?.value;
    tx.contentType = entries.byName.get('content-type')?.value;
    tx.referer = entries.byName.get('referer')?.value;
    tx.xff = entries.byName.get('x-forwarded-for')?.value;
    const framing = this.framing(tx, entries, REQ_EVENTS);
    tx.contentLength = framing.cl;
    tx._reqEnc = this.cfg.decompress ? encodingOf(entries.byName.get('content-encoding')?.value) : ENC_NONE;

    // pairing
    this.pending.push(tx);
    if (this.pending.length > this.cfg.maxOpenTxs) {
      const old = this.pending.shift()!;
      this.sides[TO_CLIENT].skipResponses++;
      old.truncated = true;
      this.closeTx(old);
    }
    this.raise(tx, TX_REQUEST_HEADERS, TO_SERVER);

    // body
    s.tx = tx;
    if (tx.http09) {
      this.messageDone(s, false);
    } else if (isConnect) {
      this.messageDone(s, false);
      s.state = ST_CONNECT_WAIT;
    } else if (s.version === 20 && bytesEq(head, s.a0, s.a1, 'PRI')) {
      // HTTP/2 connection preface ("PRI * HTTP/2.0"): not HTTP/1 from here on
      this.messageDone(s, false);
      this.tunnel();
    } else if (framing.chunked) {
      this.startChunked(s);
    } else if (framing.cl > 0) {
      this.startBody(s, tx, framing.cl);
    } else {
      this.messageDone(s, false);
    }
  }

  private finishResponseHead(s: Side, head: Buffer, pend: number): void {
    const code = s.statusCode;
    let tx = s.interim;
    s.interim = null;
    if (tx === null) {
      if (s.skipResponses > 0) {
        // the response of a transaction dropped by maxOpenTxs: parse it, report nothing
        s.skipResponses--;
        tx = new HttpTx(-1);
        tx._detached = true;
      } else {
        tx = this.pending.shift() ?? null;
        if (tx === null) {
          tx = new HttpTx(this.nextId++);
          tx.orphan = true;
          this.anomaly(tx, E.unableToMatchResponse);
        }
      }
    }
    const flags = s.slFlags;
    if (flags & F_BAD_PROTO) this.anomaly(tx, E.responseInvalidProtocol);
    if (flags & F_BAD_STATUS) this.anomaly(tx, E.responseInvalidStatus);
    if (pend & P_LONG) this.anomaly(tx, E.responseFieldTooLong);
    if (pend & P_MANY) this.anomaly(tx, E.responseTooManyHeaders);

    // 1xx interim responses (but 101) do not complete the transaction
    if (code >= 100 && code < 200 && code !== 101) {
      if (code === 100) {
        if (tx._seen100) this.anomaly(tx, E.continueAlreadySeen);
        tx._seen100 = true;
      }
      s.interim = tx;
      return;
    }

    tx.responseHead = head;
    tx.responseLine = head.subarray(s.slStart, s.slEnd);
    tx.responseProtocol = head.subarray(s.a0, s.a1);
    tx.statusCodeBuf = head.subarray(s.b0, s.b1);
    tx.statusCode = code;
    tx.statusMessage = head.subarray(s.c0, s.c1);
    const hs = head.indexOf(LF, s.slEnd) + 1;
    tx.responseHeadersRaw = head.subarray(hs);
    const entries = this.parseFields(tx, head, hs, head.length, RESP_EVENTS);
    const d = this.buildHeaders(entries, 'set-cookie', 0);
    tx.responseHeaderList = d.list;
    if (d.headersEnd > 0) tx.responseHeaders = d.buf.subarray(0, d.headersEnd);
    tx.responseContentType = entries.byName.get('content-type')?.value;
    tx.location = entries.byName.get('location')?.value;
    tx.server = entries.byName.get('server')?.value;
    tx.setCookie = entries.byName.get('set-cookie')?.value;
    tx.contentRange = entries.byName.get('content-range')?.value;
    const framing = this.framing(tx, entries, RESP_EVENTS);
    tx.responseContentLength = framing.cl;
    tx._respEnc = this.cfg.decompress ? encodingOf(entries.byName.get('content-encoding')?.value) : ENC_NONE;

    s.tx = tx;
    this.raise(tx, TX_RESPONSE_HEADERS, TO_CLIENT);

    const req = this.sides[TO_SERVER];
    if (code === 101 || (tx._connect && code >= 200 && code < 300)) {
      // protocol switch or CONNECT tunnel: the rest is not HTTP/1
      this.messageDone(s, false);
      this.tunnel();
      return;
    }
    if (tx._connect && req.state === ST_CONNECT_WAIT) req.state = ST_HEAD;
    if (tx._head || code === 204 || code === 304) {
      this.messageDone(s, false);
    } else if (framing.chunked) {
      if (s.version !== 0 && s.version < 11) this.anomaly(tx, E.responseChunkedOldProto);
      this.startChunked(s);
    } else if (framing.cl >= 0 && !framing.badTe) {
      if (framing.cl === 0) this.messageDone(s, false);
      else this.startBody(s, tx, framing.cl);
    } else {
      this.startBody(s, tx, -1);
      s.state = ST_BODY_CLOSE;
    }
  }

  /** Body framing from Content-Length / Transfer-Encoding (RFC 9112 6.3). */
  private framing(tx: HttpTx, entries: Fields, ev: DirEvents): { cl: number; chunked: boolean; badTe: boolean } {
    let cl = -1;
    let chunked = false;
    let badTe = false;
    const te = entries.byName.get('transfer-encoding')?.value;
    if (te !== undefined) {
      const codings = te.toString('latin1').toLowerCase().split(',');
      chunked = codings.some((c) => c.trim() === 'chunked');
      if (!chunked) {
        badTe = true;
        this.anomaly(tx, ev.transferEncoding);
      }
    }
    const clv = entries.byName.get('content-length')?.value;
    if (clv !== undefined) {
      cl = parseContentLength(clv, 0, clv.length);
      if (cl < 0) this.anomaly(tx, ev.contentLength);
    }
    return { cl, chunked, badTe };
  }

  // --- header fields

  /** Header lines of head[from, end) -> merged entries (libhtp: repeated names joined by ", "). */
  private parseFields(tx: HttpTx, h: Buffer, from: number, end: number, ev: DirEvents): Fields {
    const raw: number[][] = [];
    let p = from;
    while (p < end) {
      let lf = h.indexOf(LF, p);
      if (lf < 0 || lf >= end) lf = end;
      let le = lf;
      if (le > p && h[le - 1] === CR) le--;
      if (le === p) break; // the blank line
      if (isWs(h[p]!)) {
        // obs-fold: continuation of the previous field
        if (raw.length === 0) {
          this.anomaly(tx, ev.folding);
          let q = p;
          while (q < le && isWs(h[q]!)) q++;
          raw.push([q, le]);
        } else {
          raw[raw.length - 1]!.push(p, le);
        }
      } else {
        raw.push([p, le]);
      }
      p = lf + 1;
    }
    const list: Entry[] = [];
    const byName = new Map<string, Entry>();
    let repetitions = 0;
    for (const segs of raw) {
      const a = segs[0]!;
      const b = segs[1]!;
      let colon = h.indexOf(COLON, a);
      if (colon >= b) colon = -1;
      let nameE = a;
      let parts: number[];
      if (colon < 0) {
        // libhtp keeps it as a header with an empty name, so its bytes are still inspected
        this.anomaly(tx, ev.missingColon);
        parts = segs.slice();
      } else {
        nameE = colon;
        while (nameE > a && isWs(h[nameE - 1]!)) nameE--;
        let ok = nameE === colon && nameE > a;
        for (let i = a; ok && i < nameE; i++) if (TCHAR[h[i]!] !== 1) ok = false;
        if (!ok) this.anomaly(tx, ev.headerInvalid);
        parts = segs.slice();
        parts[0] = colon + 1;
      }
      trimParts(h, parts);
      const lname = h.toString('latin1', a, nameE).toLowerCase();
      const prev = byName.get(lname);
      if (prev !== undefined) {
        if (lname === 'content-length') {
          // a repeated Content-Length is not joined; a different value is ambiguous
          if (!partsEqual(h, prev.parts, parts)) this.anomaly(tx, ev.duplicateContentLength);
          continue;
        }
        if (++repetitions > MAX_REPETITIONS) {
          this.anomaly(tx, ev.repetition);
          continue;
        }
        prev.parts.push(-1, -1, ...parts);
        prev.valueLen += 2 + partsLen(parts);
        continue;
      }
      const entry: Entry = { lname, src: h, nameS: a, nameE, parts, valueLen: partsLen(parts), value: EMPTY };
      list.push(entry);
      byName.set(lname, entry);
    }
    return { list, byName };
  }

  /**
   * Write "Name: value\r\n" for every entry into one new buffer: the `http.header` ones
   * first (without `excluded`, the cookie header), then the excluded ones, then `extra`
   * bytes of room. Header views point into it.
   */
  private buildHeaders(
    f: Fields,
    excluded: string,
    extra: number,
  ): { buf: Buffer; list: HttpHeader[]; headersEnd: number; end: number } {
    let size = extra;
    for (const e of f.list) size += e.nameE - e.nameS + 4 + e.valueLen;
    const buf = Buffer.allocUnsafe(size);
    const list: HttpHeader[] = new Array(f.list.length);
    let o = 0;
    let headersEnd = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < f.list.length; i++) {
        const e = f.list[i]!;
        if ((e.lname === excluded) !== (pass === 1)) continue;
        const n0 = o;
        o += e.src.copy(buf, o, e.nameS, e.nameE);
        const n1 = o;
        buf[o++] = COLON;
        buf[o++] = SP;
        const v0 = o;
        const parts = e.parts;
        for (let k = 0; k < parts.length; k += 2) {
          const ps = parts[k]!;
          if (ps < 0) {
            buf[o++] = 0x2c;
            buf[o++] = SP;
          } else {
            o += e.src.copy(buf, o, ps, parts[k + 1]!);
          }
        }
        const v1 = o;
        buf[o++] = CR;
        buf[o++] = LF;
        e.value = buf.subarray(v0, v1);
        list[i] = { name: buf.subarray(n0, n1), value: e.value };
      }
      if (pass === 0) headersEnd = o;
    }
    return { buf, list, headersEnd, end: o };
  }

  // --- bodies

  private startBody(s: Side, tx: HttpTx, cl: number): void {
    s.state = ST_BODY_CL;
    s.remaining = cl;
    if (cl > 0) {
      const n = Math.min(cl, this.cfg.maxBody);
      if (n > 0) {
        if (s.dir === TO_SERVER) tx._reqBody = Buffer.allocUnsafe(n);
        else tx._respBody = Buffer.allocUnsafe(n);
      }
    }
  }

  private startChunked(s: Side): void {
    s.state = ST_CHUNK_SIZE;
    s.csState = s.csDigits = s.csValue = s.csLen = 0;
    s.csBad = false;
  }

  /** Body bytes buf[a, b) (de-chunked) of the current message. */
  private body(s: Side, buf: Buffer, a: number, b: number): void {
    const tx = s.tx;
    const n = b - a;
    if (tx === null || n <= 0 || tx._detached) return;
    const max = this.cfg.maxBody;
    if (s.dir === TO_SERVER) {
      tx.requestBodyLength += n;
      if (tx._reqGap || tx._reqBodyLen >= max) return;
      const k = Math.min(n, max - tx._reqBodyLen);
      tx._reqBody = grow(tx._reqBody, tx._reqBodyLen, k, max);
      buf.copy(tx._reqBody, tx._reqBodyLen, a, a + k);
      tx._reqBodyLen += k;
    } else {
      tx.responseBodyLength += n;
      if (tx._respGap || tx._respBodyLen >= max) return;
      const k = Math.min(n, max - tx._respBodyLen);
      tx._respBody = grow(tx._respBody, tx._respBodyLen, k, max);
      buf.copy(tx._respBody, tx._respBodyLen, a, a + k);
      tx._respBodyLen += k;
    }
  }

  /** Bytes lost inside the current body: keep counting, stop keeping bytes. */
  private markGap(s: Side): void {
    const tx = s.tx;
    if (tx === null) return;
    tx.truncated = true;
    if (s.dir === TO_SERVER) tx._reqGap = true;
    else tx._respGap = true;
  }

  /** chunk-size [ ";" chunk-ext ] CRLF, parsed byte by byte (no buffering). */
  private chunkSizeBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    const maxLine = this.cfg.maxLine;
    while (pos < end) {
      const c = buf[pos++]!;
      if (c === LF) {
        if (s.csDigits === 0 && !s.csBad && s.csState === 0) {
          // blank line where a size was expected: tolerated
          s.csLen = 0;
          continue;
        }
        if (s.csBad || s.csDigits === 0) {
          this.badChunk(s);
          return pos;
        }
        const v = s.csValue;
        s.csState = s.csDigits = s.csValue = s.csLen = 0;
        if (v === 0) {
          s.state = ST_TRAILER;
          s.trailerLines = 0;
          this.resetLine(s);
        } else {
          s.state = ST_CHUNK_DATA;
          s.remaining = v;
        }
        return pos;
      }
      if (++s.csLen > maxLine) s.csBad = true;
      switch (s.csState) {
        case 0: {
          if (isWs(c) || c === CR) break;
          const h = hexDigit(c);
          if (h < 0) s.csBad = true;
          else {
            s.csValue = h;
            s.csDigits = 1;
          }
          s.csState = 1;
          break;
        }
        case 1: {
          const h = hexDigit(c);
          if (h >= 0) {
            if (++s.csDigits > 13) s.csBad = true; // beyond 2^52: nonsense
            s.csValue = s.csValue * 16 + h;
          } else if (isWs(c) || c === CR) s.csState = 2;
          else if (c === 0x3b) s.csState = 3;
          else s.csBad = true;
          break;
        }
        case 2:
          if (c === 0x3b) s.csState = 3;
          else if (!isWs(c) && c !== CR) s.csBad = true;
          break;
        default:
          break; // chunk extension: ignored
      }
    }
    return pos;
  }

  private badChunk(s: Side): void {
    const tx = s.tx;
    if (s.dir === TO_SERVER) {
      if (tx !== null) this.anomaly(tx, E.invalidRequestChunkLen);
      this.messageDone(s, true);
      this.resync(s);
    } else {
      // libhtp: the rest of the response is body, up to the connection close
      if (tx !== null) this.anomaly(tx, E.invalidResponseChunkLen);
      s.state = ST_BODY_CLOSE;
    }
  }

  /** trailer-section after the last chunk: lines up to a blank line (not kept). */
  private trailerBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    while (pos < end) {
      let lf = buf.indexOf(LF, pos);
      if (lf < 0 || lf >= end) lf = -1;
      const lineEnd = lf < 0 ? end : lf;
      if (lineEnd > pos) {
        if (s.lineLen === 0) s.lineFirst = buf[pos]!;
        s.lineLen += lineEnd - pos;
      }
      if (lf < 0) return end;
      pos = lf + 1;
      const empty = s.lineLen === 0 || (s.lineLen === 1 && s.lineFirst === CR);
      const long = s.lineLen > this.cfg.maxLine + 1;
      this.resetLine(s);
      if (empty) {
        this.messageDone(s, false);
        return pos;
      }
      const tx = s.tx;
      if (tx !== null) {
        const ev = s.dir === TO_SERVER ? REQ_EVENTS : RESP_EVENTS;
        if (long) this.anomaly(tx, ev.tooLong);
        if (++s.trailerLines > this.cfg.maxHeaders) this.anomaly(tx, ev.tooMany);
      }
    }
    return pos;
  }

  // --- message / transaction completion

  /** The current message of this side is complete (or cut short). */
  private messageDone(s: Side, truncated: boolean): void {
    const tx = s.tx;
    s.tx = null;
    s.state = ST_HEAD;
    s.remaining = 0;
    if (tx === null) return;
    if (truncated) tx.truncated = true;
    if (s.dir === TO_SERVER) this.finishRequestBody(tx);
    else this.finishResponseBody(tx);
  }

  private finishRequestBody(tx: HttpTx): void {
    if (tx.progress & TX_REQUEST_DONE) return;
    if (tx._reqBody !== null && tx._reqBodyLen > 0) {
      const raw = tx._reqBody.subarray(0, tx._reqBodyLen);
      tx.requestBody = this.decoded(tx, raw, tx._reqEnc, false);
    }
    tx._reqBody = null;
    this.raise(tx, TX_REQUEST_DONE, TO_SERVER);
  }

  private finishResponseBody(tx: HttpTx): void {
    if (tx.progress & TX_RESPONSE_DONE) return;
    if (tx._respBody !== null && tx._respBodyLen > 0) {
      const raw = tx._respBody.subarray(0, tx._respBodyLen);
      tx.responseBody = this.decoded(tx, raw, tx._respEnc, true);
    }
    tx._respBody = null;
    this.raise(tx, TX_RESPONSE_DONE, TO_CLIENT);
  }

  private decoded(tx: HttpTx, raw: Buffer, enc: number, response: boolean): Buffer {
    if (enc === ENC_NONE) return raw;
    const out = decodeBody(raw, enc, this.cfg.maxBody);
    if (out === null) {
      this.anomaly(tx, E.gzipDecompressionFailed);
      return raw;
    }
    if (response) tx.responseBodyDecoded = ENC_NAMES[enc];
    return out;
  }

  /** Raise whatever DONE flags a transaction still lacks (flow end, eviction). */
  private closeTx(tx: HttpTx): void {
    if ((tx.progress & TX_REQUEST_DONE) === 0 && !tx.orphan) {
      tx.truncated = true;
      this.finishRequestBody(tx);
    }
    if ((tx.progress & TX_RESPONSE_DONE) === 0) {
      tx.truncated = true;
      this.finishResponseBody(tx);
    }
  }

  private raise(tx: HttpTx, flag: number, dir: Direction): void {
    if (tx.progress & flag) return;
    tx.progress |= flag;
    if (!tx._detached) this.sink.txProgress(this.flow, tx, dir);
  }

  private anomaly(tx: HttpTx | null, event: string): void {
    if (tx !== null) {
      if (tx.events === undefined) tx.events = [event];
      else if (tx.events.includes(event)) return;
      else tx.events.push(event);
      if (tx._detached) return;
    }
    this.sink.anomaly(this.flow, 'http', event);
  }

  /** After lost bytes or a bad message: look for the next line that starts a message. */
  private resync(s: Side): void {
    const tx = s.tx;
    if (tx !== null) this.messageDone(s, true);
    this.resetHead(s);
    s.state = ST_HEAD;
    s.strict = true;
    s.skipped = 0;
  }

  private kill(s: Side): void {
    if (s.tx !== null) this.messageDone(s, true);
    this.resetHead(s);
    s.head = null;
    s.state = ST_DEAD;
  }

  private tunnel(): void {
    for (const s of this.sides) {
      this.resetHead(s);
      s.head = null;
      s.state = ST_TUNNEL;
    }
  }

  private next09(s: Side): boolean {
    return s.interim === null && s.skipResponses === 0 && this.pending.length > 0 && this.pending[0]!.http09;
  }

  /** HTTP/0.9 response: no status line, the body runs to the connection close. */
  private start09Response(s: Side): void {
    const tx = this.pending.shift()!;
    const h = s.head;
    const kept = s.lineLen > 0 ? s.headLen - s.lineStart : 0;
    const start = s.lineStart;
    this.resetHead(s);
    s.tx = tx;
    this.raise(tx, TX_RESPONSE_HEADERS, TO_CLIENT);
    this.startBody(s, tx, -1);
    s.state = ST_BODY_CLOSE;
    if (kept > 0 && h !== null) {
      this.body(s, h, start, start + kept);
      tx.responseMessageLength += kept;
    }
  }
}

interface Entry {
  lname: string;
  src: Buffer;
  nameS: number;
  nameE: number;
  /** Value as [start, end) ranges into src; (-1, -1) stands for the ", " joining duplicates. */
  parts: number[];
  valueLen: number;
  value: Buffer;
}

interface Fields {
  list: Entry[];
  byName: Map<string, Entry>;
}

function partsLen(parts: number[]): number {
  let n = 0;
  for (let k = 0; k < parts.length; k += 2) n += parts[k]! < 0 ? 2 : parts[k + 1]! - parts[k]!;
  return n;
}

/** Trim leading and trailing SP/HT across the ranges (in place). */
function trimParts(h: Buffer, parts: number[]): void {
  for (let k = 0; k < parts.length; k += 2) {
    let a = parts[k]!;
    const b = parts[k + 1]!;
    while (a < b && isWs(h[a]!)) a++;
    parts[k] = a;
    if (a < b) break;
  }
  for (let k = parts.length - 2; k >= 0; k -= 2) {
    const a = parts[k]!;
    let b = parts[k + 1]!;
    while (b > a && isWs(h[b - 1]!)) b--;
    parts[k + 1] = b;
    if (b > a) break;
  }
}

function partsEqual(h: Buffer, a: number[], b: number[]): boolean {
  const x = Buffer.concat(partsBufs(h, a));
  const y = Buffer.concat(partsBufs(h, b));
  return x.equals(y);
}

function partsBufs(h: Buffer, parts: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    if (parts[k]! >= 0) out.push(h.subarray(parts[k]!, parts[k + 1]!));
  }
  return out;
}

function hostEquals(a: Buffer, as: number, ae: number, norm: Buffer): boolean {
  while (ae > as && a[ae - 1] === 0x2e) ae--;
  if (ae - as !== norm.length) return false;
  for (let i = 0; i < norm.length; i++) {
    let c = a[as + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== norm[i]) return false;
  }
  return true;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Room for `add` more bytes after `len` in a body buffer, doubling up to `max`. */
function grow(b: Buffer | null, len: number, add: number, max: number): Buffer {
  const need = len + add;
  if (b !== null && b.length >= need) return b;
  const n = Buffer.allocUnsafe(Math.min(max, Math.max(need, b === null ? 4096 : b.length * 2)));
  if (b !== null) b.copy(n, 0, 0, len);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Parser object

/** An HTTP/1.x parser with its own limits and options. */
export function createHttpParser(opts: HttpParserOptions = {}): AppParser {
  const l = { ...DEFAULT_APP_LIMITS, ...opts.limits };
  const cfg: Config = {
    maxLine: Math.max(16, l.maxLineLength),
    maxHeaders: Math.max(1, l.maxHeaders),
    maxBody: Math.max(0, l.maxBodyInspect),
    maxOpenTxs: Math.max(1, l.maxOpenTxs),
    headLimit: Math.max(64 * 1024, l.maxLineLength * 4),
    uri: opts.uri ?? URI_LIBHTP_DEFAULTS,
    decompress: opts.decompress ?? true,
  };
  return {
    name: 'http',
    transport: 'tcp',
    defaultPorts: opts.ports ?? HTTP_DEFAULT_PORTS,
    probe: probeHttp,
    create: (sink: AppSink, flow: unknown): AppParserState => new HttpState(cfg, sink, flow),
  };
}

/**
 * To server: a known method followed by a space ("GET "), case-insensitive like Suricata's
 * probing patterns. To client: "HTTP/1.". NEED_MORE while the bytes are a prefix of either.
 */
export function probeHttp(buf: Buffer, off: number, end: number, dir: Direction): ProbeResult {
  if (end <= off) return PROBE_NEED_MORE;
  if (dir === TO_SERVER) return methodPrefix(buf, off, end, true);
  return prefixMatch(buf, off, end, HTTP_1_DOT);
}

/** The HTTP parser with default limits. */
export const httpParser: AppParser = createHttpParser();
