// distance: the preceding content must start at least N bytes (N may be negative) after the end
// of the previous match in the same list; with no previous match, after the buffer start.
// Relative: cannot be combined with depth/offset or startswith on the same content.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail, parseIntOrVar, parseSignedInt } from './util.js';

/** Suricata's limit for distance/within: 1 MiB either way. */
export const RELATIVE_LIMIT = 1048576;

export const distance: KeywordDef = {
  names: ['distance'],
  value: 'required',
  setup(b, value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.startswith) fail(name, 'cannot be combined with startswith on the same content');
    if (c.distance !== undefined) fail(name, 'used twice on the same content');
    if (c.depth !== undefined || c.offset !== undefined) {
      fail(name, 'cannot be combined with an absolute depth/offset on the same content');
    }
    c.distance = parseIntOrVar(b, name, value!, (t) => parseSignedInt(name, t, -RELATIVE_LIMIT, RELATIVE_LIMIT));
  },
};
