// within: the preceding content must end at most N bytes after the end of the previous match in
// the same list (the buffer start if none). N must be at least the content length.
// Relative: cannot be combined with depth/offset or startswith on the same content.

import { modifiedContent } from './content.js';
import { RELATIVE_LIMIT } from './distance.js';
import type { KeywordDef } from './registry.js';
import { fail, parseIntOrVar, parseSignedInt } from './util.js';

export const within: KeywordDef = {
  names: ['within'],
  value: 'required',
  setup(b, value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.startswith) fail(name, 'cannot be combined with startswith on the same content');
    if (c.within !== undefined) fail(name, 'used twice on the same content');
    if (c.depth !== undefined || c.offset !== undefined) {
      fail(name, 'cannot be combined with an absolute depth/offset on the same content');
    }
    const v = parseIntOrVar(b, name, value!, (t) => parseSignedInt(name, t, -RELATIVE_LIMIT, RELATIVE_LIMIT));
    if (typeof v === 'number') {
      if (v <= 0) fail(name, `${v} is not a valid within (must be above 0)`);
      if (v < c.pattern.length) {
        fail(name, `${v} is less than the content length ${c.pattern.length}, so the content can never match`);
      }
    }
    c.within = v;
  },
};
