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
// chunking. A head (start line and headers) that arrives whole is parsed where it lies and
// copied once into memory its transaction owns; one split over several chunks is gathered
// (bounded) in a reusable per-direction buffer first. Transactions keep offsets and make
// their Buffer fields on first use (see HttpTx). Bodies are counted, not copied, unless
// their first `maxBodyInspect` bytes are kept for inspection. Responses
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
//   * Status line: a response line that does not start with "http" (any case, after white
//     space / NUL) is body of the response (resolveJunk), as libhtp and browsers read it.
//   * Line ends: LF or CRLF; in a response head also a CR alone, and LF-CR is one line end
//     (libhtp's response header parser), so "A: b\rTransfer-Encoding: chunked" is two
//     headers and "\r\r" ends the head. A line of one SP / HT and a bare LF after a header
//     line ends the head (libhtp: an empty fold leaves its LF as the end of the head).
//   * Bodies: Transfer-Encoding containing "chunked" wins over Content-Length (RFC 9112 6.3);
//     no body for HEAD, nor for 1xx, 204, 304 unless they announce one (libhtp reads it);
//     only 100 without a body is interim (100-continue); 101 and a 2xx to CONNECT (and an
//     HTTP/2 "PRI *" preface) end HTTP/1 parsing of the connection; a response with neither
//     length nor chunking, or a bad Content-Length, runs to the close, as does the rest of a
//     response whose chunk size is not hex. Content codings (gzip, deflate, br; a list of
//     up to decompressLayers of them) of either direction are undone for inspection the
//     libhtp way (see contentCodings, decodeBody), bounded by maxBodyInspect per transaction
//     (passed through, event gzip_decompression_failed, when they do not decode).
//   * The close inside a head whose start line was read ends the head (closeHead).
//   * Gaps: inside a body of known length (or a chunk) the parser stays in sync and only
//     stops keeping body bytes; anywhere else the message is closed as truncated and the
//     next request line (known method) / status line ("HTTP/") is looked for.
//   * end(): a body to the close completes normally; every other open transaction gets its
//     missing *_DONE flags with `truncated` set, so every transaction reaches
//     TX_RESPONSE_DONE exactly once.

import { isUtf8 } from 'node:buffer';
import { brotliDecompressSync, inflateRawSync, inflateSync, constants as zc } from 'node:zlib';
import { copyBytes } from '../core/bytes.js';
import {
  normalizeHostInto,
  normalizeUriInto,
  type HostPort,
  parseHostPortInto,
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
const ENC_LZMA = 4;

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

/** Marks a view-cache slot not computed yet (compared by identity). */
const NOT_YET: Buffer = Buffer.alloc(0);

// View-cache slots of HttpTx (request ones first, then response ones from V_RESP_FIRST)
const V_REQ_HEAD = 0;
const V_REQ_LINE = 1;
const V_METHOD = 2;
const V_URI = 3;
const V_URI_RAW = 4;
const V_PROTOCOL = 5;
const V_HOST = 6;
const V_HOST_RAW = 7;
const V_UA = 8;
const V_COOKIE = 9;
const V_CONTENT_TYPE = 10;
const V_REFERER = 11;
const V_XFF = 12;
const V_REQ_HEADERS = 13;
const V_REQ_HEADERS_RAW = 14;
const V_RESP_FIRST = 15;
const V_RESP_HEAD = 15;
const V_RESP_LINE = 16;
const V_RESP_PROTOCOL = 17;
const V_STATUS = 18;
const V_STATUS_MSG = 19;
const V_RESP_HEADERS = 20;
const V_RESP_HEADERS_RAW = 21;
const V_RESP_CONTENT_TYPE = 22;
const V_LOCATION = 23;
const V_SERVER = 24;
const V_SET_COOKIE = 25;
const V_CONTENT_RANGE = 26;
/** Internal slot: the merged Host header value, when the host was taken from it. */
const V_HOST_VALUE = 27;
const V_SLOTS = 28;

/** A header value the parser did not keep as one stretch of the head (folded or merged): see the list. */
const KV_ABSENT = -1;
const KV_COMPLEX = -2;

// Where a transaction's offsets live: Int32 slots in the region it owns, after the head
// (see ownRoom), so that the JS object stays small (every byte allocated per transaction
// costs garbage-collection time). Request slots (at _rqM in _rqI):
const Q_HEAD_S = 0; // head [HEAD_S, HEAD_E) of _rq
const Q_HEAD_E = 1;
const Q_SL_E = 2; // request line [HEAD_S, SL_E)
const Q_M_S = 3; // method
const Q_M_E = 4;
const Q_U_S = 5; // request-target
const Q_U_E = 6;
const Q_P_S = 7; // protocol; -1: none
const Q_P_E = 8;
const Q_H_S = 9; // header lines [H_S, HEAD_E)
const Q_HOST = 10; // HOST_* flags
const Q_HOST_S = 11; // host bytes to normalise (in _rq, or in the merged Host value)
const Q_HOST_E = 12;
const Q_RAW_S = 13; // `host.raw` (in _rq, or the merged Host value)
const Q_RAW_E = 14;
const Q_UA = 15; // header values: [S, S + 1) slot pairs, S = KV_ABSENT / KV_COMPLEX
const Q_COOKIE = 17;
const Q_CONTENT_TYPE = 19;
const Q_REFERER = 21;
const Q_XFF = 23;
const Q_SLOTS = 25;
// Response slots (at _rsM in _rsI):
const R_HEAD_S = 0;
const R_HEAD_E = 1;
const R_SL_E = 2; // status line [HEAD_S, SL_E)
const R_P_S = 3; // protocol
const R_P_E = 4;
const R_SC_S = 5; // status
const R_SC_E = 6;
const R_SM_S = 7; // reason
const R_SM_E = 8;
const R_H_S = 9; // header lines
const R_CONTENT_TYPE = 10;
const R_LOCATION = 12;
const R_SERVER = 14;
const R_SET_COOKIE = 16;
const R_CONTENT_RANGE = 18;
const R_SLOTS = 20;

const HOST_OWN = 1; // host bytes in _rq
const HOST_MERGED = 2; // host bytes in the merged Host value
const RAW_OWN = 4;
const RAW_MERGED = 8;

// HttpTx._bits
const B_REQ_GAP = 1;
const B_RESP_GAP = 2;
const B_SEEN_100 = 4;
const B_HEAD = 8;
const B_CONNECT = 16;
const B_DETACHED = 32;
const B_REQ_ENC_SHIFT = 6; // content codings of the request body (a chain, see contentCodings)
const B_RESP_ENC_SHIFT = 15; // ... of the response body

/**
 * One HTTP request/response pair. Buffer fields are views of bytes the transaction owns.
 *
 * Cost model: when a head is complete, the parser copies it once into a region the
 * transaction owns, followed by the offsets of its fields (see ownRoom). The Buffer-valued
 * fields are getters that create their view on first use and cache it; `uri` and `host` are
 * views of the bytes as sent unless normalising changes them (then buffers of their own),
 * and the header lists and `http.header` blocks are built on first use. Assigning a field
 * overrides it.
 */
export class HttpTx implements AppTx {
  progress = 0;
  inspected = 0;

  // --- request (set at TX_REQUEST_HEADERS)
  /** Port from the absolute URI or Host header; -1 when none was given. */
  port = -1;
  /** Request Content-Length; -1 when absent or invalid. */
  contentLength = -1;
  /** `http.request_body`: first maxBodyInspect bytes (de-chunked, decompressed if encoded); set at TX_REQUEST_DONE. */
  requestBody: Buffer | undefined = undefined;
  /** Request body bytes after de-chunking (all of them, not only the kept ones). */
  requestBodyLength = 0;
  /** Request line had no protocol: HTTP/0.9. */
  http09 = false;

  // --- response (set at TX_RESPONSE_HEADERS)
  /** Status code; -1 when there is none or it is not 3 digits. */
  statusCode = -1;
  /** Response Content-Length; -1 when absent or invalid. */
  responseContentLength = -1;
  /** `http.response_body` / `file.data`: first maxBodyInspect bytes, decompressed when possible; set at TX_RESPONSE_DONE. */
  responseBody: Buffer | undefined = undefined;
  /** Response body bytes after de-chunking, before decompression. */
  responseBodyLength = 0;
  /** Response message-body bytes on the wire (chunk framing included): EVE `length`. */
  responseMessageLength = 0;
  /** Content codings the kept response body was decoded from ('gzip', 'deflate', 'gzip, deflate', ...), if any. */
  responseBodyDecoded: string | undefined = undefined;

  // --- state
  /** Bytes were lost (gap) or the flow ended before this transaction was complete. */
  truncated = false;
  /** No request was seen for this response. */
  orphan = false;
  /** Names of the anomalies raised on this transaction (`app-layer-event`). */
  events: string[] | undefined = undefined;

  /** @internal parser bookkeeping: kept body bytes, B_* bits */
  _reqBody: Buffer | null = null;
  _reqBodyLen = 0;
  _respBody: Buffer | null = null;
  _respBodyLen = 0;
  /** @internal With reuseBodies: the pooled buffers the finished bodies are views of. */
  _reqRaw: Buffer | null = null;
  _respRaw: Buffer | null = null;
  _bits = 0;

  /** @internal The request head's bytes, and its offsets: _rqI[_rqM + Q_*] (_rqI views _rq's memory). */
  _rq: Buffer | undefined = undefined;
  _rqI: Int32Array | undefined = undefined;
  _rqM = 0;
  /** @internal Path options of `uri` (undefined for CONNECT: the authority as sent). */
  _uriOpts: UriNormalizeOptions | undefined = undefined;
  /** @internal The response head's bytes, and its offsets: _rsI[_rsM + R_*]. */
  _rs: Buffer | undefined = undefined;
  _rsI: Int32Array | undefined = undefined;
  _rsM = 0;

  /** @internal Views created so far (V_* slots; NOT_YET when not computed). */
  _views: (Buffer | undefined)[] | undefined = undefined;
  /** @internal Header lists, built on first use. */
  _rqList: HttpHeader[] | undefined = undefined;
  _rsList: HttpHeader[] | undefined = undefined;

  constructor(readonly id: number) {}

  get proto(): 'http' {
    return 'http';
  }

  // --- request fields

  /** Raw head as received: request line, header lines, blank line (line bounds applied). */
  get requestHead(): Buffer | undefined {
    return this.view(V_REQ_HEAD);
  }
  set requestHead(v: Buffer | undefined) {
    this.setView(V_REQ_HEAD, v);
  }
  /** `http.request_line`: the request line without CRLF. */
  get requestLine(): Buffer | undefined {
    return this.view(V_REQ_LINE);
  }
  set requestLine(v: Buffer | undefined) {
    this.setView(V_REQ_LINE, v);
  }
  /** `http.method`. */
  get method(): Buffer | undefined {
    return this.view(V_METHOD);
  }
  set method(v: Buffer | undefined) {
    this.setView(V_METHOD, v);
  }
  /** `http.uri`: normalised request-target (see http-uri.ts). */
  get uri(): Buffer | undefined {
    return this.view(V_URI);
  }
  set uri(v: Buffer | undefined) {
    this.setView(V_URI, v);
  }
  /** `http.uri.raw`: request-target as sent. */
  get uriRaw(): Buffer | undefined {
    return this.view(V_URI_RAW);
  }
  set uriRaw(v: Buffer | undefined) {
    this.setView(V_URI_RAW, v);
  }
  /** `http.protocol` of the request ("HTTP/1.1"); undefined for HTTP/0.9. */
  get protocol(): Buffer | undefined {
    return this.view(V_PROTOCOL);
  }
  set protocol(v: Buffer | undefined) {
    this.setView(V_PROTOCOL, v);
  }
  /** `http.host`: host from the absolute URI or Host header, lower-cased, port and trailing dots removed. */
  get host(): Buffer | undefined {
    return this.view(V_HOST);
  }
  set host(v: Buffer | undefined) {
    this.setView(V_HOST, v);
  }
  /** `http.host.raw`: Host header value as sent (or the URI's host when there is no Host header). */
  get hostRaw(): Buffer | undefined {
    return this.view(V_HOST_RAW);
  }
  set hostRaw(v: Buffer | undefined) {
    this.setView(V_HOST_RAW, v);
  }
  get userAgent(): Buffer | undefined {
    return this.view(V_UA);
  }
  set userAgent(v: Buffer | undefined) {
    this.setView(V_UA, v);
  }
  get cookie(): Buffer | undefined {
    return this.view(V_COOKIE);
  }
  set cookie(v: Buffer | undefined) {
    this.setView(V_COOKIE, v);
  }
  get contentType(): Buffer | undefined {
    return this.view(V_CONTENT_TYPE);
  }
  set contentType(v: Buffer | undefined) {
    this.setView(V_CONTENT_TYPE, v);
  }
  get referer(): Buffer | undefined {
    return this.view(V_REFERER);
  }
  set referer(v: Buffer | undefined) {
    this.setView(V_REFERER, v);
  }
  get xff(): Buffer | undefined {
    return this.view(V_XFF);
  }
  set xff(v: Buffer | undefined) {
    this.setView(V_XFF, v);
  }
  /** `http.header` (request): "Name: value\r\n" per header, Cookie excluded, duplicates merged. */
  get requestHeaders(): Buffer | undefined {
    return this.view(V_REQ_HEADERS);
  }
  set requestHeaders(v: Buffer | undefined) {
    this.setView(V_REQ_HEADERS, v);
  }
  /** `http.header.raw` (request): header lines as received, through the blank line. */
  get requestHeadersRaw(): Buffer | undefined {
    return this.view(V_REQ_HEADERS_RAW);
  }
  set requestHeadersRaw(v: Buffer | undefined) {
    this.setView(V_REQ_HEADERS_RAW, v);
  }
  get requestHeaderList(): HttpHeader[] {
    let l = this._rqList;
    if (l === undefined) {
      const q = this._rq;
      if (q === undefined) {
        // no request (yet): an orphan response's or a dropped transaction's stays empty
        if (this.orphan || this._detached) return (this._rqList = []);
        return [];
      }
      const I = this._rqI!;
      const m = this._rqM;
      const d = buildHeaderList(q, I[m + Q_H_S]!, I[m + Q_HEAD_E]!, 'cookie');
      l = this._rqList = d.list;
      this.fillView(V_REQ_HEADERS, d.block);
    }
    return l;
  }
  set requestHeaderList(v: HttpHeader[]) {
    this._rqList = v;
  }

  // --- response fields

  get responseHead(): Buffer | undefined {
    return this.view(V_RESP_HEAD);
  }
  set responseHead(v: Buffer | undefined) {
    this.setView(V_RESP_HEAD, v);
  }
  /** `http.response_line`. */
  get responseLine(): Buffer | undefined {
    return this.view(V_RESP_LINE);
  }
  set responseLine(v: Buffer | undefined) {
    this.setView(V_RESP_LINE, v);
  }
  /** Protocol of the status line. */
  get responseProtocol(): Buffer | undefined {
    return this.view(V_RESP_PROTOCOL);
  }
  set responseProtocol(v: Buffer | undefined) {
    this.setView(V_RESP_PROTOCOL, v);
  }
  /** `http.stat_code`: the status token as sent (normally 3 bytes). */
  get statusCodeBuf(): Buffer | undefined {
    return this.view(V_STATUS);
  }
  set statusCodeBuf(v: Buffer | undefined) {
    this.setView(V_STATUS, v);
  }
  /** `http.stat_msg`. */
  get statusMessage(): Buffer | undefined {
    return this.view(V_STATUS_MSG);
  }
  set statusMessage(v: Buffer | undefined) {
    this.setView(V_STATUS_MSG, v);
  }
  /** `http.header` (response): Set-Cookie excluded. */
  get responseHeaders(): Buffer | undefined {
    return this.view(V_RESP_HEADERS);
  }
  set responseHeaders(v: Buffer | undefined) {
    this.setView(V_RESP_HEADERS, v);
  }
  /** `http.header.raw` (response). */
  get responseHeadersRaw(): Buffer | undefined {
    return this.view(V_RESP_HEADERS_RAW);
  }
  set responseHeadersRaw(v: Buffer | undefined) {
    this.setView(V_RESP_HEADERS_RAW, v);
  }
  get responseHeaderList(): HttpHeader[] {
    let l = this._rsList;
    if (l === undefined) {
      const r = this._rs;
      if (r === undefined) return []; // the response may still come
      const I = this._rsI!;
      const m = this._rsM;
      const d = buildHeaderList(r, I[m + R_H_S]!, I[m + R_HEAD_E]!, 'set-cookie');
      l = this._rsList = d.list;
      this.fillView(V_RESP_HEADERS, d.block);
    }
    return l;
  }
  set responseHeaderList(v: HttpHeader[]) {
    this._rsList = v;
  }
  get responseContentType(): Buffer | undefined {
    return this.view(V_RESP_CONTENT_TYPE);
  }
  set responseContentType(v: Buffer | undefined) {
    this.setView(V_RESP_CONTENT_TYPE, v);
  }
  /** `http.location`. */
  get location(): Buffer | undefined {
    return this.view(V_LOCATION);
  }
  set location(v: Buffer | undefined) {
    this.setView(V_LOCATION, v);
  }
  /** `http.server`. */
  get server(): Buffer | undefined {
    return this.view(V_SERVER);
  }
  set server(v: Buffer | undefined) {
    this.setView(V_SERVER, v);
  }
  /** `http.cookie` of the response: Set-Cookie. */
  get setCookie(): Buffer | undefined {
    return this.view(V_SET_COOKIE);
  }
  set setCookie(v: Buffer | undefined) {
    this.setView(V_SET_COOKIE, v);
  }
  /** Response Content-Range (EVE `content_range`). */
  get contentRange(): Buffer | undefined {
    return this.view(V_CONTENT_RANGE);
  }
  set contentRange(v: Buffer | undefined) {
    this.setView(V_CONTENT_RANGE, v);
  }

  // --- parser bookkeeping (bits of _bits)

  /** @internal Content codings of the request body (chain, see contentCodings). */
  get _reqEnc(): number {
    return (this._bits >> B_REQ_ENC_SHIFT) & ENC_MASK;
  }
  set _reqEnc(v: number) {
    this._bits = (this._bits & ~(ENC_MASK << B_REQ_ENC_SHIFT)) | ((v & ENC_MASK) << B_REQ_ENC_SHIFT);
  }
  /** @internal */
  get _respEnc(): number {
    return (this._bits >> B_RESP_ENC_SHIFT) & ENC_MASK;
  }
  set _respEnc(v: number) {
    this._bits = (this._bits & ~(ENC_MASK << B_RESP_ENC_SHIFT)) | ((v & ENC_MASK) << B_RESP_ENC_SHIFT);
  }
  /** @internal */
  get _reqGap(): boolean {
    return (this._bits & B_REQ_GAP) !== 0;
  }
  set _reqGap(v: boolean) {
    this._bits = v ? this._bits | B_REQ_GAP : this._bits & ~B_REQ_GAP;
  }
  /** @internal */
  get _respGap(): boolean {
    return (this._bits & B_RESP_GAP) !== 0;
  }
  set _respGap(v: boolean) {
    this._bits = v ? this._bits | B_RESP_GAP : this._bits & ~B_RESP_GAP;
  }
  /** @internal */
  get _seen100(): boolean {
    return (this._bits & B_SEEN_100) !== 0;
  }
  set _seen100(v: boolean) {
    this._bits = v ? this._bits | B_SEEN_100 : this._bits & ~B_SEEN_100;
  }
  /** @internal */
  get _head(): boolean {
    return (this._bits & B_HEAD) !== 0;
  }
  set _head(v: boolean) {
    this._bits = v ? this._bits | B_HEAD : this._bits & ~B_HEAD;
  }
  /** @internal */
  get _connect(): boolean {
    return (this._bits & B_CONNECT) !== 0;
  }
  set _connect(v: boolean) {
    this._bits = v ? this._bits | B_CONNECT : this._bits & ~B_CONNECT;
  }
  /** @internal */
  get _detached(): boolean {
    return (this._bits & B_DETACHED) !== 0;
  }
  set _detached(v: boolean) {
    this._bits = v ? this._bits | B_DETACHED : this._bits & ~B_DETACHED;
  }

  // --- lazy views

  private view(i: number): Buffer | undefined {
    const c = this._views;
    if (c !== undefined) {
      const v = c[i];
      if (v !== NOT_YET) return v;
    }
    // nothing is cached before the side's head is known (the response may still come)
    if ((i < V_RESP_FIRST ? this._rq : this._rs) === undefined) return undefined;
    const v = this.compute(i);
    this.fillView(i, v);
    return v;
  }

  private setView(i: number, v: Buffer | undefined): void {
    const c = this._views ?? (this._views = new Array<Buffer | undefined>(V_SLOTS).fill(NOT_YET));
    c[i] = v;
  }

  /** @internal Cache a computed view unless the slot was assigned meanwhile. */
  fillView(i: number, v: Buffer | undefined): void {
    const c = this._views ?? (this._views = new Array<Buffer | undefined>(V_SLOTS).fill(NOT_YET));
    if (c[i] === NOT_YET) c[i] = v;
  }

  private compute(i: number): Buffer | undefined {
    if (i >= V_RESP_FIRST) {
      const r = this._rs!;
      const I = this._rsI!;
      const m = this._rsM;
      switch (i) {
        case V_RESP_HEAD:
          return r.subarray(I[m + R_HEAD_S], I[m + R_HEAD_E]);
        case V_RESP_LINE:
          return r.subarray(I[m + R_HEAD_S], I[m + R_SL_E]);
        case V_RESP_PROTOCOL:
          return r.subarray(I[m + R_P_S], I[m + R_P_E]);
        case V_STATUS:
          return r.subarray(I[m + R_SC_S], I[m + R_SC_E]);
        case V_STATUS_MSG:
          return r.subarray(I[m + R_SM_S], I[m + R_SM_E]);
        case V_RESP_HEADERS: {
          const clean = cleanHeaderBlock(r, I[m + R_H_S]!, I[m + R_HEAD_E]!, 'set-cookie');
          if (clean !== null) return clean;
          const d = buildHeaderList(r, I[m + R_H_S]!, I[m + R_HEAD_E]!, 'set-cookie');
          if (this._rsList === undefined) this._rsList = d.list;
          return d.block;
        }
        case V_RESP_HEADERS_RAW:
          return r.subarray(I[m + R_H_S], I[m + R_HEAD_E]);
        case V_RESP_CONTENT_TYPE:
          return this.respValue(r, I, m + R_CONTENT_TYPE, 'content-type');
        case V_LOCATION:
          return this.respValue(r, I, m + R_LOCATION, 'location');
        case V_SERVER:
          return this.respValue(r, I, m + R_SERVER, 'server');
        case V_SET_COOKIE:
          return this.respValue(r, I, m + R_SET_COOKIE, 'set-cookie');
        default:
          return this.respValue(r, I, m + R_CONTENT_RANGE, 'content-range');
      }
    }
    const q = this._rq!;
    const I = this._rqI!;
    const m = this._rqM;
    switch (i) {
      case V_REQ_HEAD:
        return q.subarray(I[m + Q_HEAD_S], I[m + Q_HEAD_E]);
      case V_REQ_LINE:
        return q.subarray(I[m + Q_HEAD_S], I[m + Q_SL_E]);
      case V_METHOD:
        return q.subarray(I[m + Q_M_S], I[m + Q_M_E]);
      case V_URI:
        return this.normalizedUri(q, I, m);
      case V_URI_RAW:
        return q.subarray(I[m + Q_U_S], I[m + Q_U_E]);
      case V_PROTOCOL:
        return I[m + Q_P_S]! >= 0 ? q.subarray(I[m + Q_P_S], I[m + Q_P_E]) : undefined;
      case V_HOST:
        return this.normalizedHost(q, I, m);
      case V_HOST_RAW: {
        const f = I[m + Q_HOST]!;
        if (f & RAW_OWN) return q.subarray(I[m + Q_RAW_S], I[m + Q_RAW_E]);
        return f & RAW_MERGED ? this._views![V_HOST_VALUE] : undefined;
      }
      case V_UA:
        return this.reqValue(q, I, m + Q_UA, 'user-agent');
      case V_COOKIE:
        return this.reqValue(q, I, m + Q_COOKIE, 'cookie');
      case V_CONTENT_TYPE:
        return this.reqValue(q, I, m + Q_CONTENT_TYPE, 'content-type');
      case V_REFERER:
        return this.reqValue(q, I, m + Q_REFERER, 'referer');
      case V_XFF:
        return this.reqValue(q, I, m + Q_XFF, 'x-forwarded-for');
      case V_REQ_HEADERS: {
        const clean = cleanHeaderBlock(q, I[m + Q_H_S]!, I[m + Q_HEAD_E]!, 'cookie');
        if (clean !== null) return clean;
        const d = buildHeaderList(q, I[m + Q_H_S]!, I[m + Q_HEAD_E]!, 'cookie');
        if (this._rqList === undefined) this._rqList = d.list;
        return d.block;
      }
      default:
        return q.subarray(I[m + Q_H_S], I[m + Q_HEAD_E]);
    }
  }

  private reqValue(q: Buffer, I: Int32Array, k: number, name: string): Buffer | undefined {
    const s = I[k]!;
    if (s >= 0) return q.subarray(s, I[k + 1]);
    return s === KV_ABSENT ? undefined : findHeader(this.requestHeaderList, name);
  }

  private respValue(r: Buffer, I: Int32Array, k: number, name: string): Buffer | undefined {
    const s = I[k]!;
    if (s >= 0) return r.subarray(s, I[k + 1]);
    return s === KV_ABSENT ? undefined : findHeader(this.responseHeaderList, name);
  }

  /**
   * `http.uri` (CONNECT: the authority as sent): a view of the target as sent when
   * normalising changes nothing (the usual case), else a buffer of its own.
   */
  private normalizedUri(q: Buffer, I: Int32Array, m: number): Buffer {
    const us = I[m + Q_U_S]!;
    const ue = I[m + Q_U_E]!;
    const opts = this._uriOpts;
    if (opts === undefined) return q.subarray(us, ue);
    const p = URI_PARTS;
    splitUri(q, us, ue, p, false);
    if (URI_SCRATCH.length < ue - us + 1) {
      URI_SCRATCH = Buffer.allocUnsafe(Math.max(2 * URI_SCRATCH.length, ue - us + 1));
    }
    const n = normalizeUriInto(q, p, URI_SCRATCH, 0, opts);
    if (n === ue - us && URI_SCRATCH.compare(q, us, ue, 0, n) === 0) return q.subarray(us, ue);
    return Buffer.from(URI_SCRATCH.subarray(0, n));
  }

  /** `http.host`: lower-cased and without trailing dots; a view of the bytes as sent when that is what they are. */
  private normalizedHost(q: Buffer, I: Int32Array, m: number): Buffer | undefined {
    const f = I[m + Q_HOST]!;
    if ((f & (HOST_OWN | HOST_MERGED)) === 0) return undefined;
    const src = f & HOST_OWN ? q : this._views![V_HOST_VALUE]!;
    const s = I[m + Q_HOST_S]!;
    let e = I[m + Q_HOST_E]!;
    while (e > s && src[e - 1] === 0x2e) e--;
    let upper = false;
    for (let i = s; i < e && !upper; i++) {
      const c = src[i]!;
      upper = c >= 0x41 && c <= 0x5a;
    }
    if (!upper) return src.subarray(s, e);
    const out = Buffer.allocUnsafe(e - s);
    normalizeHostInto(src, s, e, out, 0);
    return out;
  }

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
    const host = this.host;
    if (host !== undefined) o.hostname = str(host);
    if (this.port > 0) o.http_port = this.port;
    const uriRaw = this.uriRaw;
    if (uriRaw !== undefined) o.url = str(uriRaw);
    const ua = this.userAgent;
    if (ua !== undefined) o.http_user_agent = str(ua);
    const xff = this.xff;
    if (xff !== undefined) o.xff = str(xff);
    // Suricata logs the response's media type here, parameters cut at ';'
    const ct = this.responseContentType;
    if (ct !== undefined) {
      const semi = ct.indexOf(0x3b);
      o.http_content_type = str(semi >= 0 ? trimRight(ct.subarray(0, semi)) : ct);
    }
    const referer = this.referer;
    if (referer !== undefined) o.http_refer = str(referer);
    const method = this.method;
    if (method !== undefined) o.http_method = str(method);
    const protocol = this.protocol;
    if (protocol !== undefined) o.protocol = str(protocol);
    if (this.statusCode >= 0) o.status = this.statusCode;
    else {
      const sc = this.statusCodeBuf;
      if (sc !== undefined && sc.length > 0) o.status_string = str(sc);
    }
    const location = this.location;
    if (location !== undefined) o.redirect = str(location);
    o.length = this.responseMessageLength;
    const cr = this.contentRange;
    if (cr !== undefined) o.content_range = contentRange(cr);
    const h = opts?.headers;
    if (h === true || h === 'request') {
      const list = this.requestHeaderList;
      if (list.length > 0) o.request_headers = list.map((x) => ({ name: str(x.name), value: str(x.value) }));
    }
    if (h === true || h === 'response') {
      const list = this.responseHeaderList;
      if (list.length > 0) o.response_headers = list.map((x) => ({ name: str(x.name), value: str(x.value) }));
    }
    return o;
  }
}

/** Scratch for splitting a request-target (the parser is synchronous: one is enough). */
const URI_PARTS = new UriParts();
/** Scratch output of normalizeUriInto. */
let URI_SCRATCH = Buffer.allocUnsafe(256);
/** Anomalies held while a head is finished (see HttpState.hold). */
const HELD: string[] = [];
/** Scratch results of parseHostPortInto. */
const HP1: HostPort = { hostStart: 0, hostEnd: 0, port: -1, invalid: false };
const HP2: HostPort = { hostStart: 0, hostEnd: 0, port: -1, invalid: false };

// Bytes transactions own. Each head is copied once into a region of a shared slab, like
// Node's Buffer pool (same size, so a long-lived transaction keeps no more memory alive than
// a pooled Buffer would) but without a Buffer object per region: a transaction keeps the
// slab, an Int32Array over it and the index of its offsets, and makes views on demand. A
// slab is freed when no transaction uses it any more; a head too large for a slab gets a
// buffer of its own.
const SLAB_SIZE = 8 * 1024;
let slab: Buffer | null = null;
let slabI32: Int32Array = new Int32Array(0);
let slabUsed = 0;
/** The region ownRoom returned last: its buffer, an Int32Array over it, its first byte. */
let OWN: Buffer = EMPTY;
let OWN_I32: Int32Array = slabI32;
let OWN_AT = 0;

/**
 * Room for n bytes and then `slots` Int32 slots a transaction owns: bytes OWN[at, at + n),
 * slots OWN_I32[returned index, + slots). Returns the index of the first slot; `at` is
 * OWN_AT.
 */
function ownRoom(n: number, slots: number): number {
  const size = ((n + 3) & ~3) + slots * 4;
  if (size > SLAB_SIZE >> 1) {
    OWN = Buffer.allocUnsafeSlow(size);
    OWN_I32 = new Int32Array(OWN.buffer, OWN.byteOffset, size >> 2);
    OWN_AT = 0;
    return (size >> 2) - slots;
  }
  if (slab === null || slabUsed + size > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabI32 = new Int32Array(slab.buffer, slab.byteOffset, SLAB_SIZE >> 2);
    slabUsed = 0;
  }
  OWN = slab;
  OWN_I32 = slabI32;
  OWN_AT = slabUsed;
  slabUsed += size;
  return (slabUsed >> 2) - slots;
}

/** The value of the first header named `name` (ASCII case-insensitive), or undefined. */
export function findHeader(list: readonly HttpHeader[], name: string): Buffer | undefined {
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

/**
 * Is there a CR in the head b[s, e) (which ends with a LF) that is not followed by a LF?
 * Native indexOf from CR to CR when the head uses CRLF; a loop when it does not (indexOf
 * could run far past e).
 */
function hasLoneCr(b: Buffer, s: number, e: number): boolean {
  const first = b.indexOf(LF, s);
  if (first > s && first < e && b[first - 1] === CR) {
    let i = b.indexOf(CR, s);
    while (i >= 0 && i < e) {
      if (i + 1 >= e || b[i + 1] !== LF) return true;
      if (i + 2 >= e) return false;
      i = b.indexOf(CR, i + 2);
    }
    return false;
  }
  for (let i = s; i < e; i++) if (b[i] === CR && (i + 1 >= e || b[i + 1] !== LF)) return true;
  return false;
}

/**
 * Does the response line h[s, e) start like a status line, as libhtp tells one from body:
 * white space and NUL bytes, then "http" in any case.
 */
function looksHttp(h: Uint8Array, s: number, e: number): boolean {
  let p = s;
  while (p < e && (isLineSpace(h[p]!) || h[p] === LF || h[p] === 0)) p++;
  return (
    e - p >= 4 && upper(h[p]!) === 0x48 && upper(h[p + 1]!) === 0x54 && upper(h[p + 2]!) === 0x54 && upper(h[p + 3]!) === 0x50
  );
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

// Content codings (Content-Encoding), as libhtp reads them: a value that is exactly one known
// coding (case-insensitive, NUL bytes ignored) is that coding; anything else is split on ','
// and ' ' into at most `layerLimit` codings (libhtp's response-body-decompress-layer-limit),
// each one gzip when it contains "gzip", deflate when it contains "deflate", lzma / br when it
// is exactly that, and no coding otherwise (identity, inflate, none, unknown: passed through).
// The chain keeps the codings in the order listed, 3 bits each (ENC_*), at most MAX_LAYERS.

const MAX_LAYERS = 3;
const ENC_BITS = 3;
const ENC_MASK = (1 << (ENC_BITS * MAX_LAYERS)) - 1;
const ENC_NAMES = ['', 'gzip', 'deflate', 'br', 'lzma'];

const GZIP = Buffer.from('gzip', 'latin1');
const DEFLATE = Buffer.from('deflate', 'latin1');

/** Is v[s, e), NUL bytes skipped, equal to `word` case-insensitively? */
function wordIs(v: Uint8Array, s: number, e: number, word: string): boolean {
  let j = 0;
  for (let i = s; i < e; i++) {
    const c = v[i]!;
    if (c === 0) continue;
    if (j >= word.length || LOWER[c] !== word.charCodeAt(j)) return false;
    j++;
  }
  return j === word.length;
}

/** Does v[s, e) contain `word` (lower-case bytes), case-insensitively? */
function containsWord(v: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  const n = word.length;
  outer: for (let i = s; i + n <= e; i++) {
    for (let k = 0; k < n; k++) if (LOWER[v[i + k]!] !== word[k]) continue outer;
    return true;
  }
  return false;
}

/** Bytes libhtp trims around a header value (its is_space). */
function isHtpSpace(c: number): boolean {
  return c === SP || (c >= 0x09 && c <= 0x0d);
}

/** The chain of codings of a Content-Encoding value v[s, e) (see above); 0: none. */
export function contentCodings(v: Uint8Array, s: number, e: number, layerLimit: number): number {
  while (s < e && isHtpSpace(v[s]!)) s++;
  while (e > s && isHtpSpace(v[e - 1]!)) e--;
  if (e <= s) return ENC_NONE;
  if (wordIs(v, s, e, 'gzip') || wordIs(v, s, e, 'x-gzip')) return ENC_GZIP;
  if (wordIs(v, s, e, 'deflate') || wordIs(v, s, e, 'x-deflate')) return ENC_DEFLATE;
  if (wordIs(v, s, e, 'lzma')) return ENC_LZMA;
  if (wordIs(v, s, e, 'br')) return ENC_BR;
  if (wordIs(v, s, e, 'inflate') || wordIs(v, s, e, 'none')) return ENC_NONE;
  let chain = 0;
  let n = 0;
  let layers = 0;
  let a = s;
  while (a < e) {
    let b = a;
    while (b < e && v[b] !== 0x2c && v[b] !== SP) b++;
    if (b > a) {
      if (++layers > layerLimit) break;
      let enc = ENC_NONE;
      if (containsWord(v, a, b, GZIP)) enc = ENC_GZIP;
      else if (containsWord(v, a, b, DEFLATE)) enc = ENC_DEFLATE;
      else if (bytesEq(v, a, b, 'lzma')) enc = ENC_LZMA;
      else if (bytesEq(v, a, b, 'br')) enc = ENC_BR;
      if (enc !== ENC_NONE && n < MAX_LAYERS) chain |= enc << (ENC_BITS * n++);
    }
    a = b + 1;
  }
  return chain;
}

/** Names of the codings of a chain, in the order listed ("gzip, deflate"). */
function chainNames(chain: number): string {
  let s = '';
  for (let i = 0; i < MAX_LAYERS; i++) {
    const enc = (chain >> (ENC_BITS * i)) & 7;
    if (enc === ENC_NONE) break;
    s += s === '' ? ENC_NAMES[enc] : `, ${ENC_NAMES[enc]}`;
  }
  return s;
}

// Decoders tried for a coding, in order (libhtp restarts a failing decoder as the next one,
// gzip -> deflate -> zlib -> gzip, and passes the data through when none works). "gzip" is
// decoded by reading the gzip header here and inflating what follows: the header's CRC, the
// trailer's CRC and size and anything after the deflate stream are not checked (browsers
// ignore them, and so does libhtp). lzma is not available in node: its data goes through the
// other decoders, then through as is.
const D_GZIP = 1;
const D_RAW = 2;
const D_ZLIB = 3;
const D_BR = 4;
const DECODERS: readonly (readonly number[])[] = [
  [],
  [D_GZIP, D_RAW, D_ZLIB], // ENC_GZIP
  [D_RAW, D_ZLIB, D_GZIP], // ENC_DEFLATE
  [D_BR, D_RAW, D_ZLIB, D_GZIP], // ENC_BR
  [D_RAW, D_ZLIB, D_GZIP], // ENC_LZMA
];

/**
 * End of the gzip header (RFC 1952 2.3) at the start of b: the offset of the deflate data,
 * -1 when b does not start like a gzip member, -2 when the header is cut short.
 */
export function gzipHeaderEnd(b: Uint8Array): number {
  const n = b.length;
  if (n < 3) return n === 0 || (b[0] === 0x1f && (n === 1 || b[1] === 0x8b)) ? -2 : -1;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 0x08) return -1;
  if (n < 10) return -2;
  const flags = b[3]!;
  let p = 10;
  if (flags & 4) {
    // FEXTRA: 2-byte length, then the field
    if (p + 2 > n) return -2;
    p += 2 + (b[p]! | (b[p + 1]! << 8));
  }
  for (let bit = 8; bit <= 16; bit <<= 1) {
    // FNAME, FCOMMENT: zero-terminated
    if ((flags & bit) === 0) continue;
    while (p < n && b[p] !== 0) p++;
    if (p >= n) return -2;
    p++;
  }
  if (flags & 2) p += 2; // FHCRC
  return p <= n ? p : -2;
}

/** One decoding attempt: the output, 'big' when it would exceed `limit`, null when the data is bad. */
function decodeOnce(input: Buffer, d: number, limit: number): Buffer | 'big' | null {
  const opts = { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: limit };
  try {
    switch (d) {
      case D_GZIP: {
        const h = gzipHeaderEnd(input);
        if (h === -2) return EMPTY; // not all of the header yet: nothing to output
        return h < 0 ? null : inflateRawSync(input.subarray(h), opts);
      }
      case D_RAW:
        return inflateRawSync(input, opts);
      case D_ZLIB:
        return inflateSync(input, opts);
      default:
        return brotliDecompressSync(input, { finishFlush: zc.BROTLI_OPERATION_FLUSH, maxOutputLength: limit });
    }
  } catch (e) {
    return e instanceof RangeError ? 'big' : null;
  }
}

function cut(b: Buffer, max: number): Buffer {
  return b.length <= max ? b : Buffer.from(b.subarray(0, max));
}

/**
 * The first `limit` bytes (about) of the decoding of raw, whose full decoding is larger.
 * zlib's sync API cannot stop early, so the longest input prefix that fits is searched for
 * (doubling from 1 KiB, then bisecting), stopping as soon as `want` bytes come out: the work
 * stays a small multiple of `limit` whatever the compression ratio (deflate's ratio is at
 * most ~1032:1, so a prefix within one byte of the bound exists).
 */
function decodeBig(raw: Buffer, d: number, limit: number, want: number): Buffer {
  let best: Buffer | null = null;
  let lo = 0; // longest prefix known to fit
  let hi = raw.length; // shortest prefix known not to fit
  let p = Math.min(1024, raw.length >> 1);
  for (let attempt = 0; attempt < 40 && hi - lo > 1 && p > lo && p < hi; attempt++) {
    const r = decodeOnce(raw.subarray(0, p), d, limit);
    if (r === null) break;
    if (r === 'big') {
      hi = p;
    } else {
      lo = p;
      best = r;
      if (r.length >= want) break;
    }
    p = hi === raw.length && r !== 'big' ? Math.min(p * 2, hi - 1) : (lo + hi) >>> 1;
  }
  return best ?? EMPTY;
}

/**
 * Decode raw with decoder d, at most about `limit` bytes out; null when the data is bad. With
 * `partial`, data that goes bad part way gives what decoded before the bad part (zlib stops
 * at the first bad byte, so every longer prefix fails too: the longest good prefix is
 * bisected for), and null only when nothing decodes.
 */
function decodeWith(raw: Buffer, d: number, limit: number, want: number, partial: boolean): Buffer | null {
  const r = decodeOnce(raw, d, limit);
  if (r === 'big') return decodeBig(raw, d, limit, want);
  if (r !== null || !partial) return r;
  let lo = 0;
  let hi = raw.length;
  let best: Buffer | null = null;
  for (let attempt = 0; attempt < 40 && hi - lo > 1; attempt++) {
    const p = (lo + hi) >>> 1;
    const q = decodeOnce(raw.subarray(0, p), d, limit);
    if (q === null) hi = p;
    else if (q === 'big') return decodeBig(raw.subarray(0, p), d, limit, want);
    else {
      lo = p;
      best = q;
    }
  }
  return best !== null && best.length > 0 ? best : null;
}

/** decodeBody's result: the bytes, and which codings decoded / which did not. */
interface Decoded {
  out: Buffer;
  /** Chain of the codings that decoded (listed order). */
  decoded: number;
  /** A coding did not decode: its data went through as it was. */
  failed: boolean;
}

const DECODED: Decoded = { out: EMPTY, decoded: 0, failed: false };

/**
 * Decode a content-coded body for inspection: its first `max` bytes at most, undoing the
 * codings of `chain` from the last listed to the first. Truncated input is fine (sync
 * flush). A coding none of whose decoders works is passed through (libhtp).
 */
function decodeBody(raw: Buffer, chain: number, max: number): Decoded {
  const limit = Math.max(4 * max, max + 8192);
  let data = raw;
  let decoded = 0;
  let failed = false;
  for (let i = MAX_LAYERS - 1; i >= 0; i--) {
    const enc = (chain >> (ENC_BITS * i)) & 7;
    if (enc === ENC_NONE) continue;
    let out: Buffer | null = null;
    // libhtp keeps what its first decoder gave before an error; a decoder it restarts with
    // has to decode the data without error (what it gave before failing is dropped)
    const ds = DECODERS[enc]!;
    for (let k = 0; k < ds.length && out === null; k++) out = decodeWith(data, ds[k]!, limit, max, k === 0);
    if (out === null) failed = true;
    else {
      data = out;
      decoded |= enc << (ENC_BITS * i);
    }
  }
  DECODED.out = cut(data, max);
  DECODED.decoded = decoded;
  DECODED.failed = failed;
  return DECODED;
}

// ---------------------------------------------------------------------------------------------
// Header fields
//
// Two readers of the same header lines, which must agree:
//   * HttpState.scanFields, on the hot path when a head completes: raises the field anomalies
//     and finds the values the parser and the common fields need as offsets, allocating
//     nothing (values folded over lines or merged from repeated headers are only flagged);
//   * buildHeaderList, on first use of a header list or `http.header` (or when a value the
//     parser needs is flagged): the merged {name, value} list and the `http.header` block.

/** Latin-1 lower-casing, as String.prototype.toLowerCase does it (A-Z, and À-Þ but ×). */
const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  LOWER[c] = (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 0x20 : c;
}

/** Hash of a header name as compared (lower-cased). */
function nameHash(h: Uint8Array, s: number, e: number): number {
  let x = 0;
  for (let i = s; i < e; i++) x = (Math.imul(x, 31) + LOWER[h[i]!]!) | 0;
  return x;
}

// Header values scanFields reports (KV_S / KV_E slots)
const K_HOST = 0;
const K_UA = 1;
const K_COOKIE = 2;
const K_CONTENT_TYPE = 3;
const K_REFERER = 4;
const K_XFF = 5;
const K_CONTENT_LENGTH = 6;
const K_TRANSFER_ENCODING = 7;
const K_CONTENT_ENCODING = 8;
const K_LOCATION = 9;
const K_SERVER = 10;
const K_SET_COOKIE = 11;
const K_CONTENT_RANGE = 12;
const KNOWN_NAMES = [
  'host',
  'user-agent',
  'cookie',
  'content-type',
  'referer',
  'x-forwarded-for',
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'location',
  'server',
  'set-cookie',
  'content-range',
];
const KNOWN_BYTES = KNOWN_NAMES.map((n) => Buffer.from(n, 'latin1'));
const KNOWN_HASH = Int32Array.from(KNOWN_BYTES, (b) => nameHash(b, 0, b.length));

/** KNOWN_SLOT[hash & KNOWN_MASK] = known id + 1 (0: none); the smallest table without collisions. */
let KNOWN_MASK = 15;
let KNOWN_SLOT = new Int8Array(16);
for (;;) {
  KNOWN_SLOT = new Int8Array(KNOWN_MASK + 1);
  let ok = true;
  for (let k = 0; k < KNOWN_HASH.length && ok; k++) {
    const i = KNOWN_HASH[k]! & KNOWN_MASK;
    if (KNOWN_SLOT[i] !== 0) ok = false;
    KNOWN_SLOT[i] = k + 1;
  }
  if (ok) break;
  KNOWN_MASK = KNOWN_MASK * 2 + 1;
}

/** Which known header h[s, s + len) is (case-insensitively), or -1. */
function knownHeader(h: Uint8Array, s: number, len: number, hash: number): number {
  const k = KNOWN_SLOT[hash & KNOWN_MASK]! - 1;
  if (k < 0 || KNOWN_HASH[k] !== hash) return -1;
  const n = KNOWN_BYTES[k]!;
  if (n.length !== len) return -1;
  for (let i = 0; i < len; i++) if (LOWER[h[s + i]!] !== n[i]) return -1;
  return k;
}

/** Values found by scanFields: [KV_S, KV_E) into the scanned buffer, or KV_ABSENT / KV_COMPLEX in KV_S. */
const KV_S = new Int32Array(KNOWN_NAMES.length);
const KV_E = new Int32Array(KNOWN_NAMES.length);

/** scanFields scratch (the parser is synchronous: one is enough). */
const SCAN = {
  /** Fields seen so far in this head: lower-cased name hash, name start, name length, known id (-1). */
  hash: new Int32Array(64),
  start: new Int32Array(64),
  len: new Int32Array(64),
  known: new Int32Array(64),
  count: 0,
  repetitions: 0,
  /** Continuation lines of the field being read: [start, end) pairs in folds[0, nFolds). */
  folds: [] as number[],
  nFolds: 0,
  /** Value of the first Content-Length: one range, or its parts when folded. */
  clS: 0,
  clE: 0,
  clParts: null as number[] | null,
};

function growScan(): void {
  const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  SCAN.hash = grow(SCAN.hash);
  SCAN.start = grow(SCAN.start);
  SCAN.len = grow(SCAN.len);
  SCAN.known = grow(SCAN.known);
}

/** Store the known value K_* as a transaction's slot pair at I[k], offsets moved by d. */
function ownValue(I: Int32Array, k: number, known: number, d: number): void {
  const s = KV_S[known]!;
  I[k] = s >= 0 ? s + d : s;
  I[k + 1] = KV_E[known]! + d;
}

/** Header list and `http.header` block built from a head. */
interface HeaderData {
  list: HttpHeader[];
  block: Buffer | undefined;
}

/**
 * Header lines of h[from, end) (through the blank line) -> merged {name, value} list (libhtp:
 * repeated names joined by ", ", a repeated Content-Length dropped, past MAX_REPETITIONS
 * repetitions dropped) and the `http.header` block: "Name: value\r\n" per header without
 * `excluded` (the cookie header). Everything is written into one new buffer: the block, then
 * the excluded header; names and values are views of it. No anomalies: scanFields raised them.
 */
/** Most header lines cleanHeaderBlock follows before leaving a head to buildHeaderList. */
const CLEAN_MAX_LINES = 64;
const CLEAN_NAME_HASH = new Int32Array(CLEAN_MAX_LINES);

/**
 * buildHeaderList's `block` for a head already in normal form, without building the list:
 * every field is `Name: value` with one space after the colon and none before it or after
 * the value, lines end in CRLF, nothing is folded and no name repeats. The block is then the
 * head's own lines less the excluded field (`excluded`: its lower-case name): a view of `h`
 * when that field is absent, else one copy. null when the head needs buildHeaderList.
 * Exported for the differential test.
 */
export function cleanHeaderBlock(h: Buffer, from: number, end: number, excluded: string): Buffer | undefined | null {
  let p = from;
  let n = 0;
  let exS = -1;
  let exE = -1;
  for (;;) {
    const lf = findLF(h, p, end);
    if (lf < 0 || lf === p || h[lf - 1] !== CR) return null;
    const le = lf - 1;
    if (le === p) break; // the blank line
    if (n === CLEAN_MAX_LINES || isWs(h[p]!)) return null;
    let colon = p;
    let hash = 0x811c9dc5;
    while (colon < le && h[colon] !== COLON) {
      const c = h[colon]!;
      hash = Math.imul(hash ^ (c >= 0x41 && c <= 0x5a ? c + 0x20 : c), 0x01000193);
      colon++;
    }
    if (colon === p || colon + 2 >= le || isWs(h[colon - 1]!) || h[colon + 1] !== SP) return null;
    if (isWs(h[colon + 2]!) || isWs(h[le - 1]!)) return null;
    for (let k = 0; k < n; k++) if (CLEAN_NAME_HASH[k] === hash) return null; // maybe repeated: merge
    CLEAN_NAME_HASH[n++] = hash;
    if (colon - p === excluded.length && nameIs(h, p, colon, excluded)) {
      exS = p;
      exE = lf + 1;
    }
    p = lf + 1;
  }
  if (exS < 0) return p > from ? h.subarray(from, p) : undefined;
  const len = p - from - (exE - exS);
  if (len === 0) return undefined;
  const out = Buffer.allocUnsafe(len);
  h.copy(out, 0, from, exS);
  h.copy(out, exS - from, exE, p);
  return out;
}

/** Is h[s, e) the lower-case ASCII name `lower`, ignoring case? */
function nameIs(h: Uint8Array, s: number, e: number, lower: string): boolean {
  for (let i = s; i < e; i++) {
    const c = h[i]!;
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(i - s)) return false;
  }
  return true;
}

/** Exported for the differential test of cleanHeaderBlock. */
export function buildHeaderList(h: Buffer, from: number, end: number, excluded: string): HeaderData {
  const raw: number[][] = [];
  let p = from;
  while (p < end) {
    let lf = findLF(h, p, end);
    if (lf < 0) lf = end;
    let le = lf;
    if (le > p && h[le - 1] === CR) le--;
    if (le === p) break; // the blank line
    if (isWs(h[p]!)) {
      // obs-fold: continuation of the previous field
      if (raw.length === 0) {
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
    let colon = -1;
    for (let i = a; i < b; i++) {
      if (h[i] === COLON) {
        colon = i;
        break;
      }
    }
    let nameE = a;
    const parts = segs.slice();
    if (colon >= 0) {
      nameE = colon;
      while (nameE > a && isWs(h[nameE - 1]!)) nameE--;
      parts[0] = colon + 1;
    }
    trimParts(h, parts);
    const lname = h.toString('latin1', a, nameE).toLowerCase();
    const prev = byName.get(lname);
    if (prev !== undefined) {
      if (lname === 'content-length') continue; // a repeated Content-Length is not joined
      if (++repetitions > MAX_REPETITIONS) continue;
      prev.parts.push(-1, -1, ...parts);
      prev.valueLen += 2 + partsLen(parts);
      continue;
    }
    const entry: Entry = { lname, nameS: a, nameE, parts, valueLen: partsLen(parts) };
    list.push(entry);
    byName.set(lname, entry);
  }

  let size = 0;
  for (const e of list) size += e.nameE - e.nameS + 4 + e.valueLen;
  const buf = Buffer.allocUnsafe(size);
  const out: HttpHeader[] = new Array(list.length);
  let o = 0;
  let headersEnd = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if ((e.lname === excluded) !== (pass === 1)) continue;
      const n0 = o;
      o += h.copy(buf, o, e.nameS, e.nameE);
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
          o += h.copy(buf, o, ps, parts[k + 1]!);
        }
      }
      const v1 = o;
      buf[o++] = CR;
      buf[o++] = LF;
      out[i] = { name: buf.subarray(n0, n1), value: buf.subarray(v0, v1) };
    }
    if (pass === 0) headersEnd = o;
  }
  return { list: out, block: headersEnd > 0 ? buf.subarray(0, headersEnd) : undefined };
}

interface Entry {
  lname: string;
  nameS: number;
  nameE: number;
  /** Value as [start, end) ranges into the head; (-1, -1) stands for the ", " joining duplicates. */
  parts: number[];
  valueLen: number;
}

function partsLen(parts: number[]): number {
  let n = 0;
  for (let k = 0; k < parts.length; k += 2) n += parts[k]! < 0 ? 2 : parts[k + 1]! - parts[k]!;
  return n;
}

/** Trim leading and trailing SP/HT across the ranges (in place). */
function trimParts(h: Uint8Array, parts: number[]): void {
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

/** Do the ranges hold the same bytes once concatenated? */
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

function rangeEq(h: Uint8Array, as: number, ae: number, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (h[as + i] !== h[bs + i]) return false;
  return true;
}

/** Same host, compared as `http.host` is normalised (lower-case, trailing dots cut)? */
function hostEquals(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  while (ae > as && a[ae - 1] === 0x2e) ae--;
  while (be > bs && b[be - 1] === 0x2e) be--;
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) {
    let c = a[as + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    let d = b[bs + i]!;
    if (d >= 0x41 && d <= 0x5a) d += 0x20;
    if (c !== d) return false;
  }
  return true;
}

const CHUNKED = Buffer.from('chunked', 'latin1');
const CR_BYTE = Buffer.from([CR]);

/**
 * Does the Transfer-Encoding value v[s, e) say chunked? libhtp: it contains "chunked",
 * case-insensitively, NUL bytes skipped ("gzip, chunked", "\0chunked", "xchunked").
 */
export function hasChunked(v: Uint8Array, s: number, e: number): boolean {
  const n = CHUNKED.length;
  for (let i = s; i < e; i++) {
    let j = 0;
    for (let k = i; k < e && j < n; k++) {
      const c = v[k]!;
      if (c === 0) continue;
      if (LOWER[c] !== CHUNKED[j]) break;
      j++;
    }
    if (j === n) return true;
  }
  return false;
}

/**
 * Index of the first LF in buf[pos, end), or -1. Native indexOf (memchr) is much faster
 * than a loop in JS even for short lines, but it only stops at the end of `buf`: callers
 * pass a buffer that ends near `end` (see HttpState.parse) or a head known to hold the LF.
 */
function findLF(buf: Buffer, pos: number, end: number): number {
  if (pos >= end) return -1;
  const i = buf.indexOf(LF, pos);
  return i < end ? i : -1;
}

/** Starts of the header lines of the head being finished, then the start of its blank line. */
let LINES = new Int32Array(64);

/** Fill LINES with the lines of h[from, end) up to the blank line; returns how many (blank included). */
function splitLines(h: Buffer, from: number, end: number): number {
  let n = 0;
  let p = from;
  while (p < end) {
    let lf = findLF(h, p, end);
    if (lf < 0) lf = end;
    if (n === LINES.length) growLines();
    LINES[n++] = p;
    if (lf === p || (lf === p + 1 && h[p] === CR)) return n;
    p = lf + 1;
  }
  // no blank line (a head cut by the close): `end` stands for its start
  if (n === LINES.length) growLines();
  LINES[n++] = end;
  return n;
}

function growLines(): void {
  const b = new Int32Array(LINES.length * 2);
  b.set(LINES);
  LINES = b;
}

// ---------------------------------------------------------------------------------------------
// Parser

export interface HttpParserOptions {
  limits?: Partial<AppLimits>;
  /** Path decoding options of `http.uri` (default: libhtp's defaults, URI_LIBHTP_DEFAULTS). */
  uri?: UriNormalizeOptions;
  /** Decode gzip/deflate/br bodies for inspection (default true). */
  decompress?: boolean;
  /**
   * Most content codings undone per body (libhtp's response-body-decompress-layer-limit;
   * default 3, at most 3): a Content-Encoding listing more is decoded up to there.
   */
  decompressLayers?: number;
  /** Ports selecting HTTP without probing (default HTTP_DEFAULT_PORTS). */
  ports?: readonly number[];
  /**
   * Bodies are read only while their transaction reports progress (default false): once a
   * transaction is complete, its `requestBody` and `responseBody` are cleared and their memory
   * is reused for later bodies. A fresh buffer per body costs more than copying the bytes
   * into it (the pages are new to the process); the flow engine sets this for the pipeline.
   */
  reuseBodies?: boolean;
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
  /** Content coding layer limit. */
  layers: number;
  reuseBodies: boolean;
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
  /** End of a start line cut by maxLineLength (allocated when first needed). */
  tail: Buffer | null = null;
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
  /** Response side: a line that is not a status line waits in `head` (see resolveJunk). */
  junk = false;
  /** Response side: the transaction junk lines went to as body (its status line may follow). */
  junkTx: HttpTx | null = null;
  /** Response side: the current run of junk lines was reported. */
  junkRun = false;
  /** Response head: the bytes so far end with a CR (CRLF, or a lone CR ending the line?). */
  crEnd = false;
  /** Response head: the last line ended with a bare LF (a CR right after it is part of it). */
  afterLf = false;
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
    // Head and trailer lines are searched with indexOf, which must not scan far past `end` in
    // a large shared buffer (a capture or reassembly chunk): in a view ending at `end`, made
    // when first needed, unless little follows `end` or the bytes end with a LF (no search
    // can pass it). Body bytes are not looked at.
    let lb: Buffer | null = null;
    let pos = off;
    while (pos < end) {
      const st = s.state;
      const before = pos;
      const cur = s.tx;
      switch (st) {
        case ST_HEAD:
          if (lb === null) lb = buf.length - end <= 4096 || buf[end - 1] === LF ? buf : buf.subarray(0, end);
          pos = this.headBytes(s, lb, pos, end);
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
          // libhtp: whatever follows the data, up to and including a LF (normally CRLF)
          while (pos < end && buf[pos] !== LF) pos++;
          if (pos < end) {
            pos++;
            s.state = ST_CHUNK_SIZE;
          }
          break;
        }
        case ST_TRAILER:
          if (lb === null) lb = buf.length - end <= 4096 || buf[end - 1] === LF ? buf : buf.subarray(0, end);
          pos = this.trailerBytes(s, lb, pos, end);
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

  closeDirection(dir: Direction): void {
    const s = this.sides[dir];
    if (s.state === ST_DEAD) return;
    // libhtp finishes a head cut by the close, and a response body delimited by it.
    this.closeHead(s);
    if (dir === TO_CLIENT && s.tx !== null && s.state === ST_BODY_CLOSE) {
      this.messageDone(s, false);
      s.state = ST_DEAD;
    }
  }

  end(): void {
    const req = this.sides[TO_SERVER];
    const resp = this.sides[TO_CLIENT];
    this.closeHead(req);
    this.closeHead(resp);
    if (req.tx !== null && req.state !== ST_HEAD) this.messageDone(req, true);
    if (resp.tx !== null) this.messageDone(resp, resp.state !== ST_BODY_CLOSE);
    const left: HttpTx[] = [];
    if (resp.interim !== null) left.push(resp.interim);
    if (resp.junkTx !== null) left.push(resp.junkTx);
    if (req.tx !== null) left.push(req.tx);
    left.push(...this.pending);
    for (const tx of left) this.closeTx(tx);
    this.pending.length = 0;
    req.tx = resp.tx = resp.interim = resp.junkTx = null;
    req.state = resp.state = ST_DEAD;
    req.head = resp.head = null;
  }

  /**
   * The connection closes inside a head whose start line was read: libhtp takes the header
   * lines so far (the last one even without its LF) as the whole head.
   */
  private closeHead(s: Side): void {
    if (s.state !== ST_HEAD || s.strict) return;
    s.crEnd = false; // a CR at the very end ends its line
    if (!s.startDone && s.dir === TO_CLIENT) {
      // libhtp: a response line cut by the close is still a line (body unless a status line)
      if (s.junk) this.resolveJunk(s, -1);
      else if (s.lineLen > 0 && !s.lineSkip && (s.pend & P_LONG) === 0) {
        if (!looksHttp(s.head!, s.lineStart, s.headLen)) {
          s.junk = true;
          this.resolveJunk(s, -1);
        } else {
          this.appendByte(s, LF);
          if (this.parseStatusLine(s, s.head!, s.lineStart, this.startLineEnd(s)) !== SL_BAD) {
            s.startDone = true;
            s.lines = 1;
            s.lineLen = 0;
          }
        }
      }
      const jt = s.junkTx;
      if (!s.startDone && jt !== null) {
        // body and nothing else: the response is complete
        s.junkTx = null;
        this.raise(jt, TX_RESPONSE_HEADERS, TO_CLIENT);
        this.finishResponseBody(jt);
      }
    }
    if (!s.startDone) return;
    if (s.lineLen > 0 && !s.lineSkip) {
      if (s.lineDrop) s.pend |= s.lines > this.cfg.maxHeaders ? P_MANY : P_LONG;
      else {
        if (s.lineLen === 1 && s.lineFirst === CR) s.headLen = s.lineStart; // a lone CR: nothing
        else this.appendByte(s, LF);
      }
    }
    this.resetLine(s);
    this.finishHead(s);
  }

  // --- head (start line + header lines)

  private headBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    const isReq = s.dir === TO_SERVER;
    let fast = true;
    while (pos < end) {
      if (fast && s.lineLen === 0 && s.headLen === 0 && !s.startDone && !s.strict && !s.lineSkip && s.pend === 0) {
        // nothing of this head kept yet: when all of it is here, parse it in place
        if (isReq || !this.next09(s)) {
          const r = this.fastHead(s, buf, pos, end);
          if (r >= 0) return r;
        }
        fast = false; // not here whole: the general path for the rest of these bytes
      }
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
      if (s.junk && s.lineLen === 0) this.resolveJunk(s, buf[pos]!);
      // the line's content ends at lineEnd (a CR of CRLF included), the next one starts at
      // `next` (-1: this line goes on in the next bytes)
      let lineEnd: number;
      let next: number;
      let bareLf = false;
      if (isReq) {
        const lf = findLF(buf, pos, end);
        lineEnd = lf < 0 ? end : lf;
        next = lf < 0 ? -1 : lf + 1;
      } else if (s.crEnd) {
        // the bytes before ended with a CR (not kept yet): CRLF, or a lone CR
        s.crEnd = false;
        lineEnd = pos;
        if (buf[pos] === LF) {
          if (!this.take(s, CR_BYTE, 0, 1)) return end;
          next = pos + 1;
        } else if (s.lineLen === 0 && s.afterLf) {
          s.afterLf = false; // "\n\r": the CR belongs to the LF before it
          continue;
        } else next = pos; // a lone CR ended the line
      } else {
        // libhtp ends a response head line at LF, CRLF, or a CR alone; "\n\r" is one line end
        let i = pos;
        while (i < end && buf[i] !== LF && buf[i] !== CR) i++;
        if (i === pos && s.lineLen === 0 && s.afterLf && i + 1 < end && buf[i] === CR && buf[i + 1] !== LF) {
          // "\n\r": the CR belongs to the LF before it
          s.afterLf = false;
          pos++;
          continue;
        }
        if (i === end) {
          lineEnd = end;
          next = -1;
        } else if (buf[i] === LF) {
          lineEnd = i;
          next = i + 1;
          bareLf = true;
        } else if (i + 1 === end) {
          lineEnd = i; // the next byte says what the CR is
          next = -1;
          s.crEnd = true;
        } else if (buf[i + 1] === LF) {
          lineEnd = i + 1;
          next = i + 2;
        } else {
          lineEnd = i;
          next = i + 1;
        }
      }
      if (lineEnd > pos && !this.take(s, buf, pos, lineEnd)) return end;
      if (next < 0) return end;
      pos = next;
      s.afterLf = bareLf;
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
        if (!isReq && !s.strict && (s.pend & P_LONG) === 0 && !looksHttp(s.head!, s.lineStart, s.headLen)) {
          // libhtp: a response line that does not start with "http" is response body
          // (browsers do the same); whether it is depends on the next byte (resolveJunk)
          this.appendByte(s, LF);
          if (!s.junkRun) this.anomaly(null, E.responseInvalidProtocol);
          s.junkRun = true;
          s.junk = true;
          this.resetLine(s);
          continue;
        }
        this.appendByte(s, LF);
        const sle = this.startLineEnd(s);
        const r = isReq
          ? this.parseRequestLine(s, s.head!, s.lineStart, sle)
          : this.parseStatusLine(s, s.head!, s.lineStart, sle);
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
      if (empty || (s.lines > 1 && s.lineLen === 1 && isWs(s.lineFirst) && !s.lineDrop)) {
        // (libhtp: a line of one SP / HT and a bare LF after a header line, an empty fold,
        // leaves its LF to end the head; it is kept as the blank line "\n")
        const cr = s.lineLen === 1 && s.lineFirst === CR;
        if (s.lineLen > 0) s.headLen = s.lineStart;
        if (cr) this.appendByte(s, CR);
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

  /** Bytes buf[a, b) of the current head line. False when the direction was given up. */
  private take(s: Side, buf: Buffer, a: number, b: number): boolean {
    const n = b - a;
    if (s.lineLen === 0) {
      s.lineFirst = buf[a]!;
      s.lineStart = s.headLen;
      s.lineDrop = s.startDone && (s.lines > this.cfg.maxHeaders || s.headLen >= this.cfg.headLimit);
    }
    s.lineLen += n;
    if (!s.lineSkip && !s.lineDrop) this.store(s, buf, a, b, this.cfg.maxLine);
    if (s.dir === TO_SERVER && !s.startDone && !s.strict && !s.lineSkip && this.startLooksBad(s)) {
      // binary junk: no need to wait for its LF to know it is not a start line
      this.anomaly(null, E.requestLineInvalid);
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
        s.pend = 0; // (what was too long in it does not count, however it was cut)
      }
      if (s.skipped > RESYNC_LIMIT) {
        this.kill(s);
        return false;
      }
    }
    return true;
  }

  private resetLine(s: Side): void {
    s.lineLen = 0;
    s.lineFirst = -1;
    s.lineDrop = false;
    s.tailLen = 0;
  }

  private resetHead(s: Side): void {
    this.resetLine(s);
    s.junk = false;
    s.junkRun = false;
    s.crEnd = false;
    s.afterLf = false;
    s.lineSkip = false;
    s.headLen = 0;
    s.lines = 0;
    s.startDone = false;
    s.pend = 0;
  }

  /**
   * Can the request line kept so far not become a valid one, whatever follows? A byte that
   * is neither a token character nor white space before the method ends. (A response line
   * is read to its end: one that is not a status line may be body, see resolveJunk.)
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
      copyBytes(buf, a, a + n, h, s.headLen);
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
    const t = s.tail ?? (s.tail = Buffer.allocUnsafe(TAIL));
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
      const t = s.tail!;
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

  /** Parse the request line h[ls, e) (CRLF excluded) into the side's start-line offsets. */
  private parseRequestLine(s: Side, h: Buffer, ls: number, e: number): number {
    let p = ls;
    let flags = 0;
    s.slStart = p;
    s.slEnd = e;
    while (p < e && isLineSpace(h[p]!)) p++;
    if (p > ls) flags |= F_LEADING_WS;
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

  /** Parse the status line h[ls, e) (CRLF excluded) into the side's start-line offsets. */
  private parseStatusLine(s: Side, h: Buffer, ls: number, e: number): number {
    let p = ls;
    let flags = 0;
    s.slStart = p;
    s.slEnd = e;
    if (!looksHttp(h, p, e)) return SL_BAD;
    while (p < e && (isLineSpace(h[p]!) || h[p] === 0)) p++;
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

  /**
   * A head starting at buf[pos] with nothing of it kept yet: when all of it is in
   * buf[pos, end) and within the bounds (so the general path would keep every byte as it
   * is), parse it in place and copy it once into its transaction. Returns the position after
   * the head, or -1 (nothing changed) to let the general path handle these bytes.
   */
  private fastHead(s: Side, buf: Buffer, pos: number, end: number): number {
    const maxLine = this.cfg.maxLine;
    let lf = findLF(buf, pos, end);
    // blank lines before a message are ignored
    while (lf >= 0 && (lf === pos || (lf === pos + 1 && buf[pos] === CR))) {
      pos = lf + 1;
      lf = findLF(buf, pos, end);
    }
    if (lf < 0 || lf - pos > maxLine + 1) return -1;
    const e = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const isReq = s.dir === TO_SERVER;
    const r = isReq ? this.parseRequestLine(s, buf, pos, e) : this.parseStatusLine(s, buf, pos, e);
    if (r === SL_BAD) return -1;
    let he = lf + 1;
    let n = 0; // lines in LINES
    if (r !== SL_09) {
      const maxHeaders = this.cfg.maxHeaders;
      for (;;) {
        const l = findLF(buf, he, end);
        if (l < 0) return -1;
        const blank = l === he || (l === he + 1 && buf[he] === CR);
        // a one-byte SP / HT line after a header ends the head (see headBytes): rare, the
        // general path keeps it as "\n"
        if (!blank && (l - he > maxLine + 1 || n >= maxHeaders || (l === he + 1 && n > 0 && isWs(buf[he]!)))) {
          return -1;
        }
        if (n === LINES.length) growLines();
        LINES[n++] = he;
        he = l + 1;
        if (blank) break;
      }
      if (he - pos > this.cfg.headLimit) return -1;
    }
    // a response head with a CR that is not part of a CRLF ends lines there (libhtp): rare,
    // the general path splits it
    if (!isReq && hasLoneCr(buf, pos, he)) return -1;
    if (isReq) this.finishRequestHead(s, buf, pos, lf + 1, he, n, 0);
    else this.finishResponseHead(s, buf, pos, lf + 1, he, n, 0);
    return he;
  }

  /** The head gathered in the side's buffer is complete: build the transaction. */
  private finishHead(s: Side): void {
    const h = s.head!;
    const len = s.headLen;
    const pend = s.pend;
    s.strict = false;
    s.skipped = 0;
    this.resetHead(s);
    const hs = findLF(h, s.slEnd, len) + 1;
    const n = splitLines(h, hs, len);
    if (s.dir === TO_SERVER) this.finishRequestHead(s, h, 0, hs, len, n, pend);
    else this.finishResponseHead(s, h, 0, hs, len, n, pend);
    // keep one modest buffer per direction; a large one was for a rare large head
    if (s.head === h && h.length > 16 * 1024) s.head = null;
  }

  /**
   * The request head src[base, end) is complete (the side's start-line offsets point into
   * src; its header lines start at hs, and at LINES[0, nLines)): raise its anomalies, find
   * what the parser needs, copy it once into the transaction.
   */
  private finishRequestHead(
    s: Side,
    src: Buffer,
    base: number,
    hs: number,
    end: number,
    nLines: number,
    pend: number,
  ): void {
    this.hold();
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

    tx.http09 = s.version === 9 && s.c0 < 0;
    const isConnect = bytesEq(src, s.a0, s.a1, 'CONNECT');
    tx._connect = isConnect;
    tx._head = bytesEq(src, s.a0, s.a1, 'HEAD');

    this.scanFields(tx, src, nLines, REQ_EVENTS);
    const wantEnc = this.cfg.decompress && this.cfg.maxBody > 0;
    // a value the parser needs is folded or merged: build the list now (rare)
    let data: HeaderData | null = null;
    if (
      KV_S[K_HOST] === KV_COMPLEX ||
      KV_S[K_CONTENT_LENGTH] === KV_COMPLEX ||
      KV_S[K_TRANSFER_ENCODING] === KV_COMPLEX ||
      (wantEnc && KV_S[K_CONTENT_ENCODING] === KV_COMPLEX)
    ) {
      data = buildHeaderList(src, hs, end, 'cookie');
    }

    // Host header value: hv[hvS, hvE)
    let hv: Buffer | undefined;
    let hvS = 0;
    let hvE = 0;
    if (KV_S[K_HOST]! >= 0) {
      hv = src;
      hvS = KV_S[K_HOST]!;
      hvE = KV_E[K_HOST]!;
    } else if (KV_S[K_HOST] === KV_COMPLEX) {
      hv = findHeader(data!.list, 'host')!;
      hvE = hv.length;
    }

    // http.host: the absolute URI's authority wins over the Host header (RFC 9112 3.2.2)
    const p = URI_PARTS;
    splitUri(src, s.b0, s.b1, p, isConnect);
    let hostSrc: Buffer | undefined;
    let hostS = 0;
    let hostE = 0;
    let rawSrc: Buffer | undefined;
    let rawS = 0;
    let rawE = 0;
    if (p.hostStart >= 0 && p.hostEnd > p.hostStart) {
      const hp = parseHostPortInto(src, p.hostStart, p.portStart >= 0 ? p.portEnd : p.hostEnd, HP1);
      if (hp.invalid) this.anomaly(tx, E.requestUriHostInvalid);
      hostSrc = src;
      hostS = hp.hostStart;
      hostE = hp.hostEnd;
      tx.port = hp.port;
      if (hv !== undefined) {
        rawSrc = hv;
        rawS = hvS;
        rawE = hvE;
        const hh = parseHostPortInto(hv, hvS, hvE, HP2);
        if (!hostEquals(hv, hh.hostStart, hh.hostEnd, src, hostS, hostE)) this.anomaly(tx, E.hostHeaderAmbiguous);
      } else {
        rawSrc = src;
        rawS = hostS;
        rawE = hostE;
      }
    } else if (hv !== undefined) {
      const hp = parseHostPortInto(hv, hvS, hvE, HP1);
      if (hp.invalid) this.anomaly(tx, E.requestHeaderHostInvalid);
      hostSrc = hv;
      hostS = hp.hostStart;
      hostE = hp.hostEnd;
      tx.port = hp.port;
      rawSrc = hv;
      rawS = hvS;
      rawE = hvE;
    }
    if (hv === undefined && s.version === 11) this.anomaly(tx, E.missingHostHeader);

    this.framing(tx, src, data, REQ_EVENTS);
    const cl = this.fCl;
    const chunked = this.fChunked;
    tx.contentLength = cl;
    if (wantEnc) tx._reqEnc = this.encoding(src, data);

    // the one copy: head, then the offsets
    const len = end - base;
    const m = ownRoom(len, Q_SLOTS);
    const own = OWN;
    const I = OWN_I32;
    const at = OWN_AT;
    copyBytes(src, base, end, own, at);
    const d = at - base; // src offset -> own offset
    tx._rq = own;
    tx._rqI = I;
    tx._rqM = m;
    tx._uriOpts = isConnect ? undefined : this.cfg.uri;
    I[m + Q_HEAD_S] = at;
    I[m + Q_HEAD_E] = at + len;
    I[m + Q_SL_E] = s.slEnd + d;
    I[m + Q_M_S] = s.a0 + d;
    I[m + Q_M_E] = s.a1 + d;
    I[m + Q_U_S] = s.b0 + d;
    I[m + Q_U_E] = s.b1 + d;
    I[m + Q_P_S] = s.c0 >= 0 ? s.c0 + d : -1;
    I[m + Q_P_E] = s.c0 >= 0 ? s.c1 + d : -1;
    I[m + Q_H_S] = hs + d;
    let hf = 0;
    if (hostSrc !== undefined) {
      if (hostSrc === src) {
        hf |= HOST_OWN;
        I[m + Q_HOST_S] = hostS + d;
        I[m + Q_HOST_E] = hostE + d;
      } else {
        hf |= HOST_MERGED;
        I[m + Q_HOST_S] = hostS;
        I[m + Q_HOST_E] = hostE;
      }
    }
    if (rawSrc !== undefined) {
      if (rawSrc === src) {
        hf |= RAW_OWN;
        I[m + Q_RAW_S] = rawS + d;
        I[m + Q_RAW_E] = rawE + d;
      } else {
        hf |= RAW_MERGED;
      }
    }
    I[m + Q_HOST] = hf;
    if (hf & (HOST_MERGED | RAW_MERGED)) tx.fillView(V_HOST_VALUE, hv);
    ownValue(I, m + Q_UA, K_UA, d);
    ownValue(I, m + Q_COOKIE, K_COOKIE, d);
    ownValue(I, m + Q_CONTENT_TYPE, K_CONTENT_TYPE, d);
    ownValue(I, m + Q_REFERER, K_REFERER, d);
    ownValue(I, m + Q_XFF, K_XFF, d);
    if (data !== null) {
      tx._rqList = data.list;
      tx.requestHeaders = data.block;
    }

    this.release();

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
    } else if (s.version === 20 && bytesEq(src, s.a0, s.a1, 'PRI')) {
      // HTTP/2 connection preface ("PRI * HTTP/2.0"): not HTTP/1 from here on
      this.messageDone(s, false);
      this.tunnel();
    } else if (chunked) {
      this.startChunked(s);
    } else if (cl > 0) {
      this.startBody(s, tx, cl);
    } else {
      this.messageDone(s, false);
    }
  }

  /** The response head src[base, end) is complete: see finishRequestHead. */
  private finishResponseHead(
    s: Side,
    src: Buffer,
    base: number,
    hs: number,
    end: number,
    nLines: number,
    pend: number,
  ): void {
    this.hold();
    const code = s.statusCode;
    const tx = s.interim ?? s.junkTx ?? this.responseTx(s);
    s.interim = s.junkTx = null;
    const flags = s.slFlags;
    if (flags & F_BAD_PROTO) this.anomaly(tx, E.responseInvalidProtocol);
    if (flags & F_BAD_STATUS) this.anomaly(tx, E.responseInvalidStatus);
    if (pend & P_LONG) this.anomaly(tx, E.responseFieldTooLong);
    if (pend & P_MANY) this.anomaly(tx, E.responseTooManyHeaders);

    this.scanFields(tx, src, nLines, RESP_EVENTS);
    // libhtp: "100 Continue" is an interim response that does not complete the transaction,
    // unless it has a Transfer-Encoding or a Content-Length above 0; other 1xx are final
    if (code === 100 && KV_S[K_TRANSFER_ENCODING] === KV_ABSENT && this.interimLength(src, hs, end) <= 0) {
      if (tx._seen100) this.anomaly(tx, E.continueAlreadySeen);
      tx._seen100 = true;
      s.interim = tx;
      this.release();
      return;
    }

    tx.statusCode = code;
    // a body framed by headers even where none is allowed (1xx, 204, 304) is read (libhtp)
    const framed = KV_S[K_TRANSFER_ENCODING] !== KV_ABSENT || KV_S[K_CONTENT_LENGTH] !== KV_ABSENT;
    const wantEnc = this.cfg.decompress && this.cfg.maxBody > 0;
    let data: HeaderData | null = null;
    if (
      KV_S[K_CONTENT_LENGTH] === KV_COMPLEX ||
      KV_S[K_TRANSFER_ENCODING] === KV_COMPLEX ||
      (wantEnc && KV_S[K_CONTENT_ENCODING] === KV_COMPLEX)
    ) {
      data = buildHeaderList(src, hs, end, 'set-cookie');
    }
    this.framing(tx, src, data, RESP_EVENTS);
    const cl = this.fCl;
    const chunked = this.fChunked;
    tx.responseContentLength = cl;
    if (wantEnc) tx._respEnc = this.encoding(src, data);

    // the one copy: head, then the offsets
    const len = end - base;
    const m = ownRoom(len, R_SLOTS);
    const own = OWN;
    const I = OWN_I32;
    const at = OWN_AT;
    copyBytes(src, base, end, own, at);
    const d = at - base; // src offset -> own offset
    tx._rs = own;
    tx._rsI = I;
    tx._rsM = m;
    I[m + R_HEAD_S] = at;
    I[m + R_HEAD_E] = at + len;
    I[m + R_SL_E] = s.slEnd + d;
    I[m + R_P_S] = s.a0 + d;
    I[m + R_P_E] = s.a1 + d;
    I[m + R_SC_S] = s.b0 + d;
    I[m + R_SC_E] = s.b1 + d;
    I[m + R_SM_S] = s.c0 + d;
    I[m + R_SM_E] = s.c1 + d;
    I[m + R_H_S] = hs + d;
    ownValue(I, m + R_CONTENT_TYPE, K_CONTENT_TYPE, d);
    ownValue(I, m + R_LOCATION, K_LOCATION, d);
    ownValue(I, m + R_SERVER, K_SERVER, d);
    ownValue(I, m + R_SET_COOKIE, K_SET_COOKIE, d);
    ownValue(I, m + R_CONTENT_RANGE, K_CONTENT_RANGE, d);
    if (data !== null) {
      tx._rsList = data.list;
      tx.responseHeaders = data.block;
    }
    this.release();

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
    if (tx._head || ((code === 204 || code === 304 || (code >= 100 && code < 200)) && !framed)) {
      this.messageDone(s, false);
    } else if (chunked) {
      if (s.version !== 0 && s.version < 11) this.anomaly(tx, E.responseChunkedOldProto);
      this.startChunked(s);
    } else if (cl >= 0) {
      // (a Transfer-Encoding other than chunked does not stop a Content-Length: libhtp)
      if (cl === 0) this.messageDone(s, false);
      else this.startBody(s, tx, cl);
    } else {
      this.startBody(s, tx, -1);
      s.state = ST_BODY_CLOSE;
    }
  }

  /** Content-Length of a 100 response head (scanFields done): -1 when absent or invalid. */
  private interimLength(src: Buffer, hs: number, end: number): number {
    const ks = KV_S[K_CONTENT_LENGTH]!;
    if (ks === KV_ABSENT) return -1;
    if (ks >= 0) return parseContentLength(src, ks, KV_E[K_CONTENT_LENGTH]!);
    const v = findHeader(buildHeaderList(src, hs, end, 'set-cookie').list, 'content-length');
    return v === undefined ? -1 : parseContentLength(v, 0, v.length);
  }

  // framing() results
  private fCl = -1;
  private fChunked = false;

  /**
   * Body framing from Content-Length / Transfer-Encoding (RFC 9112 6.3), from the values
   * scanFields found in src (or the built list when they are folded or merged).
   */
  private framing(tx: HttpTx, src: Buffer, data: HeaderData | null, ev: DirEvents): void {
    let cl = -1;
    let chunked = false;
    let ks = KV_S[K_TRANSFER_ENCODING]!;
    if (ks !== KV_ABSENT) {
      if (ks >= 0) chunked = hasChunked(src, ks, KV_E[K_TRANSFER_ENCODING]!);
      else {
        const te = findHeader(data!.list, 'transfer-encoding')!;
        chunked = hasChunked(te, 0, te.length);
      }
      if (!chunked) this.anomaly(tx, ev.transferEncoding);
    }
    ks = KV_S[K_CONTENT_LENGTH]!;
    if (ks !== KV_ABSENT) {
      if (ks >= 0) cl = parseContentLength(src, ks, KV_E[K_CONTENT_LENGTH]!);
      else {
        const v = findHeader(data!.list, 'content-length')!;
        cl = parseContentLength(v, 0, v.length);
      }
      if (cl < 0) this.anomaly(tx, ev.contentLength);
    }
    this.fCl = cl;
    this.fChunked = chunked;
  }

  /** The content codings decoded for inspection (see contentCodings). */
  private encoding(src: Buffer, data: HeaderData | null): number {
    const ks = KV_S[K_CONTENT_ENCODING]!;
    if (ks === KV_ABSENT) return ENC_NONE;
    if (ks >= 0) return contentCodings(src, ks, KV_E[K_CONTENT_ENCODING]!, this.cfg.layers);
    const v = findHeader(data!.list, 'content-encoding');
    return v === undefined ? ENC_NONE : contentCodings(v, 0, v.length, this.cfg.layers);
  }

  // --- header fields

  /**
   * The header lines at LINES[0, n) (the last one the blank line) of h: raise the field
   * anomalies and leave the known values in KV_S / KV_E, as buildHeaderList would merge them
   * (libhtp: repeated names joined by ", "; see there). Allocates nothing for ordinary heads.
   */
  private scanFields(tx: HttpTx, h: Buffer, n: number, ev: DirEvents): void {
    KV_S.fill(KV_ABSENT);
    const sc = SCAN;
    sc.count = 0;
    sc.repetitions = 0;
    sc.nFolds = 0;
    const lines = LINES;
    let a = -1; // first line [a, b) of the field being read
    let b = -1;
    for (let i = 0; i + 1 < n; i++) {
      const p = lines[i]!;
      const lf = lines[i + 1]! - 1;
      const le = lf > p && h[lf - 1] === CR ? lf - 1 : lf;
      if (le === p) break; // (the blank line is the last one)
      if (isWs(h[p]!)) {
        // obs-fold: continuation of the previous field
        if (a < 0) {
          this.anomaly(tx, ev.folding);
          let q = p;
          while (q < le && isWs(h[q]!)) q++;
          a = q;
          b = le;
        } else {
          if (sc.nFolds + 2 > sc.folds.length) sc.folds.push(0, 0);
          sc.folds[sc.nFolds++] = p;
          sc.folds[sc.nFolds++] = le;
        }
      } else {
        if (a >= 0) {
          this.field(tx, h, a, b, ev);
          sc.nFolds = 0;
        }
        a = p;
        b = le;
      }
    }
    if (a >= 0) this.field(tx, h, a, b, ev);
  }

  /** One header field: first line h[a, b), continuation lines in SCAN.folds. */
  private field(tx: HttpTx, h: Buffer, a: number, b: number, ev: DirEvents): void {
    // one pass over the name: the colon, the name's hash, whether it is a token
    let colon = -1;
    let hash = 0;
    let token = true;
    for (let i = a; i < b; i++) {
      const c = h[i]!;
      if (c === COLON) {
        colon = i;
        break;
      }
      hash = (Math.imul(hash, 31) + LOWER[c]!) | 0;
      if (TCHAR[c] !== 1) token = false;
    }
    let nameE = a;
    let vs = a;
    if (colon < 0) {
      // libhtp keeps it as a header with an empty name, so its bytes are still inspected
      this.anomaly(tx, ev.missingColon);
      hash = 0;
    } else {
      nameE = colon;
      while (nameE > a && isWs(h[nameE - 1]!)) nameE--;
      if (nameE !== colon) {
        hash = nameHash(h, a, nameE);
        token = false;
      }
      if (!token || nameE === a) this.anomaly(tx, ev.headerInvalid);
      vs = colon + 1;
    }
    // the value: one range [vs, ve), or parts over folded lines
    const sc = SCAN;
    let ve = b;
    let parts: number[] | null = null;
    if (sc.nFolds === 0) {
      while (vs < ve && isWs(h[vs]!)) vs++;
      while (ve > vs && isWs(h[ve - 1]!)) ve--;
    } else {
      parts = [vs, ve, ...sc.folds.slice(0, sc.nFolds)];
      trimParts(h, parts);
    }

    const nlen = nameE - a;
    const n = sc.count;
    let prev = -1;
    outer: for (let j = 0; j < n; j++) {
      if (sc.hash[j] !== hash || sc.len[j] !== nlen) continue;
      const ps = sc.start[j]!;
      for (let i = 0; i < nlen; i++) if (LOWER[h[ps + i]!] !== LOWER[h[a + i]!]) continue outer;
      prev = j;
      break;
    }
    if (prev >= 0) {
      const k = sc.known[prev]!;
      if (k === K_CONTENT_LENGTH) {
        // a repeated Content-Length is not joined; a different value is ambiguous
        let same: boolean;
        if (sc.clParts === null && parts === null) same = rangeEq(h, sc.clS, sc.clE, vs, ve);
        else same = partsEqual(h, sc.clParts ?? [sc.clS, sc.clE], parts ?? [vs, ve]);
        if (!same) this.anomaly(tx, ev.duplicateContentLength);
        return;
      }
      if (++sc.repetitions > MAX_REPETITIONS) {
        this.anomaly(tx, ev.repetition);
        return;
      }
      if (k >= 0) KV_S[k] = KV_COMPLEX; // merged "a, b"
      return;
    }
    if (n === sc.hash.length) growScan();
    sc.hash[n] = hash;
    sc.start[n] = a;
    sc.len[n] = nlen;
    const k = knownHeader(h, a, nlen, hash);
    sc.known[n] = k;
    sc.count = n + 1;
    if (k < 0) return;
    if (parts === null) {
      KV_S[k] = vs;
      KV_E[k] = ve;
    } else {
      KV_S[k] = KV_COMPLEX;
    }
    if (k === K_CONTENT_LENGTH) {
      sc.clS = vs;
      sc.clE = ve;
      sc.clParts = parts;
    }
  }

  // --- bodies

  private startBody(s: Side, tx: HttpTx, cl: number): void {
    s.state = ST_BODY_CL;
    s.remaining = cl;
    if (cl > 0) {
      const n = Math.min(cl, this.cfg.maxBody);
      if (n > 0) {
        if (s.dir === TO_SERVER) tx._reqBody ??= this.bodyBuffer(n);
        else tx._respBody ??= this.bodyBuffer(n); // (junk lines may have started it)
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
    this.bodyOf(s.tx, s.dir, buf, a, b);
  }

  private bodyOf(tx: HttpTx | null, dir: Direction, buf: Buffer, a: number, b: number): void {
    const n = b - a;
    if (tx === null || n <= 0 || tx._detached) return;
    const max = this.cfg.maxBody;
    if (dir === TO_SERVER) {
      tx.requestBodyLength += n;
      if (tx._reqGap || tx._reqBodyLen >= max) return;
      const k = Math.min(n, max - tx._reqBodyLen);
      tx._reqBody = this.grow(tx._reqBody, tx._reqBodyLen, k, max);
      copyBytes(buf, a, a + k, tx._reqBody, tx._reqBodyLen);
      tx._reqBodyLen += k;
    } else {
      tx.responseBodyLength += n;
      if (tx._respGap || tx._respBodyLen >= max) return;
      const k = Math.min(n, max - tx._respBodyLen);
      tx._respBody = this.grow(tx._respBody, tx._respBodyLen, k, max);
      copyBytes(buf, a, a + k, tx._respBody, tx._respBodyLen);
      tx._respBodyLen += k;
    }
  }

  /** A body buffer of at least n bytes: from the pool with reuseBodies, else a new one. */
  private bodyBuffer(n: number): Buffer {
    return this.cfg.reuseBodies ? BODY_POOL.take(n, this.cfg.maxBody) : Buffer.allocUnsafe(n);
  }

  /** Room for `add` more bytes after `len` in a body buffer, doubling up to `max`. */
  private grow(b: Buffer | null, len: number, add: number, max: number): Buffer {
    const need = len + add;
    if (b !== null && b.length >= need) return b;
    const n = this.bodyBuffer(Math.min(max, Math.max(need, b === null ? 4096 : b.length * 2)));
    if (b !== null) {
      copyBytes(b, 0, len, n, 0);
      if (this.cfg.reuseBodies) BODY_POOL.give(b);
    }
    return n;
  }

  /**
   * With reuseBodies, at a body's end: the kept buffer when the finished body is a view of it
   * (it goes back to the pool with its transaction), else null, the buffer going back at once
   * (a decoded body is a buffer of its own).
   */
  private stillViewed(kept: Buffer | null, body: Buffer | undefined): Buffer | null {
    if (kept === null || !this.cfg.reuseBodies) return null;
    if (body !== undefined && body.buffer === kept.buffer) return kept;
    BODY_POOL.give(kept);
    return null;
  }

  /**
   * With reuseBodies: a complete transaction's bodies go back to the pool (both directions
   * are done, so no later progress point reads them).
   */
  private releaseBodies(tx: HttpTx): void {
    if (!this.cfg.reuseBodies || (tx.progress & (TX_REQUEST_DONE | TX_RESPONSE_DONE)) !== (TX_REQUEST_DONE | TX_RESPONSE_DONE)) {
      return;
    }
    if (tx._reqRaw !== null) {
      BODY_POOL.give(tx._reqRaw);
      tx._reqRaw = null;
      tx.requestBody = undefined;
    }
    if (tx._respRaw !== null) {
      BODY_POOL.give(tx._respRaw);
      tx._respRaw = null;
      tx.responseBody = undefined;
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

  /**
   * chunk-size line, byte by byte (no buffering), as libhtp reads it: control characters
   * (CR SP HT VT FF) before the size are skipped and lines of nothing else ignored; the size
   * is the hex digits that follow, whatever comes after them up to the LF (extensions, junk)
   * is ignored; a size above 2^31 - 1 makes libhtp ignore the line. A line whose first other
   * byte is not a hex digit is invalid as soon as that byte is seen: the response body then
   * runs to the connection close from that byte on (libhtp re-reads the line as body; the
   * control characters before it are dropped here, so the result does not depend on where
   * the stream was cut). A line too long or with too many digits is invalid too.
   */
  private chunkSizeBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    const maxLine = this.cfg.maxLine;
    while (pos < end) {
      const c = buf[pos++]!;
      if (c === LF) {
        const v = s.csValue;
        const state = s.csState;
        const huge = s.csBad;
        s.csState = s.csDigits = s.csValue = s.csLen = 0;
        s.csBad = false;
        if (state === 0 || huge) continue; // only control characters, or a size libhtp ignores
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
      if (++s.csLen > maxLine) return this.badChunk(s, buf, pos, pos);
      if (s.csState === 0) {
        if (c === CR || c === SP || c === HT || c === 0x0b || c === 0x0c) continue;
        const h = hexDigit(c);
        if (h < 0) return this.badChunk(s, buf, pos - 1, pos);
        s.csValue = h;
        s.csDigits = 1;
        s.csState = 1;
      } else if (s.csState === 1) {
        const h = hexDigit(c);
        if (h < 0) s.csState = 2; // the rest of the line is ignored
        else if (++s.csDigits > 16) return this.badChunk(s, buf, pos, pos); // no u64
        else {
          s.csValue = s.csValue * 16 + h;
          if (s.csValue > 0x7fffffff) s.csBad = true;
        }
      }
    }
    return pos;
  }

  /** An invalid chunk-size line; buf[from, pos) is re-read as body. Returns pos. */
  private badChunk(s: Side, buf: Buffer, from: number, pos: number): number {
    const tx = s.tx;
    s.csState = s.csDigits = s.csValue = s.csLen = 0;
    s.csBad = false;
    if (s.dir === TO_SERVER) {
      if (tx !== null) this.anomaly(tx, E.invalidRequestChunkLen);
      this.messageDone(s, true);
      this.resync(s);
    } else {
      // libhtp: the rest of the response, this line included, is body up to the close
      if (tx !== null) this.anomaly(tx, E.invalidResponseChunkLen);
      s.state = ST_BODY_CLOSE;
      this.body(s, buf, from, pos);
    }
    return pos;
  }

  /** trailer-section after the last chunk: lines up to a blank line (not kept). */
  private trailerBytes(s: Side, buf: Buffer, pos: number, end: number): number {
    while (pos < end) {
      const lf = findLF(buf, pos, end);
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
    const kept = tx._reqBody;
    if (kept !== null && tx._reqBodyLen > 0) {
      const raw = kept.subarray(0, tx._reqBodyLen);
      tx.requestBody = this.decoded(tx, raw, tx._reqEnc, false);
    }
    tx._reqBody = null;
    tx._reqRaw = this.stillViewed(kept, tx.requestBody);
    this.raise(tx, TX_REQUEST_DONE, TO_SERVER);
    this.releaseBodies(tx);
  }

  private finishResponseBody(tx: HttpTx): void {
    if (tx.progress & TX_RESPONSE_DONE) return;
    const kept = tx._respBody;
    if (kept !== null && tx._respBodyLen > 0) {
      const raw = kept.subarray(0, tx._respBodyLen);
      tx.responseBody = this.decoded(tx, raw, tx._respEnc, true);
    }
    tx._respBody = null;
    tx._respRaw = this.stillViewed(kept, tx.responseBody);
    this.raise(tx, TX_RESPONSE_DONE, TO_CLIENT);
    this.releaseBodies(tx);
  }

  private decoded(tx: HttpTx, raw: Buffer, chain: number, response: boolean): Buffer {
    if (chain === ENC_NONE) return raw;
    const d = decodeBody(raw, chain, this.cfg.maxBody);
    if (d.failed) this.anomaly(tx, E.gzipDecompressionFailed);
    if (response && d.decoded !== 0) tx.responseBodyDecoded = chainNames(d.decoded);
    return d.out;
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
    if (this.held !== null) this.held.push(event);
    else this.sink.anomaly(this.flow, 'http', event);
  }

  /**
   * Anomalies raised while a head is being finished are handed to the sink when it is done
   * (in order, before anything else is reported): the sink is never called while the shared
   * scratch state (LINES, SCAN, KV_S, ...) is in use, so it may even feed another flow.
   */
  private held: string[] | null = null;

  private hold(): void {
    this.held = HELD;
    HELD.length = 0;
  }

  private release(): void {
    this.held = null;
    if (HELD.length === 0) return;
    const events = HELD.splice(0, HELD.length);
    for (const e of events) this.sink.anomaly(this.flow, 'http', e);
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
    return (
      s.interim === null &&
      s.junkTx === null &&
      s.skipResponses === 0 &&
      this.pending.length > 0 &&
      this.pending[0]!.http09
    );
  }

  /** The transaction the next response belongs to (the oldest waiting, or an orphan). */
  private responseTx(s: Side): HttpTx {
    if (s.skipResponses > 0) {
      // the response of a transaction dropped by maxOpenTxs: parse it, report nothing
      s.skipResponses--;
      const tx = new HttpTx(-1);
      tx._detached = true;
      return tx;
    }
    let tx = this.pending.shift();
    if (tx === undefined) {
      tx = new HttpTx(this.nextId++);
      tx.orphan = true;
      this.anomaly(tx, E.unableToMatchResponse);
    }
    return tx;
  }

  /**
   * The response line waiting in the side's head [0, headLen) is not a status line. libhtp
   * skips it when the next byte is "H" (a status line probably follows) or when it is at
   * most 2 bytes without its line end; otherwise it is body of the response, whose status
   * line, if one comes, is the next line that starts with "http". `next` is the first byte
   * of the next line, -1 at the close (libhtp: body).
   */
  private resolveJunk(s: Side, next: number): void {
    const h = s.head!;
    const len = s.headLen;
    s.junk = false;
    s.headLen = 0;
    let e = len;
    while (e > 0 && (h[e - 1] === LF || h[e - 1] === CR)) e--;
    if (next >= 0 && (next === 0x48 || e <= 2)) return;
    const tx = s.junkTx ?? (s.junkTx = this.responseTx(s));
    tx.responseMessageLength += len;
    this.bodyOf(tx, TO_CLIENT, h, 0, len);
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

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Smallest pooled body buffer. */
const BODY_MIN = 4096;
/** Buffers kept per size class: enough for the bodies in flight on a busy sensor. */
const BODY_POOL_DEPTH = 32;

/**
 * Body buffers of finished transactions (reuseBodies), by size class: powers of two from
 * BODY_MIN, the largest class capped at the body limit. A buffer's class is its length.
 */
class BodyPool {
  private readonly free = new Map<number, Buffer[]>();

  take(n: number, max: number): Buffer {
    let size = BODY_MIN;
    while (size < n) size *= 2;
    if (size > max) size = Math.max(n, max);
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) return list.pop()!;
    return Buffer.allocUnsafeSlow(size);
  }

  give(b: Buffer): void {
    // Only whole buffers of their own (a slice of Node's shared pool is not ours to keep).
    if (b.byteOffset !== 0 || b.byteLength !== b.buffer.byteLength) return;
    let list = this.free.get(b.length);
    if (list === undefined) {
      list = [];
      this.free.set(b.length, list);
    }
    if (list.length < BODY_POOL_DEPTH) list.push(b);
  }
}

const BODY_POOL = new BodyPool();

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
    layers: Math.max(1, Math.min(MAX_LAYERS, opts.decompressLayers ?? MAX_LAYERS)),
    reuseBodies: opts.reuseBodies ?? false,
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
 * probing patterns, or a whole request line with another method ("NOTIFY /x HTTP/1.1"). To
 * client: "HTTP/1.". NEED_MORE while the bytes are a prefix of either.
 */
export function probeHttp(buf: Buffer, off: number, end: number, dir: Direction): ProbeResult {
  if (end <= off) return PROBE_NEED_MORE;
  if (dir === TO_SERVER) {
    const r = methodPrefix(buf, off, end, true);
    return r === PROBE_NO && requestLine(buf, off, end) ? PROBE_YES : r;
  }
  return prefixMatch(buf, off, end, HTTP_1_DOT);
}

/** Longest first line probing looks at for a request with an unknown method. */
const PROBE_LINE_MAX = 1024;

/**
 * Does buf[off, end) start with a whole request line whose method is not a known one:
 * token SP target SP "HTTP/d.d" CRLF? Suricata finds HTTP from the response then, and
 * libhtp parses such a request; seeing the line whole is as sure (only YES or NO here, so
 * that other protocols' lines of words are not held back).
 */
function requestLine(buf: Buffer, off: number, end: number): boolean {
  const lim = Math.min(end, off + PROBE_LINE_MAX);
  let p = off;
  while (p < lim && TCHAR[buf[p]!] === 1) p++;
  if (p === off || p >= lim || buf[p] !== SP) return false;
  let q = p + 1;
  while (q < lim && buf[q] !== LF) {
    const c = buf[q]!;
    if (c === 0) return false;
    q++;
  }
  if (q >= lim) return false;
  let e = q;
  if (buf[e - 1] === CR) e--;
  return e - 9 > p && buf[e - 9] === SP && parseVersion(buf, e - 8, e) !== 0;
}

/** The HTTP parser with default limits. */
export const httpParser: AppParser = createHttpParser();
