// Legacy HTTP content modifiers: `content:"x"; http_uri;` moves the preceding payload content,
// with its modifiers, to the end of the http.uri list — the same list `http.uri; content:"x";`
// fills. Relative modifiers of a moved content then chain to the previous match in that list.
// As in Suricata they need a content in the payload list, no sticky buffer in effect, and no
// rawbytes on the content.

import type { BufferName } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

const MODIFIERS: readonly (readonly [string, BufferName])[] = [
  ['http_uri', 'http.uri'],
  ['http_raw_uri', 'http.uri.raw'],
  ['http_method', 'http.method'],
  ['http_header', 'http.header'],
  ['http_raw_header', 'http.header.raw'],
  ['http_cookie', 'http.cookie'],
  ['http_user_agent', 'http.user_agent'],
  ['http_host', 'http.host'],
  ['http_raw_host', 'http.host.raw'],
  ['http_client_body', 'http.request_body'],
  ['http_server_body', 'http.response_body'],
  ['http_stat_code', 'http.stat_code'],
  ['http_stat_msg', 'http.stat_msg'],
];

export const httpModifiers: readonly KeywordDef[] = MODIFIERS.map(
  ([keyword, buffer]): KeywordDef => ({
    names: [keyword],
    value: 'none',
    setup(b, _value, name) {
      if (b.sticky !== null) {
        fail(name, `cannot be used while sticky buffer ${b.sticky} is in effect (use pkt_data before the content)`);
      }
      const placed = b.lastContentIn('payload');
      if (placed === null) fail(name, 'needs a preceding content (in the payload, not already moved)');
      if (placed.entry.rawbytes) fail(name, 'cannot be used on a content with rawbytes');
      b.requireApp('http', name);
      b.move(placed, buffer);
    },
  }),
);

/** Buffer each legacy modifier moves its content to. */
export const HTTP_MODIFIER_BUFFERS: ReadonlyMap<string, BufferName> = new Map(MODIFIERS);
