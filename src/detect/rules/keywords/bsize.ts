// bsize: length of the sticky buffer in effect (64-bit integer comparison, kb/mb/gb units).
// A content longer than bsize allows is refused when the rule is complete (parser.ts).

import type { KeywordDef } from './registry.js';
import { fail, parseUintCompare, U64_SAFE_MAX, unquote } from './util.js';

export const bsize: KeywordDef = {
  names: ['bsize'],
  value: 'required',
  setup(b, value, name) {
    if (b.sticky === null) fail(name, 'needs a sticky buffer (e.g. http.uri;) before it');
    b.append(b.sticky, { kind: 'bsize', compare: parseUintCompare(name, unquote(value!), U64_SAFE_MAX, true) });
  },
};
