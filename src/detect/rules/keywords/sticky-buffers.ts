// Sticky buffers: `http.uri; content:"x"; pcre:"/y/";` — the keyword selects a buffer and the
// content/pcre/bsize/isdataat/byte_* keywords that follow inspect it, until another sticky
// buffer or pkt_data. One row per buffer: the keyword names (dotted name first, then the legacy
// underscore spellings Suricata still accepts) and the application layer it needs.

import type { AppProto, BufferName } from '../types.js';
import type { KeywordDef } from './registry.js';

interface StickyRow {
  readonly names: readonly string[];
  readonly buffer: BufferName;
  /** Application layer the buffer comes from; null for payload and file data. */
  readonly app: AppProto | null;
}

const ROWS: readonly StickyRow[] = [
  // Back to the packet payload / stream.
  { names: ['pkt_data'], buffer: 'payload', app: null },
  // File data (HTTP bodies carrying files, in vsids).
  { names: ['file.data', 'file_data'], buffer: 'file.data', app: null },
  // HTTP request.
  { names: ['http.uri'], buffer: 'http.uri', app: 'http' },
  { names: ['http.uri.raw'], buffer: 'http.uri.raw', app: 'http' },
  { names: ['http.method'], buffer: 'http.method', app: 'http' },
  { names: ['http.host'], buffer: 'http.host', app: 'http' },
  { names: ['http.host.raw'], buffer: 'http.host.raw', app: 'http' },
  { names: ['http.user_agent'], buffer: 'http.user_agent', app: 'http' },
  { names: ['http.header'], buffer: 'http.header', app: 'http' },
  { names: ['http.header.raw'], buffer: 'http.header.raw', app: 'http' },
  { names: ['http.cookie'], buffer: 'http.cookie', app: 'http' },
  { names: ['http.content_type', 'http_content_type'], buffer: 'http.content_type', app: 'http' },
  { names: ['http.request_line', 'http_request_line'], buffer: 'http.request_line', app: 'http' },
  { names: ['http.request_body', 'http.client_body'], buffer: 'http.request_body', app: 'http' },
  { names: ['http.protocol', 'http_protocol'], buffer: 'http.protocol', app: 'http' },
  { names: ['http.referer', 'http_referer'], buffer: 'http.referer', app: 'http' },
  { names: ['http.accept', 'http_accept'], buffer: 'http.accept', app: 'http' },
  { names: ['http.accept_lang', 'http_accept_lang'], buffer: 'http.accept_lang', app: 'http' },
  { names: ['http.accept_enc', 'http_accept_enc'], buffer: 'http.accept_enc', app: 'http' },
  { names: ['http.connection', 'http_connection'], buffer: 'http.connection', app: 'http' },
  { names: ['http.content_len', 'http_content_len'], buffer: 'http.content_len', app: 'http' },
  // HTTP response.
  { names: ['http.stat_code'], buffer: 'http.stat_code', app: 'http' },
  { names: ['http.stat_msg'], buffer: 'http.stat_msg', app: 'http' },
  { names: ['http.response_body', 'http.server_body'], buffer: 'http.response_body', app: 'http' },
  { names: ['http.response_line', 'http_response_line'], buffer: 'http.response_line', app: 'http' },
  { names: ['http.server'], buffer: 'http.server', app: 'http' },
  { names: ['http.location'], buffer: 'http.location', app: 'http' },
  // DNS.
  { names: ['dns.query', 'dns_query'], buffer: 'dns.query', app: 'dns' },
  // TLS.
  { names: ['tls.sni', 'tls_sni'], buffer: 'tls.sni', app: 'tls' },
  { names: ['tls.cert_subject', 'tls_cert_subject'], buffer: 'tls.cert_subject', app: 'tls' },
  { names: ['tls.cert_issuer', 'tls_cert_issuer'], buffer: 'tls.cert_issuer', app: 'tls' },
  { names: ['tls.cert_serial', 'tls_cert_serial'], buffer: 'tls.cert_serial', app: 'tls' },
  { names: ['tls.certs'], buffer: 'tls.certs', app: 'tls' },
  { names: ['ja3.hash', 'ja3_hash'], buffer: 'ja3.hash', app: 'tls' },
  { names: ['ja3.string', 'ja3_string'], buffer: 'ja3.string', app: 'tls' },
  { names: ['ja4.hash'], buffer: 'ja4.hash', app: 'tls' },
  { names: ['ja3s.hash'], buffer: 'ja3s.hash', app: 'tls' },
  { names: ['ja3s.string'], buffer: 'ja3s.string', app: 'tls' },
  { names: ['tls.cert_fingerprint', 'tls_cert_fingerprint'], buffer: 'tls.cert_fingerprint', app: 'tls' },
  // SSH.
  { names: ['ssh.proto', 'ssh_proto'], buffer: 'ssh.proto', app: 'ssh' },
  { names: ['ssh.software', 'ssh_software'], buffer: 'ssh.software', app: 'ssh' },
];

export const stickyBuffers: readonly KeywordDef[] = ROWS.map(
  (row): KeywordDef => ({
    names: row.names,
    value: 'none',
    setup(b, _value, name) {
      if (row.app !== null) b.requireApp(row.app, name);
      b.setSticky(row.buffer, name);
    },
  }),
);

/** Buffer selected by each sticky keyword name (for documentation and tests). */
export const STICKY_BUFFER_NAMES: ReadonlyMap<string, BufferName> = new Map(
  ROWS.flatMap((r) => r.names.map((n) => [n, r.buffer] as const)),
);
