// Where each sticky buffer lives: which transaction field, which direction, and at which
// progress point it is complete. The detect engine asks a transaction for a buffer only when a
// candidate rule needs it; every buffer is a view the parser already holds (or builds once).

import type { DnsTx } from '../app/dns.js';
import { findHeader, type HttpTx } from '../app/http.js';
import type { SshTx } from '../app/ssh.js';
import type { TlsTx } from '../app/tls.js';
import {
  type AppTx,
  type Direction,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from '../app/types.js';
import type { AppProto, BufferName } from './rules/types.js';

/** Directions a buffer exists in: bit 1 to server, bit 2 to client. */
export const DIR_TS = 1;
export const DIR_TC = 2;

export interface BufferInfo {
  /** App protocol whose transactions hold it. */
  readonly proto: AppProto;
  readonly dirs: number;
  /** Progress point (TX_*) at which it is complete, per direction [to server, to client]. */
  readonly stage: readonly [number, number];
}

const REQ_HDR: [number, number] = [TX_REQUEST_HEADERS, TX_RESPONSE_HEADERS];
const BODY: [number, number] = [TX_REQUEST_DONE, TX_RESPONSE_DONE];

const INFO: Partial<Record<BufferName, BufferInfo>> = {
  'http.uri': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.uri.raw': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.method': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.request_line': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.host': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.host.raw': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.user_agent': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.cookie': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.content_type': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.header': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.header.raw': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.request_body': { proto: 'http', dirs: DIR_TS, stage: BODY },
  'http.stat_code': { proto: 'http', dirs: DIR_TC, stage: REQ_HDR },
  'http.stat_msg': { proto: 'http', dirs: DIR_TC, stage: REQ_HDR },
  'http.response_line': { proto: 'http', dirs: DIR_TC, stage: REQ_HDR },
  'http.response_body': { proto: 'http', dirs: DIR_TC, stage: BODY },
  'http.protocol': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.referer': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.accept': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.accept_lang': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.accept_enc': { proto: 'http', dirs: DIR_TS, stage: REQ_HDR },
  'http.connection': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.content_len': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'http.server': { proto: 'http', dirs: DIR_TC, stage: REQ_HDR },
  'http.location': { proto: 'http', dirs: DIR_TC, stage: REQ_HDR },
  'file.data': { proto: 'http', dirs: DIR_TS | DIR_TC, stage: BODY },
  'dns.query': { proto: 'dns', dirs: DIR_TS, stage: REQ_HDR },
  'tls.sni': { proto: 'tls', dirs: DIR_TS, stage: REQ_HDR },
  'ja3.hash': { proto: 'tls', dirs: DIR_TS, stage: REQ_HDR },
  'ja3.string': { proto: 'tls', dirs: DIR_TS, stage: REQ_HDR },
  'ja4.hash': { proto: 'tls', dirs: DIR_TS, stage: REQ_HDR },
  'tls.cert_subject': { proto: 'tls', dirs: DIR_TC, stage: BODY },
  'tls.cert_issuer': { proto: 'tls', dirs: DIR_TC, stage: BODY },
  'tls.cert_serial': { proto: 'tls', dirs: DIR_TC, stage: BODY },
  'tls.certs': { proto: 'tls', dirs: DIR_TC, stage: BODY },
  'tls.cert_fingerprint': { proto: 'tls', dirs: DIR_TC, stage: BODY },
  'ja3s.hash': { proto: 'tls', dirs: DIR_TC, stage: REQ_HDR },
  'ja3s.string': { proto: 'tls', dirs: DIR_TC, stage: REQ_HDR },
  'ssh.proto': { proto: 'ssh', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
  'ssh.software': { proto: 'ssh', dirs: DIR_TS | DIR_TC, stage: REQ_HDR },
};

export function bufferInfo(name: BufferName): BufferInfo | undefined {
  return INFO[name];
}

/** Buffers that hold several values per transaction (each is inspected; any may match). */
export function isMultiBuffer(name: BufferName): boolean {
  return name === 'dns.query' || name === 'tls.certs';
}

/** Number of instances of a multi-buffer in a transaction. */
export function multiBufferCount(tx: AppTx, name: BufferName): number {
  if (name === 'dns.query') return (tx as DnsTx).request?.queries.length ?? 0;
  if (name === 'tls.certs') return (tx as TlsTx).serverCert?.chain.length ?? 0;
  return 0;
}

/** Instance `i` of a multi-buffer. */
export function multiBuffer(tx: AppTx, name: BufferName, i: number): Buffer | undefined {
  if (name === 'dns.query') return (tx as DnsTx).request?.queries[i]?.name;
  if (name === 'tls.certs') return (tx as TlsTx).serverCert?.chain[i];
  return undefined;
}

function http(tx: HttpTx, name: BufferName, dir: Direction): Buffer | undefined {
  const ts = dir === TO_SERVER;
  switch (name) {
    case 'http.uri':
      return tx.uri;
    case 'http.uri.raw':
      return tx.uriRaw;
    case 'http.method':
      return tx.method;
    case 'http.request_line':
      return tx.requestLine;
    case 'http.host':
      return tx.host;
    case 'http.host.raw':
      return tx.hostRaw;
    case 'http.user_agent':
      return tx.userAgent;
    case 'http.cookie':
      return ts ? tx.cookie : tx.setCookie;
    case 'http.content_type':
      return ts ? tx.contentType : tx.responseContentType;
    case 'http.header':
      return ts ? tx.requestHeaders : tx.responseHeaders;
    case 'http.header.raw':
      return ts ? tx.requestHeadersRaw : tx.responseHeadersRaw;
    case 'http.request_body':
      return tx.requestBody;
    case 'http.stat_code':
      return tx.statusCodeBuf;
    case 'http.stat_msg':
      return tx.statusMessage;
    case 'http.response_line':
      return tx.responseLine;
    case 'http.response_body':
      return tx.responseBody;
    case 'file.data':
      return ts ? tx.requestBody : tx.responseBody;
    case 'http.protocol':
      return ts ? tx.protocol : tx.responseProtocol;
    case 'http.referer':
      return tx.referer;
    case 'http.accept':
      return findHeader(tx.requestHeaderList, 'accept');
    case 'http.accept_lang':
      return findHeader(tx.requestHeaderList, 'accept-language');
    case 'http.accept_enc':
      return findHeader(tx.requestHeaderList, 'accept-encoding');
    case 'http.connection':
      return findHeader(ts ? tx.requestHeaderList : tx.responseHeaderList, 'connection');
    case 'http.content_len':
      return findHeader(ts ? tx.requestHeaderList : tx.responseHeaderList, 'content-length');
    case 'http.server':
      return tx.server;
    case 'http.location':
      return tx.location;
    default:
      return undefined;
  }
}

function tls(tx: TlsTx, name: BufferName): Buffer | undefined {
  switch (name) {
    case 'tls.sni':
      return tx.sni;
    case 'ja3.hash':
      return tx.ja3Hash;
    case 'ja3.string':
      return tx.ja3String;
    case 'ja4.hash':
      return tx.ja4;
    case 'tls.cert_subject':
      return tx.certSubject;
    case 'tls.cert_issuer':
      return tx.certIssuer;
    case 'tls.cert_serial':
      return tx.certSerial;
    case 'tls.cert_fingerprint':
      return tx.certFingerprint;
    case 'ja3s.hash':
      return tx.ja3sHash;
    case 'ja3s.string':
      return tx.ja3sString;
    default:
      return undefined;
  }
}

/** The buffer `name` of a transaction as seen in direction `dir`, or undefined when absent. */
export function appBuffer(tx: AppTx, name: BufferName, dir: Direction): Buffer | undefined {
  switch (tx.proto) {
    case 'http':
      return http(tx as HttpTx, name, dir);
    case 'tls':
      return tls(tx as TlsTx, name);
    case 'ssh': {
      const s = tx as SshTx;
      if (name === 'ssh.proto') return s.sshProto(dir);
      if (name === 'ssh.software') return s.sshSoftware(dir);
      return undefined;
    }
    case 'dns':
      return name === 'dns.query' ? (tx as DnsTx).request?.queries[0]?.name : undefined;
    default:
      return undefined;
  }
}

export { TO_CLIENT, TO_SERVER };
